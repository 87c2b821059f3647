"""Figures in pages and report text: each figure drawn as a chart, table and (by region) map,
and Markdown with figure shortcodes.

Report text writes no number by hand. Two shortcodes take a figure's key
(`findings/figures.py`; the staff page /findings/figures/ lists them):

- `{{ figure visits-by-region }}` on a line of its own: the figure's chart, table and text
  alternative, with links to how it was calculated and to its API URL.
- `{{ number survey-response-rate }}` inside a sentence: the figure's one headline number
  (`figures.HEADLINES` says which figures have one), linked to how it was calculated.

`render_with_shortcodes()` renders the text through the project's Markdown sanitiser
(`mash_survey.markdown`) with each shortcode replaced by a placeholder, then puts the
figure's HTML (from our own templates, not the author's text) in its place. An unknown key,
a figure without a headline number, or one that fails to compute raises `FigureError`
naming the key, so staff see the problem and the text is never shown with a blank.
"""

import re
import secrets
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlencode

from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.html import format_html
from django.utils.safestring import SafeString, mark_safe

from areas.maps import ShapeSpec, SvgMap, build_map_if_drawable, sequential_classes
from mash_survey.charts import BarChart, bar_chart
from mash_survey.markdown import render_markdown

from . import figures
from .editions import snapshot
from .figures import Figure, FigureError, FigureResult

SHORTCODE = re.compile(r"\{\{\s*(figure|number)\s+([^\s{}]+)\s*\}\}")


@dataclass(frozen=True)
class FigureDisplay:
    """A figure as a page draws it: its values, chart and map, or the error computing it."""

    figure: Figure
    result: FigureResult | None = None
    chart: BarChart | None = None
    map: SvgMap | None = None
    error: str = ""
    edition: str = ""  # a published edition's slug: its frozen values, in the API too

    @property
    def lines(self) -> list[tuple[str, list[str], str]]:
        """Each row: its label, its values as printed, and why it is hidden ("" if shown)."""
        if self.result is None:
            return []
        return [
            (
                row.label,
                [self.figure.format(v) for v in row.values],
                row.hidden.short() if row.hidden else "",
            )
            for row in self.result.rows
        ]

    @property
    def page_url(self) -> str:
        return reverse("findings:figure", kwargs={"key": self.figure.key})

    @property
    def api_url(self) -> str:
        url = reverse("api:figure-detail", kwargs={"key": self.figure.key})
        return f"{url}?{urlencode({'edition': self.edition})}" if self.edition else url

    @property
    def dom_id(self) -> str:
        return "figure-" + re.sub(r"[^a-z0-9-]", "-", self.figure.key.lower())


def figure_display(figure: Figure, *, edition: str = "") -> FigureDisplay:
    """Compute the figure and draw it; a failure is kept as its message, for staff pages.
    `edition` is the slug of the edition whose frozen values `figure` carries."""
    try:
        result = figure.compute()
    except FigureError as exc:
        return FigureDisplay(figure=figure, error=str(exc), edition=edition)
    display = FigureDisplay(figure=figure, result=result, edition=edition)
    return FigureDisplay(
        figure=figure,
        result=result,
        chart=_chart(display, result),
        map=_map(display, result) if figure.by_region else None,
        edition=edition,
    )


def _chart(display: FigureDisplay, result: FigureResult) -> BarChart | None:
    figure = display.figure
    column = figure.chart_column
    shown = [row for row in result.rows if row.values[column] is not None]
    if not shown:
        return None
    return bar_chart(
        chart_id=f"{display.dom_id}-chart",
        title=f"Bar chart: {figure.title}, {result.columns[column].lower()}",
        items=[
            (row.label, float(row.values[column] or 0), figure.format(row.values[column]))
            for row in shown
        ],
        maximum=100 if figure.percent else None,
    )


def _map(display: FigureDisplay, result: FigureResult) -> SvgMap | None:
    figure = display.figure
    column = figure.chart_column
    values = {
        row.key: None if row.values[column] is None else float(row.values[column] or 0)
        for row in result.rows
    }
    css, legend = sequential_classes(values, unit="%" if figure.percent else "")
    return build_map_if_drawable(
        layer="regions",
        title=f"Map: {figure.title}, {result.columns[column].lower()}",
        shapes={
            row.key: ShapeSpec(
                css_class=css[row.key],
                value_label=figure.format(row.values[column])
                if row.hidden is None
                else row.hidden.short(),
            )
            for row in result.rows
        },
        legend=legend,
        map_id=f"{display.dom_id}-map",
    )


def render_figure(figure: Figure, *, edition: str = "") -> SafeString:
    """The figure's chart, table and text alternative as HTML (FigureError if it fails)."""
    display = figure_display(figure, edition=edition)
    if display.error:
        raise FigureError(display.error)
    return mark_safe(  # noqa: S308 (our own template, autoescaped)
        render_to_string("findings/figures/_figure.html", {"display": display, "embedded": True})
    )


def render_number(figure: Figure) -> SafeString:
    """The figure's headline number, linked to how it was calculated."""
    number = figures.headline_number(figure)
    key = figure.key
    return format_html(
        '<a class="govuk-link" href="{}">{}</a>',
        reverse("findings:figure", kwargs={"key": key}),
        number,
    )


def render_with_shortcodes(
    text: str, *, frozen: Mapping[str, Any] | None = None, edition: str = ""
) -> SafeString:
    """Markdown with `{{ figure KEY }}` and `{{ number KEY }}` as sanitised HTML with the
    figures in place. FigureError for an unknown key or a figure that fails to compute.

    With `frozen` (a snapshot's "figures" and "figure_errors", `findings.editions.snapshot`)
    the figures are drawn from those values, not computed, and `edition` (its slug) goes in
    their API links."""
    token = "mashfig" + secrets.token_hex(8)
    pieces: list[SafeString] = []

    def get(key: str) -> Figure:
        if frozen is None:
            return figures.figure_get(key)
        if key in frozen["figure_errors"]:
            raise FigureError(frozen["figure_errors"][key])
        if key not in frozen["figures"]:
            raise figures.UnknownFigureError(key)
        return snapshot.frozen_figure(frozen["figures"][key])

    def placeholder(match: re.Match[str]) -> str:
        kind, key = match.groups()
        if kind == "figure":
            pieces.append(render_figure(get(key), edition=edition))
        else:
            pieces.append(render_number(get(key)))
        return f"{token}x{len(pieces) - 1}x"

    with figures.computed_together():
        replaced = SHORTCODE.sub(placeholder, text)
    unknown = re.search(r"\{\{.*?\}\}", replaced)
    if unknown:
        raise FigureError(
            f"“{unknown.group(0)}” is not a shortcode. Write {{{{ figure KEY }}}} or "
            "{{ number KEY }} with a key from the figures page."
        )
    html = str(render_markdown(replaced))
    for i, piece in enumerate(pieces):
        marker = f"{token}x{i}x"
        # A figure on a line of its own replaces its whole paragraph.
        html = html.replace(f'<p class="govuk-body">{marker}</p>', piece)
        html = html.replace(marker, piece)
    return mark_safe(html)  # noqa: S308 (sanitised text, and our own templates' output)
