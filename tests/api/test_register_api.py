"""The register's API: /api/v1/regions/ and /api/v1/local-authorities/."""

import csv
import io
import json
from typing import Any

import pytest
import yaml
from drf_spectacular.validation import validate_schema
from rest_framework.test import APIClient

from areas.models import Region
from tests.areas.pages import README_COUNTS, add_authorities, authority_rows, type_counts

pytestmark = pytest.mark.django_db

AUTHORITIES = "/api/v1/local-authorities/"


def _get(client: APIClient, url: str, params: dict[str, Any] | None = None) -> Any:
    response = client.get(url, params or {})
    assert response.status_code == 200, response.content
    return response.json()


def _names(data: dict[str, Any]) -> list[str]:
    return [row["name"] for row in data["results"]]


def _csv(client: APIClient, params: dict[str, Any]) -> list[dict[str, str]]:
    response = client.get(AUTHORITIES, {**params, "format": "csv"})
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    return list(csv.DictReader(io.StringIO(response.content.decode("utf-8"))))


def test_the_api_root_lists_the_register_endpoints(api_client, register):
    root = _get(api_client, "/api/v1/")

    assert set(root) >= {"regions", "local-authorities"}
    assert _get(api_client, root["regions"])
    assert _get(api_client, root["local-authorities"])["count"] == 152


def test_regions_list_the_9_regions_with_their_authority_counts(api_client, register):
    regions = _get(api_client, "/api/v1/regions/")["results"]

    assert {region["name"]: region["authority_count"] for region in regions} == README_COUNTS
    london = next(region for region in regions if region["name"] == "London")
    assert london["code"] == "E12000007"
    assert _get(api_client, london["url"])["authority_count"] == 33


def test_the_authority_list_is_paginated(api_client, register):
    first = _get(api_client, AUTHORITIES)

    assert first["count"] == 152
    assert first["previous"] is None
    assert 0 < len(first["results"]) < 152
    second = _get(api_client, first["next"])
    assert second["count"] == 152
    assert not set(_names(first)) & set(_names(second))


def test_a_page_size_returns_every_authority_on_one_page(api_client, register):
    data = _get(api_client, AUTHORITIES, {"page_size": 200})

    assert len(data["results"]) == 152
    assert data["next"] is None
    assert sorted(_names(data)) == sorted(row["name"] for row in authority_rows())


def test_a_page_holds_up_to_500(api_client, register):
    add_authorities(Region.objects.get(code="E12000007"), 400)

    data = _get(api_client, AUTHORITIES, {"page_size": 500})

    assert data["count"] == 552
    assert len(data["results"]) == 500
    assert data["next"] is not None


@pytest.mark.parametrize("page_size", ["1000", "0", "ten"])
def test_a_page_size_outside_1_to_500_is_a_bad_request(api_client, register, page_size):
    response = api_client.get(AUTHORITIES, {"page_size": page_size})

    assert response.status_code == 400
    assert response.json() == {
        "page_size": ["Send page_size as a whole number from 1 to 500, or leave it out."]
    }


def test_an_authority_carries_its_codes_region_and_type(api_client, register):
    data = _get(api_client, AUTHORITIES, {"search": "Gateshead"})

    assert data["results"][0].pop("updated_at")
    assert data["results"] == [
        {
            "url": "http://testserver/api/v1/local-authorities/E08000037/",
            "gss_code": "E08000037",
            "gss_code_before_april_2013": "E08000020",
            "dfe_code": "390",
            "name": "Gateshead",
            "slug": "gateshead",
            "type": "metropolitan_district",
            "type_label": "Metropolitan district",
            "region_code": "E12000001",
            "region_name": "North East",
        }
    ]


@pytest.mark.parametrize("region", ["E12000007", "e12000007", "london", "London"])
def test_authorities_filter_by_region_code_or_slug(api_client, register, region):
    data = _get(api_client, AUTHORITIES, {"region": region, "page_size": 500})

    assert data["count"] == 33
    assert {row["region_name"] for row in data["results"]} == {"London"}


def test_an_unknown_region_is_a_bad_request_saying_what_to_send(api_client, register):
    response = api_client.get(AUTHORITIES, {"region": "E12000099"})

    assert response.status_code == 400
    assert response.json() == {
        "region": [
            "Send region as a region's ONS code (E12000001 to E12000009) or its slug, such as "
            "london, or leave it out."
        ]
    }


@pytest.mark.parametrize("authority_type", ["county", "unitary", "london_borough"])
def test_authorities_filter_by_type(api_client, register, authority_type):
    data = _get(api_client, AUTHORITIES, {"type": authority_type, "page_size": 500})

    assert data["count"] == type_counts()[authority_type]
    assert {row["type"] for row in data["results"]} == {authority_type}


def test_an_unknown_type_is_a_bad_request_naming_the_filter(api_client, register):
    response = api_client.get(AUTHORITIES, {"type": "borough"})

    assert response.status_code == 400
    assert "type" in response.json()


def test_filters_combine(api_client, register):
    data = _get(api_client, AUTHORITIES, {"region": "north-east", "type": "metropolitan_district"})

    assert sorted(_names(data)) == sorted(
        row["name"]
        for row in authority_rows()
        if row["region_name"] == "North East" and row["type"] == "metropolitan_district"
    )


@pytest.mark.parametrize("term", ["gateshead", "Gatesh", "E08000037", "E08000020", "e08000020"])
def test_search_finds_an_authority_by_name_or_code(api_client, register, term):
    assert _names(_get(api_client, AUTHORITIES, {"search": term})) == ["Gateshead"]


def test_search_by_part_of_a_name_finds_every_match(api_client, register):
    data = _get(api_client, AUTHORITIES, {"search": "Yorkshire", "page_size": 500})

    assert sorted(_names(data)) == sorted(
        row["name"] for row in authority_rows() if "yorkshire" in row["name"].lower()
    )
    assert data["count"] > 1


@pytest.mark.parametrize("code", ["E08000020", "E08000037", "390", "e08000020"])
def test_the_code_filter_finds_gateshead_by_any_of_its_codes(api_client, register, code):
    assert _names(_get(api_client, AUTHORITIES, {"code": code})) == ["Gateshead"]


@pytest.mark.parametrize("code", ["E08000020", "E08000037", "390", "e08000020"])
def test_an_authority_is_found_at_any_of_its_codes(api_client, register, code):
    data = _get(api_client, f"{AUTHORITIES}{code}/")

    assert data["name"] == "Gateshead"
    assert data["url"] == "http://testserver/api/v1/local-authorities/E08000037/"


@pytest.mark.parametrize("code", ["E08999999", "999", "gateshead"])
def test_an_unknown_code_is_not_found(api_client, register, code):
    response = api_client.get(f"{AUTHORITIES}{code}/")

    assert response.status_code == 404
    assert code in response.json()["detail"]


def test_csv_has_a_header_and_one_row_per_authority_on_the_page(api_client, register):
    page = _get(api_client, AUTHORITIES)
    rows = _csv(api_client, {})

    assert [row["name"] for row in rows] == _names(page)
    assert {"gss_code", "gss_code_before_april_2013", "dfe_code", "name", "region_code"} <= set(
        rows[0]
    )


def test_csv_follows_the_filters_and_page_size(api_client, register):
    rows = _csv(api_client, {"region": "london", "page_size": 500})

    assert len(rows) == 33
    assert {row["region_name"] for row in rows} == {"London"}
    gateshead = _csv(api_client, {"code": "390"})
    assert [(r["gss_code"], r["gss_code_before_april_2013"]) for r in gateshead] == [
        ("E08000037", "E08000020")
    ]


@pytest.mark.parametrize(
    "name",
    ['=HYPERLINK("http://example.com/x","Click")', "+1+2", "-2+3", "@SUM(A1:A2)"],
)
def test_a_cell_that_a_spreadsheet_would_run_as_a_formula_is_neutralised(
    api_client, register, name
):
    (authority,) = add_authorities(Region.objects.get(code="E12000007"), 1)
    authority.name = name
    authority.save()

    rows = _csv(api_client, {"code": authority.dfe_code})

    assert [row["name"] for row in rows] == ["'" + name]
    # The JSON is the data as stored: only the CSV is changed.
    assert _names(_get(api_client, AUTHORITIES, {"code": authority.dfe_code})) == [name]


def test_a_plain_text_cell_is_left_alone_in_csv(api_client, register):
    rows = _csv(api_client, {"code": "E06000023"})

    assert [row["name"] for row in rows] == ["Bristol, City of"]


def test_the_schema_is_a_valid_openapi_3_document(api_client, register):
    response = api_client.get("/api/v1/schema/")

    assert response.status_code == 200
    schema = yaml.safe_load(response.content)
    assert schema["openapi"].startswith("3.")
    validate_schema(schema)
    assert "/api/v1/local-authorities/" in schema["paths"]
    assert "/api/v1/regions/" in schema["paths"]
    scheme = schema["components"]["securitySchemes"]["PartnerApiKey"]
    assert (scheme["type"], scheme["in"], scheme["name"]) == ("apiKey", "header", "Authorization")
    list_operation = schema["paths"]["/api/v1/local-authorities/"]["get"]
    parameters = {parameter["name"] for parameter in list_operation["parameters"]}
    assert {"region", "type", "code", "search", "page", "page_size"} <= parameters


def test_the_schema_is_also_available_as_json(api_client, register):
    response = api_client.get("/api/v1/schema/", {"format": "json"})

    assert response.status_code == 200
    assert "/api/v1/local-authorities/" in json.loads(response.content)["paths"]


def test_the_api_documentation_page_loads(api_client, register):
    response = api_client.get("/api/v1/docs/")

    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/html")
    assert b"swagger" in response.content.lower()
