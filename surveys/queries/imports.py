"""The survey's imports of returns from files, with what each one changed."""

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass

from django.db.models import QuerySet

from areas.models import LocalAuthority

from ..models import ImportBatch, Response, Survey

# ----- Imports -------------------------------------------------------------


@dataclass(frozen=True)
class ImportBatchSummary:
    batch: ImportBatch
    #: The areas whose returns this batch created or changed, by name.
    changed: list[LocalAuthority]


def import_batch_list(survey: Survey) -> QuerySet[ImportBatch]:
    """Every import of `survey`, newest first (one query for any page of it)."""
    return (
        ImportBatch.objects.filter(survey=survey)
        .select_related("imported_by")
        .order_by("-imported_at", "-pk")
    )


def import_batch_summaries(batches: Iterable[ImportBatch]) -> list[ImportBatchSummary]:
    """The `batches` (a page of `import_batch_list`), each with the returns it changed (from
    the returns' history, so a later edit or import does not hide what a batch did). One
    query."""
    batches = list(batches)
    changed: dict[int, dict[int, LocalAuthority]] = defaultdict(dict)
    history = (
        Response.history.filter(import_batch_id__in=[b.pk for b in batches])
        .select_related("local_authority")
        .order_by("local_authority__name")
    )
    for record in history:
        changed[record.import_batch_id][record.local_authority_id] = record.local_authority
    return [
        ImportBatchSummary(batch=b, changed=list(changed.get(b.pk, {}).values())) for b in batches
    ]
