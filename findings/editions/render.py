"""The HTML of an edition's pages, from its snapshot alone (never from the live records), so
rendering the same snapshot twice gives the same bytes: what a draft's preview shows is what
publishing stores.

- `text(snapshot, field)`: one of the edition's Markdown texts (introduction, method,
  caveats) with its figures drawn from the snapshot's frozen values; `markdown(snapshot,
  source)` does the same for any text of the snapshot (a finding's statement).
- `files(snapshot)`: `snapshot.json` and the page fragments (the content inside `<main>`):
  `pages/index.html` (the whole report) and `pages/themes/<theme>.html` (each theme on a page
  of its own). The page around a fragment (banners, dates, updates, downloads) is drawn live
  by `findings/views/editions.py`.

An unknown shortcode or a figure that failed to compute raises `FigureError`: the checklist
reports it and the preview shows it to staff.
"""

import json
from typing import Any

from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.safestring import SafeString

from ..shortcodes import render_with_shortcodes
from .snapshot import Snapshot

HTML = "text/html; charset=utf-8"
JSON = "application/json"
SNAPSHOT = "snapshot.json"
INDEX = "pages/index.html"
TEXTS = ("introduction", "method", "caveats")


def theme_path(slug: str) -> str:
    """The stored path of a theme's page."""
    return f"pages/themes/{slug}.html"


def markdown(snapshot: Snapshot, source: str) -> SafeString:
    """Markdown of the edition with its shortcodes drawn from the snapshot's figures."""
    return render_with_shortcodes(source, frozen=snapshot, edition=snapshot["edition"]["slug"])


def text(snapshot: Snapshot, field: str) -> SafeString:
    """The edition's Markdown `field` (introduction, method or caveats) as HTML."""
    return markdown(snapshot, snapshot["edition"][field])


def snapshot_json(snapshot: Snapshot) -> bytes:
    return (json.dumps(snapshot, sort_keys=True, indent=2) + "\n").encode()


def context(snapshot: Snapshot) -> dict[str, Any]:
    """What the fragments' templates read: the snapshot with its texts rendered."""
    themes = [
        {
            **theme,
            "findings": [
                {**finding, "statement_html": markdown(snapshot, finding["statement"])}
                for finding in theme["findings"]
            ],
        }
        for theme in snapshot["themes"]
    ]
    return {
        "edition": snapshot["edition"],
        "areas_visited": snapshot["areas_visited"],
        "themes": themes,
        "case_studies": snapshot["case_studies"],
        # Where the counts each finding prints come from: how, and the frozen values.
        "counts_api_url": reverse(
            "api:report-findings", kwargs={"slug": snapshot["edition"]["slug"]}
        ),
        **{field: text(snapshot, field) for field in TEXTS},
    }


def files(snapshot: Snapshot) -> dict[str, tuple[bytes, str]]:
    """The snapshot and the pages' fragments as {path: (bytes, content type)}."""
    shared = context(snapshot)
    rendered = {
        SNAPSHOT: (snapshot_json(snapshot), JSON),
        INDEX: (render_to_string("findings/editions/_index.html", shared).encode(), HTML),
    }
    for theme in shared["themes"]:
        page = render_to_string("findings/editions/_theme_page.html", {**shared, "theme": theme})
        rendered[theme_path(theme["slug"])] = (page.encode(), HTML)
    return rendered
