"""A create form sent twice with its one-time token makes one record: the second send goes
to the record the first made. A send the service refused made nothing, so the corrected form
(same token) still creates."""

import datetime as dt
import re
import uuid

import pytest
from django.test import Client
from django.utils import timezone
from pytest_django.fixtures import Settings

from case_studies.models import CaseStudy
from findings.models import Finding, ReportEdition, Theme
from mash_survey.models import SentForm
from mash_survey.once import ALREADY_SENT
from tests.case_studies.factories import CaseStudyFactory
from tests.case_studies.test_authoring import _post as case_study_form
from tests.factories import LocalAuthorityFactory, StaffFactory
from tests.findings.factories import ThemeFactory
from tests.visits.editing_support import draft_visit, make_areas, visit_form_of
from visits.models import Visit

pytestmark = pytest.mark.django_db

TOKEN = re.compile(r'<input type="hidden" name="once" value="([0-9a-f-]{36})">')


def token_on(page: str) -> str:
    (token,) = TOKEN.findall(page)
    return token


def test_a_new_visit_sent_twice_is_made_once(staff_client: Client) -> None:
    areas = make_areas()
    token = token_on(staff_client.get("/visits/new/?region=E12000001").content.decode())
    data = visit_form_of(draft_visit(areas, StaffFactory.create()), version=None)
    Visit.objects.all().delete()

    first = staff_client.post("/visits/new/", {**data, "once": token})
    second = staff_client.post("/visits/new/", {**data, "once": token})

    visit = Visit.objects.get()
    assert first.status_code == second.status_code == 302
    assert first["Location"] == second["Location"] == f"/visits/{visit.pk}/edit/"


def test_a_new_case_study_sent_twice_is_made_once(staff_client: Client) -> None:
    token = token_on(staff_client.get("/case-studies/new/").content.decode())
    data = {**case_study_form(LocalAuthorityFactory.create().pk), "once": token}

    first = staff_client.post("/case-studies/new/", data)
    second = staff_client.post("/case-studies/new/", data)

    case_study = CaseStudy.objects.get()
    assert first.status_code == second.status_code == 302
    assert first["Location"] == second["Location"] == f"/case-studies/{case_study.slug}/edit/"


def test_a_refused_case_study_keeps_its_token_and_saves_once_corrected(
    staff_client: Client,
) -> None:
    CaseStudyFactory.create(slug="taken")
    token = token_on(staff_client.get("/case-studies/new/").content.decode())
    data = {**case_study_form(LocalAuthorityFactory.create().pk), "once": token}

    refused = staff_client.post("/case-studies/new/", {**data, "slug": "taken"})
    assert "already uses the web address taken" in refused.content.decode()
    assert token_on(refused.content.decode()) == token  # the form shown again keeps it
    saved = staff_client.post("/case-studies/new/", {**data, "slug": "mine"})

    assert saved.status_code == 302
    assert CaseStudy.objects.filter(slug="mine").exists()


def test_another_persons_token_makes_nothing(staff_client: Client) -> None:
    token = token_on(staff_client.get("/case-studies/new/").content.decode())
    data = {**case_study_form(LocalAuthorityFactory.create().pk), "once": token}
    staff_client.post("/case-studies/new/", data)
    other = Client()
    other.force_login(StaffFactory.create())

    response = other.post("/case-studies/new/", {**data, "slug": "another"})

    assert response.status_code == 200
    assert ALREADY_SENT in response.content.decode()
    assert CaseStudy.objects.count() == 1


def test_each_new_form_has_its_own_token(staff_client: Client) -> None:
    pages = [staff_client.get("/case-studies/new/").content.decode() for _ in range(2)]
    assert token_on(pages[0]) != token_on(pages[1])


def test_a_new_finding_and_a_new_theme_sent_twice_are_made_once(staff_client: Client) -> None:
    theme = ThemeFactory.create(name="Structure")
    forms = [
        ("/findings/manage/new/", Finding, {"theme": theme.pk, "headline": "Sitting together"}),
        ("/findings/codebook/new/", Theme, {"name": "Co-location", "parent": theme.pk}),
    ]
    for path, model, fields in forms:
        before = model._default_manager.count()
        token = token_on(staff_client.get(path).content.decode())
        data = {"statement": "It helps.", "definition": "Teams sit together.", "order": "0"}
        data.update(fields, once=token)

        first = staff_client.post(path, data)
        second = staff_client.post(path, data)

        assert model._default_manager.count() == before + 1, path
        assert first.status_code == second.status_code == 302, path
        assert first["Location"] == second["Location"], path


def test_a_new_edition_sent_twice_is_made_once(staff_client: Client) -> None:
    token = token_on(staff_client.get("/findings/editions/new/").content.decode())
    data = {"slug": "early-findings", "summary": "What the visits found.", "once": token}

    first = staff_client.post("/findings/editions/new/", data)
    second = staff_client.post("/findings/editions/new/", data)

    edition = ReportEdition.objects.get()
    assert first.status_code == second.status_code == 302
    assert first["Location"] == second["Location"] == f"/findings/editions/{edition.slug}/edit/"


def test_sending_a_form_deletes_the_tokens_older_than_sent_form_days(
    staff_client: Client, settings: Settings
) -> None:
    settings.SENT_FORM_DAYS = 30
    user, now = StaffFactory.create(), timezone.now()
    old = SentForm.objects.create(token=uuid.uuid4(), user=user, sent_at=now - dt.timedelta(31))
    fresh = SentForm.objects.create(token=uuid.uuid4(), user=user, sent_at=now - dt.timedelta(29))
    token = token_on(staff_client.get("/case-studies/new/").content.decode())

    staff_client.post(
        "/case-studies/new/", {**case_study_form(LocalAuthorityFactory.create().pk), "once": token}
    )

    kept = set(SentForm.objects.values_list("token", flat=True))
    assert kept == {fresh.token, uuid.UUID(token)}
    assert old.token not in kept
