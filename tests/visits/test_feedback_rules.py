"""The rules on detailed feedback: ranges, dates no later than the visit, an answer that needs
its parent, yes-or-no answers left blank shown as "Not answered" (null in the API), and
figures that look wrong saved with a warning that names them."""

import csv
import datetime as dt
import io
from typing import Any

import pytest
from django.utils import timezone
from rest_framework.test import APIClient

from mash_survey.rules import Breach, Severity
from tests.factories import ReviewerFactory, StaffFactory
from visits.models import DetailedFeedback, ReviewStatus, Visit
from visits.rules import feedback_record_breaches
from visits.services import RecordContentError, feedback_save

from .editing_support import (
    Areas,
    checked,
    draft_visit,
    error_summary,
    feedback_for,
    feedback_form,
    inline_errors,
    make_areas,
    page_of,
    signed_in,
    title,
)

pytestmark = pytest.mark.django_db

ISA_DATE_NEEDS_ISA = (
    "Select yes if an information sharing agreement has been signed, or delete the date it "
    "was signed"
)
REFERRALS_WARNING = (
    "Referrals a month (500) is more than contacts a month (100). Check both figures: every "
    "referral starts as a contact."
)


@pytest.fixture
def areas() -> Areas:
    return make_areas()


@pytest.fixture
def staff():
    return StaffFactory.create()


@pytest.fixture
def visit(areas: Areas, staff) -> Visit:
    """A draft visit on 12 February 2013."""
    return draft_visit(areas, staff)


def _post(staff, visit: Visit, version: int = 0, **fields: Any):
    return signed_in(staff).post(
        f"/visits/{visit.pk}/feedback/edit/", feedback_form(version=version, **fields)
    )


# ----- Errors: the form says what to fix and saves nothing -------------------------------------


@pytest.mark.parametrize(
    ("fields", "anchor", "message"),
    [
        (
            {"isa_signed_on": dt.date(2030, 1, 1)},
            "#id_isa_signed_on_0",
            ISA_DATE_NEEDS_ISA,
        ),
        (
            {"isa_signed": "no", "isa_signed_on": dt.date(2012, 4, 1)},
            "#id_isa_signed_on_0",
            ISA_DATE_NEEDS_ISA,
        ),
        (
            {"isa_signed": "yes", "isa_signed_on": dt.date(2030, 1, 1)},
            "#id_isa_signed_on_0",
            "Enter the date it was signed between 1 January 1990 and 12 February 2013, the "
            "date of the visit",
        ),
        (
            {"established_on": dt.date(2013, 2, 13)},
            "#id_established_on_0",
            "Enter a start date between 1 January 1990 and 12 February 2013, the date of the visit",
        ),
        (
            {"established_on": dt.date(1989, 12, 1)},
            "#id_established_on_0",
            "Enter a start date between 1 January 1990 and 12 February 2013, the date of the visit",
        ),
        (
            {"has_governance_board": "no", "board_chair": "Director of children's services"},
            "#id_board_chair",
            "Select yes if there is a governance board, or delete who chairs it",
        ),
        (
            {"isa_signatories": "Police and health"},
            "#id_isa_signatories",
            "Select yes if an information sharing agreement has been signed, or delete the "
            "agencies that signed it",
        ),
        (
            {"monthly_contacts": "-5"},
            "#id_monthly_contacts",
            "Enter a number of contacts a month between 0 and 100,000",
        ),
        (
            {"monthly_referrals": "100001"},
            "#id_monthly_referrals",
            "Enter a number of referrals a month between 0 and 100,000",
        ),
        (
            {"green_hours": "0"},
            "#id_green_hours",
            "Enter a number of hours for a green rating more than 0 and no more than 8,760",
        ),
        (
            {"barriers": "x" * 5001},
            "#id_barriers",
            "The barriers must be 5,000 characters or fewer",
        ),
        (
            {"has_governance_board": "yes", "board_chair": "x" * 201},
            "#id_board_chair",
            "The chair's role must be 200 characters or fewer",
        ),
    ],
)
def test_a_broken_rule_is_refused_at_its_field_and_nothing_is_saved(
    staff, visit: Visit, fields: dict[str, Any], anchor: str, message: str
) -> None:
    response = _post(staff, visit, **fields)

    page = page_of(response)
    assert title(response).startswith("Error: ")
    assert error_summary(page) == [(anchor, message)]
    assert inline_errors(page) == [message]
    assert not DetailedFeedback.objects.exists()


def test_the_service_refuses_the_same_rule_with_the_same_message(staff, visit: Visit) -> None:
    with pytest.raises(RecordContentError, match=f"^{ISA_DATE_NEEDS_ISA}$"):
        feedback_save(visit=visit, user=staff, seen_version=0, isa_signed_on=dt.date(2030, 1, 1))

    assert not DetailedFeedback.objects.exists()


def test_a_date_after_today_is_refused_even_for_a_visit_dated_later(areas: Areas, staff) -> None:
    today = timezone.localdate()
    later = draft_visit(areas, staff, visit_date=today + dt.timedelta(days=30))
    tomorrow = today + dt.timedelta(days=1)

    with pytest.raises(RecordContentError, match=r", today$"):
        feedback_save(visit=later, user=staff, seen_version=0, established_on=tomorrow)


def test_a_line_break_counts_as_one_character(staff, visit: Visit) -> None:
    text = "x" * 2500 + "\r\n" + "y" * 2499  # 5,000 characters as the person counts them

    response = _post(staff, visit, barriers=text)

    assert response.status_code == 302
    assert len(DetailedFeedback.objects.get().barriers) == 5000


# ----- Blank stays blank ----------------------------------------------------------------------


def test_yes_or_no_questions_left_blank_are_saved_as_not_answered(staff, visit: Visit) -> None:
    response = _post(staff, visit, lessons="Start small.")

    assert response.status_code == 302
    feedback = DetailedFeedback.objects.get()
    assert (feedback.uses_blue_rating, feedback.has_governance_board, feedback.isa_signed) == (
        None,
        None,
        None,
    )


def test_a_no_is_saved_as_no(staff, visit: Visit) -> None:
    _post(staff, visit, has_governance_board="no", isa_signed="no", uses_blue_rating="no")

    feedback = DetailedFeedback.objects.get()
    assert (feedback.uses_blue_rating, feedback.has_governance_board, feedback.isa_signed) == (
        False,
        False,
        False,
    )


def _unanswered(visit: Visit, staff) -> DetailedFeedback:
    return feedback_for(
        visit,
        staff,
        uses_blue_rating=None,
        has_governance_board=None,
        board_chair="",
        isa_signed=None,
    )


def test_the_form_starts_blank_yes_or_no_questions_with_no_radio_selected(
    staff, visit: Visit
) -> None:
    _unanswered(visit, staff)

    page = page_of(signed_in(staff).get(f"/visits/{visit.pk}/feedback/edit/"))

    for name in ("uses_blue_rating", "has_governance_board", "isa_signed"):
        assert checked(page, name) == [], name


def _summary_rows(page) -> dict[str, str]:
    return {
        row.find("dt").text(): row.find("dd").text()
        for row in page.find_all("div", "govuk-summary-list__row")
    }


def test_the_feedback_page_shows_not_answered_never_no(staff, visit: Visit) -> None:
    _unanswered(visit, staff)

    page = page_of(signed_in(staff).get(f"/visits/{visit.pk}/feedback/"))

    rows = _summary_rows(page)
    assert rows["Governance board"] == "Not answered"
    assert rows["Signed"] == "Not answered"
    assert rows["Board chair (role)"] == "Not answered"
    captions = [c.text() for c in page.find_all("caption")]
    assert "Rating timescales (RAG or BRAG not answered)" in captions


def test_the_review_page_shows_not_answered_too(visit: Visit, staff) -> None:
    feedback = _unanswered(visit, staff)
    DetailedFeedback.objects.filter(pk=feedback.pk).update(status=ReviewStatus.SUBMITTED)

    page = page_of(signed_in(ReviewerFactory.create()).get(f"/visits/{visit.pk}/feedback/review/"))

    rows = _summary_rows(page)
    assert (rows["Governance board"], rows["Signed"]) == ("Not answered", "Not answered")


def test_the_history_shows_a_blank_answer_as_not_answered(staff, visit: Visit) -> None:
    feedback = _unanswered(visit, staff)
    feedback.isa_signed = True
    feedback.save()

    page = page_of(signed_in(staff).get(f"/visits/{visit.pk}/feedback/history/"))

    assert "Information sharing agreement signed Not answered → changed to Yes" in " ".join(
        page.text().split()
    )


def test_the_api_gives_null_for_an_unanswered_question(staff, visit: Visit) -> None:
    feedback = _unanswered(visit, staff)
    client = APIClient()
    client.force_login(staff)

    data = client.get(f"/api/v1/feedback/{feedback.pk}/").json()
    csv_text = client.get("/api/v1/feedback/", {"format": "csv"}).content.decode()
    [row] = csv.DictReader(io.StringIO(csv_text))

    assert (data["uses_blue_rating"], data["has_governance_board"], data["isa_signed"]) == (
        None,
        None,
        None,
    )
    assert (row["uses_blue_rating"], row["has_governance_board"], row["isa_signed"]) == (
        "",
        "",
        "",
    )


# ----- Warnings: saved, and shown with the fields they name ------------------------------------


def _warnings(page) -> list[str]:
    return [
        " ".join(w.find("strong").text().removeprefix("Warning").split())
        for w in page.find_all("div", "govuk-warning-text")
    ]


def test_more_referrals_than_contacts_is_saved_with_a_warning_naming_both(
    staff, visit: Visit
) -> None:
    client = signed_in(staff)

    response = client.post(
        f"/visits/{visit.pk}/feedback/edit/",
        feedback_form(version=0, monthly_contacts="100", monthly_referrals="500"),
    )

    assert response.status_code == 302
    feedback = DetailedFeedback.objects.get()
    assert (feedback.monthly_contacts, feedback.monthly_referrals) == (100, 500)
    edit_page = page_of(client.get(response["Location"]))
    assert _warnings(edit_page) == [REFERRALS_WARNING]
    assert _warnings(page_of(client.get(f"/visits/{visit.pk}/feedback/"))) == [REFERRALS_WARNING]


def test_timescales_out_of_order_are_saved_with_a_warning(staff, visit: Visit) -> None:
    client = signed_in(staff)

    client.post(
        f"/visits/{visit.pk}/feedback/edit/",
        feedback_form(version=0, red_hours="72", amber_hours="24", green_hours="48"),
    )

    assert _warnings(page_of(client.get(f"/visits/{visit.pk}/feedback/"))) == [
        "Red hours (72) is more than amber hours (24). Check both figures: red is more "
        "urgent than amber."
    ]


def test_plausible_figures_have_no_warning(staff, visit: Visit) -> None:
    client = signed_in(staff)
    client.post(
        f"/visits/{visit.pk}/feedback/edit/",
        feedback_form(version=0, monthly_contacts="500", monthly_referrals="100"),
    )

    assert _warnings(page_of(client.get(f"/visits/{visit.pk}/feedback/"))) == []


# ----- The rules over a saved record ------------------------------------------------------------


def test_the_rules_run_over_a_saved_record_and_return_its_breaches(staff, visit: Visit) -> None:
    feedback = feedback_for(
        visit,
        staff,
        monthly_contacts=100,
        monthly_referrals=500,
        isa_signed=None,
        isa_signed_on=dt.date(2030, 1, 1),
    )

    breaches = feedback_record_breaches(feedback)

    assert [(b.rule, b.fields, b.severity) for b in breaches] == [
        ("isa_signed_on_needs_isa_signed", ("isa_signed_on", "isa_signed"), Severity.ERROR),
        ("isa_signed_on_range", ("isa_signed_on",), Severity.ERROR),
        (
            "monthly_referrals_over_monthly_contacts",
            ("monthly_referrals", "monthly_contacts"),
            Severity.WARNING,
        ),
    ]
    assert all(isinstance(b, Breach) for b in breaches)
    # A record saved before the rules shows what to fix with its facts.
    page = page_of(signed_in(staff).get(f"/visits/{visit.pk}/feedback/"))
    assert ISA_DATE_NEEDS_ISA in _warnings(page)


# ----- Visit notes ------------------------------------------------------------------------------


def test_visit_notes_have_a_character_count_and_a_server_side_limit(staff, visit: Visit) -> None:
    from .editing_support import visit_form_of

    client = signed_in(staff)
    page = page_of(client.get(f"/visits/{visit.pk}/edit/"))
    [count] = [d for d in page.find_all("div") if "govuk-character-count" in d.classes]
    assert count.attrs["data-maxlength"] == "20000"
    [box] = count.find_all("textarea")
    assert "maxlength" not in box.attrs

    response = client.post(f"/visits/{visit.pk}/edit/", visit_form_of(visit, notes="x" * 20001))

    assert error_summary(page_of(response)) == [
        ("#id_notes", "The notes must be 20,000 characters or fewer")
    ]
    visit.refresh_from_db()
    assert len(visit.notes) < 20001
