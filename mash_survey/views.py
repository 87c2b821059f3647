from django.core.exceptions import PermissionDenied
from django.db import DatabaseError, connection
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from areas.models import LocalAuthority, Region
from mash_survey.disclosure import min_areas

from .access import FOR_MEMBERS, FOR_REVIEWERS


def home(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "home.html",
        {
            "region_count": Region.objects.count(),
            "authority_count": LocalAuthority.objects.count(),
        },
    )


@never_cache
@require_GET
def healthz(request: HttpRequest) -> JsonResponse:
    """For load balancers and `make run`: 200 when the database answers, 503 when not."""
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except DatabaseError as exc:
        return JsonResponse(
            {"status": "unavailable", "database": "unavailable", "error": type(exc).__name__},
            status=503,
        )
    return JsonResponse({"status": "ok", "database": "ok", "vendor": connection.vendor})


def about_data(request: HttpRequest) -> HttpResponse:
    return render(request, "about_data.html", {"min_areas": min_areas()})


def accessibility(request: HttpRequest) -> HttpResponse:
    return render(request, "accessibility.html")


def permission_denied(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    """The 403 page, saying why when the refusal does (`mash_survey.access`)."""
    reason = (str(exception) if isinstance(exception, PermissionDenied) else "") or FOR_MEMBERS
    return render(
        request,
        "403.html",
        {"reason": reason, "for_a_role": reason in (FOR_MEMBERS, FOR_REVIEWERS)},
        status=403,
    )


def page_not_found(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return render(request, "404.html", status=404)


def server_error(request: HttpRequest) -> HttpResponse:
    # No context processors: the database may be the reason we are here.
    from django.template import loader

    return HttpResponse(loader.get_template("500.html").render(), status=500)
