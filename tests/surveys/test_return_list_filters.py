"""The list of returns by status (not started, draft, reopened, submitted) and region, its
counts, and the CSV of the areas with no return, for chasing them."""

import csv
import io

import pytest

from surveys.models import Response, ResponseStatus, ReturnState
from surveys.services import response_reopen, response_submit
from tests.areas.pages import table_rows
from tests.factories import LocalAuthorityFactory, RegionFactory

from .test_entry_views import (
    _submitted,
    area,  # noqa: F401  (a fixture)
    edit,
    error_messages,
    page_of,
    summary,
    survey,  # noqa: F401  (a fixture)
    title,
    url,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def areas(survey, area, staff_user, reviewer_user, staff_client):  # noqa: F811
    """Gateshead submitted, Barnsley draft, Hartlepool reopened, Croydon (London) and
    Sunderland not started."""
    north_east = area.region
    london = RegionFactory.create(code="E12000007", name="London", slug="london")
    barnsley = LocalAuthorityFactory.create(name="Barnsley", slug="barnsley", region=north_east)
    hartlepool = LocalAuthorityFactory.create(
        name="Hartlepool", slug="hartlepool", region=north_east
    )
    LocalAuthorityFactory.create(
        name="Croydon", slug="croydon", region=london, gss_code="E09000008", dfe_code="306"
    )
    LocalAuthorityFactory.create(
        name="Sunderland",
        slug="sunderland",
        region=north_east,
        gss_code="E08000024",
        dfe_code="394",
    )
    _submitted(survey, area, staff_user)
    edit(staff_client, survey, barnsley, {"Q1": "No"}, version=0)
    reopened = _submitted(survey, hartlepool, staff_user)
    response_reopen(response=reopened, user=reviewer_user, reason="Q4 is a yearly figure")


def _listed(client, survey, **query) -> list[tuple[str, str]]:  # noqa: F811
    page = page_of(client.get(url("return_list", survey), query))
    return [(row[0], row[2]) for row in table_rows(page.find("table", "govuk-table"))]


def test_a_reopened_return_is_counted_apart_from_drafts(survey, areas, staff_client):  # noqa: F811
    page = page_of(staff_client.get(url("return_list", survey)))

    assert summary(page.find("dl", "app-status-counts")) == {
        "Not started": "2",
        "Draft": "1",
        "Reopened": "1",
        "Submitted": "1",
    }
    assert ("Hartlepool", "Reopened") in _listed(staff_client, survey)
    assert Response.objects.get(local_authority__slug="hartlepool").is_reopened


@pytest.mark.parametrize(
    ("status", "listed"),
    [
        ("not_started", [("Croydon", "Not started"), ("Sunderland", "Not started")]),
        ("draft", [("Barnsley", "Draft")]),
        ("reopened", [("Hartlepool", "Reopened")]),
        ("submitted", [("Gateshead", "Submitted")]),
    ],
)
def test_the_list_filters_by_status(survey, areas, staff_client, status, listed):  # noqa: F811
    assert _listed(staff_client, survey, status=status) == listed


def test_status_and_region_filter_together_and_the_counts_are_the_regions(
    survey,  # noqa: F811
    areas,
    staff_client,
):
    response = staff_client.get(
        url("return_list", survey), {"region": "E12000001", "status": "not_started"}
    )
    page = page_of(response)

    assert _listed(staff_client, survey, region="E12000001", status="not_started") == [
        ("Sunderland", "Not started")
    ]
    assert summary(page.find("dl", "app-status-counts"))["Not started"] == "1"
    assert title(response).startswith("Not started returns in North East")
    links = {a.text(): a.attrs["href"] for a in page.find("dl", "app-status-counts").find_all("a")}
    assert links["Draft"] == "?region=E12000001&status=draft"


def test_a_resubmitted_return_is_submitted_again(survey, areas, staff_user, staff_client):  # noqa: F811
    hartlepool = Response.objects.get(local_authority__slug="hartlepool")

    response_submit(response=hartlepool, user=staff_user, seen_version=hartlepool.version)

    assert ("Hartlepool", "Submitted") in _listed(staff_client, survey, status="submitted")
    assert _listed(staff_client, survey, status="reopened") == []


def test_an_unknown_status_lists_every_area_and_says_what_to_do(survey, areas, staff_client):  # noqa: F811
    response = staff_client.get(url("return_list", survey), {"status": "lost"})

    page = page_of(response)
    assert title(response).startswith("Error: ")
    assert error_messages(page) == ["Select a status from the list"]
    assert len(_listed(staff_client, survey, status="lost")) == 5


def _csv(response) -> list[list[str]]:
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    return list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))


def test_the_areas_with_no_return_download_as_csv_with_their_codes(survey, areas, staff_client):  # noqa: F811
    response = staff_client.get(f"/survey/{survey.slug}/returns/not-started.csv")

    assert _csv(response) == [
        ["Local authority", "Region", "ONS code", "DfE LA code"],
        ["Croydon", "London", "E09000008", "306"],
        ["Sunderland", "North East", "E08000024", "394"],
    ]
    assert "not-started" in response["Content-Disposition"]


def test_the_csv_keeps_to_the_region_chosen(survey, areas, staff_client):  # noqa: F811
    page = page_of(staff_client.get(url("return_list", survey), {"region": "E12000007"}))
    link = next(a for a in page.find_all("a") if "(CSV)" in a.text())

    assert link.attrs["href"] == f"/survey/{survey.slug}/returns/not-started.csv?region=E12000007"
    assert [row[0] for row in _csv(staff_client.get(link.attrs["href"]))] == [
        "Local authority",
        "Croydon",
    ]


def test_reopening_records_when(survey, areas):  # noqa: F811
    reopened = Response.objects.get(local_authority__slug="hartlepool")

    assert reopened.status == ResponseStatus.DRAFT
    assert reopened.reopened_at is not None
    assert reopened.state == ReturnState.REOPENED
