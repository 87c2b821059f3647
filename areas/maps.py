"""Server-side SVG maps of England's regions and local authorities.

Built once here and reused wherever a figure is by area: the register pages draw
plain maps; the survey statistics and the findings colour the same shapes by a
value. Shapes are drawn from the project's copy of the ONS outlines
(`areas/data/*.geojson`), projected on the fly and cached per process.

Colour is never the only carrier of meaning: every map is drawn beside a table,
each shape is a link whose accessible name includes its value, and the legend is
text. A map without figures is drawn in one neutral tone, and its key says what a
shape is.

A shape's name is written on it only where it fits inside the shape without touching
another label; a shape too small or too crowded for its name (London, among the
regions) gets a number instead, and the key under the map says which area each number
is. Text widths are estimated generously, as the server cannot measure them.
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


#: The class of a shape drawn without a figure: one neutral tone.
PLAIN = "app-map__shape--plain"


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
    number: int | None = None  # drawn instead of the name, which did not fit
    label_lines: tuple[str, ...] = ()  # the name, over one line or two

    @property
    def label(self) -> tuple[tuple[str, float], ...]:
        """What is written on the shape: each line, with its baseline."""
        lines = (str(self.number),) if self.number is not None else self.label_lines
        return tuple(
            (line, round(self.label_y + i * LABEL_LINE_HEIGHT, 1))
            for i, line in enumerate(lines or (self.name,))
        )

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

    @property
    def numbered(self) -> list[MapShape]:
        """The shapes labelled by a number, by number: the key to them."""
        if not self.show_labels:
            return []
        return sorted(
            (shape for shape in self.shapes if shape.number is not None),
            key=lambda shape: shape.number or 0,
        )


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


def _in_frame(x: float, y: float, frame: _Frame) -> tuple[float, float]:
    return (
        (x - frame.min_x) * frame.scale + frame.padding,
        (y - frame.max_y) * frame.scale + frame.padding,
    )


# ----- Labels --------------------------------------------------------------

#: The labels' font size (bold), in units of the view box, as the stylesheet sets it.
LABEL_FONT_SIZE = 16
LABEL_LINE_HEIGHT = 17
#: A bold character's width, at most, on average over a name.
LABEL_CHAR_WIDTH = 0.7 * LABEL_FONT_SIZE
#: Space kept clear around a label (its white halo and a little more).
LABEL_MARGIN = 3.0
#: Where a label may go, from its shape's label point: there first, then further away.
_LABEL_OFFSETS = [(0.0, 0.0)] + [
    (round(r * math.cos(a * math.pi / 4), 1), round(r * math.sin(a * math.pi / 4), 1))
    for r in (6, 12, 18, 26, 34, 44)
    for a in range(8)
]

Box = tuple[float, float, float, float]  # left, top, right, bottom


def label_box(x: float, y: float, lines: Sequence[str]) -> Box:
    """The room a label centred on x, its first baseline at y, takes (margin included)."""
    half = max(len(line) for line in lines) * LABEL_CHAR_WIDTH / 2 + LABEL_MARGIN
    return (
        x - half,
        y - 0.8 * LABEL_FONT_SIZE - LABEL_MARGIN,
        x + half,
        y + (len(lines) - 1) * LABEL_LINE_HEIGHT + 0.25 * LABEL_FONT_SIZE + LABEL_MARGIN,
    )


def _label_forms(name: str) -> list[tuple[str, ...]]:
    """A name on one line, then on two (split at the space nearest its middle)."""
    forms: list[tuple[str, ...]] = [(name,)]
    spaces = [i for i, c in enumerate(name) if c == " "]
    if spaces:
        cut = min(spaces, key=lambda i: abs(len(name) - 2 * i))
        forms.append((name[:cut], name[cut + 1 :]))
    return forms


def _overlaps(a: Box, b: Box) -> bool:
    return a[0] < b[2] and b[0] < a[2] and a[1] < b[3] and b[1] < a[3]


def _in_ring(x: float, y: float, ring: Sequence[tuple[float, float]]) -> bool:
    inside = False
    for (x0, y0), (x1, y1) in itertools.pairwise(ring):
        if (y0 > y) != (y1 > y) and x < x0 + (y - y0) * (x1 - x0) / (y1 - y0):
            inside = not inside
    return inside


def _in_shape(x: float, y: float, polygons: Sequence[Sequence[Ring]]) -> bool:
    return any(
        _in_ring(x, y, polygon[0]) and not any(_in_ring(x, y, hole) for hole in polygon[1:])
        for polygon in polygons
    )


def _box_in_shape(box: Box, polygons: Sequence[Sequence[Ring]]) -> bool:
    """Whether the box lies inside the shape: points every few units along its edges do
    (so a neighbour's corner cannot poke in), and its centre."""
    left, top, right, bottom = box
    steps = max(1, math.ceil((right - left) / 6))
    xs = [left + (right - left) * i / steps for i in range(steps + 1)]
    ys = [top + (bottom - top) * i / 3 for i in range(4)]
    points = [(x, y) for x in xs for y in (top, bottom)]
    points += [(x, y) for x in (left, right) for y in ys]
    points.append(((left + right) / 2, (top + bottom) / 2))
    return all(_in_shape(x, y, polygons) for x, y in points)


def _place(
    lines: Sequence[str],
    anchor: tuple[float, float],
    polygons: Sequence[Sequence[Ring]],
    placed: list[Box],
    frame: _Frame,
) -> tuple[float, float] | None:
    """The first spot near `anchor` where the lines fit inside their shape and clear of every
    label placed so far, or None. The lines are centred on the anchor."""
    shift = (len(lines) - 1) * LABEL_LINE_HEIGHT / 2
    for dx, dy in _LABEL_OFFSETS:
        x, y = anchor[0] + dx, anchor[1] + dy - shift
        box = label_box(x, y, lines)
        if box[0] < 0 or box[1] < 0 or box[2] > frame.width or box[3] > frame.height:
            continue
        if any(_overlaps(box, other) for other in placed):
            continue
        if _box_in_shape(box, polygons):
            placed.append(box)
            return round(x, 1), round(y, 1)
    return None


Label = tuple[float, float, int | None, tuple[str, ...]]  # x, y, number, lines


def _place_labels(
    names: Sequence[str],
    anchors: Sequence[tuple[float, float]],
    shapes: Sequence[Sequence[Sequence[Ring]]],
    frame: _Frame,
) -> list[Label]:
    """Each shape's label position, and its number where its name does not fit.

    Names go first, largest shapes first (they have the most room); the shapes left get
    numbers, in the order given, each placed the same way (or, failing that, at its label
    point)."""
    placed: list[Box] = []
    spots: dict[int, Label] = {}
    sizes = [
        max((_ring_area_centroid(polygon[0])[0] for polygon in shape), default=0.0)
        for shape in shapes
    ]
    for i in sorted(range(len(names)), key=lambda i: -sizes[i]):
        for lines in _label_forms(names[i]):
            spot = _place(lines, anchors[i], shapes[i], placed, frame)
            if spot:
                spots[i] = (spot[0], spot[1], None, lines)
                break
    number = 0
    for i in range(len(names)):
        if i in spots:
            continue
        number += 1
        spot = _place((str(number),), anchors[i], shapes[i], placed, frame)
        if spot is None:
            x, y = anchors[i]
            placed.append(label_box(x, y, (str(number),)))
            spot = (round(x, 1), round(y, 1))
        spots[i] = (spot[0], spot[1], number, ())
    return [spots[i] for i in range(len(names))]


@cache
def _drawn(
    layer: str, keys: tuple[str, ...], width: int, labelled: bool
) -> tuple[int, tuple[tuple[str, str, Label], ...]]:
    """The map's height, and (key, path, label) for each key, framed together."""
    outlines = region_outlines() if layer == "regions" else authority_outlines()
    projected = [_projected(layer, key) for key in keys]
    frame = _fit(projected, width)
    framed: list[Sequence[Sequence[Ring]]] = [
        tuple(
            tuple(tuple(_in_frame(x, y, frame) for x, y in ring) for ring in polygon)
            for polygon in shape.polygons
        )
        for shape in projected
    ]
    anchors = [_in_frame(*shape.label, frame) for shape in projected]
    if labelled:
        labels = _place_labels([outlines[key][0] for key in keys], anchors, framed, frame)
    else:
        labels = [(round(x, 1), round(y, 1), None, ()) for x, y in anchors]
    drawn = []
    for key, shape, label in zip(keys, projected, labels, strict=True):
        drawn.append((key, _to_path(shape, frame), label))
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
    height, drawn = _drawn(layer, keys, width, show_labels)
    map_shapes = tuple(
        MapShape(
            key=key,
            name=outlines[key][0],
            path=path,
            label_x=label[0],
            label_y=label[1],
            href=shapes[key].href,
            css_class=shapes[key].css_class,
            value_label=shapes[key].value_label,
            number=label[2],
            label_lines=label[3],
        )
        for key, path, label in drawn
    )
    if not legend and all(shape.css_class == PLAIN for shape in map_shapes):
        # One neutral tone, which the key names, so that no colour goes unexplained.
        legend = [LegendItem(PLAIN, "Region" if layer == "regions" else "Local authority")]
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
