"""Benchmark: the survey returns export (CSV and XLSX, /survey/<slug>/returns.<fmt>) and the
survey-responses API against a one-query floor, and the export's peak memory, by size.

Sizes (returns x questions; the questions cycle through every kind, choices ticked, numbers,
dates and text with commas and quotes):

- 152 x 20: every area of England answered.
- 1,000 x 20: the most returns one survey can have (an area answers a survey once, and the
  register's DfE codes are 3 digits: the bench adds areas up to 1,000).
- 15,000 x 20: 15 surveys of 1,000 returns, exported one after another (no survey can have
  15,000 returns; the figures are the 15 exports together, the peak the highest of them).
- 152 x 2,000: a very long questionnaire.

For each it prints, per return: the CSV export (the whole request through Django's test
client, the stream read to its end) against the floor (one SQL query over the same answers,
in the same order, written through csv.writer: what any export must at least do), as a
ratio; the XLSX export; and the CSV export's peak memory (tracemalloc: Python's allocations,
measured in a run apart from the timings). Targets are printed beside the figures.

usage: .venv/bin/python bench/exports.py

Uses a throwaway SQLite database in a new folder under var/ (removed afterwards); with
DATABASE_URL set (such as PostgreSQL), Django's test database for it (`test_<name>`, made
and destroyed here), never the database itself. Not part of `make test`.
"""

import csv
import datetime as dt
import os
import random
import shutil
import sys
import tempfile
import time
import tracemalloc
import warnings
from collections.abc import Callable, Iterator
from decimal import Decimal
from functools import partial
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tests.settings")
(ROOT / "var").mkdir(exist_ok=True)
workdir = Path(tempfile.mkdtemp(prefix="bench-", dir=ROOT / "var"))
USE_GIVEN_DATABASE = bool(os.environ.get("DATABASE_URL"))
if not USE_GIVEN_DATABASE:
    os.environ["DATABASE_URL"] = f"sqlite:///{workdir / 'bench.sqlite3'}"

import django  # noqa: E402

django.setup()

from django.contrib.auth.models import Group, User  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402

from areas.models import AuthorityType, LocalAuthority, Region  # noqa: E402
from areas.services import register_load  # noqa: E402
from mash_survey.roles import PROJECT_STAFF  # noqa: E402
from surveys.models import (  # noqa: E402
    Answer,
    AnswerChoice,
    Choice,
    Question,
    QuestionKind,
    Response,
    ResponseStatus,
    Survey,
)

KINDS = [
    QuestionKind.YES_NO,
    QuestionKind.SINGLE_CHOICE,
    QuestionKind.MULTIPLE_CHOICE,
    QuestionKind.NUMBER,
    QuestionKind.DATE,
    QuestionKind.FREE_TEXT,
]
CHOICES: dict[str, list[str]] = {
    QuestionKind.YES_NO: ["Yes", "No"],
    QuestionKind.SINGLE_CHOICE: ["MASH", "Co-located team", "Other"],
    QuestionKind.MULTIPLE_CHOICE: ["Police", "Health", "Education", "Probation"],
}
WORDS = ["partners", "share", "information", "early,", "the", "police", '"front', 'door"']
TARGET_RATIO = 2.0
TARGET_MB_AT_2000 = 150
BATCH = 5000


def _areas(count: int) -> list[LocalAuthority]:
    """The register's areas, and made-up ones (unused DfE codes) up to `count`."""
    areas = list(LocalAuthority.objects.order_by("name"))
    used = {a.dfe_code for a in areas}
    region = Region.objects.order_by("code").first()
    assert region is not None
    free = (f"{n:03d}" for n in range(1000) if f"{n:03d}" not in used)
    extra = [
        LocalAuthority(
            gss_code=f"E06{900000 + n:06d}",
            dfe_code=next(free),
            name=f"Bench area {n:04d}",
            slug=f"bench-area-{n:04d}",
            type=AuthorityType.UNITARY,
            region=region,
        )
        for n in range(max(0, count - len(areas)))
    ]
    LocalAuthority.objects.bulk_create(extra)
    return list(LocalAuthority.objects.order_by("name"))[:count]


def make_survey(slug: str, areas: list[LocalAuthority], questions: int) -> Survey:
    """A survey with `questions` questions (every kind in turn), every area's return
    submitted with every question answered."""
    rng = random.Random(slug)
    survey = Survey.objects.create(
        title=slug, slug=slug, sent_on=dt.date(2012, 10, 15), closes_on=dt.date(2012, 11, 30)
    )
    made = Question.objects.bulk_create(
        Question(
            survey=survey,
            code=f"Q{n + 1}",
            text=f"Question {n + 1}?",
            kind=KINDS[n % len(KINDS)],
            required=False,
            order=n + 1,
        )
        for n in range(questions)
    )
    choices: dict[int, list[Choice]] = {}
    for question in made:
        values = CHOICES.get(question.kind, [])
        choices[question.pk] = Choice.objects.bulk_create(
            Choice(question=question, value=v, order=i) for i, v in enumerate(values)
        )
    now = dt.datetime(2012, 11, 1, tzinfo=dt.UTC)
    responses = Response.objects.bulk_create(
        Response(
            survey=survey, local_authority=a, status=ResponseStatus.SUBMITTED, submitted_at=now
        )
        for a in areas
    )

    def answer(response: Response, question: Question) -> tuple[Answer, list[Choice]]:
        kind = question.kind
        options = choices[question.pk]
        if kind == QuestionKind.MULTIPLE_CHOICE:
            return Answer(response=response, question=question), rng.sample(options, 2)
        if options:
            return Answer(response=response, question=question, choice=rng.choice(options)), []
        if kind == QuestionKind.NUMBER:
            number = Decimal(rng.randrange(0, 100000)) / 100
            return Answer(response=response, question=question, number=number), []
        if kind == QuestionKind.DATE:
            date = dt.date(2010, 1, 1) + dt.timedelta(days=rng.randrange(1000))
            return Answer(response=response, question=question, date=date), []
        text = " ".join(rng.choices(WORDS, k=rng.randrange(3, 15)))
        return Answer(response=response, question=question, text=text), []

    def pairs() -> Iterator[tuple[Answer, list[Choice]]]:
        for response in responses:
            for question in made:
                yield answer(response, question)

    batch: list[tuple[Answer, list[Choice]]] = []
    for pair in pairs():
        batch.append(pair)
        if len(batch) == BATCH:
            _write(batch)
            batch = []
    _write(batch)
    return survey


def _write(batch: list[tuple[Answer, list[Choice]]]) -> None:
    answers = Answer.objects.bulk_create(a for a, _ in batch)
    AnswerChoice.objects.bulk_create(
        AnswerChoice(answer=a, choice=c)
        for a, (_, ticked) in zip(answers, batch, strict=True)
        for c in ticked
    )


class _Echo:
    def write(self, value: str) -> str:
        return value


FLOOR_SQL = """
    SELECT r.id, q.code, c.value, a.number, a.date, a.text, tc.value
    FROM surveys_response r
    JOIN areas_localauthority la ON la.id = r.local_authority_id
    LEFT JOIN surveys_answer a ON a.response_id = r.id
    LEFT JOIN surveys_question q ON q.id = a.question_id
    LEFT JOIN surveys_choice c ON c.id = a.choice_id
    LEFT JOIN surveys_answerchoice ac ON ac.answer_id = a.id
    LEFT JOIN surveys_choice tc ON tc.id = ac.choice_id
    WHERE r.survey_id = %s
    ORDER BY la.name, r.id, a.id, tc."order"
"""


def floor(survey: Survey) -> int:
    """One SQL query over the returns' answers (the export's rows, in its order), each row
    written through csv.writer: bytes written."""
    writer = csv.writer(_Echo())
    written = 0
    with connection.cursor() as cursor:
        cursor.execute(FLOOR_SQL, [survey.pk])
        while rows := cursor.fetchmany(2000):
            for row in rows:
                written += len(writer.writerow(row).encode())
    return written


def export(client: Client, survey: Survey, fmt: str) -> int:
    response = client.get(f"/survey/{survey.slug}/returns.{fmt}")
    assert response.status_code == 200, response.status_code
    pieces: Iterator[bytes] = response.streaming_content  # type: ignore[attr-defined]
    return sum(len(piece) for piece in pieces)


def seconds(call: Callable[[], Any], repeat: int) -> float:
    """The fastest of `repeat` calls."""
    best = float("inf")
    for _ in range(repeat):
        start = time.perf_counter()
        call()
        best = min(best, time.perf_counter() - start)
    return best


def peak_mb(call: Callable[[], Any]) -> float:
    tracemalloc.start()
    try:
        call()
        return tracemalloc.get_traced_memory()[1] / 1e6
    finally:
        tracemalloc.stop()


def measure(label: str, client: Client, surveys: list[Survey], returns: int) -> float:
    def each(call: Callable[[Survey], Any]) -> Callable[[], None]:
        def run() -> None:
            for survey in surveys:
                call(survey)

        return run

    repeat = 3 if returns * Question.objects.filter(survey=surveys[0]).count() < 100_000 else 1
    csv_s = seconds(each(lambda s: export(client, s, "csv")), repeat)
    floor_s = seconds(each(floor), repeat)
    xlsx_s = seconds(each(lambda s: export(client, s, "xlsx")), 1)
    peak = max(peak_mb(partial(export, client, s, "csv")) for s in surveys)
    per = 1000 / returns
    print(
        f"  {label:<12} csv {csv_s * per:7.3f} ms  floor {floor_s * per:7.3f} ms  "
        f"ratio {csv_s / floor_s:5.2f}x (target <= {TARGET_RATIO:.0f}x)  "
        f"xlsx {xlsx_s * per:7.3f} ms  peak {peak:6.1f} MB"
    )
    return peak


def main() -> None:
    call_command("migrate", verbosity=0)
    register_load()
    staff = User.objects.create_user("bench-staff")
    staff.groups.add(Group.objects.get_or_create(name=PROJECT_STAFF)[0])
    client = Client()
    client.force_login(staff)

    started = time.perf_counter()
    register = _areas(152)
    small = make_survey("s-152x20", register, 20)
    thousand = _areas(1000)
    large = [make_survey(f"s-1000x20-{n}", thousand, 20) for n in range(15)]
    wide = make_survey("s-152x2000", register, 2000)
    print(f"Made the surveys in {time.perf_counter() - started:.0f} s")

    print("Returns export, per return (CSV and XLSX through the test client, stream read)")
    peaks = {
        "152x20": measure("152 x 20", client, [small], 152),
        "1000x20": measure("1,000 x 20", client, large[:1], 1000),
        "15000x20": measure("15,000 x 20", client, large, 15000),
        "152x2000": measure("152 x 2,000", client, [wide], 152),
    }
    print(
        f"  peak memory 152x20 -> 1,000x20 -> 15,000x20: {peaks['152x20']:.1f} -> "
        f"{peaks['1000x20']:.1f} -> {peaks['15000x20']:.1f} MB (target: flat); "
        f"152x2,000: {peaks['152x2000']:.1f} MB (target < {TARGET_MB_AT_2000} MB)"
    )

    print("Survey-responses API, a page of 500 returns of 20 questions")
    for fmt in ("json", "csv"):
        url = f"/api/v1/survey-responses/?survey={large[0].slug}&page_size=500&format={fmt}"
        page_s = seconds(partial(client.get, url), 3)
        print(f"  {fmt:<4} {page_s * 1000:8.1f} ms")


if __name__ == "__main__":
    warnings.filterwarnings("ignore", message="No directory at")
    test_database = None
    try:
        if USE_GIVEN_DATABASE:
            test_database = connection.creation.create_test_db(
                verbosity=0, autoclobber=True, serialize=False
            )
        main()
    finally:
        if test_database is not None:
            connection.creation.destroy_test_db(test_database, verbosity=0)
        shutil.rmtree(workdir, ignore_errors=True)
