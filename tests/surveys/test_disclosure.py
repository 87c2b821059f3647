"""Disclosure control on the public statistics pages: with every area of London and the South
West returned, no figure over fewer than 5 areas shows, under any filter, and none can be
worked out by subtracting one page's figures from another's. Project members see everything.
"""

import re
from collections import Counter

import pytest

from areas.models import LocalAuthority
from tests.areas.pages import Element, parse, table_rows

from .disclosure_checks import (
    assert_nothing_small_shown_or_recoverable,
    every_filter,
    query,
)
from .factories import survey_with_every_kind
from .statistics_returns import SMALL_AREAS, enter_every_return_in, enter_return

pytestmark = pytest.mark.django_db

URL = "/survey/arrangements/"
RETURNED = ["London", "South West"]
RETURNED_RE = re.compile(r"(\d+) of (\d+) areas \([\d.]+%\) have submitted a return")
ANSWERED_RE = re.compile(r"(\d+) areas? answered")


@pytest.fixture
def survey(register, staff_user, settings):
    settings.DISCLOSURE_MIN_AREAS = 5
    survey = survey_with_every_kind(title="Survey of arrangements", slug="arrangements")
    enter_every_return_in(survey, staff_user, RETURNED)
    return survey


def _page(client, params: dict[str, str] | None = None) -> Element:
    response = client.get(URL, params or {})
    assert response.status_code == 200
    return parse(response.content)


def _figure(page: Element, code: str) -> Element:
    return next(el for el in page.iter() if el.attrs.get("id") == f"question-{code}")


def _true_counts() -> dict[tuple[str, str], int]:
    counts: Counter[tuple[str, str]] = Counter()
    for region, kind in LocalAuthority.objects.filter(region__name__in=RETURNED).values_list(
        "region__code", "type"
    ):
        for cell in ((region, kind), (region, ""), ("", kind), ("", "")):
            counts[cell] += 1
    return dict(counts)


def test_filtering_to_the_city_of_london_shows_only_that_too_few_areas_are_in_it(client, survey):
    page = _page(client, {"type": "city_of_london"})

    text = page.text()
    assert "Fewer than 5 areas: not shown" in text
    assert "1 of 1 areas" not in text and RETURNED_RE.search(text) is None
    assert not page.find_all("table") and not page.find_all("svg", "app-map__svg")
    assert not [el for el in page.iter() if el.attrs.get("id", "").startswith("question-")]
    assert SMALL_AREAS["City of London"] not in text


@pytest.mark.parametrize(
    "params",
    [
        {"type": "isles_of_scilly"},
        {"region": "E12000009", "type": "isles_of_scilly"},
        {"region": "E12000009", "type": "county"},  # the South West's 4 counties
    ],
)
def test_other_filters_over_fewer_than_5_areas_show_only_the_notice(client, survey, params):
    page = _page(client, params)

    assert "Fewer than 5 areas: not shown" in page.text()
    assert RETURNED_RE.search(page.text()) is None
    assert SMALL_AREAS["Isles of Scilly"] not in page.text()


@pytest.mark.parametrize(
    "params", [{"type": "london_borough"}, {"region": "E12000007", "type": "london_borough"}]
)
def test_london_s_boroughs_are_not_shown_as_london_less_them_is_the_city(client, survey, params):
    page = _page(client, params)

    assert "Not shown, so that figures for fewer than 5 areas cannot be worked out" in page.text()
    assert RETURNED_RE.search(page.text()) is None


def test_london_as_a_whole_is_shown(client, survey):
    page = _page(client, {"region": "E12000007"})

    assert "33 of 33 areas (100%) have submitted a return" in page.text()
    assert "Answered by 33 of 33 areas that submitted a return" in _figure(page, "Q1").text()


def test_no_page_shows_a_figure_for_fewer_than_5_areas_or_one_that_gives_it_away(client, survey):
    returned: dict[tuple[str, str], int | None] = {}
    answered: dict[tuple[str, str], int | None] = {}
    for cell in every_filter():
        page = _page(client, query(cell))
        text = page.text()
        assert all(number not in text for number in SMALL_AREAS.values()), cell
        assert "Lowest" not in text and "Highest" not in text, cell
        match = RETURNED_RE.search(text)
        returned[cell] = int(match.group(1)) if match else None
        if match is None:
            assert "not shown" in text.lower(), cell
        q1 = ANSWERED_RE.search(_figure(page, "Q1").text()) if match else None
        answered[cell] = int(q1.group(1)) if q1 else None
        rates = [el for el in page.iter() if el.attrs.get("id") == "response-rates"]
        for row in table_rows(rates[0]) if rates else []:
            assert len(row) == 1 or not row[1].isdigit() or int(row[1]) == 0 or int(row[1]) >= 5, (
                cell,
                row,
            )

    true = _true_counts()
    assert_nothing_small_shown_or_recoverable(returned, true, "returns")
    assert_nothing_small_shown_or_recoverable(answered, true, "answers to Q1")


def test_a_type_with_too_few_returns_is_hidden_while_whole_regions_still_show(client, survey):
    # Filtered to counties: the South West's 4 are the only ones returned, and too few.
    page = _page(client, {"type": "county"})

    assert "Fewer than 5 areas: not shown" in page.text()
    unfiltered = _page(client)
    rows = {row[0]: row[1:] for row in table_rows(unfiltered.find("table"))}
    assert rows["South West"] == ["16", "16", "100%"]
    assert rows["North East"] == ["0", "12", "0%"]


def test_project_members_see_every_figure_marked_as_not_published(staff_client, survey):
    page = _page(staff_client, {"type": "city_of_london"})

    text = page.text()
    assert "1 of 1 areas (100%) have submitted a return" in text
    assert "The public see no figures for this filter: fewer than 5 areas: not shown" in text
    q4 = _figure(page, "Q4")
    assert "Not published" in q4.text()
    # Mean, quartiles, lowest and highest: all the one area's number, for members only.
    assert table_rows(q4.find("table")) == [["1"] + [SMALL_AREAS["City of London"]] * 6]


def test_the_survey_list_does_not_count_fewer_than_5_returns(client, register, staff_user):
    survey = survey_with_every_kind(slug="few")
    for name in ("Camden", "Hackney"):
        authority = LocalAuthority.objects.get(name=name)
        answers = {"Q1": "Yes", "Q2": "MASH", "Q3": "Police", "Q4": "3"}
        enter_return(survey, authority, answers, staff_user, submit=True)

    page = parse(client.get("/survey/").content)

    assert table_rows(page.find("table"))[0][-1] == "Fewer than 5"


def test_about_the_data_states_the_rule_with_the_threshold_set(client, db, settings):
    settings.DISCLOSURE_MIN_AREAS = 7

    text = parse(client.get("/about-the-data/").content).text()

    assert "a figure over fewer than 7 areas is not shown" in text
    assert "lowest and highest number given in answer to a question are never shown" in text
