"""Case studies in the API: published ones for everyone, the rest for project members only."""

import csv
import io
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from rest_framework.test import APIClient

from case_studies.models import CaseStudyModel, CaseStudyStatus
from tests.case_studies.factories import CaseStudyFactory, KeyFactFactory, SectionFactory
from tests.factories import LocalAuthorityFactory, RegionFactory
from tests.queries import assert_query_count_flat

pytestmark = pytest.mark.django_db

LIST = reverse("api:casestudy-list")


def published(**kwargs: Any) -> Any:
    kwargs.setdefault("local_authorities", [LocalAuthorityFactory()])
    return CaseStudyFactory(status=CaseStudyStatus.PUBLISHED, published_at=timezone.now(), **kwargs)


def detail(case_study: Any) -> str:
    return reverse("api:casestudy-detail", kwargs={"slug": case_study.slug})


def titles(client: APIClient | Client, params: dict[str, str] | None = None) -> set[str]:
    response = client.get(LIST, params or {})
    assert response.status_code == 200
    return {row["title"] for row in response.json()["results"]}


@pytest.fixture
def one_of_each() -> dict[str, Any]:
    return {
        "published": published(title="Published"),
        "draft": CaseStudyFactory(title="Draft", status=CaseStudyStatus.DRAFT),
        "in_review": CaseStudyFactory(title="In review", status=CaseStudyStatus.IN_REVIEW),
        "withdrawn": CaseStudyFactory(
            title="Withdrawn", status=CaseStudyStatus.WITHDRAWN, published_at=timezone.now()
        ),
    }


def test_anonymous_callers_see_published_case_studies_only(
    api_client: APIClient, one_of_each: dict[str, Any]
) -> None:
    assert titles(api_client) == {"Published"}
    assert api_client.get(detail(one_of_each["published"])).status_code == 200
    for hidden in ("draft", "in_review", "withdrawn"):
        assert api_client.get(detail(one_of_each[hidden])).status_code == 404


def test_partner_keys_see_published_case_studies_only(
    partner_client: APIClient, one_of_each: dict[str, Any]
) -> None:
    assert titles(partner_client) == {"Published"}
    assert partner_client.get(detail(one_of_each["draft"])).status_code == 404


def test_project_members_see_every_case_study(
    staff_client: Client, one_of_each: dict[str, Any]
) -> None:
    assert titles(staff_client) == {"Published", "Draft", "In review", "Withdrawn"}
    assert staff_client.get(detail(one_of_each["draft"])).json()["status"] == "draft"


def test_a_case_study_gives_its_areas_facts_and_sections_as_markdown_and_safe_html(
    api_client: APIClient,
) -> None:
    area = LocalAuthorityFactory(name="Riverside", gss_code="E06900123")
    case_study = published(title="Front door", local_authorities=[area], model=CaseStudyModel.MASH)
    KeyFactFactory(case_study=case_study, label="Established", value="October 2011")
    SectionFactory(
        case_study=case_study, heading="How it works", body="**Fast** <script>x()</script>"
    )

    data = api_client.get(detail(case_study)).json()

    assert data["title"] == "Front door"
    assert data["slug"] == case_study.slug
    assert data["model"] == "mash"
    assert data["local_authorities"][0]["gss_code"] == "E06900123"
    assert data["local_authorities"][0]["name"] == "Riverside"
    assert data["key_facts"] == [{"label": "Established", "value": "October 2011"}]
    section = data["sections"][0]
    assert section["body"] == "**Fast** <script>x()</script>"
    assert "<strong>Fast</strong>" in section["body_html"]
    assert "<script>" not in section["body_html"]
    assert data["status"] == "published"
    assert data["is_illustrative"] is False
    assert data["published_at"] and data["updated_at"]


def test_filters_by_region_model_and_authority(api_client: APIClient) -> None:
    region = RegionFactory()
    area = LocalAuthorityFactory(region=region, gss_code="E06900777", dfe_code="999")
    published(title="Here", local_authorities=[area], model=CaseStudyModel.MASH)
    published(title="Elsewhere", model=CaseStudyModel.VIRTUAL)

    assert titles(api_client, {"region": str(region.code)}) == {"Here"}
    assert titles(api_client, {"authority": "E06900777"}) == {"Here"}
    assert titles(api_client, {"authority": "999"}) == {"Here"}
    assert titles(api_client, {"model": "virtual"}) == {"Elsewhere"}


def test_the_list_comes_as_csv(api_client: APIClient) -> None:
    case_study = published(title="As a spreadsheet")
    KeyFactFactory(case_study=case_study, label="Established", value="2011")

    response = api_client.get(LIST, {"format": "csv"})

    assert response["Content-Type"].startswith("text/csv")
    rows = list(csv.DictReader(io.StringIO(response.content.decode())))
    assert rows[0]["title"] == "As a spreadsheet"
    assert rows[0]["key_facts"] == "Established: 2011"


def test_the_list_query_count_does_not_grow_with_the_case_studies(api_client: APIClient) -> None:
    def grow() -> None:
        for _ in range(5):
            case_study = published(
                local_authorities=[LocalAuthorityFactory(), LocalAuthorityFactory()]
            )
            SectionFactory(case_study=case_study)
            KeyFactFactory(case_study=case_study)

    published()
    assert_query_count_flat(lambda: api_client.get(LIST), grow, message="case study API")
