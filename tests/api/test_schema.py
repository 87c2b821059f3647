"""The OpenAPI schema names each status enum itself, so the names stay stable for clients,
describes the findings' fields, and is generated without warnings."""

from pathlib import Path

import pytest
from django.core.management import call_command
from django.test import Client
from django.urls import reverse

from case_studies.models import CaseStudyStatus
from findings.models import Clearance
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


def test_the_findings_components_describe_every_field(client: Client) -> None:
    schemas = client.get(reverse("api:schema"), {"format": "json"}).json()["components"]["schemas"]

    for component in ("Theme", "Finding", "Quote", "CitedQuestion", "Excerpt"):
        undocumented = [
            name
            for name, field in schemas[component]["properties"].items()
            if not field.get("description")
        ]
        assert undocumented == [], component
    assert schemas["ClearanceEnum"]["enum"] == list(Clearance.values)


def test_the_schema_is_generated_without_warnings(tmp_path: Path) -> None:
    # --fail-on-warn: any field drf-spectacular cannot type or name raises instead.
    call_command("spectacular", "--fail-on-warn", "--validate", "--file", str(tmp_path / "s.yaml"))
