"""A survey's data-quality page, and marking its warnings checked (`mash_survey.quality`)."""

from django.http import HttpRequest, HttpResponse
from django.urls import reverse

from mash_survey import quality
from mash_survey.access import FORM, SAFE, member_required

from .. import queries
from ..models import Survey
from ..quality import problems_of


def _breadcrumbs(survey: Survey) -> list[tuple[str, str]]:
    return [
        ("Survey", reverse("surveys:index")),
        (survey.title, survey.get_absolute_url()),
        ("Returns", reverse("surveys:return_list", kwargs={"slug": survey.slug})),
    ]


@member_required(methods=SAFE)
def data_quality(request: HttpRequest, slug: str) -> HttpResponse:
    survey = queries.survey_detail(slug=slug)
    return quality.report_page(
        request,
        problems=problems_of(survey),
        title=survey.title,
        about="Every answer in every return, checked against its question's rules and "
        "compared with the other areas' answers; and every submitted return checked for "
        "required questions left unanswered.",
        check_url=reverse("surveys:data_quality_check", kwargs={"slug": slug}),
        breadcrumbs=_breadcrumbs(survey),
    )


@member_required(methods=FORM)
def data_quality_check(request: HttpRequest, slug: str) -> HttpResponse:
    survey = queries.survey_detail(slug=slug)
    back = reverse("surveys:data_quality", kwargs={"slug": slug})
    return quality.check_page(
        request,
        problems=problems_of(survey),
        title=survey.title,
        back_url=back,
        breadcrumbs=[*_breadcrumbs(survey), ("Data quality", back)],
    )
