"""The services behind the forms: visit_create, visit_update and feedback_save, and the rules
they keep whoever calls them."""

import datetime as dt
from decimal import Decimal

import pytest

from mash_survey.errors import StaleEditError
from tests.factories import StaffFactory
from visits.models import AgencyInvolvement, DetailedFeedback, ReviewStatus, Visit
from visits.services import (
    RecordContentError,
    Staffing,
    WorkflowError,
    feedback_save,
    visit_create,
    visit_update,
)

from .editing_support import NOTES, Areas, draft_visit, feedback_for, make_areas

pytestmark = pytest.mark.django_db


@pytest.fixture
def areas() -> Areas:
    return make_areas()


def _update(visit: Visit, areas: Areas, **changes: object) -> Visit:
    values: dict[str, object] = {
        "visit_date": visit.visit_date,
        "region": areas.north_east,
        "local_authorities": [areas.gateshead],
        "model_seen": "mash",
        "agencies": {"police": "co_located"},
        "visiting_team": list(visit.visiting_team.all()),
        "notes": visit.notes,
        "seen_version": visit.version,
    }
    return visit_update(visit=visit, user=visit.created_by, **{**values, **changes})  # type: ignore[arg-type]


def test_a_visit_must_take_in_at_least_one_area_all_in_its_region(areas: Areas) -> None:
    staff = StaffFactory.create()

    with pytest.raises(RecordContentError, match="Select at least one local authority"):
        draft_visit(areas, staff, local_authorities=[])
    with pytest.raises(RecordContentError, match="Select local authorities in the region you"):
        draft_visit(areas, staff, local_authorities=[areas.gateshead, areas.camden])

    assert not Visit.objects.exists()


def test_an_unknown_kind_of_involvement_is_refused(areas: Areas) -> None:
    with pytest.raises(RecordContentError, match="Select how each partner agency took part"):
        draft_visit(areas, StaffFactory.create(), agencies={"police": "sometimes"})


def test_a_new_visit_is_a_draft_at_version_1_with_one_history_record(areas: Areas) -> None:
    staff = StaffFactory.create()

    visit = draft_visit(areas, staff, agencies={"police": "co_located", "health": "virtual"})

    assert (visit.status, visit.version, visit.created_by) == (ReviewStatus.DRAFT, 1, staff)
    assert AgencyInvolvement.objects.filter(visit=visit).count() == 2
    (record,) = visit.history.all()
    assert record.history_type == "+"
    assert record.history_change_reason == "Created"


def test_an_update_from_the_version_saved_takes_the_next_version(areas: Areas) -> None:
    visit = draft_visit(areas, StaffFactory.create())

    updated = _update(visit, areas, notes="New notes.", agencies={"housing": "virtual"})

    assert updated.version == 2
    visit.refresh_from_db()
    assert visit.notes == "New notes."
    assert [(a.agency_type, a.involvement) for a in visit.agencies.all()] == [
        ("housing", "virtual")
    ]


def test_an_update_from_an_older_version_is_refused_and_changes_nothing(areas: Areas) -> None:
    visit = draft_visit(areas, StaffFactory.create())
    _update(visit, areas, notes="First.")

    with pytest.raises(StaleEditError, match="changed by someone else"):
        _update(Visit.objects.get(pk=visit.pk), areas, notes="Second.", seen_version=1)

    visit.refresh_from_db()
    assert (visit.notes, visit.version) == ("First.", 2)


def test_an_update_that_changes_nothing_writes_nothing(areas: Areas) -> None:
    visit = draft_visit(areas, StaffFactory.create())

    _update(visit, areas)

    visit.refresh_from_db()
    assert visit.version == 1
    assert visit.history.count() == 1


@pytest.mark.parametrize(
    ("status", "message"),
    [
        (ReviewStatus.SUBMITTED, "submitted for review, so it cannot be changed"),
        (ReviewStatus.APPROVED, "approved, so it cannot be changed"),
    ],
)
def test_submitted_and_approved_visits_are_read_only(
    areas: Areas, status: str, message: str
) -> None:
    visit = draft_visit(areas, StaffFactory.create())
    Visit.objects.filter(pk=visit.pk).update(
        status=status, approved_at=dt.datetime(2013, 4, 2, tzinfo=dt.UTC)
    )

    with pytest.raises(WorkflowError, match=message):
        _update(visit, areas, notes="Changed.")

    visit.refresh_from_db()
    assert visit.notes == NOTES


def test_a_returned_visit_stays_returned_when_saved(areas: Areas) -> None:
    visit = draft_visit(areas, StaffFactory.create())
    Visit.objects.filter(pk=visit.pk).update(status=ReviewStatus.RETURNED)

    _update(visit, areas, notes="Fixed.")

    visit.refresh_from_db()
    assert (visit.status, visit.notes) == (ReviewStatus.RETURNED, "Fixed.")


def test_visit_create_is_all_or_nothing(areas: Areas) -> None:
    staff = StaffFactory.create()

    with pytest.raises(RecordContentError):
        visit_create(
            user=staff,
            visit_date=dt.date(2013, 1, 9),
            region=areas.london,
            local_authorities=[areas.gateshead],
            model_seen="mash",
        )

    assert not Visit.objects.exists()


# ----- Feedback ---------------------------------------------------------------------------


def test_the_first_feedback_save_creates_it_and_later_saves_need_its_version(
    areas: Areas,
) -> None:
    staff = StaffFactory.create()
    visit = draft_visit(areas, staff)

    created = feedback_save(
        visit=visit,
        user=staff,
        seen_version=0,
        monthly_contacts=800,
        staffing={"police": Staffing(Decimal("2.5"), True)},
    )
    changed = feedback_save(visit=visit, user=staff, seen_version=1, monthly_contacts=900)

    assert created.pk == changed.pk
    assert changed.version == 2
    assert changed.monthly_contacts == 900
    assert not changed.staffing.exists()  # left out: none recorded
    with pytest.raises(StaleEditError):
        feedback_save(visit=visit, user=staff, seen_version=1, monthly_contacts=1000)
    with pytest.raises(StaleEditError):
        feedback_save(visit=visit, user=staff, seen_version=0, monthly_contacts=1000)
    assert DetailedFeedback.objects.get().monthly_contacts == 900


def test_blue_hours_need_a_brag_rating(areas: Areas) -> None:
    staff = StaffFactory.create()
    visit = draft_visit(areas, staff)

    with pytest.raises(RecordContentError, match="Select BRAG"):
        feedback_save(visit=visit, user=staff, seen_version=0, blue_hours=12)

    assert not DetailedFeedback.objects.exists()
    feedback = feedback_save(
        visit=visit, user=staff, seen_version=0, uses_blue_rating=True, blue_hours=12
    )
    assert feedback.blue_hours == 12


@pytest.mark.parametrize("status", [ReviewStatus.SUBMITTED, ReviewStatus.APPROVED])
def test_submitted_and_approved_feedback_is_read_only(areas: Areas, status: str) -> None:
    staff = StaffFactory.create()
    visit = draft_visit(areas, staff)
    feedback = feedback_for(visit, staff, lessons="Kept.")
    DetailedFeedback.objects.filter(pk=feedback.pk).update(
        status=status, approved_at=dt.datetime(2013, 4, 2, tzinfo=dt.UTC)
    )

    with pytest.raises(WorkflowError, match="cannot be changed"):
        feedback_save(visit=visit, user=staff, seen_version=1, lessons="Changed.")

    assert DetailedFeedback.objects.get().lessons == "Kept."


def test_saving_unchanged_feedback_writes_nothing(areas: Areas) -> None:
    staff = StaffFactory.create()
    visit = draft_visit(areas, staff)
    lines = {"health": Staffing(Decimal("1.5"), False)}
    feedback_save(visit=visit, user=staff, seen_version=0, lessons="Same.", staffing=lines)

    again = feedback_save(visit=visit, user=staff, seen_version=1, lessons="Same.", staffing=lines)

    assert again.version == 1
    assert again.history.count() == 1
