"""Coded evidence and findings made through the services, for the page tests."""

from collections.abc import Sequence
from typing import Any

from django.contrib.auth.models import User

from findings import services, sources
from findings.models import Clearance, Excerpt, Finding, Theme
from tests.factories import ReviewerFactory

NOTES = (
    "Police and children's social care sit together in the hub. "
    "Co-location was the key success factor: decisions take hours, not days."
)
PASSAGE = "Co-location was the key success factor"


def code(
    source: sources.Source,
    user: User,
    *themes: Theme,
    passage: str = PASSAGE,
    clearance: str = Clearance.NOT_FOR_PUBLICATION,
) -> Excerpt:
    excerpt = services.excerpt_paste(source=source, passage=passage, themes=themes, user=user)
    if clearance != excerpt.clearance:
        excerpt = services.excerpt_clear(
            excerpt=excerpt, user=ReviewerFactory.create(), clearance=clearance
        )
    return excerpt


def draft(
    theme: Theme,
    author: User,
    excerpts: Sequence[Excerpt] = (),
    *,
    headline: str = "Co-location speeds up decisions",
    statement: str = "Areas that **sit together** decide faster.",
    is_illustrative: bool = False,
) -> Finding:
    finding = services.finding_create(
        user=author,
        theme=theme,
        headline=headline,
        statement=statement,
        is_illustrative=is_illustrative,
    )
    if excerpts:
        finding = services.finding_cite(finding=finding, user=author, excerpts=excerpts)
    return finding


def agreed(theme: Theme, author: User, excerpts: Sequence[Excerpt], **fields: Any) -> Finding:
    finding = draft(theme, author, excerpts, **fields)
    return services.finding_agree(finding=finding, user=ReviewerFactory.create())
