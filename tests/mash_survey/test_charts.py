"""The SVG bar charts: every label drawn in full, inside the picture, whatever its length."""

from mash_survey.charts import CHAR_WIDTH, bar_chart, text_width

LONG = (
    "Children's social care, police and health co-located with education as a virtual "
    "partner through a secure link"
)


def _chart():
    return bar_chart(
        chart_id="c",
        title="A chart",
        items=[(LONG, 100.0, "152 (100%)"), ("No", 0.0, "0 (0%)"), ("Yes", 50.0, "76 (50%)")],
        maximum=100,
    )


def test_a_long_label_is_wrapped_in_full_never_shortened() -> None:
    chart = _chart()

    long = chart.bars[0]
    assert len(long.lines) > 1
    assert long.label == LONG
    assert "…" not in long.label


def test_every_line_and_value_fits_inside_the_view_box() -> None:
    chart = _chart()

    for bar in chart.bars:
        for line in bar.lines:
            assert chart.label_x + text_width(line.text) <= chart.width
            assert 0 < line.y < chart.height
        assert bar.value_x + text_width(bar.value_label) <= chart.width
        assert bar.y + chart.bar_height <= chart.height


def test_labels_sit_above_their_bars_and_rows_do_not_overlap() -> None:
    chart = _chart()

    bottom = 0.0
    for bar in chart.bars:
        assert bar.lines[0].y - CHAR_WIDTH > bottom
        assert all(line.y < bar.y for line in bar.lines)
        bottom = bar.y + chart.bar_height
