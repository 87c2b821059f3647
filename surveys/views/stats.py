"""The survey's public pages: the list of surveys, and each survey's statistics.

Every figure comes from an aggregate query, so the page needs the same number of queries
however many returns there are. Free-text and per-area answers are never shown to the
public, nor figures over too few areas (`mash_survey.disclosure`); project members see
every figure, marked where the public do not, and a map of one question's answers by area.
"""

from collections import defaultdict
from dataclasses import dataclass
from decimal import Decimal

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse

from areas.maps import (
    LegendItem,
    ShapeSpec,
    SvgMap,
    build_map_if_drawable,
    categorical_classes,
    sequential_classes,
)
from mash_survey.charts import BarChart, bar_chart
from mash_survey.disclosure import min_areas
from mash_survey.roles import is_staff_member

from .. import queries
from ..forms_statistics import AnswerMapForm, StatisticsFilterForm
from ..models import Question, QuestionKind, Survey

MAPPABLE_KINDS = (QuestionKind.YES_NO, QuestionKind.SINGLE_CHOICE)


def survey_index(request: HttpRequest) -> HttpResponse:
    return render(request, "surveys/index.html", {"surveys": list(queries.survey_list())})


@dataclass(frozen=True)
class QuestionFigure:
    """A question's figures as the page prints them: a chart and table, or a number summary."""

    distribution: queries.Distribution
    chart: BarChart | None = None
    mean: str = ""
    minimum: str = ""  # members only
    maximum: str = ""  # members only


def _number(value: Decimal | None) -> str:
    return "" if value is None else format(value.normalize(), ",f")


def _figure(distribution: queries.Distribution) -> QuestionFigure:
    question = distribution.question
    if question.kind == QuestionKind.NUMBER:
        return QuestionFigure(
            distribution=distribution,
            mean=_number(distribution.mean),
            minimum=_number(distribution.minimum),
            maximum=_number(distribution.maximum),
        )
    chart = None
    if distribution.answered:
        chart = bar_chart(
            chart_id=f"chart-{question.code}",
            title=f"Bar chart of the answers to {question.code}, as a percentage of the "
            f"{distribution.answered} areas that answered",
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


def survey_statistics(request: HttpRequest, slug: str) -> HttpResponse:
    survey = queries.survey_detail(slug=slug)
    questions = queries.survey_questions(survey)
    filter_form = StatisticsFilterForm(request.GET, regions=queries.region_choices())
    returns = filter_form.returns()
    is_member = is_staff_member(request.user)
    statistics = queries.survey_statistics(survey, questions, returns, reveal=is_member)
    rates = statistics.rates
    figures = [_figure(d) for d in statistics.distributions]
    context = {
        "survey": survey,
        "filter_form": filter_form,
        "filtered_by": filter_form.describe(returns) if returns.is_filtered else None,
        "not_shown": statistics.notice,
        "min_areas": min_areas(),
        "rates": rates,
        "region_rates": [rate for rate in rates.by_region if rate.total],
        "region_map": _region_map(rates),
        "figures": figures,
        "free_text_count": sum(q.kind == QuestionKind.FREE_TEXT for q in questions),
        "has_sections": any(q.section for q in questions),
        "filter_params": [
            (name, value)
            for name, value in (("region", returns.region), ("type", returns.authority_type))
            if value
        ],
        "is_member": False,
    }
    if is_member:
        map_form = AnswerMapForm(
            request.GET, questions=[q for q in questions if q.kind in MAPPABLE_KINDS]
        )
        question = map_form.question()
        rows = queries.area_answers(survey, question, returns) if question else []
        context.update(
            is_member=True,
            map_form=map_form,
            mapped_question=question,
            area_answers=rows,
            answer_map=_answer_map(survey, question, rows) if question else None,
        )
    return render(request, "surveys/stats/detail.html", context)
