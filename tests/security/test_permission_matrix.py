"""Every URL of the service, GET as every role, against the table in permission_matrix.py.

The URLs come from the resolver, not a list, so a new URL fails here until the table says
who may see it.
"""

import enum
from urllib.parse import urlsplit

import pytest
from django.http import HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.urls import path, reverse

from .endpoints import Endpoint, endpoints
from .permission_matrix import ACCESS, ALLOWED, NAMESPACE_ACCESS, Access, access_for, sample_url
from .samples import Role, Samples

ENDPOINTS = endpoints()


class Outcome(enum.Enum):
    PAGE = "a page (2xx)"
    REDIRECT = "a redirect onwards"
    SIGN_IN = "a redirect to sign in"
    REFUSED = "401 or 403"
    NOT_ALLOWED = "405 method not allowed"
    NOT_FOUND = "404 not found"
    OTHER = "something else"


def outcome(response: HttpResponseBase) -> Outcome:
    status = response.status_code
    if 200 <= status < 300:
        return Outcome.PAGE
    if 300 <= status < 400:
        target = urlsplit(response["Location"]).path
        sign_in = {reverse("login"), reverse("admin:login")}
        return Outcome.SIGN_IN if target in sign_in else Outcome.REDIRECT
    if status in (401, 403):
        return Outcome.REFUSED
    if status == 405:
        return Outcome.NOT_ALLOWED
    if status == 404:
        return Outcome.NOT_FOUND
    return Outcome.OTHER


def expected(access: Access, role: Role, endpoint: Endpoint) -> set[Outcome]:
    if access is Access.POST_ONLY:
        # Django's logout answers 405; the admin's sends non-staff to its own index first.
        return {Outcome.NOT_ALLOWED, Outcome.REDIRECT, Outcome.SIGN_IN}
    if role in ALLOWED[access]:
        return {Outcome.PAGE, Outcome.REDIRECT}
    if access is Access.DRAFT:
        return {Outcome.NOT_FOUND}
    if access is Access.MEMBERS and endpoint.namespace != "api":
        # Pages: a stranger is asked to sign in; a signed-in user without a role is told no.
        return {Outcome.REFUSED} if role is Role.NO_GROUP else {Outcome.SIGN_IN}
    return {Outcome.SIGN_IN, Outcome.REFUSED}


def describe(response: HttpResponseBase) -> str:
    location = f" to {response['Location']}" if response.has_header("Location") else ""
    return f"{response.status_code}{location}"


def missing_message(keys: list[str]) -> str:
    return (
        "These URL patterns have no access level. Add each to ACCESS in "
        "tests/security/permission_matrix.py (public, members, partner, admin, nobody, "
        "post_only):\n  " + "\n  ".join(keys)
    )


def test_every_url_pattern_has_an_access_level() -> None:
    missing = sorted({e.key for e in ENDPOINTS if access_for(e) is None})
    assert not missing, missing_message(missing)


def test_the_table_names_only_urls_that_exist() -> None:
    stale = sorted(set(ACCESS) - {e.key for e in ENDPOINTS})
    assert not stale, (
        "ACCESS in tests/security/permission_matrix.py names URLs that no longer exist; "
        f"remove them: {stale}"
    )


def test_the_walk_finds_the_admin_and_the_api_format_suffixes() -> None:
    routes = {e.route for e in ENDPOINTS}
    names = [e.name for e in ENDPOINTS]
    assert "admin" in NAMESPACE_ACCESS
    assert "admin:areas_localauthority_change" in names
    assert names.count("api:localauthority-detail") == 2, "plain and format-suffix patterns"
    assert any("(?P<format>" in route for route in routes)


def _view(request: HttpRequest) -> HttpResponse:
    return HttpResponse()


def test_a_new_url_without_an_entry_has_no_access_level() -> None:
    new = Endpoint(chain=(path("reports/", _view, name="report_list"),), namespaces=())
    new_admin_page = Endpoint(chain=(path("admin/x/", _view, name="x"),), namespaces=("admin",))

    assert access_for(new) is None
    assert access_for(new_admin_page) is Access.ADMIN


def test_a_path_parameter_without_a_sample_value_fails_with_what_to_do(samples: Samples) -> None:
    new = Endpoint(chain=(path("reports/<int:report_id>/", _view, name="report"),), namespaces=())

    with pytest.raises(LookupError, match=r"'report_id'.*add them to PARAMETERS"):
        sample_url(new, samples)


@pytest.mark.parametrize("endpoint", ENDPOINTS, ids=lambda e: e.route)
def test_each_role_gets_only_what_the_url_access_level_allows(
    endpoint: Endpoint, samples: Samples
) -> None:
    access = access_for(endpoint)
    assert access is not None, missing_message([endpoint.key])
    url = sample_url(endpoint, samples)
    problems = []
    for role in Role:
        client = samples.client(role)
        response = client.get(url)
        allowed = expected(access, role, endpoint)
        got = outcome(response)
        if got not in allowed:
            wanted = " or ".join(sorted(o.value for o in allowed))
            problems.append(
                f"{role.value}: expected {wanted}, got {got.value} ({describe(response)})"
            )
        # A GET (a link, an image) must never sign anyone out.
        signed_in = role in samples.users
        if access is Access.POST_ONLY and signed_in and "_auth_user_id" not in client.session:
            problems.append(f"{role.value}: a GET signed them out")
    assert not problems, f"GET {url} ({endpoint.key}, {access.value}):\n  " + "\n  ".join(problems)


# Other POST-only URLs (selecting an area, confirming an import) change data: their own tests
# check what a POST does.
@pytest.mark.parametrize(
    "endpoint",
    [e for e in ENDPOINTS if access_for(e) is Access.POST_ONLY and e.key.endswith("logout")],
    ids=lambda e: e.key,
)
def test_a_post_only_url_signs_out_on_post(endpoint: Endpoint, samples: Samples) -> None:
    url = sample_url(endpoint, samples)
    client = samples.client(Role.ADMIN)
    response = client.post(url)
    assert response.status_code in (200, 302), describe(response)
    assert "_auth_user_id" not in client.session
