"""What partner systems rely on across every list: `updated_since` for incremental sync, a
validated `ordering`, a 400 naming the parameter for any bad filter value, one pagination
shape, CSV whose links are plain, and the documentation page."""

import csv
import datetime as dt
import io
from typing import Any

import pytest
from django.core.cache import cache
from django.utils import timezone
from rest_framework.settings import api_settings
from rest_framework.test import APIClient

from areas.models import LocalAuthority, Region
from case_studies.models import CaseStudyStatus
from surveys.models import ResponseStatus
from tests.case_studies.factories import CaseStudyFactory, SectionFactory
from tests.findings.factories import ThemeFactory, approved_feedback, approved_visit
from tests.surveys.factories import ResponseFactory, survey_with_every_kind

pytestmark = pytest.mark.django_db

#: Every list endpoint with a filter of its own that takes a closed list of values.
LISTS_WITH_A_FILTER = {
    "/api/v1/regions/": None,
    "/api/v1/local-authorities/": "region",
    "/api/v1/surveys/": None,
    "/api/v1/survey-responses/": "survey",
    "/api/v1/visits/": "authority",
    "/api/v1/feedback/": "model",
    "/api/v1/case-studies/": "region",
    "/api/v1/themes/": "status",
    "/api/v1/findings/": "theme",
    "/api/v1/excerpts/": "clearance",
    "/api/v1/reports/": None,
}
LISTS = list(LISTS_WITH_A_FILTER)
NOT_IN_RECORDS = ("/api/v1/findings/", "/api/v1/excerpts/", "/api/v1/reports/")
PAGINATED = [*LISTS, "/api/v1/figures/"]


def _get(client: APIClient, url: str, params: dict[str, Any] | None = None) -> Any:
    response = client.get(url, params or {})
    assert response.status_code == 200, response.content
    return response.json()


@pytest.fixture
def records(register: None) -> None:
    # Authorities from the register: a factory's made-up codes could be a real one's.
    gateshead, westminster = LocalAuthority.objects.filter(gss_code__in=["E08000037", "E09000033"])
    survey = survey_with_every_kind(slug="mash-2013")
    ResponseFactory.create(
        survey=survey,
        local_authority=gateshead,
        status=ResponseStatus.SUBMITTED,
        submitted_at=timezone.now(),
    )
    approved_feedback(approved_visit(authorities=[westminster]))
    case_study = CaseStudyFactory.create(
        status=CaseStudyStatus.PUBLISHED, published_at=timezone.now()
    )
    SectionFactory.create(case_study=case_study, heading="How it works", body="Daily meetings.")
    ThemeFactory.create()


@pytest.mark.parametrize("url", LISTS)
def test_every_list_takes_updated_since(partner_client, records, url):
    everything = _get(partner_client, url)
    later = (timezone.now() + dt.timedelta(minutes=1)).isoformat()

    assert everything["count"] > 0 or url in NOT_IN_RECORDS, url
    since_2000 = _get(partner_client, url, {"updated_since": "2000-01-01T00:00:00Z"})
    assert (since_2000["count"], since_2000["results"]) == (
        everything["count"],
        everything["results"],
    )
    assert _get(partner_client, url, {"updated_since": later})["count"] == 0


def test_updated_since_returns_only_what_changed_since(partner_client, register):
    london = Region.objects.get(code="E12000007")
    since = timezone.now()
    london.name = "London"
    london.save()

    data = _get(partner_client, "/api/v1/regions/", {"updated_since": since.isoformat()})

    assert [region["code"] for region in data["results"]] == ["E12000007"]
    assert data["results"][0]["updated_at"] >= since.isoformat().replace("+00:00", "Z")


@pytest.mark.parametrize("url", LISTS)
@pytest.mark.parametrize("value", ["yesterday", "2013-02-30T09:00:00", "2013-03-31"])
def test_a_bad_updated_since_is_a_400_naming_it_and_its_format(partner_client, url, value):
    response = partner_client.get(url, {"updated_since": value})

    assert response.status_code == 400
    assert response.json() == {
        "updated_since": [
            "Send updated_since as an ISO 8601 date and time, such as 2013-03-31T09:00:00Z."
        ]
    }


@pytest.mark.parametrize("url", LISTS)
def test_an_unknown_ordering_is_a_400_listing_the_allowed_ones(partner_client, url):
    response = partner_client.get(url, {"ordering": "colour"})

    assert response.status_code == 400
    [message] = response.json()["ordering"]
    assert message.startswith("Send ordering as one of ")
    assert "updated_at, -updated_at" in message


def test_ordering_sorts_by_an_allowed_field(partner_client, register):
    names = [
        r["name"]
        for r in _get(partner_client, "/api/v1/regions/", {"ordering": "-name"})["results"]
    ]

    assert names == sorted(names, reverse=True)


@pytest.mark.parametrize(("url", "name"), [(u, n) for u, n in LISTS_WITH_A_FILTER.items() if n])
def test_a_bad_filter_value_is_a_400_naming_the_filter(partner_client, records, url, name):
    response = partner_client.get(url, {name: "no-such-value"})

    assert response.status_code == 400
    [message] = response.json()[name]
    assert message.startswith("Send ") or message.startswith("No local authority")
    assert message.endswith("or leave it out.")


@pytest.mark.parametrize("url", PAGINATED)
def test_every_list_is_paginated_the_same_way(partner_client, records, url):
    data = _get(partner_client, url, {"page_size": 1})

    assert list(data) == ["count", "next", "previous", "results"]
    assert len(data["results"]) <= 1


@pytest.mark.parametrize("url", [url for url in LISTS if url != "/api/v1/reports/"])
def test_csv_cells_carry_plain_links(partner_client, records, url):
    response = partner_client.get(url, {"format": "csv"})

    assert response.status_code == 200
    text = response.content.decode()
    assert "format=csv" not in text
    if url not in (*NOT_IN_RECORDS[:2], "/api/v1/survey-responses/"):
        assert "http://testserver/api/v1/" in text


def _csv(client: APIClient, url: str) -> list[dict[str, str]]:
    response = client.get(url, {"format": "csv"})
    assert response.status_code == 200, response.content
    assert response["Content-Type"].startswith("text/csv")
    return list(csv.DictReader(io.StringIO(response.content.decode("utf-8"))))


def test_the_case_study_csv_has_each_sections_text(api_client, records):
    [row] = _csv(api_client, "/api/v1/case-studies/")

    assert row["sections"] == "## How it works\n\nDaily meetings."


def test_a_surveys_questions_come_as_csv(api_client, records):
    rows = _csv(api_client, "/api/v1/surveys/mash-2013/questions/")

    assert [row["code"] for row in rows] == ["Q1", "Q2", "Q3", "Q4", "Q5", "Q6"]
    assert rows[1]["choices"] == "MASH; Co-located team; Other"


def test_a_surveys_statistics_come_as_csv(api_client, records):
    rows = _csv(api_client, "/api/v1/surveys/mash-2013/statistics/")

    assert rows[0]["measure"] == "response_rate"
    assert {row["measure"] for row in rows} >= {"response_rate", "answer", "mean"}
    assert {row["code"] for row in rows if row["measure"] == "answer"} >= {"Q1", "Q2", "Q3"}


def test_the_docs_page_links_home_and_is_not_throttled(api_client, register, monkeypatch):
    for throttle in api_settings.DEFAULT_THROTTLE_CLASSES:
        monkeypatch.setattr(
            throttle,
            "THROTTLE_RATES",
            {"anon": "2/minute", "partner": "2/minute", "user": "2/minute"},
        )
    cache.clear()

    for _ in range(5):
        response = api_client.get("/api/v1/docs/")
        assert response.status_code == 200
    assert (
        b'<a href="/">Back to Multi-agency working and information sharing</a>' in response.content
    )
    # The docs used none of the allowance: the data endpoints still have all of it.
    assert [api_client.get("/api/v1/regions/").status_code for _ in range(3)] == [200, 200, 429]
