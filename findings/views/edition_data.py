"""A published edition's open data release and manifest, served as they were stored when it
was frozen (ETag and Last-Modified; 304 when the caller has them). Drafts have neither: 404
for everyone."""

from django.http import HttpRequest, HttpResponseBase
from django.shortcuts import get_object_or_404

from ..editions import store
from ..editions.data import ZIP
from ..models import PUBLISHED_STATUSES, ReportEdition


def published_edition(slug: str) -> ReportEdition:
    """A published or superseded edition (Http404 for a draft or no such edition)."""
    return get_object_or_404(ReportEdition, slug=slug, status__in=PUBLISHED_STATUSES)


def data_zip(request: HttpRequest, edition: str) -> HttpResponseBase:
    found = published_edition(edition)
    return store.serve(request, store.stored(found, ZIP), download_name=f"{found.slug}-data.zip")


def manifest(request: HttpRequest, edition: str) -> HttpResponseBase:
    found = published_edition(edition)
    return store.serve(request, store.stored(found, store.MANIFEST))
