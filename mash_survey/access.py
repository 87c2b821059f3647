"""Who may open the internal pages: the view decorators every app uses.

- `member_required`: project staff, reviewers and administrators. Anyone not signed in is sent
  to sign in first (as `login_required` does); anyone else signed in is refused with 403.
- `reviewer_required`: the same, for reviewers and administrators only.
- `administrator_required`: the same, for administrators (superusers) only.
- Either with `methods=`: the view takes only those HTTP methods. A signed-in caller using
  another one gets 405 whatever their role; someone signed out is still sent to sign in.
- A view may refuse someone the decorator let in with `PermissionDenied("why")`: the 403 page
  shows its message (a reviewer who wrote what they came to review, say).
- `member_required_or(refusal)`: for endpoints a script calls (autosave), which answer every
  caller who may not use them, signed in or not, with `refusal(request)` instead.

Inside a decorated view, `signed_in_user(request)` is the member as a `User`.
"""

from collections.abc import Callable, Sequence
from functools import wraps
from typing import Any, Concatenate, ParamSpec, TypeVar, overload

from django.contrib.auth.base_user import AbstractBaseUser
from django.contrib.auth.decorators import login_required
from django.contrib.auth.models import AnonymousUser, User
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse, HttpResponseNotAllowed
from django.http.response import HttpResponseBase
from django.views.decorators.http import require_http_methods

from .roles import is_administrator, is_reviewer, is_staff_member

P = ParamSpec("P")
R = TypeVar("R", bound=HttpResponseBase)  # a page, or a streamed file
View = Callable[Concatenate[HttpRequest, P], R]
Check = Callable[[AbstractBaseUser | AnonymousUser], bool]


#: What the 403 page says to someone signed in without the role a page needs.
FOR_MEMBERS = "This page is for project staff and reviewers."
FOR_REVIEWERS = "This page is for reviewers."
FOR_ADMINISTRATORS = "This page is for administrators."


def _allowed_only(
    check: Check, refusal: str, view: "View[P, R]", methods: Sequence[str] | None
) -> "View[P, R]":
    @wraps(view)
    def checked(request: HttpRequest, *args: P.args, **kwargs: P.kwargs) -> R:
        if not check(request.user):
            raise PermissionDenied(refusal)
        return view(request, *args, **kwargs)

    # Signed out: to the sign-in page (then back), whatever the method. Signed in: a method
    # the view does not take is 405 before the role is checked.
    if methods is not None:
        checked = require_http_methods(list(methods))(checked)
    return login_required(checked)


@overload
def member_required(view: "View[P, R]") -> "View[P, R]": ...
@overload
def member_required(
    *, methods: Sequence[str]
) -> "Callable[[View[P, R]], View[P, R | HttpResponseNotAllowed]]": ...
def member_required(view: Any = None, *, methods: Sequence[str] | None = None) -> Any:
    """Only project members may open the view (see the module's docstring). With `methods`,
    it also takes only those HTTP methods (as `require_http_methods`)."""
    if view is None:
        return lambda view: _allowed_only(is_staff_member, FOR_MEMBERS, view, methods)
    return _allowed_only(is_staff_member, FOR_MEMBERS, view, methods)


@overload
def reviewer_required(view: "View[P, R]") -> "View[P, R]": ...
@overload
def reviewer_required(
    *, methods: Sequence[str]
) -> "Callable[[View[P, R]], View[P, R | HttpResponseNotAllowed]]": ...
def reviewer_required(view: Any = None, *, methods: Sequence[str] | None = None) -> Any:
    """Only reviewers (and administrators) may open the view; `methods` as member_required."""
    if view is None:
        return lambda view: _allowed_only(is_reviewer, FOR_REVIEWERS, view, methods)
    return _allowed_only(is_reviewer, FOR_REVIEWERS, view, methods)


@overload
def administrator_required(view: "View[P, R]") -> "View[P, R]": ...
@overload
def administrator_required(
    *, methods: Sequence[str]
) -> "Callable[[View[P, R]], View[P, R | HttpResponseNotAllowed]]": ...
def administrator_required(view: Any = None, *, methods: Sequence[str] | None = None) -> Any:
    """Only administrators (superusers) may open the view; `methods` as member_required."""
    if view is None:
        return lambda view: _allowed_only(is_administrator, FOR_ADMINISTRATORS, view, methods)
    return _allowed_only(is_administrator, FOR_ADMINISTRATORS, view, methods)


#: The methods of a page that only shows something, and of a page with a form.
SAFE = ("GET", "HEAD")
FORM = ("GET", "HEAD", "POST")
POST = ("POST",)


def member_required_or(
    refusal: Callable[[HttpRequest], HttpResponse],
) -> "Callable[[View[P, R]], View[P, R | HttpResponse]]":
    """Only project members may use the view; everyone else gets `refusal(request)`, with no
    redirect to the sign-in page (a script cannot follow it)."""

    def decorator(view: "View[P, R]") -> "View[P, R | HttpResponse]":
        @wraps(view)
        def checked(request: HttpRequest, *args: P.args, **kwargs: P.kwargs) -> R | HttpResponse:
            if not is_staff_member(request.user):
                return refusal(request)
            return view(request, *args, **kwargs)

        return checked

    return decorator


def signed_in_user(request: HttpRequest) -> User:
    """The signed-in member in a view that one of the decorators above lets through."""
    user = request.user
    assert isinstance(user, User), "only for views behind member_required or reviewer_required"
    return user
