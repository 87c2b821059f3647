"""The data-quality page of visits and detailed feedback, and marking its warnings checked
(`mash_survey.quality`)."""

from django.http import HttpRequest, HttpResponse
from django.urls import reverse

from mash_survey import quality
from mash_survey.access import FORM, SAFE, member_required

from ..quality import visit_problems

TITLE = "Visits and detailed feedback"


@member_required(methods=SAFE)
def data_quality(request: HttpRequest) -> HttpResponse:
    return quality.report_page(
        request,
        problems=visit_problems(),
        title=TITLE,
        about="Every visit and every detailed feedback record, checked against the rules "
        "their forms apply: dates, figures, text lengths, answers that need another answer, "
        "and figures that look wrong beside each other.",
        check_url=reverse("visits:data_quality_check"),
        breadcrumbs=[("Visits", reverse("visits:index"))],
    )


@member_required(methods=FORM)
def data_quality_check(request: HttpRequest) -> HttpResponse:
    back = reverse("visits:data_quality")
    return quality.check_page(
        request,
        problems=visit_problems(),
        title=TITLE,
        back_url=back,
        breadcrumbs=[("Visits", reverse("visits:index")), ("Data quality", back)],
    )
