"""The API keeps to its OpenAPI schema: a bounded, repeatable schemathesis run over every
operation, with every check, finds nothing.

Each operation gets examples and generated data, valid and invalid (unknown filter values,
bad dates, pages out of range); every response must have a documented status, content type,
headers and body, valid input must be accepted, invalid input refused, and the endpoints that need a
partner key must refuse a request without one. The demo data gives each list something to
return; the partner key reaches the internal records.
"""

import os
from collections.abc import Iterator

import pytest
import schemathesis
from django.contrib.auth.models import User
from django.core.cache import cache
from django.core.handlers.wsgi import WSGIHandler
from django.core.signals import request_finished, request_started
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections
from django.utils import timezone
from hypothesis import HealthCheck, settings

from areas.models import LocalAuthority
from case_studies.demo import demo_case_studies_load
from findings import services, sources
from findings.models import Clearance
from surveys.models import ResponseStatus
from tests.findings.factories import ThemeFactory
from tests.surveys.factories import ResponseFactory, survey_with_every_kind
from visits.demo import demo_visits_load
from visits.models import ReviewStatus

#: The run must make at least this many requests, across the operations.
MINIMUM_CASES = 1000


@pytest.fixture
def calls() -> Iterator[list[str]]:
    """The operations called, one entry a request: checked once the run is over."""
    made: list[str] = []
    yield made
    assert len(made) >= MINIMUM_CASES, f"only {len(made)} requests were made"


@pytest.fixture(autouse=True)
def node_id_for_schemathesis(request: pytest.FixtureRequest) -> None:
    """schemathesis 4.32 names each operation's subtest from `_nodeid`, which pytest 9 no
    longer sets on a test item."""
    node = request.node
    if not hasattr(node, "_nodeid"):
        node._nodeid = node.nodeid


def records_of_every_kind(reviewer: User, staff: User) -> None:
    """Something for every list to return: the demo visits and case studies, a survey with a
    question of each kind and submitted returns, and the codebook with coded excerpts and an
    agreed finding citing them. (The whole demo takes a minute to load; this takes seconds.)"""
    visits = demo_visits_load()
    demo_case_studies_load()
    survey = survey_with_every_kind(slug="mash-2013")
    for authority in LocalAuthority.objects.order_by("gss_code")[:12]:
        ResponseFactory.create(
            survey=survey,
            local_authority=authority,
            status=ResponseStatus.SUBMITTED,
            submitted_at=timezone.now(),
        )
    themes = [ThemeFactory.create(), ThemeFactory.create()]
    approved = [visit for visit in visits if visit.status == ReviewStatus.APPROVED][:3]
    excerpts = []
    for visit in approved:
        excerpt = services.excerpt_create(
            source=sources.visit_source(visit), start=0, end=40, themes=themes, user=staff
        )
        excerpts.append(
            services.excerpt_clear(excerpt=excerpt, user=reviewer, clearance=Clearance.REGION)
        )
    finding = services.finding_create(
        user=staff, theme=themes[0], headline="Partners share more", statement="They do."
    )
    services.finding_cite(finding=finding, user=staff, excerpts=excerpts)
    services.finding_agree(finding=finding, user=reviewer)


@pytest.fixture
def wsgi_app() -> Iterator[WSGIHandler]:
    """The project's WSGI application, kept inside the test's transaction: like Django's test
    client, it does not close the database connection at the end of each request."""
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    try:
        yield get_wsgi_application()
    finally:
        request_started.connect(close_old_connections)
        request_finished.connect(close_old_connections)


@pytest.fixture
def api_schema(
    register: None, reviewer_user: User, staff_user: User, wsgi_app: WSGIHandler
) -> schemathesis.BaseSchema:
    records_of_every_kind(reviewer_user, staff_user)
    schema = schemathesis.openapi.from_wsgi("/api/v1/schema/?format=json", wsgi_app)
    # The coverage phase's sweep (every boundary and negative value of every parameter, and
    # methods the schema does not list) is nearly 4,000 requests, minutes on a small machine:
    # `make test` runs the examples and the generated cases, valid and invalid;
    # API_CONFORMANCE_FULL=1 adds the sweep.
    schema.config.phases.coverage.enabled = os.environ.get("API_CONFORMANCE_FULL") == "1"
    return schema


schema = schemathesis.pytest.from_fixture("api_schema")


@schema.parametrize()
@settings(
    max_examples=40,
    derandomize=True,
    deadline=None,
    database=None,
    suppress_health_check=list(HealthCheck),
)
def test_the_api_keeps_to_its_schema(case: schemathesis.Case, partner_key: str, calls) -> None:
    cache.clear()  # each request starts with a full allowance: 429s are checked elsewhere
    calls.append(case.operation.label)
    # The WSGI transport hands the body over as sent: ask for it uncompressed.
    case.call_and_validate(
        headers={"Authorization": f"Api-Key {partner_key}", "Accept-Encoding": "identity"}
    )
