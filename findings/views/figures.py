"""The figures: every figure for project staff on one page, and each figure's public "how
this was calculated" page with its chart, table and API link."""

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render

from mash_survey.access import member_required
from mash_survey.disclosure import min_areas

from .. import figures
from ..shortcodes import figure_display


@member_required
def figure_list(request: HttpRequest) -> HttpResponse:
    with figures.computed_together():
        displays = [figure_display(figure) for figure in figures.figure_list()]
    return render(
        request, "findings/figures/index.html", {"displays": displays, "min_areas": min_areas()}
    )


def figure_detail(request: HttpRequest, key: str) -> HttpResponse:
    try:
        figure = figures.figure_get(key)
    except figures.FigureError as exc:
        raise Http404(str(exc)) from exc
    return render(
        request,
        "findings/figures/detail.html",
        {"display": figure_display(figure), "min_areas": min_areas()},
    )
