"""Submitting and reviewing in the browser: the identifier block shown in context, and a
reviewer's decision (approve, approve anyway with a reason, return with a comment)."""

import html
import re
from typing import Any

import pytest
from django.contrib.auth.models import User
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from tests.factories import AdminFactory, ReviewerFactory, StaffFactory, UserFactory
from visits.models import DetailedFeedback, ReviewStatus, Visit

from .factories import DetailedFeedbackFactory, VisitFactory

NHS_NUMBER = "943 476 5919"
pytestmark = pytest.mark.django_db


def _text(response: Any) -> str:
    page = response.content.decode()
    return html.unescape(" ".join(re.sub(r"<[^>]+>", " ", page).split()))


def _submitted_visit(**kwargs: object) -> Visit:
    kwargs.setdefault("created_by", StaffFactory.create())
    return VisitFactory.create(status=ReviewStatus.SUBMITTED, submitted_at=timezone.now(), **kwargs)


def _submit(client: Client, visit: Visit, version: object = None) -> Any:
    version = visit.version if version is None else version
    return client.post(reverse("visits:submit", kwargs={"pk": visit.pk}), {"version": version})


def _review(client: Client, visit: Visit, **data: object) -> Any:
    data.setdefault("version", visit.version)
    return client.post(reverse("visits:review", kwargs={"pk": visit.pk}), data)


# ----- Submitting ------------------------------------------------------------------------


def test_staff_submit_a_draft_and_see_it_is_waiting_for_review(
    staff_client: Client, staff_user: User
) -> None:
    visit = VisitFactory.create(created_by=staff_user)

    response = _submit(staff_client, visit)

    assert response.status_code == 302
    assert response["Location"] == f"/visits/{visit.pk}/"
    visit.refresh_from_db()
    assert visit.status == ReviewStatus.SUBMITTED
    page = staff_client.get(response["Location"])
    assert "The visit has been submitted for review." in _text(page)
    assert "govuk-notification-banner--success" in page.content.decode()


def test_submitting_notes_with_an_nhs_number_is_blocked_and_shows_it_in_context(
    staff_client: Client,
) -> None:
    visit = VisitFactory.create(
        notes=f"Triage was quick.\n\nThe <b>child's</b> NHS number {NHS_NUMBER} was read out "
        "in the daily meeting."
    )

    response = _submit(staff_client, visit)

    assert response.status_code == 200
    page = response.content.decode()
    text = _text(response)
    assert text.startswith("Error: Remove these before you submit")
    assert f"{visit} Remove these before you submit" in text
    assert "There is a problem" in text
    assert "Remove the NHS number from the notes" in text
    assert (
        "The &lt;b&gt;child&#x27;s&lt;/b&gt; NHS number "
        f'<mark class="app-identifier">{NHS_NUMBER}</mark> was read out'
    ) in page
    assert "<b>child" not in page
    assert f'href="/visits/{visit.pk}/edit/#id_notes"' in page
    visit.refresh_from_db()
    assert (visit.status, visit.version) == (ReviewStatus.DRAFT, 1)


def test_every_identifier_in_feedback_is_shown_with_its_field(staff_client: Client) -> None:
    feedback = DetailedFeedbackFactory.create(
        barriers="Ring 07700 900123 for the rota.",
        lessons="Born 12/03/2008, the eldest was referred twice.",
    )

    response = staff_client.post(
        reverse("visits:feedback_submit", kwargs={"pk": feedback.visit_id}),
        {"version": feedback.version},
    )

    text = _text(response)
    assert "Phone number in the barriers" in text
    assert "Date of birth in the lessons and next steps" in text
    assert "Remove the phone number from the barriers" in text
    feedback.refresh_from_db()
    assert feedback.status == ReviewStatus.DRAFT


def test_submitting_from_a_page_someone_has_since_changed_is_refused(
    staff_client: Client,
) -> None:
    visit = VisitFactory.create()
    Visit.objects.filter(pk=visit.pk).update(version=3)

    response = _submit(staff_client, visit, version=1)

    assert response.status_code == 302
    visit.refresh_from_db()
    assert visit.status == ReviewStatus.DRAFT
    text = _text(staff_client.get(response["Location"]))
    assert "This visit was changed by someone else while you were editing it." in text


def test_submitting_an_approved_visit_again_changes_nothing(staff_client: Client) -> None:
    visit = VisitFactory.create(status=ReviewStatus.APPROVED, approved_at=timezone.now())

    response = _submit(staff_client, visit)

    visit.refresh_from_db()
    assert visit.status == ReviewStatus.APPROVED
    assert "This visit is already approved." in _text(staff_client.get(response["Location"]))


def test_a_get_never_submits(staff_client: Client) -> None:
    visit = VisitFactory.create()

    response = staff_client.get(reverse("visits:submit", kwargs={"pk": visit.pk}))

    assert response.status_code == 405
    visit.refresh_from_db()
    assert visit.status == ReviewStatus.DRAFT


def test_only_project_members_may_submit(client: Client) -> None:
    visit = VisitFactory.create()

    response = _submit(client, visit)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))
    client.force_login(UserFactory.create())
    assert _submit(client, visit).status_code == 403

    visit.refresh_from_db()
    assert visit.status == ReviewStatus.DRAFT


# ----- Who may review ----------------------------------------------------------------------


def test_project_staff_cannot_open_the_review_or_approve(staff_client: Client) -> None:
    visit = _submitted_visit()
    url = reverse("visits:review", kwargs={"pk": visit.pk})

    assert staff_client.get(url).status_code == 403
    assert _review(staff_client, visit, decision="approve").status_code == 403
    feedback_url = reverse("visits:feedback_review", kwargs={"pk": visit.pk})
    assert staff_client.post(feedback_url, {"decision": "approve"}).status_code == 403

    visit.refresh_from_db()
    assert visit.status == ReviewStatus.SUBMITTED


def test_strangers_are_asked_to_sign_in_before_reviewing(client: Client) -> None:
    visit = _submitted_visit()

    response = _review(client, visit, decision="approve")

    assert response["Location"].startswith(reverse("login"))


def test_a_visit_not_waiting_for_review_cannot_be_reviewed(reviewer_client: Client) -> None:
    visit = VisitFactory.create(status=ReviewStatus.DRAFT)

    response = _review(reviewer_client, visit, decision="approve")

    assert response.status_code == 302
    visit.refresh_from_db()
    assert visit.status == ReviewStatus.DRAFT
    assert "This visit is not waiting for review: it is draft." in _text(
        reviewer_client.get(response["Location"])
    )


# ----- Approving and returning ----------------------------------------------------------------


def test_the_review_page_shows_the_visit_and_the_decision(reviewer_client: Client) -> None:
    visit = _submitted_visit(notes="Contacts are **rated** within the hour.")

    response = reviewer_client.get(reverse("visits:review", kwargs={"pk": visit.pk}))

    assert response.status_code == 200
    text = _text(response)
    assert "Review the visit" in text
    assert "Do you approve this visit?" in text
    assert "<strong>rated</strong>" in response.content.decode()
    assert "Possible identifiers" not in text
    assert 'name="override_reason"' not in response.content.decode()


def test_a_reviewer_approves_a_visit_and_sees_a_success_banner(
    reviewer_client: Client, reviewer_user: User
) -> None:
    visit = _submitted_visit()

    response = _review(reviewer_client, visit, decision="approve")

    assert response.status_code == 302
    assert response["Location"] == f"/visits/{visit.pk}/"
    visit.refresh_from_db()
    assert visit.status == ReviewStatus.APPROVED
    assert visit.approved_by == reviewer_user
    assert "The visit has been approved." in _text(reviewer_client.get(response["Location"]))


def test_a_reviewer_returns_a_visit_with_a_comment(reviewer_client: Client) -> None:
    visit = _submitted_visit()

    response = _review(
        reviewer_client, visit, decision="return", comment="Say which agencies are co-located."
    )

    assert response.status_code == 302
    visit.refresh_from_db()
    assert visit.status == ReviewStatus.RETURNED
    assert visit.reviewer_comment == "Say which agencies are co-located."


def test_returning_without_a_comment_asks_for_one(reviewer_client: Client) -> None:
    visit = _submitted_visit()

    response = _review(reviewer_client, visit, decision="return", comment="  ")

    assert response.status_code == 200
    text = _text(response)
    assert text.startswith("Error: ")
    assert "There is a problem" in text
    assert '<a href="#id_comment">Enter a comment saying what needs to change</a>' in (
        response.content.decode()
    )
    visit.refresh_from_db()
    assert visit.status == ReviewStatus.SUBMITTED


def test_a_decision_must_be_chosen(reviewer_client: Client) -> None:
    visit = _submitted_visit()

    response = _review(reviewer_client, visit)

    assert '<a href="#id_decision_1">Select whether to approve the visit or return it</a>' in (
        response.content.decode()
    )


def test_the_review_shows_possible_identifiers_and_approving_anyway_needs_a_reason(
    reviewer_client: Client,
) -> None:
    visit = _submitted_visit(notes=f"The guidance's test number {NHS_NUMBER} was quoted.")

    page = reviewer_client.get(reverse("visits:review", kwargs={"pk": visit.pk}))
    assert "Possible identifiers" in _text(page)
    assert f'<mark class="app-identifier">{NHS_NUMBER}</mark>' in page.content.decode()
    assert "Approve anyway" in _text(page)

    response = _review(reviewer_client, visit, decision="approve")

    assert "Enter a reason of at least one sentence saying why these can stay" in _text(response)
    visit.refresh_from_db()
    assert visit.status == ReviewStatus.SUBMITTED


def test_approving_anyway_records_the_reason_in_the_history(
    reviewer_client: Client, reviewer_user: User
) -> None:
    visit = _submitted_visit(notes=f"The guidance's test number {NHS_NUMBER} was quoted.")

    response = _review(
        reviewer_client,
        visit,
        decision="approve",
        override_reason="A published test number, not a child's.",
    )

    assert response.status_code == 302
    visit.refresh_from_db()
    assert visit.status == ReviewStatus.APPROVED
    assert visit.pii_override_reason == "A published test number, not a child's."
    history = reviewer_client.get(reverse("visits:history", kwargs={"pk": visit.pk}))
    assert (
        "Reason Approved with possible identifiers: A published test number, not a child's."
        in _text(history)
    )


def test_a_reviewer_cannot_review_a_visit_they_wrote_and_is_told_why(
    reviewer_client: Client, reviewer_user: User
) -> None:
    visit = _submitted_visit(created_by=reviewer_user)

    page = reviewer_client.get(reverse("visits:review", kwargs={"pk": visit.pk}))
    response = _review(reviewer_client, visit, decision="approve")

    for refused in (page, response):
        assert refused.status_code == 403
        assert "Someone else must review this visit: you wrote it, changed it or sent it for " in (
            _text(refused)
        )
        assert "ask a project administrator" not in _text(refused)
    visit.refresh_from_db()
    assert visit.status == ReviewStatus.SUBMITTED


def test_a_decision_on_a_visit_changed_since_the_page_was_loaded_is_refused(
    reviewer_client: Client,
) -> None:
    visit = _submitted_visit()
    seen = visit.version
    Visit.objects.filter(pk=visit.pk).update(version=seen + 1)

    response = _review(reviewer_client, visit, decision="approve", version=seen)

    assert "This visit was changed by someone else" in _text(response)
    visit.refresh_from_db()
    assert visit.status == ReviewStatus.SUBMITTED


def test_an_administrator_reviews_feedback(client: Client) -> None:
    feedback = DetailedFeedbackFactory.create(
        status=ReviewStatus.SUBMITTED, submitted_at=timezone.now(), created_by=StaffFactory.create()
    )
    client.force_login(AdminFactory.create())
    url = reverse("visits:feedback_review", kwargs={"pk": feedback.visit_id})

    page = client.get(url)
    assert "Do you approve this feedback?" in _text(page)
    assert "RAG rating timescales" in _text(page)
    response = client.post(url, {"decision": "approve", "version": feedback.version})

    assert response["Location"] == f"/visits/{feedback.visit_id}/feedback/"
    assert DetailedFeedback.objects.get(pk=feedback.pk).status == ReviewStatus.APPROVED


def test_a_reviewer_reviews_what_another_reviewer_wrote(client: Client) -> None:
    author, reviewer = ReviewerFactory.create(), ReviewerFactory.create()
    visit = _submitted_visit(created_by=author)
    client.force_login(reviewer)

    _review(client, visit, decision="approve")

    visit.refresh_from_db()
    assert visit.status == ReviewStatus.APPROVED


def test_a_blocked_submission_offers_reviewers_a_reasoned_override_and_staff_none(
    staff_client: Client, reviewer_client: Client
) -> None:
    visit = VisitFactory.create(notes=f"A child with NHS number {NHS_NUMBER} was discussed.")

    as_staff = _text(_submit(staff_client, visit))
    as_reviewer = _text(_submit(reviewer_client, visit))

    assert "Submit with these identifiers" not in as_staff
    assert "Submit with these identifiers" in as_reviewer


def test_a_reviewer_override_needs_a_reason_and_keeps_it(reviewer_client: Client) -> None:
    visit = VisitFactory.create(notes=f"A child with NHS number {NHS_NUMBER} was discussed.")
    url = reverse("visits:submit", kwargs={"pk": visit.pk})

    empty = reviewer_client.post(url, {"version": visit.version, "override_reason": " "})
    one_word = reviewer_client.post(url, {"version": visit.version, "override_reason": "ok"})

    for refused in (empty, one_word):
        assert "Enter a reason of at least one sentence saying why these can stay" in (
            _text(refused)
        )
    visit.refresh_from_db()
    assert visit.status == ReviewStatus.DRAFT

    reason = "A test number from the training pack, not a real person's"
    done = reviewer_client.post(url, {"version": visit.version, "override_reason": reason})

    assert done.status_code == 302
    visit.refresh_from_db()
    assert visit.status == ReviewStatus.SUBMITTED
    assert visit.pii_override_reason == reason
