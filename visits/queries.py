"""Reads of visits and detailed feedback, shaped for their pages: the list and its filters,
the "needs attention" list, one visit or feedback record, and a record's history."""

import datetime as dt
import difflib
from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

from django.contrib.auth.models import User
from django.core.paginator import Page, Paginator
from django.db import models
from django.db.models import Exists, OuterRef, Prefetch, Q, QuerySet
from django.http import Http404

from areas.models import LocalAuthority, Region

from .models import DetailedFeedback, Involvement, ReviewStatus, Visit

# ----- The list of visits ------------------------------------------------------


@dataclass(frozen=True)
class VisitFilter:
    """What the list of visits is narrowed to; blank means everything."""

    region: str = ""  # a region's ONS code
    model: str = ""  # a ModelSeen value
    status: str = ""  # a ReviewStatus value
    month: dt.date | None = None  # the first day of the month


def _areas_by_name() -> Prefetch:
    return Prefetch("local_authorities", queryset=LocalAuthority.objects.order_by("name"))


def visit_list(visit_filter: VisitFilter | None = None) -> QuerySet[Visit]:
    """Visits with their region and areas, and `has_feedback`; three queries, any number of
    visits."""
    visit_filter = visit_filter or VisitFilter()
    visits = (
        Visit.objects.select_related("region")
        .prefetch_related(_areas_by_name())
        .annotate(has_feedback=Exists(DetailedFeedback.objects.filter(visit=OuterRef("pk"))))
        .order_by("visit_date", "pk")
    )
    if visit_filter.region:
        visits = visits.filter(region__code=visit_filter.region)
    if visit_filter.model:
        visits = visits.filter(model_seen=visit_filter.model)
    if visit_filter.status:
        visits = visits.filter(status=visit_filter.status)
    if visit_filter.month:
        month = visit_filter.month
        visits = visits.filter(visit_date__year=month.year, visit_date__month=month.month)
    return visits


def visit_months() -> list[dt.date]:
    """The first day of each month with a visit, oldest first."""
    return list(Visit.objects.dates("visit_date", "month"))


def visit_regions() -> list[Region]:
    """The regions with at least one visit, in ONS code order."""
    return list(Region.objects.filter(Exists(Visit.objects.filter(region=OuterRef("pk")))))


# ----- What needs a person's attention ------------------------------------------


def _on_the_team(user: User) -> Q:
    team = Visit.visiting_team.through.objects.filter(user_id=user.pk).values("visit_id")
    return Q(created_by_id=user.pk) | Q(pk__in=team)


def _feedback_on_the_team(user: User) -> Q:
    team = Visit.visiting_team.through.objects.filter(user_id=user.pk).values("visit_id")
    return Q(created_by_id=user.pk) | Q(visit_id__in=team)


def _visits() -> QuerySet[Visit]:
    return (
        Visit.objects.select_related("region")
        .prefetch_related(_areas_by_name())
        .order_by("visit_date", "pk")
    )


def _feedback() -> QuerySet[DetailedFeedback]:
    return (
        DetailedFeedback.objects.select_related("visit__region")
        .prefetch_related(
            Prefetch("visit__local_authorities", queryset=LocalAuthority.objects.order_by("name"))
        )
        .order_by("visit__visit_date", "visit_id")
    )


@dataclass(frozen=True)
class NeedsAttention:
    """The person's records returned by a reviewer and, for reviewers, what awaits review."""

    returned_visits: list[Visit]
    returned_feedback: list[DetailedFeedback]
    waiting_visits: list[Visit] = field(default_factory=list)
    waiting_feedback: list[DetailedFeedback] = field(default_factory=list)

    @property
    def count(self) -> int:
        return (
            len(self.returned_visits)
            + len(self.returned_feedback)
            + len(self.waiting_visits)
            + len(self.waiting_feedback)
        )


def needs_attention(*, user: User, reviewer: bool) -> NeedsAttention:
    """Visits and feedback returned to `user` (they wrote it or were on the visiting team);
    for a reviewer, also everything submitted. At most eight queries."""
    returned = ReviewStatus.RETURNED
    attention = NeedsAttention(
        returned_visits=list(_visits().filter(_on_the_team(user), status=returned)),
        returned_feedback=list(_feedback().filter(_feedback_on_the_team(user), status=returned)),
    )
    if reviewer:
        submitted = ReviewStatus.SUBMITTED
        attention.waiting_visits.extend(_visits().filter(status=submitted))
        attention.waiting_feedback.extend(_feedback().filter(status=submitted))
    return attention


def needs_attention_count(*, user: User, reviewer: bool) -> int:
    """How many records `needs_attention` lists, in one query."""
    returned = ReviewStatus.RETURNED
    visits = Q(status=returned) & _on_the_team(user)
    feedback = Q(status=returned) & _feedback_on_the_team(user)
    if reviewer:
        visits |= Q(status=ReviewStatus.SUBMITTED)
        feedback |= Q(status=ReviewStatus.SUBMITTED)
    counts = (
        Visit.objects.filter(visits)
        .order_by()
        .values("pk")
        .union(DetailedFeedback.objects.filter(feedback).order_by().values("pk"), all=True)
    )
    return counts.count()


# ----- One visit, one feedback record -------------------------------------------


def visit_detail(*, pk: int) -> Visit:
    """A visit with everything its page shows (its feedback, if any, as `visit.feedback`)."""
    visits = Visit.objects.select_related(
        "region",
        "created_by",
        "approved_by",
        "selection__survey",
        "selection__local_authority",
        "feedback",
    ).prefetch_related(_areas_by_name(), "agencies", "visiting_team")
    try:
        return visits.get(pk=pk)
    except Visit.DoesNotExist:
        raise Http404("No visit has that number.") from None


def feedback_for_visit(*, visit_pk: int) -> DetailedFeedback | None:
    """The visit's feedback with everything its page shows, or None if it has none (the visit
    must exist)."""
    return (
        DetailedFeedback.objects.select_related(
            "visit__region", "visit__created_by", "created_by", "approved_by"
        )
        .prefetch_related(
            "staffing",
            Prefetch("visit__local_authorities", queryset=LocalAuthority.objects.order_by("name")),
        )
        .filter(visit_id=visit_pk)
        .first()
    )


def feedback_detail(*, visit_pk: int) -> DetailedFeedback:
    feedback = feedback_for_visit(visit_pk=visit_pk)
    if feedback is None:
        raise Http404("This visit has no detailed feedback.")
    return feedback


def partners_by_involvement(visit: Visit) -> list[tuple[str, list[str]]]:
    """(involvement, agency types) for each kind of involvement the visit recorded, in the
    order of `Involvement` (uses the prefetched `agencies`)."""
    grouped: dict[str, list[str]] = defaultdict(list)
    for involvement in visit.agencies.all():
        grouped[involvement.involvement].append(involvement.get_agency_type_display())
    return [(label, grouped[value]) for value, label in Involvement.choices if grouped[value]]


# ----- History -------------------------------------------------------------------


def person_name(user: User | None) -> str:
    """How a person is named on a page: their full name, or their user name."""
    if user is None:
        return "Not recorded"
    return user.get_full_name() or user.get_username()


#: Fields whose changes the history does not list: bookkeeping, or shown by the version itself
#: (its date, who made it and why).
HISTORY_HIDDEN_FIELDS = frozenset(
    {"id", "updated_at", "version", "submitted_at", "approved_at", "status"}
)
HISTORY_PAGE_SIZE = 25
DIFF_CONTEXT_LINES = 1


@dataclass(frozen=True)
class DiffLine:
    """One line of a text diff: `kind` is "same", "added", "removed" or "gap" (lines left
    out)."""

    kind: str
    text: str


@dataclass(frozen=True)
class FieldChange:
    """A field that changed in a version: its label and old → new as people read them; for
    free text `lines` (a line diff), for the areas visited the names `added` and `removed`."""

    name: str
    label: str
    old: str = ""
    new: str = ""
    lines: list[DiffLine] = field(default_factory=list)
    added: list[str] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class HistoryVersion:
    """One saved version (`record` is the historical row) and what it changed since the
    version before (nothing for the first)."""

    record: Any
    changes: list[FieldChange]
    previous_status: str | None
    is_first: bool

    @property
    def status_changed(self) -> bool:
        return self.previous_status is not None and self.previous_status != self.record.status

    @property
    def previous_status_label(self) -> str:
        return str(ReviewStatus(self.previous_status).label) if self.previous_status else ""

    @property
    def title(self) -> str:
        if self.is_first:
            return "Created"
        if self.record.history_type == "-":
            return "Deleted"
        if self.status_changed:
            return str(ReviewStatus(self.record.status).label)
        return "Changed"


@dataclass(frozen=True)
class RecordHistory:
    page: Page[Any]
    versions: list[HistoryVersion]


def line_diff(old: str, new: str, *, context: int = DIFF_CONTEXT_LINES) -> list[DiffLine]:
    """The lines removed and added between two texts, with `context` unchanged lines around
    each change and a "gap" where unchanged lines are left out."""
    old_lines = (old or "").splitlines()
    new_lines = (new or "").splitlines()
    matcher = difflib.SequenceMatcher(a=old_lines, b=new_lines, autojunk=False)
    lines: list[DiffLine] = []
    shown_to = 0  # the old lines before this one are shown or already left out
    for group in matcher.get_grouped_opcodes(context):
        if group[0][1] > shown_to:
            lines.append(DiffLine("gap", ""))
        for tag, old_start, old_end, new_start, new_end in group:
            if tag == "equal":
                lines.extend(DiffLine("same", line) for line in old_lines[old_start:old_end])
                continue
            if tag in ("replace", "delete"):
                lines.extend(DiffLine("removed", line) for line in old_lines[old_start:old_end])
            if tag in ("replace", "insert"):
                lines.extend(DiffLine("added", line) for line in new_lines[new_start:new_end])
        shown_to = group[-1][2]
    if lines and shown_to < len(old_lines):
        lines.append(DiffLine("gap", ""))
    return lines


def _field_label(model: type[models.Model], name: str) -> str:
    verbose = str(getattr(model._meta.get_field(name), "verbose_name", name))
    return verbose[:1].upper() + verbose[1:]


_LABELS = {
    "model_seen": "Model seen",
    "local_authorities": "Areas visited",
    "reviewer_comment": "Reviewer's comment",
    "pii_override_reason": "Why possible identifiers were let through",
    "created_by": "Recorded by",
    "approved_by": "Approved by",
    "selection": "Selected from",
}


def _shown(model_field: "models.Field[Any, Any]", value: Any, names: dict[Any, str]) -> str:
    """A stored value as a person reads it."""
    if value is None or value == "":
        return "Not given"
    if model_field.choices:
        return str(dict(model_field.flatchoices).get(value, value))
    if isinstance(model_field, models.ForeignKey):
        return names.get(value, f"Deleted ({value})")
    if isinstance(value, bool):
        return "Yes" if value else "No"
    if isinstance(value, dt.date):
        return f"{value.day} {value:%B %Y}"
    return str(value)


def _related_names(
    model: type[models.Model], fk_ids: dict[str, set[Any]]
) -> dict[str, dict[Any, str]]:
    """For each foreign key, its ids' display names: one query per foreign key that changed."""
    names: dict[str, dict[Any, str]] = {}
    for name, ids in fk_ids.items():
        ids.discard(None)
        if not ids:
            names[name] = {}
            continue
        related = model._meta.get_field(name).related_model
        assert related is not None and not isinstance(related, str)
        rows = related._default_manager.filter(pk__in=ids)
        if related is User:
            names[name] = {u.pk: person_name(u) for u in User.objects.filter(pk__in=ids)}
        else:
            names[name] = {
                row.pk: str(row) for row in rows.select_related(*_str_relations(related))
            }
    return names


def _str_relations(model: type[models.Model]) -> list[str]:
    """The relations a model's __str__ follows (a visit selection names its area)."""
    return ["local_authority"] if model._meta.model_name == "visitselection" else []


def _m2m_names(
    model: type[models.Model], m2m_fields: list[str], history_ids: list[int]
) -> dict[str, dict[int, set[str]]]:
    """For each many-to-many field simple-history tracks, the names of the rows it held in
    each version (the related model has a `name`: the areas visited). One query a field."""
    history_model: Any = model.history.model  # type: ignore[attr-defined]  # simple-history's
    names: dict[str, dict[int, set[str]]] = {}
    for name in m2m_fields:
        m2m_field = model._meta.get_field(name)
        assert isinstance(m2m_field, models.ManyToManyField)
        related = m2m_field.m2m_reverse_field_name()
        rows = (
            getattr(history_model, name)
            .model.objects.filter(history_id__in=history_ids)
            .values_list("history_id", f"{related}__name")
        )
        per_version: dict[int, set[str]] = defaultdict(set)
        for history_id, related_name in rows:
            per_version[history_id].add(related_name)
        names[name] = per_version
    return names


def record_history(record: Visit | DetailedFeedback, *, page_number: Any = 1) -> RecordHistory:
    """Every saved version of a visit or feedback record, newest first, 25 a page, each with
    what changed since the version before. Five queries a page at most, however long."""
    model = type(record)
    history_model: Any = model.history.model
    history = history_model.objects.filter(id=record.pk).select_related("history_user")
    history = history.order_by("-history_date", "-history_id")
    page = Paginator(history, HISTORY_PAGE_SIZE).get_page(page_number)
    # The versions on the page and the one before the oldest of them, to diff it against.
    start = (page.number - 1) * HISTORY_PAGE_SIZE
    rows = list(history[start : start + HISTORY_PAGE_SIZE + 1])
    pairs = [
        (version, rows[position + 1] if position + 1 < len(rows) else None)
        for position, version in enumerate(rows[:HISTORY_PAGE_SIZE])
    ]
    m2m_fields = [f.name for f in history_model._history_m2m_fields]
    m2m = _m2m_names(model, m2m_fields, [row.history_id for row in rows])
    hidden = [*HISTORY_HIDDEN_FIELDS, *m2m_fields]
    deltas = [
        version.diff_against(previous, excluded_fields=hidden) if previous is not None else None
        for version, previous in pairs
    ]
    fk_ids: dict[str, set[Any]] = defaultdict(set)
    for delta in deltas:
        for change in delta.changes if delta is not None else []:
            if isinstance(model._meta.get_field(change.field), models.ForeignKey):
                fk_ids[change.field].update((change.old, change.new))
    names = _related_names(model, fk_ids)

    versions = []
    for (version, previous), delta in zip(pairs, deltas, strict=True):
        changes: list[FieldChange] = []
        if delta is not None and previous is not None:
            changes = [_field_change(model, c.field, c.old, c.new, names) for c in delta.changes]
            for name in m2m_fields:
                before = m2m[name].get(previous.history_id, set())
                after = m2m[name].get(version.history_id, set())
                if before != after:
                    label = _LABELS.get(name, _field_label(model, name))
                    changes.append(
                        FieldChange(
                            name,
                            label,
                            added=sorted(after - before),
                            removed=sorted(before - after),
                        )
                    )
            changes.sort(key=lambda c: _field_order(model, c.name))
        versions.append(
            HistoryVersion(
                record=version,
                changes=changes,
                previous_status=previous.status if previous is not None else None,
                is_first=previous is None and not page.has_next(),
            )
        )
    return RecordHistory(page=page, versions=versions)


def _field_order(model: type[models.Model], name: str) -> int:
    names = [f.name for f in model._meta.get_fields()]
    return names.index(name) if name in names else len(names)


def _field_change(
    model: type[models.Model], name: str, old: Any, new: Any, names: dict[str, dict[Any, str]]
) -> FieldChange:
    model_field = model._meta.get_field(name)
    label = _LABELS.get(name, _field_label(model, name))
    assert isinstance(model_field, models.Field)
    if isinstance(model_field, models.TextField):
        return FieldChange(name, label, lines=line_diff(old or "", new or ""))
    related = names.get(name, {})
    return FieldChange(
        name, label, old=_shown(model_field, old, related), new=_shown(model_field, new, related)
    )


# ----- The API and the area page (partner keys see approved records only) ------------


def visit_list_for_api(*, approved_only: bool) -> QuerySet[Visit]:
    """Visits by date with their region, areas and agencies, and whether they have feedback
    the caller may see (approved feedback only, with `approved_only`)."""
    feedback = DetailedFeedback.objects.filter(visit=OuterRef("pk"))
    visits = Visit.objects.all()
    if approved_only:
        feedback = feedback.filter(status=ReviewStatus.APPROVED)
        visits = visits.filter(status=ReviewStatus.APPROVED)
    return (
        visits.select_related("region")
        .prefetch_related(
            Prefetch("local_authorities", queryset=LocalAuthority.objects.order_by("name")),
            "agencies",
        )
        .annotate(has_feedback=Exists(feedback))
        .order_by("visit_date", "pk")
    )


def feedback_list_for_api(*, approved_only: bool) -> QuerySet[DetailedFeedback]:
    """Detailed feedback by visit date with its visit, areas and staffing. With
    `approved_only`, only approved feedback on an approved visit (the feedback shows the
    visit's date and areas)."""
    feedback = DetailedFeedback.objects.all()
    if approved_only:
        feedback = feedback.filter(
            status=ReviewStatus.APPROVED, visit__status=ReviewStatus.APPROVED
        )
    return (
        feedback.select_related("visit__region")
        .prefetch_related(
            Prefetch("visit__local_authorities", queryset=LocalAuthority.objects.order_by("name")),
            "staffing",
        )
        .order_by("visit__visit_date", "pk")
    )


def visit_list_for_area(authority: LocalAuthority) -> QuerySet[Visit]:
    """The visits that took in `authority`, by date, each with `has_feedback` (one query)."""
    return (
        Visit.objects.filter(local_authorities=authority)
        .annotate(has_feedback=Exists(DetailedFeedback.objects.filter(visit=OuterRef("pk"))))
        .order_by("visit_date", "pk")
    )
