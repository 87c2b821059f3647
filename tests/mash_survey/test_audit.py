"""Security and audit events: each kind is recorded where it happens, in the audit table and
in the log, with who, from where and what; never a password, a key's secret or the text the
identifier guard found; and no event can be changed or deleted."""

import json
import logging
from datetime import timedelta

import pytest
from django.contrib.auth.models import User
from django.test import Client
from django.utils import timezone
from pytest_django.fixtures import Settings
from rest_framework_api_key.models import APIKey

from case_studies import services as case_study_services
from mash_survey import audit, history
from mash_survey.models import AuditEvent, AuditEventChanged, AuditKind
from mash_survey.redaction import redact
from surveys.imports import survey_import_apply
from tests.case_studies.factories import CaseStudyFactory
from tests.factories import (
    TEST_PASSWORD,
    LocalAuthorityFactory,
    ReviewerFactory,
    StaffFactory,
    UserFactory,
)
from tests.surveys.import_files import GATESHEAD, HEADER, csv_file, make_setup
from tests.visits.factories import VisitFactory
from visits.models import ReviewStatus

pytestmark = pytest.mark.django_db

ADDRESS = "198.51.100.7"
NHS = "943 476 5919"  # passes the mod-11 check
WRONG = "not-the-password-123"


@pytest.fixture
def caplog_audit(caplog: pytest.LogCaptureFixture) -> pytest.LogCaptureFixture:
    caplog.set_level(logging.INFO, logger="mash_survey.audit")
    return caplog


def events(kind: AuditKind) -> list[AuditEvent]:
    return list(AuditEvent.objects.filter(kind=kind).order_by("pk"))


def logged(caplog: pytest.LogCaptureFixture, kind: AuditKind) -> list[logging.LogRecord]:
    return [r for r in caplog.records if getattr(r, "audit", {}).get("kind") == kind.value]


def everything_stored(caplog: pytest.LogCaptureFixture) -> str:
    """Every audit row's values and every log line with its fields: where a secret would
    leak."""
    rows = [json.dumps(row, default=str) for row in AuditEvent.objects.values()]
    lines = [f"{r.getMessage()} {getattr(r, 'audit', '')}" for r in caplog.records]
    return "\n".join(rows + lines)


def sign_in(username: str, password: str, *, address: str = ADDRESS):
    return Client(REMOTE_ADDR=address).post(
        "/accounts/login/", {"username": username, "password": password}
    )


# ----- Signing in and out, and lockouts -----------------------------------------------------


def test_signing_in_and_out_is_recorded_with_the_user_and_address(
    caplog_audit: pytest.LogCaptureFixture,
) -> None:
    user = StaffFactory.create(username="sam.staff")
    client = Client(REMOTE_ADDR=ADDRESS)
    client.post("/accounts/login/", {"username": "sam.staff", "password": TEST_PASSWORD})
    client.post("/accounts/logout/")

    (signed_in,) = events(AuditKind.SIGN_IN)
    assert (signed_in.user, signed_in.username, signed_in.address) == (user, "sam.staff", ADDRESS)
    assert (signed_in.method, signed_in.path) == ("POST", "/accounts/login/")
    (signed_out,) = events(AuditKind.SIGN_OUT)
    assert (signed_out.username, signed_out.address) == ("sam.staff", ADDRESS)
    (line,) = logged(caplog_audit, AuditKind.SIGN_IN)
    assert line.levelno == logging.INFO
    assert line.getMessage() == f"Signed in: user 'sam.staff' from {ADDRESS}"
    assert TEST_PASSWORD not in everything_stored(caplog_audit)


def test_a_failed_sign_in_names_the_user_name_typed_and_the_address_never_the_password(
    caplog_audit: pytest.LogCaptureFixture,
) -> None:
    sign_in("no.such.person", WRONG)

    (failed,) = events(AuditKind.SIGN_IN_FAILED)
    assert (failed.user, failed.username, failed.address) == (None, "no.such.person", ADDRESS)
    (line,) = logged(caplog_audit, AuditKind.SIGN_IN_FAILED)
    assert line.levelno == logging.WARNING
    assert line.audit["username"] == "no.such.person"  # type: ignore[attr-defined]
    assert line.audit["address"] == ADDRESS  # type: ignore[attr-defined]
    assert WRONG not in everything_stored(caplog_audit)


def test_a_lockout_is_recorded_with_the_user_name_and_address(
    caplog_audit: pytest.LogCaptureFixture, settings: Settings
) -> None:
    settings.AXES_FAILURE_LIMIT = 3
    StaffFactory.create(username="sam.staff")

    answers = [sign_in("sam.staff", WRONG).status_code for _ in range(4)]

    assert answers == [200, 200, 429, 429]
    locked = events(AuditKind.LOCKED_OUT)
    assert [(e.username, e.address) for e in locked] == [("sam.staff", ADDRESS)] * 2
    assert locked[0].detail == {"limit": "user name at this address"}
    assert len(events(AuditKind.SIGN_IN_FAILED)) == 4
    assert WRONG not in everything_stored(caplog_audit)


def test_the_pause_of_an_address_trying_many_user_names_is_recorded(settings: Settings) -> None:
    settings.SIGN_IN_ADDRESS_LIMIT = 3

    for n in range(4):
        sign_in(f"user.{n}", WRONG)

    (locked,) = events(AuditKind.LOCKED_OUT)
    assert (locked.username, locked.address) == ("user.3", ADDRESS)
    assert locked.detail == {"limit": "this address, any user name"}


# ----- Partner API keys -----------------------------------------------------------------------


def api_get(key: str, *, address: str = ADDRESS):
    return Client(REMOTE_ADDR=address).get(
        "/api/v1/regions/", headers={"Authorization": f"Api-Key {key}"}
    )


def test_a_keys_use_is_logged_every_time_and_kept_once_an_hour(
    caplog_audit: pytest.LogCaptureFixture,
) -> None:
    api_key, key = APIKey.objects.create_key(
        name="Council system", expiry_date=timezone.now() + timedelta(days=30)
    )

    assert [api_get(key).status_code for _ in range(3)] == [200] * 3

    (used,) = events(AuditKind.API_KEY_USED)
    assert (used.api_key_name, used.api_key_prefix) == ("Council system", api_key.prefix)
    assert (used.address, used.path, used.username) == (ADDRESS, "/api/v1/regions/", "")
    assert len(logged(caplog_audit, AuditKind.API_KEY_USED)) == 3
    secret = key.partition(".")[2]
    assert secret not in everything_stored(caplog_audit)
    assert api_key.hashed_key not in everything_stored(caplog_audit)


def test_refused_keys_are_recorded_every_time_saying_why(
    caplog_audit: pytest.LogCaptureFixture,
) -> None:
    _, revoked_key = APIKey.objects.create_key(
        name="Old system", expiry_date=timezone.now() + timedelta(days=30), revoked=True
    )
    _, expired_key = APIKey.objects.create_key(
        name="Pilot system", expiry_date=timezone.now() - timedelta(days=1)
    )

    answers = [api_get(k).status_code for k in ("Zz9Yy8Xx.unknown", revoked_key, expired_key)]

    assert answers == [401] * 3
    refused = events(AuditKind.API_KEY_REFUSED)
    assert [(e.detail["reason"], e.api_key_name) for e in refused] == [
        ("unknown", ""),
        ("revoked", "Old system"),
        ("expired", "Pilot system"),
    ]
    assert refused[0].detail["prefix"] == "Zz9Yy8Xx"
    assert {e.address for e in refused} == {ADDRESS}
    assert all(
        r.levelno == logging.WARNING for r in logged(caplog_audit, AuditKind.API_KEY_REFUSED)
    )
    assert revoked_key.partition(".")[2] not in everything_stored(caplog_audit)


def test_revoking_a_key_in_the_admin_is_recorded(admin_client: Client, admin_user: User) -> None:
    api_key, _ = APIKey.objects.create_key(
        name="Council system", expiry_date=timezone.now() + timedelta(days=30)
    )
    expiry = timezone.localtime(api_key.expiry_date)

    admin_client.post(
        f"/admin/rest_framework_api_key/apikey/{api_key.pk}/change/",
        {
            "name": "Council system",
            "expiry_date_0": expiry.date().isoformat(),
            "expiry_date_1": expiry.strftime("%H:%M:%S"),
            "revoked": "on",
        },
    )

    api_key.refresh_from_db()
    assert api_key.revoked
    (revoked,) = events(AuditKind.API_KEY_REVOKED)
    assert (revoked.user, revoked.api_key_name) == (admin_user, "Council system")


# ----- Permission refusals ----------------------------------------------------------------


def test_a_403_page_to_someone_signed_in_is_recorded() -> None:
    outsider = UserFactory.create()  # signed in, in neither project group
    client = Client(REMOTE_ADDR=ADDRESS)
    client.force_login(outsider)

    response = client.get("/visits/")

    assert response.status_code == 403
    (refused,) = events(AuditKind.PERMISSION_REFUSED)
    assert (refused.user, refused.address, refused.path) == (outsider, ADDRESS, "/visits/")
    assert refused.detail == {"reason": "This page is for project staff and reviewers."}


def test_a_403_from_the_api_to_a_partner_key_is_recorded(partner_key: str) -> None:
    response = Client(REMOTE_ADDR=ADDRESS).post(
        "/api/v1/regions/", headers={"Authorization": f"Api-Key {partner_key}"}
    )

    assert response.status_code == 403
    (refused,) = events(AuditKind.PERMISSION_REFUSED)
    assert (refused.api_key_name, refused.address, refused.method) == (
        "Test partner system",
        ADDRESS,
        "POST",
    )
    assert refused.detail == {"reason": "The API is read-only."}


def test_signed_out_visitors_sent_to_sign_in_are_not_refusals(client: Client) -> None:
    assert client.get("/visits/").status_code == 302
    assert not events(AuditKind.PERMISSION_REFUSED)


# ----- Publications, identifiers let through, redactions -------------------------------------


def test_approving_with_identifiers_let_through_records_both_without_the_text(
    caplog_audit: pytest.LogCaptureFixture,
) -> None:
    reviewer = ReviewerFactory.create(username="rita.reviewer")
    visit = VisitFactory.create(
        notes=f"The test number {NHS} is from the guidance.",
        status=ReviewStatus.SUBMITTED,
        submitted_at=timezone.now(),
        created_by=StaffFactory.create(),
        local_authorities=[LocalAuthorityFactory.create()],
    )
    client = Client(REMOTE_ADDR=ADDRESS)
    client.force_login(reviewer)

    response = client.post(
        f"/visits/{visit.pk}/review/",
        {
            "decision": "approve",
            "override_reason": "A published test number, not a child's.",
            "version": visit.version,
        },
    )

    assert response.status_code == 302
    (override,) = events(AuditKind.IDENTIFIER_OVERRIDE)
    assert (override.user, override.address, override.target) == (
        reviewer,
        ADDRESS,
        f"Visit {visit.pk}",
    )
    assert override.path == f"/visits/{visit.pk}/review/"
    assert override.detail == {
        "step": "approve",
        "fields": ["notes"],
        "kinds": ["NHS number"],
        "found": 1,
        "confirmed": False,
    }
    (approved,) = events(AuditKind.PUBLISHED)
    assert (approved.user, approved.object_id) == (reviewer, str(visit.pk))
    assert approved.detail == {"step": "approved"}
    stored = everything_stored(caplog_audit)
    assert NHS not in stored and "published test number" not in stored


def test_publishing_and_withdrawing_a_case_study_are_recorded(
    staff_user: User, reviewer_user: User
) -> None:
    case_study = CaseStudyFactory.create()
    case_study_services.case_study_submit(case_study=case_study, user=staff_user)
    case_study_services.case_study_publish(case_study=case_study, user=reviewer_user)
    case_study_services.case_study_withdraw(
        case_study=case_study, user=reviewer_user, notice="Replaced by a newer case study."
    )

    assert [(e.user, e.target, e.detail["step"]) for e in events(AuditKind.PUBLISHED)] == [
        (reviewer_user, f"Case study {case_study.pk}", "published"),
        (reviewer_user, f"Case study {case_study.pk}", "withdrawn"),
    ]


def test_a_redaction_is_recorded_without_the_passage(
    caplog_audit: pytest.LogCaptureFixture, reviewer_user: User
) -> None:
    author = StaffFactory.create()
    visit = VisitFactory.create(created_by=author, notes=f"Child A, NHS number {NHS}, was seen.")
    history.save(visit, user=author, reason="Created")

    entry = redact(visit, NHS, user=reviewer_user, reason="An identifier typed by mistake")

    (redacted,) = events(AuditKind.REDACTED)
    assert (redacted.user, redacted.target) == (reviewer_user, f"Visit {visit.pk}")
    assert redacted.detail == {"redaction": entry.pk, "versions": [1], "places": entry.places}
    assert NHS not in everything_stored(caplog_audit)


# ----- Exports and imports --------------------------------------------------------------------


def test_a_staff_export_is_recorded_and_a_public_file_is_not(staff_user: User) -> None:
    setup = make_setup()
    client = Client(REMOTE_ADDR=ADDRESS)
    client.force_login(staff_user)

    exported = client.get(f"/survey/{setup.survey.slug}/returns.csv")
    b"".join(exported.streaming_content)  # type: ignore[attr-defined]
    public = client.get(f"/survey/{setup.survey.slug}/Q1.csv")

    assert (exported.status_code, public.status_code) == (200, 200)
    (event,) = events(AuditKind.EXPORTED)
    assert (event.user, event.address) == (staff_user, ADDRESS)
    assert (event.target, event.detail) == (f"{setup.survey.slug}-returns.csv", {"format": "csv"})


def test_an_import_is_recorded_with_its_file_and_counts(staff_user: User) -> None:
    setup = make_setup()

    batch = survey_import_apply(
        survey=setup.survey,
        file_name="returns.csv",
        content=csv_file([HEADER, GATESHEAD]),
        user=staff_user,
    )

    (imported,) = events(AuditKind.IMPORTED)
    assert (imported.user, imported.target) == (staff_user, f"Import batch {batch.pk}")
    assert imported.detail == {
        "survey": setup.survey.slug,
        "file": "returns.csv",
        "sha256": batch.sha256,
        "created": 1,
        "updated": 0,
        "unchanged": 0,
    }


# ----- Written once, never changed ------------------------------------------------------------


def test_an_event_cannot_be_changed_or_deleted_and_outlives_its_user() -> None:
    user = StaffFactory.create(username="sam.staff")
    event = audit.record(AuditKind.SIGN_IN, user=user)
    assert event is not None

    event.username = "someone.else"
    with pytest.raises(AuditEventChanged):
        event.save()
    with pytest.raises(AuditEventChanged):
        event.delete()
    with pytest.raises(AuditEventChanged):
        AuditEvent.objects.filter(pk=event.pk).update(username="someone.else")
    with pytest.raises(AuditEventChanged):
        AuditEvent.objects.filter(pk=event.pk).delete()
    user.delete()

    kept = AuditEvent.objects.get(pk=event.pk)
    assert (kept.user, kept.username, kept.kind) == (None, "sam.staff", AuditKind.SIGN_IN)
