"""Data-quality checks: every rule run over every stored record, and the warnings people have
checked.

The rules are the apps' own, the ones their forms, imports and services run
(`surveys.values.answer_breaches`, `visits.rules`), plus checks that need the whole data set
(a survey answer far from every other area's). Each app turns what its records break into
`Problem`s (`surveys.quality`, `visits.quality`), reading them in a fixed number of queries
whatever the number of records. This module sorts them:

- **to fix**: an error. A save now refuses the value, but it was saved before the rule
  existed or before the rule changed. The only way out is to change the value.
- **to check**: a warning (a figure that looks wrong but may be right) nobody has checked.
- **checked**: a warning someone marked "checked: correct as recorded" with a reason
  (`CheckedWarning`, with its history). A mark holds for the value it was given for: when
  the value changes, the warning is open again.

It also draws the pages (`report_page`, `check_page`: each app's views call them with its
problems) and keeps the summaries the home page shows project members (`register_summary`).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from functools import cached_property
from typing import Any

from crispy_forms_gds.layout import Field
from django import forms
from django.contrib import messages
from django.contrib.auth.models import User
from django.contrib.contenttypes.models import ContentType
from django.db import IntegrityError, models, transaction
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone

from . import history, pii
from .access import signed_in_user
from .forms import GovukForm
from .models import CheckedWarning
from .pagination import page_of
from .rules import Breach

REASON_LIMIT = 1_000


@dataclass
class Problem:
    """One rule one record breaks: the record (its model and key, and how people know it),
    the field it is about, the value as stored, the rule's breach and where to fix it."""

    model: type[models.Model]
    pk: int
    record: str
    field: str
    field_label: str
    value: str
    breach: Breach
    fix_url: str
    mark: CheckedWarning | None = None

    @property
    def key(self) -> str:
        """Names the problem in a link: model, record, rule and field."""
        return f"{self.model._meta.label_lower}:{self.pk}:{self.breach.rule}:{self.field}"

    @property
    def is_error(self) -> bool:
        return self.breach.blocks

    @property
    def is_checked(self) -> bool:
        return self.mark is not None and self.mark.value == self.value


@dataclass
class Report:
    """A data set's problems, with the marks on its warnings attached."""

    problems: list[Problem]

    @cached_property
    def to_fix(self) -> list[Problem]:
        return [p for p in self.problems if p.is_error]

    @cached_property
    def to_check(self) -> list[Problem]:
        return [p for p in self.problems if not p.is_error and not p.is_checked]

    @cached_property
    def checked(self) -> list[Problem]:
        return [p for p in self.problems if not p.is_error and p.is_checked]

    @property
    def open_count(self) -> int:
        return len(self.to_fix) + len(self.to_check)


def _content_type(model: type[models.Model]) -> ContentType:
    return ContentType.objects.get_for_model(model)  # cached after the first


def _mark_key(content_type_id: int, object_id: int, rule: str, field_name: str) -> tuple:
    return (content_type_id, object_id, rule, field_name)


def report(problems: Iterable[Problem]) -> Report:
    """The problems, errors first then by record, with their marks (one query)."""
    found = list(problems)
    warned = [p for p in found if not p.is_error]
    types = {p.model: _content_type(p.model) for p in warned}
    marks = {
        _mark_key(m.content_type_id, m.object_id, m.rule, m.field): m
        for m in CheckedWarning.objects.filter(
            content_type__in=types.values(), object_id__in={p.pk for p in warned}
        ).select_related("checked_by")
    }
    for problem in warned:
        problem.mark = marks.get(
            _mark_key(types[problem.model].pk, problem.pk, problem.breach.rule, problem.field)
        )
    return Report(found)


# ----- The home page's summaries ---------------------------------------------------------


@dataclass(frozen=True)
class Summary:
    """One data set's open problems, as the home page lists them for project members."""

    title: str
    url: str
    to_fix: int
    to_check: int

    @property
    def open_count(self) -> int:
        return self.to_fix + self.to_check


def summary(title: str, url: str, checked: Report) -> Summary:
    return Summary(title, url, len(checked.to_fix), len(checked.to_check))


_summaries: list[Callable[[], list[Summary]]] = []


def register_summary(source: Callable[[], list[Summary]]) -> None:
    """Add a data set's summaries to the home page (each app, from its AppConfig.ready)."""
    if source not in _summaries:
        _summaries.append(source)


def summaries() -> list[Summary]:
    return [s for source in _summaries for s in source()]


# ----- The pages ------------------------------------------------------------------------

SHOW = {
    "open": "To fix or check",
    "fix": "To fix",
    "check": "To check",
    "checked": "Checked",
}


def _shown(checked: Report, show: str) -> list[Problem]:
    if show == "fix":
        return checked.to_fix
    if show == "check":
        return checked.to_check
    if show == "checked":
        return checked.checked
    return checked.to_fix + checked.to_check


def report_page(
    request: HttpRequest,
    *,
    problems: Iterable[Problem],
    title: str,
    about: str,
    check_url: str,
    breadcrumbs: Sequence[tuple[str, str]],
) -> HttpResponse:
    """The data-quality page of a data set: its counts, then its problems (`?show=` picks
    which), a page at a time, each with a link to fix it or to mark it checked."""
    checked = report(problems)
    show = request.GET.get("show", "open")
    if show not in SHOW:
        show = "open"
    return render(
        request,
        "quality/report.html",
        {
            "title": title,
            "about": about,
            "report": checked,
            "show": show,
            "show_label": SHOW[show],
            "tabs": [
                ("open", SHOW["open"], checked.open_count),
                ("fix", SHOW["fix"], len(checked.to_fix)),
                ("check", SHOW["check"], len(checked.to_check)),
                ("checked", SHOW["checked"], len(checked.checked)),
            ],
            "page": page_of(request, _shown(checked, show)),
            "check_url": check_url,
            "breadcrumbs": breadcrumbs,
        },
    )


class CheckForm(GovukForm):
    reason = forms.CharField(
        label="Why is the value correct?",
        help_text="Say how you checked it, such as who at the area confirmed it and when "
        "(their role, not their name).",
        max_length=REASON_LIMIT,
        widget=forms.Textarea,
        error_messages={
            "required": "Enter why the value is correct",
            "max_length": f"The reason must be {REASON_LIMIT:,} characters or fewer",
        },
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.helper = self.make_helper(
            Field.textarea("reason", rows=4, max_characters=REASON_LIMIT)
        )

    def clean_reason(self) -> str:
        reason: str = self.cleaned_data["reason"].strip()
        kinds = sorted({pii.label(hit.kind) for hit in pii.scan(reason)})
        if kinds:
            raise forms.ValidationError(
                f"The reason holds a possible {' and '.join(kinds)}: remove it. Say how the "
                "value was checked, not who it is about"
            )
        return reason


GONE = (
    "This warning no longer applies: its value has changed or it no longer breaks the rule. "
    "The list below is up to date."
)


def check_page(
    request: HttpRequest,
    *,
    problems: Iterable[Problem],
    title: str,
    back_url: str,
    breadcrumbs: Sequence[tuple[str, str]],
) -> HttpResponse:
    """Mark a warning "checked: correct as recorded" with a reason (or, posting `reopen`,
    take the mark away). Only a warning the rules find now can be marked, and only for the
    value it has now."""
    user = signed_in_user(request)
    key = request.POST.get("problem") or request.GET.get("problem", "")
    problem = next((p for p in report(problems).problems if p.key == key), None)
    if problem is None:
        messages.info(request, GONE)
        return redirect(back_url)
    if problem.is_error:
        messages.info(request, "An error cannot be marked as checked: fix the value.")
        return redirect(back_url)
    if request.method == "POST" and "reopen" in request.POST:
        if problem.mark is not None:
            history.delete(problem.mark, user=user)
            messages.success(request, f"The warning on {problem.record} is open again.")
        return redirect(back_url)
    if problem.is_checked and problem.mark is not None:
        messages.info(request, f"{_who(problem.mark)} has already marked this as checked.")
        return redirect(back_url)
    form = CheckForm(request.POST if request.method == "POST" else None)
    if form.is_valid():
        if not _mark(problem, user=user, reason=form.cleaned_data["reason"]):
            messages.info(request, "Someone else marked this as checked at the same moment.")
            return redirect(back_url)
        messages.success(
            request, f"{problem.field_label} for {problem.record} is marked as checked."
        )
        return redirect(back_url)
    return render(
        request,
        "quality/check.html",
        {
            "title": title,
            "problem": problem,
            "form": form,
            "earlier": _earlier_marks(problem),
            "back_url": back_url,
            "breadcrumbs": breadcrumbs,
        },
    )


def _who(mark: CheckedWarning) -> str:
    return history.person_name(mark.checked_by)


def _mark(problem: Problem, *, user: User, reason: str) -> bool:
    """Write the mark (or give a mark made for an earlier value the value now): False if
    someone else's mark got there first."""
    mark = problem.mark or CheckedWarning(
        content_type=_content_type(problem.model),
        object_id=problem.pk,
        rule=problem.breach.rule,
        field=problem.field,
    )
    mark.value = problem.value
    mark.reason = reason
    mark.checked_by = user
    mark.checked_at = timezone.now()
    try:
        with transaction.atomic():
            history.save(mark, user=user, reason=reason)
    except IntegrityError:
        return False
    return True


@dataclass(frozen=True)
class EarlierMark:
    value: str
    reason: str
    by: str
    at: dt.datetime
    removed: bool = False


def _earlier_marks(problem: Problem) -> list[EarlierMark]:
    """Every mark and removal this warning has had, newest first (from the marks' history)."""
    rows = (
        CheckedWarning.history.filter(
            content_type=_content_type(problem.model),
            object_id=problem.pk,
            rule=problem.breach.rule,
            field=problem.field,
        )
        .select_related("history_user")
        .order_by("-history_date", "-history_id")
    )
    return [
        EarlierMark(
            value=row.value,
            reason=row.reason,
            by=history.person_name(row.history_user),
            at=row.history_date,
            removed=row.history_type == "-",
        )
        for row in rows
    ]
