"""Redaction: a reviewer takes a passage (an NHS number someone typed into a draft) out of a
record and out of every saved version of it, in one transaction, giving a reason.

Every text column is searched: the record's own, its parts' (a case study's sections), the
copies other records keep of them (a coded excerpt's quote), and all their history rows
(including each version's reason). The passage becomes "[redacted]"
wherever it was. The record takes a new version, so a form still open on the old text cannot
put it back, and its history says who redacted, when, why and from which versions; the
`Redaction` log keeps the same, never the passage itself. PDFs stored for the record
(`mash_survey.pdf.serve_pdf`) are deleted, so none keeps the passage.

Views use `redact_page` (the one "Redact a passage" page) with the record's `Part`s.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from crispy_forms_gds.layout import Field, Size
from django import forms
from django.apps import apps
from django.contrib import messages
from django.contrib.auth.models import User
from django.contrib.contenttypes.models import ContentType
from django.db import models, transaction
from django.db.models import Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render

from . import audit, history, pii, search
from .errors import ServiceError
from .forms import GovukForm, VersionField
from .models import AuditKind, Redaction
from .pdf import forget_pdfs

REDACTED = "[redacted]"
MIN_PASSAGE = 3
OTHER = "other"


class RedactionError(ServiceError):
    pass


def _text_fields(model: type[models.Model]) -> list[models.Field[Any, Any]]:
    """The columns that hold free text: every CharField and TextField that is not a choice,
    a slug (a web address) or simple-history's bookkeeping."""
    return [
        f
        for f in model._meta.concrete_fields
        if isinstance(f, models.CharField | models.TextField)
        and not isinstance(f, models.SlugField)
        and not f.choices
        and f.name not in ("history_type",)
    ]


def _tables(record: models.Model, parts: Sequence[history.Part]) -> list[tuple[Any, Q]]:
    """Every table that holds the record's text, each with the filter for its rows: the
    record, its history, and for each part its rows and their history."""
    model: Any = type(record)
    tables: list[tuple[Any, Q]] = [
        (model, Q(pk=record.pk)),
        (model.history.model, Q(id=record.pk)),
    ]
    for part in parts:
        part_model: Any = part.model
        parent = Q(**{f"{part.parent_field}_id": record.pk})
        tables += [(part_model, parent), (part_model.history.model, parent)]
    # Records elsewhere that keep copies of the text (a coded excerpt's quote) declare
    # `quotes_sources`; their rows that point at the record or one of its parts go too.
    paths: dict[Any, str] = {
        type(record): "",
        **{part.model: f"__{part.parent_field}" for part in parts},
    }
    quoting: Any
    for quoting in apps.get_models():
        if not getattr(quoting, "quotes_sources", False):
            continue
        for field in quoting._meta.concrete_fields:
            if field.is_relation and field.related_model in paths:
                rows = Q(**{f"{field.name}{paths[field.related_model]}_id": record.pk})
                tables += [(quoting, rows), (quoting.history.model, rows)]
    return tables


def _rows_holding(model: Any, rows: Q, passage: str) -> list[tuple[Any, dict[str, str]]]:
    """The rows whose text holds `passage`, each with its texts with the passage redacted."""
    fields = _text_fields(model)
    if not fields:
        return []
    holds = Q()
    for field in fields:
        holds |= Q(**{f"{field.name}__contains": passage})
    found = []
    for row in model._default_manager.filter(rows).filter(holds):
        changed = {}
        for field in fields:
            text = getattr(row, field.name)
            if text and passage in text:
                redacted = text.replace(passage, REDACTED)
                if field.max_length:
                    redacted = redacted[: field.max_length]
                changed[field.name] = redacted
        if changed:  # SQLite's LIKE ignores case: these rows only looked alike
            found.append((row, changed))
    return found


def _clean(passage: str, reason: str) -> tuple[str, str]:
    passage = passage.strip()
    if len(passage) < MIN_PASSAGE:
        raise RedactionError(
            f"Enter the passage to redact, at least {MIN_PASSAGE} characters, exactly as it appears"
        )
    reason = RedactionError.required(reason, "Enter why the passage is being redacted")
    if passage in reason:
        raise RedactionError("Enter a reason that does not repeat the passage")
    return passage, reason


@transaction.atomic
def redact(
    record: history.Versioned,
    passage: str,
    *,
    user: User,
    reason: str,
    parts: Sequence[history.Part] = (),
    seen_version: int | None = None,
) -> Redaction:
    """Replace `passage` with "[redacted]" in the record, its parts and all their history,
    and log it. Refused unless a reviewer asks, with a reason, and the passage is there."""
    RedactionError.unless_reviewer(user, "redact a passage")
    passage, reason = _clean(passage, reason)
    record = history.lock(record)
    model: Any = type(record)
    tables = _tables(record, parts)
    found = [(table, _rows_holding(table, rows, passage)) for table, rows in tables]
    places = sum(len(rows) for _, rows in found)
    if not places:
        raise RedactionError(
            f"The passage is not in this {record.record_name} or its history. Copy it exactly "
            "as it appears, including spaces"
        )
    history.claim_version(record, seen_version=seen_version)
    record_history = model.history.model
    changes: set[Any] = set()
    versions: set[int] = set()
    for table, rows in found:
        for row, changed in rows:
            table._default_manager.filter(pk=row.pk).update(**changed)
            if table is record_history:
                versions.add(row.version)
            elif hasattr(row, "history_change_id") and row.history_change_id:
                changes.add(row.history_change_id)
    if changes:  # a part's history row belongs to the version saved in the same change
        versions.update(
            record_history.objects.filter(id=record.pk, history_change_id__in=changes).values_list(
                "version", flat=True
            )
        )
    # Updates send no signals: the search index is written again from the redacted rows.
    search.index_all(type(record)._default_manager.filter(pk=record.pk))
    for table, rows in found:
        if search.kind_of_model(table) and table is not model:
            search.index_all(table._default_manager.filter(pk__in=[row.pk for row, _ in rows]))
    own = dict(next((changed for _, changed in found[0][1]), {}))
    for name, text in own.items():
        setattr(record, name, text)
    entry = Redaction.objects.create(
        content_type=ContentType.objects.get_for_model(model),
        object_id=record.pk,
        record=str(record)[:300],
        reason=reason,
        versions=sorted(versions),
        places=places,
        redacted_by=user,
    )
    history.save(
        record,
        user=user,
        reason=f"Passage redacted from {entry.versions_text}: {reason}",
    )
    # Never the passage, nor the reason (kept in the redaction log, which the admin shows).
    audit.record(
        AuditKind.REDACTED,
        user=user,
        target=record,
        detail={"redaction": entry.pk, "versions": entry.versions, "places": places},
    )
    transaction.on_commit(lambda: forget_pdfs(record))
    return entry


def identifiers_in_history(
    record: models.Model, parts: Sequence[history.Part] = ()
) -> list[tuple[str, str]]:
    """Each distinct possible identifier anywhere in the record, its parts or their history,
    with what it is ("NHS number"), in the order first found: what a reviewer most likely
    needs to redact."""
    found: dict[str, str] = {}
    for table, rows in _tables(record, parts):
        names = [f.name for f in _text_fields(table)]
        if not names:
            continue
        for texts in table._default_manager.filter(rows).values_list(*names):
            for text in texts:
                for hit in pii.scan(text or ""):
                    found.setdefault(hit.text, hit.label)
    return list(found.items())


# ----- The page ---------------------------------------------------------------------------


class RedactForm(GovukForm):
    passage = forms.ChoiceField(
        label="Passage to redact",
        widget=forms.RadioSelect,
        error_messages={"required": "Select the passage to redact"},
    )
    other = forms.CharField(
        label="Another passage",
        help_text="If it is not listed: copy it exactly as it appears, including spaces.",
        required=False,
    )
    reason = forms.CharField(
        label="Why it is being redacted",
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": "Enter why the passage is being redacted"},
    )
    version = VersionField(reload_message="Reload the page, then redact the passage again.")

    def __init__(self, *args: Any, found: list[tuple[str, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        choices = [(text, f"{text} ({label})") for text, label in found]
        self.set_choices("passage", [*choices, (OTHER, "Another passage")])
        self.helper = self.make_helper(
            Field.radios("passage", legend_size=Size.SMALL),
            Field.text("other"),
            Field.textarea("reason"),
            "version",
        )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("passage") == OTHER and not (data.get("other") or "").strip():
            self.add_error("other", "Enter the passage to redact, exactly as it appears")
        return data

    def chosen(self) -> str:
        data = self.cleaned_data
        return str(data["other"] if data["passage"] == OTHER else data["passage"])


@dataclass(frozen=True)
class RedactPage:
    """What the page says for one kind of record."""

    record_label: str  # "the visit"
    caption: str
    history_url: str
    breadcrumbs: str  # template name
    illustrative: str  # template name


def redact_page(
    request: HttpRequest,
    record: history.Versioned,
    page: RedactPage,
    *,
    user: User,
    parts: Sequence[history.Part] = (),
    context: Mapping[str, Any] | None = None,
) -> HttpResponse:
    """The "Redact a passage" page: the possible identifiers in the record and its history to
    choose from (or another passage), a reason, and on success back to the history."""
    found = identifiers_in_history(record, parts)
    form = RedactForm(request.POST or None, found=found, initial={"version": record.version})
    if request.method == "POST" and form.is_valid():
        try:
            entry = redact(
                record,
                form.chosen(),
                user=user,
                reason=form.cleaned_data["reason"],
                parts=parts,
                seen_version=form.cleaned_data["version"],
            )
        except ServiceError as exc:
            form.add_error("other" if form.cleaned_data["passage"] == OTHER else None, str(exc))
        else:
            messages.success(
                request,
                f"The passage is redacted from {page.record_label} and from {entry.versions_text}.",
            )
            return redirect(page.history_url)
    return render(
        request,
        "includes/redact.html",
        {
            **(context or {}),
            "page": page,
            "form": form,
            "found": found,
            "errors": form.error_links(),
        },
    )
