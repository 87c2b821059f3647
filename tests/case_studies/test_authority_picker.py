"""Choosing a case study's local authorities: without JavaScript, the register's 152
authorities are checkboxes in a section for each region, each saying how many of its
authorities are chosen; the form posts and saves them as plain checkboxes."""

from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from areas.models import LocalAuthority
from case_studies.models import CaseStudy
from tests.areas.pages import Element, add_authorities, parse
from tests.case_studies.factories import CaseStudyFactory
from tests.factories import RegionFactory

pytestmark = pytest.mark.django_db


def _form(authorities: list[LocalAuthority], **overrides: Any) -> dict[str, Any]:
    data: dict[str, Any] = {
        "title": "Early sharing in a county MASH",
        "slug": "",
        "local_authorities": [str(a.pk) for a in authorities],
        "visit": "",
        "model": "mash",
        "summary": "Police and health share what they know within hours.",
        "version": "0",
        "facts-TOTAL_FORMS": "1",
        "facts-INITIAL_FORMS": "0",
        "facts-0-label": "Established",
        "facts-0-value": "October 2011",
        "sections-TOTAL_FORMS": "1",
        "sections-INITIAL_FORMS": "0",
        "sections-0-heading": "Context",
        "sections-0-body": "A county **MASH** since 2011.",
        "save": "",
    }
    data.update(overrides)
    return data


def _regions(page: Element) -> dict[str, Element]:
    """Each region's section of the picker, by the text of its summary."""
    picker = page.find("div", "app-authority-picker")
    return {
        region.find("summary").text(): region
        for region in picker.find_all("details", "app-authority-picker__region")
    }


def _labels(region: Element) -> list[str]:
    return [label.text() for label in region.find_all("label")]


def test_the_register_is_grouped_by_region_each_saying_how_many_are_chosen(
    staff_client: Client, register: None
) -> None:
    camden, hackney, gateshead = (
        LocalAuthority.objects.get(name=name) for name in ("Camden", "Hackney", "Gateshead")
    )
    CaseStudyFactory.create(slug="early", local_authorities=[camden, hackney, gateshead])

    page = parse(staff_client.get("/case-studies/early/edit/").content)

    regions = _regions(page)
    assert len(regions) == 9
    assert "London (2 chosen)" in regions
    assert "North East (1 chosen)" in regions
    assert "South West (none chosen)" in regions
    # Regions with a chosen authority start open; the others are closed.
    assert {name for name, region in regions.items() if "open" in region.attrs} == {
        "London (2 chosen)",
        "North East (1 chosen)",
    }
    london = _labels(regions["London (2 chosen)"])
    assert len(london) == 33 and london == sorted(london)
    assert sum(len(_labels(region)) for region in regions.values()) == 152
    ticked = {
        box.attrs["value"]
        for box in page.find_all("input")
        if box.attrs.get("name") == "local_authorities" and "checked" in box.attrs
    }
    assert ticked == {str(camden.pk), str(hackney.pk), str(gateshead.pk)}


def test_authorities_ticked_in_several_regions_are_saved_without_javascript(
    staff_client: Client, register: None
) -> None:
    chosen = list(LocalAuthority.objects.filter(name__in=["Devon", "Gateshead", "Camden"]))

    response = staff_client.post("/case-studies/new/", _form(chosen))

    assert response.status_code == 302
    case_study = CaseStudy.objects.get()
    assert sorted(a.name for a in case_study.local_authorities.all()) == [
        "Camden",
        "Devon",
        "Gateshead",
    ]


def test_choosing_none_links_the_problem_to_the_first_authority_in_an_open_region(
    staff_client: Client, register: None
) -> None:
    page = parse(staff_client.post("/case-studies/new/", _form([])).content)

    summary = page.find("div", "govuk-error-summary")
    links = [a.attrs["href"] for a in summary.find_all("a")]
    assert links == ["#id_local_authorities_1"]
    first = next(iter(_regions(page).values()))
    assert "open" in first.attrs
    assert first.find("input").attrs["id"] == "id_local_authorities_1"
    assert (
        "Select the local authorities the case study is about"
        in page.find("div", "app-authority-picker").text()
    )
    assert not CaseStudy.objects.exists()


def test_the_only_region_starts_open(staff_client: Client) -> None:
    region = RegionFactory.create(name="North East")
    add_authorities(region, 2)

    page = parse(staff_client.get("/case-studies/new/").content)

    regions = _regions(page)
    assert list(regions) == ["North East (none chosen)"]
    assert "open" in regions["North East (none chosen)"].attrs


def test_the_form_takes_as_many_queries_whatever_the_number_of_authorities(
    staff_client: Client,
) -> None:
    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            assert staff_client.get("/case-studies/new/").status_code == 200
        return len(captured)

    few = RegionFactory.create(name="North East")
    add_authorities(few, 2)
    before = queries()
    for name in ("London", "South West", "East of England"):
        add_authorities(RegionFactory.create(name=name), 5)

    assert queries() == before


def test_the_preview_shows_the_summary_and_key_facts_and_saves_nothing(
    staff_client: Client,
) -> None:
    area = add_authorities(RegionFactory.create(name="North East"), 1)
    data = _form(
        area,
        summary="Police, health and social care decide together within hours.",
        preview="",
        **{
            "facts-TOTAL_FORMS": "3",
            "facts-1-label": "Partners",
            "facts-1-value": "Police, health, children's social care",
            "facts-2-label": "",
            "facts-2-value": "",
        },
    )
    del data["save"]

    page = parse(staff_client.post("/case-studies/new/", data).content)

    preview = page.find("section", "app-preview")
    assert "Police, health and social care decide together within hours." in preview.text()
    facts = [
        (row.find("dt").text(), row.find("dd").text())
        for row in preview.find_all("div", "govuk-summary-list__row")
    ]
    assert facts == [
        ("Established", "October 2011"),
        ("Partners", "Police, health, children's social care"),
    ]
    assert preview.find("strong").text() == "MASH"  # the sections as before
    assert not CaseStudy.objects.exists()


def test_the_preview_says_when_there_is_no_summary_or_key_fact_yet(
    staff_client: Client,
) -> None:
    area = add_authorities(RegionFactory.create(name="North East"), 1)
    data = _form(area, summary="", preview="", **{"facts-0-label": "", "facts-0-value": ""})
    del data["save"]

    page = parse(staff_client.post("/case-studies/new/", data).content)

    preview = page.find("section", "app-preview").text()
    assert "There is no summary yet." in preview
    assert "There are no key facts yet." in preview
