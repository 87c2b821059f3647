"""The 404 and 403 pages: the service's own layout, with the right status codes."""

import pytest
from django.conf import settings
from django.test import Client

from tests.factories import StaffFactory, UserFactory

pytestmark = pytest.mark.django_db

DASH = "\N{EN DASH}"  # between the page's title and the service name


def assert_service_layout(html: str) -> None:
    assert f"{DASH} {settings.SERVICE_NAME}</title>" in html
    assert 'class="govuk-header' in html
    assert 'class="govuk-footer' in html
    assert 'id="main-content"' in html


def test_an_unknown_address_shows_the_page_not_found_page(client: Client) -> None:
    response = client.get("/no-such-page/")

    assert response.status_code == 404
    html = response.content.decode()
    assert_service_layout(html)
    assert f"<title>Page not found {DASH}" in html
    assert "If you typed the web address, check it is correct." in html


def test_an_unknown_authority_shows_the_page_not_found_page(client: Client) -> None:
    response = client.get("/areas/nowhere-at-all/")

    assert response.status_code == 404
    html = response.content.decode()
    assert_service_layout(html)
    assert "Page not found" in html


def test_a_signed_in_user_without_a_role_sees_the_permission_denied_page(client: Client) -> None:
    client.force_login(UserFactory.create(username="pat.nogroup"))

    response = client.get("/visits/")

    assert response.status_code == 403
    html = response.content.decode()
    assert_service_layout(html)
    assert f"<title>You cannot see this page {DASH}" in html
    assert "This page is for project staff and reviewers." in html
    assert "You are signed in as pat.nogroup" in html
    assert "ask a project administrator" in html


def test_the_permission_denied_page_says_whom_the_page_is_for(client: Client) -> None:
    client.force_login(StaffFactory.create())

    response = client.get("/case-studies/manage/")
    refused = client.get("/case-studies/some-case-study/review/")

    assert response.status_code == 200
    assert refused.status_code == 403
    assert "This page is for reviewers." in refused.content.decode()
    assert "This page is for project staff and reviewers." not in refused.content.decode()
    assert "ask a project administrator" in refused.content.decode()
