"""Published editions for the data release and API tests: the edition's snapshot built now,
its files stored as publishing stores them (the data release, the snapshot and the manifest)
and its status set to published, as `freeze.freeze` will."""

import datetime as dt
import json
from pathlib import Path
from typing import Any

from django.utils import timezone

from findings.editions import data, snapshot, store
from findings.models import (
    EditionFinding,
    EditionStatus,
    EditionTheme,
    Finding,
    ReportEdition,
    Theme,
)

AT = dt.datetime(2026, 3, 2, 9, 30, 15, tzinfo=dt.UTC)


def tmp_media(settings: Any, path: Path) -> None:
    """Store the editions' files in the test's own folder, not var/media."""
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": str(path)},
        },
    }


def draft(
    slug: str = "early-findings",
    *,
    themes: list[Theme] | None = None,
    findings: list[Finding] | None = None,
    **fields: Any,
) -> ReportEdition:
    fields.setdefault("summary", "What the visits found about sharing information.")
    fields.setdefault("caveats", "The views of the areas visited.")
    edition = ReportEdition.objects.create(slug=slug, **fields)
    for order, theme in enumerate(themes or []):
        EditionTheme.objects.create(edition=edition, theme=theme, order=order)
    for order, finding in enumerate(findings or []):
        EditionFinding.objects.create(edition=edition, finding=finding, order=order)
    return edition


def publish(edition: ReportEdition, *, at: dt.datetime | None = None) -> dict[str, Any]:
    """Freeze and publish `edition`; returns its snapshot."""
    at = at or timezone.now()
    edition.status, edition.published_at = EditionStatus.PUBLISHED, at
    edition.save()
    frozen = snapshot.build(edition)
    stored = json.dumps(frozen, indent=2, sort_keys=True).encode()
    store.write(
        edition, {**data.files(frozen), "snapshot.json": (stored, "application/json")}, at=at
    )
    if edition.amends is not None:
        ReportEdition.objects.filter(pk=edition.amends.pk).update(status=EditionStatus.SUPERSEDED)
    return frozen
