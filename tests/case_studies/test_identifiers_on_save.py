"""Saving a case study with possible identifiers in its text: the draft is saved, its form
warns with each hit in its words and a link to its field, and the manage list tags it until the
text is clean or a reviewer lets the hits through."""

from typing import Any

import pytest
from django.contrib.auth.models import User
from django.test import Client

from case_studies.models import CaseStudy
from tests.areas.pages import parse
from tests.factories import LocalAuthorityFactory

pytestmark = pytest.mark.django_db

NHS_NUMBER = "943 476 5919"
WITH_NHS_NUMBER = f"The child, NHS number {NHS_NUMBER}, was seen by the MASH within the hour."


def _form(authority_pk: int, *, body: str, fact: str = "October 2011", **more: str) -> dict:
    data: dict[str, Any] = {
        "title": "Early sharing in a county MASH",
        "slug": "early",
        "local_authorities": [authority_pk],
        "visit": "",
        "model": "mash",
        "summary": "Police and health share what they know within hours.",
        "version": "0",
        "facts-TOTAL_FORMS": "1",
        "facts-INITIAL_FORMS": "0",
        "facts-0-label": "Established",
        "facts-0-value": fact,
        "sections-TOTAL_FORMS": "1",
        "sections-INITIAL_FORMS": "0",
        "sections-0-heading": "Context",
        "sections-0-body": body,
        "save": "",
    }
    return data | more


def _warning(response: Any) -> str:
    banners = [
        banner
        for banner in parse(response.content).find_all("div", "govuk-notification-banner")
        if banner.attrs.get("id") == "identifiers-saved"
    ]
    return banners[0].text() if banners else ""


def _links(response: Any, text: str) -> list[str]:
    return [a.attrs["href"] for a in parse(response.content).find_all("a") if a.text() == text]


def _manage_row(client: Client) -> str:
    rows = parse(client.get("/case-studies/manage/").content).find("tbody").find_all("tr")
    assert len(rows) == 1
    return rows[0].text()


def test_saving_a_section_with_an_nhs_number_saves_it_and_warns(staff_client: Client) -> None:
    area = LocalAuthorityFactory.create()

    response = staff_client.post(
        "/case-studies/new/", _form(area.pk, body=WITH_NHS_NUMBER), follow=True
    )

    case_study = CaseStudy.objects.get(slug="early")
    assert case_study.sections.get().body == WITH_NHS_NUMBER
    assert case_study.identifiers_found == 1
    assert response.redirect_chain[-1][0] == "/case-studies/early/edit/"
    warning = _warning(response)
    assert "Possible identifier found: remove it before you submit" in warning
    assert "The child, NHS number" in warning and "was seen by the MASH" in warning
    assert f'<mark class="app-identifier">{NHS_NUMBER}</mark>' in response.content.decode()
    assert _links(response, "NHS number in Section: Context") == ["#id_sections-0-body"]
    assert 'id="id_sections-0-body"' in response.content.decode()
    assert "Possible identifiers" in _manage_row(staff_client)


def test_a_key_facts_hit_links_to_its_value(staff_client: Client) -> None:
    area = LocalAuthorityFactory.create()

    response = staff_client.post(
        "/case-studies/new/",
        _form(area.pk, body="A county MASH.", fact="Call 07700 900123"),
        follow=True,
    )

    assert _links(response, "Phone number in Key fact: Established") == ["#id_facts-0-value"]
    assert 'id="id_facts-0-value"' in response.content.decode()


def test_editing_the_text_clean_clears_the_marker_and_the_tag(staff_client: Client) -> None:
    area = LocalAuthorityFactory.create()
    staff_client.post("/case-studies/new/", _form(area.pk, body=WITH_NHS_NUMBER))

    response = staff_client.post(
        "/case-studies/early/edit/",
        _form(area.pk, body="The child was seen within the hour.", version="1"),
        follow=True,
    )

    assert CaseStudy.objects.get(slug="early").identifiers_found == 0
    assert _warning(response) == ""
    assert "Possible identifiers" not in _manage_row(staff_client)


def test_a_reviewers_reason_to_keep_the_identifiers_clears_the_tag(
    staff_client: Client, reviewer_client: Client, reviewer_user: User
) -> None:
    area = LocalAuthorityFactory.create()
    staff_client.post("/case-studies/new/", _form(area.pk, body=WITH_NHS_NUMBER))

    reviewer_client.post(
        "/case-studies/early/submit/",
        {"version": "1", "override_reason": "The number is made up for the example."},
    )

    case_study = CaseStudy.objects.get(slug="early")
    assert case_study.status == "in_review"
    assert "Possible identifiers" not in _manage_row(staff_client)
