"""History and optimistic locking, for every record people edit.

One home for what each app used to do its own way:

- `Versioned`: the abstract model with the `version` optimistic locks count on, and the name a
  record goes by in messages ("This visit was changed by someone else…").
- `Audited`: django-simple-history's `HistoricalRecords` for our models. Its history rows keep
  reasons of any length and the change they belong to (`history_change_id`).
- `change(user=…)`: everything saved inside is one change. Every history row written in it,
  of any model, is stamped with one change id and the user, so a page can pair a record's
  version with the rows saved alongside it exactly (a return and its answers, a case study
  and its sections) rather than by time.
- `lock`, `claim_version`, `save`, `delete`: the writes a service makes. `save` writes exactly
  one history row however many relations change inside it.
- `saved_already`: whether an edit refused as stale is the same form sent twice, so its
  second send is told it is saved rather than shown a conflict about itself.
- `record_history`: a record's versions shaped for its history page, with line diffs of text.
"""

from __future__ import annotations

import contextvars
import datetime as dt
import difflib
import uuid
from bisect import bisect_left
from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any, ClassVar, TypeVar

from django.contrib.auth.models import User
from django.core.paginator import Page, Paginator
from django.db import models, transaction
from django.db.models import F
from django.dispatch import receiver
from simple_history.models import HistoricalRecords
from simple_history.signals import pre_create_historical_record

from . import identifiers
from .errors import StaleEditError

# ----- The models' side -----------------------------------------------------------------


class Versioned(models.Model):
    """A record edited by people: `version` counts its saves, so an edit started from an old
    version is refused instead of overwriting someone's changes (see `claim_version`)."""

    #: What the record is called in a sentence: "This {record_name} was changed by …".
    record_name: ClassVar[str] = "record"
    #: Labels for the history page where the field's own verbose name would not read well.
    history_labels: ClassVar[dict[str, str]] = {}

    version = models.PositiveIntegerField(default=1)

    class Meta:
        abstract = True


class ChangeStamped(models.Model):
    """The base of every history model: which change wrote the row."""

    history_change_id = models.UUIDField(null=True, blank=True, editable=False, db_index=True)

    class Meta:
        abstract = True


class Audited(HistoricalRecords):
    """`HistoricalRecords` with the change id and reasons of any length (a reviewer's
    comment or a withdrawal notice goes into the reason in full)."""

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("bases", [ChangeStamped])
        kwargs.setdefault("history_change_reason_field", models.TextField(null=True))
        super().__init__(**kwargs)

    def finalize(self, sender: type[models.Model], **kwargs: Any) -> None:
        super().finalize(sender, **kwargs)
        if sender is self.cls:
            # simple-history drops this object once it has made the history model; `save`
            # needs it to write a record by hand.
            sender._audited = self  # type: ignore[attr-defined]


# ----- Changes --------------------------------------------------------------------------


@dataclass(frozen=True)
class Change:
    id: uuid.UUID
    user: User | None


_current: contextvars.ContextVar[Change | None] = contextvars.ContextVar(
    "history_change", default=None
)


@contextmanager
def change(*, user: User | None) -> Iterator[Change]:
    """Make everything saved inside one change by `user`. Nested calls join the outer change."""
    outer = _current.get()
    if outer is not None:
        yield outer
        return
    token = _current.set(Change(uuid.uuid4(), user))
    try:
        yield _current.get()  # type: ignore[misc]  # set just above
    finally:
        _current.reset(token)


@receiver(pre_create_historical_record)
def _stamp(sender: Any, history_instance: Any, **kwargs: Any) -> None:
    current = _current.get()
    if current is None or not hasattr(history_instance, "history_change_id"):
        return
    history_instance.history_change_id = current.id
    if history_instance.history_user_id is None and current.user is not None:
        history_instance.history_user_id = current.user.pk


# ----- Writing --------------------------------------------------------------------------

V = TypeVar("V", bound=models.Model)
M = TypeVar("M", bound=models.Model)


def lock(record: V) -> V:
    """The record read afresh with its row locked until the transaction ends (PostgreSQL;
    SQLite locks the whole database on the first write instead)."""
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("lock() needs a transaction: call it from an atomic service")
    return type(record)._default_manager.select_for_update().get(pk=record.pk)


def stale_message(record: Versioned) -> str:
    return (
        f"This {record.record_name} was changed by someone else while you were editing it. "
        "Check the changes and try again."
    )


def claim_version(record: Versioned, *, seen_version: int | None) -> None:
    """Take the record's next version if nobody saved it since `seen_version` (None: whatever
    it is now). The check and the increment are one UPDATE, so of two people saving at once
    only one succeeds, on SQLite as on PostgreSQL; the other gets StaleEditError."""
    rows = type(record)._default_manager.filter(pk=record.pk)
    if seen_version is not None:
        rows = rows.filter(version=seen_version)
    if not rows.update(version=F("version") + 1):
        raise StaleEditError(stale_message(record))
    record.refresh_from_db(fields=["version"])


def ensure_seen(record: Versioned, seen_version: int | None) -> None:
    """Refuse an edit started from another version than the record's (read under lock)."""
    if seen_version is not None and seen_version != record.version:
        raise StaleEditError(stale_message(record))


R = TypeVar("R", bound=Versioned)


def saved_already(
    record: R, *, user: User, seen_version: int | None, holds: Callable[[R], bool]
) -> bool:
    """Whether an edit is already saved by its own earlier send: the same form sent twice (a
    double click, a retried request) finds the first send's version instead of the one it
    was opened at. True when `record` (read afresh) was saved since `seen_version`, its latest
    version is by `user`, and `holds(record)` says it holds exactly what the form sent; then
    there is nothing to resolve, and the second send gets the first's result, not a conflict
    about itself. Someone else's save in between, or different values, is still a conflict."""
    if seen_version is not None and record.version == seen_version:
        return False
    latest = record.history.first()  # type: ignore[attr-defined]  # Audited's manager
    return getattr(latest, "history_user_id", None) == user.pk and holds(record)


@contextmanager
def saving(record: models.Model, *, user: User | None, reason: str) -> Iterator[None]:
    """Save `record` and change its relations inside: exactly one history row is written, at
    the end, with the relations as they are then, by `user` and saying why. A record whose
    text is scanned (`identifiers.Marked`) has its count of possible identifiers updated first."""
    created = record.pk is None
    record.skip_history_when_saving = True  # type: ignore[attr-defined]  # read by simple-history
    try:
        with change(user=user):
            yield
            if isinstance(record, identifiers.Marked):
                identifiers.mark(record)
            del record.skip_history_when_saving  # type: ignore[attr-defined]
            record._history_user = user  # type: ignore[attr-defined]  # read by simple-history
            record._change_reason = reason  # type: ignore[attr-defined]  # read by simple-history
            try:
                type(record)._audited.create_historical_record(  # type: ignore[attr-defined]
                    record, "+" if created else "~"
                )
            finally:
                del record._history_user  # type: ignore[attr-defined]
                del record._change_reason  # type: ignore[attr-defined]
    finally:
        if hasattr(record, "skip_history_when_saving"):
            del record.skip_history_when_saving


def save(record: models.Model, *, user: User | None, reason: str = "") -> None:
    """Save `record` with one history row saying who and why."""
    with saving(record, user=user, reason=reason):
        record.save()


def delete(record: models.Model, *, user: User | None) -> None:
    """Delete `record`; its history keeps the last version and who deleted it."""
    record._history_user = user  # type: ignore[attr-defined]  # read by simple-history
    with change(user=user):
        record.delete()


def sync(
    existing: Iterable[M],
    wanted: Iterable[M],
    *,
    key: str,
    fields: Sequence[str],
    user: User | None,
) -> None:
    """Make a record's saved rows (`existing`) read as `wanted`, matched on `key`: delete,
    change and add only the rows that differ, each with its history row (call it inside the
    record's `saving` or `change`, so they join its change)."""
    current = {getattr(row, key): row for row in existing}
    wanted_by_key = {getattr(row, key): row for row in wanted}
    for value in current.keys() - wanted_by_key.keys():
        delete(current[value], user=user)
    for value, row in wanted_by_key.items():
        saved = current.get(value)
        if saved is None:
            save(row, user=user)
        elif any(getattr(saved, f) != getattr(row, f) for f in fields):
            for f in fields:
                setattr(saved, f, getattr(row, f))
            save(saved, user=user)


# ----- Reading: pairing rows saved together ----------------------------------------------


def version_of_rows(parents: Sequence[Any], rows: Sequence[Any]) -> list[int]:
    """For each history row of a record's parts (`rows`), the index of the record's version
    (`parents`, oldest first, not empty) it was saved with: the one with its change id. Rows
    written before changes had ids go with the version saved nearest in time."""
    by_change = {p.history_change_id: i for i, p in enumerate(parents) if p.history_change_id}
    dates = [p.history_date for p in parents]
    indexes = []
    for row in rows:
        index = by_change.get(row.history_change_id)
        if index is None:
            after = min(bisect_left(dates, row.history_date), len(dates) - 1)
            before = max(after - 1, 0)
            nearer_before = row.history_date - dates[before] < dates[after] - row.history_date
            index = before if nearer_before else after
        indexes.append(index)
    return indexes


# ----- Reading: the history page -----------------------------------------------------------

#: Fields whose changes a history page does not list: bookkeeping, or shown by the version
#: itself (its date, who made it and why, its status).
HIDDEN_FIELDS = frozenset(
    {"id", "updated_at", "version", "submitted_at", "approved_at", "status", "identifiers_found"}
)
PAGE_SIZE = 25
DIFF_CONTEXT_LINES = 1


def person_name(user: User | None) -> str:
    """How a person is named on a page: their full name, or their user name."""
    if user is None:
        return "Not recorded"
    return user.get_full_name() or user.get_username()


@dataclass(frozen=True)
class DiffLine:
    """One line of a text diff: `kind` is "same", "added", "removed" or "gap" (lines left
    out)."""

    kind: str
    text: str


@dataclass(frozen=True)
class FieldChange:
    """A field that changed in a version: its label and old → new as people read them; for
    free text `lines` (a line diff), for a set of related rows the names `added` and
    `removed`."""

    name: str
    label: str
    old: str = ""
    new: str = ""
    lines: list[DiffLine] = field(default_factory=list)
    added: list[str] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class Part:
    """Rows that belong to a record and read, on its history page, as one text field of it:
    a case study's sections. `text` turns one historical row into its lines."""

    name: str
    label: str
    model: type[models.Model]
    parent_field: str
    text: Callable[[Any], str]
    order_by: str = "order"


@dataclass(frozen=True)
class HistoryVersion:
    """One saved version (`record` is the historical row) and what it changed since the
    version before (nothing for the first)."""

    record: Any
    changes: list[FieldChange]
    previous_status: str | None
    is_first: bool
    status_labels: dict[str, str] = field(default_factory=dict)

    @property
    def status_changed(self) -> bool:
        return self.previous_status is not None and self.previous_status != self.record.status

    @property
    def previous_status_label(self) -> str:
        return self.status_labels.get(self.previous_status or "", "")

    @property
    def title(self) -> str:
        if self.is_first:
            return "Created"
        if self.record.history_type == "-":
            return "Deleted"
        if self.status_changed:
            return self.status_labels.get(self.record.status, self.record.status)
        return "Changed"


@dataclass(frozen=True)
class PageLink:
    rel: str  # "prev" or "next", as GOV.UK pagination names them
    number: int
    title: str


@dataclass(frozen=True)
class RecordHistory:
    page: Page[Any]
    versions: list[HistoryVersion]

    @property
    def links(self) -> list[PageLink]:
        """Links to the newer and older pages of versions, where there are any."""
        links = []
        if self.page.has_previous():
            links.append(PageLink("prev", self.page.previous_page_number(), "Newer"))
        if self.page.has_next():
            links.append(PageLink("next", self.page.next_page_number(), "Older"))
        return links


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


def field_label(model: type[models.Model], name: str) -> str:
    """A field's name as pages show it: its history label, or its verbose name."""
    labels: dict[str, str] = getattr(model, "history_labels", {})
    if name in labels:
        return labels[name]
    verbose = str(getattr(model._meta.get_field(name), "verbose_name", name))
    return verbose[:1].upper() + verbose[1:]


def _shown(model_field: models.Field[Any, Any], value: Any, names: dict[Any, str]) -> str:
    """A stored value as a person reads it."""
    if value is None and isinstance(model_field, models.BooleanField):
        return "Not answered"  # a yes-or-no question left blank: not "No"
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


def _str_relations(model: type[models.Model]) -> list[str]:
    """The relations a model's __str__ follows (a visit selection names its area)."""
    return ["local_authority"] if model._meta.model_name == "visitselection" else []


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
        if related is User:
            names[name] = {u.pk: person_name(u) for u in User.objects.filter(pk__in=ids)}
        else:
            rows = related._default_manager.filter(pk__in=ids)
            names[name] = {
                row.pk: str(row) for row in rows.select_related(*_str_relations(related))
            }
    return names


def _m2m_names(
    model: type[models.Model], m2m_fields: list[str], history_ids: list[int]
) -> dict[str, dict[int, set[str]]]:
    """For each many-to-many field simple-history tracks, the names of the rows it held in
    each version (the related model has a `name`: the areas). One query a field."""
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


def _part_texts(record: models.Model, part: Part, parents: list[Any]) -> list[str]:
    """The part's text as it stood at each of `parents` (the record's versions, oldest first).
    One query, however many versions and rows."""
    history_model: Any = part.model.history.model  # type: ignore[attr-defined]
    rows = list(
        history_model.objects.filter(**{f"{part.parent_field}_id": record.pk}).order_by(
            "history_date", "history_id"
        )
    )
    versions = version_of_rows(parents, rows) if parents else []
    by_version: dict[int, list[Any]] = defaultdict(list)
    for row, index in zip(rows, versions, strict=True):
        by_version[index].append(row)
    live: dict[Any, Any] = {}
    texts = []
    for index in range(len(parents)):
        for row in by_version[index]:
            if row.history_type == "-":
                live.pop(row.id, None)
            else:
                live[row.id] = row
        ordered = sorted(live.values(), key=lambda r: (getattr(r, part.order_by), r.id))
        texts.append("\n\n".join(part.text(r) for r in ordered))
    return texts


def record_history(
    record: models.Model, *, page_number: Any = 1, parts: Sequence[Part] = ()
) -> RecordHistory:
    """Every saved version of `record`, newest first, 25 a page, each with what changed since
    the version before: fields (text as line diffs), tracked many-to-many sets, and each of
    `parts` as a line diff. A fixed number of queries a page, however long the history."""
    model = type(record)
    history_model: Any = model.history.model  # type: ignore[attr-defined]
    history = history_model.objects.filter(id=record.pk).select_related("history_user")
    history = history.order_by("-history_date", "-history_id")
    page = Paginator(history, PAGE_SIZE).get_page(page_number)
    # The versions on the page and the one before the oldest of them, to diff it against.
    start = (page.number - 1) * PAGE_SIZE
    rows = list(history[start : start + PAGE_SIZE + 1])
    pairs = [
        (version, rows[position + 1] if position + 1 < len(rows) else None)
        for position, version in enumerate(rows[:PAGE_SIZE])
    ]
    m2m_fields = [f.name for f in history_model._history_m2m_fields]
    m2m = _m2m_names(model, m2m_fields, [row.history_id for row in rows])
    hidden = [*HIDDEN_FIELDS, *m2m_fields]
    deltas = [
        version.diff_against(previous, excluded_fields=hidden) if previous is not None else None
        for version, previous in pairs
    ]
    fk_ids: dict[str, set[Any]] = defaultdict(set)
    for delta in deltas:
        for one in delta.changes if delta is not None else []:
            if isinstance(model._meta.get_field(one.field), models.ForeignKey):
                fk_ids[one.field].update((one.old, one.new))
    names = _related_names(model, fk_ids)
    oldest_first = list(reversed(rows))
    part_texts = {
        part.name: dict(
            zip(
                (r.history_id for r in oldest_first),
                _part_texts(record, part, oldest_first),
                strict=True,
            )
        )
        for part in parts
    }
    status_field = next((f for f in model._meta.fields if f.name == "status"), None)
    status_labels = (
        {str(k): str(v) for k, v in status_field.flatchoices} if status_field is not None else {}
    )

    versions = []
    for (version, previous), delta in zip(pairs, deltas, strict=True):
        changes: list[FieldChange] = []
        if delta is not None and previous is not None:
            changes = [_field_change(model, c.field, c.old, c.new, names) for c in delta.changes]
            for name in m2m_fields:
                before = m2m[name].get(previous.history_id, set())
                after = m2m[name].get(version.history_id, set())
                if before != after:
                    changes.append(
                        FieldChange(
                            name,
                            field_label(model, name),
                            added=sorted(after - before),
                            removed=sorted(before - after),
                        )
                    )
            changes.sort(key=lambda c: _field_order(model, c.name))
            for part in parts:
                texts = part_texts[part.name]
                old, new = texts[previous.history_id], texts[version.history_id]
                if old != new:
                    changes.append(FieldChange(part.name, part.label, lines=line_diff(old, new)))
        versions.append(
            HistoryVersion(
                record=version,
                changes=changes,
                previous_status=getattr(previous, "status", None) if previous else None,
                is_first=previous is None and not page.has_next(),
                status_labels=status_labels,
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
    label = field_label(model, name)
    assert isinstance(model_field, models.Field)
    if isinstance(model_field, models.TextField):
        return FieldChange(name, label, lines=line_diff(old or "", new or ""))
    related = names.get(name, {})
    return FieldChange(
        name, label, old=_shown(model_field, old, related), new=_shown(model_field, new, related)
    )
