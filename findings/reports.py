"""The coding reports for project staff, and the reads the findings API makes.

Every count is computed in the database from the `queries` expressions (`visit_of`,
`area_of`, `region_of`, `model_of`, `evidence_counts`), so a report takes the same number of
queries however much evidence there is. A report is one `Report`: the page, its CSV and its
XLSX all show the same headings and rows.

"Areas" are local authorities, counted once however many excerpts, visits or sources name
them: "cited by 14 of the 37 areas visited, in 9 regions".
"""

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

from django.db import connection
from django.db.models import (
    Case,
    CharField,
    Count,
    F,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
    Value,
    When,
)
from django.db.models.functions import Cast, Concat
from django.http import Http404
from django.urls import reverse

from areas.models import Region
from mash_survey.aggregates import subquery_count
from mash_survey.audience import Audience
from visits.models import ModelSeen

from . import queries, sources
from .models import (
    Clearance,
    Coding,
    Excerpt,
    Finding,
    FindingEvidence,
    SourceType,
    Theme,
)

#: A cell of a report: text or a count ("" for nothing).
Cell = str | int


@dataclass(frozen=True)
class Row:
    label: str  # the row's heading: a theme, a finding, a pair of themes
    cells: list[Cell]
    is_illustrative: bool = False


@dataclass(frozen=True)
class Report:
    """One table: its headings (a figure's heading ends "|numeric", as `table_head` reads
    them) and rows, each a label and its cells."""

    slug: str
    title: str
    description: str
    headings: list[str]
    rows: list[Row] = field(default_factory=list)

    @property
    def lines(self) -> list[tuple[Row, list[tuple[Cell, bool]]]]:
        """Each row with its cells, each cell saying whether it is a figure (for the page)."""
        numeric = [h.endswith("|numeric") for h in self.headings[1:]]
        return [(row, list(zip(row.cells, numeric, strict=True))) for row in self.rows]

    def table(self) -> list[list[Cell]]:
        """The headings and rows as a spreadsheet has them."""
        header: list[Cell] = [h.removesuffix("|numeric") for h in self.headings]
        return [header, *([row.label, *row.cells] for row in self.rows)]


# ----- Expressions ---------------------------------------------------------------------


def kind_of(to: str = "") -> Case:
    """The excerpt's source type (a `SourceType` value), through `to` (ending "__")."""
    return Case(
        When(**{f"{to}visit__isnull": False}, then=Value(SourceType.VISIT.value)),
        When(**{f"{to}feedback__isnull": False}, then=Value(SourceType.FEEDBACK.value)),
        When(**{f"{to}section__isnull": False}, then=Value(SourceType.CASE_STUDY.value)),
        default=Value(SourceType.SURVEY.value),
        output_field=CharField(),
    )


def source_key(to: str = "") -> Case:
    """One text per source, the same for every excerpt of it ("feedback 3 barriers")."""

    def key(kind: str, pk: str, *more: F | Value) -> Concat:
        return Concat(
            Value(f"{kind} "), Cast(f"{to}{pk}", output_field=CharField()), *more,
            output_field=CharField(),
        )  # fmt: skip

    return Case(
        When(**{f"{to}visit__isnull": False}, then=key("visit", "visit_id")),
        When(
            **{f"{to}feedback__isnull": False},
            then=key("feedback", "feedback_id", Value(" "), F(f"{to}feedback_field")),
        ),
        When(**{f"{to}section__isnull": False}, then=key("section", "section_id")),
        default=key("answer", "answer_id"),
        output_field=CharField(),
    )


# ----- The reports ---------------------------------------------------------------------

MODEL_COLUMNS: list[tuple[str | None, str]] = [
    *((value, label) for value, label in ModelSeen.choices),
    (None, "No model (survey answers)"),
]


def _theme_row(theme: Theme, cells: list[Cell]) -> Row:
    return Row(theme.name, cells, theme.is_illustrative)


def _by_theme(
    rows: Iterable[dict[str, Any]], column: str, value: str
) -> dict[int, dict[object, int]]:
    """{theme pk: {column value: count}} from grouped rows."""
    grouped: dict[int, dict[object, int]] = {}
    for row in rows:
        grouped.setdefault(row["theme_id"], {})[row[column]] = row[value]
    return grouped


def themes_report(themes: list[Theme]) -> Report:
    return Report(
        "themes",
        "Evidence by theme",
        "Each theme's coded excerpts, and the distinct visits, areas and regions they come "
        "from. A sub-theme follows its main theme.",
        [
            "Theme",
            "Sub-theme of",
            "Status",
            "Excerpts|numeric",
            "Visits|numeric",
            "Areas|numeric",
            "Regions|numeric",
            "Agreed findings|numeric",
        ],
        [
            _theme_row(
                t,
                [
                    t.parent.name if t.parent else "",
                    t.get_status_display(),
                    t.excerpt_count,  # type: ignore[attr-defined]  # annotated
                    t.visit_count,  # type: ignore[attr-defined]
                    t.area_count,  # type: ignore[attr-defined]
                    t.region_count,  # type: ignore[attr-defined]
                    t.finding_count,  # type: ignore[attr-defined]
                ],
            )
            for t in themes
        ],
    )


def findings_report(themes: list[Theme]) -> Report:
    findings = (
        Finding.objects.select_related("theme")
        .annotate(
            **queries.evidence_counts(queries.OF_FINDING),
            question_count=subquery_count(
                FindingEvidence.objects.filter(finding=OuterRef("pk"), question__isnull=False),
                "question",
                distinct=True,
            ),
        )
        .order_by("theme__order", "theme__name", "order", "pk")
    )
    return Report(
        "findings",
        "Evidence by finding",
        "Each finding's cited excerpts, the distinct visits, areas and regions they come "
        "from, and the survey questions it cites.",
        [
            "Finding",
            "Theme",
            "Status",
            "Excerpts|numeric",
            "Visits|numeric",
            "Areas|numeric",
            "Regions|numeric",
            "Survey questions|numeric",
        ],
        [
            Row(
                f.headline,
                [
                    f.theme.name,
                    f.get_status_display(),
                    f.excerpt_count,  # type: ignore[attr-defined]  # annotated
                    f.visit_count,  # type: ignore[attr-defined]
                    f.area_count,  # type: ignore[attr-defined]
                    f.region_count,  # type: ignore[attr-defined]
                    f.question_count,  # type: ignore[attr-defined]
                ],
                f.is_illustrative,
            )
            for f in findings
        ],
    )


def source_types_report(themes: list[Theme]) -> Report:
    counts = _by_theme(
        Coding.objects.values("theme_id", kind=kind_of("excerpt__"))
        .annotate(n=Count("excerpt", distinct=True))
        .order_by(),
        "kind",
        "n",
    )
    return Report(
        "source-types",
        "Themes by source type",
        "How many of each theme's excerpts come from each kind of source.",
        ["Theme", *(f"{label}|numeric" for label in SourceType.labels), "All|numeric"],
        [
            _theme_row(
                t,
                [
                    *(counts.get(t.pk, {}).get(kind, 0) for kind in SourceType.values),
                    t.excerpt_count,  # type: ignore[attr-defined]
                ],
            )
            for t in themes
        ],
    )


def regions_report(themes: list[Theme]) -> Report:
    regions = list(Region.objects.order_by("name"))
    counts = _by_theme(
        Coding.objects.values("theme_id", region=queries.region_of("excerpt__"))
        .annotate(n=Count(queries.area_of("excerpt__"), distinct=True))
        .order_by(),
        "region",
        "n",
    )
    return Report(
        "regions",
        "Themes by region",
        "How many distinct areas in each region each theme's excerpts come from.",
        ["Theme", *(f"{r.name}|numeric" for r in regions), "England|numeric"],
        [
            _theme_row(
                t,
                [
                    *(counts.get(t.pk, {}).get(r.pk, 0) for r in regions),
                    t.area_count,  # type: ignore[attr-defined]
                ],
            )
            for t in themes
        ],
    )


def models_report(themes: list[Theme]) -> Report:
    counts = _by_theme(
        Coding.objects.values("theme_id", model=queries.model_of("excerpt__"))
        .annotate(n=Count(queries.area_of("excerpt__"), distinct=True))
        .order_by(),
        "model",
        "n",
    )
    return Report(
        "models",
        "Themes by model seen",
        "How many distinct areas with each model each theme's excerpts come from. Survey "
        "answers have no model seen.",
        ["Theme", *(f"{label}|numeric" for _, label in MODEL_COLUMNS), "All|numeric"],
        [
            _theme_row(
                t,
                [
                    *(counts.get(t.pk, {}).get(model, 0) for model, _ in MODEL_COLUMNS),
                    t.area_count,  # type: ignore[attr-defined]
                ],
            )
            for t in themes
        ],
    )


def _pairs(keyed: QuerySet[Coding, Any]) -> dict[tuple[int, int], int]:
    """For each two themes, on how many keys both are coded. `keyed` gives each theme's
    distinct keys (columns `theme_id` and `pair_key`).

    SQL rather than the ORM: the ORM cannot join a query to itself on a computed key.
    """
    sql, params = keyed.query.sql_with_params()
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT a.theme_id, b.theme_id, COUNT(*) FROM ({sql}) a JOIN ({sql}) b "  # noqa: S608  # our own query's SQL
            "ON a.pair_key = b.pair_key AND a.theme_id < b.theme_id "
            "GROUP BY a.theme_id, b.theme_id",
            (*params, *params),
        )
        return {(a, b): n for a, b, n in cursor.fetchall()}


def co_occurrence_report(themes: list[Theme]) -> Report:
    by_excerpt = _pairs(
        Coding.objects.values("theme_id", pair_key=Cast("excerpt_id", CharField())).order_by()
    )
    by_source = _pairs(
        Coding.objects.values("theme_id", pair_key=source_key("excerpt__")).distinct().order_by()
    )
    names = {t.pk: t for t in themes}
    pairs = sorted(
        by_source,  # two themes on one excerpt are also on one source
        key=lambda p: (-by_source[p], -by_excerpt.get(p, 0), names[p[0]].name, names[p[1]].name),
    )
    return Report(
        "co-occurrence",
        "Themes coded together",
        "Each two themes coded on the same excerpt, and on the same source (one visit's "
        "notes, one feedback field, one case study section or one survey answer). Themes "
        "never coded together are left out.",
        ["Themes", "Same excerpt|numeric", "Same source|numeric"],
        [
            Row(
                f"{names[a].name} and {names[b].name}",
                [by_excerpt.get((a, b), 0), n],
                names[a].is_illustrative or names[b].is_illustrative,
            )
            for (a, b) in pairs
            for n in [by_source[(a, b)]]
        ],
    )


REPORTS: dict[str, Callable[[list[Theme]], Report]] = {
    "themes": themes_report,
    "findings": findings_report,
    "source-types": source_types_report,
    "regions": regions_report,
    "models": models_report,
    "co-occurrence": co_occurrence_report,
}


def coding_reports(themes: list[Theme]) -> list[Report]:
    """Every report over the codebook's `themes` (`queries.codebook()`), in the order the
    page shows them: a fixed number of queries."""
    return [make(themes) for make in REPORTS.values()]


def coding_report(slug: str) -> Report:
    """One report by its slug (404 for an unknown one)."""
    if slug not in REPORTS:
        raise Http404("There is no such report")
    return REPORTS[slug](queries.codebook())


# ----- A theme's excerpts as a spreadsheet ----------------------------------------------


def model_seen_of_excerpt(excerpt: Excerpt) -> str | None:
    """The model seen where the excerpt comes from (None for a survey answer)."""
    if excerpt.visit_id:
        return excerpt.visit.model_seen  # type: ignore[union-attr]
    if excerpt.feedback_id:
        return excerpt.feedback.visit.model_seen  # type: ignore[union-attr]
    if excerpt.section_id:
        return excerpt.section.case_study.model  # type: ignore[union-attr]
    return None


def source_path(excerpt: Excerpt) -> str:
    """The staff page of the excerpt's source."""
    if excerpt.visit_id:
        return reverse("visits:detail", kwargs={"pk": excerpt.visit_id})
    if excerpt.feedback_id:
        return reverse("visits:feedback", kwargs={"pk": excerpt.feedback.visit_id})  # type: ignore[union-attr]
    if excerpt.section_id:
        return excerpt.section.case_study.get_absolute_url()  # type: ignore[union-attr]
    response = excerpt.answer.response  # type: ignore[union-attr]
    return reverse(
        "surveys:return_detail",
        kwargs={"slug": response.survey.slug, "area": response.local_authority.slug},
    )


def theme_excerpts_table(theme: Theme, *, absolute: Callable[[str], str]) -> list[list[Cell]]:
    """The theme's coded excerpts, one a row, with a link to each one's source (`absolute`
    makes a path a full address)."""
    excerpts = list(
        sources.with_state(queries.excerpts_with_sources().filter(themes=theme)).order_by("pk")
    )
    rows: list[list[Cell]] = [
        [
            "Excerpt",
            "Quote",
            "Source type",
            "Source",
            "Source link",
            "Areas",
            "Regions",
            "Model seen",
            "Clearance",
            "Stale",
            "Themes",
            "Memo",
            "Coded on",
        ]
    ]
    for excerpt in excerpts:
        source = sources.source_of(excerpt)
        state = excerpt.stale  # type: ignore[attr-defined]  # annotated
        rows.append(
            [
                excerpt.pk,
                excerpt.quote,
                SourceType(source.kind).label,
                f"{source.record}: {source.label}",
                absolute(source_path(excerpt)),
                "; ".join(sorted(a.name for a in queries.areas_of_excerpt(excerpt))),
                "; ".join(sorted({str(r) for r in queries.regions_of_excerpt(excerpt)})),
                ModelSeen(model).label if (model := model_seen_of_excerpt(excerpt)) else "",
                excerpt.get_clearance_display(),
                sources.STALE_LABELS.get(state, "No"),
                "; ".join(t.name for t in excerpt.themes.all()),
                excerpt.memo,
                excerpt.coded_at.date().isoformat(),
            ]
        )
    return rows


# ----- For the API -------------------------------------------------------------------------

#: The clearances at which a partner key may see where a quote comes from.
REGION_CLEARED = (Clearance.REGION, Clearance.AREA)
AREA_CLEARED = (Clearance.AREA,)


def theme_list_for_api() -> QuerySet[Theme]:
    return (
        Theme.objects.select_related("parent")
        .annotate(
            **queries.evidence_counts(queries.OF_THEME),
            finding_count=queries.agreed_finding_count(),
        )
        .order_by("order", "name")
    )


def finding_list_for_api(*, agreed_only: bool) -> QuerySet[Finding]:
    """Findings with their counts, cited questions and cited excerpts (with their stale state
    and places, for `queries.public_quote`)."""
    findings = (
        Finding.objects.select_related("theme")
        .annotate(**queries.evidence_counts(queries.OF_FINDING))
        .prefetch_related(
            Prefetch(
                "evidence",
                queryset=FindingEvidence.objects.select_related(
                    "question__survey"
                ).prefetch_related(
                    Prefetch(
                        "excerpt", queryset=sources.with_state(queries.excerpts_with_sources())
                    )
                ),
            )
        )
        .order_by("theme__order", "theme__name", "order", "pk")
    )
    audience = Audience.PUBLIC if agreed_only else Audience.STAFF
    return findings.filter(pk__in=queries.visible_findings(audience).values("pk"))


def excerpts_where(condition: Q, *, clearances: Iterable[str] | None = None) -> QuerySet[Excerpt]:
    """Excerpts meeting `condition`, which may name `region` (the excerpt's region's pk) and
    `model` (the model seen); with `clearances`, only excerpts cleared that far. For filters:
    a subquery, so an excerpt with several areas is still one row of the filtered list."""
    excerpts = Excerpt.objects.annotate(region=queries.region_of(), model=queries.model_of())
    if clearances is not None:
        excerpts = excerpts.filter(clearance__in=list(clearances))
    return excerpts.filter(condition)


def excerpt_list_for_api(*, staff: bool) -> QuerySet[Excerpt]:
    """Excerpts with their themes, places and stale state. Partner keys see only excerpts
    that still stand in a source that may be cited."""
    excerpts = sources.with_state(queries.excerpts_with_sources())
    if not staff:
        excerpts = excerpts.filter(stale=sources.STANDS)  # type: ignore[misc]  # annotated
    return excerpts.order_by("pk")
