"""`manage.py mark_identifiers` sets the marker on records saved before it existed."""

import io

import pytest
from django.core.management import call_command

from tests.visits.factories import VisitFactory
from visits.models import Visit

pytestmark = pytest.mark.django_db


def test_records_saved_without_the_marker_are_marked() -> None:
    leaky = VisitFactory.create(notes="NHS number 943 476 5919 was read out.")
    clean = VisitFactory.create()
    Visit.objects.update(identifiers_found=0)  # as a record saved before the marker existed
    before = leaky.history.count()

    out = io.StringIO()
    call_command("mark_identifiers", stdout=out)

    assert Visit.objects.get(pk=leaky.pk).identifiers_found == 1
    assert Visit.objects.get(pk=clean.pk).identifiers_found == 0
    assert leaky.history.count() == before
    assert "Visits: 1 with possible identifiers" in out.getvalue()
