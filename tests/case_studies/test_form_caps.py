"""A case study form says how many key facts and sections it has (TOTAL_FORMS). One that says
far more than a case study can have is refused at once, in a preview as in a save."""

import time

import pytest
from django.test import Client

from case_studies.forms import MAX_SECTIONS
from case_studies.models import CaseStudy
from tests.case_studies.test_authoring import _post
from tests.factories import LocalAuthorityFactory

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("button", ["preview", "save"])
def test_a_form_saying_it_has_millions_of_sections_is_refused_quickly(
    staff_client: Client, button: str
) -> None:
    data = _post(LocalAuthorityFactory.create().pk, **{"sections-TOTAL_FORMS": "99999999"})
    data.pop("save")
    data[button] = ""
    started = time.monotonic()
    response = staff_client.post("/case-studies/new/", data)
    assert time.monotonic() - started < 5
    assert response.status_code == 200
    page = response.content.decode()
    assert "<title>Error: " in page
    assert f"A case study can have at most {MAX_SECTIONS} of these" in page
    assert "Preview of the case study" not in page
    assert not CaseStudy.objects.exists()


def test_a_preview_of_as_many_sections_as_allowed_shows_them(staff_client: Client) -> None:
    data = _post(LocalAuthorityFactory.create().pk, **{"sections-TOTAL_FORMS": str(MAX_SECTIONS)})
    data.pop("save")
    data["preview"] = ""
    data[f"sections-{MAX_SECTIONS - 1}-heading"] = "The last one"
    data[f"sections-{MAX_SECTIONS - 1}-body"] = "Its text"
    page = staff_client.post("/case-studies/new/", data).content.decode()
    assert "Preview of the case study" in page
    assert "The last one" in page and "<title>Error: " not in page
