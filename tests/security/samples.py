"""The callers the security tests try every URL as, and the rows their URLs point at."""

import enum
from dataclasses import dataclass
from datetime import timedelta

from axes.models import AccessAttempt, AccessFailureLog, AccessLog
from django.contrib.auth.models import User
from django.contrib.contenttypes.models import ContentType
from django.test import Client
from django.utils import timezone
from rest_framework_api_key.models import AbstractAPIKey, APIKey

from areas.models import AuthorityType, LocalAuthority, PartnerAgency, Region
from mash_survey.models import Redaction
from surveys.models import QuestionKind, Survey
from tests.factories import (
    AdminFactory,
    LocalAuthorityFactory,
    PartnerAgencyFactory,
    RegionFactory,
    ReviewerFactory,
    StaffFactory,
    UserFactory,
)
from tests.surveys.factories import SurveyFactory, add_question
from tests.visits.factories import DetailedFeedbackFactory, VisitFactory
from visits.models import ReviewStatus, Visit


class Role(enum.Enum):
    ANONYMOUS = "anonymous"
    NO_GROUP = "signed in, in no group"
    STAFF = "project staff"
    REVIEWER = "reviewer"
    PARTNER = "partner API key"
    ADMIN = "administrator"


MEMBER_ROLES = frozenset({Role.STAFF, Role.REVIEWER, Role.ADMIN})


@dataclass
class Samples:
    region: Region
    authority: LocalAuthority
    agency: PartnerAgency
    api_key: AbstractAPIKey
    partner_key: str
    users: dict[Role, User]
    survey: Survey
    visit: Visit

    def client(self, role: Role, **headers: str) -> Client:
        """A fresh client calling as `role`: signed in, or sending the partner key."""
        if role is Role.PARTNER:
            headers = {**headers, "Authorization": f"Api-Key {self.partner_key}"}
        client = Client(headers=headers)
        user = self.users.get(role)
        if user is not None:
            client.force_login(user)
        return client


def make_samples() -> Samples:
    """One real row of everything a URL can point at, and a user or key per role.

    Real codes (North East, Gateshead) so the pages can draw their maps. Gateshead also has
    an ONS code from before April 2013, so the API's look-ups have something to find.
    """
    region = RegionFactory.create(code="E12000001", name="North East", slug="north-east")
    authority = LocalAuthorityFactory.create(
        gss_code="E08000037",
        gss_code_before_april_2013="E08000020",
        dfe_code="390",
        name="Gateshead",
        slug="gateshead",
        type=AuthorityType.METROPOLITAN_DISTRICT,
        region=region,
    )
    agency = PartnerAgencyFactory.create(name="Northumbria Police", local_authority=authority)
    # Rows for the admin pages of django-axes' records.
    record = {
        "user_agent": "sample browser",
        "ip_address": "192.0.2.1",
        "username": "someone-else",
        "http_accept": "text/html",
        "path_info": "/accounts/login/",
    }
    AccessAttempt.objects.create(**record, get_data="", post_data="", failures_since_start=1)
    AccessLog.objects.create(**record)
    AccessFailureLog.objects.create(**record)
    survey = SurveyFactory.create(slug="sample-survey", title="Sample survey")
    add_question(survey, "Q1", QuestionKind.YES_NO)
    staff = StaffFactory.create()
    # A visit with detailed feedback, both waiting for review (so a reviewer sees the review).
    visit = VisitFactory.create(
        region=region,
        local_authorities=[authority],
        status=ReviewStatus.SUBMITTED,
        submitted_at=timezone.now(),
        created_by=staff,
    )
    DetailedFeedbackFactory.create(
        visit=visit, status=ReviewStatus.SUBMITTED, submitted_at=timezone.now(), created_by=staff
    )
    Redaction.objects.create(
        content_type=ContentType.objects.get_for_model(Visit),
        object_id=visit.pk,
        record=str(visit),
        reason="A sample redaction.",
        versions=[1],
        places=1,
        redacted_by=staff,
    )
    api_key, partner_key = APIKey.objects.create_key(
        name="Sample partner system", expiry_date=timezone.now() + timedelta(days=30)
    )
    return Samples(
        region=region,
        authority=authority,
        agency=agency,
        api_key=api_key,
        partner_key=partner_key,
        users={
            Role.NO_GROUP: UserFactory.create(),
            Role.STAFF: staff,
            Role.REVIEWER: ReviewerFactory.create(),
            Role.ADMIN: AdminFactory.create(),
        },
        survey=survey,
        visit=visit,
    )
