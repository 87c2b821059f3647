"""Who is asking, as the visibility rules see it: each kind of record has one function from an
`Audience` to the records it may see (for example `case_studies.queries.visible_case_studies`),
and its pages, its API and search all use it.
"""

import enum
from typing import Any

from .roles import is_staff_member


class Audience(enum.IntEnum):
    PUBLIC = 0  # anyone: signed out, or signed in without a project role
    PARTNER = 1  # a partner system's API key
    STAFF = 2  # a signed-in project member (staff, reviewer or administrator)


def audience_of(request: Any) -> Audience:
    """The audience of a page request or an API request (a DRF request's `auth` holds the
    partner key it was authenticated with)."""
    from rest_framework_api_key.models import APIKey

    if is_staff_member(request.user):
        return Audience.STAFF
    if isinstance(getattr(request, "auth", None), APIKey):
        return Audience.PARTNER
    return Audience.PUBLIC
