"""The visits and detailed feedback waiting for a project member, for "Your work"
(`mash_survey.work`): their drafts, what a reviewer sent back to them, for reviewers what
waits for their decision, and the open data-quality problems on records they created. A
fixed number of queries, whatever the number of visits."""

from collections.abc import Iterable

from django.contrib.auth.models import User
from django.urls import reverse

from mash_survey.quality import report
from mash_survey.work import WorkItem

from . import queries
from .models import DetailedFeedback, ReviewStatus, Visit
from .quality import visit_problems


def _visit_item(section: str, visit: Visit, note: str = "") -> WorkItem:
    return WorkItem(
        section=section,
        kind="Visit",
        title=str(visit),
        url=reverse("visits:detail", kwargs={"pk": visit.pk}),
        status=visit.get_status_display(),
        changed=visit.updated_at,
        note=note,
    )


def _feedback_item(section: str, feedback: DetailedFeedback, note: str = "") -> WorkItem:
    return WorkItem(
        section=section,
        kind="Detailed feedback",
        title=f"Feedback from the {str(feedback.visit)[0].lower()}{str(feedback.visit)[1:]}",
        url=reverse("visits:feedback", kwargs={"pk": feedback.visit_id}),
        status=feedback.get_status_display(),
        changed=feedback.updated_at,
        note=note,
    )


def visit_work(user: User, reviewer: bool) -> Iterable[WorkItem]:
    draft = ReviewStatus.DRAFT
    for visit in queries.visits_created_by(user).filter(status=draft):
        yield _visit_item("drafts", visit)
    for feedback in queries.feedback_created_by(user).filter(status=draft):
        yield _feedback_item("drafts", feedback)
    attention = queries.needs_attention(user=user, reviewer=reviewer)
    for visit in attention.returned_visits:
        yield _visit_item("returned", visit, visit.reviewer_comment)
    for feedback in attention.returned_feedback:
        yield _feedback_item("returned", feedback, feedback.reviewer_comment)
    for visit in attention.waiting_visits:
        if visit.pk not in attention.not_yours_visits:
            yield _visit_item("awaiting_review", visit)
    for feedback in attention.waiting_feedback:
        if feedback.pk not in attention.not_yours_feedback:
            yield _feedback_item("awaiting_review", feedback)
    yield from _problems(user)


def _problems(user: User) -> Iterable[WorkItem]:
    mine = {
        (Visit, pk) for pk in Visit.objects.filter(created_by=user).values_list("pk", flat=True)
    } | {
        (DetailedFeedback, pk)
        for pk in DetailedFeedback.objects.filter(created_by=user).values_list("pk", flat=True)
    }
    if not mine:
        return
    checked = report(p for p in visit_problems(of=user) if (p.model, p.pk) in mine)
    for problem in [*checked.to_fix, *checked.to_check]:
        yield WorkItem(
            section="problems",
            kind="Visit" if problem.model is Visit else "Detailed feedback",
            title=f"{problem.record}: {problem.field_label}",
            url=problem.fix_url,
            status="To fix" if problem.is_error else "To check",
            note=problem.breach.message,
        )
