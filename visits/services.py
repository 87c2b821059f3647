"""Every write to visits and detailed feedback with a rule in it: saving without losing anyone's
work, and the review workflow (draft → submitted → approved, or returned with a comment).

Visits and feedback share the workflow (`Reviewed`); the functions take either.
"""

import datetime as dt
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from decimal import Decimal
from typing import Any, TypeVar

from django.contrib.auth.models import User
from django.db import transaction
from django.utils import timezone

from areas.models import AgencyType, LocalAuthority, Region
from mash_survey import audit, history, identifiers, publishing
from mash_survey import rules as _rules
from mash_survey.errors import ServiceError
from mash_survey.identifiers import IdentifiersFoundError as IdentifiersFoundError
from mash_survey.models import AuditKind
from surveys.models import VisitSelection

from . import rules
from .models import (
    AgencyInvolvement,
    DetailedFeedback,
    FeedbackStaffing,
    Involvement,
    Reviewed,
    ReviewStatus,
    Visit,
)

R = TypeVar("R", Visit, DetailedFeedback)


class WorkflowError(ServiceError):
    pass


GUARD = identifiers.Guard(subject="The text", action="approve", refused=WorkflowError)


def _for_decision(record: R, user: User, action: str, done: str) -> R:
    """The submitted record, locked, for a reviewer to `action` ("approve"): refused unless
    the user is a reviewer who had no hand in it (`publishing.unless_independent`) and the
    record waits for review."""
    WorkflowError.unless_reviewer(user, f"{action} a {record.record_name}")
    record = history.lock(record)
    if record.status != ReviewStatus.SUBMITTED:
        raise WorkflowError(f"Only a submitted {record.record_name} can be {done}.")
    publishing.unless_independent(record, user=user, refused=WorkflowError)
    return record


@transaction.atomic
def record_submit(
    *, record: R, user: User, seen_version: int | None = None, override_reason: str = ""
) -> R:
    """Send a draft or returned record for review, if its text names nobody.

    Possible identifiers block it; only a reviewer who did not write or change it may let them
    through, with a reason that is recorded on the record and in its history.
    """
    record = history.lock(record)
    if record.status not in EDITABLE_STATUSES:
        raise WorkflowError(
            f"This {record.record_name} is already {record.get_status_display().lower()}."
        )
    override_reason = GUARD.check(record, user=user, override_reason=override_reason)
    history.claim_version(record, seen_version=seen_version)
    record.status = ReviewStatus.SUBMITTED
    record.submitted_at = timezone.now()
    reason = GUARD.keep(record, override_reason, step="Submitted", plain="Submitted for review")
    history.save(record, user=user, reason=reason)
    return record


@transaction.atomic
def record_approve(
    *,
    record: R,
    user: User,
    override_reason: str = "",
    override_confirmed: bool = False,
    seen_version: int | None = None,
) -> R:
    """Approve a submitted record: from now on it counts in the findings. Nobody approves
    what they wrote, changed or sent for review. Possible identifiers need the reason given at
    submission, confirmed (`override_confirmed`), or, without one, the reviewer's own; the
    history records it."""
    record = _for_decision(record, user, "approve", "approved")
    override_reason = GUARD.confirm(
        record, user=user, confirmed=override_confirmed, override_reason=override_reason
    )
    history.claim_version(record, seen_version=seen_version)
    record.status = ReviewStatus.APPROVED
    record.approved_at = timezone.now()
    record.approved_by = user
    record.reviewer_comment = ""
    history.save(record, user=user, reason=GUARD.keep(record, override_reason, step="Approved"))
    # Approved records reach partner keys in the API and count in the findings.
    audit.record(AuditKind.PUBLISHED, user=user, target=record, detail={"step": "approved"})
    return record


@transaction.atomic
def record_return(*, record: R, user: User, comment: str, seen_version: int | None = None) -> R:
    """Send a submitted record back to its authors with a comment saying what to change (a
    reviewer who had no hand in it, as for approving)."""
    WorkflowError.unless_reviewer(user, f"return a {record.record_name}")
    comment = WorkflowError.required(comment, "Enter a comment saying what needs to change.")
    record = _for_decision(record, user, "return", "returned")
    history.claim_version(record, seen_version=seen_version)
    record.status = ReviewStatus.RETURNED
    record.reviewer_comment = comment
    history.save(record, user=user, reason=f"Returned: {comment}")
    return record


# ----- Creating and changing visits and feedback (the forms and autosave) ----------------

#: Records in these states may be changed; submitted and approved records are read-only.
EDITABLE_STATUSES = (ReviewStatus.DRAFT, ReviewStatus.RETURNED)


class RecordContentError(ServiceError):
    """What was entered breaks a rule of the record (the forms check these first)."""


def is_editable(record: Reviewed) -> bool:
    return record.status in EDITABLE_STATUSES


def read_only_message(record: Reviewed) -> str:
    name = record.record_name
    if record.status == ReviewStatus.SUBMITTED:
        return (
            f"This {name} has been submitted for review, so it cannot be changed. A reviewer "
            "can return it with a comment if something needs to change."
        )
    return f"This {name} has been approved, so it cannot be changed."


def _ensure_editable(record: Reviewed) -> None:
    if not is_editable(record):
        raise WorkflowError(read_only_message(record))


def _check_visit(
    region: Region,
    local_authorities: list[LocalAuthority],
    agencies: Mapping[str, str],
    notes: str,
    selection: VisitSelection | None = None,
) -> None:
    for breach in _rules.errors(rules.visit_breaches({"notes": notes})):
        raise RecordContentError(breach.message)
    if not local_authorities:
        raise RecordContentError("Select at least one local authority visited")
    if any(authority.region_id != region.pk for authority in local_authorities):
        raise RecordContentError("Select local authorities in the region you chose")
    if selection is not None and selection.local_authority.region_id != region.pk:
        raise RecordContentError("Select an area selected for a visit in the region you chose")
    for agency_type, involvement in agencies.items():
        if agency_type not in AgencyType.values or involvement not in Involvement.values:
            raise RecordContentError(
                "Select how each partner agency took part: co-located, virtual or linked, "
                "or not involved"
            )


def _visit_unchanged(
    visit: Visit,
    *,
    visit_date: dt.date,
    region: Region,
    local_authorities: list[LocalAuthority],
    model_seen: str,
    agencies: Mapping[str, str],
    visiting_team: list[User],
    notes: str,
    selection: VisitSelection | None,
) -> bool:
    return (
        visit.visit_date == visit_date
        and visit.selection_id == (selection.pk if selection else None)
        and visit.region_id == region.pk
        and visit.model_seen == model_seen
        and visit.notes == notes
        and {a.pk for a in visit.local_authorities.all()} == {a.pk for a in local_authorities}
        and {u.pk for u in visit.visiting_team.all()} == {u.pk for u in visiting_team}
        and {a.agency_type: a.involvement for a in visit.agencies.all()} == dict(agencies)
    )


def _save_visit(
    visit: Visit,
    *,
    user: User,
    reason: str,
    local_authorities: list[LocalAuthority],
    agencies: Mapping[str, str],
    visiting_team: list[User],
) -> None:
    """Save the visit with its areas (in its one history record), team and agencies."""
    with history.saving(visit, user=user, reason=reason):
        visit.save()
        visit.local_authorities.set(local_authorities)
        visit.visiting_team.set(visiting_team)
        history.sync(
            visit.agencies.all(),
            [
                AgencyInvolvement(visit=visit, agency_type=agency, involvement=involvement)
                for agency, involvement in agencies.items()
            ],
            key="agency_type",
            fields=["involvement"],
            user=user,
        )


@transaction.atomic
def visit_create(
    *,
    user: User,
    visit_date: dt.date,
    region: Region,
    local_authorities: Iterable[LocalAuthority],
    model_seen: str,
    agencies: Mapping[str, str] | None = None,
    visiting_team: Iterable[User] = (),
    notes: str = "",
    selection: VisitSelection | None = None,
) -> Visit:
    """A new draft visit. `agencies` maps an agency type to how it took part (an
    `Involvement`); agencies left out are not recorded. `selection` is the survey selection
    it came from, of an area in the region."""
    authorities, team, involvements = list(local_authorities), list(visiting_team), agencies or {}
    _check_visit(region, authorities, involvements, notes, selection)
    visit = Visit(
        visit_date=visit_date,
        region=region,
        model_seen=model_seen,
        notes=notes,
        created_by=user,
        selection=selection,
    )
    _save_visit(
        visit,
        user=user,
        reason="Created",
        local_authorities=authorities,
        agencies=involvements,
        visiting_team=team,
    )
    return visit


#: visit_update's default: the selection the visit came from stays as it is (the form always
#: says which; a caller that does not know of selections leaves it alone).
KEEP_SELECTION: Any = object()


@transaction.atomic
def visit_update(
    *,
    visit: Visit,
    user: User,
    seen_version: int | None,
    visit_date: dt.date,
    region: Region,
    local_authorities: Iterable[LocalAuthority],
    model_seen: str,
    agencies: Mapping[str, str],
    visiting_team: Iterable[User],
    notes: str,
    selection: VisitSelection | None = KEEP_SELECTION,
    autosave: bool = False,
) -> Visit:
    """Save a draft or returned visit edited from `seen_version`; a returned visit stays
    returned until it is submitted again. Refused (StaleEditError) if someone saved it since,
    so nobody's changes are overwritten; unchanged content writes nothing."""
    authorities, team = list(local_authorities), list(visiting_team)
    if selection is KEEP_SELECTION:
        selection = visit.selection
    _check_visit(region, authorities, agencies, notes, selection)
    visit = history.lock(visit)
    _ensure_editable(visit)
    history.ensure_seen(visit, seen_version)
    if _visit_unchanged(
        visit,
        visit_date=visit_date,
        region=region,
        local_authorities=authorities,
        model_seen=model_seen,
        agencies=agencies,
        visiting_team=team,
        notes=notes,
        selection=selection,
    ):
        return visit
    history.claim_version(visit, seen_version=seen_version)
    visit.visit_date, visit.region, visit.model_seen = visit_date, region, model_seen
    visit.notes, visit.selection = notes, selection
    _save_visit(
        visit,
        user=user,
        reason="Saved automatically" if autosave else "Saved",
        local_authorities=authorities,
        agencies=agencies,
        visiting_team=team,
    )
    return visit


@dataclass(frozen=True)
class Staffing:
    """One kind of agency's staff in the arrangement."""

    staff_fte: Decimal
    co_located: bool


def _check_feedback(
    *, visit: Visit, values: Mapping[str, Any], staffing: Mapping[str, Staffing]
) -> None:
    """Refuse values that break a rule of the feedback (`rules.feedback_breaches`: the form
    shows the same messages at their fields); warnings do not stop the save."""
    for breach in _rules.errors(rules.feedback_breaches(values, visit_date=visit.visit_date)):
        raise RecordContentError(breach.message)
    for agency_type, line in staffing.items():
        if agency_type not in AgencyType.values:
            raise RecordContentError(f"Unknown agency type {agency_type!r}")
        if line.staff_fte < 0:
            raise RecordContentError("Staff numbers must be 0 or more")


def _set_staffing(
    feedback: DetailedFeedback, staffing: Mapping[str, Staffing], user: User | None
) -> None:
    history.sync(
        feedback.staffing.all(),
        [
            FeedbackStaffing(
                feedback=feedback,
                agency_type=agency,
                staff_fte=line.staff_fte,
                co_located=line.co_located,
            )
            for agency, line in staffing.items()
        ],
        key="agency_type",
        fields=["staff_fte", "co_located"],
        user=user,
    )


def _staffing_of(feedback: DetailedFeedback) -> dict[str, Staffing]:
    return {
        row.agency_type: Staffing(row.staff_fte, row.co_located) for row in feedback.staffing.all()
    }


@transaction.atomic
def feedback_save(
    *,
    visit: Visit,
    user: User,
    seen_version: int | None,
    established_on: dt.date | None = None,
    monthly_contacts: int | None = None,
    monthly_referrals: int | None = None,
    uses_blue_rating: bool | None = None,
    red_hours: int | None = None,
    amber_hours: int | None = None,
    green_hours: int | None = None,
    blue_hours: int | None = None,
    has_governance_board: bool | None = None,
    board_chair: str = "",
    isa_signed: bool | None = None,
    isa_signed_on: dt.date | None = None,
    isa_signatories: str = "",
    shared_it: str = "",
    outcome_measures: str = "",
    success_factors: str = "",
    barriers: str = "",
    costs_and_funding: str = "",
    lessons: str = "",
    staffing: Mapping[str, Staffing] | None = None,
    autosave: bool = False,
) -> DetailedFeedback:
    """Save the visit's detailed feedback, creating it on the first save (from version 0).
    As with visits: only a draft or returned record changes, and an edit from an old version
    is refused (StaleEditError) rather than overwriting someone's changes. `staffing` maps an
    agency type to its staff; agencies left out have none recorded. A yes-or-no answer is
    None when not answered. Values that break a rule are refused (RecordContentError)."""
    lines = dict(staffing or {})
    values = {
        "established_on": established_on,
        "monthly_contacts": monthly_contacts,
        "monthly_referrals": monthly_referrals,
        "uses_blue_rating": uses_blue_rating,
        "red_hours": red_hours,
        "amber_hours": amber_hours,
        "green_hours": green_hours,
        "blue_hours": blue_hours,
        "has_governance_board": has_governance_board,
        "board_chair": board_chair,
        "isa_signed": isa_signed,
        "isa_signed_on": isa_signed_on,
        "isa_signatories": isa_signatories,
        "shared_it": shared_it,
        "outcome_measures": outcome_measures,
        "success_factors": success_factors,
        "barriers": barriers,
        "costs_and_funding": costs_and_funding,
        "lessons": lessons,
    }
    _check_feedback(visit=visit, values=values, staffing=lines)
    # The visit's row is the lock: of two first saves, the second waits, then finds the
    # feedback made and is refused as a stale edit.
    Visit.objects.select_for_update().filter(pk=visit.pk).values_list("pk").get()
    feedback = DetailedFeedback.objects.filter(visit_id=visit.pk).first()
    if feedback is None:
        feedback = DetailedFeedback(visit=visit, created_by=user, **values)
        with history.change(user=user):
            history.save(feedback, user=user, reason="Created")
            _set_staffing(feedback, lines, user)
        return feedback
    feedback = history.lock(feedback)
    _ensure_editable(feedback)
    history.ensure_seen(feedback, seen_version)
    unchanged = all(getattr(feedback, name) == value for name, value in values.items())
    if unchanged and _staffing_of(feedback) == lines:
        return feedback
    history.claim_version(feedback, seen_version=seen_version)
    for name, value in values.items():
        setattr(feedback, name, value)
    with history.change(user=user):
        history.save(feedback, user=user, reason="Saved automatically" if autosave else "Saved")
        _set_staffing(feedback, lines, user)
    return feedback
