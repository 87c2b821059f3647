"""Long lists a page at a time, the same way on every list page.

A list page takes its rows from a query (or a list already built), asks `page_of` for the
page `?page=` names, and shows `{% showing page "visit" "visits" %}` above the rows and
`{% include "includes/pagination.html" with page=page label="Pages of visits" only %}` below
them. The pagination links change `page` only, so the filters in the query string stay.

Every list has `settings.LIST_PAGE_SIZE` rows a page. A page number that is not a number
gives the first page, and one past the end gives the last: a link kept from when the list
was longer still shows rows. A query's page costs two queries (its count and its rows)
whatever the number of rows.

A page with several lists (your work, what needs attention, a theme's findings beside its
excerpts) shows the first `settings.LIST_PREVIEW_SIZE` rows of each (`first_rows`) and,
when there are more, a link to the whole list a page at a time: on the same page with
`?show=<list>` (`shown_list` reads it), or on the list's own page with a filter.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

from django.conf import settings
from django.core.paginator import Page, Paginator
from django.db.models import QuerySet
from django.http import HttpRequest


def paginate(
    rows: QuerySet[Any] | Sequence[Any],
    number: Any,
    *,
    per_page: int | None = None,
    count: int | None = None,
) -> Page[Any]:
    """Page `number` of `rows` (the first when it is not a number, the last when it is past
    the end), `per_page` rows a page (the list size by default). Give `count` when the
    caller has already counted the rows, to save the count query."""
    paginator: Paginator[Any] = Paginator(rows, per_page or settings.LIST_PAGE_SIZE)
    if count is not None:
        paginator.count = count  # counted already: one query fewer
    return paginator.get_page(number)


def page_of(request: HttpRequest, rows: QuerySet[Any] | Sequence[Any]) -> Page[Any]:
    """The page of `rows` that the request's `?page=` names (see `paginate`)."""
    return paginate(rows, request.GET.get("page"))


def first_rows(rows: QuerySet[Any] | Sequence[Any], *, count: int | None = None) -> Page[Any]:
    """The first `settings.LIST_PREVIEW_SIZE` rows of `rows`, as a page: its
    `paginator.count` is how many rows there are in all, and `has_next()` says whether to
    link to the whole list."""
    return paginate(rows, 1, per_page=settings.LIST_PREVIEW_SIZE, count=count)


def shown_list(request: HttpRequest, keys: Iterable[str]) -> str:
    """Which of a page's lists `?show=` asks to see whole ("" for none, or one not among
    `keys`): the page then shows that list alone, a page at a time."""
    show = request.GET.get("show", "")
    return show if show in set(keys) else ""


def showing(page: Page[Any], singular: str, plural: str) -> str:
    """How many rows the list has and which of them this page shows: "Showing 51 to 100 of
    3,700 visits", or "12 visits" when they fit on one page."""
    count = page.paginator.count
    noun = singular if count == 1 else plural
    if page.paginator.num_pages <= 1:
        return f"{count:,} {noun}"
    return f"Showing {page.start_index():,} to {page.end_index():,} of {count:,} {noun}"
