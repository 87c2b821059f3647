"""Reads for the codebook, the coded evidence and the findings: every count is computed in the
database, with a fixed number of queries however much evidence there is.

"Areas" are local authorities. An excerpt reaches its visit and areas through its source: a
visit's notes (the visit and its areas), feedback (its visit), a case study section (the case
study's visit, if any, and its areas) or a survey answer (the area that returned it).
"""

from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import Any

from django.db.models import (
    Case,
    Count,
    F,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
    Subquery,
    When,
    prefetch_related_objects,
)
from django.db.models.functions import Coalesce
from django.db.models.lookups import In
from django.db.models.query import ModelIterable
from django.shortcuts import get_object_or_404

from areas.models import LocalAuthority
from mash_survey import history
from mash_survey.aggregates import subquery_count
from mash_survey.audience import Audience
from mash_survey.spreadsheets import Cell
from surveys.models import Question
from visits.models import ReviewStatus, Visit

from . import sources
from .models import (
    PUBLISHED_STATUSES,
    Clearance,
    EditionStatus,
    Excerpt,
    Finding,
    FindingEvidence,
    FindingStatus,
    ReportEdition,
    Theme,
    ThemeStatus,
)

# From an excerpt (through the path `to`, ending "__") to its visit, areas, regions, model.


# ----- Who sees what: the one rule per record for pages, the API and search ----------


def visible_findings(audience: Audience) -> QuerySet[Finding]:
    """Project members see every finding; everyone else agreed findings only."""
    if audience is Audience.STAFF:
        return Finding.objects.all()
    return Finding.objects.filter(status=FindingStatus.AGREED)


def visible_excerpts(audience: Audience) -> QuerySet[Excerpt] | None:
    """Project members see every excerpt; partner keys those that still stand in a source
    that may be cited; the public none (only cleared quotes, through findings)."""
    if audience is Audience.STAFF:
        return Excerpt.objects.all()
    if audience is Audience.PARTNER:
        standing = sources.with_state(Excerpt.objects.all())
        return standing.filter(stale=sources.STANDS)  # type: ignore[misc]  # annotated
    return None


def visible_editions(audience: Audience) -> QuerySet[ReportEdition]:
    """Published editions (and the superseded ones they replaced), for everyone: drafts are
    read on the staff pages, never as the report."""
    return ReportEdition.objects.filter(status__in=PUBLISHED_STATUSES)


def latest_published_edition() -> ReportEdition | None:
    """The edition that is the report now: the newest published one, not superseded (one
    query), or None before any is published."""
    return ReportEdition.objects.filter(status=EditionStatus.PUBLISHED).first()


def visit_of(to: str = "") -> Coalesce:
    return Coalesce(f"{to}visit", f"{to}feedback__visit", f"{to}section__case_study__visit")


def area_of(to: str = "") -> Coalesce:
    return Coalesce(
        f"{to}visit__local_authorities",
        f"{to}feedback__visit__local_authorities",
        f"{to}section__case_study__local_authorities",
        f"{to}answer__response__local_authority",
    )


def region_of(to: str = "") -> Coalesce:
    return Coalesce(
        f"{to}visit__region",
        f"{to}feedback__visit__region",
        f"{to}section__case_study__local_authorities__region",
        f"{to}answer__response__local_authority__region",
    )


def model_of(to: str = "") -> Coalesce:
    return Coalesce(
        f"{to}visit__model_seen",
        f"{to}feedback__visit__model_seen",
        f"{to}section__case_study__model",
    )


def _visited_areas() -> QuerySet[Visit, Any]:
    return Visit.objects.filter(status=ReviewStatus.APPROVED).values("local_authorities")


#: The path from a theme, or a finding, to the excerpts `evidence_counts` counts.
OF_THEME = "codings__excerpt__"
OF_FINDING = "evidence__excerpt__"


def evidence_counts(to: str) -> dict[str, Count]:
    """Excerpts, distinct visits, distinct areas (all, and those among the areas visited:
    the "14 of 37 areas visited") and distinct regions, through `to` (`OF_THEME`,
    `OF_FINDING`: the path from the annotated model to its excerpts, ending "__").

    One join, from the row to its excerpts and their places: the rows counted. Anything else
    counted beside these over another to-many relation goes in a subquery (as
    `agreed_finding_count` does), or it would multiply them. Per-row subqueries for these
    would be slower: each would join every excerpt's sources again for each row."""
    area = area_of(to)
    return {
        "excerpt_count": Count(f"{to[:-2]}", distinct=True),
        "visit_count": Count(visit_of(to), distinct=True),
        "area_count": Count(area, distinct=True),
        "visited_area_count": Count(
            Case(When(In(area, _visited_areas()), then=area)), distinct=True
        ),
        "region_count": Count(region_of(to), distinct=True),
    }


def agreed_finding_count() -> Subquery:
    """How many agreed findings a theme has (annotating themes)."""
    return subquery_count(Finding.objects.filter(theme=OuterRef("pk"), status=FindingStatus.AGREED))


def areas_visited() -> int:
    """The distinct areas of the approved visits: the base of "cited by 14 of 37 areas"."""
    return Visit.objects.filter(status=ReviewStatus.APPROVED).aggregate(
        n=Count("local_authorities", distinct=True)
    )["n"]


def in_codebook_order(themes: QuerySet[Theme]) -> QuerySet[Theme]:
    """`themes` in the codebook's order, main themes each followed by their sub-themes, sorted
    in the database (so a page of them is one query)."""
    return themes.order_by(
        # The main theme's place (its own for a main theme, its parent's for a sub-theme) …
        Coalesce("parent__order", "order"),
        Coalesce("parent__name", "name"),
        Coalesce("parent", "pk"),
        # … the main theme first, then its sub-themes in their order.
        F("parent").asc(nulls_first=True),
        "order",
        "name",
        "pk",
    )


def codebook_themes(*, include_retired: bool = True) -> QuerySet[Theme]:
    """Every theme with its evidence counts (all coded excerpts), in codebook order. Without
    the retired themes, a retired theme's sub-themes go too."""
    themes = Theme.objects.annotate(
        **evidence_counts(OF_THEME),
        finding_count=agreed_finding_count(),
    ).select_related("parent", "merged_into")
    if not include_retired:
        themes = themes.filter(
            Q(parent__isnull=True) | Q(parent__status=ThemeStatus.ACTIVE),
            status=ThemeStatus.ACTIVE,
        )
    return in_codebook_order(themes)


def codebook(*, include_retired: bool = True) -> list[Theme]:
    """The whole codebook, as `codebook_themes` orders it. One query."""
    return list(codebook_themes(include_retired=include_retired))


def theme_slugs() -> list[str]:
    """Every theme's slug, retired ones too, in codebook order: what the API's `theme`
    filters accept."""
    return list(Theme.objects.order_by("order", "name").values_list("slug", flat=True))


def theme_detail(slug: str) -> Theme:
    return get_object_or_404(
        Theme.objects.select_related("parent", "merged_into").annotate(**evidence_counts(OF_THEME)),
        slug=slug,
    )


class _WithSourceAreas(ModelIterable):
    """Excerpts, then the areas of their sources read for all of them at once: one query for
    the visits' (of a visit's notes or of its detailed feedback alike), one for the case
    studies'. Two prefetches for visits, one through the feedback, would make the count
    depend on whether a page happens to hold an excerpt of feedback."""

    def __iter__(self) -> Iterator[Excerpt]:
        excerpts: list[Excerpt] = list(super().__iter__())
        visits = [e.visit or e.feedback.visit for e in excerpts if e.visit_id or e.feedback_id]  # type: ignore[union-attr]  # one of them is set
        studies = [e.section.case_study for e in excerpts if e.section_id]  # type: ignore[union-attr]  # set
        areas = Prefetch(
            "local_authorities", queryset=LocalAuthority.objects.select_related("region")
        )
        prefetch_related_objects(visits, areas)
        prefetch_related_objects(studies, areas)
        yield from excerpts


def excerpts_with_sources() -> QuerySet[Excerpt]:
    """Excerpts with everything their source, places and model need: a fixed number of
    queries for any number."""
    excerpts = Excerpt.objects.select_related(
        "visit__region",
        "feedback__visit__region",
        "section__case_study",
        "answer__response__local_authority__region",
        "answer__response__survey",
        "answer__question",
        "coded_by",
    ).prefetch_related("themes")
    excerpts._iterable_class = _WithSourceAreas
    return excerpts


def excerpts_of_theme(theme: Theme) -> QuerySet[Excerpt]:
    """The theme's coded excerpts in the order they were coded, each with its stale state; a
    fixed number of queries."""
    return sources.with_state(excerpts_with_sources().filter(themes=theme)).order_by("pk")


def excerpts_needing_attention() -> QuerySet[Excerpt]:
    """Every stale excerpt (its source changed or can no longer be cited), oldest first."""
    return sources.stale(excerpts_with_sources()).order_by("pk")


def excerpts_of_source(**source: Any) -> list[Excerpt]:
    """The excerpts of one source (`visit=…`, `feedback=…, feedback_field=…`, `section=…`,
    `answer=…`), in the order they appear, with their stale state."""
    return list(
        sources.with_state(excerpts_with_sources().filter(**source)).order_by("start", "pk")
    )


def excerpt_detail(pk: int) -> Excerpt:
    """One excerpt with its themes, source and stale state."""
    return get_object_or_404(sources.with_state(excerpts_with_sources()), pk=pk)


def findings_of_theme(theme: Theme, *, agreed_only: bool) -> QuerySet[Finding]:
    findings = (
        Finding.objects.filter(theme=theme)
        .annotate(**evidence_counts(OF_FINDING))
        .select_related("created_by", "agreed_by")
        .prefetch_related(
            Prefetch("evidence__excerpt", queryset=sources.with_state(excerpts_with_sources())),
            "evidence__question__survey",
        )
    )
    if agreed_only:
        findings = findings.filter(pk__in=visible_findings(Audience.PUBLIC).values("pk"))
    return findings.order_by("order", "pk")


@dataclass(frozen=True)
class Quote:
    """A quote as the public may see it: the words, and whose they are at its clearance."""

    text: str
    attribution: str


def public_quote(excerpt: Excerpt, *, standing: bool = True) -> Quote | None:
    """The excerpt as a reader may see it, or None: never beyond its clearance, never a
    stale one."""
    if excerpt.clearance == Clearance.NOT_FOR_PUBLICATION or not standing:
        return None
    if excerpt.clearance == Clearance.UNATTRIBUTED:
        return Quote(excerpt.quote, "An area visited")
    regions = sorted({str(r) for r in regions_of_excerpt(excerpt)})
    if excerpt.clearance == Clearance.REGION:
        return Quote(excerpt.quote, f"An area in {' and '.join(regions)}" if regions else "An area")
    names = sorted(a.name for a in areas_of_excerpt(excerpt))
    return Quote(excerpt.quote, ", ".join(names) or "An area")


def areas_of_excerpt(excerpt: Excerpt) -> Iterable[Any]:
    if excerpt.visit_id:
        return excerpt.visit.local_authorities.all()  # type: ignore[union-attr]
    if excerpt.feedback_id:
        return excerpt.feedback.visit.local_authorities.all()  # type: ignore[union-attr]
    if excerpt.section_id:
        return excerpt.section.case_study.local_authorities.all()  # type: ignore[union-attr]
    return [excerpt.answer.response.local_authority]  # type: ignore[union-attr]


def regions_of_excerpt(excerpt: Excerpt) -> Iterable[Any]:
    if excerpt.visit_id:
        return [excerpt.visit.region]  # type: ignore[union-attr]
    if excerpt.feedback_id:
        return [excerpt.feedback.visit.region]  # type: ignore[union-attr]
    return [a.region for a in areas_of_excerpt(excerpt)]


def agreed_findings_by_theme() -> list[tuple[Theme, list[Finding]]]:
    """Every theme with agreed findings, in codebook order, with them."""
    findings = (
        visible_findings(Audience.PUBLIC)
        .select_related("theme")
        .order_by("theme__order", "theme__name", "order", "pk")
    )
    grouped: dict[int, tuple[Theme, list[Finding]]] = {}
    for finding in findings:
        grouped.setdefault(finding.theme_id, (finding.theme, []))[1].append(finding)
    return list(grouped.values())


# ----- Managing the codebook and the findings; the public pages and the area panel ---------


def codebook_rows(themes: list[Theme]) -> list[list[Cell]]:
    """The codebook as a spreadsheet: a header row, then each theme (from `codebook()`)."""
    rows: list[list[Cell]] = [
        [
            "Theme",
            "Web address",
            "Sub-theme of",
            "Status",
            "Merged into",
            "Definition",
            "Excerpts",
            "Visits",
            "Areas",
            "Regions",
            "Agreed findings",
        ]
    ]
    for theme in themes:
        rows.append(
            [
                theme.name,
                theme.slug,
                theme.parent.name if theme.parent else "",
                theme.get_status_display(),
                theme.merged_into.name if theme.merged_into else "",
                theme.definition,
                theme.excerpt_count,  # type: ignore[attr-defined]  # annotated
                theme.visit_count,  # type: ignore[attr-defined]
                theme.area_count,  # type: ignore[attr-defined]
                theme.region_count,  # type: ignore[attr-defined]
                theme.finding_count,  # type: ignore[attr-defined]
            ]
        )
    return rows


def theme_for_member(slug: str) -> Theme:
    return get_object_or_404(Theme.objects.select_related("parent", "merged_into"), slug=slug)


def theme_choices(*, exclude: Theme | None = None, main_only: bool = False) -> list[Theme]:
    """Active themes to choose from (a parent, a theme to merge into, a finding's theme)."""
    themes = Theme.objects.filter(status=ThemeStatus.ACTIVE).select_related("parent")
    if exclude is not None:
        themes = themes.exclude(pk=exclude.pk)
    if main_only:
        themes = themes.filter(parent__isnull=True)
    return list(themes.order_by("order", "name"))


def theme_history(theme: Theme, *, page_number: Any = 1) -> history.RecordHistory:
    return history.record_history(theme, page_number=page_number)


def finding_list_for_manage(*, theme: str = "") -> QuerySet[Finding]:
    """Every finding (of the theme whose slug is `theme`, when given), whatever its status,
    with how much evidence it cites, in codebook order."""
    findings = (
        Finding.objects.select_related("theme", "created_by", "agreed_by")
        .annotate(
            evidence_count=subquery_count(FindingEvidence.objects.filter(finding=OuterRef("pk")))
        )
        .order_by("theme__order", "theme__name", "order", "pk")
    )
    return findings.filter(theme__slug=theme) if theme else findings


def theme_filter_choices() -> list[tuple[str, str]]:
    """Every theme, retired ones too, as (slug, name) in codebook order: what the findings
    can be narrowed to."""
    return list(in_codebook_order(Theme.objects.all()).values_list("slug", "name"))


def finding_for_manage(pk: int) -> Finding:
    """One finding with its counts and its evidence (each excerpt with its stale state)."""
    return get_object_or_404(
        Finding.objects.select_related("theme", "created_by", "agreed_by")
        .annotate(**evidence_counts(OF_FINDING))
        .prefetch_related(
            Prefetch("evidence__excerpt", queryset=sources.with_state(excerpts_with_sources())),
            "evidence__question__survey",
        ),
        pk=pk,
    )


def finding_history(finding: Finding, *, page_number: Any = 1) -> history.RecordHistory:
    return history.record_history(finding, page_number=page_number)


def evidence_choices(finding: Finding) -> tuple[list[Excerpt], list[Question]]:
    """What a finding may cite: the excerpts of its theme (and any it already cites), each
    with its stale state, and the survey questions."""
    wanted = Excerpt.objects.filter(Q(themes=finding.theme) | Q(cited_by__finding=finding))
    excerpts = sources.with_state(
        excerpts_with_sources().filter(pk__in=wanted.values("pk"))
    ).order_by("pk")
    questions = Question.objects.select_related("survey").order_by("survey__pk", "order")
    return list(excerpts), list(questions)


@dataclass(frozen=True)
class PublicFinding:
    """An agreed finding as anyone may read it: its counts, the quotes cleared for
    publication (never beyond their clearance, never stale) and the survey questions."""

    finding: Finding
    quotes: list[Quote]
    questions: list[Question]


def public_findings(findings: Iterable[Finding]) -> list[PublicFinding]:
    """Findings (prefetched as `findings_of_theme` does) as the public may read them."""
    shaped = []
    for finding in findings:
        quotes, questions = [], []
        for evidence in finding.evidence.all():
            if evidence.question is not None:
                questions.append(evidence.question)
            elif evidence.excerpt is not None:
                excerpt = evidence.excerpt
                quote = public_quote(excerpt, standing=excerpt.stale == sources.STANDS)  # type: ignore[attr-defined]
                if quote is not None:
                    quotes.append(quote)
        shaped.append(PublicFinding(finding, quotes, questions))
    return shaped


def public_themes() -> QuerySet[Theme]:
    """The themes with agreed findings, in codebook order, with their evidence counts and how
    many agreed findings each has."""
    agreed = visible_findings(Audience.PUBLIC).values("theme")
    return (
        Theme.objects.filter(pk__in=agreed)
        .annotate(
            **evidence_counts(OF_THEME),
            finding_count=agreed_finding_count(),
        )
        .order_by("order", "name", "pk")
    )


def public_theme(slug: str) -> tuple[Theme, QuerySet[Finding]]:
    """A theme's public page: the theme (only a theme with agreed findings has one) and its
    agreed findings, to shape a page of them with `public_findings`."""
    agreed = visible_findings(Audience.PUBLIC).values("theme")
    theme = get_object_or_404(
        Theme.objects.filter(pk__in=agreed).annotate(**evidence_counts(OF_THEME)),
        slug=slug,
    )
    return theme, findings_of_theme(theme, agreed_only=True)


def _of_area(authority: LocalAuthority) -> Q:
    return (
        Q(visit__local_authorities=authority)
        | Q(feedback__visit__local_authorities=authority)
        | Q(section__case_study__local_authorities=authority)
        | Q(answer__response__local_authority=authority)
    )


def excerpts_of_area(authority: LocalAuthority) -> list[tuple[Theme, list[Excerpt]]]:
    """The area's coded excerpts (staff), grouped by theme in codebook order."""
    of_area = Excerpt.objects.filter(_of_area(authority)).values("pk")
    excerpts = sources.with_state(excerpts_with_sources().filter(pk__in=of_area)).order_by("pk")
    grouped: dict[int, tuple[Theme, list[Excerpt]]] = {}
    for excerpt in excerpts:
        for theme in excerpt.themes.all():
            grouped.setdefault(theme.pk, (theme, []))[1].append(excerpt)
    return sorted(grouped.values(), key=lambda pair: (pair[0].order, pair[0].name))


def findings_naming_area(authority: LocalAuthority) -> list[Finding]:
    """The agreed findings that cite a quote cleared to name the area (and still standing)."""
    of_area = Excerpt.objects.filter(_of_area(authority), clearance=Clearance.AREA)
    standing = sources.with_state(of_area).filter(stale=sources.STANDS)  # type: ignore[misc]  # annotated
    named = standing.values("pk")
    return list(
        Finding.objects.filter(status=FindingStatus.AGREED, evidence__excerpt__in=named)
        .select_related("theme")
        .distinct()
        .order_by("theme__order", "theme__name", "order", "pk")
    )
