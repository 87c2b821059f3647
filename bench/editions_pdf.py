"""Benchmark: an edition's PDF. Prints side by side in one run:

- rendering: WeasyPrint's raw render of the edition's HTML (`HTML(string).write_pdf()`, with
  the same print stylesheet) against the project's `render_pdf` (tagged PDF/UA, metadata,
  the service as producer), and the project's render untagged, to show what tagging costs;
- serving: the stored PDF of a published edition through its view (ETag, conditional)
  against a static file of similar size through WhiteNoise, both with Django's test client,
  and a repeated request with the ETag (304).

usage: .venv/bin/python bench/editions_pdf.py

Uses a throwaway SQLite database and media folder under var/, with the register and the demo
data, never the development ones.
"""

import logging
import os
import shutil
import sys
import tempfile
import time
import warnings
from collections.abc import Callable
from datetime import UTC, datetime
from functools import partial
from pathlib import Path
from statistics import median
from typing import TypeVar

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tests.settings")
workdir = Path(tempfile.mkdtemp(prefix="bench-", dir=ROOT / "var"))
os.environ["DATABASE_URL"] = f"sqlite:///{workdir / 'bench.sqlite3'}"
os.environ["MEDIA_ROOT"] = str(workdir / "media")

import django  # noqa: E402

django.setup()

from django.contrib.staticfiles import finders  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.template.loader import render_to_string  # noqa: E402
from django.test import Client, override_settings  # noqa: E402

from areas.services import register_load  # noqa: E402
from case_studies.models import CaseStudy, CaseStudyStatus  # noqa: E402
from findings.editions import pdf, snapshot, store  # noqa: E402
from findings.models import (  # noqa: E402
    EditionCaseStudy,
    EditionFinding,
    EditionStatus,
    EditionTheme,
    Finding,
    FindingStatus,
    ReportEdition,
)
from mash_survey.pdf import render_pdf  # noqa: E402

BASE_URL = "http://testserver/"
PUBLISHED = datetime(2026, 3, 2, 9, 30, tzinfo=UTC)
STATIC_FILE = "build/application.css"
T = TypeVar("T")


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


def demo_edition() -> ReportEdition:
    """The demo themes, agreed findings and published case studies as one edition."""
    edition = ReportEdition.objects.create(
        slug="bench-early-findings",
        summary="What the areas visited told us (illustrative).",
        introduction="{{ number visits-by-region }} visits.\n\n{{ figure visits-by-region }}\n",
        method="{{ figure models-seen }}\n\n{{ figure evidence-by-theme }}\n",
        caveats="These are the views of the areas visited.",
        is_illustrative=True,
    )
    findings = Finding.objects.filter(status=FindingStatus.AGREED).order_by(
        "theme__order", "theme__name", "order", "pk"
    )
    themes = list(dict.fromkeys(finding.theme for finding in findings))
    EditionTheme.objects.bulk_create(
        EditionTheme(edition=edition, theme=theme, order=i) for i, theme in enumerate(themes)
    )
    EditionFinding.objects.bulk_create(
        EditionFinding(edition=edition, finding=f, order=i) for i, f in enumerate(findings)
    )
    EditionCaseStudy.objects.bulk_create(
        EditionCaseStudy(edition=edition, case_study=study, order=i)
        for i, study in enumerate(CaseStudy.objects.filter(status=CaseStudyStatus.PUBLISHED))
    )
    return edition


def main() -> None:
    logging.getLogger("weasyprint").setLevel(logging.WARNING)
    call_command("migrate", verbosity=0)
    register_load()
    call_command("load_demo_data", verbosity=0, stdout=open(os.devnull, "w"))  # noqa: SIM115
    edition = demo_edition()
    data = snapshot.build(edition)
    data["edition"]["published_at"] = PUBLISHED.isoformat()

    from weasyprint import CSS, HTML

    html = render_to_string(pdf.TEMPLATE, pdf.context(data, base_url=BASE_URL))
    stylesheet = finders.find(pdf.STYLESHEET)

    def raw() -> bytes:
        content: bytes = HTML(string=html, base_url=BASE_URL).write_pdf(
            stylesheets=[CSS(filename=stylesheet)]
        )
        return content

    def untagged() -> bytes:
        return render_pdf(
            pdf.TEMPLATE,
            pdf.context(data, base_url=BASE_URL),
            base_url=BASE_URL,
            title=data["edition"]["title"],
            illustrative=True,
            stylesheets=[pdf.STYLESHEET],
            tagged=False,
        )

    project = partial(pdf.render, data, base_url=BASE_URL)
    themes = len(data["themes"])
    findings = sum(len(theme["findings"]) for theme in data["themes"])
    print(f"Rendering the demo edition's PDF ({themes} themes, {findings} findings; median of 3)")
    for name, call in (
        ("WeasyPrint raw render of the same HTML", raw),
        ("project render_pdf, untagged", untagged),
        ("project render_pdf (tagged PDF/UA)", project),
    ):
        seconds, content = timed(call, repeat=3)
        print(f"  {name:<42} {seconds * 1000:8.0f} ms  {len(content) / 1024:7.1f} KiB")
    print(f"  same bytes on a second render: {project() == project()}")

    store.write(edition, pdf.files(data, base_url=BASE_URL), at=PUBLISHED)
    ReportEdition.objects.filter(pk=edition.pk).update(
        status=EditionStatus.PUBLISHED, published_at=PUBLISHED
    )
    with override_settings(WHITENOISE_USE_FINDERS=True):
        client = Client()
        pdf_url = f"/findings/{edition.slug}.pdf"
        static_url = f"/static/{STATIC_FILE}"
        etag = client.get(pdf_url)["ETag"]
        print("Serving (median of 50, test client, whole body read)")
        for name, url, headers in (
            ("stored edition PDF through its view", pdf_url, {}),
            ("the same with If-None-Match (304)", pdf_url, {"if-none-match": etag}),
            (f"static {STATIC_FILE} (WhiteNoise)", static_url, {}),
        ):
            seconds, (status, body) = timed(partial(fetch, client, url, headers), repeat=50)
            print(f"  {name:<42} {seconds * 1000:8.2f} ms  {len(body) / 1024:7.1f} KiB  {status}")


if __name__ == "__main__":
    warnings.filterwarnings("ignore", message="No directory at")
    try:
        main()
    finally:
        shutil.rmtree(workdir, ignore_errors=True)
