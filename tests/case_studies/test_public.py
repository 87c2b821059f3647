"""The public pages: the list with its filters, one case study's page, the area page panel."""

import datetime as dt
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from areas.models import AuthorityType
from case_studies.models import CaseStudyModel, CaseStudyStatus
from tests.case_studies.factories import CaseStudyFactory, KeyFactFactory, SectionFactory
from tests.factories import LocalAuthorityFactory, RegionFactory
from tests.queries import assert_query_count_flat

pytestmark = pytest.mark.django_db

INDEX = reverse("case_studies:index")


def published(**kwargs: Any) -> Any:
    kwargs.setdefault("local_authorities", [LocalAuthorityFactory()])
    return CaseStudyFactory(
        status=CaseStudyStatus.PUBLISHED,
        published_at=timezone.make_aware(dt.datetime(2013, 4, 2, 10)),
        **kwargs,
    )


def detail_url(case_study: Any) -> str:
    return reverse("case_studies:detail", kwargs={"slug": case_study.slug})


# ----- The list ------------------------------------------------------------------


def test_the_list_shows_published_case_studies_and_never_drafts_reviews_or_withdrawn(
    client: Client,
) -> None:
    published(title="Front door in the north")
    CaseStudyFactory(title="Still a draft", status=CaseStudyStatus.DRAFT)
    CaseStudyFactory(title="Waiting for review", status=CaseStudyStatus.IN_REVIEW)
    CaseStudyFactory(
        title="Taken down",
        status=CaseStudyStatus.WITHDRAWN,
        published_at=timezone.now(),
        withdrawal_notice="Superseded.",
    )

    html = client.get(INDEX).content.decode()

    assert "Front door in the north" in html
    assert "Still a draft" not in html
    assert "Waiting for review" not in html
    assert "Taken down" not in html


def test_the_list_shows_areas_region_model_and_the_illustrative_tag(client: Client) -> None:
    region = RegionFactory(name="North West")
    area = LocalAuthorityFactory(name="Riverside", region=region)
    published(
        title="Hub", local_authorities=[area], model=CaseStudyModel.VIRTUAL, is_illustrative=True
    )

    html = client.get(INDEX).content.decode()

    assert "Riverside" in html
    assert "North West" in html
    assert "Virtual or hub model" in html
    assert "Illustrative" in html


def test_filters_narrow_the_list_and_offer_counts(client: Client) -> None:
    north = RegionFactory(name="North East")
    south = RegionFactory(name="South West")
    county = LocalAuthorityFactory(region=north, type=AuthorityType.COUNTY)
    unitary = LocalAuthorityFactory(region=south, type=AuthorityType.UNITARY)
    published(title="Northern MASH", local_authorities=[county], model=CaseStudyModel.MASH)
    published(title="Northern hub", local_authorities=[county], model=CaseStudyModel.VIRTUAL)
    published(title="Southern MASH", local_authorities=[unitary], model=CaseStudyModel.MASH)
    CaseStudyFactory(title="Northern draft", local_authorities=[county])

    html = client.get(INDEX).content.decode()
    assert "North East (2)" in html
    assert "South West (1)" in html
    assert "Multi-agency safeguarding hub (MASH) (2)" in html

    by_region = client.get(INDEX, {"region": str(north.code)}).content.decode()
    assert "Northern MASH" in by_region and "Northern hub" in by_region
    assert "Southern MASH" not in by_region
    # The model counts follow the region chosen.
    assert "Multi-agency safeguarding hub (MASH) (1)" in by_region

    by_model_and_type = client.get(
        INDEX, {"model": CaseStudyModel.MASH, "authority_type": AuthorityType.UNITARY}
    ).content.decode()
    assert "Southern MASH" in by_model_and_type
    assert "Northern MASH" not in by_model_and_type
    assert "Northern hub" not in by_model_and_type


def test_a_filter_with_no_matches_says_so_and_offers_to_clear(client: Client) -> None:
    published(model=CaseStudyModel.MASH)

    html = client.get(INDEX, {"model": CaseStudyModel.SPECIALIST}).content.decode()

    assert "No published case studies match your filters" in html
    assert "Clear the filters" in html


def test_the_list_query_count_does_not_grow_with_the_case_studies(client: Client) -> None:
    def grow() -> None:
        for _ in range(5):
            published(local_authorities=[LocalAuthorityFactory(), LocalAuthorityFactory()])

    published()
    count = assert_query_count_flat(lambda: client.get(INDEX), grow, message="case study list")
    assert count <= 8


# ----- One case study ------------------------------------------------------------


def test_a_published_case_study_shows_its_facts_contents_sections_and_areas(
    client: Client,
) -> None:
    area = LocalAuthorityFactory(name="Riverside")
    case_study = published(title="Sharing at the front door", local_authorities=[area])
    KeyFactFactory(case_study=case_study, label="Partners co-located", value="Police, health")
    SectionFactory(case_study=case_study, heading="How it works", body="Contacts are **rated**.")

    response = client.get(detail_url(case_study))
    html = response.content.decode()

    assert response.status_code == 200
    assert "Sharing at the front door" in html
    assert "Partners co-located" in html and "Police, health" in html
    assert 'href="#section-1"' in html and 'id="section-1"' in html
    assert "<strong>rated</strong>" in html
    assert f'href="{reverse("areas:authority", kwargs={"slug": area.slug})}"' in html
    assert 'Published <time datetime="2013-04-02">2 April 2013</time>' in html
    assert reverse("case_studies:pdf", kwargs={"slug": case_study.slug}) in html
    assert 'media="print"' in html


def test_a_script_in_a_section_body_never_reaches_the_page(client: Client) -> None:
    case_study = published()
    SectionFactory(
        case_study=case_study, body="Before <script>alert('x')</script> after", heading="Context"
    )

    html = client.get(detail_url(case_study)).content.decode()

    assert "<script>alert" not in html
    assert "Before" in html


def test_an_illustrative_case_study_says_so(client: Client) -> None:
    case_study = published(is_illustrative=True)

    html = client.get(detail_url(case_study)).content.decode()

    assert "illustrative case study" in html
    assert "not the project&#x27;s data" in html or "not the project's data" in html


def test_a_withdrawn_case_study_keeps_its_page_with_the_notice_and_not_the_content(
    client: Client,
) -> None:
    case_study = CaseStudyFactory(
        status=CaseStudyStatus.WITHDRAWN,
        published_at=timezone.now(),
        withdrawal_notice="The area has changed its arrangements.",
        summary="A summary that should no longer show.",
    )
    SectionFactory(case_study=case_study, heading="How it works", body="Secret-ish detail.")

    response = client.get(detail_url(case_study))
    html = response.content.decode()

    assert response.status_code == 200
    assert "This case study has been withdrawn" in html
    assert "The area has changed its arrangements." in html
    assert "A summary that should no longer show." not in html
    assert "Secret-ish detail." not in html


@pytest.mark.parametrize("status", [CaseStudyStatus.DRAFT, CaseStudyStatus.IN_REVIEW])
def test_an_unpublished_case_study_is_not_found_by_anyone_outside_the_project(
    client: Client, status: str
) -> None:
    case_study = CaseStudyFactory(status=status)

    assert client.get(detail_url(case_study)).status_code == 404


@pytest.mark.parametrize("status", [CaseStudyStatus.DRAFT, CaseStudyStatus.IN_REVIEW])
def test_project_members_see_an_unpublished_case_study_with_a_banner(
    staff_client: Client, status: str
) -> None:
    case_study = CaseStudyFactory(status=status, title="Work in progress")

    response = staff_client.get(detail_url(case_study))
    html = response.content.decode()

    assert response.status_code == 200
    assert "Work in progress" in html
    assert "Not published" in html
    assert reverse("case_studies:pdf", kwargs={"slug": case_study.slug}) not in html


def test_the_detail_page_query_count_does_not_grow_with_sections(client: Client) -> None:
    case_study = published()

    def grow() -> None:
        for _ in range(4):
            SectionFactory(case_study=case_study)
            KeyFactFactory(case_study=case_study)
        case_study.local_authorities.add(LocalAuthorityFactory(), LocalAuthorityFactory())

    assert_query_count_flat(lambda: client.get(detail_url(case_study)), grow)


# ----- The area page ---------------------------------------------------------------


def test_the_area_page_lists_its_published_case_studies_to_everyone_and_never_drafts(
    client: Client,
) -> None:
    area = LocalAuthorityFactory()
    case_study = published(title="Published for this area", local_authorities=[area])
    CaseStudyFactory(title="Draft for this area", local_authorities=[area])
    CaseStudyFactory(
        title="In review for this area", local_authorities=[area], status=CaseStudyStatus.IN_REVIEW
    )

    html = client.get(reverse("areas:authority", kwargs={"slug": area.slug})).content.decode()

    assert "Published for this area" in html
    assert f'href="{detail_url(case_study)}"' in html
    assert "Draft for this area" not in html
    assert "In review for this area" not in html
