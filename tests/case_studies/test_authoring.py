"""Writing, sending for review and reviewing case studies in the browser (Django test client)."""

from typing import Any

import pytest
from django.contrib.auth.models import User
from django.test import Client

from case_studies import services
from case_studies.models import CaseStudy, CaseStudyStatus
from tests.case_studies.factories import CaseStudyFactory, SectionFactory
from tests.factories import LocalAuthorityFactory

pytestmark = pytest.mark.django_db

NHS_NUMBER_TEXT = "The child, NHS number 943 476 5919, was seen by the MASH within the hour."


def _post(authority_pk: int, **overrides: Any) -> dict[str, Any]:
    data: dict[str, Any] = {
        "title": "Early sharing in a county MASH",
        "slug": "",
        "local_authorities": [authority_pk],
        "visit": "",
        "model": "mash",
        "summary": "Police and health share what they know within hours.",
        "version": "0",
        "facts-TOTAL_FORMS": "1",
        "facts-INITIAL_FORMS": "0",
        "facts-0-label": "Established",
        "facts-0-value": "October 2011",
        "sections-TOTAL_FORMS": "2",
        "sections-INITIAL_FORMS": "0",
        "sections-0-heading": "Context",
        "sections-0-body": "A county **MASH** since 2011.",
        "sections-1-heading": "Partners",
        "sections-1-body": "",
        "save": "",
    }
    data.update(overrides)
    return data


def test_the_manage_list_shows_every_status_with_areas(staff_client: Client) -> None:
    area = LocalAuthorityFactory.create(name="Northshire")
    CaseStudyFactory.create(title="A draft one", local_authorities=[area])
    CaseStudyFactory.create(title="One in review", status=CaseStudyStatus.IN_REVIEW)
    page = staff_client.get("/case-studies/manage/").content.decode()
    assert "A draft one" in page and "One in review" in page
    assert "Northshire" in page and "In review" in page


def test_the_web_address_is_made_from_the_title(staff_client: Client) -> None:
    area = LocalAuthorityFactory.create()
    response = staff_client.post("/case-studies/new/", _post(area.pk))
    assert response.status_code == 302
    case_study = CaseStudy.objects.get()
    assert case_study.slug == "early-sharing-in-a-county-mash"
    assert [s.heading for s in case_study.sections.all()] == ["Context"]  # empty one dropped
    assert response["Location"] == "/case-studies/early-sharing-in-a-county-mash/edit/"


def test_a_taken_web_address_says_what_to_do(staff_client: Client) -> None:
    CaseStudyFactory.create(slug="early-sharing-in-a-county-mash")
    response = staff_client.post("/case-studies/new/", _post(LocalAuthorityFactory.create().pk))
    page = response.content.decode()
    assert "<title>Error: " in page
    assert "already uses the web address early-sharing-in-a-county-mash" in page
    assert 'href="#id_slug"' in page


@pytest.mark.parametrize(
    ("slug", "message"),
    [
        ("new", "/case-studies/new/ is a page of its own: choose another web address"),
        ("manage", "/case-studies/manage/ is a page of its own"),
        ("pdf", "/case-studies/pdf/ is a page of its own"),
        ("East-Hub", "can only use lower-case letters, numbers and single hyphens"),
        ("east hub", "can only use lower-case letters, numbers and single hyphens"),
        ("a" * 101, "The web address must be 100 characters or fewer"),
    ],
)
def test_a_web_address_the_service_cannot_use_says_what_to_fix(
    staff_client: Client, slug: str, message: str
) -> None:
    page = staff_client.post(
        "/case-studies/new/", _post(LocalAuthorityFactory.create().pk, slug=slug)
    ).content.decode()
    assert "<title>Error: " in page
    assert message in page
    assert 'href="#id_slug"' in page
    assert not CaseStudy.objects.exists()


def test_a_title_that_makes_a_reserved_address_asks_for_another(staff_client: Client) -> None:
    page = staff_client.post(
        "/case-studies/new/", _post(LocalAuthorityFactory.create().pk, title="Manage")
    ).content.decode()
    assert "/case-studies/manage/ is a page of its own" in page
    assert not CaseStudy.objects.exists()


def test_the_service_refuses_a_reserved_address_whatever_calls_it(staff_user: User) -> None:
    with pytest.raises(services.CaseStudyError, match="is a page of its own"):
        services.case_study_create(
            user=staff_user,
            title="New",
            slug="new",
            local_authorities=[LocalAuthorityFactory.create()],
            model="mash",
            summary="A summary.",
        )


def test_missing_answers_say_what_to_enter(staff_client: Client) -> None:
    data = _post(LocalAuthorityFactory.create().pk, title="", summary="", model="")
    del data["local_authorities"]
    data["sections-1-heading"] = ""
    data["sections-1-body"] = "Text without a heading"
    page = staff_client.post("/case-studies/new/", data).content.decode()
    for message in (
        "Enter a title",
        "Select the local authorities the case study is about",
        "Select the model the area uses",
        "Enter a summary",
        "Enter a heading for this section, or delete its text",
    ):
        assert message in page
    assert 'href="#id_sections-1-heading"' in page
    assert not CaseStudy.objects.exists()


def test_preview_shows_the_sections_and_saves_nothing(staff_client: Client) -> None:
    data = _post(LocalAuthorityFactory.create().pk, preview="")
    del data["save"]
    data["sections-0-body"] = "A county **MASH**.<script>alert(1)</script>"
    page = staff_client.post("/case-studies/new/", data).content.decode()
    assert "<strong>MASH</strong>" in page
    assert "<script>alert(1)" not in page
    assert not CaseStudy.objects.exists()


def test_a_stale_save_keeps_the_persons_text_in_the_form(staff_client: Client) -> None:
    area = LocalAuthorityFactory.create()
    case_study = CaseStudyFactory.create(slug="early", local_authorities=[area], version=3)
    data = _post(area.pk, slug="early", version="2", summary="My new summary")
    response = staff_client.post("/case-studies/early/edit/", data)
    assert response.status_code == 409
    page = response.content.decode()
    assert "changed by someone else" in page
    assert "My new summary" in page
    assert 'name="version" value="3"' in page
    case_study.refresh_from_db()
    assert case_study.summary != "My new summary"


@pytest.mark.parametrize("status", ["in_review", "published"])
def test_editing_is_refused_unless_draft(staff_client: Client, status: str) -> None:
    CaseStudyFactory.create(slug="early", status=status, published_at="2013-04-01T00:00Z")
    response = staff_client.get("/case-studies/early/edit/", follow=True)
    assert "Only a draft case study can be changed" in response.content.decode()
    assert response.redirect_chain[-1][0] == "/case-studies/manage/"


def test_submitting_with_an_identifier_shows_it_in_context(staff_client: Client) -> None:
    case_study = CaseStudyFactory.create(slug="early")
    SectionFactory.create(case_study=case_study, heading="Context", body=NHS_NUMBER_TEXT)
    page = staff_client.post("/case-studies/early/submit/", {"version": "1"}).content.decode()
    assert "<title>Error: " in page
    assert '<mark class="app-identifier">943 476 5919</mark>' in page
    assert "Send for review anyway" not in page  # staff may not override
    case_study.refresh_from_db()
    assert case_study.status == CaseStudyStatus.DRAFT


def test_a_reviewer_sends_for_review_anyway_with_a_reason(reviewer_client: Client) -> None:
    case_study = CaseStudyFactory.create(slug="early")
    SectionFactory.create(case_study=case_study, body=NHS_NUMBER_TEXT)
    page = reviewer_client.post(
        "/case-studies/early/submit/", {"version": "1", "override_reason": ""}
    ).content.decode()
    assert "Enter a reason of at least one sentence saying why these can stay" in page
    page = reviewer_client.post(
        "/case-studies/early/submit/", {"version": "1", "override_reason": "A test number"}
    ).content.decode()
    assert "Enter a reason of at least one sentence saying why these can stay" in page
    assert ">A test number</textarea>" in page  # kept to correct
    reason = "The number is the one printed in the NHS guidance, not a child's."
    reviewer_client.post("/case-studies/early/submit/", {"version": "1", "override_reason": reason})
    case_study.refresh_from_db()
    assert case_study.status == CaseStudyStatus.IN_REVIEW
    assert case_study.pii_override_reason == reason


def test_a_reviewer_publishes_from_the_review_page(reviewer_client: Client) -> None:
    case_study = CaseStudyFactory.create(slug="early", status=CaseStudyStatus.IN_REVIEW)
    assert "Your decision" in reviewer_client.get("/case-studies/early/review/").content.decode()
    reviewer_client.post("/case-studies/early/review/", {"version": "1", "decision": "publish"})
    case_study.refresh_from_db()
    assert case_study.status == CaseStudyStatus.PUBLISHED


def test_sending_back_without_a_comment_says_to_enter_one(reviewer_client: Client) -> None:
    CaseStudyFactory.create(slug="early", status=CaseStudyStatus.IN_REVIEW)
    page = reviewer_client.post(
        "/case-studies/early/review/", {"version": "1", "decision": "send_back"}
    ).content.decode()
    assert "Enter a comment saying what needs to change" in page
    assert 'href="#comment"' in page


def test_staff_cannot_open_the_review_page(staff_client: Client) -> None:
    CaseStudyFactory.create(slug="early", status=CaseStudyStatus.IN_REVIEW)
    assert staff_client.get("/case-studies/early/review/").status_code == 403


def test_withdrawing_needs_a_notice_then_keeps_it(reviewer_client: Client) -> None:
    case_study = CaseStudyFactory.create(
        slug="early", status=CaseStudyStatus.PUBLISHED, published_at="2013-04-01T00:00Z"
    )
    page = reviewer_client.post("/case-studies/early/withdraw/", {"version": "1"}).content.decode()
    assert "Enter the notice readers will see" in page
    reviewer_client.post(
        "/case-studies/early/withdraw/", {"version": "1", "notice": "The model has changed."}
    )
    case_study.refresh_from_db()
    assert case_study.status == CaseStudyStatus.WITHDRAWN
    assert case_study.withdrawal_notice == "The model has changed."


def test_history_lists_versions_newest_first_with_reasons(
    staff_client: Client, reviewer_user
) -> None:
    area = LocalAuthorityFactory.create()
    staff_client.post("/case-studies/new/", _post(area.pk, slug="early"))
    data = _post(area.pk, slug="early", version="1", summary="A shorter summary")
    staff_client.post("/case-studies/early/edit/", data)
    page = staff_client.get("/case-studies/early/history/").content.decode()
    assert page.index("Changed") < page.index("Created")
    assert "Summary" in page


def test_illustrative_case_studies_say_so_on_the_edit_page(staff_client: Client) -> None:
    CaseStudyFactory.create(slug="early", is_illustrative=True)
    page = staff_client.get("/case-studies/early/edit/").content.decode()
    assert "illustrative demo content, not the project's data" in page
