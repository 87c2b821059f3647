"""Server-rendered SVG bar charts, for pages and the PDF alike.

A chart is drawn from the same figures as the table printed beside it; the SVG is marked as an
image with a text alternative that summarises it, and the table carries the detail.

Each answer's label sits above its bar, wrapped over as many lines as it needs, and the
value follows the bar's end. The picture is narrow (`WIDTH` units) and scales down with the
page, so its text stays readable on a 320 pixel phone, and the view box is sized to hold every
line: no label is shortened or clipped at any width. Text widths are estimated generously
(`CHAR_WIDTH`, wider than any character of the page's fonts on average), as the server cannot
measure them.
"""

import math
import textwrap
from collections.abc import Sequence
from dataclasses import dataclass

WIDTH = 360
FONT_SIZE = 16
#: The width of a character, at most, on average over a label: in units of the view box.
CHAR_WIDTH = 0.62 * FONT_SIZE
LINE_HEIGHT = 20
BAR_HEIGHT = 18
ROW_GAP = 14
PADDING = 4
VALUE_GAP = 6


@dataclass(frozen=True)
class ChartLine:
    text: str
    y: int


@dataclass(frozen=True)
class ChartBar:
    lines: tuple[ChartLine, ...]  # the label, wrapped
    value: float
    value_label: str
    y: int  # the bar's top
    width: float

    @property
    def label(self) -> str:
        return " ".join(line.text for line in self.lines)

    @property
    def text_y(self) -> int:
        """The baseline of the value beside the bar."""
        return self.y + BAR_HEIGHT - 4

    @property
    def value_x(self) -> float:
        return PADDING + self.width + VALUE_GAP


@dataclass(frozen=True)
class BarChart:
    id: str
    title: str
    description: str
    bars: tuple[ChartBar, ...]
    width: int
    height: int
    bar_height: int = BAR_HEIGHT
    label_x: int = PADDING

    @property
    def view_box(self) -> str:
        return f"0 0 {self.width} {self.height}"


def text_width(text: str) -> float:
    """The widest the text can be drawn in a chart's font, in units of the view box."""
    return len(text) * CHAR_WIDTH


def wrap_label(label: str, width: float = WIDTH - 2 * PADDING) -> list[str]:
    """The label in lines no wider than `width` (a word too long for a line is broken)."""
    limit = max(1, math.floor(width / CHAR_WIDTH))
    return textwrap.wrap(label, width=limit, break_long_words=True) or [""]


def bar_chart(
    *,
    chart_id: str,
    title: str,
    items: Sequence[tuple[str, float, str]],
    maximum: float | None = None,
) -> BarChart:
    """A horizontal bar chart of (label, value, value label) rows, longest bar = `maximum`.

    Every label is drawn in full, above its bar; the longest bar leaves room for the widest
    value label after it.
    """
    top = maximum if maximum is not None else max((v for _, v, _ in items), default=0) or 1
    value_room = max((text_width(value_label) for _, _, value_label in items), default=0)
    bar_area = WIDTH - 2 * PADDING - VALUE_GAP - math.ceil(value_room)
    bars = []
    y = PADDING
    for label, value, value_label in items:
        lines = []
        for text in wrap_label(label):
            y += LINE_HEIGHT
            lines.append(ChartLine(text=text, y=y - 5))
        bar_y = y + 2
        bars.append(
            ChartBar(
                lines=tuple(lines),
                value=value,
                value_label=value_label,
                y=bar_y,
                width=max(0.0, round(bar_area * min(value, top) / top, 1)) if top else 0.0,
            )
        )
        y = bar_y + BAR_HEIGHT + ROW_GAP
    description = "; ".join(f"{label}: {value_label}" for label, _, value_label in items)
    return BarChart(
        id=chart_id,
        title=title,
        description=description,
        bars=tuple(bars),
        width=WIDTH,
        height=y - ROW_GAP + PADDING,
    )
