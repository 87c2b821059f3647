"""Choosing areas to visit from the survey returns (project members only).

The project plans at most five visits a region: more is allowed, and the list warns.

The list is one page, not paginated like other lists (`mash_survey.pagination`): an area is
selected at most once a survey (a database constraint), so it never holds more than the
register's 152 authorities, and it is read region by region against the plan.
"""

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_POST

from mash_survey.access import member_required, signed_in_user
from mash_survey.errors import ServiceError

from .. import queries, services
from ..forms_selection import VisitSelectionForm
from ..models import Survey


def _render_list(request: HttpRequest, survey: Survey, form: VisitSelectionForm) -> HttpResponse:
    regions = queries.visit_selection_by_region(survey)
    return render(
        request,
        "surveys/selection/list.html",
        {
            "survey": survey,
            "form": form,
            "regions": regions,
            "selected_count": sum(r.count for r in regions),
            "over_plan": [r for r in regions if r.over_plan],
            "planned_per_region": queries.VISITS_PLANNED_PER_REGION,
        },
    )


@require_GET
@member_required
def selection_list(request: HttpRequest, slug: str) -> HttpResponse:
    survey = queries.survey_detail(slug=slug)
    form = VisitSelectionForm(candidates=queries.visit_selection_candidates(survey))
    return _render_list(request, survey, form)


@require_POST
@member_required
def selection_add(request: HttpRequest, slug: str) -> HttpResponse:
    survey = queries.survey_detail(slug=slug)
    form = VisitSelectionForm(request.POST, candidates=queries.visit_selection_candidates(survey))
    if form.is_valid():
        try:
            selection = services.visit_selection_add(
                survey=survey,
                local_authority=form.cleaned_data["local_authority"],
                reason=form.cleaned_data["reason"],
                user=signed_in_user(request),
            )
        except ServiceError as exc:
            form.add_error("local_authority", str(exc))
        else:
            messages.success(request, f"{selection.local_authority.name} selected for a visit")
            return redirect("surveys:selection", slug=survey.slug)
    return _render_list(request, survey, form)


@require_POST
@member_required
def selection_remove(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    survey = queries.survey_detail(slug=slug)
    selection = queries.visit_selection_find(survey, pk=pk)
    if selection is None:
        messages.info(request, "That area had already been removed from the areas to visit.")
        return redirect("surveys:selection", slug=survey.slug)
    try:
        services.visit_selection_remove(
            selection=selection,
            user=signed_in_user(request),
        )
    except ServiceError as exc:
        messages.info(request, str(exc))
    else:
        messages.success(
            request, f"{selection.local_authority.name} removed from the areas to visit"
        )
    return redirect("surveys:selection", slug=survey.slug)
