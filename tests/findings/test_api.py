"""Themes, findings and excerpts in the API: the public and partner keys see agreed findings
only, and no caller but a project member ever sees a quote beyond its clearance."""

import csv
import io
from dataclasses import dataclass
from functools import partial
from typing import Any

import pytest
from django.contrib.auth.models import User
from rest_framework.test import APIClient

from areas.models import LocalAuthority
from findings import services, sources
from findings.models import Clearance, Excerpt, Finding, Theme
from tests.factories import LocalAuthorityFactory, RegionFactory
from tests.queries import assert_query_count_flat
from visits.models import ModelSeen, Visit

from . import coded as coding
from .factories import ThemeFactory, approved_feedback, approved_visit, published_section

pytestmark = pytest.mark.django_db

THEMES, FINDINGS, EXCERPTS = "/api/v1/themes/", "/api/v1/findings/", "/api/v1/excerpts/"

NOTES = (
    "Private words stay inside. Anonymous words may go out. "
    "Regional words name the region. Named words name the area."
)
PRIVATE = "Private words stay inside."
STALE = "Stale words were changed."


@dataclass
class Coded:
    area: LocalAuthority
    theme: Theme
    excerpts: dict[str, Excerpt]
    agreed: Finding
    draft: Finding


@pytest.fixture
def coded(staff_user: User, reviewer_user: User) -> Coded:
    """A visit to an area in the North with one excerpt at each clearance, and a visit in
    the South whose excerpt (cleared to name the area) went stale after it was cited."""
    north, south = RegionFactory.create(name="North"), RegionFactory.create(name="South")
    area = LocalAuthorityFactory.create(region=north, name="Northtown")
    theme = ThemeFactory.create(name="Structure", slug="structure")
    visit = approved_visit(authorities=[area], notes=NOTES)
    source = sources.visit_source(visit)
    excerpts: dict[str, Excerpt] = {}
    for clearance, passage in [
        (Clearance.NOT_FOR_PUBLICATION, PRIVATE),
        (Clearance.UNATTRIBUTED, "Anonymous words may go out."),
        (Clearance.REGION, "Regional words name the region."),
        (Clearance.AREA, "Named words name the area."),
    ]:
        excerpt = services.excerpt_paste(
            source=source, passage=passage, themes=[theme], user=staff_user, memo="Coder's memo"
        )
        if clearance != Clearance.NOT_FOR_PUBLICATION:
            services.excerpt_clear(excerpt=excerpt, user=reviewer_user, clearance=clearance)
        excerpts[clearance] = excerpt
    other = approved_visit(
        authorities=[LocalAuthorityFactory.create(region=south)],
        model_seen=ModelSeen.SPECIALIST,
        notes=STALE,
    )
    stale = services.excerpt_paste(
        source=sources.visit_source(other), passage=STALE, themes=[theme], user=staff_user
    )
    services.excerpt_clear(excerpt=stale, user=reviewer_user, clearance=Clearance.AREA)
    excerpts["stale"] = stale

    agreed = services.finding_create(
        user=staff_user, theme=theme, headline="Agreed headline", statement="Agreed *statement*."
    )
    services.finding_cite(finding=agreed, user=staff_user, excerpts=list(excerpts.values()))
    services.finding_agree(finding=agreed, user=reviewer_user)
    draft = services.finding_create(
        user=staff_user, theme=theme, headline="Draft headline", statement="Not agreed yet."
    )
    services.finding_cite(finding=draft, user=staff_user, excerpts=[excerpts[Clearance.AREA]])
    Visit.objects.filter(pk=other.pk).update(notes="Nothing of the sort now.")
    return Coded(area, theme, excerpts, agreed, draft)


def _results(client: APIClient, url: str, **params: str) -> list[dict[str, Any]]:
    response = client.get(url, params)
    assert response.status_code == 200, response.content
    results: list[dict[str, Any]] = response.json()["results"]
    return results


def _csv(client: APIClient, url: str) -> list[dict[str, str]]:
    response = client.get(url, {"format": "csv"})
    assert response.status_code == 200
    return list(csv.DictReader(io.StringIO(response.content.decode())))


# ----- Themes --------------------------------------------------------------------------


def test_anyone_sees_the_themes_with_their_counts(coded: Coded, api_client: APIClient) -> None:
    [theme] = _results(api_client, THEMES)

    assert theme["slug"] == "structure"
    assert theme["parent"] is None
    assert theme["status"] == "active"
    assert [theme[f"{n}_count"] for n in ("excerpt", "visit", "area", "region", "finding")] == [
        5, 2, 2, 2, 1,
    ]  # fmt: skip
    assert api_client.get(f"{THEMES}structure/").json()["name"] == "Structure"


# ----- Findings ------------------------------------------------------------------------


@pytest.mark.parametrize("caller", ["api_client", "partner_client"])
def test_the_public_and_partner_keys_see_agreed_findings_only(
    coded: Coded, caller: str, request: pytest.FixtureRequest
) -> None:
    client: APIClient = request.getfixturevalue(caller)

    assert [f["headline"] for f in _results(client, FINDINGS)] == ["Agreed headline"]
    assert _results(client, FINDINGS, status="draft") == []
    assert client.get(f"{FINDINGS}{coded.draft.pk}/").status_code == 404


def test_staff_see_every_finding_and_filter_them(coded: Coded, staff_api: APIClient) -> None:
    assert [f["headline"] for f in _results(staff_api, FINDINGS)] == [
        "Agreed headline",
        "Draft headline",
    ]
    assert [f["headline"] for f in _results(staff_api, FINDINGS, status="draft")] == [
        "Draft headline"
    ]
    assert [f["headline"] for f in _results(staff_api, FINDINGS, model="specialist")] == [
        "Agreed headline"
    ]
    assert staff_api.get(FINDINGS, {"theme": "another"}).status_code == 400


@pytest.mark.parametrize("caller", ["api_client", "partner_client", "staff_api"])
def test_a_findings_quotes_are_cleared_standing_and_attributed_no_further(
    coded: Coded, caller: str, request: pytest.FixtureRequest
) -> None:
    client: APIClient = request.getfixturevalue(caller)

    response = client.get(f"{FINDINGS}{coded.agreed.pk}/")

    finding = response.json()
    assert finding["statement_html"] == '<p class="govuk-body">Agreed <em>statement</em>.</p>'
    assert [finding[f"{n}_count"] for n in ("excerpt", "visit", "area", "region")] == [5, 2, 2, 2]
    assert finding["quotes"] == [
        {"text": "Anonymous words may go out.", "attribution": "An area visited"},
        {"text": "Regional words name the region.", "attribution": "An area in North"},
        {"text": "Named words name the area.", "attribution": "Northtown"},
    ]
    for text in (PRIVATE, STALE):
        assert text not in response.content.decode()
        assert text not in client.get(FINDINGS, {"format": "csv"}).content.decode()


# ----- Excerpts ------------------------------------------------------------------------


def test_excerpts_are_refused_without_a_key(coded: Coded, api_client: APIClient) -> None:
    assert api_client.get(EXCERPTS).status_code in (401, 403)


def test_a_partner_key_sees_each_standing_excerpt_only_as_far_as_its_clearance(
    coded: Coded, partner_client: APIClient
) -> None:
    rows = {row["clearance"]: row for row in _results(partner_client, EXCERPTS)}

    assert set(rows) == set(Clearance.values)  # the stale excerpt is left out
    private = rows[Clearance.NOT_FOR_PUBLICATION]
    assert (private["quote"], private["attribution"], private["source"]) == (None, None, None)
    assert (private["regions"], private["local_authorities"]) == ([], [])
    assert private["themes"] == ["structure"]
    unattributed = rows[Clearance.UNATTRIBUTED]
    assert unattributed["quote"] == "Anonymous words may go out."
    assert (unattributed["regions"], unattributed["local_authorities"]) == ([], [])
    region = rows[Clearance.REGION]
    assert (region["regions"], region["local_authorities"], region["source"]) == (
        ["North"], [], None,
    )  # fmt: skip
    area = rows[Clearance.AREA]
    assert [a["name"] for a in area["local_authorities"]] == ["Northtown"]
    assert area["source"].endswith(": the notes")
    assert {row["memo"] for row in rows.values()} == {None}
    for url in (EXCERPTS, f"{EXCERPTS}?format=csv", f"{EXCERPTS}{private['id']}/"):
        content = partner_client.get(url).content.decode()
        assert PRIVATE not in content
        assert "Coder's memo" not in content
    assert partner_client.get(f"{EXCERPTS}{coded.excerpts['stale'].pk}/").status_code == 404


def test_a_partner_keys_region_filter_counts_only_excerpts_cleared_to_name_it(
    coded: Coded, partner_client: APIClient, staff_api: APIClient
) -> None:
    north = coded.area.region.slug

    assert {row["clearance"] for row in _results(partner_client, EXCERPTS, region=north)} == {
        Clearance.REGION,
        Clearance.AREA,
    }
    assert len(_results(staff_api, EXCERPTS, region=north)) == 4


def test_staff_see_every_excerpt_with_its_quote_memo_and_stale_state(
    coded: Coded, staff_api: APIClient
) -> None:
    rows = {row["id"]: row for row in _csv(staff_api, EXCERPTS)}

    private = rows[str(coded.excerpts[Clearance.NOT_FOR_PUBLICATION].pk)]
    assert (private["quote"], private["memo"], private["stale"]) == (PRIVATE, "Coder's memo", "")
    assert rows[str(coded.excerpts["stale"].pk)]["stale"] == sources.GONE
    assert [r["id"] for r in _results(staff_api, EXCERPTS, source_type="case_study")] == []
    assert len(_results(staff_api, EXCERPTS, theme="structure", model="mash")) == 4


# ----- Query counts --------------------------------------------------------------------


def test_the_lists_take_the_same_queries_however_much_is_coded(
    coded: Coded,
    staff_user: User,
    reviewer_user: User,
    api_client: APIClient,
    partner_client: APIClient,
    staff_api: APIClient,
) -> None:
    def grow() -> None:
        for _ in range(2):
            visit = approved_visit(notes=NOTES)
            finding = services.finding_create(
                user=staff_user, theme=coded.theme, headline="More", statement="More."
            )
            cited = []
            for passage in ("Anonymous words may go out.", "Named words name the area."):
                excerpt = services.excerpt_paste(
                    source=sources.visit_source(visit),
                    passage=passage,
                    themes=[coded.theme, ThemeFactory.create()],
                    user=staff_user,
                )
                services.excerpt_clear(excerpt=excerpt, user=reviewer_user, clearance="area")
                cited.append(excerpt)
            services.finding_cite(finding=finding, user=staff_user, excerpts=cited)
            services.finding_agree(finding=finding, user=reviewer_user)

    for client, url in [
        (api_client, THEMES),
        (api_client, FINDINGS),
        (staff_api, FINDINGS),
        (partner_client, EXCERPTS),
        (staff_api, EXCERPTS),
        (staff_api, f"{EXCERPTS}?format=csv"),
    ]:
        assert_query_count_flat(partial(client.get, url), grow=grow, message=url)


def test_a_findings_page_takes_the_same_queries_whichever_sources_it_quotes(
    staff_user: User, api_client: APIClient
) -> None:
    """The areas of the visits quoted, from their notes or their detailed feedback alike,
    are read in one query: a page quoting feedback as well takes no query more."""
    theme = ThemeFactory.create()

    def cite(source: sources.Source) -> None:
        excerpt = coding.code(source, staff_user, theme, clearance=Clearance.AREA)
        coding.agreed(theme, staff_user, [excerpt])

    cite(sources.visit_source(approved_visit(notes=coding.NOTES)))
    cite(sources.section_source(published_section(body=coding.NOTES)))

    def quote_feedback() -> None:
        cite(sources.feedback_source(approved_feedback(barriers=coding.NOTES), "barriers"))

    assert_query_count_flat(partial(api_client.get, FINDINGS), grow=quote_feedback)
    quotes = [q for f in api_client.get(FINDINGS).json()["results"] for q in f["quotes"]]
    assert len(quotes) == 3
