"""Every write to case studies with a rule in it: the workflow draft → in review → published
(→ withdrawn), with the identifier guard before review and before publication."""

from dataclasses import dataclass

from django.contrib.auth.models import User
from django.db import IntegrityError, transaction
from django.utils import timezone

from areas.models import LocalAuthority
from mash_survey import audit, history, identifiers, publishing, slugs
from mash_survey.errors import ServiceError
from mash_survey.identifiers import IdentifiersFoundError as IdentifiersFoundError
from mash_survey.models import AuditKind
from mash_survey.pdf import forget_pdfs
from visits.models import Visit

from .models import CaseStudy, CaseStudyStatus, KeyFact, Section


class CaseStudyError(ServiceError):
    pass


GUARD = identifiers.Guard(subject="The case study", action="continue", refused=CaseStudyError)


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
    """Send a draft for review, if its text names nobody (or a reviewer who had no hand in it
    lets possible identifiers through with a reason)."""
    case_study = _take(
        case_study,
        CaseStudyStatus.DRAFT,
        "Only a draft case study can be sent for review.",
        seen_version,
    )
    reason = GUARD.check(case_study, user=user, override_reason=override_reason)
    case_study.status = CaseStudyStatus.IN_REVIEW
    history.save(
        case_study, user=user, reason=GUARD.keep(case_study, reason, step="Sent for review")
    )
    return case_study


@transaction.atomic
def case_study_publish(
    *,
    case_study: CaseStudy,
    user: User,
    seen_version: int | None = None,
    override_reason: str = "",
    override_confirmed: bool = False,
) -> CaseStudy:
    """Publish a case study in review: from now on it is public. Only a reviewer who did not
    write it, change it or send it for review may. Possible identifiers need the reason given
    when it was sent for review, confirmed (`override_confirmed`), or, without one, the
    reviewer's own."""
    CaseStudyError.unless_reviewer(user, "publish a case study")
    case_study = _take(
        case_study,
        CaseStudyStatus.IN_REVIEW,
        "Only a case study in review can be published.",
        seen_version,
    )
    publishing.unless_independent(case_study, user=user, refused=CaseStudyError)
    reason = GUARD.confirm(
        case_study, user=user, confirmed=override_confirmed, override_reason=override_reason
    )
    case_study.status = CaseStudyStatus.PUBLISHED
    case_study.published_at = case_study.published_at or timezone.now()
    case_study.reviewer_comment = ""
    history.save(case_study, user=user, reason=GUARD.keep(case_study, reason, step="Published"))
    audit.record(AuditKind.PUBLISHED, user=user, target=case_study, detail={"step": "published"})
    return case_study


@transaction.atomic
def case_study_send_back(
    *, case_study: CaseStudy, user: User, comment: str, seen_version: int | None = None
) -> CaseStudy:
    """Return a case study in review to draft with a comment saying what to change (a
    reviewer who had no hand in it, as for publishing)."""
    CaseStudyError.unless_reviewer(user, "send a case study back")
    comment = CaseStudyError.required(comment, "Enter a comment saying what needs to change.")
    case_study = _take(
        case_study,
        CaseStudyStatus.IN_REVIEW,
        "Only a case study in review can be sent back.",
        seen_version,
    )
    publishing.unless_independent(case_study, user=user, refused=CaseStudyError)
    case_study.status = CaseStudyStatus.DRAFT
    case_study.reviewer_comment = comment
    history.save(case_study, user=user, reason=f"Sent back: {comment}")
    return case_study


@transaction.atomic
def case_study_withdraw(
    *, case_study: CaseStudy, user: User, notice: str, seen_version: int | None = None
) -> CaseStudy:
    """Withdraw a published case study: its address stays, showing `notice` instead; its
    stored PDFs are deleted."""
    CaseStudyError.unless_reviewer(user, "withdraw a case study")
    notice = CaseStudyError.required(
        notice, "Enter the notice readers will see in place of the case study."
    )
    case_study = _take(
        case_study,
        CaseStudyStatus.PUBLISHED,
        "Only a published case study can be withdrawn.",
        seen_version,
    )
    case_study.status = CaseStudyStatus.WITHDRAWN
    case_study.withdrawal_notice = notice
    history.save(case_study, user=user, reason=f"Withdrawn: {notice}")
    audit.record(AuditKind.PUBLISHED, user=user, target=case_study, detail={"step": "withdrawn"})
    transaction.on_commit(lambda: forget_pdfs(case_study))
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


def _save_with_parts(
    case_study: CaseStudy,
    *,
    user: User,
    reason: str,
    local_authorities: list[LocalAuthority],
    sections: list[SectionContent] | None,
    key_facts: list[KeyFactContent] | None,
) -> None:
    """Save the case study with its areas (in its one history record) and its sections and
    key facts (recorded in the same change)."""
    with history.saving(case_study, user=user, reason=reason):
        case_study.save()
        case_study.local_authorities.set(local_authorities)
        history.sync(
            Section.objects.filter(case_study=case_study),
            [
                Section(case_study=case_study, heading=s.heading, body=s.body, order=i)
                for i, s in enumerate(sections or [], start=1)
            ],
            key="order",
            fields=["heading", "body"],
            user=user,
        )
        history.sync(
            KeyFact.objects.filter(case_study=case_study),
            [
                KeyFact(case_study=case_study, label=f.label, value=f.value, order=i)
                for i, f in enumerate(key_facts or [], start=1)
            ],
            key="order",
            fields=["label", "value"],
            user=user,
        )


def _slug_taken(slug: str, *, exclude_pk: int | None = None) -> bool:
    taken = CaseStudy.objects.filter(slug=slug)
    if exclude_pk is not None:
        taken = taken.exclude(pk=exclude_pk)
    return taken.exists()


SLUG_TAKEN = "Another case study already uses the web address {slug}: choose a different one"


def slug_problem(slug: str) -> str:
    """What is wrong with `slug` as a case study's web address, besides being taken."""
    return slugs.problem(
        slug,
        namespace="case_studies",
        prefix="/case-studies/",
        example="east-hub-shares-early",
        max_length=100,
        blank="Enter a web address, using letters, numbers and hyphens",
    )


def _check_slug(slug: str, *, exclude_pk: int | None = None) -> None:
    wrong = slug_problem(slug)
    if wrong:
        raise CaseStudyError(wrong)
    if _slug_taken(slug, exclude_pk=exclude_pk):
        raise CaseStudyError(SLUG_TAKEN.format(slug=slug))


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
    CaseStudyError.unless_member(user, "write case studies")
    _check_slug(slug)
    case_study = CaseStudy(
        title=title, slug=slug, model=model, summary=summary, visit=visit, created_by=user
    )
    try:
        with transaction.atomic():  # someone may take the address between check and insert
            _save_with_parts(
                case_study,
                user=user,
                reason="Created",
                local_authorities=local_authorities,
                sections=sections,
                key_facts=key_facts,
            )
    except IntegrityError:
        if _slug_taken(slug):
            raise CaseStudyError(SLUG_TAKEN.format(slug=slug)) from None
        raise
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
    CaseStudyError.unless_member(user, "change case studies")
    case_study = history.lock(case_study)
    if case_study.status != CaseStudyStatus.DRAFT:
        raise CaseStudyError(
            "Only a draft case study can be changed. This one is "
            f"{case_study.get_status_display().lower()}."
        )
    _check_slug(slug, exclude_pk=case_study.pk)
    history.claim_version(case_study, seen_version=seen_version)
    case_study.title, case_study.slug, case_study.model = title, slug, model
    case_study.summary, case_study.visit = summary, visit
    _save_with_parts(
        case_study,
        user=user,
        reason="Changed",
        local_authorities=local_authorities,
        sections=sections,
        key_facts=key_facts,
    )
    return case_study
