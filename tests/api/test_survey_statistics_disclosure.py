"""Disclosure control in the public survey API: the statistics, under every filter, and the
survey list (JSON and CSV) give no count of fewer than 5 areas, nor one that can be worked
out from the others, and never one area's lowest or highest number."""

import csv
import io
from collections import Counter

import pytest

from areas.models import LocalAuthority
from tests.surveys.disclosure_checks import (
    assert_nothing_small_shown_or_recoverable,
    every_filter,
    query,
)
from tests.surveys.factories import survey_with_every_kind
from tests.surveys.statistics_returns import SMALL_AREAS, enter_every_return_in, enter_return

pytestmark = pytest.mark.django_db

STATISTICS = "/api/v1/surveys/arrangements/statistics/"
RETURNED = ["London", "South West"]


@pytest.fixture
def survey(register, staff_user, settings):
    settings.DISCLOSURE_MIN_AREAS = 5
    survey = survey_with_every_kind(title="Survey of arrangements", slug="arrangements")
    enter_every_return_in(survey, staff_user, RETURNED)
    return survey


def _true_counts() -> dict[tuple[str, str], int]:
    counts: Counter[tuple[str, str]] = Counter()
    for region, kind in LocalAuthority.objects.filter(region__name__in=RETURNED).values_list(
        "region__code", "type"
    ):
        for cell in ((region, kind), (region, ""), ("", kind), ("", "")):
            counts[cell] += 1
    return dict(counts)


def test_the_city_of_london_s_figures_are_not_given(api_client, survey):
    stats = api_client.get(STATISTICS, {"type": "city_of_london"}).json()

    assert stats["minimum_areas"] == 5
    assert stats["not_shown"] == "Fewer than 5 areas: not shown"
    assert stats["response_rate"] == {
        "returned": None,
        "total": 1,
        "percent": None,
        "not_shown": "Fewer than 5 areas: not shown",
    }
    for question in stats["questions"]:
        assert question["answered"] is None and question["choices"] == [], question
        assert question["mean"] is None
        assert question["not_shown"] == "Fewer than 5 areas: not shown"


def test_london_s_boroughs_are_not_given_as_london_less_them_is_the_city(api_client, survey):
    stats = api_client.get(STATISTICS, {"type": "london_borough"}).json()

    assert stats["not_shown"].startswith("Not shown, so that figures for fewer than 5 areas")
    assert stats["response_rate"]["returned"] is None


def test_no_filter_gives_a_figure_for_fewer_than_5_areas_or_one_that_gives_it_away(
    api_client, survey
):
    returned: dict[tuple[str, str], int | None] = {}
    answered: dict[str, dict[tuple[str, str], int | None]] = {}
    for cell in every_filter():
        response = api_client.get(STATISTICS, query(cell))
        assert response.status_code == 200, cell
        body = response.content.decode()
        assert all(f'"{number}' not in body for number in SMALL_AREAS.values()), cell
        stats = response.json()
        returned[cell] = stats["response_rate"]["returned"]
        for row in stats["response_rate_by_region"]:
            count = row["returned"]
            assert count is None or count == 0 or count >= 5, (cell, row)
        for question in stats["questions"]:
            assert "minimum" not in question and "maximum" not in question
            answered.setdefault(question["code"], {})[cell] = question["answered"]
            if question["answered"] is None:
                assert question["choices"] == [] and question["mean"] is None

    true = _true_counts()
    assert_nothing_small_shown_or_recoverable(returned, true, "returns")
    for code, figures in answered.items():
        assert_nothing_small_shown_or_recoverable(figures, true, f"answers to {code}")


def test_the_survey_list_gives_no_count_of_fewer_than_5_returns(
    api_client, register, staff_user, settings
):
    settings.DISCLOSURE_MIN_AREAS = 5
    survey = survey_with_every_kind(slug="few")
    authority = LocalAuthority.objects.get(name="Camden")
    answers = {"Q1": "Yes", "Q2": "MASH", "Q3": "Police", "Q4": "3"}
    enter_return(survey, authority, answers, staff_user, submit=True)

    listed = api_client.get("/api/v1/surveys/").json()["results"][0]
    as_csv = api_client.get("/api/v1/surveys/", {"format": "csv"}).content.decode()

    assert listed["submitted_count"] is None
    header, row = list(csv.reader(io.StringIO(as_csv)))[:2]
    assert row[header.index("submitted_count")] == ""
