import re

import pytest

from areas.maps import (
    CATEGORICAL_CLASSES,
    SEQUENTIAL_CLASSES,
    LegendItem,
    ShapeSpec,
    SvgMap,
    build_map,
    categorical_classes,
    label_box,
    sequential_classes,
)

from .pages import authority_rows, region_rows

_POINT = re.compile(r"(-?[0-9.]+),(-?[0-9.]+)")


def _points(path: str) -> list[tuple[float, float]]:
    return [(float(x), float(y)) for x, y in _POINT.findall(path)]


def _all_points(svg_map: SvgMap) -> list[tuple[float, float]]:
    return [point for shape in svg_map.shapes for point in _points(shape.path)]


def _regions_map() -> SvgMap:
    return build_map(
        layer="regions",
        title="Regions",
        shapes={
            row["region_code"]: ShapeSpec(
                href=f"/areas/regions/{row['region_code']}/", value_label="12 local authorities"
            )
            for row in region_rows()
        },
    )


def _authorities_map(region_name: str, width: int = 480) -> SvgMap:
    return build_map(
        layer="authorities",
        title=f"Authorities in {region_name}",
        shapes={
            row["gss_code"]: ShapeSpec(href=f"/areas/{row['gss_code']}/")
            for row in authority_rows()
            if row["region_name"] == region_name
        },
        width=width,
    )


def test_the_regions_map_draws_a_shape_for_each_of_the_9_regions():
    svg_map = _regions_map()

    assert sorted(shape.key for shape in svg_map.shapes) == sorted(
        row["region_code"] for row in region_rows()
    )
    assert {shape.name for shape in svg_map.shapes} == {row["name"] for row in region_rows()}
    for shape in svg_map.shapes:
        assert re.fullmatch(r"(M[-0-9.,L]+Z)+", shape.path), shape.key
        assert len(_points(shape.path)) >= 3


def test_every_point_of_the_regions_map_lies_inside_its_view_box():
    svg_map = _regions_map()
    points = _all_points(svg_map)

    assert svg_map.view_box == f"0 0 {svg_map.width} {svg_map.height}"
    assert all(0 <= x <= svg_map.width and 0 <= y <= svg_map.height for x, y in points)
    # England is taller than it is wide.
    assert svg_map.height > svg_map.width


def _inside(x: float, y: float, path: str) -> bool:
    """Whether (x, y) is inside the path's outline (even-odd rule, so holes count)."""
    crossings = 0
    for ring in re.findall(r"M([^Z]+)Z", path):
        points = _points(ring)
        for (x0, y0), (x1, y1) in zip(points, points[1:] + points[:1], strict=True):
            if (y0 > y) != (y1 > y) and x < x0 + (y - y0) * (x1 - x0) / (y1 - y0):
                crossings += 1
    return crossings % 2 == 1


def test_each_region_is_labelled_inside_its_own_outline():
    svg_map = _regions_map()

    for shape in svg_map.shapes:
        assert _inside(shape.label_x, shape.label_y, shape.path), shape.name
        others = [other for other in svg_map.shapes if other is not shape]
        assert not any(_inside(shape.label_x, shape.label_y, o.path) for o in others), shape.name


def test_each_region_shape_links_to_its_page_and_is_named_with_its_value():
    svg_map = _regions_map()

    for shape in svg_map.shapes:
        assert shape.href == f"/areas/regions/{shape.key}/"
        assert shape.accessible_name == f"{shape.name}: 12 local authorities"


def test_a_shape_without_a_value_is_named_by_its_area_alone():
    svg_map = build_map(
        layer="regions", title="London", shapes={"E12000007": ShapeSpec(href="/london/")}
    )

    assert svg_map.shapes[0].accessible_name == "London"


@pytest.mark.parametrize("region_name", ["North East", "London", "South West"])
def test_a_regions_authorities_map_is_framed_to_that_region(region_name):
    svg_map = _authorities_map(region_name)
    xs, ys = zip(*_all_points(svg_map), strict=True)

    assert len(svg_map.shapes) == sum(
        1 for r in authority_rows() if r["region_name"] == region_name
    )
    assert all(0 <= x <= svg_map.width for x in xs)
    assert all(0 <= y <= svg_map.height for y in ys)
    # The region fills the map edge to edge (less a small margin), not a corner of England.
    assert max(xs) - min(xs) > svg_map.width * 0.9
    assert max(ys) - min(ys) > svg_map.height * 0.9


def test_a_wider_map_scales_the_same_shapes_up():
    narrow = _authorities_map("London", width=300)
    wide = _authorities_map("London", width=600)

    assert wide.height > narrow.height
    assert [s.key for s in wide.shapes] == [s.key for s in narrow.shapes]


def test_areas_without_an_outline_are_left_off_the_map():
    svg_map = build_map(
        layer="authorities",
        title="Map",
        shapes={"E08000037": ShapeSpec(), "E06999999": ShapeSpec()},
    )

    assert [shape.key for shape in svg_map.shapes] == ["E08000037"]


def test_a_map_with_no_outlined_area_is_refused():
    with pytest.raises(ValueError, match="at least one shape"):
        build_map(layer="authorities", title="Map", shapes={"E06999999": ShapeSpec()})


def test_an_unknown_layer_is_refused():
    with pytest.raises(ValueError, match="districts"):
        build_map(layer="districts", title="Map", shapes={"E12000007": ShapeSpec()})


def test_sequential_classes_put_the_lowest_and_highest_values_at_either_end():
    css, legend = sequential_classes({"a": 10, "b": 55, "c": 100, "d": None}, unit="%")

    assert css["a"] == "app-map__shape--seq-1"
    assert css["c"] == f"app-map__shape--seq-{SEQUENTIAL_CLASSES}"
    assert css["a"] != css["b"] != css["c"]
    assert css["d"] == "app-map__shape--none"
    assert legend[0].label.startswith("10%")
    assert legend[-2].label.endswith("100%")
    assert legend[-1] == LegendItem("app-map__shape--none", "No data")


def test_sequential_classes_keep_values_in_order():
    values = {str(v): float(v) for v in range(0, 101, 7)}
    css, _ = sequential_classes(values)

    bands = [int(css[key].rsplit("-", 1)[1]) for key in values]
    assert bands == sorted(bands)
    assert bands[0] == 1
    assert bands[-1] == SEQUENTIAL_CLASSES


def test_sequential_legend_lists_only_the_bands_in_use_lowest_first():
    css, legend = sequential_classes({"a": 0, "b": 100})

    assert [item.css_class for item in legend] == sorted(set(css.values()))
    assert "No data" not in [item.label for item in legend]


def test_sequential_classes_with_no_values_say_no_data():
    css, legend = sequential_classes({"a": None, "b": None})

    assert set(css.values()) == {"app-map__shape--none"}
    assert legend == [LegendItem("app-map__shape--none", "No data")]


def test_sequential_classes_with_equal_values_put_all_in_one_class():
    css, legend = sequential_classes({"a": 4, "b": 4})

    assert css["a"] == css["b"] != "app-map__shape--none"
    assert len(legend) == 1


def test_categorical_classes_follow_the_given_order_then_the_alphabet():
    css, legend = categorical_classes(
        {"a": "Yes", "b": "No", "c": "Partly", "d": None, "e": "Yes", "f": "Unsure"},
        order=["Yes", "Partly", "No"],
    )

    assert css["a"] == css["e"] == "app-map__shape--cat-1"
    assert css["c"] == "app-map__shape--cat-2"
    assert css["b"] == "app-map__shape--cat-3"
    assert css["f"] == "app-map__shape--cat-4"
    assert css["d"] == "app-map__shape--none"
    assert [item.label for item in legend] == ["Yes", "Partly", "No", "Unsure", "No data"]
    assert [item.css_class for item in legend[:-1]] == [css[k] for k in ("a", "c", "b", "f")]


def test_categories_in_the_order_but_not_in_the_data_are_left_out_of_the_legend():
    css, legend = categorical_classes({"a": "No"}, order=["Yes", "No"])

    assert css["a"] == "app-map__shape--cat-1"
    assert [item.label for item in legend] == ["No"]


def test_more_categories_than_colours_share_the_last_and_the_legend_says_so():
    names = [chr(ord("A") + i) for i in range(CATEGORICAL_CLASSES + 2)]
    css, legend = categorical_classes({name.lower(): name for name in names})

    assert len(set(css.values())) == CATEGORICAL_CLASSES
    assert len(legend) == CATEGORICAL_CLASSES
    assert legend[-1].label == ", ".join(names[CATEGORICAL_CLASSES - 1 :])


# ----- Labels ------------------------------------------------------------------


def test_region_labels_never_overlap_each_other(db) -> None:
    svg_map = _regions_map()

    boxes = [label_box(s.label_x, s.label_y, [line for line, _ in s.label]) for s in svg_map.shapes]
    for i, a in enumerate(boxes):
        for b in boxes[i + 1 :]:
            assert a[2] <= b[0] or b[2] <= a[0] or a[3] <= b[1] or b[3] <= a[1], (a, b)


def test_a_region_too_small_for_its_name_is_numbered_and_the_key_names_it(db) -> None:
    svg_map = _regions_map()

    london = next(s for s in svg_map.shapes if s.name == "London")
    assert london.number is not None
    assert london.label == ((str(london.number), london.label_y),)
    assert [s.name for s in svg_map.numbered if s.number == london.number] == ["London"]
    named = [s for s in svg_map.shapes if s.number is None]
    assert named, "the larger regions keep their names"
    for shape in named:
        assert " ".join(line for line, _ in shape.label) == shape.name


def test_a_map_without_figures_has_a_key_for_its_one_tone(db) -> None:
    svg_map = _regions_map()

    assert {s.css_class for s in svg_map.shapes} == {"app-map__shape--plain"}
    assert svg_map.legend == (LegendItem("app-map__shape--plain", "Region"),)
