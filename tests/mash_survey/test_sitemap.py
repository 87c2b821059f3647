"""The sitemap lists every public page and nothing unpublished; robots.txt points at it and
keeps crawlers out of sign-in, staff and API pages."""

import re
from pathlib import Path

from django.contrib.auth.models import User
from django.test import Client
from django.utils import timezone
from pytest_django.fixtures import Settings

from case_studies.models import CaseStudyStatus
from findings.models import EditionStatus, Finding, FindingStatus
from tests.case_studies.factories import CaseStudyFactory
from tests.factories import LocalAuthorityFactory, RegionFactory
from tests.findings.editions import coded_finding, make_edition, publish, stored_in
from tests.findings.factories import ThemeFactory
from tests.queries import assert_query_count_flat


def locations(client: Client) -> list[str]:
    response = client.get("/sitemap.xml")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/xml")
    return [
        re.sub(r"^https?://[^/]+", "", loc)
        for loc in re.findall(r"<loc>(.*?)</loc>", response.content.decode())
    ]


def test_the_sitemap_lists_public_pages_and_nothing_unpublished(
    client: Client, staff_user: User, settings: Settings, tmp_path: Path
) -> None:
    stored_in(settings, tmp_path)
    area = LocalAuthorityFactory.create(slug="gateshead", region=RegionFactory.create(slug="ne"))
    published_at = timezone.now()
    CaseStudyFactory.create(
        slug="published-study",
        status=CaseStudyStatus.PUBLISHED,
        published_at=published_at,
        local_authorities=[area],
    )
    for status in (CaseStudyStatus.DRAFT, CaseStudyStatus.IN_REVIEW):
        CaseStudyFactory.create(slug=f"{status}-study", status=status)
    CaseStudyFactory.create(
        slug="withdrawn-study", status=CaseStudyStatus.WITHDRAWN, published_at=published_at
    )
    finding = coded_finding(staff_user)
    draft_theme = ThemeFactory.create(slug="draft-only")
    coded_finding(staff_user, draft_theme, headline="Not agreed yet")
    Finding.objects.filter(theme=draft_theme).update(status=FindingStatus.DRAFT, agreed_at=None)
    edition = publish(make_edition("early-findings", [finding]))
    make_edition("next-findings", [finding])
    make_edition("in-review-findings", [finding], status=EditionStatus.IN_REVIEW)

    listed = locations(client)

    for public in (
        "/",
        "/areas/",
        "/areas/regions/ne/",
        "/areas/gateshead/",
        "/case-studies/published-study/",
        "/findings/",
        "/findings/early-findings/",
        "/findings/early-findings/working-together/",
        "/findings/themes/working-together/",
        "/findings/figures/visits-by-region/",
    ):
        assert public in listed, public
    for hidden in ("draft", "in_review", "withdrawn"):
        assert f"/case-studies/{hidden}-study/" not in listed
    assert not [url for url in listed if "next-findings" in url or "in-review" in url]
    assert "/findings/themes/draft-only/" not in listed
    for url in listed:  # every listed page answers an anonymous visitor
        assert client.get(url).status_code == 200, url
    xml = client.get("/sitemap.xml").content.decode()
    assert f"<lastmod>{edition.published_at:%Y-%m-%d}</lastmod>" in xml


def test_the_sitemap_takes_the_same_queries_however_many_pages(client: Client, db: None) -> None:
    region = RegionFactory.create()

    def grow(count: int = 5) -> None:
        for _ in range(count):
            area = LocalAuthorityFactory.create(region=region)
            CaseStudyFactory.create(
                status=CaseStudyStatus.PUBLISHED,
                published_at=timezone.now(),
                local_authorities=[area],
            )

    grow(1)  # one of each, so every query runs the first time too
    assert_query_count_flat(lambda: client.get("/sitemap.xml"), grow, message="the sitemap")


def test_robots_txt_keeps_crawlers_out_of_staff_pages_and_points_at_the_sitemap(
    client: Client, db: None
) -> None:
    response = client.get("/robots.txt")

    assert response["Content-Type"] == "text/plain; charset=utf-8"
    lines = response.content.decode().splitlines()
    assert lines[0] == "User-agent: *"
    for path in ("/accounts/", "/admin/", "/api/", "/visits/", "/findings/manage/"):
        assert f"Disallow: {path}" in lines
    assert lines[-1] == "Sitemap: http://testserver/sitemap.xml"
