"""Publishing an edition: one snapshot rendered to every file (pages, PDF, data release),
stored with its manifest (`store`), and the edition marked published, in that order."""

from collections.abc import Callable

from django.conf import settings
from django.contrib.auth.models import User
from django.db import transaction
from django.utils import timezone

from mash_survey import audit, history
from mash_survey.models import AuditKind

from ..models import EditionStatus, FreezeState, ReportEdition
from . import data, pdf, render, snapshot
from .store import first_published, write


def _unless_published(edition: ReportEdition) -> None:
    if edition.status not in (EditionStatus.DRAFT, EditionStatus.IN_REVIEW):
        raise ValueError(f"The edition {edition.slug} is already published; it never changes.")


def freeze(
    edition: ReportEdition,
    *,
    published_by: User,
    progress: Callable[[str], None] | None = None,
) -> ReportEdition:
    """Publish `edition`: render its pages, PDF and data release from one snapshot, store them
    with their manifest, and mark it published (any other published edition superseded).

    The rendering (the slow part) runs first, outside any transaction, so `progress(message)`
    (called between the steps) may write where other requests see it. Then, in one
    transaction with the edition locked, the files are stored and the edition published,
    unless it was changed or published meanwhile (StaleEditError, ValueError): if anything
    fails nothing is published, and the exception propagates. The rules of who may publish
    what are the caller's (`findings.editions.services`)."""
    report = progress or (lambda message: None)
    _unless_published(edition)
    seen_version = edition.version
    now = timezone.now()
    edition.published_at = now
    report("Reading the data")
    with transaction.atomic():  # one consistent read where the database gives one
        snap = snapshot.build(edition)
        first = first_published(edition)
    snap["edition"]["published_at"] = now.isoformat()
    snap["edition"]["first_published_at"] = (first or now).isoformat()
    report("Rendering the pages")
    files = dict(render.files(snap))
    report("Rendering the PDF")
    files.update(pdf.files(snap, base_url=settings.SITE_URL))
    report("Building the data release")
    files.update(data.files(snap))
    report("Storing the files")
    # One change: the edition published and the one it supersedes, in one history change.
    with transaction.atomic(), history.change(user=published_by):
        edition = history.lock(edition)
        _unless_published(edition)
        history.claim_version(edition, seen_version=seen_version)
        edition.published_at = now
        write(edition, files, at=now)
        for earlier in ReportEdition.objects.filter(status=EditionStatus.PUBLISHED).exclude(
            pk=edition.pk
        ):
            history.claim_version(earlier, seen_version=None)
            earlier.status = EditionStatus.SUPERSEDED
            history.save(earlier, user=published_by, reason=f"Superseded by {edition.slug}")
        edition.status = EditionStatus.PUBLISHED
        edition.published_by = published_by
        edition.freeze_state = FreezeState.NONE
        history.save(edition, user=published_by, reason="Published")
        audit.record(
            AuditKind.PUBLISHED,
            user=published_by,
            target=edition,
            detail={"step": "published", "amends": edition.amends.slug if edition.amends else ""},
        )
    return edition
