"""A visit's and a feedback record's history: every version, newest first, who saved it and
why, and a readable diff against the version before."""

import datetime as dt
import html
import re
from typing import Any

import pytest
from django.contrib.auth.models import User
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from mash_survey.history import DiffLine, line_diff
from tests.factories import LocalAuthorityFactory, RegionFactory, ReviewerFactory, StaffFactory
from tests.queries import assert_query_count_flat
from visits.models import ModelSeen, ReviewStatus, Visit
from visits.services import record_approve, record_return, record_submit

from .factories import DetailedFeedbackFactory, VisitFactory

pytestmark = pytest.mark.django_db


def _text(response: Any) -> str:
    page = response.content.decode()
    return html.unescape(" ".join(re.sub(r"<[^>]+>", " ", page).split()))


def _history(client: Client, visit: Visit, **query: str | int) -> Any:
    return client.get(reverse("visits:history", kwargs={"pk": visit.pk}), query)


def _versions(response: Any) -> list[str]:
    """The heading of each version shown, in order."""
    page = response.content.decode()
    return re.findall(
        r'<h2 class="govuk-heading-m govuk-!-margin-bottom-1" id="[^"]+">([^<]+)', page
    )


def _save(visit: Visit, user: User | None = None, **changes: object) -> None:
    for name, value in changes.items():
        setattr(visit, name, value)
    visit._history_user = user  # type: ignore[attr-defined]  # read by simple-history
    visit.save()


def test_the_history_lists_each_version_newest_first_with_who_and_why(
    staff_client: Client, staff_user: User
) -> None:
    reviewer = ReviewerFactory.create(first_name="Cara", last_name="Lee")
    visit = VisitFactory.create(created_by=staff_user)
    record_submit(record=visit, user=staff_user)
    record_return(record=visit, user=reviewer, comment="Name the agencies.")
    record_submit(record=visit, user=staff_user)
    record_approve(record=visit, user=reviewer)

    response = _history(staff_client, visit)

    assert response.status_code == 200
    assert f"{visit} History of the visit" in _text(response)
    assert _versions(response) == [
        "Approved",
        "Submitted for review",
        "Returned with comments",
        "Submitted for review",
        "Created",
    ]
    text = _text(response)
    assert "By Cara Lee Reason Approved" in text
    assert "By Cara Lee Reason Returned: Name the agencies." in text
    assert f"By {staff_user.get_username()} Reason Submitted for review" in text
    assert "Status Returned with comments (was Submitted for review)" in text
    assert "Reviewer's comment Added: Name the agencies." in text


def test_a_change_to_the_notes_is_shown_as_a_line_diff(staff_client: Client) -> None:
    visit = VisitFactory.create(
        notes="Police are co-located.\nHealth joins by phone.\nRAG in 1 hour."
    )
    _save(visit, notes="Police are co-located.\nHealth is <b>co-located</b> too.\nRAG in 1 hour.")

    response = _history(staff_client, visit)

    page = response.content.decode()
    assert (
        '<del class="app-diff__line app-diff__line--removed"><span class="govuk-visually-hidden">'
        "Removed: </span>Health joins by phone.</del>"
    ) in page
    assert (
        '<ins class="app-diff__line app-diff__line--added"><span class="govuk-visually-hidden">'
        "Added: </span>Health is &lt;b&gt;co-located&lt;/b&gt; too.</ins>"
    ) in page
    assert '<span class="app-diff__line">Police are co-located.</span>' in page
    assert "style=" not in page


def test_a_change_of_fields_shows_their_labels_and_old_and_new_values(
    staff_client: Client,
) -> None:
    visit = VisitFactory.create(model_seen=ModelSeen.MASH, visit_date=dt.date(2013, 2, 12))
    _save(visit, model_seen=ModelSeen.VIRTUAL, visit_date=dt.date(2013, 2, 14))

    text = _text(_history(staff_client, visit))

    assert (
        "Visit date 12 February 2013 → changed to 14 February 2013 "
        "Model seen Multi-agency safeguarding hub (MASH) → changed to Virtual or hub model"
    ) in text


def test_a_change_of_region_names_the_regions(staff_client: Client) -> None:
    north_east = RegionFactory.create(name="North East")
    london = RegionFactory.create(name="London")
    visit = VisitFactory.create(region=north_east)
    _save(visit, region=london)

    assert "Region North East → changed to London" in _text(_history(staff_client, visit))


def test_the_areas_added_and_removed_are_named(staff_client: Client) -> None:
    region = RegionFactory.create()
    gateshead = LocalAuthorityFactory.create(name="Gateshead", region=region)
    sunderland = LocalAuthorityFactory.create(name="Sunderland", region=region)
    durham = LocalAuthorityFactory.create(name="Durham", region=region)
    visit = VisitFactory.create(region=region, local_authorities=[gateshead, sunderland])
    visit.local_authorities.set([gateshead, durham])

    text = _text(_history(staff_client, visit))

    assert "Areas visited Added: Durham" in text
    assert "Areas visited Removed: Sunderland" in text
    assert "Areas visited Added: Gateshead, Sunderland" in text


def test_the_history_needs_as_few_queries_for_many_versions(staff_client: Client) -> None:
    region = RegionFactory.create()
    areas = [LocalAuthorityFactory.create(region=region) for _ in range(3)]
    visit = VisitFactory.create(region=region, local_authorities=areas[:1])
    author, reviewer = StaffFactory.create(), ReviewerFactory.create()

    def add_versions() -> None:
        _save(visit, author, notes=visit.notes + "\nAnother line.", region=RegionFactory.create())
        visit.local_authorities.add(areas[len(visit.local_authorities.all()) % 3])
        record_submit(record=visit, user=author)
        record_return(record=visit, user=reviewer, comment="More")
        _save(visit, StaffFactory.create(), model_seen=ModelSeen.OTHER, approved_by=reviewer)

    def add_more_versions() -> None:
        for _ in range(3):
            add_versions()

    add_versions()

    count = assert_query_count_flat(
        lambda: _history(staff_client, visit),
        add_more_versions,
        message="a visit's history",
    )

    assert count <= 13  # with the layout's one question: is demo content loaded?


def test_the_history_shows_25_versions_a_page(staff_client: Client) -> None:
    visit = VisitFactory.create(notes="Version 0")
    for number in range(1, 30):
        _save(visit, notes=f"Version {number}")

    first = _history(staff_client, visit)
    second = _history(staff_client, visit, page=2)

    assert len(_versions(first)) == 25
    assert "Older versions" in _text(first)
    assert _versions(second) == 4 * ["Changed"] + ["Created"]
    # The oldest version on page 1 is still compared with the one before it, on page 2.
    assert "Removed: Version 4 Added: Version 5" in _text(first)
    assert "Newer versions" in _text(second)


def test_the_feedback_history_shows_its_changes(staff_client: Client) -> None:
    feedback = DetailedFeedbackFactory.create(red_hours=4, barriers="Part-time health staff.")
    feedback.red_hours = 2
    feedback.barriers = "Part-time health staff.\nNo shared case system."
    feedback.uses_blue_rating = True
    feedback.save()

    response = staff_client.get(
        reverse("visits:feedback_history", kwargs={"pk": feedback.visit_id})
    )

    text = _text(response)
    assert "History of the feedback" in text
    assert "Uses a blue (BRAG) rating No → changed to Yes" in text
    assert "Red: hours to complete checks 4 → changed to 2" in text
    assert "Added: No shared case system." in text


def test_an_approval_with_an_override_shows_its_reason(staff_client: Client) -> None:
    visit = VisitFactory.create(
        status=ReviewStatus.SUBMITTED,
        submitted_at=timezone.now(),
        notes="Call the helpline on 0161 496 0000.",
    )
    reason = "A service's helpline number, not a person's"
    record_approve(record=visit, user=ReviewerFactory.create(), override_reason=reason)

    text = _text(_history(staff_client, visit))

    assert f"Reason Approved with possible identifiers: {reason}" in text
    assert f"Why possible identifiers were let through Added: {reason}" in text
    assert "Approved by Not given → changed to" in text


# ----- The line diff itself ---------------------------------------------------------------


def test_a_line_diff_keeps_one_line_of_context_and_marks_the_gaps() -> None:
    old = "\n".join(f"line {n}" for n in range(1, 11))
    new = old.replace("line 5", "line five")

    assert line_diff(old, new) == [
        DiffLine("gap", ""),
        DiffLine("same", "line 4"),
        DiffLine("removed", "line 5"),
        DiffLine("added", "line five"),
        DiffLine("same", "line 6"),
        DiffLine("gap", ""),
    ]


def test_a_line_diff_from_nothing_is_every_line_added() -> None:
    assert line_diff("", "First\nSecond") == [
        DiffLine("added", "First"),
        DiffLine("added", "Second"),
    ]
