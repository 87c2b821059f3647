"""An edition's PDF at /findings/<edition>.pdf: a published (or superseded) edition's stored
file, exactly as frozen (ETag, 304); a draft or one in review rendered on request for project
members only, never cached, and for anyone else no such page."""

from django.http import Http404, HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import get_object_or_404, render
from django.views.decorators.http import require_safe

from mash_survey.roles import is_staff_member

from ..editions import pdf, snapshot, store
from ..figures import FigureError
from ..models import ReportEdition


@require_safe
def edition_pdf(request: HttpRequest, edition: str) -> HttpResponseBase:
    found = get_object_or_404(ReportEdition, slug=edition)
    if found.is_published:
        return store.serve(
            request, store.stored(found, pdf.FILE), download_name=f"{found.slug}.pdf"
        )
    if not is_staff_member(request.user):
        raise Http404("No published edition has this address.")
    try:
        content = pdf.render(snapshot.build(found), base_url=request.build_absolute_uri("/"))
    except FigureError as exc:
        response = render(
            request,
            "findings/editions/pdf_error.html",
            {"edition": found, "error": str(exc)},
            status=409,
        )
    else:
        response = HttpResponse(content, content_type=pdf.CONTENT_TYPE)
        response["Content-Disposition"] = f'inline; filename="{found.slug}-draft.pdf"'
    response["Cache-Control"] = "private, no-store"
    return response
