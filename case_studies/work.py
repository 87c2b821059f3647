"""The case studies waiting for a project member, for "Your work" (`mash_survey.work`): their
drafts, those a reviewer sent back to them, theirs in review and, for reviewers, those in
review they may decide on. Three queries, whatever the number of case studies."""

from collections.abc import Iterable

from django.contrib.auth.models import User
from django.db.models import Q

from mash_survey.work import WorkItem

from .models import CaseStudy, CaseStudyStatus
from .queries import case_studies_for_manage, manage_rows


def _item(section: str, case_study: CaseStudy, note: str = "") -> WorkItem:
    return WorkItem(
        section=section,
        kind="Case study",
        title=case_study.title,
        url=case_study.get_absolute_url(),
        status=case_study.get_status_display(),
        changed=case_study.updated_at,
        note=note,
    )


def case_study_work(user: User, reviewer: bool) -> Iterable[WorkItem]:
    waiting = Q(created_by=user, status__in=[CaseStudyStatus.DRAFT, CaseStudyStatus.IN_REVIEW])
    if reviewer:
        waiting |= Q(status=CaseStudyStatus.IN_REVIEW)
    for row in manage_rows(case_studies_for_manage().filter(waiting), user=user):
        case_study = row.case_study
        if row.may_review:
            yield _item("awaiting_review", case_study)
        if case_study.created_by_id != user.pk:
            continue
        if case_study.status == CaseStudyStatus.IN_REVIEW:
            yield _item("in_review", case_study)
        elif case_study.status == CaseStudyStatus.DRAFT and case_study.reviewer_comment:
            yield _item("returned", case_study, case_study.reviewer_comment)
        elif case_study.status == CaseStudyStatus.DRAFT:
            yield _item("drafts", case_study)
