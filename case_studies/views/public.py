"""The public side of case studies: the list, one case study's page and its PDF."""

from django.http import HttpRequest, HttpResponse, HttpResponseBase
from django.shortcuts import render

from areas.models import AuthorityType
from mash_survey.markdown import render_markdown
from mash_survey.pagination import page_of
from mash_survey.pdf import serve_pdf
from mash_survey.roles import is_staff_member

from .. import queries
from ..models import CaseStudy, CaseStudyModel, CaseStudyStatus


def _filter_from(request: HttpRequest) -> queries.CaseStudyFilter:
    """The filter from the query string; anything unknown is ignored."""
    model = request.GET.get("model", "")
    authority_type = request.GET.get("authority_type", "")
    return queries.CaseStudyFilter(
        region=request.GET.get("region", "").strip().upper()[:9],
        model=model if model in CaseStudyModel.values else "",
        authority_type=authority_type if authority_type in AuthorityType.values else "",
    )


#: The list's orders (`?sort=`), by publication date; the first is the default.
SORTS = (("newest", "Newest first"), ("oldest", "Oldest first"))


def _sort_from(request: HttpRequest) -> str:
    """The order from the query string; an unknown one is ignored, like an unknown filter."""
    sort = request.GET.get("sort", "")
    return sort if sort in dict(SORTS) else SORTS[0][0]


def case_study_list(request: HttpRequest) -> HttpResponse:
    case_study_filter = _filter_from(request)
    sort = _sort_from(request)
    page = page_of(
        request,
        queries.published_case_study_list(case_study_filter, oldest_first=sort == "oldest"),
    )
    case_studies = list(page.object_list)
    context = {
        "sort": sort,
        "sorts": SORTS,
        "page": page,
        "case_studies": case_studies,
        "options": queries.case_study_filter_options(case_study_filter),
        "filter": case_study_filter,
        "is_filtered": any(
            [case_study_filter.region, case_study_filter.model, case_study_filter.authority_type]
        ),
        "any_illustrative": any(case_study.is_illustrative for case_study in case_studies),
    }
    return render(request, "case_studies/index.html", context)


def _page_context(case_study: CaseStudy) -> dict[str, object]:
    areas = list(case_study.local_authorities.all())
    regions = sorted({area.region.name for area in areas})
    sections = [
        {
            "pk": section.pk,
            "heading": section.heading,
            "anchor": f"section-{index}",
            "html": render_markdown(section.body),
        }
        for index, section in enumerate(case_study.sections.all(), start=1)
    ]
    return {
        "case_study": case_study,
        "areas": areas,
        "regions": regions,
        "sections": sections,
        "key_facts": list(case_study.key_facts.all()),
    }


def case_study_detail(request: HttpRequest, slug: str) -> HttpResponse:
    case_study = queries.case_study_for_page(
        slug, include_unpublished=is_staff_member(request.user)
    )
    context = _page_context(case_study)
    context["is_withdrawn"] = case_study.status == CaseStudyStatus.WITHDRAWN
    context["can_code"] = (
        is_staff_member(request.user) and case_study.status == CaseStudyStatus.PUBLISHED
    )
    context["is_unpublished"] = case_study.status in (
        CaseStudyStatus.DRAFT,
        CaseStudyStatus.IN_REVIEW,
    )
    return render(request, "case_studies/public/detail.html", context)


def case_study_pdf(request: HttpRequest, slug: str) -> HttpResponseBase:
    """One published case study as an A4 PDF, titled with the case study's title: made once
    for each version of what it shows and stored (`mash_survey.pdf.serve_pdf`), with an ETag.
    Nothing is served for a case study that is not published, stored or not."""
    case_study = queries.published_case_study_for_pdf(slug)
    return serve_pdf(
        request,
        "case_studies/public/pdf.html",
        _page_context(case_study),
        record=case_study,
        filename=f"{case_study.slug}.pdf",
        title=case_study.title,
        illustrative=case_study.is_illustrative,
    )
