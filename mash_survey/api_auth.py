"""How the API knows who is calling, what they may do, and how often.

Partner systems send `Authorization: Api-Key <key>`. Keys are issued in the admin
(djangorestframework-api-key: stored hashed, shown once, revocable; `mash_survey/admin.py`
requires an expiry). A request with a key is authenticated as an anonymous user carrying
the key in `request.auth`; the viewsets decide what a key may see (approved records). A
key that is wrong, revoked, expired or without an expiry, and an `Authorization` header
in any other form, is refused outright, never quietly treated as anonymous, so a partner
notices at once. A request with no `Authorization` header is anonymous or, in a browser,
the signed-in member.
"""

from typing import Any

from django.contrib.auth.models import AnonymousUser
from rest_framework import exceptions, permissions
from rest_framework.authentication import BaseAuthentication
from rest_framework.request import Request
from rest_framework.throttling import AnonRateThrottle, SimpleRateThrottle, UserRateThrottle
from rest_framework_api_key.models import AbstractAPIKey, APIKey

from .client_address import client_address
from .roles import is_staff_member


class PartnerKeyAuthentication(BaseAuthentication):
    keyword = "Api-Key"

    def authenticate(self, request: Request) -> tuple[AnonymousUser, AbstractAPIKey] | None:
        header = request.META.get("HTTP_AUTHORIZATION")
        if header is None:
            return None
        words = header.split()
        if len(words) != 2 or words[0].lower() != self.keyword.lower():
            raise exceptions.AuthenticationFailed(
                "Send your partner API key as 'Authorization: Api-Key <key>', or send no "
                "Authorization header to use the API without a key."
            )
        try:
            api_key = APIKey.objects.get_from_key(words[1])
        except APIKey.DoesNotExist:
            raise exceptions.AuthenticationFailed(
                "This API key is not recognised or has been revoked. Ask the project "
                "team for a new key."
            ) from None
        if api_key.expiry_date is None:
            raise exceptions.AuthenticationFailed(
                "This API key has no expiry date. Ask the project team to set one."
            )
        if api_key.has_expired:
            raise exceptions.AuthenticationFailed(
                "This API key has expired. Ask the project team for a new key."
            )
        return AnonymousUser(), api_key

    def authenticate_header(self, request: Request) -> str:
        return self.keyword


def partner_key(request: Request) -> APIKey | None:
    return request.auth if isinstance(request.auth, APIKey) else None


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
