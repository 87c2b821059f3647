"""The data-quality page of visits and detailed feedback: the rules of their forms run over
every stored record, each breach listed with a link to fix it; a warning marked checked."""

import datetime as dt
import itertools
from urllib.parse import parse_qs, urlsplit

import pytest
from django.contrib.auth.models import User
from django.test import Client
from django.urls import reverse

from mash_survey.models import CheckedWarning
from tests.factories import LocalAuthorityFactory, RegionFactory, StaffFactory
from tests.quality import mark_links, problem_rows, tab_counts
from tests.queries import assert_query_count_flat
from visits.models import Visit
from visits.quality import visit_problems
from visits.rules import NOTES_LIMIT

from .factories import DetailedFeedbackFactory, VisitFactory

pytestmark = pytest.mark.django_db

URL = "/visits/data-quality/"


def _visit(name: str, day: int, **fields: object) -> Visit:
    region = RegionFactory.create()
    area = LocalAuthorityFactory.create(name=name, region=region)
    return VisitFactory.create(
        visit_date=dt.date(2013, 2, day), region=region, local_authorities=[area], **fields
    )


def _records() -> None:
    """Stored straight into the tables, as records saved before the rules could be: one
    visit's notes too long; one feedback's referrals above its contacts (a warning); one
    with a signing date but no answer to whether the agreement was signed, and a start
    date after the visit; one clean."""
    _visit("Gateshead", 11, notes="x" * (NOTES_LIMIT + 1))
    DetailedFeedbackFactory.create(
        visit=_visit("Sunderland", 12), monthly_contacts=100, monthly_referrals=500
    )
    DetailedFeedbackFactory.create(
        visit=_visit("Camden", 13),
        isa_signed=None,
        isa_signed_on=dt.date(2012, 5, 1),
        established_on=dt.date(2013, 6, 1),
    )
    DetailedFeedbackFactory.create(visit=_visit("Leeds", 14))


@pytest.fixture
def staff() -> User:
    return StaffFactory.create()


@pytest.fixture
def client_for(staff: User) -> Client:
    client = Client()
    client.force_login(staff)
    return client


def test_the_page_lists_exactly_the_breaches_in_the_records(client_for: Client) -> None:
    _records()

    response = client_for.get(URL)

    assert problem_rows(response) == [
        (
            "Visit to Gateshead on 11 February 2013",
            "Notes",
            "20,001 characters",
            "To fix",
            "The notes must be 20,000 characters or fewer",
        ),
        (
            "Detailed feedback: Visit to Camden on 13 February 2013",
            "Date the information sharing agreement was signed",
            "Date the information sharing agreement was signed: 1 May 2012; "
            "Information sharing agreement signed: Not answered",
            "To fix",
            "Select yes if an information sharing agreement has been signed, or delete the "
            "date it was signed",
        ),
        (
            "Detailed feedback: Visit to Camden on 13 February 2013",
            "When the arrangement started",
            "1 June 2013",
            "To fix",
            "Enter a start date between 1 January 1990 and 13 February 2013, the date of the visit",
        ),
        (
            "Detailed feedback: Visit to Sunderland on 12 February 2013",
            "Referrals a month",
            "Referrals a month: 500; Contacts a month: 100",
            "To check",
            "Referrals a month (500) is more than contacts a month (100). Check both figures: "
            "every referral starts as a contact.",
        ),
    ]
    body = response.content.decode()
    visit = Visit.objects.get(visit_date=dt.date(2013, 2, 11))
    assert f'href="/visits/{visit.pk}/edit/#id_notes"' in body
    sunderland = Visit.objects.get(visit_date=dt.date(2013, 2, 12))
    assert f'href="/visits/{sunderland.pk}/feedback/edit/#id_monthly_referrals"' in body


def test_a_warning_marked_checked_stays_checked_until_its_figures_change(
    client_for: Client, staff: User
) -> None:
    _records()
    link = mark_links(client_for.get(URL))[0]
    key = parse_qs(urlsplit(link).query)["problem"][0]

    response = client_for.post(
        reverse("visits:data_quality_check"),
        {"problem": key, "reason": "The hub counts referrals from other areas too."},
    )

    assert response["Location"] == URL
    assert tab_counts(client_for.get(URL)) == {
        "To fix or check": 3,
        "To fix": 3,
        "To check": 0,
        "Checked": 1,
    }
    mark = CheckedWarning.objects.get()
    assert (mark.field, mark.checked_by, mark.value) == (
        "monthly_referrals",
        staff,
        "Referrals a month: 500; Contacts a month: 100",
    )
    assert CheckedWarning.history.get().reason == "The hub counts referrals from other areas too."

    # Either figure changing opens the warning again.
    sunderland = Visit.objects.get(visit_date=dt.date(2013, 2, 12))
    sunderland.feedback.monthly_contacts = 90
    sunderland.feedback.save()
    assert tab_counts(client_for.get(URL))["To check"] == 1


def test_the_page_reads_the_records_in_a_fixed_number_of_queries(client_for: Client) -> None:
    _records()
    numbers = itertools.count(1)

    def more() -> None:
        for _ in range(10):
            number = next(numbers)
            DetailedFeedbackFactory.create(
                visit=_visit(f"Area {number}", 20), monthly_contacts=10, monthly_referrals=20
            )

    assert_query_count_flat(lambda: client_for.get(URL), more)
    assert_query_count_flat(lambda: client_for.get("/"), more)


def test_one_persons_problems_are_read_from_their_own_records_only(staff: User) -> None:
    _records()
    someone_else = StaffFactory.create()
    own = _visit("Hartlepool", 15, notes="x" * (NOTES_LIMIT + 1), created_by=staff)
    theirs = _visit("Durham", 16, created_by=someone_else)
    DetailedFeedbackFactory.create(
        visit=theirs, monthly_contacts=10, monthly_referrals=50, created_by=staff
    )

    found = {(p.model.__name__, p.record) for p in visit_problems(of=staff)}
    everyone = {(p.model.__name__, p.record) for p in visit_problems()}

    assert {model for model, _ in found} == {"Visit", "DetailedFeedback"}
    assert all("Hartlepool" in record or "Durham" in record for _, record in found)
    assert len(everyone) > len(found)
    assert own.pk in {p.pk for p in visit_problems(of=staff) if p.model is Visit}
