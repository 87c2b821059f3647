"""Two people for anything public or overridden.

A record a reviewer approves or publishes (a visit, its detailed feedback, a case study) is
decided by someone who had no hand in what they are deciding on:

- `contributors_since_review(record)`: who had a hand in it, read from its history: its author
  (`created_by`), everyone who saved it since it last came back from review (since it was
  created, if it never did), and whoever sent it for review. `contributors_of(records)` is the
  same for a list, in one query.
- `unless_independent(record, user=…, refused=…)`: the check a service makes before a review
  decision; `may_decide(record, user)` tells a page whether to offer the decision at all, and
  `not_independent_message(record)` says why not.
- Letting possible identifiers through (`mash_survey.identifiers.Guard`) needs a reviewer who
  is not a contributor either, and a reason of at least a sentence (`is_a_sentence`). Whoever
  then approves or publishes the record confirms that reason (`CONFIRM_LABEL`).

A record that takes part declares `in_review_status`: the status it has while it waits for a
reviewer's decision. Superusers get no exemption: an administrator is one of the two people too.
"""

from collections import defaultdict
from collections.abc import Sequence
from typing import Any, ClassVar, Protocol

from django.contrib.auth.base_user import AbstractBaseUser
from django.contrib.auth.models import AnonymousUser

from .errors import ServiceError
from .roles import is_reviewer


class UnderReview(Protocol):
    """A record that goes through review: its author, status and history."""

    in_review_status: ClassVar[str]
    record_name: ClassVar[str]
    pk: Any
    created_by_id: int | None
    status: str
    history: Any  # simple-history's manager of its history rows


def _since_review(rows: Sequence[tuple[str, int | None]], in_review: str) -> set[int]:
    """The people of the history rows (status, user), newest first, back to the last time the
    record came out of review: that row is a reviewer's decision, and what came before it has
    been reviewed."""
    people: set[int] = set()
    for index, (status, user_id) in enumerate(rows):
        older = rows[index + 1] if index + 1 < len(rows) else None
        if older is not None and older[0] == in_review and status != in_review:
            break
        if user_id is not None:
            people.add(user_id)
    return people


def contributors_of(records: Sequence[UnderReview]) -> dict[Any, frozenset[int]]:
    """For each record (all of one model), by its key: the ids of the people who may not make
    the review decision on it (see the module's docstring). One query, however many records."""
    if not records:
        return {}
    model = type(records[0])
    rows: dict[Any, list[tuple[str, int | None]]] = defaultdict(list)
    for pk, status, user_id in (
        model.history.filter(id__in=[r.pk for r in records])
        .order_by("id", "-history_id")
        .values_list("id", "status", "history_user_id")
    ):
        rows[pk].append((status, user_id))
    return {
        r.pk: frozenset(
            _since_review(rows[r.pk], model.in_review_status)
            | ({r.created_by_id} if r.created_by_id is not None else set())
        )
        for r in records
    }


def contributors_since_review(record: UnderReview) -> frozenset[int]:
    """The ids of the record's author, the people who changed it since it last came back from
    review, and the person who sent it for review."""
    return contributors_of([record])[record.pk]


def not_independent_message(record: UnderReview) -> str:
    return (
        f"Someone else must review this {record.record_name}: you wrote it, changed it or sent "
        "it for review."
    )


def may_decide(
    record: UnderReview,
    user: AbstractBaseUser | AnonymousUser,
    contributors: frozenset[int] | None = None,
) -> bool:
    """Whether `user` may make the review decision on `record`: a reviewer who had no hand in
    it (`contributors`, when the page has read them already for a list)."""
    if not is_reviewer(user):
        return False
    if contributors is None:
        contributors = contributors_since_review(record)
    return user.pk not in contributors


def unless_independent(
    record: UnderReview, *, user: AbstractBaseUser, refused: type[ServiceError]
) -> None:
    """Refuse the review decision to the record's contributors, superusers included."""
    if user.pk in contributors_since_review(record):
        raise refused(not_independent_message(record))


# ----- Letting possible identifiers through ----------------------------------------------

#: A reason that lets possible identifiers through says why, in at least a sentence.
MIN_REASON_CHARACTERS = 20
MIN_REASON_WORDS = 4
SHORT_REASON = "Enter a reason of at least one sentence saying why these can stay"
CONFIRM_LABEL = "I have read why possible identifiers were let through and agree they can stay"
NOT_CONFIRMED = (
    "Confirm that you have read why possible identifiers were let through and agree they can stay"
)


def is_a_sentence(reason: str) -> bool:
    """At least MIN_REASON_CHARACTERS characters and MIN_REASON_WORDS words ("ok" is not a
    reason)."""
    reason = reason.strip()
    return len(reason) >= MIN_REASON_CHARACTERS and len(reason.split()) >= MIN_REASON_WORDS
