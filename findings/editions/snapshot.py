"""An edition's snapshot: all the data its pages, PDF and data release show, as plain JSON.

`build(edition)` reads it from the database as it is now (the same queries as the public
theme pages and the figures API); publishing stores it as `snapshot.json` and renders every
file from it, so a published edition's figures, counts and quotes are fixed. Keys:

- `format`: the snapshot layout's version (1).
- `edition`: slug, title, summary, introduction, method, caveats (Markdown with shortcodes),
  is_illustrative, amends (the slug it corrects, or null) and amendment_reason.
- `areas_visited`: the distinct areas of the approved visits (the base of "N of M areas").
- `themes`: in the edition's order, each with slug, name, definition, and `findings` in
  order, each with id, headline, statement (Markdown), the evidence counts (excerpt_count,
  visit_count, area_count, visited_area_count, region_count), `quotes` (text, attribution:
  only those cleared for publication and standing) and `questions` (code, text, survey).
- `case_studies`: slug, title, summary, model (its label), areas (names) and url.
- `figures`: every figure in the registry by key (`figure_data`); `figure_errors`: the key
  and message of each figure that failed to compute.
- `codebook`: every active theme: slug, name, definition, parent (a name or "").
- `published_at`: when the edition was published (ISO 8601), or null for a draft; the data
  release dates its files with it.
- `register`: the 152 local authorities as they were: ons_code, dfe_code, name, type (its
  label), region and region_code, by ONS code.
- `evidence_base`: the excerpts the edition's findings cite, by region and type of source:
  one row per region (a name, or "All regions") and source_type (a `SourceType` value, or
  "all"), with source (its label), the excerpts and (distinct) areas counts, and hidden
  (null, or why the cell is not shown, decided on its areas by `mash_survey.disclosure`;
  then both counts are null).
"""

from typing import Any

from django.db.models import Prefetch

from areas.models import LocalAuthority
from case_studies.models import CaseStudy

from .. import figures, queries, sources
from ..figures import Figure, FigureError, FigureResult, FigureRow
from ..models import EditionCaseStudy, EditionFinding, EditionTheme, Finding, ReportEdition
from ..queries import OF_FINDING, evidence_counts

Snapshot = dict[str, Any]
FORMAT = 1
COUNTS = ("excerpt_count", "visit_count", "area_count", "visited_area_count", "region_count")


def build(edition: ReportEdition) -> Snapshot:
    """The edition's data as it is now."""
    computed, errors = _figures()
    return {
        "format": FORMAT,
        "edition": {
            "slug": edition.slug,
            "title": edition.title,
            "summary": edition.summary,
            "introduction": edition.introduction,
            "method": edition.method,
            "caveats": edition.caveats,
            "is_illustrative": edition.is_illustrative,
            "amends": edition.amends.slug if edition.amends else None,
            "amendment_reason": edition.amendment_reason,
        },
        "areas_visited": queries.areas_visited(),
        "themes": _themes(edition),
        "case_studies": _case_studies(edition),
        "figures": computed,
        "figure_errors": errors,
        "codebook": [
            {
                "slug": theme.slug,
                "name": theme.name,
                "definition": theme.definition,
                "parent": theme.parent.name if theme.parent else "",
            }
            for theme in queries.codebook(include_retired=False)
        ],
        # The open data release (`data.py`): its date and the register it publishes.
        "published_at": edition.published_at.isoformat() if edition.published_at else None,
        "register": [
            {
                "ons_code": area.gss_code,
                "dfe_code": area.dfe_code,
                "name": area.name,
                "type": area.get_type_display(),
                "region": area.region.name,
                "region_code": area.region.code,
            }
            for area in LocalAuthority.objects.select_related("region").order_by("gss_code")
        ],
        "evidence_base": evidence_base(edition),
    }


def _themes(edition: ReportEdition) -> list[dict[str, Any]]:
    included = EditionFinding.objects.filter(edition=edition)
    findings = (
        Finding.objects.filter(pk__in=included.values("finding"))
        .annotate(**evidence_counts(OF_FINDING))
        .prefetch_related(
            Prefetch(
                "evidence__excerpt",
                queryset=sources.with_state(queries.excerpts_with_sources()),
            ),
            "evidence__question__survey",
        )
    )
    order = {row.finding_id: (row.order, row.pk) for row in included}
    by_theme: dict[int, list[Finding]] = {}
    for finding in sorted(findings, key=lambda f: order[f.pk]):
        by_theme.setdefault(finding.theme_id, []).append(finding)
    themes = []
    for row in EditionTheme.objects.filter(edition=edition).select_related("theme"):
        theme = row.theme
        shaped = queries.public_findings(by_theme.get(theme.pk, []))
        themes.append(
            {
                "slug": theme.slug,
                "name": theme.name,
                "definition": theme.definition,
                **_theme_counts(shaped),
                "findings": [
                    {
                        "id": item.finding.pk,
                        "headline": item.finding.headline,
                        "statement": item.finding.statement,
                        **{name: getattr(item.finding, name) for name in COUNTS},
                        "quotes": [
                            {"text": quote.text, "attribution": quote.attribution}
                            for quote in item.quotes
                        ],
                        "questions": [
                            {"code": q.code, "text": q.text, "survey": str(q.survey)}
                            for q in item.questions
                        ],
                    }
                    for item in shaped
                ],
            }
        )
    return themes


def _theme_counts(shaped: list[queries.PublicFinding]) -> dict[str, int]:
    """A theme's counts in the edition: its findings and the excerpts they cite."""
    return {
        "finding_count": len(shaped),
        "excerpt_count": sum(item.finding.excerpt_count for item in shaped),  # type: ignore[attr-defined]
    }


def _case_studies(edition: ReportEdition) -> list[dict[str, Any]]:
    rows = EditionCaseStudy.objects.filter(edition=edition).select_related("case_study")
    studies = {
        study.pk: study
        for study in CaseStudy.objects.filter(pk__in=rows.values("case_study")).prefetch_related(
            "local_authorities"
        )
    }
    return [
        {
            "slug": study.slug,
            "title": study.title,
            "summary": study.summary,
            "model": study.get_model_display(),
            "areas": sorted(area.name for area in study.local_authorities.all()),
            "url": study.get_absolute_url(),
        }
        for study in (studies[row.case_study_id] for row in rows)
    ]


def _figures() -> tuple[dict[str, Any], dict[str, str]]:
    computed: dict[str, Any] = {}
    errors: dict[str, str] = {}
    with figures.computed_together():
        for figure in figures.figure_list():
            try:
                computed[figure.key] = figure_data(figure, figure.compute())
            except FigureError as exc:
                errors[figure.key] = str(exc)
    return computed, errors


def figure_data(figure: Figure, result: FigureResult) -> dict[str, Any]:
    """A figure's values as JSON: what the API returns and a snapshot stores."""
    return {
        "key": figure.key,
        "title": figure.title,
        "unit": figure.unit,
        "source": figure.source,
        "description": figure.description,
        "percent": figure.percent,
        "by_region": figure.by_region,
        "chart_column": figure.chart_column,
        "columns": list(result.columns),
        "rows": [
            {
                "label": row.label,
                "key": row.key,
                "values": list(row.values),
                "hidden": row.hidden.value if row.hidden else None,
            }
            for row in result.rows
        ],
        "text": result.text,
        "base": result.base,
        "base_label": result.base_label,
        "headline": result.headline,
        "headline_text": figure.format(result.headline) if figure.has_headline else None,
    }


def frozen_figure(data: dict[str, Any]) -> Figure:
    """A stored figure as a `Figure` whose values are the stored ones."""
    result = figure_result(data)
    return Figure(
        key=data["key"],
        title=data["title"],
        unit=data["unit"],
        source=data["source"],
        description=data["description"],
        calculate=lambda figure: result,
        chart_column=data["chart_column"],
        by_region=data["by_region"],
        percent=data["percent"],
    )


def figure_result(data: dict[str, Any]) -> FigureResult:
    """A stored figure's values back as a result, to draw as the live figure is drawn."""
    from mash_survey.disclosure import Hidden

    return FigureResult(
        columns=tuple(data["columns"]),
        rows=tuple(
            FigureRow(
                label=row["label"],
                values=tuple(row["values"]),
                key=row["key"],
                hidden=Hidden(row["hidden"]) if row["hidden"] else None,
            )
            for row in data["rows"]
        ),
        text=data["text"],
        base=data["base"],
        base_label=data["base_label"],
        headline=data["headline"],
    )


# ----- The evidence base: the cited excerpts by region and type of source ------------------

ALL = "all"
ALL_REGIONS = "All regions"
NO_REGION = "No area named"


def evidence_base(edition: ReportEdition) -> list[dict[str, Any]]:
    """The excerpts cited by the edition's findings and the distinct areas they come from,
    for each region (of the area) and type of source, with the totals of each row and column.
    An excerpt naming areas in two regions counts in both. Cells from too few areas are
    hidden, and those they could be worked out from (`mash_survey.disclosure`). Two queries."""
    from areas.models import LocalAuthority
    from mash_survey import disclosure

    from ..models import SOURCE_FIELDS, Excerpt, SourceType

    cited = (
        Excerpt.objects.filter(
            cited_by__finding__in=EditionFinding.objects.filter(edition=edition).values("finding")
        )
        .annotate(area=queries.area_of())
        .order_by()
        .values_list("pk", "area", *(f"{field}_id" for field in SOURCE_FIELDS.values()))
        .distinct()
    )
    rows = list(cited)
    region_of = dict(
        LocalAuthority.objects.filter(pk__in={row[1] for row in rows}).values_list(
            "pk", "region__name"
        )
    )
    kinds = list(SOURCE_FIELDS)
    excerpts: dict[tuple[str, str], set[int]] = {}
    areas: dict[tuple[str, str], set[int]] = {}
    for pk, area, *ids in rows:
        kind = next(kinds[i] for i, source_id in enumerate(ids) if source_id)
        region = region_of.get(area, NO_REGION)
        for key in ((region, kind), (region, ALL), (ALL, kind), (ALL, ALL)):
            excerpts.setdefault(key, set()).add(pk)
            if area is not None:
                areas.setdefault(key, set()).add(area)
    regions = sorted({region for region, _ in excerpts} - {ALL})
    cells = [(region, kind) for region in [*regions, ALL] for kind in [*kinds, ALL]]
    hidden = disclosure.suppress(
        {cell: len(areas.get(cell, ())) for cell in cells},
        disclosure.grid_relations(regions, kinds, every=ALL),
    )
    return [
        {
            "region": ALL_REGIONS if region == ALL else region,
            "source_type": kind,
            "source": SourceType(kind).label if kind != ALL else "All sources",
            "excerpts": None if (region, kind) in hidden else len(excerpts.get((region, kind), ())),
            "areas": None if (region, kind) in hidden else len(areas.get((region, kind), ())),
            "hidden": hidden[(region, kind)].value if (region, kind) in hidden else None,
        }
        for region, kind in cells
    ]
