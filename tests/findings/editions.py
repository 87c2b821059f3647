"""Report editions for the tests: made with their themes and findings in order, and
published through `freeze.freeze` as the publishing job does, their files stored in a
folder of the test's (`stored_in`) or, for editions made once for a whole module, of the
module's (`for_the_module`)."""

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from django.conf import settings as django_settings
from django.contrib.auth.models import User
from django.test import override_settings
from pytest_django import DjangoDbBlocker
from pytest_django.fixtures import Settings

from findings import sources
from findings.editions.freeze import freeze
from findings.models import (
    Clearance,
    EditionFinding,
    EditionStatus,
    EditionTheme,
    Finding,
    ReportEdition,
    Theme,
)
from tests.factories import ReviewerFactory
from tests.module_data import module_atomic

from .coded import NOTES, agreed, code
from .factories import ThemeFactory, approved_visit

INTRODUCTION = (
    "The project made {{ number visits-by-region }} visits.\n\n{{ figure visits-by-region }}"
)


def storages(folder: Path) -> dict[str, Any]:
    """The STORAGES setting with the default storage (the editions' frozen files) in
    `folder`."""
    return {
        **django_settings.STORAGES,
        "default": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": str(folder)},
        },
    }


def stored_in(settings: Settings, folder: Path) -> Path:
    """Store files (the editions' frozen files) in `folder`: call it from a fixture with
    pytest's `settings` and `tmp_path`, so each test has a folder of its own."""
    settings.STORAGES = storages(folder)
    return folder


@contextmanager
def for_the_module(blocker: DjangoDbBlocker, folder: Path, **settings: Any) -> Iterator[None]:
    """For a module-scoped fixture that publishes editions once for all its tests
    (publishing renders a PDF: a second or so each time): files stored in `folder` and
    `settings` overridden until the block ends, in a transaction rolled back then
    (`tests.module_data`). Make the data inside `blocker.unblock()`; each test still rolls
    back what it changes."""
    with override_settings(STORAGES=storages(folder), **settings), module_atomic(blocker):
        yield


def make_edition(
    slug: str,
    findings: list[Finding],
    *,
    amends: ReportEdition | None = None,
    status: str = EditionStatus.DRAFT,
    **fields: Any,
) -> ReportEdition:
    """An edition (a draft unless `status` says) of `findings` in order, with their themes in
    the order they first come; `fields` replace the texts made up here."""
    edition = ReportEdition.objects.create(
        slug=slug,
        title=fields.pop("title", "Early findings"),
        summary=fields.pop("summary", "What the areas visited told the project."),
        introduction=fields.pop("introduction", INTRODUCTION),
        method=fields.pop("method", "Visits were coded by theme."),
        caveats=fields.pop("caveats", "Small numbers of areas."),
        amends=amends,
        amendment_reason=fields.pop("amendment_reason", ""),
        status=status,
        **fields,
    )
    themes: list[Theme] = []
    for finding in findings:
        if finding.theme not in themes:
            themes.append(finding.theme)
    EditionTheme.objects.bulk_create(
        EditionTheme(edition=edition, theme=theme, order=i) for i, theme in enumerate(themes)
    )
    EditionFinding.objects.bulk_create(
        EditionFinding(edition=edition, finding=finding, order=i)
        for i, finding in enumerate(findings)
    )
    return edition


def publish(edition: ReportEdition) -> ReportEdition:
    """`edition` published as a reviewer publishes it: every file rendered and stored with
    its manifest, and any other published edition superseded."""
    return freeze(edition, published_by=ReviewerFactory.create())


def coded_finding(
    staff_user: User,
    theme: Theme | None = None,
    *,
    headline: str = "Co-location speeds up decisions",
    **fields: Any,
) -> Finding:
    theme = theme or ThemeFactory.create(name="Working together", slug="working-together")
    visit = approved_visit(notes=NOTES)
    excerpt = code(sources.visit_source(visit), staff_user, theme, clearance=Clearance.UNATTRIBUTED)
    return agreed(theme, staff_user, [excerpt], headline=headline, **fields)
