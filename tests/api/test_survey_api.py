"""The survey's API: surveys, questions and statistics (public); returns (partner keys and
project members only).

The statistics tests here check the arithmetic on four returns, with disclosure control set to
hide nothing (a threshold of 1 area); tests/surveys/test_disclosure.py checks what it hides."""

import csv
import io
from collections import Counter
from typing import Any

import pytest
from rest_framework.test import APIClient

from areas.models import LocalAuthority, Region
from surveys.models import ResponseStatus
from tests.factories import UserFactory
from tests.queries import assert_query_count_flat, count_queries
from tests.surveys.factories import survey_with_every_kind
from tests.surveys.statistics_returns import (
    ROWS,
    SECRET_TEXT,
    SECRET_TEXT_2,
    enter_return,
    enter_rows,
    submitted_rows,
)

pytestmark = pytest.mark.django_db

RESPONSES = "/api/v1/survey-responses/"


@pytest.fixture(autouse=True)
def show_every_figure(settings):
    settings.DISCLOSURE_MIN_AREAS = 1


@pytest.fixture
def survey(register, staff_user):
    survey = survey_with_every_kind(title="Survey of arrangements", slug="arrangements")
    enter_rows(survey, staff_user)
    return survey


def _get(client: APIClient, url: str, params: dict[str, Any] | None = None) -> Any:
    response = client.get(url, params or {})
    assert response.status_code == 200, response.content
    return response.json()


def _areas(data: dict[str, Any]) -> list[str]:
    return sorted(row["local_authority"] for row in data["results"])


# ----- Surveys and questions -----------------------------------------------


def test_the_survey_list_is_public_with_counts_of_questions_and_submitted_returns(
    api_client, survey
):
    data = _get(api_client, "/api/v1/surveys/")

    assert data["count"] == 1
    listed = data["results"][0]
    assert {k: listed[k] for k in ("slug", "title", "sent_on", "closes_on")} == {
        "slug": "arrangements",
        "title": "Survey of arrangements",
        "sent_on": "2012-10-15",
        "closes_on": "2012-11-30",
    }
    assert listed["is_illustrative"] is False
    assert listed["question_count"] == 6
    assert listed["submitted_count"] == len(submitted_rows())
    assert _get(api_client, listed["url"])["slug"] == "arrangements"


def test_a_survey_s_questions_come_in_order_with_their_choices(api_client, survey):
    questions = _get(api_client, "/api/v1/surveys/arrangements/questions/")

    assert [q["code"] for q in questions] == ["Q1", "Q2", "Q3", "Q4", "Q5", "Q6"]
    q2 = questions[1]
    assert q2 == {
        "code": "Q2",
        "text": "Which model?",
        "hint": "",
        "kind": "single_choice",
        "required": True,
        "order": 2,
        "section": "",
        "choices": ["MASH", "Co-located team", "Other"],
        "min_value": None,
        "min_exclusive": False,
        "max_value": None,
        "unit": "",
        "earliest_date": None,
        "latest_date": None,
        "max_length": None,
    }
    assert questions[0]["choices"] == ["Yes", "No"]
    assert questions[5]["choices"] == []


def test_an_unknown_survey_is_not_found(api_client, db):
    assert api_client.get("/api/v1/surveys/nothing/").status_code == 404
    assert api_client.get("/api/v1/surveys/nothing/statistics/").status_code == 404


# ----- Statistics ----------------------------------------------------------


def test_statistics_give_the_response_rates_overall_and_by_region(api_client, survey):
    stats = _get(api_client, "/api/v1/surveys/arrangements/statistics/")

    returned = len(submitted_rows())
    assert stats["response_rate"] == {
        "returned": returned,
        "total": 152,
        "percent": round(100 * returned / 152, 1),
        "not_shown": None,
    }
    by_region = {r["name"]: (r["returned"], r["total"]) for r in stats["response_rate_by_region"]}
    regions = Counter(
        LocalAuthority.objects.get(name=row.area).region.name for row in submitted_rows()
    )
    assert by_region["North East"] == (regions["North East"], 12)
    assert by_region["London"] == (regions["London"], 33)
    assert len(by_region) == 9


def test_statistics_give_each_closed_and_number_question_s_figures(api_client, survey):
    stats = _get(api_client, "/api/v1/surveys/arrangements/statistics/")

    questions = {q["code"]: q for q in stats["questions"]}
    rows = submitted_rows()
    assert set(questions) == {"Q1", "Q2", "Q3", "Q4"}
    yes = sum(row.answers["Q1"] == "Yes" for row in rows)
    assert questions["Q1"]["answered"] == len(rows)
    assert questions["Q1"]["choices"] == [
        {"value": "Yes", "count": yes, "percent": round(100 * yes / len(rows), 1)},
        {
            "value": "No",
            "count": len(rows) - yes,
            "percent": round(100 * (len(rows) - yes) / len(rows), 1),
        },
    ]
    assert questions["Q3"]["multiple"] is True
    health = sum("Health" in row.answers["Q3"] for row in rows)
    assert questions["Q3"]["choices"][1] == {
        "value": "Health",
        "count": health,
        "percent": round(100 * health / len(rows), 1),
    }
    numbers = [float(row.answers["Q4"]) for row in rows]
    assert float(questions["Q4"]["mean"]) == round(sum(numbers) / len(numbers), 1)
    assert "minimum" not in questions["Q4"] and "maximum" not in questions["Q4"]
    assert {q["not_shown"] for q in questions.values()} == {None}


def test_statistics_follow_the_region_and_type_filters(api_client, survey):
    by_code = _get(api_client, "/api/v1/surveys/arrangements/statistics/", {"region": "E12000001"})
    by_slug = _get(api_client, "/api/v1/surveys/arrangements/statistics/", {"region": "north-east"})
    by_type = _get(
        api_client, "/api/v1/surveys/arrangements/statistics/", {"type": "london_borough"}
    )

    north_east = [row for row in submitted_rows() if row.area != "Camden"]
    assert by_code == by_slug
    assert by_code["filters"] == {"region": "E12000001", "type": ""}
    assert by_code["response_rate"]["returned"] == len(north_east)
    assert by_code["response_rate"]["total"] == 12
    assert [r["name"] for r in by_code["response_rate_by_region"]] == ["North East"]
    q1 = {c["value"]: c["count"] for c in by_code["questions"][0]["choices"]}
    assert q1 == dict(Counter(row.answers["Q1"] for row in north_east))
    assert by_type["response_rate"] == {
        "returned": 1,
        "total": 32,
        "percent": 3.1,
        "not_shown": None,
    }


def test_a_statistics_filter_with_an_unknown_value_is_a_bad_request_saying_why(api_client, survey):
    response = api_client.get("/api/v1/surveys/arrangements/statistics/", {"region": "Mars"})
    bad_type = api_client.get("/api/v1/surveys/arrangements/statistics/", {"type": "parish"})

    assert response.status_code == 400
    assert "region" in response.json()
    assert "ONS code" in response.json()["region"][0]
    assert bad_type.status_code == 400
    assert "type" in bad_type.json()


def test_public_endpoints_never_show_free_text_or_answers_by_area(api_client, survey):
    urls = [
        "/api/v1/surveys/",
        "/api/v1/surveys/arrangements/",
        "/api/v1/surveys/arrangements/questions/",
        "/api/v1/surveys/arrangements/statistics/",
        "/api/v1/surveys/arrangements/statistics/?region=E12000001",
    ]
    for url in urls:
        body = api_client.get(url).content.decode()
        assert SECRET_TEXT not in body and SECRET_TEXT_2 not in body, url
        assert "Gateshead" not in body and "E08000037" not in body, url


# ----- Returns: who may read them ------------------------------------------


def test_anonymous_callers_cannot_read_returns(api_client, survey):
    response = api_client.get(RESPONSES)

    assert response.status_code in (401, 403)
    assert SECRET_TEXT not in response.content.decode()


def test_a_signed_in_user_without_a_project_role_cannot_read_returns(api_client, survey):
    api_client.force_login(UserFactory.create())

    assert api_client.get(RESPONSES).status_code == 403


def test_partner_keys_see_submitted_returns_only(partner_client, survey):
    data = _get(partner_client, RESPONSES)

    assert _areas(data) == sorted(row.area for row in submitted_rows())
    assert {row["status"] for row in data["results"]} == {"submitted"}
    assert _get(partner_client, RESPONSES, {"status": "draft"})["count"] == 0


def test_project_members_see_every_return_drafts_included(staff_api, survey):
    data = _get(staff_api, RESPONSES)

    assert _areas(data) == sorted(row.area for row in ROWS)
    drafts = _get(staff_api, RESPONSES, {"status": "draft"})
    assert _areas(drafts) == [row.area for row in ROWS if not row.submitted]


def test_the_api_is_read_only_for_returns(staff_api, partner_client, survey):
    assert staff_api.post(RESPONSES, {}).status_code in (403, 405)
    assert partner_client.post(RESPONSES, {}).status_code in (403, 405)


# ----- Returns: what they hold ---------------------------------------------


def test_a_return_carries_its_area_codes_status_and_answers_by_question_code(
    partner_client, survey
):
    data = _get(partner_client, RESPONSES, {"authority": "E08000037"})

    (gateshead,) = data["results"]
    area = LocalAuthority.objects.get(name="Gateshead")
    assert {
        k: gateshead[k]
        for k in (
            "survey",
            "local_authority",
            "gss_code",
            "dfe_code",
            "region_code",
            "region_name",
            "status",
        )
    } == {
        "survey": "arrangements",
        "local_authority": "Gateshead",
        "gss_code": area.gss_code,
        "dfe_code": area.dfe_code,
        "region_code": "E12000001",
        "region_name": "North East",
        "status": "submitted",
    }
    assert gateshead["submitted_at"]
    assert list(gateshead["answers"].items()) == [
        ("Q1", "Yes"),
        ("Q2", "MASH"),
        ("Q3", "Police; Health"),
        ("Q4", "100"),
        ("Q6", SECRET_TEXT),
    ]


@pytest.mark.parametrize("code", ["E08000037", "E08000020", "390", "e08000037"])
def test_returns_filter_by_any_of_an_authority_s_codes(partner_client, survey, code):
    assert _areas(_get(partner_client, RESPONSES, {"authority": code})) == ["Gateshead"]


@pytest.mark.parametrize("region", ["E12000001", "north-east"])
def test_returns_filter_by_region_code_or_slug(partner_client, survey, region):
    data = _get(partner_client, RESPONSES, {"region": region})

    north_east = set(
        LocalAuthority.objects.filter(region__code="E12000001").values_list("name", flat=True)
    )
    assert _areas(data) == sorted(r.area for r in submitted_rows() if r.area in north_east)


def test_returns_filter_by_survey(partner_client, survey, staff_user):
    other = survey_with_every_kind(slug="other")
    enter_return(
        other,
        LocalAuthority.objects.get(name="Kent"),
        {"Q1": "Yes", "Q2": "MASH", "Q3": "Police", "Q4": "5"},
        staff_user,
        submit=True,
    )

    assert _areas(_get(partner_client, RESPONSES, {"survey": "other"})) == ["Kent"]
    assert _get(partner_client, RESPONSES, {"survey": "arrangements"})["count"] == 4
    assert _get(partner_client, RESPONSES)["count"] == 5


def test_an_unknown_status_is_a_bad_request(partner_client, survey):
    response = partner_client.get(RESPONSES, {"status": "lost"})

    assert response.status_code == 400
    assert "status" in response.json()


def test_returns_are_paginated(partner_client, survey):
    first = _get(partner_client, RESPONSES, {"page_size": 3})

    assert first["count"] == 4
    assert len(first["results"]) == 3
    second = _get(partner_client, first["next"])
    assert len(second["results"]) == 1


# ----- Returns as CSV ------------------------------------------------------


def _csv(client: APIClient, params: dict[str, Any]) -> tuple[list[str], list[dict[str, str]]]:
    response = client.get(RESPONSES, {**params, "format": "csv"})
    assert response.status_code == 200, response.content
    assert response["Content-Type"].startswith("text/csv")
    reader = csv.DictReader(io.StringIO(response.content.decode("utf-8")))
    rows = list(reader)
    return list(reader.fieldnames or []), rows


def test_csv_has_one_column_per_question_code_in_question_order(partner_client, survey):
    header, rows = _csv(partner_client, {"survey": "arrangements"})

    assert header[: header.index("answers.Q1")] == [
        "id",
        "survey",
        "local_authority",
        "gss_code",
        "dfe_code",
        "region_code",
        "region_name",
        "status",
        "submitted_at",
        "updated_at",
    ]
    assert header[header.index("answers.Q1") :] == [f"answers.Q{n}" for n in range(1, 7)]
    by_area = {row["local_authority"]: row for row in rows}
    assert set(by_area) == {row.area for row in submitted_rows()}
    newcastle = by_area["Newcastle upon Tyne"]
    assert newcastle["answers.Q3"] == "Police"
    assert newcastle["answers.Q5"] == "2011-04-01"
    assert newcastle["answers.Q6"] == ""
    assert by_area["Camden"]["answers.Q3"] == "Police; Health; Education"


def test_csv_neutralises_an_answer_a_spreadsheet_would_run_as_a_formula(
    partner_client, survey, staff_user
):
    enter_return(
        survey,
        LocalAuthority.objects.get(name="Hackney"),
        {"Q1": "Yes", "Q2": "MASH", "Q3": "Police", "Q4": "1", "Q6": "=HYPERLINK(evil)"},
        staff_user,
        submit=True,
    )

    _, rows = _csv(partner_client, {"authority": "E09000012"})

    assert rows[0]["answers.Q6"] == "'=HYPERLINK(evil)"


# ----- Query counts --------------------------------------------------------


def _more_returns(survey, user, count: int) -> None:
    region = Region.objects.get(code="E12000009")
    for authority in LocalAuthority.objects.filter(region=region).exclude(
        survey_responses__survey=survey
    )[:count]:
        enter_return(
            survey,
            authority,
            {"Q1": "No", "Q2": "Other", "Q3": "Health; Police", "Q4": "3", "Q6": "Words"},
            user,
            submit=True,
        )


@pytest.mark.parametrize("fmt", ["json", "csv"])
def test_the_returns_list_s_query_count_does_not_grow_with_the_returns(
    partner_client, survey, staff_user, fmt
):
    assert_query_count_flat(
        lambda: partner_client.get(RESPONSES, {"format": fmt, "page_size": 100}),
        lambda: _more_returns(survey, staff_user, 6),
        message=f"the returns list as {fmt}",
    )


@pytest.mark.parametrize("fmt", ["json", "csv"])
def test_a_page_of_3_or_of_30_returns_takes_the_same_queries(
    partner_client, register, staff_user, django_assert_num_queries, fmt
):
    survey = survey_with_every_kind(slug="counted")
    areas = iter(LocalAuthority.objects.order_by("name"))
    answers = {"Q1": "No", "Q2": "Other", "Q3": "Health; Police", "Q4": "3", "Q6": "Words"}

    def returns_up_to(count: int) -> None:
        while survey.responses.count() < count:
            enter_return(survey, next(areas), answers, staff_user, submit=True)

    def page() -> Any:  # the JSON page's results, or the CSV's bytes
        response = partner_client.get(RESPONSES, {"format": fmt, "page_size": 100})
        return response.json()["results"] if fmt == "json" else response.content

    returns_up_to(3)
    three = count_queries(page)
    returns_up_to(30)

    # The key, the page's count, its returns, their answers (values, in one query), and
    # for CSV the questions' codes for the columns.
    assert three == (5 if fmt == "csv" else 4)
    with django_assert_num_queries(three):
        results = page()
    if fmt == "json":
        assert len(results) == 30
        assert {tuple(r["answers"].items()) for r in results} == {
            (("Q1", "No"), ("Q2", "Other"), ("Q3", "Police; Health"), ("Q4", "3"), ("Q6", "Words"))
        }
    else:
        assert isinstance(results, bytes)
        assert results.count(b"No,Other,Police; Health,3,,Words") == 30


def test_the_survey_list_and_statistics_query_counts_do_not_grow_with_the_returns(
    api_client, survey, staff_user
):
    def both() -> None:
        api_client.get("/api/v1/surveys/")
        api_client.get("/api/v1/surveys/arrangements/statistics/")

    assert_query_count_flat(both, lambda: _more_returns(survey, staff_user, 6))


def test_the_schema_documents_the_survey_endpoints(api_client, db):
    schema = api_client.get("/api/v1/schema/", {"format": "json"}).json()

    paths = schema["paths"]
    for path in (
        "/api/v1/surveys/",
        "/api/v1/surveys/{slug}/",
        "/api/v1/surveys/{slug}/questions/",
        "/api/v1/surveys/{slug}/statistics/",
        "/api/v1/survey-responses/",
    ):
        assert path in paths, path
    filters = {p["name"] for p in paths["/api/v1/survey-responses/"]["get"]["parameters"]}
    assert {"survey", "region", "authority", "status"} <= filters
    assert ResponseStatus.SUBMITTED in str(paths["/api/v1/survey-responses/"])


def test_the_survey_list_as_csv_has_its_columns_in_field_order(api_client, survey):
    response = api_client.get("/api/v1/surveys/", {"format": "csv"})

    assert response.status_code == 200
    header, row = list(csv.reader(io.StringIO(response.content.decode())))[:2]
    assert header[:3] == ["url", "slug", "title"]
    assert row[header.index("submitted_count")] == str(len(submitted_rows()))
