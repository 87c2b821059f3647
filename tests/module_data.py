"""Test data made once for a whole test module, inside a transaction rolled back after it.

Each test still runs in its own transaction (a savepoint inside this one) that rolls back,
so what a test changes never reaches the next test, and nothing reaches another module.
"""

import io
from collections.abc import Iterator
from contextlib import contextmanager

from django.core.management import call_command
from django.db import connections, transaction
from django.db.transaction import Atomic
from pytest_django import DjangoDbBlocker

from areas.services import register_load


@contextmanager
def module_atomic(blocker: DjangoDbBlocker) -> Iterator[None]:
    """A transaction rolled back when the block ends (or fails). The database is only
    unblocked to open and close it: make the data inside `blocker.unblock()`."""
    with blocker.unblock():
        atomics = _enter_atomics()
    try:
        yield
    finally:
        with blocker.unblock():
            _roll_back(atomics)


@contextmanager
def demo_loaded(blocker: DjangoDbBlocker) -> Iterator[str]:
    """The register and the whole demo, loaded by `load_demo_data` as `make run` loads them,
    for a module: gives what the command said."""
    with module_atomic(blocker):
        with blocker.unblock():
            register_load()
            output = io.StringIO()
            call_command("load_demo_data", stdout=output)
        yield output.getvalue()


def _enter_atomics() -> dict[str, Atomic]:
    atomics = {}
    for alias in connections:
        atomic = transaction.atomic(using=alias)
        # As Django's TestCase marks its own: code under test may open a durable block.
        atomic._from_testcase = True  # type: ignore[attr-defined]  # Django's private flag
        atomic.__enter__()
        atomics[alias] = atomic
    return atomics


def _roll_back(atomics: dict[str, Atomic]) -> None:
    for alias, atomic in reversed(atomics.items()):
        transaction.set_rollback(True, using=alias)
        atomic.__exit__(None, None, None)
