"""The survey's returns, for entry, export and the API, and one area's return with its answers.
No read here issues more queries when there are more returns."""

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from decimal import Decimal
from itertools import groupby
from operator import itemgetter
from typing import Any, NamedTuple

from django.db.models import Prefetch, QuerySet

from areas.models import LocalAuthority
from mash_survey.audience import Audience

from ..models import (
    Answer,
    Choice,
    Question,
    QuestionKind,
    Response,
    ResponseStatus,
    ReturnState,
    Survey,
)
from ..services import stored_value, stored_value_of
from ..values import EMPTY, AnswerValue

#: How many rows an export reads from the database at a time.
EXPORT_CHUNK_ROWS = 2000

# ----- Returns, for entry, export and the API ------------------------------


def response_list(survey: Survey) -> QuerySet[Response]:
    return Response.objects.filter(survey=survey).select_related(
        "local_authority__region", "entered_by", "import_batch"
    )


def response_values(responses: list[Response]) -> dict[int, dict[int, AnswerValue]]:
    """Response id → question id → typed answer, for many returns in three queries."""
    values: dict[int, dict[int, AnswerValue]] = defaultdict(dict)
    answers = (
        Answer.objects.filter(response__in=responses)
        .select_related("question", "choice")
        .prefetch_related(Prefetch("choices", queryset=Choice.objects.order_by("order")))
    )
    for answer in answers:
        values[answer.response_id][answer.question_id] = stored_value(
            answer, [c.value for c in answer.choices.all()]
        )
    return values


def state_of(response: Response | None) -> ReturnState:
    return ReturnState.NOT_STARTED if response is None else response.state


@dataclass(frozen=True)
class AreaStatus:
    local_authority: LocalAuthority
    response: Response | None

    @property
    def state(self) -> ReturnState:
        return state_of(self.response)

    @property
    def status(self) -> str:
        return str(self.state.label)


def area_statuses(survey: Survey, *, region: str = "") -> list[AreaStatus]:
    """Every authority (optionally of one region) with its return to `survey`, if any."""
    authorities = LocalAuthority.objects.select_related("region").order_by("name")
    if region:
        authorities = authorities.filter(region__code=region)
    responses = {
        r.local_authority_id: r
        for r in Response.objects.filter(survey=survey, local_authority__in=authorities)
    }
    return [AreaStatus(a, responses.get(a.pk)) for a in authorities]


# ----- Returns for the API ---------------------------------------------------


def visible_responses(audience: Audience) -> QuerySet[Response] | None:
    """Project members see every return; partner keys submitted returns (not drafts or
    reopened ones); the public none (only the statistics, under small-number suppression)."""
    if audience is Audience.STAFF:
        return Response.objects.all()
    if audience is Audience.PARTNER:
        return Response.objects.filter(status=ResponseStatus.SUBMITTED)
    return None


def response_list_for_api(audience: Audience) -> QuerySet[Response]:
    """The returns `audience` may see, with what the API prints of their survey and area (one
    query a page)."""
    responses = visible_responses(audience)
    return (
        (responses if responses is not None else Response.objects.none())
        .select_related("survey", "local_authority__region")
        .order_by("survey__slug", "local_authority__name")
    )


def response_answers_by_code(responses: list[Response]) -> dict[int, dict[str, str]]:
    """Response id → question code → the answer as a person reads it, in question order.

    One query however many returns, read as values (no model instance per answer): each
    answer with its question and single choice, a row for each ticked choice of a
    multiple-choice answer.
    """
    rows = (
        Answer.objects.filter(response__in=[r.pk for r in responses])
        .order_by("response_id", "question__order", "question_id", "choices__order")
        .values_list(
            "response_id",
            "question__code",
            "question__kind",
            "choice__value",
            "number",
            "date",
            "text",
            "choices__value",
        )
    )
    by_code: dict[int, dict[str, str]] = {r.pk: {} for r in responses}
    for response_id, answers in groupby(rows, key=itemgetter(0)):
        values = _typed_answers((code, kind, *rest) for _, code, kind, *rest in answers)
        by_code[response_id] = {code: value.display() for code, value in values.items()}
    return by_code


#: An answer read as values: its key (question id or code), its question's kind, its single
#: choice's value, number, date and text, and one ticked choice (a row for each, in order).
AnswerRow = tuple[Any, ...]


def _typed_answers(rows: Iterable[AnswerRow]) -> dict[Any, AnswerValue]:
    """One return's answers by key, typed, in the order of `rows` (a multiple-choice answer
    is as many rows as it has ticked choices, or one row with None)."""
    values: dict[Any, AnswerValue] = {}
    ticked: dict[Any, list[str]] = {}
    for key, kind, choice, number, date, text, tick in rows:
        if kind == QuestionKind.MULTIPLE_CHOICE:
            values.setdefault(key, EMPTY)  # keeps its place; its choices follow
            chosen = ticked.setdefault(key, [])
            if tick is not None:
                chosen.append(tick)
            continue
        values[key] = stored_value_of(
            kind=kind, choice=choice, number=number, date=date, text=text, ticked=()
        )
    for key, chosen in ticked.items():
        values[key] = stored_value_of(
            kind=QuestionKind.MULTIPLE_CHOICE,
            choice=None,
            number=None,
            date=None,
            text="",
            ticked=chosen,
        )
    return values


#: A stored answer read as values: its single choice's value, its number, date and text.
StoredAnswer = tuple[str | None, Decimal | None, dt.date | None, str]


class ReturnAnswers(NamedTuple):
    """A return as the export writes it: its area, its status and its answers, read as
    values (`services.stored_value_of` says what they mean)."""

    gss_code: str
    dfe_code: str
    name: str
    region: str
    status: str  # as a person reads it: Draft, Submitted
    answers: dict[int, StoredAnswer]  # question id → the answer's values
    ticked: dict[int, list[str]]  # question id → a multiple-choice answer's choices, in order


def returns_with_answers(
    survey: Survey, *, chunk_size: int = EXPORT_CHUNK_ROWS
) -> Iterator[ReturnAnswers]:
    """The survey's returns by area name, each with its answers, read as they are used.

    One query over the returns and their answers (values, no model instance per answer),
    read `chunk_size` rows at a time: a return with no answers is one row, an answer a row,
    a multiple-choice answer a row for each ticked choice. Memory holds one return at a time,
    however many there are; one query is one snapshot, so a return and its answers agree.
    """
    statuses = dict(ResponseStatus.choices)
    rows = (
        Response.objects.filter(survey=survey)
        .order_by("local_authority__name", "pk", "answers__pk", "answers__choices__order")
        .values_list(
            "pk",
            "local_authority__gss_code",
            "local_authority__dfe_code",
            "local_authority__name",
            "local_authority__region__name",
            "status",
            "answers__question_id",
            "answers__choice__value",
            "answers__number",
            "answers__date",
            "answers__text",
            "answers__choices__value",
        )
        .iterator(chunk_size=chunk_size)
    )
    for _, group in groupby(rows, key=itemgetter(0)):
        answers: dict[int, StoredAnswer] = {}
        ticked: dict[int, list[str]] = {}
        for row in group:
            question_id = row[6]
            if question_id is None:  # a return with no answers
                continue
            answers[question_id] = row[7:11]
            if row[11] is not None:
                ticked.setdefault(question_id, []).append(row[11])
        _, gss_code, dfe_code, name, region, status = row[:6]
        yield ReturnAnswers(gss_code, dfe_code, name, region, statuses[status], answers, ticked)


def question_codes(*, survey: str = "") -> list[str]:
    """The question codes of the survey with slug `survey` (of every survey when blank), in
    survey and question order, each once."""
    codes = Question.objects.order_by("survey__slug", "order")
    if survey:
        codes = codes.filter(survey__slug=survey)
    return list(dict.fromkeys(codes.values_list("code", flat=True)))


# ----- One area's return: its answers, and the area page -------------------


@dataclass(frozen=True)
class AreaReturn:
    """An area's return to a survey (None if not started) and its answers by question id."""

    survey: Survey
    local_authority: LocalAuthority
    response: Response | None
    values: dict[int, AnswerValue]

    @property
    def status(self) -> str:
        return AreaStatus(self.local_authority, self.response).status


def free_text_answer_ids(response: Response) -> dict[int, int]:
    """The return's answers to free-text questions that have text: question id → answer id
    (the answers evidence can be coded from)."""
    return dict(
        Answer.objects.filter(response=response, question__kind=QuestionKind.FREE_TEXT)
        .exclude(text="")
        .values_list("question_id", "pk")
    )


def area_return(survey: Survey, local_authority: LocalAuthority) -> AreaReturn:
    """The area's return with who entered it and the import that last changed it."""
    response = (
        Response.objects.filter(survey=survey, local_authority=local_authority)
        .select_related("entered_by", "import_batch__imported_by")
        .first()
    )
    values = response_values([response]).get(response.pk, {}) if response else {}
    return AreaReturn(survey, local_authority, response, values)


@dataclass(frozen=True)
class SurveyReturn:
    survey: Survey
    response: Response | None

    @property
    def status(self) -> str:
        return str(state_of(self.response).label)


def returns_for_area(local_authority: LocalAuthority) -> list[SurveyReturn]:
    """Every survey with this area's return to it, if any (two queries)."""
    responses = {r.survey_id: r for r in Response.objects.filter(local_authority=local_authority)}
    return [
        SurveyReturn(survey, responses.get(survey.pk))
        for survey in Survey.objects.order_by("-sent_on", "title")
    ]
