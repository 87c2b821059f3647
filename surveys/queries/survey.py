"""The surveys themselves: the list, one survey by its slug, and its questions. Every job
below (statistics, returns, selection, imports) starts from these."""

from django.db.models import OuterRef, Prefetch, QuerySet
from django.shortcuts import get_object_or_404

from mash_survey.aggregates import subquery_count

from ..models import Choice, Question, Response, ResponseStatus, Survey


def survey_slugs() -> list[str]:
    """The surveys' slugs, newest first: the values the API's `survey` filter accepts."""
    return list(Survey.objects.order_by("-sent_on", "slug").values_list("slug", flat=True))


def survey_list() -> QuerySet[Survey]:
    # Each count is its own subquery: joined together, returns and questions would multiply
    # (every return once per question) before being counted.
    return Survey.objects.annotate(
        submitted_count=subquery_count(
            Response.objects.filter(survey=OuterRef("pk"), status=ResponseStatus.SUBMITTED)
        ),
        question_count=subquery_count(Question.objects.filter(survey=OuterRef("pk"))),
    ).order_by("-sent_on")


def survey_detail(*, slug: str) -> Survey:
    return get_object_or_404(Survey, slug=slug)


def survey_questions(survey: Survey, *, choices: bool = True) -> list[Question]:
    """The survey's questions in order, with their choices (without them if `choices` is
    False: one query, and no choices prefetched onto each question, which costs a third of
    a second for 2,000 questions)."""
    questions = survey.questions.order_by("order")
    if choices:
        questions = questions.prefetch_related(
            Prefetch("choices", queryset=Choice.objects.order_by("order"))
        )
    return list(questions)
