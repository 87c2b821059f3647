"""Reads for the codebook, the coded evidence and the findings: every count is computed in the
database, with a fixed number of queries however much evidence there is.

"Areas" are local authorities. An excerpt reaches its visit and areas through its source: a
visit's notes (the visit and its areas), feedback (its visit), a case study section (the case
study's visit, if any, and its areas) or a survey answer (the area that returned it).
"""

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.db.models import Count, Prefetch, Q, QuerySet
from django.db.models.functions import Coalesce
from django.shortcuts import get_object_or_404

from areas.models import LocalAuthority
from visits.models import ReviewStatus, Visit

from . import sources
from .models import Clearance, Excerpt, Finding, FindingStatus, Theme, ThemeStatus

# From an excerpt (through the path `to`, ending "__") to its visit, areas, regions, model.


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


def evidence_counts(to: str) -> dict[str, Count]:
    """Excerpts, distinct visits, distinct areas and distinct regions, through `to` (the
    path from the annotated model to its excerpts, ending "__")."""
    return {
        "excerpt_count": Count(f"{to[:-2]}", distinct=True),
        "visit_count": Count(visit_of(to), distinct=True),
        "area_count": Count(area_of(to), distinct=True),
        "region_count": Count(region_of(to), distinct=True),
    }


def areas_visited() -> int:
    """The distinct areas of the approved visits: the base of "cited by 14 of 37 areas"."""
    return Visit.objects.filter(status=ReviewStatus.APPROVED).aggregate(
        n=Count("local_authorities", distinct=True)
    )["n"]


def codebook(*, include_retired: bool = True) -> list[Theme]:
    """Every theme with its evidence counts (all coded excerpts), main themes each followed by
    their sub-themes. Two queries."""
    themes = Theme.objects.annotate(
        **evidence_counts("codings__excerpt__"),
        finding_count=Count(
            "findings", filter=Q(findings__status=FindingStatus.AGREED), distinct=True
        ),
    ).select_related("parent", "merged_into")
    if not include_retired:
        themes = themes.filter(status=ThemeStatus.ACTIVE)
    by_parent: dict[int | None, list[Theme]] = {}
    for theme in themes.order_by("order", "name"):
        by_parent.setdefault(theme.parent_id, []).append(theme)
    ordered = []
    for theme in by_parent.get(None, []):
        ordered.append(theme)
        ordered.extend(by_parent.get(theme.pk, []))
    return ordered


def theme_detail(slug: str) -> Theme:
    return get_object_or_404(
        Theme.objects.select_related("parent", "merged_into").annotate(
            **evidence_counts("codings__excerpt__")
        ),
        slug=slug,
    )


def _excerpts() -> QuerySet[Excerpt]:
    return Excerpt.objects.select_related(
        "visit__region",
        "feedback__visit__region",
        "section__case_study",
        "answer__response__local_authority__region",
        "answer__question",
        "coded_by",
    ).prefetch_related(
        "themes",
        *[
            Prefetch(path, queryset=LocalAuthority.objects.select_related("region"))
            for path in (
                "visit__local_authorities",
                "feedback__visit__local_authorities",
                "section__case_study__local_authorities",
            )
        ],
    )


def excerpts_of_theme(theme: Theme) -> list[Excerpt]:
    """The theme's coded excerpts, each with its stale state; a fixed number of queries."""
    return list(sources.with_state(_excerpts().filter(themes=theme)).order_by("pk"))


def excerpts_needing_attention() -> list[Excerpt]:
    """Every stale excerpt: its source changed or can no longer be cited."""
    return list(sources.stale(_excerpts()).order_by("pk"))


def excerpts_of_source(**source: Any) -> list[Excerpt]:
    """The excerpts of one source (`visit=…`, `feedback=…, feedback_field=…`, `section=…`,
    `answer=…`), in the order they appear, with their stale state."""
    return list(sources.with_state(_excerpts().filter(**source)).order_by("start", "pk"))


def excerpt_detail(pk: int) -> Excerpt:
    """One excerpt with its themes, source and stale state."""
    return get_object_or_404(sources.with_state(_excerpts()), pk=pk)


def findings_of_theme(theme: Theme, *, agreed_only: bool) -> list[Finding]:
    findings = Finding.objects.filter(theme=theme).prefetch_related(
        Prefetch("evidence__excerpt", queryset=_excerpts()), "evidence__question"
    )
    if agreed_only:
        findings = findings.filter(status=FindingStatus.AGREED)
    return list(findings.order_by("order", "pk"))


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
    regions = sorted({str(r) for r in _regions(excerpt)})
    if excerpt.clearance == Clearance.REGION:
        return Quote(excerpt.quote, f"An area in {' and '.join(regions)}" if regions else "An area")
    names = sorted(a.name for a in _areas(excerpt))
    return Quote(excerpt.quote, ", ".join(names) or "An area")


def _areas(excerpt: Excerpt) -> Iterable[Any]:
    if excerpt.visit_id:
        return excerpt.visit.local_authorities.all()  # type: ignore[union-attr]
    if excerpt.feedback_id:
        return excerpt.feedback.visit.local_authorities.all()  # type: ignore[union-attr]
    if excerpt.section_id:
        return excerpt.section.case_study.local_authorities.all()  # type: ignore[union-attr]
    return [excerpt.answer.response.local_authority]  # type: ignore[union-attr]


def _regions(excerpt: Excerpt) -> Iterable[Any]:
    if excerpt.visit_id:
        return [excerpt.visit.region]  # type: ignore[union-attr]
    if excerpt.feedback_id:
        return [excerpt.feedback.visit.region]  # type: ignore[union-attr]
    return [a.region for a in _areas(excerpt)]


def agreed_findings_by_theme() -> list[tuple[Theme, list[Finding]]]:
    """Every theme with agreed findings, in codebook order, with them."""
    findings = (
        Finding.objects.filter(status=FindingStatus.AGREED)
        .select_related("theme")
        .order_by("theme__order", "theme__name", "order", "pk")
    )
    grouped: dict[int, tuple[Theme, list[Finding]]] = {}
    for finding in findings:
        grouped.setdefault(finding.theme_id, (finding.theme, []))[1].append(finding)
    return list(grouped.values())
