"""The OpenAPI schema names each status enum itself, so the names stay stable for clients."""

import pytest
from django.test import Client
from django.urls import reverse

from case_studies.models import CaseStudyStatus
from visits.models import ReviewStatus

pytestmark = pytest.mark.django_db


def test_each_record_status_is_one_named_enum_in_the_schema(client: Client) -> None:
    response = client.get(reverse("api:schema"), {"format": "json"})

    assert response.status_code == 200
    schemas = response.json()["components"]["schemas"]
    assert schemas["ReviewStatusEnum"]["enum"] == list(ReviewStatus.values)
    assert schemas["CaseStudyStatusEnum"]["enum"] == list(CaseStudyStatus.values)
    for component, enum in [
        ("Visit", "ReviewStatusEnum"),
        ("Feedback", "ReviewStatusEnum"),
        ("CaseStudy", "CaseStudyStatusEnum"),
    ]:
        status = schemas[component]["properties"]["status"]
        assert {"$ref": f"#/components/schemas/{enum}"} in status["allOf"], component
