"""Benchmark: search (`/search/`, `/api/v1/search/`) on the demo data and on 100 times it.
Prints side by side in one run, for the same queries at both sizes:

- the results page (median of repeated GETs through Django's test client: the whole
  middleware stack, rendering included, no network) for a common word, a phrase, an `or`
  query and a filtered query, anonymously and signed in as project staff (who also search
  visit notes, feedback, answers, excerpts and drafts), with the database queries the page
  makes and how many results it finds;
- `search.search()` alone (the database's share: counts, page, snippets);
- the floor: `LocalAuthority.objects.get(slug=…)` through the ORM, a published case study's
  page and the search page without a query;
- making the 100x data (`bench/scale.py`: written in bulk, then indexed with
  `search.index_all`) and, with `--rebuild`, a whole `search.rebuild()` at each size (what
  `migrate` does after applying anything; minutes at 100x).

usage: .venv/bin/python bench/search.py [--factor 100] [--rebuild]   (or `make bench`)

Uses a throwaway SQLite database and media folder under var/ (removed afterwards), with the
register and the demo data, never the development ones. Not part of `make test`.
"""

import argparse
import os
import shutil
import sqlite3
import sys
import tempfile
import time
import warnings
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from statistics import median
from typing import Any
from urllib.parse import urlencode

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tests.settings")
(ROOT / "var").mkdir(exist_ok=True)
workdir = Path(tempfile.mkdtemp(prefix="bench-", dir=ROOT / "var"))
os.environ["DATABASE_URL"] = f"sqlite:///{workdir / 'bench.sqlite3'}"
os.environ["MEDIA_ROOT"] = str(workdir / "media")

import django  # noqa: E402

django.setup()

from django.contrib.auth.models import Group, User  # noqa: E402
from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402

from areas.models import LocalAuthority, Region  # noqa: E402
from bench.scale import load_demo, scale_demo  # noqa: E402
from case_studies.models import CaseStudy, CaseStudyStatus  # noqa: E402
from mash_survey import search  # noqa: E402
from mash_survey.audience import Audience  # noqa: E402
from mash_survey.models import SearchEntry  # noqa: E402
from mash_survey.roles import PROJECT_STAFF  # noqa: E402

REPEATS = {1: 30}  # rounds, by factor; any other factor: SCALED_REPEATS
SCALED_REPEATS = 15


@dataclass(frozen=True)
class Row:
    """One line of the table: a page (or an ORM call) and who asks."""

    label: str
    who: str  # "anonymous", "staff" or "" (no request)
    url: str = ""
    call: Callable[[], object] | None = None  # instead of a page
    q: str = ""  # for `search.search()` and the results count
    filters: dict[str, str] | None = None


@dataclass
class Measured:
    seconds: float
    queries: int
    results: int | None = None
    search_seconds: float | None = None


def count_queries(call: Callable[[], Any]) -> tuple[int, Any]:
    with CaptureQueriesContext(connection) as captured:
        result = call()
    return len(captured), result


def search_url(q: str, **filters: str) -> str:
    return "/search/?" + urlencode({"q": q, **filters})


def rows_for(case_study: CaseStudy, region: Region, authority: LocalAuthority) -> list[Row]:
    filtered = {"type": "case_study", "region": region.slug}
    queries = [
        ("a common word: police", "police", None),
        ('a phrase: "information sharing"', '"information sharing"', None),
        ("or: probation or housing", "probation or housing", None),
        (f"filtered: police, case studies in {region.name}", "police", filtered),
    ]
    rows = [
        Row(
            "floor: LocalAuthority.objects.get(slug=…)",
            "",
            call=lambda: LocalAuthority.objects.get(slug=authority.slug),
        ),
        Row("floor: a published case study's page", "anonymous", case_study.get_absolute_url()),
        Row("floor: /search/ without a query", "anonymous", "/search/"),
    ]
    for label, q, filters in queries:
        for who in ("anonymous", "staff"):
            rows.append(Row(label, who, search_url(q, **(filters or {})), q=q, filters=filters))
    rows.append(
        Row(
            "API: /api/v1/search/?q=police",
            "anonymous",
            "/api/v1/search/?q=police",
            q="police",
        )
    )
    return rows


def calls_for(row: Row, clients: dict[str, Client], regions: dict[str, int]) -> list[Any]:
    """What to time for a row: the page (or ORM call), and `search.search()` if it searches."""
    if row.call is not None:
        return [row.call]
    client = clients[row.who]

    def page() -> Any:
        return client.get(row.url)

    if not row.q:
        return [page]
    audience = Audience.STAFF if row.who == "staff" else Audience.PUBLIC
    filters = row.filters or {}
    chosen = search.Filters(
        kind=filters.get("type", ""),
        region=regions[filters["region"]] if "region" in filters else None,
    )

    def find() -> search.Results:
        return search.search(row.q, audience=audience, filters=chosen)

    return [page, find]


def measure(rows: list[Row], clients: dict[str, Client], repeat: int) -> list[Measured]:
    """Each row's figures. One call of each first (counting queries and results), then
    `repeat` rounds of every row in turn, so a busy moment of the machine hits them alike."""
    regions = {r.slug: r.pk for r in Region.objects.all()}
    calls = [calls_for(row, clients, regions) for row in rows]
    measured = []
    for row, (first, *rest) in zip(rows, calls, strict=True):
        queries, response = count_queries(first)
        status = getattr(response, "status_code", 200)
        assert status == 200, f"{row.url} answered {status}"
        results = rest[0]().page.paginator.count if rest else None
        measured.append(Measured(0.0, queries, results))
    samples: list[list[list[float]]] = [[[] for _ in row_calls] for row_calls in calls]
    for _ in range(repeat):
        for row_calls, row_samples in zip(calls, samples, strict=True):
            for call, taken in zip(row_calls, row_samples, strict=True):
                start = time.perf_counter()
                call()
                taken.append(time.perf_counter() - start)
    for m, row_samples in zip(measured, samples, strict=True):
        m.seconds = median(row_samples[0])
        if len(row_samples) > 1:
            m.search_seconds = median(row_samples[1])
    return measured


def ms(seconds: float | None) -> str:
    return "" if seconds is None else f"{seconds * 1000:.2f}"


def print_table(
    rows: list[Row], sizes: list[tuple[str, list[Measured]]], floor_index: int = 1
) -> None:
    """The rows with each size's figures side by side; ratios against the case study page."""
    head = f"  {'':<46} {'who':<9}"
    sub = f"  {'':<46} {'':<9}"
    for name, _ in sizes:
        head += f" | {name:^41}"
        sub += f" | {'page ms':>8} {'x floor':>7} {'search()':>8} {'queries':>7} {'results':>7}"
    print(head)
    print(sub)
    for i, row in enumerate(rows):
        line = f"  {row.label:<46} {row.who:<9}"
        for _, measured in sizes:
            m = measured[i]
            floor = measured[floor_index].seconds
            ratio = "" if row.call is not None else f"{m.seconds / floor:.1f}x"
            results = "" if m.results is None else str(m.results)
            line += (
                f" | {ms(m.seconds):>8} {ratio:>7} {ms(m.search_seconds):>8} "
                f"{m.queries:>7} {results:>7}"
            )
        print(line)


def entries_by_kind() -> str:
    counts: dict[str, int] = {}
    for kind in SearchEntry.objects.values_list("kind", flat=True):
        counts[kind] = counts.get(kind, 0) + 1
    return ", ".join(f"{kind} {n}" for kind, n in sorted(counts.items()))


def rebuild_seconds() -> float:
    start = time.perf_counter()
    search.rebuild()
    return time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--factor", type=int, default=100, help="the bigger size (default 100)")
    parser.add_argument(
        "--rebuild", action="store_true", help="also time search.rebuild() at the bigger size"
    )
    args = parser.parse_args()

    print(
        f"Database: SQLite {sqlite3.sqlite_version} (FTS5), a throwaway file under var/; "
        f"Django {django.get_version()}, Python {sys.version.split()[0]}, "
        f"{os.cpu_count()} CPUs, load average {os.getloadavg()[0]:.1f} at the start"
    )
    setup = load_demo()
    print(f"Set-up: migrate, the register and the demo data, {setup:.1f} s")

    staff = User.objects.create_user("bench-staff")
    staff.groups.add(Group.objects.get(name=PROJECT_STAFF))
    clients = {"anonymous": Client(), "staff": Client()}
    clients["staff"].force_login(staff)
    case_study = (
        CaseStudy.objects.filter(status=CaseStudyStatus.PUBLISHED)
        .prefetch_related("local_authorities__region")
        .order_by("title")
        .first()
    )
    assert case_study is not None
    authority = case_study.local_authorities.all()[0]
    rows = rows_for(case_study, authority.region, authority)

    sizes: list[tuple[str, list[Measured]]] = []
    print(f"1x demo: {SearchEntry.objects.count()} search entries ({entries_by_kind()})")
    if args.rebuild:
        print(f"  search.rebuild() of the whole index: {rebuild_seconds():.1f} s")
    sizes.append(("1x demo", measure(rows, clients, REPEATS.get(1, SCALED_REPEATS))))

    scaled = scale_demo(args.factor)
    print(f"{args.factor}x demo: {scaled.describe()}")
    print(f"  {SearchEntry.objects.count()} search entries ({entries_by_kind()})")
    if args.rebuild:
        print(f"  search.rebuild() of the whole index: {rebuild_seconds():.1f} s")
    size = f"{args.factor}x demo"
    sizes.append((size, measure(rows, clients, REPEATS.get(args.factor, SCALED_REPEATS))))

    print()
    print(
        "Search against the floor (median ms; page = GET through the test client, search() "
        "= the query alone; x floor = page / the case study page)"
    )
    print_table(rows, sizes)
    print(f"  load average {os.getloadavg()[0]:.1f} at the end (other work on the machine)")
    grew = [
        row.label + (f" ({row.who})" if row.who else "")
        for row, small, big in zip(rows, sizes[0][1], sizes[1][1], strict=True)
        if big.queries != small.queries
    ]
    print(
        "  queries per page: the same at both sizes"
        if not grew
        else f"  queries per page grew with the data: {'; '.join(grew)}"
    )


if __name__ == "__main__":
    warnings.filterwarnings("ignore", message="No directory at")
    start = time.perf_counter()
    try:
        main()
    finally:
        shutil.rmtree(workdir, ignore_errors=True)
    print(f"Whole run: {time.perf_counter() - start:.0f} s")
