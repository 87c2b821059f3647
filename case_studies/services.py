"""Every write to case studies with a rule in it: the workflow draft → in review → published
(→ withdrawn), with the identifier guard before review and before publication."""

from dataclasses import dataclass

from django.contrib.auth.models import User
from django.db import transaction
from django.db.models import F
from django.utils import timezone

from areas.models import LocalAuthority
from mash_survey import pii
from mash_survey.errors import ServiceError, StaleEditError
from mash_survey.roles import is_reviewer, is_staff_member
from visits.models import Visit

from .models import CaseStudy, CaseStudyStatus, KeyFact, Section

STALE_MESSAGE = (
    "This case study was changed by someone else while you were editing it. "
    "Check the changes and try again."
)


class CaseStudyError(ServiceError):
    pass


@dataclass(frozen=True)
class TextHit:
    where: str
    hit: pii.Hit
    context: str


class IdentifiersFoundError(CaseStudyError):
    """The text may identify someone; `hits` says where."""

    def __init__(self, hits: list[TextHit]) -> None:
        self.hits = hits
        count = len(hits)
        super().__init__(
            f"The case study has {count} possible identifier{'s' if count != 1 else ''} "
            "(such as an NHS number or a date of birth). Remove them, or ask a reviewer to "
            "continue with a reason."
        )


def identifier_hits(case_study: CaseStudy) -> list[TextHit]:
    """Scan the title, summary, key facts and every section for identifiers."""
    texts: list[tuple[str, str]] = [("Title", case_study.title), ("Summary", case_study.summary)]
    texts += [(f"Key fact: {f.label}", f"{f.label}: {f.value}") for f in case_study.key_facts.all()]
    texts += [
        (f"Section: {s.heading}", f"{s.heading}\n{s.body}") for s in case_study.sections.all()
    ]
    return [
        TextHit(where, hit, pii.context(text, hit))
        for where, text in texts
        for hit in pii.scan(text or "")
    ]


def claim_version(case_study: CaseStudy, *, seen_version: int | None) -> None:
    """Take the next version if nobody saved since `seen_version` (one UPDATE: no lost updates)."""
    rows = CaseStudy.objects.filter(pk=case_study.pk)
    if seen_version is not None:
        rows = rows.filter(version=seen_version)
    if not rows.update(version=F("version") + 1):
        raise StaleEditError(STALE_MESSAGE)
    case_study.refresh_from_db(fields=["version"])


def _save(case_study: CaseStudy, *, user: User | None, reason: str) -> None:
    case_study._history_user = user  # type: ignore[attr-defined]  # read by simple-history
    case_study._change_reason = reason  # type: ignore[attr-defined]  # read by simple-history
    case_study.save()


def _locked(case_study: CaseStudy) -> CaseStudy:
    return CaseStudy.objects.select_for_update().get(pk=case_study.pk)


def _guard(case_study: CaseStudy, user: User, override_reason: str) -> str:
    """Refuse text with identifiers unless a reviewer gives a reason; returns the reason used."""
    hits = identifier_hits(case_study)
    reason = override_reason.strip()
    if not hits:
        return ""
    if not reason:
        raise IdentifiersFoundError(hits)
    if not is_reviewer(user):
        raise CaseStudyError("Only a reviewer can let possible identifiers through.")
    return reason


@transaction.atomic
def case_study_submit(
    *, case_study: CaseStudy, user: User, seen_version: int | None = None, override_reason: str = ""
) -> CaseStudy:
    """Send a draft for review, if its text names nobody."""
    case_study = _locked(case_study)
    if case_study.status != CaseStudyStatus.DRAFT:
        raise CaseStudyError("Only a draft case study can be sent for review.")
    reason = _guard(case_study, user, override_reason)
    claim_version(case_study, seen_version=seen_version)
    case_study.status = CaseStudyStatus.IN_REVIEW
    if reason:
        case_study.pii_override_reason = reason
    _save(
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
    if not is_reviewer(user):
        raise CaseStudyError("Only a reviewer can publish a case study.")
    case_study = _locked(case_study)
    if case_study.status != CaseStudyStatus.IN_REVIEW:
        raise CaseStudyError("Only a case study in review can be published.")
    reason = _guard(case_study, user, override_reason or case_study.pii_override_reason)
    claim_version(case_study, seen_version=seen_version)
    case_study.status = CaseStudyStatus.PUBLISHED
    case_study.published_at = case_study.published_at or timezone.now()
    case_study.reviewer_comment = ""
    if reason:
        case_study.pii_override_reason = reason
    _save(case_study, user=user, reason="Published")
    return case_study


@transaction.atomic
def case_study_send_back(
    *, case_study: CaseStudy, user: User, comment: str, seen_version: int | None = None
) -> CaseStudy:
    """Return a case study in review to draft with a comment saying what to change."""
    if not is_reviewer(user):
        raise CaseStudyError("Only a reviewer can send a case study back.")
    comment = comment.strip()
    if not comment:
        raise CaseStudyError("Enter a comment saying what needs to change.")
    case_study = _locked(case_study)
    if case_study.status != CaseStudyStatus.IN_REVIEW:
        raise CaseStudyError("Only a case study in review can be sent back.")
    claim_version(case_study, seen_version=seen_version)
    case_study.status = CaseStudyStatus.DRAFT
    case_study.reviewer_comment = comment
    _save(case_study, user=user, reason=f"Sent back: {comment}")
    return case_study


@transaction.atomic
def case_study_withdraw(
    *, case_study: CaseStudy, user: User, notice: str, seen_version: int | None = None
) -> CaseStudy:
    """Withdraw a published case study: its address stays, showing `notice` instead."""
    if not is_reviewer(user):
        raise CaseStudyError("Only a reviewer can withdraw a case study.")
    notice = notice.strip()
    if not notice:
        raise CaseStudyError("Enter the notice readers will see in place of the case study.")
    case_study = _locked(case_study)
    if case_study.status != CaseStudyStatus.PUBLISHED:
        raise CaseStudyError("Only a published case study can be withdrawn.")
    claim_version(case_study, seen_version=seen_version)
    case_study.status = CaseStudyStatus.WITHDRAWN
    case_study.withdrawal_notice = notice
    _save(case_study, user=user, reason=f"Withdrawn: {notice}")
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


def _write_parts(
    case_study: CaseStudy,
    *,
    local_authorities: list[LocalAuthority],
    sections: list[SectionContent],
    key_facts: list[KeyFactContent],
) -> None:
    case_study.local_authorities.set(local_authorities)
    case_study.sections.all().delete()
    case_study.key_facts.all().delete()
    Section.objects.bulk_create(
        Section(case_study=case_study, heading=s.heading, body=s.body, order=i)
        for i, s in enumerate(sections, start=1)
    )
    KeyFact.objects.bulk_create(
        KeyFact(case_study=case_study, label=f.label, value=f.value, order=i)
        for i, f in enumerate(key_facts, start=1)
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
    _save(case_study, user=user, reason="Created")
    _write_parts(
        case_study,
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
    seen_version: int | None,
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
    case_study = _locked(case_study)
    if case_study.status != CaseStudyStatus.DRAFT:
        raise CaseStudyError(
            "Only a draft case study can be changed. This one is "
            f"{case_study.get_status_display().lower()}."
        )
    if _slug_taken(slug, exclude_pk=case_study.pk):
        raise CaseStudyError(SLUG_TAKEN.format(slug=slug))
    claim_version(case_study, seen_version=seen_version)
    case_study.title, case_study.slug, case_study.model = title, slug, model
    case_study.summary, case_study.visit = summary, visit
    _save(case_study, user=user, reason="Changed")
    _write_parts(
        case_study,
        local_authorities=local_authorities,
        sections=sections or [],
        key_facts=key_facts or [],
    )
    return case_study
