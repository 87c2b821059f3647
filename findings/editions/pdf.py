"""An edition as one A4 PDF, from its snapshot, through the shared PDF piece
(`mash_survey.pdf.render_pdf`): tagged PDF/UA with bookmarks from the headings.

The PDF has a cover (title, date, summary and the caveat, saying when the content is
illustrative), a contents list with page numbers, each theme from a new page with its findings
(statement with its figures as vector SVG charts and tables, evidence counts, cleared quotes),
the case study summaries, the method and caveats, and an annex of the evidence base (the
excerpts cited by region and type of source, and the codebook). A running header carries the
title and the footer "Page N of M".

Rendering the same snapshot gives the same bytes: the PDF is dated from the edition's
`published_at` (a draft has no date), so freezing is reproducible.
"""

import re
from datetime import datetime
from pathlib import Path
from typing import Any

from django.conf import settings
from django.contrib.staticfiles import finders
from django.utils.dateformat import format as format_date
from django.utils.safestring import SafeString, mark_safe

from mash_survey.disclosure import Hidden
from mash_survey.pdf import render_pdf

from ..shortcodes import render_with_shortcodes
from .snapshot import ALL_REGIONS, Snapshot

TEMPLATE = "findings/editions/pdf.html"
STYLESHEET = "css/edition-print.css"
SVG_STYLESHEET = "css/edition-svg.css"
CONTENT_TYPE = "application/pdf"
FILE = "edition.pdf"
DRAFT = "Draft, not published"


def published_at(snapshot: Snapshot) -> datetime | None:
    """When the edition was published (None for a draft): an ISO 8601 string in the
    snapshot, or a datetime."""
    value = snapshot["edition"].get("published_at")
    if not value:
        return None
    return value if isinstance(value, datetime) else datetime.fromisoformat(value)


def render(snapshot: Snapshot, *, base_url: str) -> bytes:
    """The edition's PDF. `base_url` is the site's root URL ("https://…/"): links in the
    PDF (to each figure's page and API, to the case studies) are absolute."""
    edition = snapshot["edition"]
    return render_pdf(
        TEMPLATE,
        context(snapshot, base_url=base_url),
        base_url=base_url,
        title=edition["title"],
        subject=edition["summary"],
        illustrative=bool(edition["is_illustrative"]),
        stylesheets=[STYLESHEET],
        dated=published_at(snapshot),
    )


def files(snapshot: Snapshot, *, base_url: str) -> dict[str, tuple[bytes, str]]:
    """The PDF as the file freezing stores (`store.write`)."""
    return {FILE: (render(snapshot, base_url=base_url), CONTENT_TYPE)}


def context(snapshot: Snapshot, *, base_url: str) -> dict[str, Any]:
    """The template's context: the snapshot with its Markdown rendered (figures drawn from
    the frozen values; FigureError names a figure that cannot be drawn)."""
    edition = snapshot["edition"]
    slug = edition["slug"]

    svg_style = f"<style>{_static_text(SVG_STYLESHEET)}</style>"

    def markdown(text: str) -> SafeString:
        html = render_with_shortcodes(text, frozen=snapshot, edition=slug)
        # WeasyPrint styles an inline SVG (a chart, a map) only from a <style> inside it.
        return mark_safe(re.sub(r"(<svg\b[^>]*>)", r"\1" + svg_style, html))  # noqa: S308

    date = published_at(snapshot)
    return {
        "service_name": settings.SERVICE_NAME,
        "edition": edition,
        "date": format_date(date, "j F Y") if date else DRAFT,
        "is_draft": date is None,
        "introduction": markdown(edition["introduction"]),
        "method": markdown(edition["method"]),
        "caveats": markdown(edition["caveats"]),
        "areas_visited": snapshot["areas_visited"],
        "themes": [
            {
                **theme,
                "findings": [
                    {**finding, "statement_html": markdown(finding["statement"])}
                    for finding in theme["findings"]
                ],
            }
            for theme in snapshot["themes"]
        ],
        "case_studies": [
            {**study, "link": base_url.rstrip("/") + study["url"]}
            for study in snapshot["case_studies"]
        ],
        "codebook": snapshot["codebook"],
        **evidence_table(snapshot.get("evidence_base", [])),
    }


def _static_text(name: str) -> str:
    path = finders.find(name)
    if not isinstance(path, str):
        raise FileNotFoundError(f"No static file {name} for the PDF.")
    return Path(path).read_text()


def evidence_table(rows: list[dict[str, Any]]) -> dict[str, Any]:
    """The evidence base as a table: a column for each type of source (and all), a row for
    each region (and all regions), each cell its counts or why it is hidden."""
    columns: list[str] = []
    table: dict[str, list[str]] = {}
    for row in rows:
        if row["source"] not in columns:
            columns.append(row["source"])
        if row["hidden"]:
            cell = Hidden(row["hidden"]).short()
        elif not row["excerpts"]:
            cell = "0"
        else:
            cell = f"{row['excerpts']} ({row['areas']} area{'' if row['areas'] == 1 else 's'})"
        table.setdefault(row["region"], []).append(cell)
    return {
        "evidence_columns": columns,
        "evidence_rows": list(table.items()),
        "evidence_all_regions": ALL_REGIONS,
        "evidence_hides": any(row["hidden"] for row in rows),
    }
