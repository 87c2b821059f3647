"""Every button that sends a form is a GOV.UK button that ignores a second click: a quick
double click on Save sends one request."""

import re

import pytest
from django.test import Client

from tests.surveys.factories import SurveyFactory
from tests.visits.factories import VisitFactory

pytestmark = pytest.mark.django_db

FORM = re.compile(r"<form\b[^>]*method=\"post\"[^>]*>(.*?)</form>", re.S | re.I)
SUBMIT = re.compile(r"<(?:button|input)\b[^>]*type=\"submit\"[^>]*>", re.S)


def submit_buttons(page: str) -> list[str]:
    return [button for form in FORM.findall(page) for button in SUBMIT.findall(form)]


def test_every_submit_button_on_the_staff_forms_ignores_a_double_click(
    staff_client: Client,
) -> None:
    visit = VisitFactory.create()
    survey = SurveyFactory.create()
    pages = [
        "/visits/new/",
        f"/visits/{visit.pk}/edit/",
        "/case-studies/new/",
        "/findings/manage/new/",
        "/findings/codebook/new/",
        "/findings/editions/new/",
        f"/survey/{survey.slug}/import/",
    ]
    for url in pages:
        response = staff_client.get(url)
        assert response.status_code == 200, url
        buttons = submit_buttons(response.content.decode())
        assert buttons, f"{url} has a form with a submit button"
        for button in buttons:
            if "app-link-button" in button:  # the header's sign-out link-button
                continue
            assert 'data-prevent-double-click="true"' in button, (url, button)
            assert 'data-module="govuk-button"' in button, (url, button)


def test_the_sign_in_button_ignores_a_double_click(client: Client) -> None:
    (button,) = submit_buttons(client.get("/accounts/login/").content.decode())
    assert 'data-prevent-double-click="true"' in button
