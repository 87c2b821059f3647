"""Reads of case studies, shaped for their pages and the API.

Only published case studies are public; a withdrawn one keeps its page (with its notice) but is
not listed. Drafts and case studies in review are for project members only.
"""

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.contrib.auth.models import User
from django.db.models import Count, Prefetch, QuerySet
from django.http import Http404
from django.shortcuts import get_object_or_404

from areas.models import AuthorityType, LocalAuthority, Region
from mash_survey import history, publishing
from mash_survey.audience import Audience
from mash_survey.roles import is_reviewer

from .models import CaseStudy, CaseStudyModel, CaseStudyStatus, KeyFact, Section

# ----- The public list -----------------------------------------------------------


@dataclass(frozen=True)
class CaseStudyFilter:
    """What the public list is narrowed to; blank means everything."""

    region: str = ""  # a region's ONS code
    model: str = ""  # a CaseStudyModel value
    authority_type: str = ""  # an AuthorityType value


@dataclass(frozen=True)
class FilterOption:
    value: str
    label: str
    count: int
    selected: bool


def _areas_with_region() -> Prefetch:
    return Prefetch(
        "local_authorities",
        queryset=LocalAuthority.objects.select_related("region").order_by("name"),
    )


def visible_case_studies(audience: Audience) -> QuerySet[CaseStudy]:
    """Project members see every case study; everyone else published ones only (not drafts,
    those in review, returned or withdrawn)."""
    if audience is Audience.STAFF:
        return CaseStudy.objects.all()
    return CaseStudy.objects.filter(status=CaseStudyStatus.PUBLISHED)


def _published() -> QuerySet[CaseStudy]:
    return visible_case_studies(Audience.PUBLIC)


def _apply(
    case_studies: QuerySet[CaseStudy], case_study_filter: CaseStudyFilter, *, skip: str = ""
) -> QuerySet[CaseStudy]:
    if case_study_filter.region and skip != "region":
        case_studies = case_studies.filter(local_authorities__region__code=case_study_filter.region)
    if case_study_filter.model and skip != "model":
        case_studies = case_studies.filter(model=case_study_filter.model)
    if case_study_filter.authority_type and skip != "authority_type":
        case_studies = case_studies.filter(local_authorities__type=case_study_filter.authority_type)
    return case_studies


def published_case_study_list(
    case_study_filter: CaseStudyFilter | None = None, *, oldest_first: bool = False
) -> QuerySet[CaseStudy]:
    """Published case studies with their areas and regions, newest first (or oldest first);
    two queries."""
    case_study_filter = case_study_filter or CaseStudyFilter()
    matching = _apply(_published(), case_study_filter).values("pk")
    return (
        CaseStudy.objects.filter(pk__in=matching)
        .prefetch_related(_areas_with_region())
        .order_by("published_at" if oldest_first else "-published_at", "title", "pk")
    )


def case_study_filter_options(
    case_study_filter: CaseStudyFilter,
) -> dict[str, list[FilterOption]]:
    """Each filter's options with how many published case studies each would give (with the
    other filters applied); three queries, any number of case studies."""

    def counts(field: str, skip: str) -> dict[str, int]:
        rows = (
            _apply(_published(), case_study_filter, skip=skip)
            .values(field)
            .annotate(n=Count("pk", distinct=True))
            .order_by()
        )
        return {row[field]: row["n"] for row in rows if row[field]}

    region_counts = counts("local_authorities__region__code", "region")
    model_counts = counts("model", "model")
    type_counts = counts("local_authorities__type", "authority_type")
    regions = Region.objects.filter(code__in=region_counts).order_by("code")
    return {
        "region": [
            FilterOption(
                region.code,
                region.name,
                region_counts[region.code],
                region.code == case_study_filter.region,
            )
            for region in regions
        ],
        "model": [
            FilterOption(value, str(label), model_counts[value], value == case_study_filter.model)
            for value, label in CaseStudyModel.choices
            if value in model_counts
        ],
        "authority_type": [
            FilterOption(
                value, str(label), type_counts[value], value == case_study_filter.authority_type
            )
            for value, label in AuthorityType.choices
            if value in type_counts
        ],
    }


# ----- One case study ------------------------------------------------------------


def case_study_for_page(slug: str, *, include_unpublished: bool) -> CaseStudy:
    """One case study with its sections, key facts and areas.

    Published and withdrawn case studies are for everyone; drafts and those in review only
    when `include_unpublished` (a project member). Anything else is a 404.
    """
    visible = [CaseStudyStatus.PUBLISHED, CaseStudyStatus.WITHDRAWN]
    case_studies = CaseStudy.objects.prefetch_related("sections", "key_facts", _areas_with_region())
    if not include_unpublished:
        case_studies = case_studies.filter(status__in=visible)
    try:
        return case_studies.get(slug=slug)
    except CaseStudy.DoesNotExist:
        raise Http404("No case study found") from None


def published_case_study_for_pdf(slug: str) -> CaseStudy:
    """One published case study for its PDF (nobody gets a PDF of anything else)."""
    try:
        return (
            _published()
            .prefetch_related("sections", "key_facts", _areas_with_region())
            .get(slug=slug)
        )
    except CaseStudy.DoesNotExist:
        raise Http404("No case study found") from None


def published_case_studies_for_area(authority: LocalAuthority) -> QuerySet[CaseStudy]:
    """The area's published case studies, newest first; one query."""
    return _published().filter(local_authorities=authority).order_by("-published_at", "title")


# ----- For project members: every status ------------------------------------------------


@dataclass(frozen=True)
class ManageRow:
    """A case study on the manage list, and whether the person may make the review decision
    on it (`may_review`) or had a hand in it, so someone else must (`not_yours`)."""

    case_study: CaseStudy
    may_review: bool
    not_yours: bool


def case_studies_for_manage() -> QuerySet[CaseStudy]:
    """Every case study, whatever its status, with its areas, recently changed first; two
    queries."""
    return CaseStudy.objects.prefetch_related(
        Prefetch("local_authorities", queryset=LocalAuthority.objects.order_by("name"))
    ).order_by("-updated_at", "title", "pk")


def manage_rows(case_studies: Iterable[CaseStudy], *, user: User) -> list[ManageRow]:
    """`case_studies` as manage-list rows: for those in review, whether `user` may review
    them. One query, for the contributors of those in review, when `user` is a reviewer."""
    case_studies = list(case_studies)
    in_review = [c for c in case_studies if c.status == CaseStudyStatus.IN_REVIEW]
    reviewer = is_reviewer(user)
    contributors = publishing.contributors_of(in_review) if reviewer else {}
    rows = []
    for case_study in case_studies:
        mine = user.pk in contributors.get(case_study.pk, frozenset())
        waiting = reviewer and case_study.status == CaseStudyStatus.IN_REVIEW
        rows.append(ManageRow(case_study, may_review=waiting and not mine, not_yours=mine))
    return rows


def case_study_for_member(slug: str) -> CaseStudy:
    """One case study, whatever its status, with its visit, areas, sections and key facts."""
    return get_object_or_404(
        CaseStudy.objects.select_related("visit").prefetch_related(
            Prefetch("local_authorities", queryset=LocalAuthority.objects.order_by("name")),
            "sections",
            "key_facts",
        ),
        slug=slug,
    )


# ----- The API -------------------------------------------------------------------


def case_study_list_for_api(*, published_only: bool) -> QuerySet[CaseStudy]:
    """Case studies with everything the API shows, in four queries for any number."""
    audience = Audience.PUBLIC if published_only else Audience.STAFF
    return (
        visible_case_studies(audience)
        .prefetch_related("sections", "key_facts", _areas_with_region())
        .order_by("-published_at", "title", "pk")
    )


# ----- History -------------------------------------------------------------------

#: The sections and key facts read as two text fields on the history page.
HISTORY_PARTS = (
    history.Part(
        "sections", "Sections", Section, "case_study", lambda r: f"## {r.heading}\n{r.body}"
    ),
    history.Part(
        "key_facts", "Key facts", KeyFact, "case_study", lambda r: f"{r.label}: {r.value}"
    ),
)


def case_study_history(case_study: CaseStudy, *, page_number: Any = 1) -> history.RecordHistory:
    """Every saved version of the case study, newest first, with line diffs of its summary,
    sections and key facts. A fixed number of queries a page."""
    return history.record_history(case_study, page_number=page_number, parts=HISTORY_PARTS)
