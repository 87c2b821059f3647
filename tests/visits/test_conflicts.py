"""No lost updates: two people editing the same visit or feedback from the same version.

The second save is refused rather than overwriting the first; the conflict page shows what is
saved now beside what the second person wrote, keeps their text in a form against the new
version, and saving that form saves it. Runs on SQLite and PostgreSQL; the saves at the same
moment (threads) need PostgreSQL's row locks."""

import threading
import time
from collections.abc import Callable

import pytest
from django.conf import settings
from django.db import connection, transaction

from mash_survey.errors import StaleEditError
from tests.areas.pages import Element, table_rows
from tests.factories import StaffFactory
from visits.models import DetailedFeedback, Visit
from visits.services import feedback_save, visit_update

from .editing_support import (
    Areas,
    draft_visit,
    error_summary,
    feedback_for,
    feedback_form,
    input_value,
    make_areas,
    page_of,
    signed_in,
    textarea,
    title,
    visit_form_of,
)

pytestmark = pytest.mark.django_db

ORIGINAL = "Contacts come in by phone.\nThe police sit with social care.\nHealth is virtual."
FIRST = (
    "Contacts come in by phone and secure email.\nThe police sit with social care.\n"
    "Health is virtual."
)
SECOND = "Contacts come in by phone.\nThe police sit with social care.\nHealth joined in March."


@pytest.fixture
def areas() -> Areas:
    return make_areas()


def diff_lines(page: Element) -> list[str]:
    return [li.text() for li in page.find("ol", "app-diff").find_all("li")]


def test_the_second_of_two_edits_from_one_version_gets_the_conflict_page_and_loses_nothing(
    areas: Areas,
) -> None:
    author = StaffFactory.create()
    visit = draft_visit(areas, author, notes=ORIGINAL)
    first = signed_in(StaffFactory.create(first_name="Fran", last_name="First"))
    second = signed_in(StaffFactory.create())
    # Both open the form at version 1.
    assert input_value(page_of(first.get(f"/visits/{visit.pk}/edit/")), "version") == "1"
    assert input_value(page_of(second.get(f"/visits/{visit.pk}/edit/")), "version") == "1"

    saved = first.post(
        f"/visits/{visit.pk}/edit/", visit_form_of(visit, notes=FIRST, model="co_located")
    )
    refused = second.post(
        f"/visits/{visit.pk}/edit/",
        visit_form_of(visit, notes=SECOND, authorities=[areas.gateshead, areas.sunderland]),
    )

    assert saved.status_code == 302
    assert refused.status_code == 409
    page = page_of(refused, 409)
    assert title(refused).startswith("Error: This visit was changed by someone else")
    assert page.find("h1").text() == (
        "This visit was changed by someone else while you were editing it"
    )
    assert error_summary(page) == [
        (
            "",
            "This visit was changed by someone else while you were editing it. Check the "
            "changes and try again.",
        )
    ]
    assert "The version saved now is by Fran First" in page.find("main").text()
    # The first person's work is saved…
    visit.refresh_from_db()
    assert visit.notes == FIRST
    assert visit.model_seen == "co_located"
    assert visit.version == 2
    # …and the second person's is on the page, in a form against the version saved now.
    assert textarea(page, "notes") == SECOND
    assert input_value(page, "version") == "2"
    main_form = page.find("main").find("form")
    assert main_form.attrs["action"] == f"/visits/{visit.pk}/edit/"
    assert "data-autosave-url" not in main_form.attrs  # nothing saves until they choose to
    # What differs, both ways.
    assert table_rows(page.find("table", "govuk-table")) == [
        ["Local authorities visited", "Gateshead", "Gateshead; Sunderland"],
        ["Model seen", "Co-located assessment team", "Multi-agency safeguarding hub (MASH)"],
    ]
    assert diff_lines(page) == [
        "Saved only: Contacts come in by phone and secure email.",
        "Yours only: Contacts come in by phone.",
        "The police sit with social care.",
        "Saved only: Health is virtual.",
        "Yours only: Health joined in March.",
    ]
    saved_now = page.find_all("div", "app-preview__body")[0]
    assert "secure email" in saved_now.text()

    merged = SECOND.replace("by phone.", "by phone and secure email.")
    again = second.post(
        f"/visits/{visit.pk}/edit/",
        visit_form_of(
            visit, notes=merged, model="co_located", version=int(input_value(page, "version"))
        ),
    )

    assert again.status_code == 302
    visit.refresh_from_db()
    assert visit.notes == merged
    assert visit.version == 3
    assert [h.notes for h in visit.history.order_by("history_id")] == [ORIGINAL, FIRST, merged]


def test_the_conflict_page_shows_text_safely_and_without_inline_styles(areas: Areas) -> None:
    staff = StaffFactory.create()
    visit = draft_visit(areas, staff)
    signed_in().post(
        f"/visits/{visit.pk}/edit/",
        visit_form_of(visit, notes='Saved <script>alert("saved")</script> **bold**'),
    )

    refused = signed_in(staff).post(
        f"/visits/{visit.pk}/edit/",
        visit_form_of(visit, notes='Mine <img src=x onerror="alert(1)">', version=1),
    )

    html = refused.content.decode()
    assert refused.status_code == 409
    assert "<script>alert" not in html and "<img" not in html
    assert "&lt;img src=x onerror=" in html  # the diff shows the text as text
    assert "style=" not in html
    assert "<strong>bold</strong>" in html  # the saved notes, rendered and sanitised


def test_two_people_starting_the_same_feedback_cannot_both_create_it(areas: Areas) -> None:
    staff = StaffFactory.create()
    visit = draft_visit(areas, staff)
    first, second = signed_in(), signed_in()

    created = first.post(
        f"/visits/{visit.pk}/feedback/edit/",
        feedback_form(version=0, lessons="Start with the police.", monthly_contacts="900"),
    )
    refused = second.post(
        f"/visits/{visit.pk}/feedback/edit/",
        feedback_form(version=0, lessons="Start with health.", monthly_contacts="1000"),
    )

    assert created.status_code == 302
    page = page_of(refused, 409)
    assert page.find("h1").text() == (
        "This feedback record was changed by someone else while you were editing it"
    )
    feedback = DetailedFeedback.objects.get()
    assert feedback.lessons == "Start with the police."
    assert textarea(page, "lessons") == "Start with health."
    assert input_value(page, "monthly_contacts") == "1000"
    assert input_value(page, "version") == "1"
    assert table_rows(page.find("table", "govuk-table")) == [["Contacts a month", "900", "1000"]]
    assert diff_lines(page) == [
        "Saved only: Start with the police.",
        "Yours only: Start with health.",
    ]


def test_a_late_feedback_save_keeps_both_and_saving_the_merged_form_saves_it(
    areas: Areas,
) -> None:
    staff = StaffFactory.create()
    visit = draft_visit(areas, staff)
    feedback_for(visit, staff, barriers="Culture.")
    first, second = signed_in(), signed_in()

    first.post(
        f"/visits/{visit.pk}/feedback/edit/",
        feedback_form(version=1, barriers="Culture.\nIT.", staff_police="3"),
    )
    refused = second.post(
        f"/visits/{visit.pk}/feedback/edit/",
        feedback_form(version=1, barriers="Culture.\nFunding.", staff_police="4"),
    )

    page = page_of(refused, 409)
    assert table_rows(page.find("table", "govuk-table")) == [
        ["Police staff (full-time equivalent)", "3", "4"]
    ]
    assert diff_lines(page) == ["Culture.", "Saved only: IT.", "Yours only: Funding."]
    assert DetailedFeedback.objects.get().barriers == "Culture.\nIT."

    again = second.post(
        f"/visits/{visit.pk}/feedback/edit/",
        feedback_form(
            version=int(input_value(page, "version")),
            barriers="Culture.\nIT.\nFunding.",
            staff_police="4",
        ),
    )

    assert again.status_code == 302
    feedback = DetailedFeedback.objects.get()
    assert feedback.barriers == "Culture.\nIT.\nFunding."
    assert feedback.version == 3


# ----- Two saves at the same moment (PostgreSQL: SQLite has no row locks) ---------------

if settings.DATABASES["default"]["ENGINE"].endswith("postgresql"):

    def _race(save_first: Callable[[], None], save_second: Callable[[], None]) -> dict[str, object]:
        """Run two saves in two threads: the first holds its transaction open for a moment
        after saving; the second starts while it does."""
        started = threading.Event()
        outcome: dict[str, object] = {}

        def first() -> None:
            try:
                with transaction.atomic():
                    save_first()
                    outcome["first saved at"] = time.monotonic()
                    started.set()
                    time.sleep(0.5)  # still uncommitted while the second save tries
            finally:
                started.set()
                connection.close()

        def second() -> None:
            started.wait(timeout=10)
            try:
                save_second()
                outcome["second"] = "saved"
            except StaleEditError:
                outcome["second"] = "refused"
            outcome["second finished at"] = time.monotonic()
            connection.close()

        threads = [threading.Thread(target=first), threading.Thread(target=second)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=20)
        return outcome

    @pytest.mark.django_db(transaction=True)
    def test_of_two_visit_saves_at_the_same_moment_the_second_waits_and_is_refused() -> None:
        areas = make_areas()
        staff = StaffFactory.create()
        visit = draft_visit(areas, staff, notes=ORIGINAL)

        def save(notes: str) -> None:
            visit_update(
                visit=Visit.objects.get(pk=visit.pk),
                user=staff,
                seen_version=1,
                visit_date=visit.visit_date,
                region=areas.north_east,
                local_authorities=[areas.gateshead],
                model_seen="mash",
                agencies={},
                visiting_team=[staff],
                notes=notes,
            )

        outcome = _race(lambda: save(FIRST), lambda: save(SECOND))

        assert outcome["second"] == "refused"
        waited = outcome["second finished at"] - outcome["first saved at"]  # type: ignore[operator]
        assert waited >= 0.4, "the second save did not wait for the first to commit"
        visit.refresh_from_db()
        assert (visit.notes, visit.version) == (FIRST, 2)

    @pytest.mark.django_db(transaction=True)
    def test_of_two_first_feedback_saves_at_the_same_moment_only_one_creates_it() -> None:
        areas = make_areas()
        staff = StaffFactory.create()
        visit = draft_visit(areas, staff)

        def save(lessons: str) -> None:
            feedback_save(visit=visit, user=staff, seen_version=0, lessons=lessons)

        outcome = _race(lambda: save("First."), lambda: save("Second."))

        assert outcome["second"] == "refused"
        waited = outcome["second finished at"] - outcome["first saved at"]  # type: ignore[operator]
        assert waited >= 0.4, "the second save did not wait for the first to commit"
        feedback = DetailedFeedback.objects.get()
        assert (feedback.lessons, feedback.version) == ("First.", 1)
