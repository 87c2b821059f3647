"""The public statistics pages: the list of surveys and each survey's figures.

Expected figures are worked out here from the rows in statistics_returns.ROWS, not by
calling the queries the page uses. With only four returns, these tests set disclosure control
to hide nothing (a threshold of 1 area); test_disclosure.py checks what it hides.
"""

from collections import Counter

import pytest
from django.test import Client

from areas.models import AuthorityType, LocalAuthority, Region
from tests.areas.pages import Element, map_links, parse, table_rows
from tests.factories import LocalAuthorityFactory
from tests.queries import assert_query_count_flat

from .factories import SurveyFactory, survey_with_every_kind
from .statistics_returns import (
    ROWS,
    SECRET_TEXT,
    SECRET_TEXT_2,
    Row,
    enter_return,
    enter_rows,
    submitted_rows,
)

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def show_every_figure(settings):
    settings.DISCLOSURE_MIN_AREAS = 1


@pytest.fixture
def survey(register, staff_user):
    survey = survey_with_every_kind(title="Survey of arrangements", slug="arrangements")
    enter_rows(survey, staff_user)
    return survey


def _page(client: Client, url: str) -> Element:
    response = client.get(url)
    assert response.status_code == 200, url
    return parse(response.content)


def _by_id(page: Element, element_id: str) -> Element:
    found = [el for el in page.iter() if el.attrs.get("id") == element_id]
    assert found, f"nothing with id {element_id!r} on the page"
    return found[0]


def _has_id(page: Element, element_id: str) -> bool:
    return any(el.attrs.get("id") == element_id for el in page.iter())


def _region_of(row: Row) -> str:
    return LocalAuthority.objects.get(name=row.area).region.name


def _percent(count: int, base: int) -> str:
    return f"{round(100 * count / base, 1):g}%"


def _answer_table(page: Element, code: str) -> dict[str, tuple[int, str]]:
    """The table beside a question's chart: answer → (areas, percentage)."""
    table = _by_id(page, f"question-{code}").find("table")
    return {row[0]: (int(row[1]), row[2]) for row in table_rows(table)}


def _expected_single(rows: list[Row], code: str, choices: list[str]) -> dict[str, tuple[int, str]]:
    answered = [row for row in rows if row.answers.get(code)]
    counts = Counter(row.answers[code] for row in answered)
    return {c: (counts[c], _percent(counts[c], len(answered))) for c in choices}


def _expected_multiple(
    rows: list[Row], code: str, choices: list[str]
) -> dict[str, tuple[int, str]]:
    answered = [row for row in rows if row.answers.get(code)]
    counts = Counter(part.strip() for row in answered for part in row.answers[code].split(";"))
    return {c: (counts[c], _percent(counts[c], len(answered))) for c in choices}


# ----- The list of surveys ---------------------------------------------------


def test_the_survey_list_shows_each_survey_with_its_dates_and_submitted_returns(client, survey):
    page = _page(client, "/survey/")

    rows = table_rows(page.find("table", "govuk-table"))
    assert rows == [["Survey of arrangements", "15 October 2012", "30 November 2012", "4"]]
    assert len(submitted_rows()) == 4
    link = page.find("table").find("a")
    assert link.attrs["href"] == "/survey/arrangements/"


def test_the_survey_list_counts_each_return_once_however_many_questions(client, survey):
    # The survey has six questions; a join of returns and questions would count 24.
    page = _page(client, "/survey/")

    assert table_rows(page.find("table"))[0][-1] == str(len(submitted_rows()))


def test_the_survey_list_tags_an_illustrative_survey(client, db):
    SurveyFactory.create(title="Made-up survey", is_illustrative=True)
    SurveyFactory.create(title="Real survey")

    page = _page(client, "/survey/")

    cells = {row[0] for row in table_rows(page.find("table"))}
    assert "Made-up survey Illustrative demonstration content, not the project's data" in cells
    assert "Real survey" in cells


def test_the_survey_list_says_when_there_is_no_survey(client, db):
    page = _page(client, "/survey/")

    assert "No survey has been set up yet." in page.text()


# ----- Response rates ------------------------------------------------------


def test_the_statistics_page_is_public_and_gives_the_overall_response_rate(client, survey):
    page = _page(client, "/survey/arrangements/")

    returned = len(submitted_rows())
    total = LocalAuthority.objects.count()
    assert f"{returned} of {total} areas ({_percent(returned, total)}) have submitted a return" in (
        page.text()
    )


def test_the_response_rate_table_gives_each_region_its_returns_and_areas(client, survey):
    page = _page(client, "/survey/arrangements/")

    returned = Counter(_region_of(row) for row in submitted_rows())
    totals = Counter(LocalAuthority.objects.values_list("region__name", flat=True))
    table = _by_id(page, "response-rates")
    in_code_order = Region.objects.order_by("code").values_list("name", flat=True)
    assert table_rows(table) == [
        [name, str(returned[name]), str(totals[name]), _percent(returned[name], totals[name])]
        for name in in_code_order
    ]
    assert table.find("tfoot").text() == f"England 4 152 {_percent(4, 152)}"


def test_the_region_map_links_each_region_to_its_page_with_its_response_rate(client, survey):
    page = _page(client, "/survey/arrangements/")

    returned = Counter(_region_of(row) for row in submitted_rows())
    links = map_links(page)
    assert len(links) == 9
    for link in links:
        name, _, value = link.attrs["aria-label"].partition(": ")
        region = Region.objects.get(name=name)
        total = region.authorities.count()
        assert value == f"{_percent(returned[name], total)} ({returned[name]} of {total} areas)"
        assert link.attrs["href"] == region.get_absolute_url()
    legend = page.find("ul", "app-map__legend").text()
    assert "%" in legend


# ----- Answers -------------------------------------------------------------


def test_each_closed_question_has_a_chart_and_a_table_of_areas_and_percentages(client, survey):
    page = _page(client, "/survey/arrangements/")

    rows = submitted_rows()
    assert _answer_table(page, "Q1") == _expected_single(rows, "Q1", ["Yes", "No"])
    assert _answer_table(page, "Q2") == _expected_single(
        rows, "Q2", ["MASH", "Co-located team", "Other"]
    )
    for code in ("Q1", "Q2", "Q3"):
        chart = _by_id(page, f"question-{code}").find("svg", "app-chart")
        assert chart.attrs["role"] == "img"
        assert len(chart.find_all("rect", "app-chart__bar")) == len(_answer_table(page, code))


def test_a_chart_s_text_alternative_gives_every_figure(client, survey):
    page = _page(client, "/survey/arrangements/")

    description = _by_id(page, "chart-Q1-desc").text()
    expected = _expected_single(submitted_rows(), "Q1", ["Yes", "No"])
    assert description == "; ".join(f"{k}: {n} ({p})" for k, (n, p) in expected.items())


def test_multiple_choice_percentages_are_of_areas_and_the_page_says_they_could_choose_several(
    client, survey
):
    page = _page(client, "/survey/arrangements/")

    figure = _by_id(page, "question-Q3")
    assert _answer_table(page, "Q3") == _expected_multiple(
        submitted_rows(), "Q3", ["Police", "Health", "Education"]
    )
    assert "Areas could choose more than one answer" in figure.text()
    assert "Areas could choose more than one answer" not in _by_id(page, "question-Q1").text()


def _quartile(numbers: list[float], p: float) -> str:
    """The textbook inclusive quartile: linear between the two nearest ranks."""
    ordered = sorted(numbers)
    position = (len(ordered) - 1) * p
    low = int(position)
    high = min(low + 1, len(ordered) - 1)
    value = ordered[low] + (ordered[high] - ordered[low]) * (position - low)
    return f"{round(value, 2):g}"


def test_a_number_question_shows_the_mean_median_and_quartiles_but_no_one_area_s_number(
    client, survey
):
    page = _page(client, "/survey/arrangements/")

    numbers = [float(row.answers["Q4"]) for row in submitted_rows()]
    figure = _by_id(page, "question-Q4")
    mean = round(sum(numbers) / len(numbers), 1)
    quartiles = [_quartile(numbers, p) for p in (0.25, 0.5, 0.75)]
    assert table_rows(figure.find("table")) == [[str(len(numbers)), f"{mean:g}", *quartiles]]
    assert quartiles == ["43.88", "75", "150"]  # the rows' 25.5, 50, 100 and 300
    assert "Lowest" not in figure.text() and "Highest" not in figure.text()


def test_project_members_also_see_the_lowest_and_highest_number(staff_client, survey):
    page = _page(staff_client, "/survey/arrangements/")

    numbers = [float(row.answers["Q4"]) for row in submitted_rows()]
    mean = round(sum(numbers) / len(numbers), 1)
    quartiles = [_quartile(numbers, p) for p in (0.25, 0.5, 0.75)]
    assert table_rows(_by_id(page, "question-Q4").find("table")) == [
        [str(len(numbers)), f"{mean:g}", *quartiles, f"{min(numbers):g}", f"{max(numbers):g}"]
    ]


def test_drafts_count_nowhere(client, survey):
    page = _page(client, "/survey/arrangements/")

    draft = next(row for row in ROWS if not row.submitted)
    q4 = table_rows(_by_id(page, "question-Q4").find("table"))[0]
    assert draft.answers["Q4"] not in q4
    assert "South East 0 19 0%" in _by_id(page, "response-rates").text()


def test_a_question_nobody_answered_says_so_instead_of_a_chart(client, register):
    survey_with_every_kind(slug="empty")

    page = _page(client, "/survey/empty/")

    figure = _by_id(page, "question-Q1")
    assert "No area has answered this question." in figure.text()
    assert not figure.find_all("svg")


# ----- Free text and per-area answers are never public ---------------------


def test_free_text_answers_never_appear_on_the_statistics_page(client, survey, staff_user):
    public = client.get("/survey/arrangements/").content.decode()
    client.force_login(staff_user)
    members = client.get("/survey/arrangements/").content.decode()

    for html in (public, members):
        assert SECRET_TEXT not in html
        assert SECRET_TEXT_2 not in html
        assert "Barriers?" not in html  # the free-text question has no figure at all
    assert "Answers written in the areas' own words (1 question) are not published." in public


def test_signed_out_visitors_see_no_answer_by_area(client, survey):
    page = _page(client, "/survey/arrangements/")

    assert not _has_id(page, "answers-by-area")
    assert not _has_id(page, "area-answers")
    assert not _has_id(page, "answers-map")
    assert len(map_links(page)) == 9, "only the regions map"
    # Nothing links to a single area's return.
    assert "/returns/" not in page.text() and not [
        a for a in page.find_all("a") if "/returns/" in a.attrs.get("href", "")
    ]


def test_a_signed_in_user_without_a_role_sees_no_answer_by_area(client, survey):
    from tests.factories import UserFactory

    client.force_login(UserFactory.create())
    page = _page(client, "/survey/arrangements/")

    assert not _has_id(page, "area-answers")


# ----- Filters -------------------------------------------------------------


def test_a_region_filter_narrows_every_figure(client, survey):
    north_east = Region.objects.get(name="North East")
    page = _page(client, f"/survey/arrangements/?region={north_east.code}")

    rows = [row for row in submitted_rows() if _region_of(row) == "North East"]
    total = north_east.authorities.count()
    assert f"{len(rows)} of {total} areas ({_percent(len(rows), total)})" in page.text()
    assert [row[0] for row in table_rows(_by_id(page, "response-rates"))] == ["North East"]
    assert _answer_table(page, "Q1") == _expected_single(rows, "Q1", ["Yes", "No"])
    assert _answer_table(page, "Q3") == _expected_multiple(
        rows, "Q3", ["Police", "Health", "Education"]
    )
    numbers = [float(row.answers["Q4"]) for row in rows]
    assert table_rows(_by_id(page, "question-Q4").find("table"))[0][0] == str(len(numbers))


def test_an_authority_type_filter_narrows_every_figure(client, survey):
    page = _page(client, "/survey/arrangements/?type=metropolitan_district")

    districts = set(
        LocalAuthority.objects.filter(type=AuthorityType.METROPOLITAN_DISTRICT).values_list(
            "name", flat=True
        )
    )
    rows = [row for row in submitted_rows() if row.area in districts]
    assert len(rows) == 2
    assert f"{len(rows)} of {len(districts)} areas" in page.text()
    assert _answer_table(page, "Q2") == _expected_single(
        rows, "Q2", ["MASH", "Co-located team", "Other"]
    )


def test_both_filters_together_narrow_to_areas_matching_both(client, survey):
    page = _page(client, "/survey/arrangements/?region=E12000007&type=county")

    assert "0 of 0 areas" in page.text()
    assert "No area has answered this question among the areas in the filter." in (
        _by_id(page, "question-Q1").text()
    )


def test_the_page_says_what_the_figures_are_filtered_to(client, survey):
    unfiltered = _page(client, "/survey/arrangements/")
    filtered = _page(client, "/survey/arrangements/?region=E12000007&type=london_borough")

    assert _by_id(unfiltered, "filter-summary").text() == (
        "Showing figures for every area in England."
    )
    assert _by_id(filtered, "filter-summary").text() == (
        "Showing figures for areas in London of type London borough only."
    )
    clear = [a for a in filtered.find_all("a") if a.text() == "Clear filters"]
    assert clear and clear[0].attrs["href"] == "/survey/arrangements/"
    selected = [o for o in filtered.find_all("option") if "selected" in o.attrs]
    assert [o.text() for o in selected] == ["London", "London borough"]


def test_a_filter_value_from_nowhere_is_reported_and_left_out(client, survey):
    response = client.get("/survey/arrangements/?region=E12999999&type=parish")
    page = parse(response.content)

    assert response.status_code == 200
    assert page.find("title").text().startswith("Error: ")
    summary = page.find("div", "govuk-error-summary").text()
    assert "Select a region from the list" in summary
    assert "Select a type of local authority from the list" in summary
    assert "4 of 152 areas" in page.text()


# ----- Illustrative surveys ------------------------------------------------


def test_an_illustrative_survey_says_it_is_not_the_project_s_data(client, register):
    SurveyFactory.create(slug="made-up", is_illustrative=True)
    SurveyFactory.create(slug="real")

    made_up = _page(client, "/survey/made-up/")
    real = _page(client, "/survey/real/")

    warning = "This survey is illustrative demonstration content, not the project's data."
    assert warning in made_up.find("div", "govuk-warning-text").text()
    assert warning not in real.text()


def test_an_unknown_survey_is_not_found(client, db):
    assert client.get("/survey/no-such-survey/").status_code == 404


# ----- Project members: the map of answers by area -------------------------

AREAS_PAGE = "/survey/arrangements/answers-by-area/"


def test_the_statistics_page_links_members_to_the_answers_by_area_and_shows_none_itself(
    staff_client, survey
):
    page = _page(staff_client, "/survey/arrangements/?region=E12000001")

    links = {a.attrs.get("href") for a in page.find_all("a")}
    assert f"{AREAS_PAGE}?region=E12000001" in links
    assert not _has_id(page, "area-answers")


@pytest.mark.parametrize("signed_in", [False, True])
def test_only_project_members_may_see_the_answers_by_area(client, survey, signed_in):
    from tests.factories import UserFactory

    if signed_in:
        client.force_login(UserFactory.create())  # signed in, without a role
    response = client.get(AREAS_PAGE)

    assert response.status_code in (302, 403, 404)
    assert b"Gateshead" not in response.content


def test_project_members_see_the_map_of_answers_to_the_first_yes_no_or_choice_question(
    staff_client, survey
):
    page = _page(staff_client, AREAS_PAGE)

    answers = {row[0]: row[2] for row in table_rows(_by_id(page, "area-answers"))}
    assert len(answers) == LocalAuthority.objects.count()
    for row in ROWS:
        assert answers[row.area] == (row.answers["Q1"] if row.submitted else "No data")
    assert Counter(answers.values())["No data"] == 152 - len(submitted_rows())
    shapes = _by_id(page, "answers-map-title")
    assert shapes.text() == "Map of the answers to Q1 in each local authority"


def test_the_answers_map_colours_each_answer_and_areas_without_a_return_grey(staff_client, survey):
    page = _page(staff_client, AREAS_PAGE)

    svg = next(s for s in page.find_all("svg", "app-map__svg") if _has_id(s, "answers-map-title"))
    classes = {}
    for link in svg.find_all("a", "app-map__link"):
        name, _, value = link.attrs["aria-label"].partition(": ")
        classes[name] = (value, link.find("path").attrs["class"])
    assert classes["Gateshead"][0] == "Yes"
    assert classes["Northumberland"][0] == "No"
    assert classes["Kent"] == ("No data", "app-map__shape app-map__shape--none")
    assert classes["Gateshead"][1] != classes["Northumberland"][1]
    assert "app-map__shape--none" not in classes["Gateshead"][1]
    legend = [li.text() for li in page.find_all("ul", "app-map__legend")[-1].find_all("li")]
    assert legend == ["Yes", "No", "No data"]


def test_project_members_can_choose_the_question_to_map(staff_client, survey):
    page = _page(staff_client, f"{AREAS_PAGE}?map=Q2")

    answers = {row[0]: row[2] for row in table_rows(_by_id(page, "area-answers"))}
    for row in submitted_rows():
        assert answers[row.area] == row.answers["Q2"]
    options = [o.attrs["value"] for o in _by_id(page, "id_map").find_all("option")]
    assert options == ["Q1", "Q2"], "only yes/no and single-choice questions"


def test_the_map_of_answers_follows_the_filters(staff_client, survey):
    page = _page(staff_client, f"{AREAS_PAGE}?region=E12000001&map=Q1")

    names = {row[0] for row in table_rows(_by_id(page, "area-answers"))}
    assert names == set(
        LocalAuthority.objects.filter(region__code="E12000001").values_list("name", flat=True)
    )


def test_project_members_see_links_to_the_returns_files_and_selection(staff_client, survey):
    members = _page(staff_client, "/survey/arrangements/")
    public = _page(Client(), "/survey/arrangements/")

    wanted = {
        "/survey/arrangements/returns/",
        "/survey/arrangements/import/",
        "/survey/arrangements/returns.csv",
        "/survey/arrangements/returns.xlsx",
        "/survey/arrangements/template.csv",
        "/survey/arrangements/template.xlsx",
        "/survey/arrangements/selection/",
    }
    assert wanted <= {a.attrs.get("href") for a in members.find_all("a")}
    assert not wanted & {a.attrs.get("href") for a in public.find_all("a")}


# ----- Query count ---------------------------------------------------------


def _more_returns(survey, user, count: int) -> None:
    region = Region.objects.get(code="E12000009")
    for i in range(count):
        authority = LocalAuthorityFactory.create(region=region, dfe_code=f"{900 + i}")
        answers = {
            "Q1": "Yes" if i % 2 else "No",
            "Q2": "Other",
            "Q3": "Police; Education",
            "Q4": str(10 + i),
            "Q6": "Some words",
        }
        enter_return(survey, authority, answers, user, submit=True)


def test_the_statistics_page_s_query_count_does_not_grow_with_the_returns(
    client, survey, staff_user
):
    count = assert_query_count_flat(
        lambda: client.get("/survey/arrangements/?map=Q2"),
        lambda: _more_returns(survey, staff_user, 6),
        message="the public statistics page",
    )
    assert count <= 12


def test_the_members_statistics_page_s_query_count_does_not_grow_with_the_returns(
    client, survey, staff_user
):
    client.force_login(staff_user)
    count = assert_query_count_flat(
        lambda: client.get("/survey/arrangements/?map=Q2&region=E12000009"),
        lambda: _more_returns(survey, staff_user, 6),
        message="the members' statistics page",
    )
    assert count <= 20


def test_the_survey_list_s_query_count_does_not_grow_with_the_surveys(client, survey, staff_user):
    def more() -> None:
        for _ in range(3):
            other = survey_with_every_kind()
            enter_return(
                other,
                LocalAuthority.objects.get(name="Camden"),
                {"Q1": "Yes", "Q2": "MASH", "Q3": "Police", "Q4": "1"},
                staff_user,
                submit=True,
            )

    assert_query_count_flat(lambda: client.get("/survey/"), more, message="the survey list")
