"""Two people for anything that counts or is let through: nobody approves (or returns) a
visit or feedback they wrote, changed since it came back from review, or sent for review; a
reviewer who had no hand in it lets possible identifiers through, with a sentence saying why,
and whoever approves it confirms that reason. Nobody is offered a step they may not take."""

import html
import re
from collections.abc import Callable
from typing import Any

import pytest
from django.contrib.auth.models import User
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from tests.factories import ReviewerFactory, StaffFactory
from visits.models import ReviewStatus, Visit
from visits.services import (
    IdentifiersFoundError,
    WorkflowError,
    feedback_save,
    record_approve,
    record_return,
    record_submit,
    visit_update,
)

from .editing_support import draft_visit, make_areas

pytestmark = pytest.mark.django_db

NHS_NUMBER = "943 476 5919"
REASON = "The number is the test number printed in the NHS guidance, not a child's."
#: A visit or its feedback: the workflow services take either (a constrained type variable,
#: which a union cannot stand for).
Record = Any


def _text(response: Any) -> str:
    page = response.content.decode()
    return html.unescape(" ".join(re.sub(r"<[^>]+>", " ", page).split()))


def _client(user: User) -> Client:
    client = Client()
    client.force_login(user)
    return client


def _visit(author: User, notes: str = "") -> Visit:
    changes = {"notes": notes} if notes else {}
    return draft_visit(make_areas(), author, **changes)


def _feedback(author: User, barriers: str = "Waiting for a shared case system.") -> Record:
    visit = _visit(StaffFactory.create())
    return feedback_save(visit=visit, user=author, seen_version=0, barriers=barriers)


def _edit(record: Record, user: User, words: str) -> None:
    """Change the record's text as `user` (through the service, as the form does)."""
    record.refresh_from_db()
    if isinstance(record, Visit):
        areas = list(record.local_authorities.all())
        visit_update(
            visit=record,
            user=user,
            seen_version=record.version,
            visit_date=record.visit_date,
            region=record.region,
            local_authorities=areas,
            model_seen=record.model_seen,
            agencies={a.agency_type: a.involvement for a in record.agencies.all()},
            visiting_team=list(record.visiting_team.all()),
            notes=words,
        )
    else:
        feedback_save(visit=record.visit, user=user, seen_version=record.version, barriers=words)
    record.refresh_from_db()


MAKERS: dict[str, Callable[[User], Record]] = {"visit": _visit, "feedback": _feedback}


@pytest.fixture(params=list(MAKERS))
def make(request: pytest.FixtureRequest) -> Callable[[User], Record]:
    return MAKERS[request.param]


# ----- Who may decide ------------------------------------------------------------------


def test_the_author_may_not_approve_what_they_wrote(make: Callable[[User], Record]) -> None:
    author = ReviewerFactory.create()
    record = make(author)
    record_submit(record=record, user=author)

    with pytest.raises(WorkflowError, match="Someone else must review this"):
        record_approve(record=record, user=author)

    record.refresh_from_db()
    assert record.status == ReviewStatus.SUBMITTED


def test_whoever_changed_it_since_it_came_back_may_not_approve_it(
    make: Callable[[User], Record],
) -> None:
    author, returner, editor = (
        StaffFactory.create(),
        ReviewerFactory.create(),
        ReviewerFactory.create(),
    )
    record = make(author)
    record_submit(record=record, user=author)
    record_return(record=record, user=returner, comment="Say which agencies share an office.")
    _edit(record, editor, "Police and health share one office with children's social care.")
    record_submit(record=record, user=author)

    with pytest.raises(WorkflowError, match="you wrote it, changed it or sent it for review"):
        record_approve(record=record, user=editor)
    with pytest.raises(WorkflowError, match="Someone else must review this"):
        record_return(record=record, user=editor, comment="Looks fine to me now.")

    record_approve(record=record, user=returner)  # who returned it did not change it
    record.refresh_from_db()
    assert (record.status, record.approved_by) == (ReviewStatus.APPROVED, returner)


def test_whoever_sent_it_for_review_may_not_approve_it(make: Callable[[User], Record]) -> None:
    author, sender, other = (
        StaffFactory.create(),
        ReviewerFactory.create(),
        ReviewerFactory.create(),
    )
    record = make(author)
    record_submit(record=record, user=sender)

    with pytest.raises(WorkflowError, match="Someone else must review this"):
        record_approve(record=record, user=sender)

    record_approve(record=record, user=other)
    record.refresh_from_db()
    assert record.status == ReviewStatus.APPROVED


def test_changes_that_were_reviewed_before_do_not_bar_their_maker(
    make: Callable[[User], Record],
) -> None:
    author, editor, returner = (
        StaffFactory.create(),
        ReviewerFactory.create(),
        ReviewerFactory.create(),
    )
    record = make(author)
    _edit(record, editor, "Police and health share one office.")
    record_submit(record=record, user=author)
    record_return(record=record, user=returner, comment="Say when the hub opened.")
    _edit(record, author, "Police and health share one office since October 2011.")
    record_submit(record=record, user=author)

    record_approve(record=record, user=editor)

    record.refresh_from_db()
    assert record.status == ReviewStatus.APPROVED


# ----- Letting possible identifiers through ---------------------------------------------


def test_the_author_may_not_let_identifiers_through_even_as_a_reviewer() -> None:
    author = ReviewerFactory.create()
    visit = _visit(author, notes=f"The child's NHS number {NHS_NUMBER} was read out.")

    with pytest.raises(WorkflowError, match="You wrote or changed this visit"):
        record_submit(record=visit, user=author, override_reason=REASON)

    visit.refresh_from_db()
    assert (visit.status, visit.pii_override_reason) == (ReviewStatus.DRAFT, "")


@pytest.mark.parametrize("reason", ["ok", "fine by me", "It is a test no."])
def test_a_reason_shorter_than_a_sentence_is_refused(reason: str) -> None:
    visit = _visit(StaffFactory.create(), notes=f"The NHS number {NHS_NUMBER} was read out.")

    with pytest.raises(IdentifiersFoundError, match="at least one sentence"):
        record_submit(record=visit, user=ReviewerFactory.create(), override_reason=reason)

    visit.refresh_from_db()
    assert visit.status == ReviewStatus.DRAFT


def test_another_reviewers_sentence_lets_them_through_and_the_approver_must_confirm_it() -> None:
    author, sender, approver = (
        StaffFactory.create(),
        ReviewerFactory.create(),
        ReviewerFactory.create(),
    )
    feedback = _feedback(author, barriers=f"Quoted NHS number {NHS_NUMBER} in the guidance.")

    record_submit(record=feedback, user=sender, override_reason=REASON)
    feedback.refresh_from_db()
    assert feedback.pii_override_reason == REASON
    assert feedback.history.first().history_change_reason == (
        f"Submitted with possible identifiers: {REASON}"
    )
    with pytest.raises(WorkflowError, match="Confirm that you have read why possible"):
        record_approve(record=feedback, user=approver)
    feedback.refresh_from_db()
    assert feedback.status == ReviewStatus.SUBMITTED

    record_approve(record=feedback, user=approver, override_confirmed=True)

    feedback.refresh_from_db()
    assert (feedback.status, feedback.pii_override_reason) == (ReviewStatus.APPROVED, REASON)
    latest = feedback.history.first()
    assert latest.history_user == approver
    assert latest.history_change_reason == f"Approved with possible identifiers: {REASON}"


# ----- The pages --------------------------------------------------------------------------


def _submitted_with_reason(author: User, sender: User) -> Visit:
    visit = _visit(author, notes=f"The NHS number {NHS_NUMBER} was read out as an example.")
    record_submit(record=visit, user=sender, override_reason=REASON)
    visit.refresh_from_db()
    return visit


def test_the_review_page_shows_the_reason_and_approving_needs_the_tick() -> None:
    visit = _submitted_with_reason(StaffFactory.create(), ReviewerFactory.create())
    client = _client(ReviewerFactory.create())
    url = reverse("visits:review", kwargs={"pk": visit.pk})

    page = client.get(url)
    assert 'class="govuk-warning-text"' in page.content.decode()
    assert f"let through when it was sent for review, because: {REASON}" in _text(page)
    assert "I have read why possible identifiers were let through and agree they can stay" in (
        _text(page)
    )
    refused = client.post(url, {"decision": "approve", "version": visit.version})

    assert '<a href="#id_override_confirmed">Confirm that you have read why' in (
        refused.content.decode()
    )
    assert "<title>Error: " in refused.content.decode()
    visit.refresh_from_db()
    assert visit.status == ReviewStatus.SUBMITTED

    done = client.post(
        url, {"decision": "approve", "version": visit.version, "override_confirmed": "on"}
    )

    assert done.status_code == 302
    visit.refresh_from_db()
    assert visit.status == ReviewStatus.APPROVED


def test_a_reviewer_who_had_a_hand_in_it_sees_no_review_button_but_why() -> None:
    author = ReviewerFactory.create()
    visit = _visit(author)
    record_submit(record=visit, user=author)
    mine, theirs = _client(author), _client(ReviewerFactory.create())
    detail = reverse("visits:detail", kwargs={"pk": visit.pk})
    review = reverse("visits:review", kwargs={"pk": visit.pk})

    as_author = mine.get(detail)
    assert review not in as_author.content.decode()
    assert "Someone else must review this visit: you wrote it, changed it or sent it for " in (
        _text(as_author)
    )
    attention = mine.get(reverse("visits:needs_attention")).content.decode()
    assert review not in attention
    assert detail in attention
    assert review in theirs.get(detail).content.decode()
    assert review in theirs.get(reverse("visits:needs_attention")).content.decode()


def test_the_author_is_not_offered_the_override_when_their_submission_is_blocked() -> None:
    author = ReviewerFactory.create()
    visit = _visit(author, notes=f"The NHS number {NHS_NUMBER} was read out.")

    page = _client(author).post(
        reverse("visits:submit", kwargs={"pk": visit.pk}), {"version": visit.version}
    )

    assert "Submit with these identifiers" not in _text(page)
    assert "so another reviewer must decide whether possible identifiers can stay" in _text(page)


def test_project_staff_are_told_the_review_page_is_for_reviewers() -> None:
    author = StaffFactory.create()
    visit = _visit(author)
    record_submit(record=visit, user=author)

    page = _client(StaffFactory.create()).get(reverse("visits:review", kwargs={"pk": visit.pk}))

    assert page.status_code == 403
    assert "This page is for reviewers." in _text(page)


def test_a_reviewer_who_rewrites_a_returned_visit_may_not_approve_it() -> None:
    author, returner = StaffFactory.create(), ReviewerFactory.create()
    visit = _visit(author)
    record_submit(record=visit, user=author)
    record_return(record=visit, user=returner, comment="Add when the hub opened.")
    _edit(visit, returner, "The hub opened in October 2011 with police and health staff.")
    record_submit(record=visit, user=author)

    with pytest.raises(WorkflowError, match="Someone else must review this visit"):
        record_approve(record=visit, user=returner)


def test_needs_attention_reads_who_may_review_in_the_same_queries_for_more_records() -> None:
    author, reviewer = ReviewerFactory.create(), ReviewerFactory.create()
    areas = make_areas()
    client = _client(author)

    def submit(count: int) -> None:
        for _ in range(count):
            visit = draft_visit(areas, author)
            record_submit(record=visit, user=author)
            feedback = feedback_save(visit=visit, user=reviewer, seen_version=0, lessons="More.")
            record_submit(record=feedback, user=reviewer)

    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            assert client.get(reverse("visits:needs_attention")).status_code == 200
        return len(captured)

    submit(2)
    few = queries()
    submit(3)

    assert queries() == few
