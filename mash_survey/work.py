"""A project member's own work, gathered from every app for the "Your work" page.

Each app says what is waiting for a person among its records (`register_work`, from its
AppConfig.ready), so this module imports no app: survey returns, visits, feedback and case
studies each answer for themselves, in a fixed number of queries whatever the number of
records. The page lists them under the headings of `SECTIONS`, in that order, the most
recently changed first: the first few of each section, with a link to the whole section a
page at a time (`?show=<section>`, see `mash_survey.pagination`).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from django.contrib.auth.models import User
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from .access import member_required, signed_in_user
from .pagination import first_rows, page_of, shown_list
from .roles import is_reviewer

#: The page's sections: (key, heading, what it holds, for reviewers only).
SECTIONS = (
    ("returned", "Sent back to you", "Records a reviewer returned with comments.", False),
    ("reopened", "Reopened returns", "Survey returns a reviewer reopened for correction.", False),
    (
        "awaiting_review",
        "Waiting for your review",
        "Records others sent for review that you may decide on.",
        True,
    ),
    ("drafts", "Your drafts", "Records you started and have not sent for review.", False),
    ("in_review", "Your case studies in review", "Waiting for a reviewer's decision.", False),
    (
        "problems",
        "Data-quality problems on your records",
        "Values on records you entered that break a rule (to fix) or look wrong (to check).",
        False,
    ),
)


@dataclass(frozen=True)
class WorkItem:
    """One record waiting for the person: which section it goes in, what it is, where to
    open it, and what to say about it."""

    section: str
    kind: str
    title: str
    url: str
    status: str
    changed: dt.datetime | None = None
    note: str = ""


@dataclass(frozen=True)
class WorkSection:
    key: str
    heading: str
    description: str
    items: list[WorkItem]


WorkSource = Callable[[User, bool], Iterable[WorkItem]]
_sources: list[WorkSource] = []


def register_work(source: WorkSource) -> None:
    """Add an app's work to the page: `source(user, reviewer)` gives the items waiting for
    `user` (and, when `reviewer`, those waiting for their review)."""
    if source not in _sources:
        _sources.append(source)


def _latest_first(item: WorkItem) -> tuple[bool, float, str, str, str]:
    """The most recently changed first, those with no date last; ties in a fixed order, so a
    page of a section never repeats a row of another page."""
    stamp = -item.changed.timestamp() if item.changed else 0.0
    return (item.changed is None, stamp, item.kind, item.title, item.url)


def work_for(user: User) -> list[WorkSection]:
    """The person's work, section by section (reviewers' section only for reviewers)."""
    reviewer = is_reviewer(user)
    items = [item for source in _sources for item in source(user, reviewer)]
    return [
        WorkSection(
            key,
            heading,
            description,
            sorted((i for i in items if i.section == key), key=_latest_first),
        )
        for key, heading, description, reviewers_only in SECTIONS
        if reviewer or not reviewers_only
    ]


@require_GET
@member_required
def your_work(request: HttpRequest) -> HttpResponse:
    """Every section's first rows, or with `?show=<section>` that section alone, a page at a
    time."""
    user = signed_in_user(request)
    sections = work_for(user)
    total = sum(len(s.items) for s in sections)
    show = shown_list(request, (s.key for s in sections))
    if show:
        section = next(s for s in sections if s.key == show)
        return render(
            request,
            "your_work.html",
            {"section": section, "page": page_of(request, section.items), "total": total},
        )
    return render(
        request,
        "your_work.html",
        {"sections": [(s, first_rows(s.items)) for s in sections], "total": total},
    )
