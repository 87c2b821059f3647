"""The shared history mechanics: one change id for everything a service call saves, one
history record per save, and the user on every row."""

import pytest

from mash_survey import history
from tests.factories import LocalAuthorityFactory, StaffFactory
from tests.visits.factories import VisitFactory
from visits.models import AgencyInvolvement, Visit

pytestmark = pytest.mark.django_db


def test_everything_saved_in_one_change_shares_its_id_and_user() -> None:
    staff = StaffFactory.create()
    visit = VisitFactory.create()
    with history.change(user=staff):
        history.save(visit, user=staff, reason="Saved")
        history.save(
            AgencyInvolvement(visit=visit, agency_type="police", involvement="co_located"),
            user=None,  # the change's user is taken
        )

    visit_record = visit.history.order_by("-history_id").first()
    agency_record = AgencyInvolvement.history.get()
    assert visit_record.history_change_id is not None
    assert agency_record.history_change_id == visit_record.history_change_id
    assert agency_record.history_user == staff
    assert visit_record.history_change_reason == "Saved"


def test_separate_changes_have_separate_ids() -> None:
    visit = VisitFactory.create()
    history.save(visit, user=None, reason="One")
    history.save(visit, user=None, reason="Two")
    one, two = visit.history.filter(history_change_reason__in=["One", "Two"])
    assert one.history_change_id != two.history_change_id


def test_saving_with_relations_writes_one_record_holding_them() -> None:
    area = LocalAuthorityFactory.create()
    visit = Visit(visit_date="2013-02-01", region=area.region, model_seen="mash")
    with history.saving(visit, user=None, reason="Created"):
        visit.save()
        visit.local_authorities.set([area])

    (record,) = visit.history.all()
    assert record.history_type == "+"
    assert [row.localauthority_id for row in record.local_authorities.all()] == [area.pk]


def test_a_long_reason_is_kept_whole() -> None:
    visit = VisitFactory.create()
    history.save(visit, user=None, reason="x" * 5000)
    assert len(visit.history.order_by("-history_id").first().history_change_reason) == 5000
