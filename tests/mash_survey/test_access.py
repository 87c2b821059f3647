"""The view decorators that keep the internal pages to project members and reviewers."""

import json

import pytest
from django.contrib.auth.models import AnonymousUser, User
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.test import RequestFactory

from mash_survey.access import (
    member_required,
    member_required_or,
    reviewer_required,
    signed_in_user,
)
from tests.factories import ReviewerFactory, StaffFactory, UserFactory

pytestmark = pytest.mark.django_db


@member_required
def members_page(request: HttpRequest, pk: int) -> HttpResponse:
    return HttpResponse(f"{signed_in_user(request).username} {pk}")


@reviewer_required
def reviewers_page(request: HttpRequest) -> HttpResponse:
    return HttpResponse(signed_in_user(request).username)


@member_required_or(lambda request: JsonResponse({"error": "members only"}, status=403))
def members_script(request: HttpRequest) -> JsonResponse:
    return JsonResponse({"user": signed_in_user(request).username})


def _request(user: User | AnonymousUser) -> HttpRequest:
    request = RequestFactory().get("/somewhere/?page=2")
    request.user = user
    return request


def test_a_member_opens_a_members_page_with_its_arguments() -> None:
    response = members_page(_request(StaffFactory.create(username="sam")), pk=7)
    assert response.content == b"sam 7"


def test_someone_signed_out_is_sent_to_sign_in_and_back() -> None:
    response = members_page(_request(AnonymousUser()), pk=7)
    assert response.status_code == 302
    assert response["Location"] == "/accounts/login/?next=/somewhere/%3Fpage%3D2"


def test_a_signed_in_user_without_a_role_is_refused() -> None:
    with pytest.raises(PermissionDenied):
        members_page(_request(UserFactory.create()), pk=7)


def test_project_staff_may_not_open_a_reviewers_page() -> None:
    with pytest.raises(PermissionDenied):
        reviewers_page(_request(StaffFactory.create()))
    assert reviewers_page(_request(AnonymousUser())).status_code == 302


def test_a_reviewer_opens_a_reviewers_page() -> None:
    response = reviewers_page(_request(ReviewerFactory.create(username="rae")))
    assert response.content == b"rae"


def test_a_script_gets_the_refusal_whether_signed_out_or_not_a_member() -> None:
    for user in (AnonymousUser(), UserFactory.create()):
        response = members_script(_request(user))
        assert response.status_code == 403
        assert json.loads(response.content) == {"error": "members only"}
    response = members_script(_request(StaffFactory.create(username="sam")))
    assert json.loads(response.content) == {"user": "sam"}


@member_required(methods=("POST",))
def members_action(request: HttpRequest) -> HttpResponse:
    return HttpResponse("done")


def test_with_methods_the_method_is_checked_after_sign_in_and_before_the_role() -> None:
    request = RequestFactory().get("/act/")
    request.user = AnonymousUser()
    assert members_action(request).status_code == 302
    request.user = UserFactory.create()
    assert members_action(request).status_code == 405
    request = RequestFactory().post("/act/")
    request.user = UserFactory.create()
    with pytest.raises(PermissionDenied):
        members_action(request)
    request.user = StaffFactory.create()
    assert members_action(request).content == b"done"
