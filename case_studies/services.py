"""Every write to case studies with a rule in it: the workflow draft → in review → published
(→ withdrawn), with the identifier guard before review and before publication."""

from dataclasses import dataclass

from django.contrib.auth.models import User
from django.db import transaction
from django.utils import timezone

from areas.models import LocalAuthority
from mash_survey import history, identifiers
from mash_survey.errors import ServiceError
from mash_survey.identifiers import IdentifiersFoundError as IdentifiersFoundError
from mash_survey.roles import is_reviewer, is_staff_member
from visits.models import Visit

from .models import CaseStudy, CaseStudyStatus, KeyFact, Section


class CaseStudyError(ServiceError):
    pass


GUARD = identifiers.Guard(subject="The case study", action="continue", refused=CaseStudyError)


def _reviewer_only(user: User, action: str) -> None:
    if not is_reviewer(user):
        raise CaseStudyError(f"Only a reviewer can {action}.")


def _required(text: str, message: str) -> str:
    text = text.strip()
    if not text:
        raise CaseStudyError(message)
    return text


def _take(case_study: CaseStudy, status: str, refused: str, seen_version: int | None) -> CaseStudy:
    """The case study locked, in `status`, at its next version (the caller's transaction rolls
    the version back if a later check refuses the step)."""
    case_study = history.lock(case_study)
    if case_study.status != status:
        raise CaseStudyError(refused)
    history.claim_version(case_study, seen_version=seen_version)
    return case_study


@transaction.atomic
def case_study_submit(
    *, case_study: CaseStudy, user: User, seen_version: int | None = None, override_reason: str = ""
) -> CaseStudy:
    """Send a draft for review, if its text names nobody."""
    case_study = _take(
        case_study,
        CaseStudyStatus.DRAFT,
        "Only a draft case study can be sent for review.",
        seen_version,
    )
    reason = GUARD.check(case_study, user=user, override_reason=override_reason)
    case_study.status = CaseStudyStatus.IN_REVIEW
    if reason:
        case_study.pii_override_reason = reason
    history.save(
        case_study,
        user=user,
        reason=f"Sent for review with possible identifiers: {reason}"
        if reason
        else "Sent for review",
    )
    return case_study


@transaction.atomic
def case_study_publish(
    *, case_study: CaseStudy, user: User, seen_version: int | None = None, override_reason: str = ""
) -> CaseStudy:
    """Publish a case study in review (reviewers only): from now on it is public."""
    _reviewer_only(user, "publish a case study")
    case_study = _take(
        case_study,
        CaseStudyStatus.IN_REVIEW,
        "Only a case study in review can be published.",
        seen_version,
    )
    reason = GUARD.check(
        case_study, user=user, override_reason=override_reason or case_study.pii_override_reason
    )
    case_study.status = CaseStudyStatus.PUBLISHED
    case_study.published_at = case_study.published_at or timezone.now()
    case_study.reviewer_comment = ""
    if reason:
        case_study.pii_override_reason = reason
    history.save(case_study, user=user, reason="Published")
    return case_study


@transaction.atomic
def case_study_send_back(
    *, case_study: CaseStudy, user: User, comment: str, seen_version: int | None = None
) -> CaseStudy:
    """Return a case study in review to draft with a comment saying what to change."""
    _reviewer_only(user, "send a case study back")
    comment = _required(comment, "Enter a comment saying what needs to change.")
    case_study = _take(
        case_study,
        CaseStudyStatus.IN_REVIEW,
        "Only a case study in review can be sent back.",
        seen_version,
    )
    case_study.status = CaseStudyStatus.DRAFT
    case_study.reviewer_comment = comment
    history.save(case_study, user=user, reason=f"Sent back: {comment}")
    return case_study


@transaction.atomic
def case_study_withdraw(
    *, case_study: CaseStudy, user: User, notice: str, seen_version: int | None = None
) -> CaseStudy:
    """Withdraw a published case study: its address stays, showing `notice` instead."""
    _reviewer_only(user, "withdraw a case study")
    notice = _required(notice, "Enter the notice readers will see in place of the case study.")
    case_study = _take(
        case_study,
        CaseStudyStatus.PUBLISHED,
        "Only a published case study can be withdrawn.",
        seen_version,
    )
    case_study.status = CaseStudyStatus.WITHDRAWN
    case_study.withdrawal_notice = notice
    history.save(case_study, user=user, reason=f"Withdrawn: {notice}")
    return case_study


# ----- Authoring ----------------------------------------------------------------------


@dataclass(frozen=True)
class SectionContent:
    heading: str
    body: str


@dataclass(frozen=True)
class KeyFactContent:
    label: str
    value: str


def _write_rows(
    user: User,
    existing: list[Section] | list[KeyFact],
    wanted: list[Section] | list[KeyFact],
    fields: tuple[str, str],
) -> None:
    """Make the rows in `existing` (by order) read as `wanted`: change, add and delete only
    what differs, each with its history, so the case study's history shows what changed."""
    by_order = {row.order: row for row in existing}
    for row in wanted:
        current = by_order.pop(row.order, None)
        if current is None:
            history.save(row, user=user)
        elif any(getattr(current, f) != getattr(row, f) for f in fields):
            for f in fields:
                setattr(current, f, getattr(row, f))
            history.save(current, user=user)
    for row in by_order.values():
        history.delete(row, user=user)


def _write_parts(
    case_study: CaseStudy,
    *,
    user: User,
    local_authorities: list[LocalAuthority],
    sections: list[SectionContent],
    key_facts: list[KeyFactContent],
) -> None:
    # Called inside `history.saving(case_study)`: the areas go into its one history record,
    # and the sections and key facts are recorded as part of the same change.
    case_study.local_authorities.set(local_authorities)
    _write_rows(
        user,
        list(Section.objects.filter(case_study=case_study)),
        [
            Section(case_study=case_study, heading=s.heading, body=s.body, order=i)
            for i, s in enumerate(sections, start=1)
        ],
        ("heading", "body"),
    )
    _write_rows(
        user,
        list(KeyFact.objects.filter(case_study=case_study)),
        [
            KeyFact(case_study=case_study, label=f.label, value=f.value, order=i)
            for i, f in enumerate(key_facts, start=1)
        ],
        ("label", "value"),
    )


def _slug_taken(slug: str, *, exclude_pk: int | None = None) -> bool:
    taken = CaseStudy.objects.filter(slug=slug)
    if exclude_pk is not None:
        taken = taken.exclude(pk=exclude_pk)
    return taken.exists()


SLUG_TAKEN = "Another case study already uses the web address {slug}: choose a different one"


@transaction.atomic
def case_study_create(
    *,
    user: User,
    title: str,
    slug: str,
    local_authorities: list[LocalAuthority],
    model: str,
    summary: str,
    visit: Visit | None = None,
    sections: list[SectionContent] | None = None,
    key_facts: list[KeyFactContent] | None = None,
) -> CaseStudy:
    """A new draft case study with its sections and key facts (project members)."""
    if not is_staff_member(user):
        raise CaseStudyError("Only project members can write case studies.")
    if _slug_taken(slug):
        raise CaseStudyError(SLUG_TAKEN.format(slug=slug))
    case_study = CaseStudy(
        title=title, slug=slug, model=model, summary=summary, visit=visit, created_by=user
    )
    with history.saving(case_study, user=user, reason="Created"):
        case_study.save()
        _write_parts(
            case_study,
            user=user,
            local_authorities=local_authorities,
            sections=sections or [],
            key_facts=key_facts or [],
        )
    return case_study


@transaction.atomic
def case_study_update(
    *,
    case_study: CaseStudy,
    user: User,
    seen_version: int,
    title: str,
    slug: str,
    local_authorities: list[LocalAuthority],
    model: str,
    summary: str,
    visit: Visit | None = None,
    sections: list[SectionContent] | None = None,
    key_facts: list[KeyFactContent] | None = None,
) -> CaseStudy:
    """Change a draft case study, unless someone saved since `seen_version`."""
    if not is_staff_member(user):
        raise CaseStudyError("Only project members can change case studies.")
    case_study = history.lock(case_study)
    if case_study.status != CaseStudyStatus.DRAFT:
        raise CaseStudyError(
            "Only a draft case study can be changed. This one is "
            f"{case_study.get_status_display().lower()}."
        )
    if _slug_taken(slug, exclude_pk=case_study.pk):
        raise CaseStudyError(SLUG_TAKEN.format(slug=slug))
    history.claim_version(case_study, seen_version=seen_version)
    case_study.title, case_study.slug, case_study.model = title, slug, model
    case_study.summary, case_study.visit = summary, visit
    with history.saving(case_study, user=user, reason="Changed"):
        case_study.save()
        _write_parts(
            case_study,
            user=user,
            local_authorities=local_authorities,
            sections=sections or [],
            key_facts=key_facts or [],
        )
    return case_study
