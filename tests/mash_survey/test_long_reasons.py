"""Reviewers' comments, withdrawal notices and identifier-override reasons of any length are
kept in full, on the record and in its history. (PostgreSQL enforces column lengths, SQLite
does not: the suite's PostgreSQL pass is what proves this.)"""

from collections.abc import Callable
from typing import Any

import pytest
from django.utils import timezone

from case_studies import services as case_study_services
from case_studies.models import CaseStudy, CaseStudyStatus
from tests.case_studies.factories import CaseStudyFactory, SectionFactory
from tests.factories import ReviewerFactory, StaffFactory
from tests.visits.factories import VisitFactory
from visits import services as visit_services
from visits.models import ReviewStatus, Visit

pytestmark = pytest.mark.django_db

LONG = ("The hub's duty line is published on the council's website, not a person's number. " * 25)[
    :2000
].strip()
NHS_TEXT = "Seen within the hour; NHS number 943 476 5919 recorded in the notes."


def _return_visit(reviewer: Any) -> tuple[Visit, str]:
    visit = VisitFactory.create(
        status=ReviewStatus.SUBMITTED, submitted_at=timezone.now(), created_by=StaffFactory()
    )
    visit_services.record_return(record=visit, user=reviewer, comment=LONG)
    return visit, "reviewer_comment"


def _submit_visit_with_identifiers(reviewer: Any) -> tuple[Visit, str]:
    visit = VisitFactory.create(notes=NHS_TEXT)
    visit_services.record_submit(record=visit, user=reviewer, override_reason=LONG)
    return visit, "pii_override_reason"


def _approve_visit_with_identifiers(reviewer: Any) -> tuple[Visit, str]:
    visit = VisitFactory.create(
        notes=NHS_TEXT,
        status=ReviewStatus.SUBMITTED,
        submitted_at=timezone.now(),
        created_by=StaffFactory(),
    )
    visit_services.record_approve(record=visit, user=reviewer, override_reason=LONG)
    return visit, "pii_override_reason"


def _send_back_case_study(reviewer: Any) -> tuple[CaseStudy, str]:
    case_study = CaseStudyFactory.create(status=CaseStudyStatus.IN_REVIEW)
    case_study_services.case_study_send_back(case_study=case_study, user=reviewer, comment=LONG)
    return case_study, "reviewer_comment"


def _withdraw_case_study(reviewer: Any) -> tuple[CaseStudy, str]:
    case_study = CaseStudyFactory.create(
        status=CaseStudyStatus.PUBLISHED, published_at=timezone.now()
    )
    case_study_services.case_study_withdraw(case_study=case_study, user=reviewer, notice=LONG)
    return case_study, "withdrawal_notice"


def _submit_case_study_with_identifiers(reviewer: Any) -> tuple[CaseStudy, str]:
    case_study = CaseStudyFactory.create()
    SectionFactory.create(case_study=case_study, body=NHS_TEXT)
    case_study_services.case_study_submit(
        case_study=case_study, user=reviewer, override_reason=LONG
    )
    return case_study, "pii_override_reason"


def _publish_case_study_with_identifiers(reviewer: Any) -> tuple[CaseStudy, str]:
    case_study = CaseStudyFactory.create(status=CaseStudyStatus.IN_REVIEW)
    SectionFactory.create(case_study=case_study, body=NHS_TEXT)
    case_study_services.case_study_publish(
        case_study=case_study, user=reviewer, override_reason=LONG
    )
    return case_study, "pii_override_reason"


@pytest.mark.parametrize(
    "step",
    [
        _return_visit,
        _submit_visit_with_identifiers,
        _approve_visit_with_identifiers,
        _send_back_case_study,
        _withdraw_case_study,
        _submit_case_study_with_identifiers,
        _publish_case_study_with_identifiers,
    ],
    ids=lambda step: step.__name__.strip("_"),
)
def test_a_2000_character_text_is_kept_in_full(step: Callable[[Any], tuple[Any, str]]) -> None:
    reviewer = ReviewerFactory.create()

    record, field = step(reviewer)

    record.refresh_from_db()
    assert getattr(record, field) == LONG
    latest = record.history.order_by("-history_id").first()
    assert latest.history_user == reviewer
    assert LONG in latest.history_change_reason or latest.history_change_reason == "Published"
