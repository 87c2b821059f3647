"""The survey returns waiting for a project member, for "Your work" (`mash_survey.work`):
their drafts, their reopened returns and the open data-quality problems on returns they
entered. Six queries, whatever the number of returns."""

from collections.abc import Iterable

from django.contrib.auth.models import User
from django.urls import reverse

from mash_survey.quality import report
from mash_survey.work import WorkItem

from .models import Response, ResponseStatus, Survey
from .quality import survey_problems


def _return_url(response: Response) -> str:
    return reverse(
        "surveys:return_detail",
        kwargs={"slug": response.survey.slug, "area": response.local_authority.slug},
    )


def survey_work(user: User, reviewer: bool) -> Iterable[WorkItem]:
    entered = list(
        Response.objects.filter(entered_by=user).select_related("survey", "local_authority")
    )
    for response in entered:
        if response.status != ResponseStatus.DRAFT:
            continue
        yield WorkItem(
            section="reopened" if response.is_reopened else "drafts",
            kind="Survey return",
            title=f"{response.local_authority.name}: {response.survey.title}",
            url=_return_url(response),
            status=str(response.state.label),
            changed=response.updated_at,
        )
    if not entered:
        return
    mine = {r.pk for r in entered}
    surveys = list(Survey.objects.filter(pk__in={r.survey_id for r in entered}))
    found = survey_problems(surveys)
    checked = report(p for problems in found.values() for p in problems if p.pk in mine)
    for problem in [*checked.to_fix, *checked.to_check]:
        yield WorkItem(
            section="problems",
            kind="Survey return",
            title=f"{problem.record}: {problem.field_label}",
            url=problem.fix_url,
            status="To fix" if problem.is_error else "To check",
            note=problem.breach.message,
        )
