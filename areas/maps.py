"""Server-side SVG maps of England's regions and local authorities.

Built once here and reused wherever a figure is by area: the register pages draw
plain maps; the survey statistics and the findings colour the same shapes by a
value. Shapes are drawn from the project's copy of the ONS outlines
(`areas/data/*.geojson`), projected on the fly and cached per process.

Colour is never the only carrier of meaning: every map is drawn beside a table,
each shape is a link whose accessible name includes its value, and the legend is
text.
"""

import itertools
import json
import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

DATA_DIR = Path(__file__).resolve().parent / "data"

Ring = tuple[tuple[float, float], ...]
Polygon = tuple[Ring, ...]  # outer ring, then holes
MultiPolygon = tuple[Polygon, ...]

#: The number of classes in a sequential (graded) scale.
SEQUENTIAL_CLASSES = 5
#: The number of distinct colours in a categorical scale.
CATEGORICAL_CLASSES = 6


class NoOutlinesError(ValueError):
    """None of the areas asked for has an outline to draw."""


@dataclass(frozen=True)
class MapShape:
    key: str
    name: str
    path: str
    label_x: float
    label_y: float
    href: str = ""
    css_class: str = "app-map__shape--plain"
    value_label: str = ""

    @property
    def accessible_name(self) -> str:
        return f"{self.name}: {self.value_label}" if self.value_label else self.name


@dataclass(frozen=True)
class LegendItem:
    css_class: str
    label: str


@dataclass(frozen=True)
class SvgMap:
    title: str
    width: int
    height: int
    shapes: tuple[MapShape, ...]
    legend: tuple[LegendItem, ...] = ()
    show_labels: bool = True
    id: str = "map"

    @property
    def view_box(self) -> str:
        return f"0 0 {self.width} {self.height}"


@dataclass(frozen=True)
class ShapeSpec:
    """What to draw for one outline: its link, colour class and value."""

    href: str = ""
    css_class: str = "app-map__shape--plain"
    value_label: str = ""


@dataclass(frozen=True)
class _Projected:
    polygons: tuple[tuple[tuple[tuple[float, float], ...], ...], ...]
    label: tuple[float, float]


@dataclass
class _Frame:
    width: int
    height: int
    min_x: float = 0.0
    max_y: float = 0.0
    scale: float = 1.0
    padding: float = 8.0


def _load(filename: str, key_property: str) -> dict[str, tuple[str, MultiPolygon]]:
    data = json.loads((DATA_DIR / filename).read_text(encoding="utf-8"))
    outlines: dict[str, tuple[str, MultiPolygon]] = {}
    for feature in data["features"]:
        geometry = feature["geometry"]
        coordinates = geometry["coordinates"]
        if geometry["type"] == "Polygon":
            coordinates = [coordinates]
        polygons = tuple(
            tuple(tuple((float(x), float(y)) for x, y in ring) for ring in polygon)
            for polygon in coordinates
        )
        props = feature["properties"]
        outlines[props[key_property]] = (props["name"], polygons)
    return outlines


@cache
def region_outlines() -> dict[str, tuple[str, MultiPolygon]]:
    """Region code → (name, outline)."""
    return _load("regions.geojson", "region_code")


@cache
def authority_outlines() -> dict[str, tuple[str, MultiPolygon]]:
    """Authority ONS code → (name, outline)."""
    return _load("local-authorities-2013.geojson", "gss_code")


# England lies around 52.5°N; scaling longitude by cos(52.5°) keeps shapes true enough
# for small maps without a projection library.
_X_SCALE = math.cos(math.radians(52.5))


def _project(lon: float, lat: float) -> tuple[float, float]:
    return lon * _X_SCALE, -lat


def _ring_area_centroid(ring: Sequence[tuple[float, float]]) -> tuple[float, float, float]:
    area = cx = cy = 0.0
    for (x0, y0), (x1, y1) in itertools.pairwise(ring):
        cross = x0 * y1 - x1 * y0
        area += cross
        cx += (x0 + x1) * cross
        cy += (y0 + y1) * cross
    area /= 2
    if abs(area) < 1e-12:
        xs, ys = zip(*ring, strict=True)
        return 0.0, sum(xs) / len(xs), sum(ys) / len(ys)
    return abs(area), cx / (6 * area), cy / (6 * area)


# Where a region's name reads best (lon, lat): the centroid of some regions sits on a
# neighbour's label or off a narrow shape.
_REGION_LABEL_POINTS = {
    "E12000001": (-1.95, 55.05),  # North East
    "E12000002": (-2.75, 54.2),  # North West
    "E12000003": (-1.2, 53.95),  # Yorkshire and The Humber
    "E12000004": (-0.85, 52.95),  # East Midlands
    "E12000005": (-2.25, 52.45),  # West Midlands
    "E12000006": (0.55, 52.35),  # East of England
    "E12000007": (-0.1, 51.52),  # London
    "E12000008": (-0.75, 51.05),  # South East
    "E12000009": (-3.55, 50.75),  # South West
}


@cache
def _projected(layer: str, key: str) -> _Projected:
    outlines = region_outlines() if layer == "regions" else authority_outlines()
    _, multipolygon = outlines[key]
    polygons = tuple(
        tuple(tuple(_project(lon, lat) for lon, lat in ring) for ring in polygon)
        for polygon in multipolygon
    )
    if layer == "regions" and key in _REGION_LABEL_POINTS:
        return _Projected(polygons=polygons, label=_project(*_REGION_LABEL_POINTS[key]))
    # Otherwise label at the centroid of the largest outer ring.
    best = max((_ring_area_centroid(polygon[0]) for polygon in polygons), key=lambda t: t[0])
    return _Projected(polygons=polygons, label=(best[1], best[2]))


def _fit(projected: Iterable[_Projected], width: int) -> _Frame:
    xs: list[float] = []
    ys: list[float] = []
    for shape in projected:
        for polygon in shape.polygons:
            for x, y in polygon[0]:
                xs.append(x)
                ys.append(y)
    padding = 8.0
    span_x = max(xs) - min(xs) or 1.0
    span_y = max(ys) - min(ys) or 1.0
    scale = (width - 2 * padding) / span_x
    height = round(span_y * scale + 2 * padding)
    return _Frame(
        width=width, height=height, min_x=min(xs), max_y=min(ys), scale=scale, padding=padding
    )


def _to_path(shape: _Projected, frame: _Frame) -> str:
    parts: list[str] = []
    for polygon in shape.polygons:
        for ring in polygon:
            points = [
                (
                    round((x - frame.min_x) * frame.scale + frame.padding, 1),
                    round((y - frame.max_y) * frame.scale + frame.padding, 1),
                )
                for x, y in ring
            ]
            deduped = [p for i, p in enumerate(points) if i == 0 or p != points[i - 1]]
            if len(deduped) < 3:
                continue
            parts.append("M" + "L".join(f"{x:g},{y:g}" for x, y in deduped) + "Z")
    return "".join(parts)


def _label_position(shape: _Projected, frame: _Frame) -> tuple[float, float]:
    x, y = shape.label
    return (
        round((x - frame.min_x) * frame.scale + frame.padding, 1),
        round((y - frame.max_y) * frame.scale + frame.padding, 1),
    )


@cache
def _drawn(
    layer: str, keys: tuple[str, ...], width: int
) -> tuple[int, tuple[tuple[str, str, float, float], ...]]:
    """The map's height, and (key, path, label x, label y) for each key, framed together."""
    projected = [_projected(layer, key) for key in keys]
    frame = _fit(projected, width)
    drawn = []
    for key, shape in zip(keys, projected, strict=True):
        label_x, label_y = _label_position(shape, frame)
        drawn.append((key, _to_path(shape, frame), label_x, label_y))
    return frame.height, tuple(drawn)


def build_map(
    *,
    layer: str,
    title: str,
    shapes: Mapping[str, ShapeSpec],
    legend: Sequence[LegendItem] = (),
    width: int = 480,
    show_labels: bool = True,
    map_id: str = "map",
) -> SvgMap:
    """Draw the outlines of `layer` ("regions" or "authorities") named by `shapes`' keys.

    The map is framed to the shapes drawn, so a region's authorities fill the map.
    """
    if layer not in ("regions", "authorities"):
        raise ValueError(f"unknown map layer {layer!r}")
    outlines = region_outlines() if layer == "regions" else authority_outlines()
    keys = tuple(sorted(key for key in shapes if key in outlines))
    if not keys:
        raise NoOutlinesError("a map needs at least one shape with an outline")
    height, drawn = _drawn(layer, keys, width)
    map_shapes = tuple(
        MapShape(
            key=key,
            name=outlines[key][0],
            path=path,
            label_x=label_x,
            label_y=label_y,
            href=shapes[key].href,
            css_class=shapes[key].css_class,
            value_label=shapes[key].value_label,
        )
        for key, path, label_x, label_y in drawn
    )
    return SvgMap(
        title=title,
        width=width,
        height=height,
        shapes=map_shapes,
        legend=tuple(legend),
        show_labels=show_labels,
        id=map_id,
    )


def build_map_if_drawable(**kwargs: Any) -> SvgMap | None:
    """`build_map`, or None when none of the areas has an outline (an empty register, say)."""
    try:
        return build_map(**kwargs)
    except NoOutlinesError:
        return None


def _edge(value: float) -> str:
    """A band edge as people read it: at most one decimal place."""
    return f"{round(value, 1):g}"


def sequential_classes(
    values: Mapping[str, float | None], *, classes: int = SEQUENTIAL_CLASSES, unit: str = ""
) -> tuple[dict[str, str], list[LegendItem]]:
    """Put each value in one of `classes` equal-width bands between the lowest and highest.

    Returns each key's CSS class (`app-map__shape--seq-N`, or `--none` with no value)
    and the legend, lowest band first.
    """
    present = [v for v in values.values() if v is not None]
    css: dict[str, str] = {}
    if not present:
        return {key: "app-map__shape--none" for key in values}, [
            LegendItem("app-map__shape--none", "No data")
        ]
    low, high = min(present), max(present)
    width = (high - low) / classes or 1.0
    for key, value in values.items():
        if value is None:
            css[key] = "app-map__shape--none"
        else:
            band = min(int((value - low) / width), classes - 1) if high > low else classes - 1
            css[key] = f"app-map__shape--seq-{band + 1}"
    used = sorted({c for c in css.values() if c.startswith("app-map__shape--seq-")})
    legend = []
    for cls in used:
        band = int(cls.rsplit("-", 1)[1]) - 1
        if high == low:
            label = f"{_edge(low)}{unit}"
        else:
            start = low + band * width
            end = high if band == classes - 1 else low + (band + 1) * width
            label = f"{_edge(start)}{unit} to {_edge(end)}{unit}"
        legend.append(LegendItem(cls, label))
    if any(v is None for v in values.values()):
        legend.append(LegendItem("app-map__shape--none", "No data"))
    return css, legend


def categorical_classes(
    values: Mapping[str, str | None], *, order: Sequence[str] = ()
) -> tuple[dict[str, str], list[LegendItem]]:
    """Give each distinct category its own colour class (`app-map__shape--cat-N`).

    Categories are numbered in `order` first, then alphabetically; keys with no value
    are `--none` ("No data"). More categories than colours share the last colour's
    hatching class, and the legend says so by listing them together.
    """
    categories = list(dict.fromkeys([*order, *sorted({v for v in values.values() if v})]))
    categories = [c for c in categories if c in set(values.values())]
    index = {cat: min(i, CATEGORICAL_CLASSES - 1) + 1 for i, cat in enumerate(categories)}
    css = {
        key: f"app-map__shape--cat-{index[value]}" if value else "app-map__shape--none"
        for key, value in values.items()
    }
    legend_labels: dict[str, list[str]] = {}
    for cat in categories:
        legend_labels.setdefault(f"app-map__shape--cat-{index[cat]}", []).append(cat)
    legend = [LegendItem(cls, ", ".join(labels)) for cls, labels in legend_labels.items()]
    if any(not v for v in values.values()):
        legend.append(LegendItem("app-map__shape--none", "No data"))
    return css, legend
