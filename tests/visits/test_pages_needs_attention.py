"""The "needs attention" list: what reviewers returned to each person, and for reviewers what
waits for review; and the count beside its link on the visits list."""

import html
import re
from typing import Any

import pytest
from django.contrib.auth.models import User
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from tests.factories import ReviewerFactory, StaffFactory
from tests.queries import count_queries
from visits.models import ReviewStatus

from .factories import DetailedFeedbackFactory, VisitFactory

pytestmark = pytest.mark.django_db


def _text(response: Any) -> str:
    page = response.content.decode()
    return html.unescape(" ".join(re.sub(r"<[^>]+>", " ", page).split()))


def _returned(**kwargs: object) -> dict[str, object]:
    return {"status": ReviewStatus.RETURNED, **kwargs}


def _submitted(**kwargs: object) -> dict[str, object]:
    return {"status": ReviewStatus.SUBMITTED, "submitted_at": timezone.now(), **kwargs}


@pytest.fixture
def asha() -> User:
    return StaffFactory.create(username="asha")


def test_a_visit_returned_to_its_author_is_listed_with_the_reviewers_comment(
    client: Client, asha: User
) -> None:
    visit = VisitFactory.create(
        **_returned(created_by=asha, reviewer_comment="Add the model seen.")
    )
    client.force_login(asha)

    response = client.get(reverse("visits:needs_attention"))

    text = _text(response)
    assert f'href="/visits/{visit.pk}/"' in response.content.decode()
    assert "Returned to you" in text
    assert "Reviewer's comment: Add the model seen." in text


def test_a_visit_returned_to_the_visiting_team_is_listed_for_each_member(
    client: Client, asha: User
) -> None:
    visit = VisitFactory.create(
        **_returned(created_by=StaffFactory.create(), reviewer_comment="Fix dates")
    )
    visit.visiting_team.add(asha)
    client.force_login(asha)

    assert "Fix dates" in _text(client.get(reverse("visits:needs_attention")))


def test_returned_feedback_is_listed_for_its_author_and_the_visits_team(
    client: Client, asha: User
) -> None:
    colleague = StaffFactory.create()
    feedback = DetailedFeedbackFactory.create(
        **_returned(created_by=colleague, reviewer_comment="Give the staffing figures.")
    )
    feedback.visit.visiting_team.add(asha)

    for person in (asha, colleague):
        client.force_login(person)
        response = client.get(reverse("visits:needs_attention"))
        assert "Give the staffing figures." in _text(response)
        assert f'href="/visits/{feedback.visit_id}/feedback/"' in response.content.decode()


def test_other_peoples_returned_records_and_drafts_are_not_listed(
    client: Client, asha: User
) -> None:
    VisitFactory.create(**_returned(created_by=StaffFactory.create(), reviewer_comment="Not yours"))
    VisitFactory.create(created_by=asha, notes="A draft of hers")
    client.force_login(asha)

    text = _text(client.get(reverse("visits:needs_attention")))

    assert "Not yours" not in text
    assert "Nothing has been returned to you." in text
    assert "Nothing needs your attention at the moment." in text


def test_reviewers_also_see_everything_waiting_for_review(client: Client) -> None:
    reviewer = ReviewerFactory.create()
    visit = VisitFactory.create(**_submitted(created_by=StaffFactory.create()))
    feedback = DetailedFeedbackFactory.create(**_submitted(created_by=StaffFactory.create()))
    VisitFactory.create(status=ReviewStatus.DRAFT)
    client.force_login(reviewer)

    response = client.get(reverse("visits:needs_attention"))

    page = response.content.decode()
    assert "Waiting for review" in page
    assert f'href="/visits/{visit.pk}/review/"' in page
    assert f'href="/visits/{feedback.visit_id}/feedback/review/"' in page
    assert page.count('/review/"') == 2


def test_project_staff_do_not_see_what_waits_for_review(client: Client, asha: User) -> None:
    VisitFactory.create(**_submitted(created_by=StaffFactory.create()))
    client.force_login(asha)

    response = client.get(reverse("visits:needs_attention"))

    assert "Waiting for review" not in _text(response)
    assert '/review/"' not in response.content.decode()


def test_the_visits_list_links_to_what_needs_attention_with_its_count(
    client: Client, asha: User
) -> None:
    VisitFactory.create(**_returned(created_by=asha))
    feedback = DetailedFeedbackFactory.create(**_returned(created_by=StaffFactory.create()))
    feedback.visit.visiting_team.add(asha)
    VisitFactory.create(**_submitted(created_by=StaffFactory.create()))  # counts for reviewers only
    client.force_login(asha)

    assert "Needs your attention (2)" in _text(client.get(reverse("visits:index")))

    client.force_login(ReviewerFactory.create())
    text = _text(client.get(reverse("visits:index")))
    assert "Needs your attention (1)" in text


def test_the_needs_attention_page_needs_as_few_queries_for_many_records(
    client: Client, asha: User
) -> None:
    client.force_login(asha)

    def add(count: int) -> None:
        for _ in range(count):
            VisitFactory.create(**_returned(created_by=asha))
            DetailedFeedbackFactory.create(**_returned(created_by=asha))

    add(1)
    before = count_queries(lambda: client.get(reverse("visits:needs_attention")))
    add(5)
    after = count_queries(lambda: client.get(reverse("visits:needs_attention")))

    assert after == before


def test_illustrative_records_are_marked_as_such(client: Client, asha: User) -> None:
    VisitFactory.create(**_returned(created_by=asha, is_illustrative=True))
    client.force_login(asha)

    text = _text(client.get(reverse("visits:needs_attention")))

    assert "on 12 February 2013 Illustrative" in text


def test_the_returned_list_is_shown_alone_with_its_count(client: Client) -> None:
    reviewer = ReviewerFactory.create()
    VisitFactory.create(**_returned(created_by=reviewer, reviewer_comment="Add the model seen."))
    VisitFactory.create(**_submitted(created_by=StaffFactory.create()))
    client.force_login(reviewer)

    response = client.get(reverse("visits:needs_attention"), {"show": "returned"})

    text = _text(response)
    assert "Returned to you" in text and "1 record" in text
    assert "Add the model seen." in text
    assert "Waiting for review" not in text
    assert "Everything that needs your attention" in text


def test_a_list_that_is_not_theirs_shows_everything_that_needs_their_attention(
    client: Client, asha: User
) -> None:
    VisitFactory.create(**_returned(created_by=asha, reviewer_comment="Fix dates"))
    VisitFactory.create(**_submitted(created_by=StaffFactory.create()))
    client.force_login(asha)

    for show in ("waiting", "nothing"):
        text = _text(client.get(reverse("visits:needs_attention"), {"show": show}))
        assert "Returned to you" in text and "Fix dates" in text
        assert "Waiting for review" not in text
