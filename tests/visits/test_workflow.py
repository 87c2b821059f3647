"""The review workflow through its services: submit, approve, return, the identifier block
and a reviewer's override, for visits and detailed feedback alike."""

import pytest
from django.utils import timezone

from mash_survey.errors import StaleEditError
from tests.factories import AdminFactory, ReviewerFactory, StaffFactory
from visits.models import DetailedFeedback, ReviewStatus, Visit
from visits.services import (
    IdentifiersFoundError,
    WorkflowError,
    record_approve,
    record_return,
    record_submit,
)

from .factories import DetailedFeedbackFactory, VisitFactory

NHS_NUMBER = "943 476 5919"  # passes the mod-11 check
pytestmark = pytest.mark.django_db


def _submitted_visit(**kwargs: object) -> Visit:
    kwargs.setdefault("created_by", StaffFactory.create())
    return VisitFactory.create(status=ReviewStatus.SUBMITTED, submitted_at=timezone.now(), **kwargs)


# ----- Submitting ------------------------------------------------------------------


@pytest.mark.parametrize("status", [ReviewStatus.DRAFT, ReviewStatus.RETURNED])
def test_project_staff_submit_a_draft_or_returned_visit(status: str) -> None:
    staff = StaffFactory.create()
    visit = VisitFactory.create(status=status, created_by=staff)

    record_submit(record=visit, user=staff, seen_version=visit.version)

    visit.refresh_from_db()
    assert visit.status == ReviewStatus.SUBMITTED
    assert visit.submitted_at is not None
    assert visit.version == 2


@pytest.mark.parametrize("status", [ReviewStatus.SUBMITTED, ReviewStatus.APPROVED])
def test_a_visit_already_submitted_or_approved_cannot_be_submitted_again(status: str) -> None:
    visit = VisitFactory.create(status=status, approved_at=timezone.now())

    with pytest.raises(WorkflowError, match="already"):
        record_submit(record=visit, user=StaffFactory.create())

    visit.refresh_from_db()
    assert visit.status == status


def test_notes_with_an_nhs_number_block_submitting_and_say_where_it_is() -> None:
    visit = VisitFactory.create(notes=f"The child's NHS number {NHS_NUMBER} was read out.")

    with pytest.raises(IdentifiersFoundError) as raised:
        record_submit(record=visit, user=StaffFactory.create(), seen_version=visit.version)

    [hit] = raised.value.hits
    assert (hit.field, hit.hit.label, hit.hit.text) == ("notes", "NHS number", NHS_NUMBER)
    assert NHS_NUMBER in hit.context
    visit.refresh_from_db()
    assert (visit.status, visit.version) == (ReviewStatus.DRAFT, 1)


def test_feedback_with_an_email_address_in_its_barriers_is_blocked_too() -> None:
    feedback = DetailedFeedbackFactory.create(barriers="Ask jo.bloggs@example.org for the figures.")

    with pytest.raises(IdentifiersFoundError) as raised:
        record_submit(record=feedback, user=StaffFactory.create())

    assert [(h.field, h.hit.kind) for h in raised.value.hits] == [("barriers", "email")]
    feedback.refresh_from_db()
    assert feedback.status == ReviewStatus.DRAFT


def test_ordinary_figures_and_meeting_dates_do_not_block_submitting() -> None:
    visit = VisitFactory.create(
        notes="1,250 contacts a month; 87% rated within 4 hours. Strategy meeting on "
        "12/03/2013 under Section 47. Budget £45,000 for 2012-13."
    )

    record_submit(record=visit, user=StaffFactory.create())

    visit.refresh_from_db()
    assert visit.status == ReviewStatus.SUBMITTED


def test_submitting_from_a_stale_page_is_refused() -> None:
    visit = VisitFactory.create()
    Visit.objects.filter(pk=visit.pk).update(version=2)  # someone saved meanwhile

    with pytest.raises(StaleEditError):
        record_submit(record=visit, user=StaffFactory.create(), seen_version=1)

    visit.refresh_from_db()
    assert visit.status == ReviewStatus.DRAFT


# ----- Approving ---------------------------------------------------------------------


def test_a_reviewer_approves_a_submitted_visit() -> None:
    visit = _submitted_visit()
    reviewer = ReviewerFactory.create()

    record_approve(record=visit, user=reviewer, seen_version=visit.version)

    visit.refresh_from_db()
    assert visit.status == ReviewStatus.APPROVED
    assert visit.approved_by == reviewer
    assert visit.approved_at is not None
    assert visit.history.first().history_change_reason == "Approved"


@pytest.mark.parametrize("status", [ReviewStatus.DRAFT, ReviewStatus.RETURNED])
def test_only_a_submitted_visit_can_be_approved(status: str) -> None:
    visit = VisitFactory.create(status=status)

    with pytest.raises(WorkflowError, match="Only a submitted visit can be approved"):
        record_approve(record=visit, user=ReviewerFactory.create())

    visit.refresh_from_db()
    assert visit.status == status


def test_nobody_approves_a_visit_they_wrote() -> None:
    reviewer = ReviewerFactory.create()
    visit = _submitted_visit(created_by=reviewer)

    with pytest.raises(WorkflowError, match="Someone else must review this visit"):
        record_approve(record=visit, user=reviewer)

    visit.refresh_from_db()
    assert visit.status == ReviewStatus.SUBMITTED


def test_nobody_approves_feedback_they_wrote() -> None:
    reviewer = ReviewerFactory.create()
    feedback = DetailedFeedbackFactory.create(
        status=ReviewStatus.SUBMITTED, submitted_at=timezone.now(), created_by=reviewer
    )

    with pytest.raises(WorkflowError, match="Someone else must review this feedback record"):
        record_approve(record=feedback, user=reviewer)


def test_an_administrator_may_not_approve_what_they_wrote_either() -> None:
    admin = AdminFactory.create()
    visit = _submitted_visit(created_by=admin)

    with pytest.raises(WorkflowError, match="Someone else must review this visit"):
        record_approve(record=visit, user=admin)

    visit.refresh_from_db()
    assert visit.status == ReviewStatus.SUBMITTED


def test_possible_identifiers_block_approving_without_a_reason() -> None:
    visit = _submitted_visit(notes=f"Call 07700 900123 or use NHS {NHS_NUMBER}.")

    with pytest.raises(IdentifiersFoundError) as raised:
        record_approve(record=visit, user=ReviewerFactory.create(), override_reason="   ")

    assert [h.hit.kind for h in raised.value.hits] == ["phone", "nhs_number"]
    visit.refresh_from_db()
    assert visit.status == ReviewStatus.SUBMITTED


def test_a_reviewers_reason_to_approve_anyway_is_kept_and_recorded_in_the_history() -> None:
    visit = _submitted_visit(notes=f"The test number {NHS_NUMBER} is from the guidance.")
    reviewer = ReviewerFactory.create()

    record_approve(
        record=visit, user=reviewer, override_reason="A published test number, not a child's."
    )

    visit.refresh_from_db()
    assert visit.status == ReviewStatus.APPROVED
    assert visit.pii_override_reason == "A published test number, not a child's."
    latest = visit.history.first()
    assert latest.history_user == reviewer
    assert latest.history_change_reason == (
        "Approved with possible identifiers: A published test number, not a child's."
    )


def test_a_reason_without_identifiers_is_not_recorded_as_an_override() -> None:
    visit = _submitted_visit()

    record_approve(record=visit, user=ReviewerFactory.create(), override_reason="Just in case")

    visit.refresh_from_db()
    assert visit.pii_override_reason == ""
    assert visit.history.first().history_change_reason == "Approved"


# ----- Returning ---------------------------------------------------------------------


def test_a_reviewer_returns_a_submitted_visit_with_a_comment() -> None:
    visit = _submitted_visit()
    reviewer = ReviewerFactory.create()

    record_return(record=visit, user=reviewer, comment="Say which agencies are co-located.")

    visit.refresh_from_db()
    assert visit.status == ReviewStatus.RETURNED
    assert visit.reviewer_comment == "Say which agencies are co-located."
    latest = visit.history.first()
    assert latest.history_user == reviewer
    assert latest.history_change_reason == "Returned: Say which agencies are co-located."


def test_returning_needs_a_comment() -> None:
    visit = _submitted_visit()

    with pytest.raises(WorkflowError, match="Enter a comment saying what needs to change"):
        record_return(record=visit, user=ReviewerFactory.create(), comment="  ")

    visit.refresh_from_db()
    assert visit.status == ReviewStatus.SUBMITTED


def test_only_a_submitted_feedback_record_can_be_returned() -> None:
    feedback = DetailedFeedbackFactory.create(status=ReviewStatus.DRAFT)

    with pytest.raises(WorkflowError, match="Only a submitted feedback record can be returned"):
        record_return(record=feedback, user=ReviewerFactory.create(), comment="More detail")


def test_a_returned_visit_is_fixed_resubmitted_and_approved_with_its_comment_cleared() -> None:
    staff, reviewer = StaffFactory.create(), ReviewerFactory.create()
    visit = _submitted_visit(created_by=staff)
    record_return(record=visit, user=reviewer, comment="Add the model seen.")

    record_submit(record=visit, user=staff)
    record_approve(record=visit, user=reviewer)

    visit.refresh_from_db()
    assert visit.status == ReviewStatus.APPROVED
    assert visit.reviewer_comment == ""
    reasons = [h.history_change_reason for h in visit.history.all()]
    assert reasons[:3] == ["Approved", "Submitted for review", "Returned: Add the model seen."]


def test_feedback_goes_through_the_same_workflow() -> None:
    staff, reviewer = StaffFactory.create(), ReviewerFactory.create()
    feedback = DetailedFeedbackFactory.create(created_by=staff)

    record_submit(record=feedback, user=staff)
    record_approve(record=feedback, user=reviewer)

    assert DetailedFeedback.objects.get(pk=feedback.pk).status == ReviewStatus.APPROVED


def test_a_reviewer_can_submit_text_with_identifiers_giving_a_reason_that_is_kept(
    reviewer_user,
) -> None:
    from visits.services import record_submit

    visit = VisitFactory.create(notes="Office line for the hub team: 0161 496 0000.")

    submitted = record_submit(
        record=visit, user=reviewer_user, override_reason="The hub's switchboard, not a person"
    )

    assert submitted.status == ReviewStatus.SUBMITTED
    assert submitted.pii_override_reason == "The hub's switchboard, not a person"
    latest = submitted.history.first()
    assert latest is not None
    assert "switchboard" in (latest.history_change_reason or "")


def test_project_staff_cannot_let_identifiers_through(staff_user) -> None:
    from visits.services import WorkflowError, record_submit

    visit = VisitFactory.create(notes="Office line for the hub team: 0161 496 0000.")

    with pytest.raises(WorkflowError, match="Only a reviewer"):
        record_submit(record=visit, user=staff_user, override_reason="It is fine")
    visit.refresh_from_db()
    assert visit.status == ReviewStatus.DRAFT
