"""The identifier guard: free text that may identify a child, a family or a member of staff
stops a record moving on until the words are removed, or a reviewer lets them through with a
reason that is kept with the record. That reviewer had no hand in the record, the reason is at
least a sentence, and whoever approves or publishes the record confirms it
(`mash_survey.publishing`): two people for anything overridden.

A record declares the texts it holds with `identifier_texts()`: (form field, label, text) for
each. The label names the text in a sentence ("Remove the NHS number from the notes").
Services call a `Guard`; views show `IdentifiersFoundError` with `found_page`, the one page that
lists each possible identifier in the words around it.

Saving a draft is never blocked: a record that extends `Marked` is scanned each time it is
saved (`history.saving` calls `mark`), keeps the count in `identifiers_found`, and its pages
warn with `saved_hits` (`includes/identifiers_saved.html`) and lists tag it
(`includes/identifiers_tag.html`) until the text is clean or a reviewer let the hits through.
"""

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any, Protocol

from django.contrib.auth.models import User
from django.db import models
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from . import pii, publishing
from .errors import ServiceError
from .roles import is_reviewer


class HoldsText(Protocol):
    def identifier_texts(self) -> Iterable[tuple[str, str, str]]: ...


class Guarded(HoldsText, publishing.UnderReview, Protocol):
    """A record the guard stops: its texts, its review and the reason kept on it."""

    pii_override_reason: str


def override_refused_message(record: publishing.UnderReview) -> str:
    return (
        f"You wrote or changed this {record.record_name}, so another reviewer must decide "
        "whether possible identifiers can stay. Remove them, or ask another reviewer to let "
        "them through with a reason."
    )


@dataclass(frozen=True)
class FieldHit:
    """A possible identifier in one text of a record, with the words around it."""

    field: str  # the form field that holds the text, for a link to it
    label: str  # the text's name in a sentence: "the notes", "Section: Referral pathway"
    hit: pii.Hit
    context: str

    @property
    def kind(self) -> str:
        return self.hit.label

    @property
    def anchor(self) -> str:
        """The id of the field's input on the record's form (Django's "id_<name>")."""
        return f"id_{self.field}"

    def _split(self) -> tuple[str, str, str]:
        # The context squeezes runs of spaces, so the hit's text is squeezed the same way.
        match = " ".join(self.hit.text.split())
        at = self.context.find(match)
        if at < 0:  # cannot happen with pii.context; show the hit on its own rather than fail
            return "", match, ""
        return self.context[:at], match, self.context[at + len(match) :]

    @property
    def before(self) -> str:
        return self._split()[0]

    @property
    def match(self) -> str:
        return self._split()[1]

    @property
    def after(self) -> str:
        return self._split()[2]


class IdentifiersFoundError(ServiceError):
    """The text may identify someone; `hits` says where. `message` replaces the summary when
    a reason was given but is not enough."""

    def __init__(
        self, hits: list[FieldHit], *, subject: str, action: str, message: str = ""
    ) -> None:
        self.hits = hits
        count = len(hits)
        #: What was found, whatever else the message says (a reason too short, say).
        self.summary = (
            f"{subject} has {count} possible identifier{'s' if count != 1 else ''} "
            "(such as an NHS number or a date of birth). Remove them, or ask a reviewer to "
            f"{action} with a reason."
        )
        super().__init__(message or self.summary)


def identifier_hits(record: HoldsText) -> list[FieldHit]:
    """Every possible identifier in the record's texts, text by text."""
    return [
        FieldHit(field, label, hit, pii.context(text, hit))
        for field, label, text in record.identifier_texts()
        for hit in pii.scan(text or "")
    ]


@dataclass(frozen=True)
class Guard:
    """The guard in the words of one kind of record: "{subject} has 2 possible identifiers …
    ask a reviewer to {action} with a reason"; `refused` is the service's own error."""

    subject: str
    action: str
    refused: type[ServiceError] = ServiceError

    def check(self, record: Guarded, *, user: User, override_reason: str) -> str:
        """Let the record move on if its texts name nobody, or if a reviewer who had no hand in
        it (`publishing.contributors_since_review`) gives a reason of at least a sentence.

        Returns the reason that let possible identifiers through ("" when there were none).
        Raises IdentifiersFoundError without a reason or with one too short (saying so), and
        `refused` when someone other than such a reviewer gives one.
        """
        hits = identifier_hits(record)
        return self._let_through(record, hits, user=user, override_reason=override_reason)

    def confirm(
        self, record: Guarded, *, user: User, confirmed: bool, override_reason: str = ""
    ) -> str:
        """At the decision that makes the record count or public: a reason kept on the record
        from before (`pii_override_reason`) stands only if the reviewer `confirmed` they read it
        and agree; without one, the reviewer gives their own (as `check`)."""
        hits = identifier_hits(record)
        if hits and record.pii_override_reason:
            if not confirmed:
                raise self.refused(publishing.NOT_CONFIRMED)
            self._record(record, hits, user=user, confirmed=True)
            return record.pii_override_reason
        return self._let_through(record, hits, user=user, override_reason=override_reason)

    def _let_through(
        self, record: Guarded, hits: list[FieldHit], *, user: User, override_reason: str
    ) -> str:
        if not hits:
            return ""
        reason = override_reason.strip()
        if not reason:
            raise IdentifiersFoundError(hits, subject=self.subject, action=self.action)
        if not is_reviewer(user):
            raise self.refused("Only a reviewer can let possible identifiers through.")
        if user.pk in publishing.contributors_since_review(record):
            raise self.refused(override_refused_message(record))
        if not publishing.is_a_sentence(reason):
            raise IdentifiersFoundError(
                hits, subject=self.subject, action=self.action, message=publishing.SHORT_REASON
            )
        self._record(record, hits, user=user, confirmed=False)
        return reason

    def _record(
        self, record: Guarded, hits: list[FieldHit], *, user: User, confirmed: bool
    ) -> None:
        """The `identifier_override` audit event: which fields and which kinds of identifier
        were let through, never the text (nor the reason, which may quote it). Part of the
        service's transaction: if the step is refused later, it did not happen."""
        from . import audit  # audit's models import history, which imports this module
        from .models import AuditKind

        audit.record(
            AuditKind.IDENTIFIER_OVERRIDE,
            user=user,
            target=record,  # type: ignore[arg-type]  # every Guarded record is a model
            detail={
                "step": self.action,
                "fields": sorted({hit.field for hit in hits}),
                "kinds": sorted({hit.kind for hit in hits}),
                "found": len(hits),
                "confirmed": confirmed,
            },
        )

    @staticmethod
    def keep(record: Any, reason: str, *, step: str, plain: str = "") -> str:
        """Keep the reason that let identifiers through on the record (`pii_override_reason`;
        none clears an earlier one, for text changed since) and return what its history says
        of the step: "{step} with possible identifiers: {reason}", or `plain` (by default
        `step`) when nothing was let through."""
        record.pii_override_reason = reason
        if not reason:
            return plain or step
        return f"{step} with possible identifiers: {reason}"


@dataclass(frozen=True)
class FoundPage:
    """What the "identifiers found" page says for one kind of record and step."""

    heading: str  # "Remove these before you submit"
    caption: str
    not_done: str  # "The visit has not been submitted."
    guidance: str  # what must not be in the text, ending by introducing the list
    change_url: str
    change_label: str
    back_url: str
    back_label: str
    override_url: str  # where "… anyway" posts
    override_heading: str
    override_button: str
    record_label: str  # "the visit": "Your reason is kept with the visit"
    version: int
    breadcrumbs: str  # template names
    illustrative: str


def found_page(
    request: HttpRequest,
    exc: IdentifiersFoundError,
    page: FoundPage,
    *,
    record: publishing.UnderReview,
    user: User,
    context: Mapping[str, Any] | None = None,
) -> HttpResponse:
    """The page that lists each possible identifier in context, with the way to change the
    record and, for a reviewer who had no hand in it, to go on anyway with a reason."""
    may_override = publishing.may_decide(record, user)
    return render(
        request,
        "includes/identifiers_found.html",
        {
            **(context or {}),
            "found": page,
            "hits": exc.hits,
            "problem": exc.summary,
            "may_override": may_override,
            "not_yours": (
                override_refused_message(record) if is_reviewer(user) and not may_override else ""
            ),
            "override_reason": request.POST.get("override_reason", ""),
            "override_error": (
                publishing.SHORT_REASON if "override_reason" in request.POST else ""
            ),
        },
    )


# ----- Saving: warn, never block ------------------------------------------------------------

#: The most a PositiveSmallIntegerField holds; more hits than this still read as "found".
_MOST_COUNTED = 32767


class Marked(models.Model):
    """A record whose free text is scanned whenever it is saved: `identifiers_found` counts the
    possible identifiers its saved text holds (0 once the text is clean). A draft with some is
    saved all the same; its pages warn and staff lists tag it."""

    identifiers_found = models.PositiveSmallIntegerField(
        default=0,
        editable=False,
        help_text="How many possible identifiers the saved text holds (counted on each save).",
    )

    class Meta:
        abstract = True

    def identifier_texts(self) -> Iterable[tuple[str, str, str]]:
        """(form field, label, text) of each free text the scan reads."""
        raise NotImplementedError

    @property
    def flags_identifiers(self) -> bool:
        """Whether pages warn and lists tag the record: its saved text holds possible
        identifiers and no reviewer has let them through with a reason."""
        return self.identifiers_found > 0 and not getattr(self, "pii_override_reason", "")


def mark(record: Marked) -> None:
    """Count the possible identifiers in the saved record's texts and store the count.

    `history.saving` calls this for every `Marked` record, once the record and its parts (a case
    study's sections, a return's answers) are saved, so every save path keeps it current.
    """
    found = min(len(identifier_hits(record)), _MOST_COUNTED)
    if found != record.identifiers_found:
        record.identifiers_found = found
        type(record)._default_manager.filter(pk=record.pk).update(identifiers_found=found)


def saved_hits(record: Marked | None) -> list[FieldHit]:
    """The hits a page warns about after a save: none for a clean record, or one whose hits a
    reviewer let through."""
    if record is None or not record.flags_identifiers:
        return []
    return identifier_hits(record)


def saved_warning(hits: list[FieldHit]) -> str:
    """The short warning autosave shows: "Possible identifiers found: NHS number in the notes.
    Remove them before you submit." ("" without hits)."""
    if not hits:
        return ""
    one = len(hits) == 1
    where = ", ".join(f"{hit.kind} in {hit.label}" for hit in hits)
    return (
        f"Possible identifier{'' if one else 's'} found: {where}. "
        f"Remove {'it' if one else 'them'} before you submit."
    )
