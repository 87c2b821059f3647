"""Who may GET each URL of the service: the table test_permission_matrix.py checks.

Adding a URL: put its name (with its namespace, as `reverse()` takes it) in ACCESS with
its access level. If its path takes a parameter the tables below do not know, add a sample
value to PARAMETERS (or to URL_PARAMETERS, when the name means something else for that
URL). Everything under the `admin` namespace is ADMIN unless ACCESS says otherwise.
"""

import enum
from collections.abc import Callable

from django.contrib.admin.utils import quote
from django.contrib.contenttypes.models import ContentType

from .endpoints import Endpoint, model_admin_of
from .samples import MEMBER_ROLES, Role, Samples


class Access(enum.Enum):
    PUBLIC = "everyone"
    MEMBERS = "project members: staff, reviewers and administrators"
    PARTNER = "internal API data: project members and partner keys"
    ADMIN = "administrators (superusers) only"
    NOBODY = "no one, administrators included (a view the service switches off)"
    POST_ONLY = "POST only: a GET never shows a page or changes anything"


#: The roles that may GET a URL of each level.
ALLOWED: dict[Access, frozenset[Role]] = {
    Access.PUBLIC: frozenset(Role),
    Access.MEMBERS: MEMBER_ROLES,
    Access.PARTNER: MEMBER_ROLES | {Role.PARTNER},
    Access.ADMIN: frozenset({Role.ADMIN}),
    Access.NOBODY: frozenset(),
    Access.POST_ONLY: frozenset(),
}

ACCESS: dict[str, Access] = {
    # The project's own pages.
    "home": Access.PUBLIC,
    "healthz": Access.PUBLIC,
    "about_data": Access.PUBLIC,
    "accessibility": Access.PUBLIC,
    "login": Access.PUBLIC,
    "logout": Access.POST_ONLY,
    "areas:region_list": Access.PUBLIC,
    "areas:region": Access.PUBLIC,
    "areas:authority": Access.PUBLIC,
    "surveys:index": Access.PUBLIC,
    "visits:index": Access.MEMBERS,
    "case_studies:index": Access.PUBLIC,
    "findings:index": Access.PUBLIC,
    # The API (each name covers its format-suffix pattern too).
    "api:api-root": Access.PUBLIC,
    "api:schema": Access.PUBLIC,
    "api:docs": Access.PUBLIC,
    "api:region-list": Access.PUBLIC,
    "api:region-detail": Access.PUBLIC,
    "api:localauthority-list": Access.PUBLIC,
    "api:localauthority-detail": Access.PUBLIC,
    # The admin is ADMIN automatically; these are the exceptions.
    "admin:login": Access.PUBLIC,
    "admin:logout": Access.POST_ONLY,
    # django-axes keeps its records itself: no one adds them by hand.
    "admin:axes_accessattempt_add": Access.NOBODY,
    "admin:axes_accesslog_add": Access.NOBODY,
    "admin:axes_accessfailurelog_add": Access.NOBODY,
}

#: Namespaces whose URLs need no entry in ACCESS.
NAMESPACE_ACCESS: dict[str, Access] = {"admin": Access.ADMIN}


def access_for(endpoint: Endpoint) -> Access | None:
    if endpoint.key in ACCESS:
        return ACCESS[endpoint.key]
    return NAMESPACE_ACCESS.get(endpoint.namespace)


# Sample values for path parameters: each takes the samples and the URL being filled in.
Sample = Callable[[Samples, Endpoint], str]


def _admin_object_id(samples: Samples, endpoint: Endpoint) -> str:
    """The pk of a real row of the model the admin view edits, quoted as the admin does."""
    model_admin = model_admin_of(endpoint.callback)
    if model_admin is None:
        raise LookupError(
            f"{endpoint.route} is not served by a ModelAdmin: give its parameters sample "
            "values in URL_PARAMETERS."
        )
    obj = model_admin.model._default_manager.order_by("pk").first()
    if obj is None:
        raise LookupError(
            f"There is no {model_admin.model._meta.label} for {endpoint.route}: create one "
            "in make_samples() in tests/security/samples.py."
        )
    return quote(obj.pk)


PARAMETERS: dict[str, Sample] = {
    "slug": lambda s, e: s.authority.slug,
    "code": lambda s, e: s.region.code,
    "gss_code": lambda s, e: s.authority.gss_code,
    "format": lambda s, e: "json",
    # The admin's.
    "object_id": _admin_object_id,
    "id": _admin_object_id,
    "app_label": lambda s, e: "areas",
    # The admin's catch-all: an admin page without its closing slash.
    "url": lambda s, e: "areas/region",
}

URL_PARAMETERS: dict[str, dict[str, Sample]] = {
    "areas:region": {"slug": lambda s, e: s.region.slug},
    "admin:view_on_site": {
        "content_type_id": lambda s, e: str(ContentType.objects.get_for_model(s.authority).pk),
        "object_id": lambda s, e: str(s.authority.pk),
    },
}

#: Query strings a URL needs to do its job (without one it refuses everyone).
QUERY_STRINGS: dict[str, str] = {
    "admin:autocomplete": "app_label=areas&model_name=partneragency&field_name=local_authority",
}


def sample_url(endpoint: Endpoint, samples: Samples) -> str:
    """A URL of `endpoint` that points at real rows."""
    samplers = {**PARAMETERS, **URL_PARAMETERS.get(endpoint.key, {})}
    unknown = [param for param in endpoint.parameters if param not in samplers]
    if unknown:
        raise LookupError(
            f"{endpoint.key} ({endpoint.route}) takes the path parameter(s) {unknown}, "
            "which have no sample value: add them to PARAMETERS, or to URL_PARAMETERS for "
            "this URL, in tests/security/permission_matrix.py."
        )
    path = endpoint.path(
        {param: samplers[param](samples, endpoint) for param in endpoint.parameters}
    )
    query = QUERY_STRINGS.get(endpoint.key)
    return f"{path}?{query}" if query else path
