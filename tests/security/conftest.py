import copy
from collections.abc import Iterator

import pytest
from django.db import connection
from pytest_django import DjangoDbBlocker

from tests.module_data import module_atomic

from .samples import Samples, make_samples


@pytest.fixture(scope="module")
def module_samples(django_db_setup: None, django_db_blocker: DjangoDbBlocker) -> Iterator[Samples]:
    """The samples, made once for a test module inside a transaction rolled back after it.

    The permission matrix asks for them in every case (every URL); making them each time
    was most of its run time. Each test still runs in its own transaction (a savepoint
    inside this one) that rolls back, so what a test changes never reaches the next test,
    and nothing reaches another module.
    """
    with module_atomic(django_db_blocker):
        with django_db_blocker.unblock():
            samples = make_samples()
        yield samples


@pytest.fixture
def samples(module_samples: Samples, db: None) -> Samples:
    """A row of everything the URLs point at, and a user or partner key per role.

    A copy of the module's objects, so an attribute a test changes without saving (as
    signing in sets `last_login`) is not seen by the next test.
    """
    # A transactional test would empty the tables (the samples with them) and keep its own
    # writes; only a test in a transaction of its own can share the module's samples.
    assert connection.in_atomic_block and len(connection.atomic_blocks) > 1, (
        "The samples need a test in its own transaction: not transactional_db or live_server"
    )
    return copy.deepcopy(module_samples)
