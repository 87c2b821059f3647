"""Benchmark: the report's editions. Prints side by side in one run, on the demo data and its
published "Early findings" edition (the latest one, the amendment):

- publishing: `freeze` of a fresh draft copy of the demo edition (its texts, themes, findings
  and case studies), step by step, with the files and bytes it stores. Each repeat runs in a
  transaction rolled back afterwards, so every repeat publishes on the same data and the demo
  edition stays the latest (the only thing not timed is SQLite's final commit);
- serving a page: the stored edition page `/findings/<slug>/` (and a theme's page) for an
  anonymous reader, and a repeated request with its ETag (304), against the floor: a view
  returning a constant small response through the same middleware, and `/healthz`;
- serving the PDF: the stored PDF through its view (ETag, conditional), and its 304, against
  a static file of similar size through WhiteNoise;
- rendering: WeasyPrint's raw render of the edition's HTML (`HTML(string).write_pdf()`, with
  the same print stylesheet) against the project's `render_pdf` (tagged PDF/UA, metadata, the
  service as producer), and the project's render untagged, to show what tagging costs; all
  from the snapshot stored when the demo edition was published.

Serving uses Django's test client (the whole middleware stack, no network), so the times are
the application's own; a real server adds the same overhead to every row.

usage: .venv/bin/python bench/editions.py   (or `make bench`)

Uses a throwaway SQLite database and media folder under var/, with the register and the demo
data, never the development ones. Not part of `make test`.
"""

import json
import logging
import os
import shutil
import sys
import tempfile
import time
import warnings
from collections.abc import Callable
from functools import partial
from pathlib import Path
from statistics import median
from typing import TypeVar

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tests.settings")
(ROOT / "var").mkdir(exist_ok=True)
workdir = Path(tempfile.mkdtemp(prefix="bench-", dir=ROOT / "var"))
os.environ["DATABASE_URL"] = f"sqlite:///{workdir / 'bench.sqlite3'}"
os.environ["MEDIA_ROOT"] = str(workdir / "media")

import django  # noqa: E402

django.setup()

from django.conf import settings  # noqa: E402
from django.contrib.staticfiles import finders  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db import connection, transaction  # noqa: E402
from django.http import HttpRequest, HttpResponse  # noqa: E402
from django.template.loader import render_to_string  # noqa: E402
from django.test import Client, override_settings  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402
from django.urls import path  # noqa: E402

from areas.services import register_load  # noqa: E402
from findings.editions import freeze, pdf, render, services, store  # noqa: E402
from findings.models import (  # noqa: E402
    EditionCaseStudy,
    EditionFile,
    EditionFinding,
    EditionStatus,
    EditionTheme,
    ReportEdition,
)
from mash_survey import urls as project_urls  # noqa: E402
from mash_survey.pdf import render_pdf  # noqa: E402

STATIC_FILE = "build/application.css"
PUBLISH_REPEATS = 3
RENDER_REPEATS = 3
SERVE_REPEATS = 100
T = TypeVar("T")


# ----- The floor: the project's URLs with one view that does nothing -------------------------


def floor(request: HttpRequest) -> HttpResponse:
    """The least a response can cost here: constant bytes through the same middleware."""
    return HttpResponse(b"ok\n", content_type="text/plain; charset=utf-8")


FLOOR_URL = "/bench-floor/"
urlpatterns = [path(FLOOR_URL.strip("/") + "/", floor), *project_urls.urlpatterns]
handler403 = project_urls.handler403
handler404 = project_urls.handler404
handler500 = project_urls.handler500


# ----- Measuring --------------------------------------------------------------------------


def timed(call: Callable[[], T], repeat: int) -> tuple[float, T]:
    """Median seconds of `repeat` calls, and what the last one returned."""
    samples = []
    for _ in range(repeat):
        start = time.perf_counter()
        result = call()
        samples.append(time.perf_counter() - start)
    return median(samples), result


def fetch(client: Client, url: str, headers: dict[str, str]) -> tuple[int, bytes]:
    """GET `url` and read the whole body (a static file is streamed)."""
    response = client.get(url, headers=headers)
    body = b"".join(response.streaming_content) if response.streaming else response.content  # type: ignore[attr-defined]
    return response.status_code, body


def queries(call: Callable[[], object]) -> int:
    """How many database queries one call makes."""
    with CaptureQueriesContext(connection) as captured:
        call()
    return len(captured)


def kib(size: int) -> str:
    return f"{size / 1024:8.1f} KiB"


# ----- Publishing -------------------------------------------------------------------------


def draft_copy(demo: ReportEdition, number: int) -> ReportEdition:
    """A fresh draft with the demo edition's texts, themes, findings and case studies in the
    same order, made through the editions' services by the demo edition's author."""
    author = demo.created_by
    assert author is not None
    draft = services.create_draft(
        user=author,
        slug=f"bench-publish-{number}",
        title=demo.title,
        summary=demo.summary,
        introduction=demo.introduction,
        method=demo.method,
        caveats=demo.caveats,
        is_illustrative=True,
    )
    return services.update(
        edition=draft,
        user=author,
        seen_version=draft.version,
        title=draft.title,
        slug=draft.slug,
        summary=draft.summary,
        introduction=draft.introduction,
        method=draft.method,
        caveats=draft.caveats,
        themes=[
            row.theme for row in EditionTheme.objects.filter(edition=demo).select_related("theme")
        ],
        findings=[
            row.finding
            for row in EditionFinding.objects.filter(edition=demo).select_related("finding")
        ],
        case_studies=[row.case_study for row in EditionCaseStudy.objects.filter(edition=demo)],
    )


def publish_once(demo: ReportEdition, number: int) -> tuple[list[tuple[str, float]], float, dict]:
    """Freeze a draft copy of `demo`, then roll everything back: the seconds of each step
    (named by freeze's progress messages), the total, and {path: size} of what it stored."""
    reviewer = demo.published_by
    assert reviewer is not None
    with transaction.atomic():
        draft = draft_copy(demo, number)
        marks: list[tuple[str, float]] = []
        start = time.perf_counter()
        published = freeze.freeze(
            draft,
            published_by=reviewer,
            progress=lambda message: marks.append((message, time.perf_counter())),
        )
        end = time.perf_counter()
        assert published.status == EditionStatus.PUBLISHED
        sizes = dict(EditionFile.objects.filter(edition=published).values_list("path", "size"))
        transaction.set_rollback(True)
    ends = [at for _, at in marks[1:]] + [end]
    steps = [(message, finish - at) for (message, at), finish in zip(marks, ends, strict=True)]
    steps[0] = (steps[0][0], ends[0] - start)  # from the call, not the first message
    return steps, end - start, sizes


def publishing(demo: ReportEdition) -> None:
    runs = [publish_once(demo, number) for number in range(1, PUBLISH_REPEATS + 1)]
    totals = [total for _, total, _ in runs]
    total = median(totals)
    themes = EditionTheme.objects.filter(edition=demo).count()
    findings = EditionFinding.objects.filter(edition=demo).count()
    studies = EditionCaseStudy.objects.filter(edition=demo).count()
    print(
        f"Publishing the demo edition: freeze of a draft copy ({themes} themes, {findings} "
        f"findings, {studies} case studies; median of {PUBLISH_REPEATS})"
    )
    for i, (message, _) in enumerate(runs[0][0]):
        seconds = median(steps[i][1] for steps, _, _ in runs)
        print(f"  {message:<44} {seconds:8.2f} s   {seconds / total:6.0%} of the whole")
    print(
        f"  {'the whole freeze':<44} {total:8.2f} s   "
        f"(fastest {min(totals):.2f} s, slowest {max(totals):.2f} s)"
    )
    sizes = runs[-1][2]
    pages = {p: s for p, s in sizes.items() if p.startswith("pages/")}
    print(f"  stored {len(sizes)} files, {kib(sum(sizes.values())).strip()}:")
    for label, size in (
        (f"{len(pages)} page fragments (pages/)", sum(pages.values())),
        (render.SNAPSHOT, sizes.get(render.SNAPSHOT, 0)),
        (pdf.FILE, sizes.get(pdf.FILE, 0)),
        ("data.zip", sizes.get("data.zip", 0)),
        (store.MANIFEST, sizes.get(store.MANIFEST, 0)),
    ):
        print(f"    {label:<42} {kib(size)}")


# ----- Serving ----------------------------------------------------------------------------


def serving(rows: list[tuple[str, str, dict[str, str]]], baseline: str) -> None:
    """Time each (name, url, headers) with the test client; ratios against `baseline`."""
    client = Client()
    measured = []
    for name, url, headers in rows:
        count = queries(partial(fetch, client, url, headers))
        seconds, (status, body) = timed(partial(fetch, client, url, headers), SERVE_REPEATS)
        measured.append((name, seconds, len(body), status, count))
    base = next(seconds for name, seconds, *_ in measured if name == baseline)
    print(f"  {'':<44} {'median':>9} {'body':>12} {'status':>6} {'queries':>7} {'ratio':>7}")
    for name, seconds, size, status, count in measured:
        print(
            f"  {name:<44} {seconds * 1000:6.2f} ms {kib(size)} {status:>6} {count:>7} "
            f"{seconds / base:6.1f}x"
        )


def serving_pages(demo: ReportEdition) -> None:
    page = f"/findings/{demo.slug}/"
    theme = EditionTheme.objects.filter(edition=demo).select_related("theme").first()
    assert theme is not None
    theme_page = f"{page}{theme.theme.slug}/"
    with override_settings(ROOT_URLCONF=__name__):
        client = Client()
        response = client.get(page)
        assert response.status_code == 200, response.status_code
        etag = response["ETag"]
        print(
            f"Serving the stored edition page {page} against the floor view (anonymous, "
            f"median of {SERVE_REPEATS}, test client)"
        )
        serving(
            [
                ("floor: constant response, same middleware", FLOOR_URL, {}),
                ("/healthz (one SELECT 1, JSON)", "/healthz", {}),
                ("stored edition page /findings/<slug>/", page, {}),
                ("the same with If-None-Match (304)", page, {"if-none-match": etag}),
                ("stored theme page …/<theme>/", theme_page, {}),
            ],
            baseline="floor: constant response, same middleware",
        )


def serving_pdf(demo: ReportEdition) -> None:
    pdf_url = f"/findings/{demo.slug}.pdf"
    static_url = f"/static/{STATIC_FILE}"
    static_name = f"static {STATIC_FILE} (WhiteNoise)"
    with override_settings(WHITENOISE_USE_FINDERS=True):
        etag = Client().get(pdf_url)["ETag"]
        print(
            f"Serving the stored PDF against a static file (median of {SERVE_REPEATS}, "
            "test client, whole body read)"
        )
        serving(
            [
                (static_name, static_url, {}),
                ("stored edition PDF through its view", pdf_url, {}),
                ("the same with If-None-Match (304)", pdf_url, {"if-none-match": etag}),
            ],
            baseline=static_name,
        )


# ----- Rendering the PDF ------------------------------------------------------------------


def rendering(demo: ReportEdition) -> None:
    """Render the PDF from the snapshot stored when `demo` was published, three ways."""
    data = json.loads(store.read(store.stored(demo, render.SNAPSHOT)))
    base_url = settings.SITE_URL
    illustrative = bool(data["edition"]["is_illustrative"])
    html = render_to_string(
        pdf.TEMPLATE, {**pdf.context(data, base_url=base_url), "pdf_illustrative": illustrative}
    )
    stylesheet = finders.find(pdf.STYLESHEET)

    from weasyprint import CSS, HTML

    def raw() -> bytes:
        content: bytes = HTML(string=html, base_url=base_url).write_pdf(
            stylesheets=[CSS(filename=stylesheet)]
        )
        return content

    def untagged() -> bytes:
        return render_pdf(
            pdf.TEMPLATE,
            pdf.context(data, base_url=base_url),
            base_url=base_url,
            title=data["edition"]["title"],
            illustrative=illustrative,
            stylesheets=[pdf.STYLESHEET],
            tagged=False,
        )

    project = partial(pdf.render, data, base_url=base_url)
    themes = len(data["themes"])
    findings = sum(len(theme["findings"]) for theme in data["themes"])
    print(
        f"Rendering the demo edition's PDF from its stored snapshot ({themes} themes, "
        f"{findings} findings; median of {RENDER_REPEATS} after one to warm up)"
    )
    calls: list[tuple[str, Callable[[], bytes]]] = [
        ("WeasyPrint raw render of the same HTML", raw),
        ("project render_pdf, untagged", untagged),
        ("project render_pdf (tagged PDF/UA)", project),
    ]
    # One round to warm up, then the three in turn each round, so drift hits them alike.
    samples: list[list[float]] = [[] for _ in calls]
    contents = [call() for _, call in calls]
    for _ in range(RENDER_REPEATS):
        for i, (_, call) in enumerate(calls):
            seconds, contents[i] = timed(call, 1)
            samples[i].append(seconds)
    measured = [
        (name, median(taken), content)
        for (name, _), taken, content in zip(calls, samples, contents, strict=True)
    ]
    base = measured[0][1]
    print(f"  {'':<44} {'median':>9} {'PDF':>12} {'ratio':>7}")
    for name, seconds, content in measured:
        print(f"  {name:<44} {seconds * 1000:6.0f} ms {kib(len(content))} {seconds / base:6.2f}x")
    stored = store.read(store.stored(demo, pdf.FILE))
    print(
        f"  the project's render is byte-identical to the stored PDF: {measured[-1][2] == stored}"
    )


def main() -> None:
    logging.getLogger("weasyprint").setLevel(logging.WARNING)
    start = time.perf_counter()
    call_command("migrate", verbosity=0)
    register_load()
    call_command("load_demo_data", verbosity=0, stdout=open(os.devnull, "w"))  # noqa: SIM115
    demo = ReportEdition.objects.get(is_illustrative=True, status=EditionStatus.PUBLISHED)
    print(
        f"Set-up: migrate, the register and the demo data with its two published editions, "
        f"{time.perf_counter() - start:.1f} s; the demo edition is /findings/{demo.slug}/"
    )
    print()
    publishing(demo)
    print()
    serving_pages(demo)
    print()
    serving_pdf(demo)
    print()
    rendering(demo)


if __name__ == "__main__":
    warnings.filterwarnings("ignore", message="No directory at")
    try:
        main()
    finally:
        shutil.rmtree(workdir, ignore_errors=True)
