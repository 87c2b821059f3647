"""The survey's returns, for entry, export and the API, and one area's return with its answers.
No read here issues more queries when there are more returns."""

from collections import defaultdict
from dataclasses import dataclass

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
from ..services import stored_value
from ..values import AnswerValue

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

    Two queries however many returns: the answers with their questions and single choices,
    and the ticked choices of multiple-choice answers.
    """
    answers = (
        Answer.objects.filter(response__in=responses)
        .select_related("question", "choice")
        .prefetch_related(Prefetch("choices", queryset=Choice.objects.order_by("order")))
        .order_by("response_id", "question__order")
    )
    by_code: dict[int, dict[str, str]] = {r.pk: {} for r in responses}
    for answer in answers:
        value = stored_value(answer, [c.value for c in answer.choices.all()])
        by_code[answer.response_id][answer.question.code] = value.display()
    return by_code


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
