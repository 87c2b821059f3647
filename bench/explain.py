"""Benchmark: the database time of the aggregate queries (counts, distributions, evidence) on
the demo data and on N times it, side by side, so that "cost follows the rows counted" can be
checked and quoted.

For each read below, every SQL query it issues is captured and run again under `EXPLAIN
ANALYZE` (PostgreSQL: the executor's own "Execution Time", summed over the read's queries;
SQLite has no such figure, so there the queries' wall time is measured instead). Each
figure is the median of a few runs, at 1x and at Nx, with the ratio.

usage: .venv/bin/python bench/explain.py [factor]        (factor: default 100; 10 is quick)
       DATABASE_URL=postgres://postgres@127.0.0.1:5432/mash_bench .venv/bin/python bench/explain.py

With DATABASE_URL set to PostgreSQL, a throwaway `test_<name>` database is created beside
it (and dropped at the end), as the tests do; otherwise a throwaway SQLite file under var/
(removed afterwards). Never the development database. Not part of `make test`.
"""

import json
import os
import shutil
import sys
import tempfile
import time
import warnings
from collections.abc import Callable
from pathlib import Path
from statistics import median

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tests.settings")
(ROOT / "var").mkdir(exist_ok=True)
workdir = Path(tempfile.mkdtemp(prefix="bench-", dir=ROOT / "var"))
os.environ.setdefault("DATABASE_URL", f"sqlite:///{workdir / 'bench.sqlite3'}")
os.environ["MEDIA_ROOT"] = str(workdir / "media")

import django  # noqa: E402

django.setup()

from django.db import connection  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402

from bench.scale import load_demo, scale_demo  # noqa: E402
from case_studies.queries import CaseStudyFilter, case_study_filter_options  # noqa: E402
from findings import figures, queries, reports  # noqa: E402
from surveys.models import Survey  # noqa: E402
from surveys.queries import (  # noqa: E402
    ReturnFilter,
    survey_list,
    survey_questions,
    survey_statistics,
)

REPEAT = 5
POSTGRES = connection.vendor == "postgresql"


def demo_survey() -> Survey:
    """The demo's own survey (copies made by `scale_demo` come after it)."""
    survey = Survey.objects.order_by("pk").first()
    assert survey is not None, "the demo data has a survey"
    return survey


def _statistics(returns: ReturnFilter | None = None) -> object:
    survey = demo_survey()
    return survey_statistics(
        survey, survey_questions(survey), returns or ReturnFilter(), reveal=True
    )


READS: dict[str, Callable[[], object]] = {
    "survey list (/survey/, /api/v1/surveys/)": lambda: list(survey_list()),
    "survey statistics, demo survey": _statistics,
    "survey statistics, one region": lambda: _statistics(ReturnFilter(region="E12000007")),
    "codebook (themes' evidence counts)": lambda: queries.codebook(),
    "public themes": lambda: queries.public_themes(),
    "findings for managing": lambda: list(queries.finding_list_for_manage()),
    "findings report": lambda: reports.findings_report([]).rows,
    "findings API list": lambda: list(reports.finding_list_for_api(agreed_only=False)),
    "themes API list": lambda: list(reports.theme_list_for_api()),
    "figure: visits by region": lambda: figures.FIGURES["visits-by-region"].compute(),
    "case study filter counts": lambda: case_study_filter_options(CaseStudyFilter()),
}


def _sql_of(read: Callable[[], object]) -> list[str]:
    with CaptureQueriesContext(connection) as captured:
        read()
    return [q["sql"] for q in captured.captured_queries if q["sql"].lstrip().startswith("SELECT")]


def _explained_ms(sql: str) -> float:
    """The executor's time for one query, in milliseconds."""
    with connection.cursor() as cursor:
        if POSTGRES:
            cursor.execute(f"EXPLAIN (ANALYZE, FORMAT JSON) {sql}")
            plan = cursor.fetchone()[0]
            plan = json.loads(plan) if isinstance(plan, str) else plan
            return float(plan[0]["Execution Time"])
        start = time.perf_counter()
        cursor.execute(sql)
        cursor.fetchall()
        return (time.perf_counter() - start) * 1000


def measure() -> dict[str, tuple[float, int]]:
    """Each read's database milliseconds (median of REPEAT) and how many queries it makes."""
    figures_ms: dict[str, tuple[float, int]] = {}
    for label, read in READS.items():
        sqls = _sql_of(read)
        runs = [sum(_explained_ms(sql) for sql in sqls) for _ in range(REPEAT)]
        figures_ms[label] = (median(runs), len(sqls))
    return figures_ms


def _settle() -> None:
    """Statistics and visibility as autovacuum would leave them, so both sizes are planned
    from what the tables hold."""
    if POSTGRES:
        with connection.cursor() as cursor:
            cursor.execute("VACUUM ANALYZE")


def main() -> None:
    factor = int(sys.argv[1]) if len(sys.argv) > 1 else 100
    created = None
    if POSTGRES:
        created = connection.creation.create_test_db(verbosity=0, autoclobber=True)
    try:
        seconds = load_demo()
        print(f"demo data loaded in {seconds:.1f} s ({connection.vendor})")
        _settle()
        small = measure()
        scaled = scale_demo(factor)
        print(scaled.describe())
        _settle()
        big = measure()
    finally:
        if created is not None:
            connection.creation.destroy_test_db(created, verbosity=0)
    what = "EXPLAIN ANALYZE execution time" if POSTGRES else "query wall time"
    print(f"\n{what}, ms (median of {REPEAT}), summed over each read's queries")
    print(f"  {'read':<44} {'queries':>7} {'1x':>9} {f'{factor}x':>9} {'ratio':>7}")
    for label, (ms, n) in small.items():
        big_ms, big_n = big[label]
        ratio = big_ms / ms if ms else float("nan")
        count = f"{n}" if n == big_n else f"{n}->{big_n}"
        print(f"  {label:<44} {count:>7} {ms:9.2f} {big_ms:9.2f} {ratio:6.1f}x")


if __name__ == "__main__":
    warnings.filterwarnings("ignore", message="No directory at")
    try:
        main()
    finally:
        shutil.rmtree(workdir, ignore_errors=True)
