"""The open data release of a published edition, from its snapshot: `data.zip`, CSV files
described by a Frictionless `datapackage.json` and listed with their SHA-256 in
`manifest.json` (the same format as the edition's own manifest).

- `figures.csv`: one row per figure (its key, title, unit, source, how it is calculated,
  base, headline number and sentence) and `figures/<key>.csv`: each figure's table, a row
  per label with one column per value, empty where not shown and why in `hidden`. Both come
  from `snapshot.figure_data`, what the figures API returns, so `/api/v1/figures/<key>/
  ?edition=<slug>` gives every number in them.
- `findings.csv`: each finding the edition includes, in order, with its evidence counts.
- `codebook.csv`: the themes of the codebook; `register.csv`: the local authorities with
  their ONS and DfE codes and region.

The same snapshot always gives the same bytes: entries in name order, each dated with the
edition's publication (or 1980-01-01), so the zip's SHA-256 proves it.

`dataset_jsonld()` describes the release as a schema.org `Dataset` for the edition's page
(`templates/findings/editions/_jsonld.html`).
"""

import datetime as dt
import io
import json
import re
import zipfile
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.http import HttpRequest
from django.urls import reverse
from django.utils.safestring import SafeString, mark_safe

from mash_survey.spreadsheets import Cell, write_csv

from ..models import EditionFile, ReportEdition
from . import store
from .snapshot import Snapshot

ZIP = "data.zip"
ZIP_CONTENT_TYPE = "application/zip"
PDF_CONTENT_TYPE = "application/pdf"
LICENCE = {
    "name": "OGL-UK-3.0",
    "title": "Open Government Licence v3.0",
    "path": "https://www.nationalarchives.gov.uk/doc/open-government-licence/version/3/",
}
CAVEAT = (
    "The findings are the views of the areas visited, not externally evaluated or validated; "
    "no model is endorsed; read them alongside statutory guidance."
)
ILLUSTRATIVE = "Illustrative data, made up to show how the service works: not the project's data."
HIDDEN_CODES = {
    "few_areas": "fewer areas than the disclosure threshold",
    "protects": "hidden so that a figure for too few areas cannot be worked out from it",
}
EARLIEST = (1980, 1, 1, 0, 0, 0)  # the earliest date a zip entry can carry


@dataclass(frozen=True)
class Column:
    name: str
    title: str
    type: str  # Table Schema: integer, number or string
    description: str


@dataclass(frozen=True)
class Table:
    """One CSV file of the release and its description."""

    path: str
    name: str
    title: str
    description: str
    columns: Sequence[Column]
    rows: Sequence[Sequence[Any]]

    def csv(self) -> bytes:
        return write_csv([[c.name for c in self.columns], *map(_cells, self.rows)])


def files(snapshot: Snapshot) -> dict[str, tuple[bytes, str]]:
    """The data release as {path: (bytes, content type)} for freezing."""
    return {ZIP: (release(snapshot), ZIP_CONTENT_TYPE)}


def release(snapshot: Snapshot) -> bytes:
    """The zip: every table as CSV, `datapackage.json` and `manifest.json`; byte-identical
    for the same snapshot."""
    tables = build_tables(snapshot)
    contents = {table.path: (table.csv(), "text/csv") for table in tables}
    package = datapackage(snapshot, tables, contents)
    contents["datapackage.json"] = (_json(package), "application/json")
    contents[store.MANIFEST] = (store.manifest(contents), "application/json")
    stamp = _zip_date(snapshot.get("published_at"))
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for path in sorted(contents):
            info = zipfile.ZipInfo(path, date_time=stamp)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.create_system = 3  # Unix, wherever it is built
            info.external_attr = 0o644 << 16
            archive.writestr(info, contents[path][0], compresslevel=9)
    return buffer.getvalue()


# ----- The tables ------------------------------------------------------------------------


def build_tables(snapshot: Snapshot) -> list[Table]:
    """Every CSV file of the release, in the order the data package lists them: the figures
    by key, whatever order the snapshot's JSON has them in."""
    figures = [snapshot["figures"][key] for key in sorted(snapshot["figures"])]
    return [
        _figure_index(figures),
        *(_figure_table(figure) for figure in figures),
        _findings(snapshot),
        _codebook(snapshot),
        _register(snapshot),
    ]


def figure_path(key: str) -> str:
    """A figure's file in the release: `question:Q3` is `figures/question-q3.csv`."""
    return f"figures/{_resource_name(key)}.csv"


def _figure_index(figures: Sequence[dict[str, Any]]) -> Table:
    return Table(
        path="figures.csv",
        name="figures",
        title="Figures",
        description="Every figure in the report: what it counts, how it is calculated, "
        "what it is out of, its headline number and the file holding its values.",
        columns=[
            Column("key", "Key", "string", "The figure's key, as in the API."),
            Column("title", "Title", "string", "The figure's title."),
            Column("unit", "Unit", "string", "What the values count."),
            Column("source", "Source", "string", "Where the data comes from."),
            Column("description", "How it is calculated", "string", "How it is calculated."),
            Column("base", "Base", "integer", "What the figure is out of (empty if nothing)."),
            Column("base_label", "Base label", "string", "What the base counts."),
            Column(
                "headline",
                "Headline number",
                "number",
                "The figure's one number, where it has one (empty if not).",
            ),
            Column("text", "Text", "string", "The figure in one sentence."),
            Column("path", "File", "string", "The file of the figure's values in this release."),
        ],
        rows=[
            [
                figure["key"],
                figure["title"],
                figure["unit"],
                figure["source"],
                figure["description"],
                figure["base"],
                figure["base_label"],
                figure["headline"] if figure["headline_text"] is not None else None,
                figure["text"],
                figure_path(figure["key"]),
            ]
            for figure in figures
        ],
    )


def _figure_table(figure: dict[str, Any]) -> Table:
    value_columns = []
    taken = {"label", "key", "hidden"}
    for i, heading in enumerate(figure["columns"]):
        values = [row["values"][i] for row in figure["rows"] if row["values"][i] is not None]
        whole = all(isinstance(v, int) for v in values)
        percent = figure["percent"] and i == figure["chart_column"]
        value_columns.append(
            Column(
                _unique(_field_name(heading), taken),
                heading,
                "integer" if whole and not percent else "number",
                f"The row's “{heading}”{' (a percentage)' if percent else ''}; empty when the "
                "row is not shown.",
            )
        )
    reasons = "; ".join(f"“{code}”: {why}" for code, why in HIDDEN_CODES.items())
    return Table(
        path=figure_path(figure["key"]),
        name=f"figure-{_resource_name(figure['key'])}",
        title=figure["title"],
        description=f"{figure['description']} Source: {figure['source'].rstrip('.')}. "
        f"{figure['text']}",
        columns=[
            Column("label", "Label", "string", "What the row counts."),
            Column(
                "key",
                "Key",
                "string",
                "A region's ONS code, a model seen or a theme's slug, or empty.",
            ),
            *value_columns,
            Column(
                "hidden",
                "Not shown",
                "string",
                f"Why the row's values are not shown, or empty when they are: {reasons}.",
            ),
        ],
        rows=[[row["label"], row["key"], *row["values"], row["hidden"]] for row in figure["rows"]],
    )


COUNT_COLUMNS = (
    ("excerpt_count", "Excerpts", "How many coded excerpts it cites."),
    ("visit_count", "Visits", "How many distinct visits those excerpts come from."),
    ("area_count", "Areas", "How many distinct local authorities they come from."),
    ("visited_area_count", "Areas visited", "How many of those areas were visited."),
    ("region_count", "Regions", "How many distinct regions they come from."),
)


def _findings(snapshot: Snapshot) -> Table:
    return Table(
        path="findings.csv",
        name="findings",
        title="Findings",
        description="Each finding in the report, theme by theme in the report's order, with "
        "the evidence it rests on. " + CAVEAT,
        columns=[
            Column("theme", "Theme", "string", "The slug of the finding's theme."),
            Column("theme_name", "Theme name", "string", "The theme's name."),
            Column("finding_id", "Finding", "integer", "The finding's number, as in the API."),
            Column("headline", "Headline", "string", "The finding in one sentence."),
            Column("statement", "Statement", "string", "The finding, in Markdown."),
            *(Column(name, title, "integer", why) for name, title, why in COUNT_COLUMNS),
            Column("quote_count", "Quotes", "integer", "How many quotes the report prints."),
        ],
        rows=[
            [
                theme["slug"],
                theme["name"],
                finding["id"],
                finding["headline"],
                finding["statement"],
                *(finding[name] for name, _, _ in COUNT_COLUMNS),
                len(finding["quotes"]),
            ]
            for theme in snapshot["themes"]
            for finding in theme["findings"]
        ],
    )


def _codebook(snapshot: Snapshot) -> Table:
    return Table(
        path="codebook.csv",
        name="codebook",
        title="Codebook",
        description="The themes the evidence was coded to, in the codebook's order.",
        columns=[
            Column("slug", "Theme", "string", "The theme's slug."),
            Column("name", "Name", "string", "The theme's name."),
            Column("parent", "Sub-theme of", "string", "The main theme's name, or empty."),
            Column("definition", "Definition", "string", "What belongs in the theme."),
        ],
        rows=[
            [theme["slug"], theme["name"], theme["parent"], theme["definition"]]
            for theme in snapshot["codebook"]
        ],
    )


def _register(snapshot: Snapshot) -> Table:
    return Table(
        path="register.csv",
        name="register",
        title="Local authorities",
        description="The upper-tier local authorities with children's services "
        "responsibility in 2013, with their codes and region.",
        columns=[
            Column("ons_code", "ONS code", "string", "The authority's ONS (GSS) code."),
            Column("dfe_code", "DfE code", "string", "The DfE local authority code."),
            Column("name", "Name", "string", "The authority's name."),
            Column("type", "Type", "string", "The kind of authority."),
            Column("region", "Region", "string", "The region's name."),
            Column("region_code", "Region ONS code", "string", "The region's ONS code."),
        ],
        rows=[
            [a["ons_code"], a["dfe_code"], a["name"], a["type"], a["region"], a["region_code"]]
            for a in snapshot.get("register", [])
        ],
    )


# ----- The description -------------------------------------------------------------------


def datapackage(
    snapshot: Snapshot, tables: Sequence[Table], contents: store.Files
) -> dict[str, Any]:
    """The Frictionless data package describing every file and column."""
    edition = snapshot["edition"]
    description = [edition["summary"], CAVEAT]
    if edition["is_illustrative"]:
        description.insert(0, ILLUSTRATIVE)
    package: dict[str, Any] = {
        "profile": "tabular-data-package",
        "name": f"{_resource_name(edition['slug'])}-open-data",
        "title": f"{edition['title']} ({edition['slug']}): open data",
        "description": " ".join(description),
        "licenses": [LICENCE],
        "contributors": [{"title": settings.SERVICE_NAME, "role": "publisher"}],
        "keywords": ["multi-agency safeguarding hubs", "information sharing", "children"],
    }
    if snapshot.get("published_at"):
        package["created"] = snapshot["published_at"]
    package["resources"] = [
        {
            "profile": "tabular-data-resource",
            "name": table.name,
            "path": table.path,
            "title": table.title,
            "description": table.description,
            "format": "csv",
            "mediatype": "text/csv",
            "encoding": "utf-8",
            "bytes": len(contents[table.path][0]),
            "hash": "sha256:" + store.sha256(contents[table.path][0]),
            "schema": {
                "fields": [
                    {
                        "name": c.name,
                        "type": c.type,
                        "title": c.title,
                        "description": c.description,
                    }
                    for c in table.columns
                ],
                "missingValues": [""],
            },
        }
        for table in tables
    ]
    return package


# ----- schema.org ------------------------------------------------------------------------


def dataset_jsonld(
    edition: ReportEdition,
    request: HttpRequest | str,
    *,
    files: store.Files | None = None,
    first_published: dt.datetime | None = None,
) -> SafeString:
    """The edition's data release as schema.org `Dataset` JSON-LD, escaped to sit inside a
    `<script type="application/ld+json">` (as `json_script` escapes: no `<`, `>` or `&`).

    `request` makes the links absolute; publishing, which has no request, passes the site's
    base URL instead. The SHA-256s are the stored files' or, while the edition is being
    frozen and nothing is stored yet, those of `files`. `first_published` saves reading the
    chain of amendments where the caller has it."""
    shas = {path: (store.sha256(content), kind) for path, (content, kind) in (files or {}).items()}
    if not shas:
        rows = EditionFile.objects.filter(edition=edition).values_list(
            "path", "sha256", "content_type"
        )
        shas = {path: (sha, kind) for path, sha, kind in rows}
    pdf_sha = next((sha for sha, kind in shas.values() if kind == PDF_CONTENT_TYPE), None)
    links = edition_links(edition, request)
    organisation = {"@type": "Organization", "name": settings.SERVICE_NAME}
    description = f"{edition.summary} {CAVEAT}"
    if edition.is_illustrative:
        description = f"{ILLUSTRATIVE} {description}"
    data: dict[str, Any] = {
        "@context": "https://schema.org",
        "@type": "Dataset",
        "name": f"{edition.title} ({edition.slug})",
        "description": description,
        "url": links["page"],
        "license": LICENCE["path"],
        "isAccessibleForFree": True,
        "creator": organisation,
        "publisher": organisation,
    }
    first = first_published or store.first_published(edition)
    if first is not None and edition.published_at is not None:
        data["datePublished"] = first.isoformat()
        data["dateModified"] = edition.published_at.isoformat()
    zip_sha = shas[ZIP][0] if ZIP in shas else None
    data["distribution"] = [
        _download("Open data: CSV files in a zip", ZIP_CONTENT_TYPE, links["data"], zip_sha),
        _download("The report as a PDF", PDF_CONTENT_TYPE, links["pdf"], pdf_sha),
    ]
    text = json.dumps(data, ensure_ascii=False, indent=2)
    for character, escaped in (("&", "\\u0026"), ("<", "\\u003C"), (">", "\\u003E")):
        text = text.replace(character, escaped)
    return mark_safe(text)  # noqa: S308 (JSON with every <, > and & escaped)


def _download(name: str, kind: str, url: str, sha: str | None) -> dict[str, Any]:
    download = {"@type": "DataDownload", "name": name, "encodingFormat": kind, "contentUrl": url}
    return {**download, "sha256": sha} if sha else download


def edition_links(edition: ReportEdition, request: HttpRequest | str) -> dict[str, str]:
    """The absolute addresses of the edition's page, PDF, data release and manifest."""
    base = reverse("findings:index")
    paths = {
        "page": f"{base}{edition.slug}/",
        "pdf": f"{base}{edition.slug}.pdf",
        "data": reverse("findings:edition_data", kwargs={"edition": edition.slug}),
        "manifest": reverse("findings:edition_manifest", kwargs={"edition": edition.slug}),
    }
    if isinstance(request, str):
        return {name: request.rstrip("/") + path for name, path in paths.items()}
    return {name: request.build_absolute_uri(path) for name, path in paths.items()}


# ----- Helpers ---------------------------------------------------------------------------


def _cells(row: Sequence[Any]) -> list[Cell]:
    """Floats as exact decimals (100.0 is written 100, 83.3 as 83.3)."""
    return [Decimal(repr(v)) if isinstance(v, float) else v for v in row]


def _json(data: Any) -> bytes:
    return (json.dumps(data, indent=2, ensure_ascii=False) + "\n").encode()


def _resource_name(text: str) -> str:
    """Lower case letters, digits and hyphens (a Frictionless name)."""
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-") or "unnamed"


def _field_name(heading: str) -> str:
    return re.sub(r"[^a-z0-9]+", "_", heading.lower()).strip("_") or "value"


def _unique(name: str, taken: set[str]) -> str:
    candidate, n = name, 2
    while candidate in taken:
        candidate, n = f"{name}_{n}", n + 1
    taken.add(candidate)
    return candidate


def _zip_date(published_at: str | None) -> tuple[int, int, int, int, int, int]:
    if not published_at:
        return EARLIEST
    when = dt.datetime.fromisoformat(published_at).astimezone(dt.UTC)
    return (when.year, when.month, when.day, when.hour, when.minute, when.second // 2 * 2)
