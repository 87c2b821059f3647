"""The survey's statistics: response rates, the distribution of each question's answers, and
the members' map of answers by area. Aggregates are computed in the database, and no read here
issues more queries when there are more returns.

Public figures pass through `mash_survey.disclosure`: every filter the statistics offer is a
cell of one table (region by type of authority, with "all" margins), so a figure hidden for one
filter cannot be worked out from the figures of others. Project members get every figure,
each marked with whether the public see it.
"""

import datetime as dt
import statistics
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

from django.db.models import Count, Max, OuterRef, Q
from django.db.models.functions import ExtractYear

from areas.models import LocalAuthority, Region
from mash_survey import disclosure
from mash_survey.aggregates import subquery_count
from mash_survey.disclosure import Hidden

from ..models import (
    CLOSED_KINDS,
    Answer,
    AnswerChoice,
    Question,
    QuestionKind,
    Response,
    ResponseStatus,
    Survey,
)

DATE = QuestionKind.DATE

#: A filter as a cell of the table of filters: (region code, authority type), "" for all.
Cell = tuple[str, str]
ALL = ""

# ----- Response rates ------------------------------------------------------


@dataclass(frozen=True)
class Rate:
    key: str
    name: str
    returned: int | None  # None: not shown (see `hidden`)
    total: int
    href: str = ""
    hidden: Hidden | None = None

    @property
    def percent(self) -> float | None:
        if self.returned is None:
            return None
        return round(100 * self.returned / self.total, 1) if self.total else 0.0


@dataclass(frozen=True)
class ResponseRates:
    overall: Rate
    by_region: list[Rate]


def _response_rates(
    survey: Survey, returns: "ReturnFilter", *, hidden: dict[Cell, Hidden], reveal: bool
) -> ResponseRates:
    """Submitted returns against the number of areas, overall and by region (one query).

    Only the areas of the filter's region and authority type count, in both the returns and
    the totals; every region is still listed (with a total of 0 outside it). A region's count
    is that of the filter's cell for the region; `hidden` ones are None unless `reveal`.
    """
    # Two subqueries per region: joined, every area's returns to every survey would be read.
    authorities = LocalAuthority.objects.filter(returns.areas())
    regions = list(
        Region.objects.annotate(
            total=subquery_count(authorities.filter(region=OuterRef("pk"))),
            returned=subquery_count(
                Response.objects.filter(
                    survey=survey,
                    status=ResponseStatus.SUBMITTED,
                    local_authority__in=authorities.filter(region=OuterRef(OuterRef("pk"))),
                )
            ),
        ).order_by("code")
    )
    by_region = []
    for r in regions:
        cell = (r.code, returns.authority_type) if r.code != returns.region else returns.cell
        by_region.append(
            _rate(
                r.code, r.name, r.returned, r.total, hidden.get(cell), reveal, r.get_absolute_url()
            )
        )
    overall = _rate(
        "E92000001",
        "England",
        sum(r.returned for r in regions),
        sum(r.total for r in regions),
        hidden.get(returns.cell),
        reveal,
    )
    return ResponseRates(overall=overall, by_region=by_region)


def _rate(
    key: str,
    name: str,
    returned: int,
    total: int,
    hidden: Hidden | None,
    reveal: bool,
    href: str = "",
) -> Rate:
    shown = returned if reveal or hidden is None else None
    return Rate(key=key, name=name, returned=shown, total=total, href=href, hidden=hidden)


# ----- Distributions -------------------------------------------------------


@dataclass(frozen=True)
class Bar:
    label: str
    count: int
    base: int

    @property
    def percent(self) -> float:
        return round(100 * self.count / self.base, 1) if self.base else 0.0


@dataclass(frozen=True)
class Quartiles:
    """The numbers that cut the sorted answers into four equal parts (inclusive method, as
    spreadsheets' QUARTILE.INC and PostgreSQL's percentile_cont)."""

    lower: Decimal
    median: Decimal
    upper: Decimal


def quartiles(values: list[Decimal]) -> Quartiles:
    """The quartiles of one or more numbers (each to two decimal places, as answers are)."""
    if len(values) == 1:
        cuts = [values[0]] * 3
    else:
        cuts = statistics.quantiles(values, n=4, method="inclusive")
    lower, median, upper = (Decimal(c).quantize(Decimal("0.01"), ROUND_HALF_UP) for c in cuts)
    return Quartiles(lower=lower, median=median, upper=upper)


@dataclass
class Distribution:
    question: Question
    answered: int | None  # None: not shown (see `hidden`)
    bars: list[Bar] = field(default_factory=list)
    # For number questions (the lowest and highest are one area's answer: members only; the
    # quartiles are public over at least the minimum number of areas):
    mean: Decimal | None = None
    quartiles: Quartiles | None = None
    minimum: Decimal | None = None
    maximum: Decimal | None = None
    hidden: Hidden | None = None
    #: The submitted returns the question was asked in (the filter's), answered or not.
    returned: int | None = None

    @property
    def is_multiple(self) -> bool:
        return self.question.kind == QuestionKind.MULTIPLE_CHOICE

    @property
    def not_answered(self) -> int | None:
        """The returns that left the question unanswered."""
        if self.answered is None or self.returned is None:
            return None
        return max(self.returned - self.answered, 0)


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

    @property
    def cell(self) -> Cell:
        return (self.region, self.authority_type)

    def prefixed(self, prefix: str) -> Q:
        q = Q(**{f"{prefix}response__status": ResponseStatus.SUBMITTED})
        if self.region:
            q &= Q(**{f"{prefix}response__local_authority__region__code": self.region})
        if self.authority_type:
            q &= Q(**{f"{prefix}response__local_authority__type": self.authority_type})
        return q


@dataclass(frozen=True)
class Statistics:
    """A survey's figures for one filter, as the public (or, with `reveal`, members) see them."""

    rates: ResponseRates
    distributions: list[Distribution]
    hidden: Hidden | None  # set: the filter's areas are too few, and nothing is shown
    #: When the latest submitted return counted last changed (None: nothing is counted).
    as_at: dt.datetime | None = None

    @property
    def notice(self) -> str:
        return self.hidden.notice() if self.hidden else ""


def survey_statistics(
    survey: Survey,
    questions: list[Question],
    returns: ReturnFilter = ReturnFilter(),
    *,
    reveal: bool = False,
    by_year: bool = False,
) -> Statistics:
    """Response rates and each closed or number question's answers among submitted returns
    (free text excluded), with every figure disclosure control hides left out, unless `reveal`
    (project members), which keeps them, marked. A fixed number of aggregate queries.
    With `by_year`, date questions are counted too, by year.

    The figures are as at the latest change to a return they count (of the filter's areas)."""
    cells: dict[Cell, int] = {}
    as_at: dt.datetime | None = None
    for row in (
        Response.objects.filter(survey=survey, status=ResponseStatus.SUBMITTED)
        .values("local_authority__region__code", "local_authority__type")
        .annotate(n=Count("id"), latest=Max("updated_at"))
    ):
        cell = (row["local_authority__region__code"], row["local_authority__type"])
        cells[cell] = row["n"]
        if returns.region in (ALL, cell[0]) and returns.authority_type in (ALL, cell[1]):
            as_at = max(as_at, row["latest"]) if as_at else row["latest"]
    returned = _with_margins(cells)
    relations = _relations(returned)
    hidden = disclosure.suppress(returned, relations)
    return Statistics(
        rates=_response_rates(survey, returns, hidden=hidden, reveal=reveal),
        distributions=_question_distributions(
            survey,
            questions,
            returns,
            returned_hidden=hidden,
            relations=relations,
            reveal=reveal,
            returned=returned.get(returns.cell, 0),
            by_year=by_year,
        ),
        hidden=hidden.get(returns.cell),
        as_at=as_at,
    )


def _with_margins(cells: dict[Cell, int]) -> dict[Cell, int]:
    """Counts by (region, type), with the totals of each region, each type and England."""
    counts: dict[Cell, int] = defaultdict(int)
    for (region, kind), n in cells.items():
        for cell in ((region, kind), (region, ALL), (ALL, kind), (ALL, ALL)):
            counts[cell] += n
    return dict(counts)


def _relations(counts: dict[Cell, int]) -> list[disclosure.Relation[Cell]]:
    regions = sorted({region for region, _ in counts if region != ALL})
    kinds = sorted({kind for _, kind in counts if kind != ALL})
    return disclosure.grid_relations(regions, kinds, every=ALL)


def _question_distributions(
    survey: Survey,
    questions: list[Question],
    returns: ReturnFilter,
    *,
    returned_hidden: dict[Cell, Hidden],
    relations: list[disclosure.Relation[Cell]],
    reveal: bool,
    returned: int = 0,
    by_year: bool = False,
) -> list[Distribution]:
    """Each closed, number or date question's answers among the filter's submitted returns
    (dates counted by year). Five queries, however many returns there are (a number question's
    quartiles need its numbers, one per area: a column of numbers, whatever the database).

    A question's figures are hidden where its returns are, and where the areas that answered
    it are too few (or would give such a figure away)."""
    kinds = (*CLOSED_KINDS, QuestionKind.NUMBER, *((DATE,) if by_year else ()))
    public = [q for q in questions if q.kind in kinds]
    # Only this survey's returns: the database then reads them by the (survey, status) index
    # rather than every survey's returns, whose answers the questions already rule out.
    mine = Q(response__survey=survey)
    answered_cells: dict[int, dict[Cell, int]] = defaultdict(dict)
    # A multiple-choice answer counts when a choice is ticked: looked up among the ticks of
    # this survey's multiple-choice questions only, not every tick of every survey.
    multiple = [q.pk for q in public if q.kind == QuestionKind.MULTIPLE_CHOICE]
    ticked = AnswerChoice.objects.filter(answer__question__in=multiple).values("answer_id")
    for row in (
        Answer.objects.filter(ReturnFilter().answers(), mine, question__in=public)
        .filter(~Q(question__in=multiple) | Q(pk__in=ticked))
        .exclude(question__kind=QuestionKind.NUMBER, number__isnull=True)
        .exclude(question__kind=DATE, date__isnull=True)
        .values(
            "question_id",
            "response__local_authority__region__code",
            "response__local_authority__type",
        )
        .annotate(n=Count("response_id", distinct=True))
    ):
        cell = (
            row["response__local_authority__region__code"],
            row["response__local_authority__type"],
        )
        answered_cells[row["question_id"]][cell] = row["n"]
    counts: dict[tuple[int, int], int] = {}
    for row in (
        Answer.objects.filter(returns.answers(), mine, question__in=public, choice__isnull=False)
        .values("question_id", "choice_id")
        .annotate(n=Count("id"))
    ):
        counts[(row["question_id"], row["choice_id"])] = row["n"]
    for row in (
        AnswerChoice.objects.filter(
            returns.prefixed("answer__"),
            answer__response__survey=survey,
            answer__question__in=public,
        )
        .values("answer__question_id", "choice_id")
        .annotate(n=Count("id"))
    ):
        counts[(row["answer__question_id"], row["choice_id"])] = row["n"]
    years: dict[int, dict[int, int]] = defaultdict(dict)
    for row in (
        Answer.objects.filter(returns.answers(), mine, question__in=public, date__isnull=False)
        .annotate(year=ExtractYear("date"))
        .values("question_id", "year")
        .annotate(n=Count("id"))
    ):
        years[row["question_id"]][row["year"]] = row["n"]
    numbers: dict[int, list[Decimal]] = defaultdict(list)
    for question_id, number in Answer.objects.filter(
        returns.answers(), mine, question__in=public, number__isnull=False
    ).values_list("question_id", "number"):
        if number is not None:  # never: filtered out above
            numbers[question_id].append(number)
    distributions = []
    for question in public:
        answered = _with_margins(answered_cells[question.pk])
        hidden = disclosure.suppress(answered, relations, hidden=returned_hidden).get(returns.cell)
        base = answered.get(returns.cell, 0)
        distribution = Distribution(
            question=question, answered=base, hidden=hidden, returned=returned
        )
        if hidden and not reveal:
            distribution.answered = None
        elif question.kind == QuestionKind.NUMBER:
            given = sorted(numbers.get(question.pk, []))
            if given:
                mean = sum(given, Decimal(0)) / len(given)
                distribution.mean = mean.quantize(Decimal("0.1"), ROUND_HALF_UP)
                if reveal or len(given) >= disclosure.min_areas():
                    distribution.quartiles = quartiles(given)
                if reveal:
                    distribution.minimum = given[0]
                    distribution.maximum = given[-1]
        elif question.kind == DATE:
            distribution.bars = [
                Bar(label=str(year), count=n, base=base)
                for year, n in sorted(years[question.pk].items())
            ]
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
