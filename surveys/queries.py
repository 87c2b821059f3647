"""Reads of the survey shaped for pages, files and the API. Aggregates are computed in the
database, and no read here issues more queries when there are more returns."""

from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Avg, Count, Max, Min, Prefetch, Q, QuerySet
from django.shortcuts import get_object_or_404

from areas.models import LocalAuthority, Region
from mash_survey import history

from .models import (
    CLOSED_KINDS,
    Answer,
    AnswerChoice,
    Choice,
    ImportBatch,
    Question,
    QuestionKind,
    Response,
    ResponseStatus,
    Survey,
    VisitSelection,
)
from .services import stored_value
from .values import AnswerValue


def survey_list() -> QuerySet[Survey]:
    # Both counts join from the survey, so each needs distinct: without it every return would
    # be counted once per question.
    return Survey.objects.annotate(
        submitted_count=Count(
            "responses", filter=Q(responses__status=ResponseStatus.SUBMITTED), distinct=True
        ),
        question_count=Count("questions", distinct=True),
    ).order_by("-sent_on")


def survey_detail(*, slug: str) -> Survey:
    return get_object_or_404(Survey, slug=slug)


def survey_questions(survey: Survey) -> list[Question]:
    """The survey's questions in order, with their choices."""
    return list(
        survey.questions.prefetch_related(
            Prefetch("choices", queryset=Choice.objects.order_by("order"))
        ).order_by("order")
    )


# ----- Response rates ------------------------------------------------------


@dataclass(frozen=True)
class Rate:
    key: str
    name: str
    returned: int
    total: int
    href: str = ""

    @property
    def percent(self) -> float:
        return round(100 * self.returned / self.total, 1) if self.total else 0.0


@dataclass(frozen=True)
class ResponseRates:
    overall: Rate
    by_region: list[Rate]


def response_rates(survey: Survey, returns: "ReturnFilter | None" = None) -> ResponseRates:
    """Submitted returns against the number of areas, overall and by region (one query).

    With `returns`, only the areas of that region and authority type count, in both the
    returns and the totals; every region is still listed (with a total of 0 outside it).
    """
    areas = Q()
    if returns is not None and returns.region:
        areas &= Q(code=returns.region)
    if returns is not None and returns.authority_type:
        areas &= Q(authorities__type=returns.authority_type)
    regions = Region.objects.annotate(
        total=Count("authorities", filter=areas, distinct=True),
        returned=Count(
            "authorities__survey_responses",
            filter=areas
            & Q(
                authorities__survey_responses__survey=survey,
                authorities__survey_responses__status=ResponseStatus.SUBMITTED,
            ),
            distinct=True,
        ),
    ).order_by("code")
    by_region = [
        Rate(
            key=r.code,
            name=r.name,
            returned=r.returned,
            total=r.total,
            href=r.get_absolute_url(),
        )
        for r in regions
    ]
    overall = Rate(
        key="E92000001",
        name="England",
        returned=sum(r.returned for r in by_region),
        total=sum(r.total for r in by_region),
    )
    return ResponseRates(overall=overall, by_region=by_region)


# ----- Distributions -------------------------------------------------------


@dataclass(frozen=True)
class Bar:
    label: str
    count: int
    base: int

    @property
    def percent(self) -> float:
        return round(100 * self.count / self.base, 1) if self.base else 0.0


@dataclass
class Distribution:
    question: Question
    answered: int
    bars: list[Bar] = field(default_factory=list)
    # For number questions:
    minimum: Decimal | None = None
    maximum: Decimal | None = None
    mean: Decimal | None = None

    @property
    def is_multiple(self) -> bool:
        return self.question.kind == QuestionKind.MULTIPLE_CHOICE


@dataclass(frozen=True)
class ReturnFilter:
    """Which submitted returns a statistic counts: all, or those of one region / authority type."""

    region: str = ""  # region code
    authority_type: str = ""

    def answers(self) -> Q:
        q = Q(response__status=ResponseStatus.SUBMITTED)
        if self.region:
            q &= Q(response__local_authority__region__code=self.region)
        if self.authority_type:
            q &= Q(response__local_authority__type=self.authority_type)
        return q

    def areas(self) -> Q:
        """The local authorities this filter covers."""
        q = Q()
        if self.region:
            q &= Q(region__code=self.region)
        if self.authority_type:
            q &= Q(type=self.authority_type)
        return q

    @property
    def is_filtered(self) -> bool:
        return bool(self.region or self.authority_type)

    def prefixed(self, prefix: str) -> Q:
        q = Q(**{f"{prefix}response__status": ResponseStatus.SUBMITTED})
        if self.region:
            q &= Q(**{f"{prefix}response__local_authority__region__code": self.region})
        if self.authority_type:
            q &= Q(**{f"{prefix}response__local_authority__type": self.authority_type})
        return q


def question_distributions(
    survey: Survey, questions: list[Question], returns: ReturnFilter = ReturnFilter()
) -> list[Distribution]:
    """Each closed or number question's answers among submitted returns (free text excluded).

    Three aggregate queries, however many returns there are.
    """
    public = [q for q in questions if q.kind in (*CLOSED_KINDS, QuestionKind.NUMBER)]
    answered = dict(
        Answer.objects.filter(returns.answers(), question__in=public)
        .exclude(Q(question__kind=QuestionKind.MULTIPLE_CHOICE) & ~Q(answerchoice__isnull=False))
        .values("question_id")
        .annotate(n=Count("response_id", distinct=True))
        .values_list("question_id", "n")
    )
    counts: dict[tuple[int, int], int] = {}
    for row in (
        Answer.objects.filter(returns.answers(), question__in=public, choice__isnull=False)
        .values("question_id", "choice_id")
        .annotate(n=Count("id"))
    ):
        counts[(row["question_id"], row["choice_id"])] = row["n"]
    for row in (
        AnswerChoice.objects.filter(returns.prefixed("answer__"), answer__question__in=public)
        .values("answer__question_id", "choice_id")
        .annotate(n=Count("id"))
    ):
        counts[(row["answer__question_id"], row["choice_id"])] = row["n"]
    numbers = {
        row["question_id"]: row
        for row in Answer.objects.filter(
            returns.answers(), question__in=public, number__isnull=False
        )
        .values("question_id")
        .annotate(lo=Min("number"), hi=Max("number"), avg=Avg("number"), n=Count("id"))
    }
    distributions = []
    for question in public:
        base = answered.get(question.pk, 0)
        distribution = Distribution(question=question, answered=base)
        if question.kind == QuestionKind.NUMBER:
            summary = numbers.get(question.pk)
            if summary:
                distribution.answered = summary["n"]
                distribution.minimum = summary["lo"]
                distribution.maximum = summary["hi"]
                distribution.mean = Decimal(summary["avg"]).quantize(Decimal("0.1"))
        else:
            distribution.bars = [
                Bar(label=c.value, count=counts.get((question.pk, c.pk), 0), base=base)
                for c in question.choices.all()
            ]
        distributions.append(distribution)
    return distributions


def answers_by_area(
    survey: Survey, question: Question, returns: ReturnFilter | None = None
) -> dict[str, str | None]:
    """For a yes/no or single-choice question: each authority's ONS code → its submitted answer
    (None with no submitted return or no answer). For staff maps only: per-area answers are
    internal. With `returns`, only the authorities of that region and type are keys."""
    returns = returns or ReturnFilter()
    values: dict[str, str | None] = dict.fromkeys(
        LocalAuthority.objects.filter(returns.areas()).values_list("gss_code", flat=True)
    )
    rows = Answer.objects.filter(
        returns.answers(), question=question, choice__isnull=False
    ).values_list("response__local_authority__gss_code", "choice__value")
    values.update(dict(rows))
    return values


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


@dataclass(frozen=True)
class AreaStatus:
    local_authority: LocalAuthority
    response: Response | None

    @property
    def status(self) -> str:
        if self.response is None:
            return "Not started"
        return self.response.get_status_display()


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


# ----- Statistics: the members' map of answers by area ----------------------


@dataclass(frozen=True)
class AreaAnswer:
    local_authority: LocalAuthority
    answer: str | None  # None: no submitted return, or the question was not answered


def area_answers(
    survey: Survey, question: Question, returns: ReturnFilter | None = None
) -> list[AreaAnswer]:
    """Each authority (of the filter) with its submitted answer to a yes/no or single-choice
    question, by name. For project members only: per-area answers are internal."""
    returns = returns or ReturnFilter()
    values = answers_by_area(survey, question, returns)
    authorities = LocalAuthority.objects.filter(returns.areas()).select_related("region")
    return [AreaAnswer(a, values.get(a.gss_code)) for a in authorities.order_by("name")]


# ----- Returns for the API ---------------------------------------------------


def response_list_for_api() -> QuerySet[Response]:
    """Every return, with what the API prints of its survey and area (one query a page)."""
    return Response.objects.select_related("survey", "local_authority__region").order_by(
        "survey__slug", "local_authority__name"
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


# ----- Selection for visits ------------------------------------------------

#: The project plans to visit at most this many areas in a region: more gets a warning.
VISITS_PLANNED_PER_REGION = 5


@dataclass(frozen=True)
class RegionSelection:
    region: Region
    selections: list[VisitSelection]

    @property
    def count(self) -> int:
        return len(self.selections)

    @property
    def over_plan(self) -> bool:
        return self.count > VISITS_PLANNED_PER_REGION


def visit_selection_by_region(survey: Survey) -> list[RegionSelection]:
    """Every region with the areas selected in it for a visit (two queries)."""
    selections = (
        VisitSelection.objects.filter(survey=survey)
        .select_related("local_authority__region", "selected_by")
        .order_by("local_authority__name")
    )
    by_region: dict[int, list[VisitSelection]] = defaultdict(list)
    for selection in selections:
        by_region[selection.local_authority.region_id].append(selection)
    return [
        RegionSelection(region=region, selections=by_region.get(region.pk, []))
        for region in Region.objects.order_by("name")
    ]


def visit_selection_candidates(survey: Survey) -> QuerySet[LocalAuthority]:
    """The authorities not yet selected for a visit, by name."""
    return (
        LocalAuthority.objects.exclude(visit_selections__survey=survey)
        .select_related("region")
        .order_by("name")
    )


def visit_selection_find(survey: Survey, *, pk: int) -> VisitSelection | None:
    """One of the survey's selections, or None (removed already, or never made)."""
    return (
        VisitSelection.objects.select_related("local_authority")
        .filter(survey=survey, pk=pk)
        .first()
    )


# ----- Imports -------------------------------------------------------------


@dataclass(frozen=True)
class ImportBatchSummary:
    batch: ImportBatch
    #: The areas whose returns this batch created or changed, by name.
    changed: list[LocalAuthority]


def import_batch_list(survey: Survey) -> list[ImportBatchSummary]:
    """Every import of `survey`, newest first, with the returns each changed (from the
    returns' history, so a later edit or import does not hide what a batch did). Two queries."""
    batches = list(
        ImportBatch.objects.filter(survey=survey)
        .select_related("imported_by")
        .order_by("-imported_at", "-pk")
    )
    changed: dict[int, dict[int, LocalAuthority]] = defaultdict(dict)
    history = (
        Response.history.filter(import_batch_id__in=[b.pk for b in batches])
        .select_related("local_authority")
        .order_by("local_authority__name")
    )
    for record in history:
        changed[record.import_batch_id][record.local_authority_id] = record.local_authority
    return [
        ImportBatchSummary(batch=b, changed=list(changed.get(b.pk, {}).values())) for b in batches
    ]


# ----- One area's return: its answers, its history, and the area page -----


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
        return "Not started" if self.response is None else self.response.get_status_display()


def returns_for_area(local_authority: LocalAuthority) -> list[SurveyReturn]:
    """Every survey with this area's return to it, if any (two queries)."""
    responses = {r.survey_id: r for r in Response.objects.filter(local_authority=local_authority)}
    return [
        SurveyReturn(survey, responses.get(survey.pk))
        for survey in Survey.objects.order_by("-sent_on", "title")
    ]


@dataclass(frozen=True)
class AnswerChange:
    question: Question
    before: AnswerValue
    after: AnswerValue


@dataclass(frozen=True)
class ReturnChange:
    """One saved version of a return (a record of `Response.history`) and what it changed.

    `record` is the historical row: `history_date`, `history_user`, `history_type`,
    `history_change_reason`, `status`, `import_batch` and `version` as they were then.
    """

    record: "Response"
    previous_status: str | None
    answer_changes: list[AnswerChange]

    @property
    def status_changed(self) -> bool:
        return self.previous_status != self.record.status


def response_history(response: Response, questions: list[Question]) -> list[ReturnChange]:
    """Each version of `response`, newest first, with the answers each one changed: the
    answers saved in the same change (`mash_survey.history`). Four queries, however long the
    history."""
    from django.apps import apps

    records = list(
        Response.history.filter(id=response.pk)
        .select_related("history_user", "import_batch")
        .order_by("history_date", "history_id")
    )
    if not records:
        return []
    answer_records = list(
        Answer.history.filter(response_id=response.pk).order_by("history_date", "history_id")
    )
    choices = {
        pk: (order, value)
        for pk, order, value in Choice.objects.filter(
            question__survey_id=response.survey_id
        ).values_list("pk", "order", "value")
    }
    ticked: dict[int, list[int]] = defaultdict(list)
    snapshot_model = apps.get_model("surveys", "HistoricalAnswerChoice")
    for history_id, choice_id in snapshot_model.objects.filter(
        history__response_id=response.pk
    ).values_list("history_id", "choice_id"):
        ticked[history_id].append(choice_id)
    kinds = {q.pk: q.kind for q in questions}

    def value_of(record: Answer) -> AnswerValue:
        if record.history_type == "-":  # type: ignore[attr-defined]  # a historical row
            return AnswerValue()
        if kinds.get(record.question_id) == QuestionKind.MULTIPLE_CHOICE:
            ids = sorted(ticked[record.history_id], key=lambda pk: choices[pk][0])  # type: ignore[attr-defined]
            return AnswerValue(choices=tuple(choices[pk][1] for pk in ids))
        if record.choice_id is not None:
            return AnswerValue(choices=(choices[record.choice_id][1],))
        return AnswerValue(number=record.number, date=record.date, text=record.text)

    by_version: dict[int, list[Answer]] = defaultdict(list)
    for answer_record, version in zip(
        answer_records, history.version_of_rows(records, answer_records), strict=True
    ):
        by_version[version].append(answer_record)

    current: dict[int, AnswerValue] = {}
    changes: list[ReturnChange] = []
    previous_status: str | None = None
    for index, record in enumerate(records):
        before = dict(current)
        for answer_record in by_version[index]:
            current[answer_record.question_id] = value_of(answer_record)
        answer_changes = [
            AnswerChange(q, before.get(q.pk, AnswerValue()), current.get(q.pk, AnswerValue()))
            for q in questions
            if before.get(q.pk, AnswerValue()) != current.get(q.pk, AnswerValue())
        ]
        changes.append(ReturnChange(record, previous_status, answer_changes))
        previous_status = record.status
    changes.reverse()
    return changes


def region_choices() -> list[Region]:
    """The nine regions by name, for the statistics filters."""
    return list(Region.objects.order_by("name"))
