"""Named figures: every number the findings report prints, computed by aggregate queries.

A `Figure` has a stable key (`visits-by-region`), a title, a unit, a source note and a
description of how it is calculated; `compute()` returns a `FigureResult`: a table of rows
(a label and one value per column; the first value, or `chart_column`, is the one charted),
the base it is out of where one applies, and a one-sentence text alternative. Pages, the
API and report text (`findings/shortcodes.py`) all read figures from here, so a number is
computed once and never typed by hand.

Public figures broken down by region, model or kind pass through `mash_survey.disclosure`:
a row over too few areas has no values (`hidden` says why). The survey figures come from
the survey's own statistics (`surveys.queries.survey_statistics`), which already do this.
Evidence counts are counts of areas themselves, shown as the public theme pages show them.

`question:<CODE>` figures are the distribution of a closed question of the current survey
(the one sent most recently).

Figures computed inside `computed_together()` (a list of them: the API, the staff page, a
report's text, an edition's snapshot) share what several of them read: the current survey's
statistics, the areas visited and the codebook are read once, not once a figure.
"""

import contextvars
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any, TypeVar

from django.db.models import Avg, Count, OuterRef, Q

from areas.models import Region
from mash_survey import disclosure
from mash_survey.aggregates import subquery_count
from mash_survey.disclosure import Hidden
from surveys import queries as survey_queries
from surveys.models import CLOSED_KINDS, Question, Survey
from visits.models import (
    AgencyInvolvement,
    DetailedFeedback,
    Involvement,
    ModelSeen,
    ReviewStatus,
    Visit,
)

from . import queries, reports
from .models import Theme

Value = int | float | None
QUESTION_PREFIX = "question:"
ENGLAND = "E92000001"
T = TypeVar("T")

_shared: contextvars.ContextVar[dict[str, Any] | None] = contextvars.ContextVar(
    "figures_shared", default=None
)


@contextmanager
def computed_together() -> Iterator[None]:
    """Figures computed in this block read what they share once: 10 queries for the survey's
    statistics, not 10 for each of its questions' figures."""
    token = _shared.set({})
    try:
        yield
    finally:
        _shared.reset(token)


def _once(name: str, read: Callable[[], T]) -> T:
    """`read()`, or inside `computed_together()` what it gave the first time it was asked."""
    shared = _shared.get()
    if shared is None:
        return read()
    if name not in shared:
        shared[name] = read()
    value: T = shared[name]
    return value


class FigureError(Exception):
    """A figure that cannot be shown; `str(exc)` names it and says why."""


class UnknownFigureError(FigureError):
    def __init__(self, key: str) -> None:
        super().__init__(f"There is no figure called “{key}”. Check the key on the figures page.")
        self.key = key


@dataclass(frozen=True)
class FigureRow:
    label: str
    values: tuple[Value, ...]  # one a column; all None when hidden
    key: str = ""  # a region's ONS code, for the map
    hidden: Hidden | None = None


@dataclass(frozen=True)
class FigureResult:
    columns: tuple[str, ...]
    rows: tuple[FigureRow, ...]
    text: str  # one sentence: the text alternative of the chart
    base: int | None = None  # what the figure is out of, where that applies
    base_label: str = ""
    headline: Value = None  # the single number `{{ number KEY }}` prints


@dataclass(frozen=True)
class Figure:
    key: str
    title: str
    unit: str
    source: str
    description: str
    calculate: Callable[["Figure"], FigureResult] = field(repr=False)
    chart_column: int = 0
    by_region: bool = False
    percent: bool = False  # values in the chart column are percentages

    @property
    def is_from_visits(self) -> bool:
        """Drawn from the visits (their records, feedback or coded evidence) rather than the
        survey's returns: an early finding, the views of the areas visited."""
        return self.source in (VISITS_SOURCE, FEEDBACK_SOURCE, EVIDENCE_SOURCE)

    @property
    def has_headline(self) -> bool:
        return self.key in HEADLINES

    def compute(self) -> FigureResult:
        """The figure's current values; FigureError (naming the key) if they cannot be had."""
        try:
            return self.calculate(self)
        except FigureError:
            raise
        except Exception as exc:  # any failure is shown to staff by key, never as a blank
            raise FigureError(f"The figure “{self.key}” could not be computed: {exc}") from exc

    def format(self, value: Value) -> str:
        if value is None:
            return ""
        if isinstance(value, float):
            text = f"{value:,.1f}".rstrip("0").rstrip(".")
            return f"{text}%" if self.percent else text
        return f"{value:,}"


def _sentence(figure: Figure, rows: Sequence[FigureRow], columns: Sequence[str]) -> str:
    column = figure.chart_column
    parts = [
        f"{row.label} {figure.format(row.values[column])}"
        if row.hidden is None
        else f"{row.label} not shown ({row.hidden.short().lower()} areas)"
        if row.hidden == Hidden.FEW_AREAS
        else f"{row.label} not shown"
        for row in rows
    ]
    listed = "; ".join(parts) if parts else "no data yet"
    return f"{figure.title} ({columns[column].lower()}): {listed}."


def _result(
    figure: Figure,
    columns: Sequence[str],
    rows: Sequence[FigureRow],
    *,
    base: int | None = None,
    base_label: str = "",
    headline: Value = None,
) -> FigureResult:
    return FigureResult(
        columns=tuple(columns),
        rows=tuple(rows),
        text=_sentence(figure, rows, columns),
        base=base,
        base_label=base_label,
        headline=headline,
    )


def _suppressed(
    rows: Sequence[tuple[str, str, tuple[Value, ...], int]], *, total_areas: int | None
) -> list[FigureRow]:
    """Rows of (key, label, values, areas) with disclosure control: with `total_areas`, the
    rows are parts of that total (secondary suppression too); without, only rows over too few
    areas are hidden."""
    counts = {key: areas for key, _, _, areas in rows}
    if total_areas is None:
        hidden = disclosure.suppress(counts, [])
    else:
        hidden = disclosure.suppress_breakdown(total_areas, counts, "")
    return [
        FigureRow(
            label=label,
            values=tuple(None for _ in values) if key in hidden else values,
            key=key,
            hidden=hidden.get(key),
        )
        for key, label, values, _ in rows
    ]


# ----- Visits -------------------------------------------------------------------------

APPROVED = Q(status=ReviewStatus.APPROVED)


def _visits_by_region(figure: Figure) -> FigureResult:
    regions = list(
        Region.objects.annotate(
            # Each its own subquery: joined, every visit would be counted once per area.
            visit_count=subquery_count(Visit.objects.filter(APPROVED, region=OuterRef("pk"))),
            area_count=subquery_count(
                Visit.objects.filter(APPROVED, region=OuterRef("pk")),
                "local_authorities",
                distinct=True,
            ),
        ).order_by("name")
    )
    total_areas = _areas_visited()
    total = sum(r.visit_count for r in regions)
    rows = _suppressed(
        [(r.code, r.name, (r.visit_count, r.area_count), r.area_count) for r in regions],
        total_areas=total_areas,
    )
    return _result(
        figure,
        ("Approved visits", "Areas visited"),
        rows,
        base=total,
        base_label="approved visits",
        headline=total,
    )


def _models_seen(figure: Figure) -> FigureResult:
    counts = {
        row["model_seen"]: row
        for row in Visit.objects.filter(APPROVED)
        .values("model_seen")
        .annotate(
            visits=Count("id", distinct=True), areas=Count("local_authorities", distinct=True)
        )
        .order_by()
    }
    rows = _suppressed(
        [
            (
                value,
                label,
                (counts.get(value, {}).get("visits", 0),),
                counts.get(value, {}).get("areas", 0),
            )
            for value, label in ModelSeen.choices
        ],
        total_areas=_areas_visited(),
    )
    total = sum(row.get("visits", 0) for row in counts.values())
    return _result(figure, ("Approved visits",), rows, base=total, base_label="approved visits")


def _agency_involvement(figure: Figure) -> FigureResult:
    approved = Q(visit__status=ReviewStatus.APPROVED)
    counts = {
        row["involvement"]: row
        for row in AgencyInvolvement.objects.filter(approved)
        .values("involvement")
        .annotate(
            # distinct: the join to the visit's areas repeats an agency once per area.
            agencies=Count("id", distinct=True),
            visits=Count("visit", distinct=True),
            areas=Count("visit__local_authorities", distinct=True),
        )
        .order_by()
    }
    rows = _suppressed(
        [
            (
                value,
                label,
                (counts.get(value, {}).get("agencies", 0), counts.get(value, {}).get("visits", 0)),
                counts.get(value, {}).get("areas", 0),
            )
            for value, label in Involvement.choices
        ],
        total_areas=None,
    )
    total = sum(row.get("agencies", 0) for row in counts.values())
    return _result(
        figure,
        ("Agencies", "Visits"),
        rows,
        base=total,
        base_label="agencies recorded on approved visits",
    )


# ----- Detailed feedback -----------------------------------------------------------------

FEEDBACK = Q(status=ReviewStatus.APPROVED, visit__status=ReviewStatus.APPROVED)


def _means(
    figure: Figure, fields: Sequence[tuple[str, str]], column: str
) -> tuple[FigureResult, int]:
    """The mean of each field over the approved feedback that gives it, and how many give it."""
    aggregates: dict[str, Any] = {}
    for name, _ in fields:
        aggregates[f"{name}_mean"] = Avg(name)
        aggregates[f"{name}_n"] = Count("id", filter=Q(**{f"{name}__isnull": False}))
    aggregates["all"] = Count("id")
    got = DetailedFeedback.objects.filter(FEEDBACK).aggregate(**aggregates)
    rows = _suppressed(
        [
            (
                name,
                label,
                (
                    None if got[f"{name}_mean"] is None else round(float(got[f"{name}_mean"]), 1),
                    got[f"{name}_n"],
                ),
                got[f"{name}_n"],
            )
            for name, label in fields
        ],
        total_areas=None,
    )
    return (
        _result(
            figure,
            (column, "Feedback records"),
            rows,
            base=got["all"],
            base_label="approved feedback records",
        ),
        got["all"],
    )


def _rag_timescales(figure: Figure) -> FigureResult:
    return _means(
        figure,
        [
            ("red_hours", "Red"),
            ("amber_hours", "Amber"),
            ("green_hours", "Green"),
            ("blue_hours", "Blue"),
        ],
        "Mean hours to complete checks",
    )[0]


def _referral_volumes(figure: Figure) -> FigureResult:
    return _means(
        figure,
        [("monthly_contacts", "Contacts a month"), ("monthly_referrals", "Referrals a month")],
        "Mean a month",
    )[0]


# ----- Survey ---------------------------------------------------------------------------


def current_survey() -> Survey:
    survey = _once("current survey", Survey.objects.order_by("-sent_on", "-pk").first)
    if survey is None:
        raise FigureError("There is no survey yet, so the survey figures cannot be computed.")
    return survey


def _statistics() -> tuple[Survey, survey_queries.Statistics]:
    def read() -> tuple[Survey, survey_queries.Statistics]:
        survey = current_survey()
        questions = survey_queries.survey_questions(survey)
        return survey, survey_queries.survey_statistics(survey, questions)

    return _once("statistics", read)


def _areas_visited() -> int:
    return _once("areas visited", queries.areas_visited)


def _main_themes() -> list[Theme]:
    def read() -> list[Theme]:
        return [t for t in queries.codebook(include_retired=False) if t.parent_id is None]

    return _once("main themes", read)


def _rate_row(rate: survey_queries.Rate) -> FigureRow:
    if rate.returned is None:
        return FigureRow(rate.name, (None, None, None), key=rate.key, hidden=rate.hidden)
    return FigureRow(rate.name, (rate.percent, rate.returned, rate.total), key=rate.key)


RATE_COLUMNS = ("Response rate", "Returns", "Areas")


def _response_rate(figure: Figure) -> FigureResult:
    _, statistics = _statistics()
    overall = statistics.rates.overall
    row = _rate_row(overall)
    return _result(
        figure,
        RATE_COLUMNS,
        [row],
        base=overall.total,
        base_label="areas",
        headline=overall.percent,
    )


def _response_rate_by_region(figure: Figure) -> FigureResult:
    _, statistics = _statistics()
    rows = [_rate_row(rate) for rate in statistics.rates.by_region if rate.total]
    return _result(
        figure,
        RATE_COLUMNS,
        sorted(rows, key=lambda r: r.label),
        base=statistics.rates.overall.total,
        base_label="areas",
    )


def _question(code: str) -> Callable[[Figure], FigureResult]:
    def calculate(figure: Figure) -> FigureResult:
        _, statistics = _statistics()
        for distribution in statistics.distributions:
            if distribution.question.code == code:
                break
        else:
            raise UnknownFigureError(figure.key)
        if distribution.answered is None:
            rows = [
                FigureRow(bar.label, (None, None), hidden=distribution.hidden)
                for bar in distribution.bars
            ] or [FigureRow("All answers", (None, None), hidden=distribution.hidden)]
        else:
            rows = [FigureRow(bar.label, (bar.percent, bar.count)) for bar in distribution.bars]
        return _result(
            figure,
            ("Percentage of areas that answered", "Areas"),
            rows,
            base=distribution.answered,
            base_label="areas that answered",
        )

    return calculate


def question_figure(survey: Survey, question: Question) -> Figure:
    """The figure of a closed question of the current survey."""
    code = question.code
    return Figure(
        key=f"{QUESTION_PREFIX}{code}",
        title=f"{code}: {question.text}",
        unit="percentage of areas that answered",
        source=f"{survey.title}, submitted returns.",
        description=(
            "Each answer's share of the areas that answered the question. In a question "
            "allowing more than one answer, the percentages can add up to more than 100."
        ),
        calculate=_question(code),
        percent=True,
    )


# ----- Evidence --------------------------------------------------------------------------


def _evidence_by_theme(figure: Figure) -> FigureResult:
    themes = _main_themes()
    rows = [
        FigureRow(t.name, (t.area_count, t.visit_count), key=t.slug)  # type: ignore[attr-defined]
        for t in themes
    ]
    return _result(
        figure,
        ("Areas", "Visits"),
        rows,
        base=_areas_visited(),
        base_label="areas visited",
    )


def _theme_by_model(figure: Figure) -> FigureResult:
    themes = _main_themes()
    report = reports.models_report(themes)
    columns = [h.removesuffix("|numeric") for h in report.headings[1:]]
    rows = [FigureRow(row.label, tuple(int(c) for c in row.cells)) for row in report.rows]
    return _result(figure, columns, rows)


# ----- The registry ----------------------------------------------------------------------

VISITS_SOURCE = "Approved visit records."
FEEDBACK_SOURCE = "Approved detailed feedback on approved visits."
EVIDENCE_SOURCE = "Excerpts coded to the codebook's active main themes."

FIGURES: dict[str, Figure] = {
    figure.key: figure
    for figure in [
        Figure(
            key="visits-by-region",
            title="Visits by region",
            unit="approved visits",
            source=VISITS_SOURCE,
            description="The approved visits in each region, and the distinct areas (local "
            "authorities) they went to.",
            calculate=_visits_by_region,
            by_region=True,
        ),
        Figure(
            key="models-seen",
            title="Models seen on the visits",
            unit="approved visits",
            source=VISITS_SOURCE,
            description="The approved visits by the model of multi-agency working seen.",
            calculate=_models_seen,
        ),
        Figure(
            key="agency-involvement",
            title="How agencies were involved",
            unit="agencies",
            source=VISITS_SOURCE,
            description="Each agency recorded on an approved visit, by how it was involved: "
            "co-located, virtual or linked, or not involved; and the visits recording each.",
            calculate=_agency_involvement,
        ),
        Figure(
            key="survey-response-rate",
            title="Survey response rate",
            unit="percentage of areas",
            source="The current survey, submitted returns.",
            description="Submitted returns as a percentage of the local authorities in England.",
            calculate=_response_rate,
            percent=True,
        ),
        Figure(
            key="survey-response-rate-by-region",
            title="Survey response rate by region",
            unit="percentage of areas",
            source="The current survey, submitted returns.",
            description="Submitted returns as a percentage of the local authorities in each "
            "region.",
            calculate=_response_rate_by_region,
            by_region=True,
            percent=True,
        ),
        Figure(
            key="rag-timescales",
            title="RAG timescales",
            unit="hours",
            source=FEEDBACK_SOURCE,
            description="The mean hours to complete checks at each rating, over the feedback "
            "records that give one.",
            calculate=_rag_timescales,
        ),
        Figure(
            key="referral-volumes",
            title="Contacts and referrals a month",
            unit="a month",
            source=FEEDBACK_SOURCE,
            description="The mean contacts and referrals a month, over the feedback records "
            "that give them.",
            calculate=_referral_volumes,
        ),
        Figure(
            key="evidence-by-theme",
            title="Evidence by theme",
            unit="areas",
            source=EVIDENCE_SOURCE,
            description="The distinct areas and visits each theme's coded excerpts come from, "
            "each counted once however many excerpts name it.",
            calculate=_evidence_by_theme,
        ),
        Figure(
            key="theme-by-model",
            title="Themes by model seen",
            unit="areas",
            source=EVIDENCE_SOURCE,
            description="The distinct areas with each model seen that each theme's coded "
            "excerpts come from. Survey answers have no model seen.",
            calculate=_theme_by_model,
            chart_column=len(reports.MODEL_COLUMNS),  # the "All" column
        ),
    ]
}

#: The figures with one headline number for `{{ number KEY }}`, and what it is.
HEADLINES: dict[str, str] = {
    "visits-by-region": "approved visits in all",
    "survey-response-rate": "the response rate in England",
}


def figure_get(key: str) -> Figure:
    """A figure by its key (UnknownFigureError if there is none)."""
    if key.startswith(QUESTION_PREFIX):
        survey = current_survey()
        code = key.removeprefix(QUESTION_PREFIX)
        question = survey.questions.filter(code=code, kind__in=CLOSED_KINDS).first()
        if question is None:
            raise UnknownFigureError(key)
        return question_figure(survey, question)
    if key not in FIGURES:
        raise UnknownFigureError(key)
    return FIGURES[key]


def figure_list() -> list[Figure]:
    """Every figure: the fixed ones, then one per closed question of the current survey."""
    survey = Survey.objects.order_by("-sent_on", "-pk").first()
    questions = (
        list(survey.questions.filter(kind__in=CLOSED_KINDS).order_by("order")) if survey else []
    )
    return [*FIGURES.values(), *(question_figure(survey, q) for q in questions if survey)]


def headline_number(figure: Figure) -> str:
    """The figure's one number as printed (FigureError if it has none or cannot compute)."""
    key = figure.key
    if not figure.has_headline:
        raise FigureError(
            f"The figure “{key}” has no single number. Use {{{{ figure {key} }}}} instead."
        )
    return figure.format(figure.compute().headline)
