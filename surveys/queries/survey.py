"""The surveys themselves: the list, one survey by its slug, and its questions. Every job
below (statistics, returns, selection, imports) starts from these."""

from django.db.models import Count, Prefetch, Q, QuerySet
from django.shortcuts import get_object_or_404

from ..models import Choice, Question, ResponseStatus, Survey


def survey_slugs() -> list[str]:
    """The surveys' slugs, newest first: the values the API's `survey` filter accepts."""
    return list(Survey.objects.order_by("-sent_on", "slug").values_list("slug", flat=True))


def survey_list() -> QuerySet[Survey]:
    # Both counts join from the survey, so each needs distinct: without it every return would
    # be counted once per question.
    return Survey.objects.annotate(
        submitted_count=Count(
            "responses", filter=Q(responses__status=ResponseStatus.SUBMITTED), distinct=True
        ),
        question_count=Count("questions", distinct=True),
    ).order_by("-sent_on")


def survey_detail(*, slug: str) -> Survey:
    return get_object_or_404(Survey, slug=slug)


def survey_questions(survey: Survey) -> list[Question]:
    """The survey's questions in order, with their choices."""
    return list(
        survey.questions.prefetch_related(
            Prefetch("choices", queryset=Choice.objects.order_by("order"))
        ).order_by("order")
    )
