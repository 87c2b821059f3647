"""Every write to the survey with a rule in it: entering returns, submitting, reopening."""

import datetime as dt
from collections.abc import Mapping, Sequence
from decimal import Decimal

from django.contrib.auth.models import User
from django.db import IntegrityError, transaction
from django.db.models import ProtectedError
from django.utils import timezone

from areas.models import LocalAuthority
from mash_survey import history, rules
from mash_survey.errors import ServiceError, StaleEditError

from .models import (
    Answer,
    AnswerChoice,
    Choice,
    Question,
    QuestionKind,
    Response,
    ResponseStatus,
    Survey,
    VisitSelection,
)
from .values import AnswerValue, answer_breaches


class ResponseError(ServiceError):
    pass


REOPEN_REASON_MISSING = "Enter why you are reopening this return"


class IncompleteResponseError(ResponseError):
    """Required questions are unanswered; `missing` lists them."""

    def __init__(self, missing: list[Question]) -> None:
        self.missing = missing
        super().__init__(
            "Answer every required question before submitting: "
            + ", ".join(q.code for q in missing)
        )


class AnswerRuleError(ResponseError):
    """An answer breaks its question's rules (the form and the import check them first)."""

    def __init__(self, question: Question, message: str) -> None:
        self.question = question
        super().__init__(f"{question.code}: {message}")


def _choices_by_question(questions: list[Question]) -> dict[int, dict[str, Choice]]:
    by_question: dict[int, dict[str, Choice]] = {q.pk: {} for q in questions}
    for choice in Choice.objects.filter(question__in=questions):
        by_question[choice.question_id][choice.value] = choice
    return by_question


def stored_value(answer: Answer, multiple: list[str]) -> AnswerValue:
    """The typed value of a stored answer (`multiple`: its ticked choices, in order)."""
    return stored_value_of(
        kind=answer.question.kind,
        choice=answer.choice.value if answer.choice is not None else None,
        number=answer.number,
        date=answer.date,
        text=answer.text,
        ticked=multiple,
    )


def stored_value_of(
    *,
    kind: str,
    choice: str | None,
    number: Decimal | None,
    date: dt.date | None,
    text: str,
    ticked: Sequence[str],
) -> AnswerValue:
    """The typed value of a stored answer read as values: its question's kind, its single
    choice's value, number, date and text, and its ticked choices in order (for a
    multiple-choice answer). What `stored_value` reads from a model instance."""
    if kind == QuestionKind.MULTIPLE_CHOICE:
        return AnswerValue(choices=tuple(ticked))
    if choice is not None:
        return AnswerValue(choices=(choice,))
    return AnswerValue(number=number, date=date, text=text)


def write_answers(
    *, response: Response, values: Mapping[Question, AnswerValue], user: User | None = None
) -> bool:
    """Make the response's stored answers equal `values` for those questions. True if any changed.

    An empty value removes the answer. Runs inside the caller's transaction and change.
    """
    questions = list(values)
    choices = _choices_by_question(questions)
    existing = {
        a.question_id: a
        for a in Answer.objects.filter(response=response, question__in=questions)
        .select_related("question", "choice")
        .prefetch_related("choices")
    }
    changed = False
    for question, value in values.items():
        answer = existing.get(question.pk)
        if answer is not None:
            current = stored_value(answer, [c.value for c in answer.choices.all()])
            if current == value:
                continue
        elif value.is_empty:
            continue
        for breach in rules.errors(answer_breaches(question, value)):
            raise AnswerRuleError(question, breach.message)
        changed = True
        if value.is_empty:
            assert answer is not None
            try:
                with transaction.atomic():
                    history.delete(answer, user=user)
                continue
            except ProtectedError:
                pass  # cited as evidence: kept, emptied, so the evidence shows as stale
        if answer is None:
            answer = Answer(response=response, question=question)
        is_multiple = question.kind == QuestionKind.MULTIPLE_CHOICE
        answer.choice = (
            choices[question.pk][value.choices[0]] if value.choices and not is_multiple else None
        )
        answer.number = value.number
        answer.date = value.date
        answer.text = value.text
        # One history record per answer, taken once the ticked choices are in place.
        with history.saving(answer, user=user, reason=""):
            answer.save()
            if is_multiple:
                AnswerChoice.objects.filter(answer=answer).delete()
                AnswerChoice.objects.bulk_create(
                    AnswerChoice(answer=answer, choice=choices[question.pk][v])
                    for v in value.choices
                )
    return changed


def missing_required(response: Response) -> list[Question]:
    answered = set(Answer.objects.filter(response=response).values_list("question_id", flat=True))
    return [
        q
        for q in Question.objects.filter(survey_id=response.survey_id, required=True)
        if q.pk not in answered
    ]


def save_return(
    response: Response,
    *,
    user: User | None,
    reason: str,
    values: Mapping[Question, AnswerValue] | None = None,
) -> None:
    """Save the return and its answers as one change, with one history record each."""
    with history.saving(response, user=user, reason=reason):
        response.save()
        if values is not None:
            write_answers(response=response, values=values, user=user)


@transaction.atomic
def response_save_draft(
    *,
    survey: Survey,
    local_authority: LocalAuthority,
    values: Mapping[Question, AnswerValue],
    user: User,
    seen_version: int | None,
) -> Response:
    """Save an area's answers as a draft (a new return, or changes to a draft one).

    `seen_version` is the version the editor started from (None for a new return).
    """
    response = Response.objects.filter(survey=survey, local_authority=local_authority).first()
    if response is None:
        response = Response(survey=survey, local_authority=local_authority, entered_by=user)
        try:
            # Two people starting the same return at once: the constraint decides.
            with transaction.atomic():
                save_return(response, user=user, reason="Saved as draft", values=values)
        except IntegrityError:
            raise StaleEditError(history.stale_message(response)) from None
        return response
    if response.status == ResponseStatus.SUBMITTED:
        raise ResponseError(
            "This return has been submitted. Ask a reviewer to reopen it to make changes."
        )
    history.claim_version(response, seen_version=seen_version)
    response.entered_by = user
    save_return(response, user=user, reason="Saved as draft", values=values)
    return response


@transaction.atomic
def response_submit(*, response: Response, user: User, seen_version: int) -> Response:
    """Submit a draft return whose required questions are all answered."""
    response = history.lock(response)
    if response.status != ResponseStatus.DRAFT:
        raise ResponseError("This return has already been submitted.")
    missing = missing_required(response)
    if missing:
        raise IncompleteResponseError(missing)
    history.claim_version(response, seen_version=seen_version)
    response.status = ResponseStatus.SUBMITTED
    response.submitted_at = timezone.now()
    save_return(response, user=user, reason="Submitted")
    return response


@transaction.atomic
def response_reopen(*, response: Response, user: User, reason: str) -> Response:
    """Return a submitted return to draft so it can be corrected (reviewers only), saying why.

    A draft counts in no statistics, so the return leaves them until it is submitted again.
    """
    response = history.lock(response)
    if response.status != ResponseStatus.SUBMITTED:
        raise ResponseError("Only a submitted return can be reopened.")
    reason = reason.strip()
    if not reason:
        raise ResponseError(REOPEN_REASON_MISSING)
    history.claim_version(response, seen_version=None)
    response.status = ResponseStatus.DRAFT
    response.submitted_at = None
    response.reopened_at = timezone.now()
    save_return(response, user=user, reason=f"Reopened by a reviewer: {reason}")
    return response


# ----- Selection for visits ------------------------------------------------


class SelectionError(ServiceError):
    pass


@transaction.atomic
def visit_selection_add(
    *, survey: Survey, local_authority: LocalAuthority, reason: str, user: User
) -> VisitSelection:
    """Select an area for a visit, saying why. An area can be selected once per survey.

    More than the planned number in a region is allowed: the page warns instead.
    """
    reason = reason.strip()
    if not reason:
        raise SelectionError("Enter why this area should be visited")
    duplicate = SelectionError(
        f"{local_authority.name} is already selected for a visit. Select another local authority."
    )
    if VisitSelection.objects.filter(survey=survey, local_authority=local_authority).exists():
        raise duplicate
    selection = VisitSelection(
        survey=survey, local_authority=local_authority, reason=reason, selected_by=user
    )
    try:
        # Someone selecting the same area at the same moment: the constraint decides.
        with transaction.atomic():
            history.save(selection, user=user)
    except IntegrityError:
        raise duplicate from None
    return selection


@transaction.atomic
def visit_selection_remove(*, selection: VisitSelection, user: User) -> VisitSelection:
    """Take an area off the list for visits; its history keeps who removed it."""
    current = (
        VisitSelection.objects.select_for_update()
        .select_related("local_authority")
        .filter(pk=selection.pk)
        .first()
    )
    if current is None:
        raise SelectionError(
            f"{selection.local_authority.name} had already been removed from the selection."
        )
    if current.visits.exists():
        raise SelectionError(
            f"{current.local_authority.name} has a visit recorded from this selection, so it "
            "stays selected. Change the visit to say it was not from a selection first."
        )
    history.delete(current, user=user)
    return current
