"""Every write to a report edition with a rule in it: draft → in review → published (by the
freeze job, `jobs.py`), withdrawn from review back to draft, and amended (a new draft that
corrects a published edition and says why in public).

- Only a draft is changed; one in review is withdrawn to draft first (as case studies are).
- Each save claims the edition's next version (`history.claim_version`), so of two people
  editing at once the second is refused, and goes through `history.save` so its history says
  who and why. The texts are scanned for possible identifiers on each save (`Marked`).
- Publishing needs a reviewer who did not write, change or send the edition for review
  (`publishing.unless_independent`) and a checklist without errors (`checklist.py`); it then
  queues the freeze job, which stores the files and makes the edition public.

The job's progress (`freeze_state`, `freeze_progress`) is written with a plain UPDATE, not a
history row: it is where the job has got to, not a change anyone made to the edition, and a
row by the reviewer would count them among its contributors.
"""

import re
from collections.abc import Sequence

from django.contrib.auth.models import User
from django.db import transaction

from case_studies.models import CaseStudy, CaseStudyStatus
from mash_survey import history, identifiers, publishing, slugs
from mash_survey.errors import ServiceError

from ..models import (
    EditionCaseStudy,
    EditionFinding,
    EditionStatus,
    EditionTheme,
    Finding,
    FindingStatus,
    FreezeState,
    ReportEdition,
    Theme,
)


class EditionError(ServiceError):
    pass


GUARD = identifiers.Guard(subject="The edition", action="publish it", refused=EditionError)

DEFAULT_TITLE = "Early findings"
SHORT_AMENDMENT_REASON = (
    "Enter the reason for the amendment in at least a sentence: readers see it in the "
    "edition's updates"
)
#: Where publishing has got to while the job has not started.
QUEUED_MESSAGE = "Waiting to start"


def check_slug(slug: str, *, exclude: int | None = None) -> str:
    """The slug, if it can be an edition's address; otherwise EditionError saying why."""
    slug = slug.strip()
    wrong = slugs.problem(
        slug,
        namespace="findings",
        prefix="/findings/",
        example="early-findings-2026",
        max_length=80,
        blank="Enter the edition's web address, such as early-findings-2026",
    )
    if wrong:
        raise EditionError(wrong)
    taken = ReportEdition.objects.filter(slug=slug)
    if exclude is not None:
        taken = taken.exclude(pk=exclude)
    if taken.exists():
        raise EditionError(f"Another edition already uses the web address {slug}")
    return slug


@transaction.atomic
def create_draft(
    *,
    user: User,
    slug: str,
    title: str = DEFAULT_TITLE,
    summary: str = "",
    introduction: str = "",
    method: str = "",
    caveats: str = "",
    is_illustrative: bool = False,
) -> ReportEdition:
    """A new draft edition with no themes, findings or case studies yet."""
    EditionError.unless_member(user, "start an edition")
    edition = ReportEdition(
        title=title.strip() or DEFAULT_TITLE,
        slug=check_slug(slug),
        summary=EditionError.required(summary, "Enter the edition's summary"),
        introduction=introduction.strip(),
        method=method.strip(),
        caveats=caveats.strip(),
        created_by=user,
        is_illustrative=is_illustrative,
    )
    history.save(edition, user=user, reason="Created")
    return edition


def _take(
    edition: ReportEdition, status: str, refused: str, seen_version: int | None
) -> ReportEdition:
    """The edition locked, in `status`, at its next version."""
    edition = history.lock(edition)
    if edition.status != status:
        raise EditionError(refused)
    history.claim_version(edition, seen_version=seen_version)
    return edition


def _chosen_findings(edition: ReportEdition, findings: Sequence[Finding]) -> list[Finding]:
    """The findings, refusing any newly added one that is not agreed (one already included
    stays, so the checklist can say what became of it)."""
    included = set(
        EditionFinding.objects.filter(edition=edition).values_list("finding_id", flat=True)
    )
    for finding in findings:
        if finding.status != FindingStatus.AGREED and finding.pk not in included:
            raise EditionError(
                f"Only agreed findings can be included: “{finding.headline}” is "
                f"{finding.get_status_display().lower()}"
            )
    return list({f.pk: f for f in findings}.values())


def _chosen_case_studies(
    edition: ReportEdition, case_studies: Sequence[CaseStudy]
) -> list[CaseStudy]:
    included = set(
        EditionCaseStudy.objects.filter(edition=edition).values_list("case_study_id", flat=True)
    )
    for study in case_studies:
        if study.status != CaseStudyStatus.PUBLISHED and study.pk not in included:
            raise EditionError(
                f"Only published case studies can be included: “{study.title}” is "
                f"{study.get_status_display().lower()}"
            )
    return list({s.pk: s for s in case_studies}.values())


def _set_parts(
    edition: ReportEdition,
    *,
    themes: Sequence[Theme],
    findings: Sequence[Finding],
    case_studies: Sequence[CaseStudy],
    copying: bool = False,
) -> None:
    """Make the edition include exactly these, in this order. A finding's theme is included
    (after the chosen themes) if it was not chosen. `copying` an amended edition's parts
    takes them as they are: the checklist says what became of them since."""
    if copying:
        studies = list(case_studies)
    else:
        findings = _chosen_findings(edition, findings)
        studies = _chosen_case_studies(edition, case_studies)
    ordered = list({t.pk: t for t in themes}.values())
    for finding in findings:
        if finding.theme_id not in {t.pk for t in ordered}:
            ordered.append(finding.theme)
    EditionTheme.objects.filter(edition=edition).delete()
    EditionFinding.objects.filter(edition=edition).delete()
    EditionCaseStudy.objects.filter(edition=edition).delete()
    EditionTheme.objects.bulk_create(
        EditionTheme(edition=edition, theme=theme, order=i) for i, theme in enumerate(ordered)
    )
    EditionFinding.objects.bulk_create(
        EditionFinding(edition=edition, finding=f, order=i) for i, f in enumerate(findings)
    )
    EditionCaseStudy.objects.bulk_create(
        EditionCaseStudy(edition=edition, case_study=s, order=i) for i, s in enumerate(studies)
    )


@transaction.atomic
def update(
    *,
    edition: ReportEdition,
    user: User,
    seen_version: int | None,
    title: str,
    slug: str,
    summary: str,
    introduction: str,
    method: str,
    caveats: str,
    amendment_reason: str = "",
    themes: Sequence[Theme] | None = None,
    findings: Sequence[Finding] | None = None,
    case_studies: Sequence[CaseStudy] | None = None,
) -> ReportEdition:
    """Change a draft's texts and (unless None) what it includes, in order. A reason that
    let possible identifiers through is cleared: the texts may have changed."""
    EditionError.unless_member(user, "change an edition")
    edition = _take(
        edition,
        EditionStatus.DRAFT,
        "Only a draft edition can be changed: withdraw it from review first.",
        seen_version,
    )
    edition.slug = check_slug(slug, exclude=edition.pk)
    edition.title = title.strip() or DEFAULT_TITLE
    edition.summary = EditionError.required(summary, "Enter the edition's summary")
    edition.introduction = introduction.strip()
    edition.method = method.strip()
    edition.caveats = caveats.strip()
    if edition.amends_id is not None:
        edition.amendment_reason = EditionError.required(amendment_reason, SHORT_AMENDMENT_REASON)
    edition.pii_override_reason = ""
    with history.saving(edition, user=user, reason="Changed"):
        edition.save()
        if themes is not None or findings is not None or case_studies is not None:
            _set_parts(
                edition,
                themes=themes if themes is not None else list(edition.themes.all()),
                findings=findings if findings is not None else list(edition.findings.all()),
                case_studies=(
                    case_studies if case_studies is not None else list(edition.case_studies.all())
                ),
            )
    return edition


@transaction.atomic
def submit(*, edition: ReportEdition, user: User, seen_version: int | None = None) -> ReportEdition:
    """Send a draft for review. An amendment must say why, in at least a sentence."""
    EditionError.unless_member(user, "send an edition for review")
    edition = _take(
        edition,
        EditionStatus.DRAFT,
        "Only a draft edition can be sent for review.",
        seen_version,
    )
    if edition.amends_id is not None and not publishing.is_a_sentence(edition.amendment_reason):
        raise EditionError(SHORT_AMENDMENT_REASON)
    edition.status = EditionStatus.IN_REVIEW
    history.save(edition, user=user, reason="Sent for review")
    return edition


@transaction.atomic
def withdraw(
    *, edition: ReportEdition, user: User, seen_version: int | None = None
) -> ReportEdition:
    """Take an edition out of review, back to draft, to change it (not while it publishes)."""
    EditionError.unless_member(user, "withdraw an edition from review")
    edition = _take(
        edition,
        EditionStatus.IN_REVIEW,
        "Only an edition in review can be withdrawn to draft.",
        seen_version,
    )
    if edition.freeze_state in (FreezeState.QUEUED, FreezeState.RUNNING):
        raise EditionError("The edition is being published: wait until it has finished.")
    edition.status = EditionStatus.DRAFT
    edition.freeze_state, edition.freeze_progress = FreezeState.NONE, ""
    history.save(edition, user=user, reason="Withdrawn to draft")
    return edition


@transaction.atomic
def _start_publishing(*, edition: ReportEdition, user: User, override_reason: str) -> ReportEdition:
    from . import checklist

    EditionError.unless_reviewer(user, "publish an edition")
    edition = history.lock(edition)
    if edition.status != EditionStatus.IN_REVIEW:
        raise EditionError("Only an edition in review can be published.")
    if edition.freeze_state in (FreezeState.QUEUED, FreezeState.RUNNING):
        raise EditionError("The edition is already being published.")
    publishing.unless_independent(edition, user=user, refused=EditionError)
    # A reason kept from an earlier attempt stands: the texts have not changed since (a
    # change clears it).
    reason = (
        ""
        if edition.pii_override_reason and not override_reason.strip()
        else GUARD.check(edition, user=user, override_reason=override_reason)
    )
    if reason:
        edition.pii_override_reason = reason
        ReportEdition.objects.filter(pk=edition.pk).update(pii_override_reason=reason)
    found = checklist.check(edition)
    if found.errors:
        count = len(found.errors)
        raise EditionError(
            f"The checklist found {count} problem{'s' if count != 1 else ''} that must be "
            "fixed before the edition is published."
        )
    ReportEdition.objects.filter(pk=edition.pk).update(
        freeze_state=FreezeState.QUEUED, freeze_progress=QUEUED_MESSAGE
    )
    edition.freeze_state, edition.freeze_progress = FreezeState.QUEUED, QUEUED_MESSAGE
    return edition


def publish(*, edition: ReportEdition, user: User, override_reason: str = "") -> ReportEdition:
    """Publish an edition in review: a reviewer who had no hand in it, with a checklist
    without errors (possible identifiers in its texts need that reviewer's reason of at least
    a sentence). Queues the freeze job (`jobs.publish_in_background`), which runs at once when
    no Redis is configured; the edition is public when the job has stored its files."""
    from . import jobs

    edition = _start_publishing(edition=edition, user=user, override_reason=override_reason)
    jobs.publish_in_background(edition, user)
    edition.refresh_from_db()
    return edition


def suggested_slug(edition: ReportEdition) -> str:
    """`<slug>-2` (or the next number free) for an amendment of `edition`."""
    stem = re.sub(r"-\d+$", "", edition.slug)
    number = 2
    while ReportEdition.objects.filter(slug=f"{stem}-{number}").exists():
        number += 1
    return f"{stem}-{number}"


@transaction.atomic
def amend(*, edition: ReportEdition, user: User, reason: str, slug: str = "") -> ReportEdition:
    """A new draft that corrects the published `edition`: its texts and what it includes,
    copied, pointing to it, with the public reason for the correction (at least a sentence;
    it can be reworded while it is a draft). Its address is `slug`, or `<slug>-2`."""
    EditionError.unless_member(user, "amend an edition")
    if not publishing.is_a_sentence(reason):
        raise EditionError(SHORT_AMENDMENT_REASON)
    if edition.status != EditionStatus.PUBLISHED:
        raise EditionError("Only the published edition can be amended.")
    if edition.amendments.filter(
        status__in=[EditionStatus.DRAFT, EditionStatus.IN_REVIEW]
    ).exists():
        raise EditionError(
            "An amendment of this edition is already being drafted: change that one instead."
        )
    amendment = ReportEdition(
        title=edition.title,
        slug=check_slug(slug or suggested_slug(edition)),
        summary=edition.summary,
        introduction=edition.introduction,
        method=edition.method,
        caveats=edition.caveats,
        amends=edition,
        amendment_reason=reason.strip(),
        created_by=user,
        is_illustrative=edition.is_illustrative,
    )
    with history.saving(amendment, user=user, reason=f"Amends {edition.slug}"):
        amendment.save()
        _set_parts(
            amendment,
            themes=[r.theme for r in EditionTheme.objects.filter(edition=edition)],
            findings=[
                r.finding
                for r in EditionFinding.objects.filter(edition=edition).select_related("finding")
            ],
            case_studies=[
                r.case_study
                for r in EditionCaseStudy.objects.filter(edition=edition).select_related(
                    "case_study"
                )
            ],
            copying=True,
        )
    return amendment
