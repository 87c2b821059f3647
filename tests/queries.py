"""Assert that a page or endpoint's SQL query count does not grow with the data."""

from collections.abc import Callable
from typing import Any

from django.db import connection
from django.test.utils import CaptureQueriesContext


def count_queries(call: Callable[[], Any]) -> int:
    with CaptureQueriesContext(connection) as captured:
        call()
    return len(captured.captured_queries)


def assert_query_count_flat(
    call: Callable[[], Any], grow: Callable[[], Any], *, message: str = ""
) -> int:
    """Run `call`, add data with `grow`, run `call` again: the counts must be equal.

    Returns the count, so a test can also pin it (`assert n <= 5`).
    """
    before = count_queries(call)
    grow()
    after = count_queries(call)
    assert after == before, (
        f"{message or 'query count'} grew with the data: {before} queries before, {after} after"
    )
    return after
