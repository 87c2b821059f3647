"""The public findings pages and the area page panel: agreed findings only, counts computed
from the evidence, and quotes never beyond their clearance nor stale."""

import pytest
from django.contrib.auth.models import User
from django.test import Client
from django.urls import reverse

from areas.models import LocalAuthority
from findings import services, sources
from findings.models import Clearance, Theme
from tests.factories import LocalAuthorityFactory, RegionFactory, ReviewerFactory
from tests.queries import assert_query_count_flat
from visits.models import Visit

from .coded import NOTES, agreed, code, draft
from .factories import ThemeFactory, approved_visit

pytestmark = pytest.mark.django_db

THEMES = reverse("findings:themes")


def public_url(theme: Theme) -> str:
    return reverse("findings:theme", kwargs={"slug": theme.slug})


def area_url(authority: LocalAuthority) -> str:
    return reverse("areas:authority", kwargs={"slug": authority.slug})


def test_anonymous_readers_see_agreed_findings_never_drafts_or_retired(
    client: Client, staff_user: User
) -> None:
    theme = ThemeFactory.create(name="Co-location")
    excerpt = code(sources.visit_source(approved_visit(notes=NOTES)), staff_user, theme)
    agreed(theme, staff_user, [excerpt], headline="Agreed and public")
    draft(theme, staff_user, [excerpt], headline="Still a draft")
    retired = agreed(theme, staff_user, [excerpt], headline="Taken back")
    services.finding_retire(finding=retired, user=ReviewerFactory.create())
    only_drafts = ThemeFactory.create(name="Nothing agreed")
    draft(only_drafts, staff_user, [excerpt], headline="Draft elsewhere")

    index = client.get(reverse("findings:index")).content.decode()
    themes = client.get(THEMES).content.decode()
    page = client.get(public_url(theme)).content.decode()

    assert "Agreed and public" in page
    for html in (index, themes, page):
        assert "Still a draft" not in html and "Taken back" not in html
        assert "Nothing agreed" not in html and "Draft elsewhere" not in html
    assert "Co-location" in index and "Co-location" in themes
    assert client.get(public_url(only_drafts)).status_code == 404
    assert "Codebook" not in index  # staff links are for staff


def test_project_members_find_the_codebook_and_findings_from_the_index(
    staff_client: Client,
) -> None:
    html = staff_client.get(reverse("findings:index")).content.decode()

    assert reverse("findings:codebook") in html and reverse("findings:manage") in html


def test_a_finding_shows_its_computed_counts(client: Client, staff_user: User) -> None:
    north, south = RegionFactory.create(), RegionFactory.create()
    a, b = LocalAuthorityFactory.create(region=north), LocalAuthorityFactory.create(region=north)
    c = LocalAuthorityFactory.create(region=south)
    theme = ThemeFactory.create()
    joint = code(
        sources.visit_source(approved_visit(authorities=[a, b], notes=NOTES)), staff_user, theme
    )
    south_excerpt = code(
        sources.visit_source(approved_visit(authorities=[c], notes=NOTES)), staff_user, theme
    )
    agreed(theme, staff_user, [joint, south_excerpt], headline="Wide")
    agreed(theme, staff_user, [joint], headline="Narrow")
    approved_visit(notes=NOTES)  # a fourth area visited, cited by nothing

    html = client.get(public_url(theme)).content.decode()
    listing = client.get(THEMES).content.decode()

    assert "Cited by 3 of 4 areas visited, in 2 regions." in html
    assert "Cited by 2 of 4 areas visited, in 1 region." in html
    assert "3 of 4" in listing


def test_quotes_show_only_within_their_clearance(client: Client, staff_user: User) -> None:
    region = RegionFactory.create(name="North East")
    area = LocalAuthorityFactory.create(name="Tyneham", region=region)
    theme = ThemeFactory.create()

    def visit_excerpt(passage: str, clearance: str) -> object:
        notes = f"{passage}. Nothing else."
        visit = approved_visit(authorities=[area], notes=notes)
        return code(
            sources.visit_source(visit), staff_user, theme, passage=passage, clearance=clearance
        )

    private = visit_excerpt("Kept private words", Clearance.NOT_FOR_PUBLICATION)
    unattributed = visit_excerpt("Words of an area", Clearance.UNATTRIBUTED)
    regional = visit_excerpt("Words of a region", Clearance.REGION)
    named = visit_excerpt("Words with a name", Clearance.AREA)
    agreed(theme, staff_user, [private, unattributed, regional, named])  # type: ignore[list-item]

    html = client.get(public_url(theme)).content.decode()

    assert "Kept private words" not in html
    section = lambda words: html[html.index(words) :].split("</figure>")[0]  # noqa: E731
    assert "An area visited" in section("Words of an area")
    assert "Tyneham" not in section("Words of an area")
    assert "An area in North East" in section("Words of a region")
    assert "Tyneham" not in section("Words of a region")
    assert "Tyneham" in section("Words with a name")


def test_a_stale_quote_is_never_shown(client: Client, staff_user: User) -> None:
    theme = ThemeFactory.create()
    visit = approved_visit(notes=NOTES)
    excerpt = code(sources.visit_source(visit), staff_user, theme, clearance=Clearance.AREA)
    agreed(theme, staff_user, [excerpt], headline="Still agreed")
    Visit.objects.filter(pk=visit.pk).update(notes="Rewritten: nothing of the quote is left.")

    html = client.get(public_url(theme)).content.decode()

    assert "Still agreed" in html
    assert "Co-location was the key success factor" not in html


def test_a_public_theme_page_takes_the_same_queries_however_much_is_agreed(
    client: Client, staff_user: User
) -> None:
    theme = ThemeFactory.create()
    excerpt = code(
        sources.visit_source(approved_visit(notes=NOTES)),
        staff_user,
        theme,
        clearance=Clearance.REGION,
    )
    agreed(theme, staff_user, [excerpt])

    def grow() -> None:
        for clearance in (Clearance.AREA, Clearance.REGION, Clearance.UNATTRIBUTED):
            area = LocalAuthorityFactory.create()
            more = code(
                sources.visit_source(approved_visit(authorities=[area], notes=NOTES)),
                staff_user,
                theme,
                clearance=clearance,
            )
            agreed(theme, staff_user, [more, excerpt])

    def pages() -> None:
        assert client.get(public_url(theme)).status_code == 200
        assert client.get(THEMES).status_code == 200

    assert_query_count_flat(pages, grow, message="the public theme pages")


# ----- The area page ------------------------------------------------------------------------


def test_the_area_page_lists_findings_that_quote_the_area_by_name(
    client: Client, staff_user: User
) -> None:
    named_area, other_area = LocalAuthorityFactory.create(), LocalAuthorityFactory.create()
    theme = ThemeFactory.create()
    named = code(
        sources.visit_source(approved_visit(authorities=[named_area], notes=NOTES)),
        staff_user,
        theme,
        clearance=Clearance.AREA,
    )
    unnamed = code(
        sources.visit_source(approved_visit(authorities=[other_area], notes=NOTES)),
        staff_user,
        theme,
        clearance=Clearance.REGION,
    )
    agreed(theme, staff_user, [named], headline="Names the area")
    agreed(theme, staff_user, [unnamed], headline="Only the region")
    draft(theme, staff_user, [named], headline="A draft naming it")

    named_page = client.get(area_url(named_area)).content.decode()
    other_page = client.get(area_url(other_area)).content.decode()

    assert "Names the area" in named_page
    assert "A draft naming it" not in named_page and "Only the region" not in named_page
    assert "Only the region" not in other_page  # cleared for the region, not the name
    assert "Coded evidence from this area" not in named_page


def test_staff_see_the_area_coded_excerpts_by_theme(staff_client: Client, staff_user: User) -> None:
    area = LocalAuthorityFactory.create()
    theme = ThemeFactory.create(name="Co-location")
    code(sources.visit_source(approved_visit(authorities=[area], notes=NOTES)), staff_user, theme)

    html = staff_client.get(area_url(area)).content.decode()

    assert "Coded evidence from this area" in html
    assert "Co-location: 1 excerpt" in html
    assert "<q>Co-location was the key success factor</q>" in html
