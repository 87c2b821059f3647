"""Saving a return whose free-text answer holds possible identifiers: the draft is saved, its
pages warn with each hit in its words and a link to the answer's field, and the returns list
tags it until the answer is clean. Imports are scanned the same way."""

from typing import Any

import pytest
from django.test import Client

from surveys.imports import survey_import_apply
from surveys.models import Answer, Response, Survey
from tests.areas.pages import parse
from tests.factories import LocalAuthorityFactory, RegionFactory

from .factories import survey_with_every_kind

pytestmark = pytest.mark.django_db

NHS_NUMBER = "943 476 5919"
WITH_NHS_NUMBER = f"Waiting lists: the child with NHS number {NHS_NUMBER} waited a month."
#: Every required question of survey_with_every_kind answered; Q6 is the free text.
COMPLETE = {"Q1": "Yes", "Q2": "MASH", "Q3": ["Police", "Health"], "Q4": "120"}


@pytest.fixture
def survey() -> Survey:
    return survey_with_every_kind(slug="initial", title="Initial survey")


@pytest.fixture
def area():
    region = RegionFactory.create(code="E12000001", name="North East", slug="north-east")
    return LocalAuthorityFactory.create(name="Gateshead", slug="gateshead", region=region)


def _save(client: Client, q6: str, *, version: int, button: str = "save_draft") -> Any:
    data = {**COMPLETE, "Q6": q6, "version": version, button: ""}
    return client.post("/survey/initial/returns/gateshead/edit/", data, follow=True)


def _warning(response: Any) -> str:
    banners = [
        banner
        for banner in parse(response.content).find_all("div", "govuk-notification-banner")
        if banner.attrs.get("id") == "identifiers-saved"
    ]
    return banners[0].text() if banners else ""


def _list_row(client: Client) -> str:
    page = parse(client.get("/survey/initial/returns/").content)
    rows = [row for row in page.find("tbody").find_all("tr") if "Gateshead" in row.text()]
    return rows[0].text()


def test_saving_an_nhs_number_in_a_free_text_answer_saves_it_and_warns(
    survey: Survey, area, staff_client: Client
) -> None:
    response = _save(staff_client, WITH_NHS_NUMBER, version=0)

    assert Answer.objects.get(question__code="Q6").text == WITH_NHS_NUMBER
    assert Response.objects.get().identifiers_found == 1
    assert response.redirect_chain[-1][0] == "/survey/initial/returns/gateshead/"
    warning = _warning(response)
    assert "Possible identifier found: remove it before you submit" in warning
    assert "NHS number in the answer to Q6" in warning
    assert f"the child with NHS number {NHS_NUMBER} waited a month" in warning
    links = [
        a.attrs["href"]
        for a in parse(response.content).find_all("a")
        if a.text() == "NHS number in the answer to Q6"
    ]
    assert links == ["/survey/initial/returns/gateshead/edit/#id_Q6"]
    form = staff_client.get("/survey/initial/returns/gateshead/edit/")
    assert 'id="id_Q6"' in form.content.decode()
    assert "NHS number in the answer to Q6" in _warning(form)
    assert "Possible identifiers" in _list_row(staff_client)


def test_the_check_page_warns_before_submitting(survey: Survey, area, staff_client: Client) -> None:
    response = _save(staff_client, WITH_NHS_NUMBER, version=0, button="continue")

    assert response.redirect_chain[-1][0] == "/survey/initial/returns/gateshead/check/"
    assert "NHS number in the answer to Q6" in _warning(response)


def test_answering_clean_clears_the_marker_the_warning_and_the_tag(
    survey: Survey, area, staff_client: Client
) -> None:
    _save(staff_client, WITH_NHS_NUMBER, version=0)

    response = _save(staff_client, "Waiting lists are a month long.", version=1)

    assert Response.objects.get().identifiers_found == 0
    assert _warning(response) == ""
    assert "Possible identifiers" not in _list_row(staff_client)


def test_an_imported_answer_is_scanned_too(survey: Survey, area, staff_user) -> None:
    content = f"local_authority,Q1,Q2,Q3,Q4,Q5,Q6\n{area.gss_code},Yes,MASH,Police,12,,"
    content += f'"{WITH_NHS_NUMBER}"\n'

    survey_import_apply(
        survey=survey, file_name="october.csv", content=content.encode(), user=staff_user
    )

    assert Response.objects.get().identifiers_found == 1
