"""A project member's own work, gathered from every app for the "Your work" page.

Each app says what is waiting for a person among its records (`register_work`, from its
AppConfig.ready), so this module imports no app: survey returns, visits, feedback and case
studies each answer for themselves, in a fixed number of queries whatever the number of
records. The page lists them under the headings of `SECTIONS`, in that order.
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


def work_for(user: User) -> list[WorkSection]:
    """The person's work, section by section (reviewers' section only for reviewers)."""
    reviewer = is_reviewer(user)
    items = [item for source in _sources for item in source(user, reviewer)]
    return [
        WorkSection(
            key,
            heading,
            description,
            sorted(
                (i for i in items if i.section == key),
                key=lambda i: (i.changed is None, -(i.changed.timestamp() if i.changed else 0)),
            ),
        )
        for key, heading, description, reviewers_only in SECTIONS
        if reviewer or not reviewers_only
    ]


@require_GET
@member_required
def your_work(request: HttpRequest) -> HttpResponse:
    user = signed_in_user(request)
    sections = work_for(user)
    return render(
        request,
        "your_work.html",
        {"sections": sections, "total": sum(len(s.items) for s in sections)},
    )
