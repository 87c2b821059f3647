"""The survey's public pages: the list of surveys, and each survey's statistics.

Every figure comes from an aggregate query, so the page needs the same number of queries
however many returns there are. Free-text and per-area answers are never shown to the
public, nor figures over too few areas (`mash_survey.disclosure`); project members see
every figure, marked where the public do not; the map of one question's answers by area is
on a page of its own, for them only.

Each question's figures download as CSV, with the same figures hidden as on the page.
"""

from collections import defaultdict
from dataclasses import dataclass
from decimal import Decimal
from urllib.parse import urlencode

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.text import slugify

from areas.maps import (
    LegendItem,
    ShapeSpec,
    SvgMap,
    build_map_if_drawable,
    categorical_classes,
    sequential_classes,
)
from mash_survey.access import SAFE, member_required
from mash_survey.charts import BarChart, bar_chart
from mash_survey.disclosure import min_areas
from mash_survey.pagination import page_of
from mash_survey.roles import is_staff_member
from mash_survey.spreadsheets import Cell, attachment, write_csv

from .. import queries
from ..forms_statistics import AnswerMapForm, StatisticsFilterForm
from ..models import Question, QuestionKind, Survey

MAPPABLE_KINDS = (QuestionKind.YES_NO, QuestionKind.SINGLE_CHOICE)


def survey_index(request: HttpRequest) -> HttpResponse:
    # The key breaks ties between surveys sent the same day, so no survey is on two pages.
    page = page_of(request, queries.survey_list().order_by("-sent_on", "pk"))
    return render(request, "surveys/index.html", {"page": page, "surveys": page.object_list})


@dataclass(frozen=True)
class QuestionFigure:
    """A question's figures as the page prints them: a chart and table, or a number summary."""

    distribution: queries.Distribution
    chart: BarChart | None = None
    mean: str = ""
    lower_quartile: str = ""  # blank: over too few areas to publish
    median: str = ""
    upper_quartile: str = ""
    minimum: str = ""  # members only
    maximum: str = ""  # members only


def _number(value: Decimal | None) -> str:
    return "" if value is None else format(value.normalize(), ",f")


def _figure(distribution: queries.Distribution) -> QuestionFigure:
    question = distribution.question
    if question.kind == QuestionKind.NUMBER:
        cuts = distribution.quartiles
        return QuestionFigure(
            distribution=distribution,
            mean=_number(distribution.mean),
            lower_quartile=_number(cuts.lower) if cuts else "",
            median=_number(cuts.median) if cuts else "",
            upper_quartile=_number(cuts.upper) if cuts else "",
            minimum=_number(distribution.minimum),
            maximum=_number(distribution.maximum),
        )
    chart = None
    if distribution.answered:
        by_year = " by year" if question.kind == QuestionKind.DATE else ""
        chart = bar_chart(
            chart_id=f"chart-{question.code}",
            title=f"Bar chart of the answers to {question.code}{by_year}, as a percentage of "
            f"the {distribution.answered} areas that answered",
            items=[
                (bar.label, bar.percent, f"{bar.count} ({bar.percent:g}%)")
                for bar in distribution.bars
            ],
            maximum=100,
        )
    return QuestionFigure(distribution=distribution, chart=chart)


def _span(values: list[float]) -> str:
    low, high = min(values), max(values)
    return f"{low:g}%" if low == high else f"{low:g}% to {high:g}%"


def _region_map(rates: queries.ResponseRates) -> SvgMap | None:
    values = {rate.key: (rate.percent if rate.total else None) for rate in rates.by_region}
    css, legend = sequential_classes(values, unit="%")
    # Name each colour by the rates it holds ("73.3% to 78.6%"), not by band edges.
    held: dict[str, list[float]] = defaultdict(list)
    for key, value in values.items():
        if value is not None:
            held[css[key]].append(value)
    legend = [
        LegendItem(item.css_class, _span(held[item.css_class])) if held[item.css_class] else item
        for item in legend
    ]
    return build_map_if_drawable(
        layer="regions",
        title="Map of the response rate in each region",
        shapes={
            rate.key: ShapeSpec(
                href=rate.href,
                css_class=css[rate.key],
                value_label=_rate_label(rate),
            )
            for rate in rates.by_region
        },
        legend=legend,
        map_id="regions-map",
    )


def _rate_label(rate: queries.Rate) -> str:
    if not rate.total:
        return "no areas in the filter"
    if rate.percent is None:
        return f"{rate.hidden.short() if rate.hidden else 'Not shown'} of {rate.total} areas"
    label = f"{rate.percent:g}% ({rate.returned} of {rate.total} areas)"
    return f"{label}, not published" if rate.hidden else label


def _answer_map(
    survey: Survey, question: Question, rows: list[queries.AreaAnswer]
) -> SvgMap | None:
    css, legend = categorical_classes(
        {row.local_authority.gss_code: row.answer for row in rows},
        order=[choice.value for choice in question.choices.all()],
    )
    return build_map_if_drawable(
        layer="authorities",
        title=f"Map of the answers to {question.code} in each local authority",
        shapes={
            row.local_authority.gss_code: ShapeSpec(
                href=reverse(
                    "surveys:return_detail",
                    kwargs={"slug": survey.slug, "area": row.local_authority.slug},
                ),
                css_class=css[row.local_authority.gss_code],
                value_label=row.answer or "No data",
            )
            for row in rows
        },
        legend=legend,
        show_labels=False,
        map_id="answers-map",
    )


def _statistics(
    request: HttpRequest, survey: Survey, questions: list[Question]
) -> tuple[StatisticsFilterForm, queries.ReturnFilter, queries.Statistics]:
    """The figures the request's filter asks for, as the user may see them."""
    filter_form = StatisticsFilterForm(request.GET, regions=queries.region_choices())
    returns = filter_form.returns()
    statistics = queries.survey_statistics(
        survey, questions, returns, reveal=is_staff_member(request.user), by_year=True
    )
    return filter_form, returns, statistics


def _filter_params(returns: queries.ReturnFilter) -> list[tuple[str, str]]:
    return [
        (name, value)
        for name, value in (("region", returns.region), ("type", returns.authority_type))
        if value
    ]


def survey_statistics(request: HttpRequest, slug: str) -> HttpResponse:
    survey = queries.survey_detail(slug=slug)
    questions = queries.survey_questions(survey)
    filter_form, returns, statistics = _statistics(request, survey, questions)
    rates = statistics.rates
    context = {
        "survey": survey,
        "filter_form": filter_form,
        "filtered_by": filter_form.describe(returns) if returns.is_filtered else None,
        "not_shown": statistics.notice,
        "min_areas": min_areas(),
        "as_at": statistics.as_at,
        "rates": rates,
        "region_rates": [rate for rate in rates.by_region if rate.total],
        "region_map": _region_map(rates),
        "figures": [_figure(d) for d in statistics.distributions],
        "free_text_count": sum(q.kind == QuestionKind.FREE_TEXT for q in questions),
        "has_sections": any(q.section for q in questions),
        "filter_query": urlencode(_filter_params(returns)),
        "is_member": is_staff_member(request.user),
    }
    return render(request, "surveys/stats/detail.html", context)


def question_csv(request: HttpRequest, slug: str, code: str) -> HttpResponse:
    """One question's figures, as on the statistics page (same filter, same figures hidden)."""
    survey = queries.survey_detail(slug=slug)
    questions = queries.survey_questions(survey)
    filter_form, returns, statistics = _statistics(request, survey, questions)
    figure = next((_figure(d) for d in statistics.distributions if d.question.code == code), None)
    if figure is None:
        raise Http404("No figures are published for this question")
    rows = _csv_rows(figure, statistics, filter_form.describe(returns))
    # Public figures, hidden as on the page: not an audit event.
    return attachment(write_csv(rows), "csv", f"{survey.slug}-{slugify(code)}", audited=None)


def _csv_rows(
    figure: QuestionFigure, statistics: queries.Statistics, filtered_by: dict[str, str]
) -> list[list[Cell]]:
    d = figure.distribution
    q = d.question
    rows: list[list[Cell]] = [
        ["Question", f"{q.code}. {q.text}"],
        ["Areas", _filter_words(filtered_by)],
    ]
    hidden = d.hidden or statistics.hidden
    if d.answered is None:  # hidden from this user
        rows.append(["Not shown", hidden.notice() if hidden else "Not shown"])
        return rows
    if hidden:  # members: shown, marked
        rows.append(["Not published", f"{hidden.notice()} to the public"])
    rows += [
        ["Figures as at", statistics.as_at.date() if statistics.as_at else None],
        ["Submitted returns", d.returned],
        ["Areas that answered", d.answered],
        ["Areas that did not answer", d.not_answered],
        [],
    ]
    if q.kind == QuestionKind.NUMBER:
        rows.append(["Statistic", "Value"])
        rows.append(["Mean (average)", figure.mean])
        if figure.median:
            rows += [
                ["Lower quartile", figure.lower_quartile],
                ["Median", figure.median],
                ["Upper quartile", figure.upper_quartile],
            ]
        if figure.minimum:
            rows += [
                ["Lowest (members only)", figure.minimum],
                ["Highest (members only)", figure.maximum],
            ]
        return rows
    rows.append(["Year" if q.kind == QuestionKind.DATE else "Answer", "Areas", "Percent"])
    rows += [[bar.label, bar.count, f"{bar.percent:g}"] for bar in d.bars]
    return rows


def _filter_words(filtered_by: dict[str, str]) -> str:
    if not any(filtered_by.values()):
        return "Every area in England"
    words = ["Areas"]
    if filtered_by["region"]:
        words.append(f"in {filtered_by['region']}")
    if filtered_by["type"]:
        words.append(f"of type {filtered_by['type']}")
    return " ".join(words)


@member_required(methods=SAFE)
def answers_by_area(request: HttpRequest, slug: str) -> HttpResponse:
    """For project members: one yes/no or single-choice question's answer in each area, on a
    map and in a table. Answers by area are never published."""
    survey = queries.survey_detail(slug=slug)
    questions = queries.survey_questions(survey)
    filter_form = StatisticsFilterForm(request.GET, regions=queries.region_choices())
    returns = filter_form.returns()
    map_form = AnswerMapForm(
        request.GET, questions=[q for q in questions if q.kind in MAPPABLE_KINDS]
    )
    question = map_form.question()
    rows = queries.area_answers(survey, question, returns) if question else []
    return render(
        request,
        "surveys/stats/answers_by_area.html",
        {
            "survey": survey,
            "filter_form": filter_form,
            "filtered_by": filter_form.describe(returns) if returns.is_filtered else None,
            "map_form": map_form,
            "mapped_question": question,
            "area_answers": rows,
            "answer_map": _answer_map(survey, question, rows) if question else None,
        },
    )
