"""A case study's history is complete: its sections and key facts are recorded with who changed
them, in the same change as the case study, and the history page shows readable diffs."""

from typing import Any

import pytest
from django.test import Client

from case_studies import services
from case_studies.models import CaseStudy, KeyFact, Section
from tests.areas.pages import parse
from tests.factories import LocalAuthorityFactory, StaffFactory

pytestmark = pytest.mark.django_db


def _content(**overrides: Any) -> dict[str, Any]:
    content: dict[str, Any] = {
        "title": "Early sharing in a county MASH",
        "slug": "early-sharing",
        "local_authorities": [LocalAuthorityFactory.create()],
        "model": "mash",
        "summary": "Police and health share what they know within hours.",
        "sections": [
            services.SectionContent("Context", "A county MASH since 2011.\nNine agencies."),
            services.SectionContent("Partners", "Police and health sit together."),
        ],
        "key_facts": [services.KeyFactContent("Established", "October 2011")],
    }
    content.update(overrides)
    return content


def test_creating_records_each_section_and_key_fact_with_the_author(staff_user) -> None:
    case_study = services.case_study_create(user=staff_user, **_content())

    sections = Section.history.filter(case_study_id=case_study.pk)
    facts = KeyFact.history.filter(case_study_id=case_study.pk)
    assert sections.count() == 2 and facts.count() == 1
    assert {row.history_user for row in [*sections, *facts]} == {staff_user}
    # One change: the case study's own record and its parts carry the same change id.
    (record,) = case_study.history.all()
    assert record.history_type == "+"
    assert {row.history_change_id for row in [*sections, *facts]} == {record.history_change_id}


def test_an_edit_records_only_what_changed_and_who_deleted_a_section(staff_user) -> None:
    case_study = services.case_study_create(user=staff_user, **_content())
    editor = StaffFactory.create()
    services.case_study_update(
        case_study=case_study,
        user=editor,
        seen_version=case_study.version,
        **_content(
            sections=[services.SectionContent("Context", "A county MASH since 2011.\nTen.")],
        ),
    )

    rows = Section.history.filter(case_study_id=case_study.pk).order_by("history_id")
    assert [(row.history_type, row.heading) for row in rows] == [
        ("+", "Context"),
        ("+", "Partners"),
        ("-", "Partners"),
        ("~", "Context"),
    ]
    assert [row.history_user for row in rows[2:]] == [editor, editor]
    assert KeyFact.history.filter(case_study_id=case_study.pk).count() == 1  # unchanged
    assert CaseStudy.history.filter(id=case_study.pk).count() == 2  # one record a save


def test_the_history_page_shows_line_diffs_of_summary_sections_and_key_facts(
    staff_client: Client, staff_user
) -> None:
    case_study = services.case_study_create(user=staff_user, **_content())
    services.case_study_update(
        case_study=case_study,
        user=staff_user,
        seen_version=case_study.version,
        **_content(
            summary="Police, health and schools share what they know within hours.",
            sections=[
                services.SectionContent("Context", "A county MASH since 2011.\nTen agencies."),
                services.SectionContent("Partners", "Police and health sit together."),
            ],
            key_facts=[services.KeyFactContent("Established", "November 2011")],
        ),
    )

    page = parse(staff_client.get(f"/case-studies/{case_study.slug}/history/").content)
    latest = page.find("section", "app-history-entry")
    text = latest.text()
    assert "Changed" in text
    assert "Removed: Police and health share what they know within hours." in text
    assert "Added: Police, health and schools share what they know within hours." in text
    assert "Sections" in text
    assert "Removed: Nine agencies." in text and "Added: Ten agencies." in text
    assert "Key facts" in text
    assert "Removed: Established: October 2011" in text
    assert "Added: Established: November 2011" in text
    assert "Police and health sit together." not in text  # unchanged lines stay out


def test_the_history_page_needs_no_more_queries_for_more_versions(
    staff_client: Client, staff_user, django_assert_max_num_queries
) -> None:
    case_study = services.case_study_create(user=staff_user, **_content())
    for number in range(6):
        case_study.refresh_from_db()
        services.case_study_update(
            case_study=case_study,
            user=staff_user,
            seen_version=case_study.version,
            **_content(summary=f"Version {number} of the summary."),
        )
    staff_client.get(f"/case-studies/{case_study.slug}/history/")  # warm the session
    with django_assert_max_num_queries(14):
        response = staff_client.get(f"/case-studies/{case_study.slug}/history/")
    assert response.status_code == 200
    assert len(parse(response.content).find_all("section", "app-history-entry")) == 7


def test_an_edit_posted_without_the_version_it_started_from_is_refused(
    staff_client: Client,
) -> None:
    area = LocalAuthorityFactory.create()
    staff = StaffFactory.create()
    case_study = services.case_study_create(
        user=staff, **_content(local_authorities=[area], slug="early")
    )
    data = {
        "title": "Someone else's title",
        "slug": "early",
        "local_authorities": [area.pk],
        "visit": "",
        "model": "mash",
        "summary": "Written over a newer save.",
        "facts-TOTAL_FORMS": "0",
        "facts-INITIAL_FORMS": "0",
        "sections-TOTAL_FORMS": "0",
        "sections-INITIAL_FORMS": "0",
        "save": "",
    }

    page = staff_client.post("/case-studies/early/edit/", data).content.decode()

    assert "Reload the page, then make your changes again" in page
    case_study.refresh_from_db()
    assert case_study.title == "Early sharing in a county MASH"
    assert case_study.version == 1
