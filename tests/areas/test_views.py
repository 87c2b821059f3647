import pytest
from django.test import Client

from areas.models import Region
from tests.queries import assert_query_count_flat

from .pages import (
    README_COUNTS,
    Element,
    add_authorities,
    authority_rows,
    map_links,
    parse,
    region_rows,
    table_rows,
)

pytestmark = pytest.mark.django_db


def _page(client: Client, url: str) -> Element:
    response = client.get(url)
    assert response.status_code == 200, url
    return parse(response.content)


def _summary(page: Element) -> dict[str, str]:
    return {
        row.find("dt").text(): row.find("dd").text()
        for row in page.find_all("div", "govuk-summary-list__row")
    }


def test_the_areas_page_has_a_table_of_the_9_regions_with_their_counts(client, register):
    page = _page(client, "/areas/")
    table = page.find("table", "govuk-table")

    rows = table_rows(table)
    assert {row[0]: int(row[2]) for row in rows} == README_COUNTS
    assert {row[0]: row[1] for row in rows} == {r["name"]: r["region_code"] for r in region_rows()}
    assert table.find("tfoot").text() == "England 152"


def test_the_areas_map_links_each_region_to_its_page(client, register):
    links = map_links(_page(client, "/areas/"))

    assert len(links) == 9
    for link in links:
        name, _, count = link.attrs["aria-label"].partition(": ")
        assert count == f"{README_COUNTS[name]} local authorities"
        region_page = _page(client, link.attrs["href"])
        assert region_page.find("h1").text() == name
        assert len(table_rows(region_page.find("table", "govuk-table"))) == README_COUNTS[name]


def test_each_region_shape_on_the_map_has_a_non_empty_outline(client, register):
    page = _page(client, "/areas/")

    for link in map_links(page):
        assert link.find("path").attrs["d"].startswith("M")
        assert link.find("title").text() == link.attrs["aria-label"]


def test_a_region_page_lists_exactly_that_regions_authorities_with_their_codes(client, register):
    page = _page(client, "/areas/regions/north-east/")

    rows = table_rows(page.find("table", "govuk-table"))
    expected = sorted(
        [row["name"], row["gss_code"], row["dfe_code"]]
        for row in authority_rows()
        if row["region_code"] == "E12000001"
    )
    assert sorted([name, ons, dfe] for name, _type, ons, dfe in rows) == expected
    assert "E12000001" in page.find("p", "govuk-body").text()


def test_a_region_page_has_a_map_linking_each_authority_to_its_page(client, register):
    page = _page(client, "/areas/regions/london/")

    links = map_links(page)
    london = {row["name"] for row in authority_rows() if row["region_name"] == "London"}
    assert {link.attrs["aria-label"] for link in links} == london
    westminster = next(link for link in links if link.attrs["aria-label"] == "Westminster")
    assert _page(client, westminster.attrs["href"]).find("h1").text() == "Westminster"


def test_an_authority_page_shows_its_region_type_and_codes(client, register):
    page = _page(client, "/areas/darlington/")

    assert page.find("h1").text() == "Darlington"
    assert _summary(page) == {
        "Region": "North East",
        "Type": "Unitary authority",
        "ONS code": "E06000005",
        "DfE local authority code": "841",
    }


def test_an_authority_page_shows_the_ons_code_used_before_april_2013(client, register):
    summary = _summary(_page(client, "/areas/gateshead/"))

    assert summary["ONS code"] == "E08000037 E08000020 before April 2013"
    assert summary["Type"] == "Metropolitan district"
    assert summary["DfE local authority code"] == "390"


def test_an_authority_page_links_back_to_its_region(client, register):
    page = _page(client, "/areas/gateshead/")
    region_link = page.find("dd").find("a")

    assert _page(client, region_link.attrs["href"]).find("h1").text() == "North East"


@pytest.mark.parametrize("url", ["/areas/nowhere/", "/areas/regions/nowhere/", "/areas/regions/"])
def test_an_unknown_area_is_not_found(client, register, url):
    assert client.get(url).status_code == 404


@pytest.mark.parametrize(
    ("url", "region_code"),
    [
        ("/areas/", "E12000007"),
        ("/areas/regions/london/", "E12000007"),
        ("/api/v1/local-authorities/?page_size=500", "E12000007"),
        ("/api/v1/regions/", "E12000002"),
    ],
)
def test_more_authorities_do_not_need_more_queries(client, register, url, region_code):
    def grow() -> None:
        add_authorities(Region.objects.get(code=region_code), 5)

    def call() -> None:
        assert client.get(url).status_code == 200

    assert_query_count_flat(call, grow, message=url)


def test_added_authorities_appear_on_their_region_page(client, register):
    added = add_authorities(Region.objects.get(code="E12000007"), 2)

    rows = table_rows(_page(client, "/areas/regions/london/").find("table", "govuk-table"))

    names = [row[0] for row in rows]
    assert len(rows) == 35
    assert all(authority.name in names for authority in added)
