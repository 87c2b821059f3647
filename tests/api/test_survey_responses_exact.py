"""/api/v1/survey-responses/ to the byte: every return's answers in JSON (their order too)
and the whole CSV body, pinned so that how the answers are read can change without changing
what a partner system receives."""

from typing import Any

import pytest
from rest_framework.test import APIClient

from areas.models import LocalAuthority
from tests.surveys.factories import survey_with_every_kind
from tests.surveys.statistics_returns import ROWS, enter_return, enter_rows

pytestmark = pytest.mark.django_db

RESPONSES = "/api/v1/survey-responses/"
FORMULA = '=HYPERLINK("http://example.com","x"), and "quotes"'


@pytest.fixture
def survey(register, staff_user):
    survey = survey_with_every_kind(title="Survey of arrangements", slug="arrangements")
    enter_rows(survey, staff_user)
    enter_return(
        survey,
        LocalAuthority.objects.get(name="Hackney"),
        {"Q3": "Education;Police", "Q4": "-0.50", "Q5": "01/02/2012", "Q6": FORMULA},
        staff_user,
        submit=False,
    )
    return survey


EXPECTED = {
    row.area: (row.submitted, list(row.answers.items()))
    for row in sorted(ROWS, key=lambda r: r.area)
} | {
    "Hackney": (
        False,
        [("Q3", "Police; Education"), ("Q4", "-0.5"), ("Q5", "2012-02-01"), ("Q6", FORMULA)],
    )
}


def _json(client: APIClient) -> list[dict[str, Any]]:
    response = client.get(RESPONSES, {"page_size": 500})
    assert response.status_code == 200
    results: list[dict[str, Any]] = response.json()["results"]
    return results


def test_every_return_s_answers_come_in_question_order_as_written_in_a_file(staff_api, survey):
    results = _json(staff_api)

    assert {
        r["local_authority"]: (r["status"] == "submitted", list(r["answers"].items()))
        for r in results
    } == dict(sorted(EXPECTED.items()))
    assert [r["local_authority"] for r in results] == sorted(EXPECTED)


def test_the_csv_is_exactly_these_bytes(staff_api, survey):
    results = {r["local_authority"]: r for r in _json(staff_api)}

    response = staff_api.get(RESPONSES, {"page_size": 500, "format": "csv"})

    def line(area: str, cells: list[str]) -> str:
        r = results[area]
        areas = LocalAuthority.objects.select_related("region").get(name=area)
        quoted = [f'"{c}"' if "," in c else c for c in cells]
        return ",".join(
            [
                str(r["id"]),
                "arrangements",
                area,
                areas.gss_code,
                areas.dfe_code,
                areas.region.code,
                areas.region.name,
                r["status"],
                r["submitted_at"] or "",
                r["updated_at"],
                *quoted,
            ]
        )

    expected = [
        "id,survey,local_authority,gss_code,dfe_code,region_code,region_name,status,"
        "submitted_at,updated_at,answers.Q1,answers.Q2,answers.Q3,answers.Q4,answers.Q5,"
        "answers.Q6",
        line(
            "Camden", ["Yes", "MASH", "Police; Health; Education", "50", "", ROWS[3].answers["Q6"]]
        ),
        line("Gateshead", ["Yes", "MASH", "Police; Health", "100", "", ROWS[0].answers["Q6"]]),
        '{},"\'=HYPERLINK(""http://example.com"",""x""), and ""quotes"""'.format(
            # The API's answers are text, so a negative number is kept from running too.
            line("Hackney", ["", "", "Police; Education", "'-0.5", "2012-02-01"])
        ),
        line("Kent", ["No", "Other", "Health", "999", "", ""]),
        line("Newcastle upon Tyne", ["Yes", "Co-located team", "Police", "300", "2011-04-01", ""]),
        line("Northumberland", ["No", "Other", "Education", "25.5", "", ""]),
    ]
    assert response.content.decode("utf-8") == "\r\n".join(expected) + "\r\n"
