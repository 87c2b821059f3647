import datetime as dt
import logging
import uuid
from typing import Any

from django.conf import settings
from django.contrib.auth.views import LogoutView
from django.core.cache import cache
from django.core.exceptions import PermissionDenied
from django.db import DatabaseError, connection
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from areas.models import LocalAuthority, Region
from findings.queries import latest_published_edition
from mash_survey.disclosure import min_areas

from . import audit, quality
from .access import FOR_ADMINISTRATORS, FOR_MEMBERS, FOR_REVIEWERS
from .models import AuditKind
from .roles import is_administrator, is_staff_member


def home(request: HttpRequest) -> HttpResponse:
    """The home page: the report first once an edition is published (the findings by theme
    before then); project members also see the open data-quality problems of each data set
    (`mash_survey.quality`)."""
    return render(
        request,
        "home.html",
        {
            "edition": latest_published_edition(),
            "region_count": Region.objects.count(),
            "authority_count": LocalAuthority.objects.count(),
            "quality": quality.summaries() if is_staff_member(request.user) else None,
            "administrator": is_administrator(request.user),
        },
    )


logger = logging.getLogger(__name__)


def _database_error() -> str | None:
    """None when the database answers a `SELECT 1`, else the name of the error it raised."""
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except DatabaseError as exc:
        logger.warning("The database does not answer", exc_info=True)
        return type(exc).__name__
    return None


def _cache_answers() -> bool:
    """The cache keeps a value and gives it back (a key of its own: probes of several
    workers at once do not meet)."""
    key = f"readyz:{uuid.uuid4().hex}"
    try:
        cache.set(key, "ok", timeout=10)
        kept = cache.get(key)
        cache.delete(key)
    except Exception:  # each cache backend raises its own errors
        logger.warning("The cache does not answer", exc_info=True)
        return False
    return kept == "ok"


@never_cache
@require_GET
def healthz(request: HttpRequest) -> JsonResponse:
    """Liveness, for load balancers and `make run`: 200 when the database answers, 503 when
    not."""
    error = _database_error()
    if error:
        return JsonResponse(
            {"status": "unavailable", "database": "unavailable", "error": error}, status=503
        )
    return JsonResponse({"status": "ok", "database": "ok", "vendor": connection.vendor})


@never_cache
@require_GET
def readyz(request: HttpRequest) -> JsonResponse:
    """Readiness: 200 when both the database and the cache answer (`{"database": "ok",
    "cache": "ok"}`), 503 naming the one that does not ("unavailable")."""
    checks = {"database": _database_error() is None, "cache": _cache_answers()}
    return JsonResponse(
        {name: "ok" if ok else "unavailable" for name, ok in checks.items()},
        status=200 if all(checks.values()) else 503,
    )


def about_data(request: HttpRequest) -> HttpResponse:
    return render(request, "about_data.html", {"min_areas": min_areas()})


#: When the accessibility statement was first prepared, and when it was last reviewed against
#: the service: change the second whenever the statement is checked again.
STATEMENT_PREPARED = dt.date(2026, 11, 30)
STATEMENT_REVIEWED = dt.date(2026, 12, 7)


def accessibility(request: HttpRequest) -> HttpResponse:
    """The accessibility statement, in the UK public sector template's order."""
    return render(
        request,
        "accessibility.html",
        {
            "contact_email": settings.CONTACT_EMAIL,
            "statement_prepared": STATEMENT_PREPARED,
            "statement_reviewed": STATEMENT_REVIEWED,
        },
    )


def permission_denied(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    """The 403 page, saying why when the refusal does (`mash_survey.access`). A refusal to
    someone signed in is a `permission_refused` audit event (someone signed out is sent to
    sign in instead, by the decorators)."""
    reason = (str(exception) if isinstance(exception, PermissionDenied) else "") or FOR_MEMBERS
    user = getattr(request, "user", None)
    if user is not None and user.is_authenticated:
        audit.record(AuditKind.PERMISSION_REFUSED, request=request, detail={"reason": reason})
    return render(
        request,
        "403.html",
        {
            "reason": reason,
            "for_a_role": reason in (FOR_MEMBERS, FOR_REVIEWERS, FOR_ADMINISTRATORS),
        },
        status=403,
    )


#: Posted fields never shown back: tokens, versions and anything secret.
NOT_SHOWN_BACK = ("csrfmiddlewaretoken", "version", "password", "token", "key", "secret")


def csrf_failure(request: HttpRequest, reason: str = "") -> HttpResponse:
    """A form posted from a page opened before the session changed (signed out and in again,
    or timed out). Says so, and shows what was typed so it can be copied back: escaped by
    the template, never saved."""
    typed = [
        (name, value)
        for name, values in request.POST.lists()
        if not any(word in name.lower() for word in NOT_SHOWN_BACK)
        for value in values
        if value.strip()
    ]
    return render(request, "403_csrf.html", {"typed": typed}, status=403)


class SignOutView(LogoutView):
    """Signing out is a POST (the header's button). A GET (a bookmarked or typed address)
    asks to confirm instead of answering 405."""

    http_method_names = ["get", "post", "options"]

    def get(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        return render(request, "registration/logout_confirm.html")


def page_not_found(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    if request.path.startswith("/api/"):
        # An address under the API that names no endpoint (a code with characters no code
        # has): the API's own error body, as every other API error, not a web page.
        return JsonResponse(
            {"detail": "No endpoint is at this address: the API's endpoints are at /api/v1/."},
            status=404,
        )
    return render(request, "404.html", status=404)


def server_error(request: HttpRequest) -> HttpResponse:
    # No context processors: the database may be the reason we are here.
    from django.template import loader

    return HttpResponse(loader.get_template("500.html").render(), status=500)
