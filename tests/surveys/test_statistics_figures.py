"""Each question's figures beyond the counts: median and quartiles, dates by year, the date the
figures are as at, how many areas answered and did not, and the CSV of each question.

Expected figures are worked out here from the returns the tests enter, never by calling the
queries under test."""

import csv
import datetime as dt
import io
from decimal import Decimal

import pytest
from django.test import Client
from django.utils import timezone

from areas.models import LocalAuthority
from surveys import queries
from surveys.models import Response, ResponseStatus
from surveys.queries import ReturnFilter
from tests.areas.pages import parse, table_rows
from tests.queries import assert_query_count_flat

from .factories import survey_with_every_kind
from .statistics_returns import ROWS, Row, enter_rows, submitted_rows

pytestmark = pytest.mark.django_db

#: Six returns with dates (two areas leave it blank) and numbers, over three regions.
DATED = [
    Row(area, True, {"Q1": q1, "Q2": q2, "Q3": q3, "Q4": q4} | ({"Q5": q5} if q5 else {}))
    for area, q1, q2, q3, q4, q5 in [
        ("Gateshead", "Yes", "MASH", "Police", "10", "2011-04-01"),
        ("Sunderland", "Yes", "MASH", "Police", "20", "2011-12-31"),
        ("County Durham", "No", "Other", "Health", "35", "2012-01-01"),
        ("Camden", "Yes", "MASH", "Police", "40", "2013-06-30"),
        ("Kent", "Yes", "Other", "Education", "55", ""),
        ("Devon", "No", "MASH", "Police", "100", ""),
    ]
]


@pytest.fixture
def survey(register, staff_user):
    survey = survey_with_every_kind(title="Survey of arrangements", slug="arrangements")
    enter_rows(survey, staff_user, DATED)
    return survey


def _statistics(survey, returns=None, *, reveal=False):
    questions = queries.survey_questions(survey)
    return queries.survey_statistics(
        survey, questions, returns or ReturnFilter(), reveal=reveal, by_year=True
    )


def _figure(statistics, code):
    return next(d for d in statistics.distributions if d.question.code == code)


def _page(client: Client, url: str = "/survey/arrangements/"):
    response = client.get(url)
    assert response.status_code == 200
    return parse(response.content)


def _question(page, code):
    return next(el for el in page.iter() if el.attrs.get("id") == f"question-{code}")


def _csv(client: Client, url: str) -> list[list[str]]:
    response = client.get(url)
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    return list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))


def _inclusive_quartiles(numbers: list[Decimal]) -> list[Decimal]:
    """Linear between the two nearest ranks, (n - 1) * p from the lowest."""
    ordered = sorted(numbers)
    cuts = []
    for p in (Decimal("0.25"), Decimal("0.5"), Decimal("0.75")):
        position = (len(ordered) - 1) * p
        low = int(position)
        high = min(low + 1, len(ordered) - 1)
        cuts.append(ordered[low] + (ordered[high] - ordered[low]) * (position - low))
    return [c.quantize(Decimal("0.01")) for c in cuts]


# ----- Median and quartiles --------------------------------------------------


def test_a_number_question_s_median_and_quartiles_are_those_of_the_areas_numbers(survey, settings):
    settings.DISCLOSURE_MIN_AREAS = 5
    q4 = _figure(_statistics(survey), "Q4")

    numbers = [Decimal(row.answers["Q4"]) for row in DATED]
    assert q4.quartiles is not None
    assert [q4.quartiles.lower, q4.quartiles.median, q4.quartiles.upper] == (
        _inclusive_quartiles(numbers)
    )
    assert [q4.quartiles.lower, q4.quartiles.median, q4.quartiles.upper] == [
        Decimal("23.75"),
        Decimal("37.5"),
        Decimal("51.25"),
    ]
    assert q4.minimum is None and q4.maximum is None, "one area's number is never public"


def test_quartiles_over_fewer_areas_than_the_minimum_are_not_published(
    client, staff_client, survey, settings
):
    settings.DISCLOSURE_MIN_AREAS = 5
    north_east = ReturnFilter(region="E12000001")  # Gateshead, Sunderland, Durham: 3 areas

    public = _figure(_statistics(survey, north_east), "Q4")
    members = _figure(_statistics(survey, north_east, reveal=True), "Q4")

    assert public.quartiles is None and public.answered is None
    assert members.quartiles is not None
    assert members.quartiles.median == Decimal("20")
    page = _page(client, "/survey/arrangements/?region=E12000001")
    assert "Median" not in page.text() and "37.5" not in page.text()
    assert not [el for el in page.iter() if el.attrs.get("id") == "question-Q4"]


def test_the_page_prints_the_median_and_quartiles_beside_the_mean(client, survey, settings):
    settings.DISCLOSURE_MIN_AREAS = 5
    page = _page(client)

    numbers = [Decimal(row.answers["Q4"]) for row in DATED]
    mean = (sum(numbers, Decimal(0)) / len(numbers)).quantize(Decimal("0.1"))
    quartiles = [f"{q.normalize():f}" for q in _inclusive_quartiles(numbers)]
    assert table_rows(_question(page, "Q4").find("table")) == [
        [str(len(numbers)), f"{mean.normalize():f}", *quartiles]
    ]


# ----- Dates by year ----------------------------------------------------------


def test_a_date_question_is_charted_by_year_of_the_areas_that_gave_a_date(client, survey, settings):
    settings.DISCLOSURE_MIN_AREAS = 1
    q5 = _figure(_statistics(survey), "Q5")

    years = [row.answers["Q5"][:4] for row in DATED if "Q5" in row.answers]
    assert q5.answered == len(years)
    assert [(bar.label, bar.count, bar.base) for bar in q5.bars] == [
        (year, years.count(year), len(years)) for year in sorted(set(years))
    ]
    page = _page(client)
    figure = _question(page, "Q5")
    assert figure.find("svg", "app-chart") is not None
    assert table_rows(figure.find("table")) == [
        ["2011", "2", "50%"],
        ["2012", "1", "25%"],
        ["2013", "1", "25%"],
    ]


# ----- Figures as at, response base -----------------------------------------


def _set_changed(area: str, when: dt.datetime) -> None:
    Response.objects.filter(local_authority__name=area).update(updated_at=when)


def test_figures_are_as_at_the_latest_change_to_a_return_they_count(client, survey, staff_user):
    base = timezone.make_aware(dt.datetime(2013, 3, 1, 12))
    for i, row in enumerate(DATED):
        _set_changed(row.area, base + dt.timedelta(days=i))
    # A draft changed later is not counted, nor is its change.
    enter_rows(survey, staff_user, [Row("Cornwall", False, {"Q1": "Yes"})])
    _set_changed("Cornwall", base + dt.timedelta(days=40))

    assert _statistics(survey).as_at == base + dt.timedelta(days=len(DATED) - 1)
    north_east = _statistics(survey, ReturnFilter(region="E12000001"))
    assert north_east.as_at == base + dt.timedelta(days=2)  # Durham, the third
    assert "Figures as at 6 March 2013" in _page(client).text()
    assert Response.objects.get(local_authority__name="Cornwall").status == ResponseStatus.DRAFT


def test_each_question_says_how_many_areas_answered_it_and_how_many_did_not(
    client, survey, settings
):
    settings.DISCLOSURE_MIN_AREAS = 1
    page = _page(client)

    dated = sum("Q5" in row.answers for row in DATED)
    assert (
        f"Answered by {dated} of {len(DATED)} areas that submitted a return; "
        f"{len(DATED) - dated} did not answer."
    ) in _question(page, "Q5").text()
    assert (
        f"Answered by {len(DATED)} of {len(DATED)} areas that submitted a return; 0 did not answer."
    ) in _question(page, "Q1").text()
    q5 = _figure(_statistics(survey), "Q5")
    assert (q5.returned, q5.answered, q5.not_answered) == (len(DATED), dated, len(DATED) - dated)


# ----- CSV downloads ----------------------------------------------------------


def test_each_question_s_figures_download_as_csv_as_on_the_page(client, survey, settings):
    settings.DISCLOSURE_MIN_AREAS = 5
    page = _page(client)
    links = {a.attrs.get("href") for a in page.find_all("a")}
    assert {f"/survey/arrangements/{code}.csv" for code in ("Q1", "Q2", "Q3", "Q4")} <= links
    # Only 4 areas gave a date: the public see no figure for it, nor a file.
    assert "/survey/arrangements/Q5.csv" not in links
    assert ["Not shown", "Fewer than 5 areas: not shown"] in _csv(
        client, "/survey/arrangements/Q5.csv"
    )

    rows = _csv(client, "/survey/arrangements/Q1.csv")

    assert rows[0] == ["Question", "Q1. Does the area have a MASH?"]
    assert ["Areas that answered", str(len(DATED))] in rows
    assert ["Areas that did not answer", "0"] in rows
    header = rows.index(["Answer", "Areas", "Percent"])
    yes = sum(row.answers["Q1"] == "Yes" for row in DATED)
    assert rows[header + 1 :] == [
        ["Yes", str(yes), f"{round(100 * yes / len(DATED), 1):g}"],
        ["No", str(len(DATED) - yes), f"{round(100 * (len(DATED) - yes) / len(DATED), 1):g}"],
    ]


def test_a_number_question_s_csv_gives_quartiles_but_the_lowest_and_highest_to_members_only(
    client, staff_client, survey, settings
):
    settings.DISCLOSURE_MIN_AREAS = 5
    public = _csv(client, "/survey/arrangements/Q4.csv")
    members = _csv(staff_client, "/survey/arrangements/Q4.csv")

    assert ["Median", "37.5"] in public and ["Median", "37.5"] in members
    assert not any(row and row[0].startswith(("Lowest", "Highest")) for row in public)
    assert "100" not in {cell for row in public for cell in row}
    assert ["Highest (members only)", "100"] in members


def test_a_csv_hides_what_the_page_hides(client, survey, settings):
    settings.DISCLOSURE_MIN_AREAS = 5

    rows = _csv(client, "/survey/arrangements/Q1.csv?region=E12000001")

    assert ["Areas", "Areas in North East"] in rows
    assert ["Not shown", "Fewer than 5 areas: not shown"] in rows
    cells = {cell for row in rows for cell in row}
    assert not cells & {"Yes", "No", "2", "3"}, "no count for fewer than 5 areas"


def test_a_csv_follows_the_filter(client, survey, settings):
    settings.DISCLOSURE_MIN_AREAS = 1

    rows = _csv(client, "/survey/arrangements/Q1.csv?region=E12000001")

    north_east = [row for row in DATED if row.area in ("Gateshead", "Sunderland", "County Durham")]
    assert ["Areas that answered", str(len(north_east))] in rows
    assert ["No", "1", "33.3"] in rows


@pytest.mark.parametrize("code", ["Q6", "Q99"])
def test_there_is_no_csv_for_free_text_or_an_unknown_question(client, survey, code):
    assert client.get(f"/survey/arrangements/{code}.csv").status_code == 404


# ----- The members' page of answers by area ---------------------------------


def test_project_members_see_each_area_s_answer_on_their_own_page(
    staff_client, register, staff_user
):
    survey = survey_with_every_kind(slug="arrangements")
    enter_rows(survey, staff_user, ROWS)

    page = _page(staff_client, "/survey/arrangements/answers-by-area/?map=Q2")

    answers = {row[0]: row[2] for row in table_rows(page.find("table"))}
    assert len(answers) == LocalAuthority.objects.count()
    for row in submitted_rows():
        assert answers[row.area] == row.answers["Q2"]


# ----- Query counts -----------------------------------------------------------


def _more_returns(survey, user) -> None:
    enter_rows(
        survey,
        user,
        [
            Row(
                area,
                True,
                {"Q1": "No", "Q2": "Other", "Q3": "Health", "Q4": "7", "Q5": "2010-01-01"},
            )
            for area in ("Cornwall", "Plymouth", "Torbay", "Somerset")
        ],
    )


@pytest.mark.parametrize(
    "url", ["/survey/arrangements/Q4.csv", "/survey/arrangements/answers-by-area/?map=Q2"]
)
def test_the_csv_and_the_answers_by_area_take_as_many_queries_however_many_returns(
    staff_client, survey, staff_user, url
):
    assert_query_count_flat(
        lambda: staff_client.get(url), lambda: _more_returns(survey, staff_user), message=url
    )


def test_members_get_the_figures_the_public_do_not_marked_as_not_published(
    staff_client, survey, settings
):
    settings.DISCLOSURE_MIN_AREAS = 5

    rows = _csv(staff_client, "/survey/arrangements/Q1.csv?region=E12000001")

    assert ["Not published", "Fewer than 5 areas: not shown to the public"] in rows
    assert ["Areas that answered", "3"] in rows
