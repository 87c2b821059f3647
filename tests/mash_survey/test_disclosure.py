"""The disclosure rule on its own: which counts of areas may be published together."""

import pytest

from mash_survey.disclosure import Hidden, grid_relations, suppress


@pytest.fixture(autouse=True)
def five_areas(settings):
    settings.DISCLOSURE_MIN_AREAS = 5


def test_a_breakdown_over_enough_areas_is_shown_whole():
    counts = {"all": 30, "a": 10, "b": 20}

    assert suppress(counts, [("all", ["a", "b"])]) == {}


def test_a_small_cell_is_hidden_and_so_is_the_next_smallest_so_it_cannot_be_subtracted():
    counts = {"all": 40, "a": 2, "b": 8, "c": 30}

    hidden = suppress(counts, [("all", ["a", "b", "c"])])

    assert hidden == {"a": Hidden.FEW_AREAS, "b": Hidden.PROTECTS}


def test_hidden_cells_that_together_are_still_small_take_another_with_them():
    counts = {"all": 40, "a": 1, "b": 2, "c": 7, "d": 30}

    hidden = suppress(counts, [("all", ["a", "b", "c", "d"])])

    assert hidden == {"a": Hidden.FEW_AREAS, "b": Hidden.FEW_AREAS, "c": Hidden.PROTECTS}


def test_a_cell_of_no_areas_is_shown_and_never_hidden_to_protect_another():
    counts = {"all": 12, "a": 0, "b": 3, "c": 9}

    hidden = suppress(counts, [("all", ["a", "b", "c"])])

    assert hidden == {"b": Hidden.FEW_AREAS, "c": Hidden.PROTECTS}


def test_a_total_hidden_elsewhere_takes_a_part_with_it_so_it_cannot_be_added_up():
    counts = {"all": 40, "a": 15, "b": 25}

    hidden = suppress(counts, [("all", ["a", "b"])], hidden={"all": Hidden.PROTECTS})

    assert hidden == {"all": Hidden.PROTECTS, "a": Hidden.PROTECTS}


def test_a_figure_already_hidden_elsewhere_stays_hidden_and_is_protected():
    counts = {"all": 40, "a": 20, "b": 20}

    hidden = suppress(counts, [("all", ["a", "b"])], hidden={"a": Hidden.PROTECTS})

    assert hidden == {"a": Hidden.PROTECTS, "b": Hidden.PROTECTS}


def test_in_a_two_way_table_no_hidden_cell_can_be_worked_out_from_a_row_or_a_column():
    # London: 32 boroughs and the City; the South West: 11 unitaries, 4 counties and Scilly.
    cells = {
        ("L", "borough"): 32,
        ("L", "city"): 1,
        ("SW", "unitary"): 11,
        ("SW", "county"): 4,
        ("SW", "scilly"): 1,
    }
    counts = dict(cells)
    for (row, column), n in cells.items():
        for margin in ((row, ""), ("", column), ("", "")):
            counts[margin] = counts.get(margin, 0) + n
    relations = grid_relations(
        ["L", "SW"], ["borough", "city", "unitary", "county", "scilly"], every=""
    )

    hidden = suppress(counts, relations)

    assert hidden[("L", "city")] == hidden[("", "city")] == Hidden.FEW_AREAS
    # London minus its boroughs would be the City, and all boroughs are London's.
    assert hidden[("L", "borough")] == hidden[("", "borough")] == Hidden.PROTECTS
    assert ("L", "") not in hidden and ("", "") not in hidden
    for total, parts in relations:
        members = [total, *parts]
        hidden_members = [m for m in members if m in hidden and counts.get(m, 0)]
        assert len(hidden_members) != 1, (total, parts)
        if total not in hidden and hidden_members:
            assert sum(counts.get(p, 0) for p in parts if p in hidden) >= 5, (total, parts)
