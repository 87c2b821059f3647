"""How the API knows who is calling, what they may do, and how often.

Partner systems send `Authorization: Api-Key <key>`. Keys are issued in the admin
(djangorestframework-api-key: stored hashed, shown once, revocable; `mash_survey/admin.py`
requires an expiry). A request with a key is authenticated as an anonymous user carrying
the key in `request.auth`; the viewsets decide what a key may see (approved records). A
key that is wrong, revoked, expired or without an expiry, and an `Authorization` header
in any other form, is refused outright, never quietly treated as anonymous, so a partner
notices at once. A request with no `Authorization` header is anonymous or, in a browser,
the signed-in member.

Audit events (`mash_survey.audit`): every refused key (`api_key_refused`, saying why: not a
key, unknown, revoked, a wrong secret, no expiry, expired), a key's use (logged every time,
kept once per key an hour) and every 403 the API answers a signed-in member or a key
(`permission_refused`, through `exception_handler`).
"""

from typing import Any

from django.contrib.auth.models import AnonymousUser
from rest_framework import exceptions, permissions
from rest_framework.authentication import BaseAuthentication
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.throttling import AnonRateThrottle, SimpleRateThrottle, UserRateThrottle
from rest_framework_api_key.models import AbstractAPIKey, APIKey

from . import audit
from .client_address import client_address
from .models import AuditKind
from .roles import is_staff_member


class PartnerKeyAuthentication(BaseAuthentication):
    keyword = "Api-Key"

    def authenticate(self, request: Request) -> tuple[AnonymousUser, AbstractAPIKey] | None:
        header = request.META.get("HTTP_AUTHORIZATION")
        if header is None:
            return None
        words = header.split()
        if len(words) != 2 or words[0].lower() != self.keyword.lower():
            raise _refused(
                request,
                "not an API key",
                "Send your partner API key as 'Authorization: Api-Key <key>', or send no "
                "Authorization header to use the API without a key.",
            )
        try:
            api_key = APIKey.objects.get_from_key(words[1])
        except APIKey.DoesNotExist:
            raise _unusable_key(request, words[1]) from None
        if api_key.expiry_date is None:
            raise _refused(
                request,
                "no expiry date",
                "This API key has no expiry date. Ask the project team to set one.",
                api_key,
            )
        if api_key.has_expired:
            raise _refused(
                request,
                "expired",
                "This API key has expired. Ask the project team for a new key.",
                api_key,
            )
        audit.api_key_used(request._request, api_key)
        return AnonymousUser(), api_key

    def authenticate_header(self, request: Request) -> str:
        return self.keyword


UNUSABLE = "This API key is not recognised or has been revoked. Ask the project team for a new key."


def _unusable_key(request: Request, key: str) -> exceptions.AuthenticationFailed:
    """The refusal of a key no usable key matches: the audit event says whether its prefix
    names a revoked key, a key whose secret was wrong, or none (one query, only here)."""
    prefix = key.partition(".")[0][:8]
    known = APIKey.objects.filter(prefix=prefix).first()
    why = "unknown" if known is None else "revoked" if known.revoked else "wrong secret"
    return _refused(request, why, UNUSABLE, known, prefix=prefix)


def _refused(
    request: Request,
    why: str,
    message: str,
    api_key: AbstractAPIKey | None = None,
    *,
    prefix: str = "",
) -> exceptions.AuthenticationFailed:
    """The refusal to raise, recorded as an `api_key_refused` audit event (every time)."""
    detail = {"reason": why, **({"prefix": prefix} if prefix and api_key is None else {})}
    audit.record(
        AuditKind.API_KEY_REFUSED, request=request._request, api_key=api_key, detail=detail
    )
    return exceptions.AuthenticationFailed(message)


def partner_key(request: Request) -> APIKey | None:
    return request.auth if isinstance(request.auth, APIKey) else None


def exception_handler(exc: Exception, context: dict[str, Any]) -> Response | None:
    """DRF's answer to an error, with a 403 to a signed-in member or a partner key recorded
    as a `permission_refused` audit event (callers with neither are not: they are told to
    send a key)."""
    # Imported here: rest_framework.views reads the authentication classes of this module.
    from rest_framework.views import exception_handler as drf_exception_handler

    response = drf_exception_handler(exc, context)
    request = context.get("request")
    if response is None or response.status_code != 403 or not isinstance(request, Request):
        return response
    key, user = partner_key(request), request.user
    if key is not None or (user is not None and user.is_authenticated):
        audit.record(
            AuditKind.PERMISSION_REFUSED,
            request=request._request,
            user=user,
            api_key=key,
            detail={"reason": str(getattr(exc, "detail", "") or exc)},
        )
    return response


def is_staff_request(request: Request) -> bool:
    """A signed-in member of the project (staff, reviewer or administrator)."""
    return is_staff_member(request.user)


class ReadOnly(permissions.BasePermission):
    """Everything in the API is read-only for every caller."""

    message = "The API is read-only."

    def has_permission(self, request: Request, view: Any) -> bool:
        return request.method in permissions.SAFE_METHODS


class StaffOrPartnerKey(permissions.BasePermission):
    """Internal records: project members and partner keys only."""

    message = "Send a partner API key (Authorization: Api-Key <key>) to read these records."

    def has_permission(self, request: Request, view: Any) -> bool:
        return partner_key(request) is not None or is_staff_request(request)


class AnonymousThrottle(AnonRateThrottle):
    """Callers with neither a session nor a key, limited by address (`client_address`)."""

    def get_ident(self, request: Request) -> str:
        return client_address(request)

    def get_cache_key(self, request: Request, view: Any) -> str | None:
        if partner_key(request) is not None:
            return None
        return super().get_cache_key(request, view)


class PartnerKeyThrottle(SimpleRateThrottle):
    """Each partner key has its own allowance."""

    scope = "partner"

    def get_cache_key(self, request: Request, view: Any) -> str | None:
        key = partner_key(request)
        if key is None:
            return None
        return self.cache_format % {"scope": self.scope, "ident": key.pk}


class SignedInUserThrottle(UserRateThrottle):
    """Signed-in project members, each limited on their own.

    DRF's UserRateThrottle falls back to the caller's address when no one is signed in, so
    partner keys and anonymous callers sharing an address (or a proxy) would also share
    one "user" allowance; the two throttles above already limit those callers.
    """

    def get_cache_key(self, request: Request, view: Any) -> str | None:
        if not request.user or not request.user.is_authenticated:
            return None
        return super().get_cache_key(request, view)
