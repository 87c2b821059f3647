"""Recording and changing a visit's detailed feedback in the browser (without JavaScript)."""

import datetime as dt
from decimal import Decimal

import pytest

from tests.factories import StaffFactory
from visits.models import DetailedFeedback, FeedbackStaffing, ReviewStatus

from .editing_support import (
    Areas,
    banner,
    checked,
    draft_visit,
    error_summary,
    feedback_for,
    feedback_form,
    ids,
    inline_errors,
    input_value,
    make_areas,
    page_of,
    signed_in,
    textarea,
    title,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def areas() -> Areas:
    return make_areas()


def test_a_visit_without_feedback_offers_an_empty_form_from_version_0(areas: Areas) -> None:
    staff = StaffFactory.create()
    visit = draft_visit(areas, staff)

    response = signed_in(staff).get(f"/visits/{visit.pk}/feedback/edit/")

    page = page_of(response)
    assert page.find("h1").text() == "Record detailed feedback"
    assert input_value(page, "version") == "0"
    form = page.find("main").find("form")
    assert "data-autosave-url" not in form.attrs  # autosave starts after the first save
    legends = [legend.text() for legend in page.find_all("legend")]
    assert "Police" in legends and "Housing" in legends
    assert "Which rating does the area give contacts?" in legends


def test_the_first_save_creates_the_feedback_with_its_staffing(areas: Areas) -> None:
    staff = StaffFactory.create()
    visit = draft_visit(areas, staff)
    client = signed_in(staff)

    response = client.post(
        f"/visits/{visit.pk}/feedback/edit/",
        feedback_form(
            version=0,
            established_on=dt.date(2011, 10, 3),
            monthly_contacts="1200",
            monthly_referrals="300",
            uses_blue_rating="yes",
            red_hours="4",
            amber_hours="24",
            green_hours="72",
            blue_hours="120",
            has_governance_board="yes",
            board_chair="Assistant director of children's services",
            isa_signed="yes",
            isa_signed_on=dt.date(2012, 4, 1),
            isa_signatories="Police, council, health trusts",
            success_factors="Co-location.",
            staff_police="4.5",
            colocated_police="on",
            staff_health="1",
        ),
    )

    assert response["Location"] == f"/visits/{visit.pk}/feedback/edit/"
    feedback = DetailedFeedback.objects.get(visit=visit)
    assert feedback.version == 1
    assert feedback.status == ReviewStatus.DRAFT
    assert feedback.created_by == staff
    assert feedback.established_on == dt.date(2011, 10, 3)
    assert (feedback.monthly_contacts, feedback.monthly_referrals) == (1200, 300)
    assert feedback.uses_blue_rating is True
    assert (feedback.red_hours, feedback.blue_hours) == (4, 120)
    assert feedback.has_governance_board and feedback.isa_signed
    assert feedback.isa_signed_on == dt.date(2012, 4, 1)
    assert {(s.agency_type, s.staff_fte, s.co_located) for s in FeedbackStaffing.objects.all()} == {
        ("police", Decimal("4.5"), True),
        ("health", Decimal("1.0"), False),
    }
    assert feedback.history.count() == 1
    page = page_of(client.get(response["Location"]))
    assert "The detailed feedback is saved." in banner(page)
    assert page.find("h1").text() == "Change the detailed feedback"
    assert input_value(page, "staff_police") == "4.5"
    assert checked(page, "colocated_police") == ["on"]
    assert checked(page, "colocated_health") == []
    assert checked(page, "uses_blue_rating") == ["yes"]
    assert textarea(page, "isa_signatories") == "Police, council, health trusts"
    form = page.find("main").find("form")
    assert form.attrs["data-autosave-url"] == f"/visits/{visit.pk}/feedback/autosave/"


def test_save_and_continue_goes_to_the_feedback_page(areas: Areas) -> None:
    staff = StaffFactory.create()
    visit = draft_visit(areas, staff)

    response = signed_in(staff).post(
        f"/visits/{visit.pk}/feedback/edit/",
        feedback_form(version=0, button="continue", lessons="Start small."),
    )

    assert response["Location"] == f"/visits/{visit.pk}/feedback/"


def test_changing_feedback_replaces_its_staffing_and_writes_a_new_version(areas: Areas) -> None:
    staff = StaffFactory.create()
    visit = draft_visit(areas, staff)
    feedback = feedback_for(visit, staff)
    FeedbackStaffing.objects.create(feedback=feedback, agency_type="police", staff_fte=3)

    response = signed_in(staff).post(
        f"/visits/{visit.pk}/feedback/edit/",
        feedback_form(version=1, staff_housing="0.5", barriers="IT that does not connect."),
    )

    assert response.status_code == 302
    feedback.refresh_from_db()
    assert feedback.version == 2
    assert feedback.barriers == "IT that does not connect."
    assert feedback.monthly_contacts is None  # cleared in the form, cleared here
    assert [(s.agency_type, s.staff_fte) for s in feedback.staffing.all()] == [
        ("housing", Decimal("0.5"))
    ]


@pytest.mark.parametrize(
    ("fields", "expected"),
    [
        (
            {"blue_hours": "120", "uses_blue_rating": "no"},
            [
                (
                    "#id_blue_hours",
                    "Select BRAG if the area uses a blue rating, or delete the blue hours",
                )
            ],
        ),
        (
            {"monthly_contacts": "about 1200"},
            [("#id_monthly_contacts", "Enter contacts a month as a whole number, such as 1200")],
        ),
        (
            {"red_hours": "-4"},
            [
                (
                    "#id_red_hours",
                    "Enter a number of hours for a red rating more than 0 and no more than 8,760",
                )
            ],
        ),
        (
            {"staff_police": "two"},
            [("#id_staff_police", "Enter police staff as a number, such as 2.5")],
        ),
        (
            {"staff_health": "2.25"},
            [("#id_staff_health", "Enter health staff to one decimal place, such as 2.5")],
        ),
        (
            {"colocated_education": "on"},
            [("#id_staff_education", "Enter education staff, or untick co-located")],
        ),
        (
            {"established_on_0": "31", "established_on_1": "2", "established_on_2": "2012"},
            [("#id_established_on_0", "Start date must be a real date")],
        ),
        (
            {"isa_signed_on_0": "1", "isa_signed_on_1": "", "isa_signed_on_2": "2012"},
            [("#id_isa_signed_on_1", "Date signed must include a month")],
        ),
    ],
)
def test_the_form_says_what_to_fix_and_saves_nothing(
    areas: Areas, fields: dict[str, str], expected: list[tuple[str, str]]
) -> None:
    staff = StaffFactory.create()
    visit = draft_visit(areas, staff)

    response = signed_in(staff).post(
        f"/visits/{visit.pk}/feedback/edit/", feedback_form(version=0, **fields)
    )

    page = page_of(response)
    assert title(response).startswith("Error: ")
    assert error_summary(page) == expected
    assert expected[0][0].removeprefix("#") in ids(page)
    assert inline_errors(page) == [message for _, message in expected]
    assert not DetailedFeedback.objects.exists()


def test_blue_hours_are_kept_with_a_brag_rating(areas: Areas) -> None:
    staff = StaffFactory.create()
    visit = draft_visit(areas, staff)

    signed_in(staff).post(
        f"/visits/{visit.pk}/feedback/edit/",
        feedback_form(version=0, uses_blue_rating="yes", blue_hours="168"),
    )

    assert DetailedFeedback.objects.get().blue_hours == 168


@pytest.mark.parametrize("status", [ReviewStatus.SUBMITTED, ReviewStatus.APPROVED])
def test_submitted_or_approved_feedback_cannot_be_changed(areas: Areas, status: str) -> None:
    staff = StaffFactory.create()
    visit = draft_visit(areas, staff)
    feedback = feedback_for(visit, staff, lessons="Kept.")
    DetailedFeedback.objects.filter(pk=feedback.pk).update(
        status=status, approved_at=dt.datetime(2013, 4, 1, tzinfo=dt.UTC)
    )
    client = signed_in(staff)

    opened = client.get(f"/visits/{visit.pk}/feedback/edit/")
    response = client.post(
        f"/visits/{visit.pk}/feedback/edit/", feedback_form(version=1, lessons="Too late.")
    )

    assert opened["Location"] == f"/visits/{visit.pk}/feedback/"
    page = page_of(response)
    assert "so it cannot be changed" in error_summary(page)[0][1]
    assert textarea(page, "lessons") == "Too late."
    feedback.refresh_from_db()
    assert feedback.lessons == "Kept."


def test_returned_feedback_can_be_changed_and_stays_returned(areas: Areas) -> None:
    staff = StaffFactory.create()
    visit = draft_visit(areas, staff)
    feedback = feedback_for(visit, staff)
    DetailedFeedback.objects.filter(pk=feedback.pk).update(
        status=ReviewStatus.RETURNED, reviewer_comment="Give staff numbers."
    )

    response = signed_in(staff).post(
        f"/visits/{visit.pk}/feedback/edit/", feedback_form(version=1, staff_police="2")
    )

    assert response.status_code == 302
    feedback.refresh_from_db()
    assert feedback.status == ReviewStatus.RETURNED
    assert feedback.staffing.get().staff_fte == Decimal("2.0")
