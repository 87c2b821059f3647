"""The survey's statistics: response rates, the distribution of each question's answers, and
the members' map of answers by area. Aggregates are computed in the database, and no read here
issues more queries when there are more returns."""

from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Avg, Count, Max, Min, Q

from areas.models import LocalAuthority, Region

from ..models import (
    CLOSED_KINDS,
    Answer,
    AnswerChoice,
    Question,
    QuestionKind,
    ResponseStatus,
    Survey,
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


def region_choices() -> list[Region]:
    """The nine regions by name, for the statistics filters."""
    return list(Region.objects.order_by("name"))
