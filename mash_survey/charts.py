"""Server-rendered SVG bar charts, for pages and the PDF alike.

A chart is drawn from the same figures as the table printed beside it; the SVG is marked as an
image with a text alternative that summarises it, and the table carries the detail.
"""

from collections.abc import Sequence
from dataclasses import dataclass

LABEL_WIDTH = 220
BAR_AREA = 300
VALUE_WIDTH = 80
ROW_HEIGHT = 28
BAR_HEIGHT = 18
PADDING = 4


@dataclass(frozen=True)
class ChartBar:
    label: str
    value: float
    value_label: str
    y: int
    width: float

    @property
    def text_y(self) -> int:
        return self.y + BAR_HEIGHT - 4


@dataclass(frozen=True)
class BarChart:
    id: str
    title: str
    description: str
    bars: tuple[ChartBar, ...]
    width: int
    height: int
    label_width: int = LABEL_WIDTH
    bar_height: int = BAR_HEIGHT

    @property
    def view_box(self) -> str:
        return f"0 0 {self.width} {self.height}"

    @property
    def value_x(self) -> int:
        return self.label_width + BAR_AREA + PADDING * 2


def _shorten(label: str, limit: int = 34) -> str:
    return label if len(label) <= limit else label[: limit - 1].rstrip() + "…"


def bar_chart(
    *,
    chart_id: str,
    title: str,
    items: Sequence[tuple[str, float, str]],
    maximum: float | None = None,
) -> BarChart:
    """A horizontal bar chart of (label, value, value label) rows, longest bar = `maximum`.

    Labels longer than the space are shortened in the picture only; the table beside it and
    the text alternative carry them in full.
    """
    top = maximum if maximum is not None else max((v for _, v, _ in items), default=0) or 1
    bars = tuple(
        ChartBar(
            label=_shorten(label),
            value=value,
            value_label=value_label,
            y=PADDING + i * ROW_HEIGHT,
            width=round(BAR_AREA * value / top, 1) if top else 0.0,
        )
        for i, (label, value, value_label) in enumerate(items)
    )
    description = "; ".join(f"{label}: {value_label}" for label, _, value_label in items)
    return BarChart(
        id=chart_id,
        title=title,
        description=description,
        bars=bars,
        width=LABEL_WIDTH + BAR_AREA + VALUE_WIDTH + PADDING * 2,
        height=PADDING * 2 + ROW_HEIGHT * len(items),
    )
