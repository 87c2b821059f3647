"""The demo visits need the register: without it, loading says so and writes nothing."""

import pytest

from mash_survey.errors import ServiceError
from visits.demo import demo_visits_load
from visits.models import Visit

pytestmark = pytest.mark.django_db


def test_without_the_register_loading_says_to_load_it_first_and_creates_nothing() -> None:
    with pytest.raises(ServiceError, match="load the register first"):
        demo_visits_load()

    assert not Visit.objects.exists()
