"""A case study's summary and each section's text have a length limit, checked by the server
with a message that says what to do (the rule and message come from mash_survey.rules)."""

import pytest
from django.test import Client

from case_studies.forms import SECTION_LIMIT, SUMMARY_LIMIT
from case_studies.models import CaseStudy
from tests.factories import LocalAuthorityFactory

from .test_authoring import _post

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("field", "value", "anchor", "message"),
    [
        (
            "summary",
            "x" * (SUMMARY_LIMIT + 1),
            "id_summary",
            "The summary must be 1,500 characters or fewer",
        ),
        (
            "sections-0-body",
            "x" * (SECTION_LIMIT + 1),
            "id_sections-0-body",
            "The text of Context must be 20,000 characters or fewer",
        ),
    ],
)
def test_a_text_over_its_limit_is_refused_and_nothing_is_saved(
    staff_client: Client, field: str, value: str, anchor: str, message: str
) -> None:
    data = _post(LocalAuthorityFactory.create().pk, **{field: value})

    page = staff_client.post("/case-studies/new/", data).content.decode()

    assert "<title>Error: " in page
    assert message in page
    assert f'href="#{anchor}"' in page
    assert not CaseStudy.objects.exists()


def test_texts_at_their_limits_are_saved(staff_client: Client) -> None:
    data = _post(
        LocalAuthorityFactory.create().pk,
        summary="x" * SUMMARY_LIMIT,
        **{"sections-0-body": "y" * SECTION_LIMIT},
    )

    response = staff_client.post("/case-studies/new/", data)

    assert response.status_code == 302
    case_study = CaseStudy.objects.get()
    assert len(case_study.summary) == SUMMARY_LIMIT
    assert len(case_study.sections.get().body) == SECTION_LIMIT
