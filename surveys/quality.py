"""The data-quality checks of survey returns (`mash_survey.quality` sorts and shows them).

Every stored answer is run through its question's rules (`values.answer_breaches`, the ones
the form and the import run), every submitted return is checked for required questions left
unanswered, and every number is compared with the other areas' answers to the same question.
All surveys' problems come from four queries, whatever the number of returns.
"""

from __future__ import annotations

import statistics
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal

from django.urls import reverse

from mash_survey import rules
from mash_survey.quality import Problem, Report, Summary, report, summary
from mash_survey.rules import Breach, Severity

from .forms import anchor
from .models import Answer, Question, QuestionKind, Response, ResponseStatus, Survey
from .values import AnswerValue, answer_breaches, excerpt

#: The kinds of question with rules on their values.
RULED_KINDS = (QuestionKind.NUMBER, QuestionKind.DATE, QuestionKind.FREE_TEXT)
#: A number is compared with the others once a question has this many numeric answers.
OUTLIER_MIN_ANSWERS = 10
#: How many interquartile ranges beyond the quartiles make a number far out (Tukey's 3).
OUTLIER_RANGES = 3
#: ... and at most this share of the answers is as far out (a common value is not an outlier).
OUTLIER_SHARE = Decimal("0.05")


@dataclass(frozen=True)
class _Return:
    pk: int
    survey_id: int
    submitted: bool
    area: str
    area_slug: str


def _value_text(question: Question, value: AnswerValue) -> str:
    if value.number is not None:
        return rules.number_text(value.number)
    if value.date is not None:
        return rules.in_words(value.date)
    if question.kind == QuestionKind.FREE_TEXT:
        return f"{excerpt(value.text)} ({rules.characters(value.text):,} characters)"
    return value.display()


def _outlier(question: Question, number: Decimal, numbers: list[Decimal]) -> Breach | None:
    """A number far beyond the middle half of the question's answers (Tukey's far out) that
    few areas gave: a value many areas gave (24 hours, say) is common, not out of line."""
    if len(numbers) < OUTLIER_MIN_ANSWERS:
        return None
    low, _, high = statistics.quantiles(numbers, n=4, method="inclusive")
    spread = high - low
    if spread == 0 or low - OUTLIER_RANGES * spread <= number <= high + OUTLIER_RANGES * spread:
        return None
    above = number > high
    as_far = sum(1 for n in numbers if (n >= number if above else n <= number))
    if as_far > 1 and as_far > len(numbers) * OUTLIER_SHARE:
        return None
    middle = f"{rules.number_text(Decimal(low))} and {rules.number_text(Decimal(high))}"
    unit = f" {question.unit}" if question.unit else ""
    return Breach(
        "outlier",
        (question.code,),
        f"Far {'above' if above else 'below'} the other areas' answers: half of the "
        f"{len(numbers)} areas answering gave between {middle}{unit}. Check the figure with "
        "the area.",
        Severity.WARNING,
    )


def survey_problems(surveys: Sequence[Survey]) -> dict[int, list[Problem]]:
    """Each survey's problems (by survey id), in the order of the returns and questions."""
    ids = [s.pk for s in surveys]
    questions = {
        q.pk: q
        for q in Question.objects.filter(survey__in=ids)
        .select_related("survey")
        .order_by("survey_id", "order", "pk")
    }
    returns = {
        pk: _Return(pk, survey_id, status == ResponseStatus.SUBMITTED, area, slug)
        for pk, survey_id, status, area, slug in Response.objects.filter(
            survey__in=ids
        ).values_list("pk", "survey_id", "status", "local_authority__name", "local_authority__slug")
    }
    answers = [
        (response_id, questions[question_id], AnswerValue(number=number, date=date, text=text))
        for response_id, question_id, number, date, text in Answer.objects.filter(
            response__survey__in=ids, question__kind__in=RULED_KINDS
        ).values_list("response_id", "question_id", "number", "date", "text")
    ]
    answered = set(
        Answer.objects.filter(
            response__survey__in=ids,
            response__status=ResponseStatus.SUBMITTED,
            question__required=True,
        ).values_list("response_id", "question_id")
    )

    numbers: dict[int, list[Decimal]] = defaultdict(list)
    for _, question, value in answers:
        if value.number is not None:
            numbers[question.pk].append(value.number)

    found: dict[int, list[tuple[str, int, Problem]]] = defaultdict(list)

    def add(ret: _Return, question: Question, shown: str, breach: Breach) -> None:
        problem = Problem(
            model=Response,
            pk=ret.pk,
            record=ret.area,
            field=question.code,
            field_label=f"{question.code}. {question.text}",
            value=shown,
            breach=breach,
            fix_url=_fix_url(question, ret),
        )
        found[ret.survey_id].append((ret.area, question.order, problem))

    for response_id, question, value in answers:
        ret = returns[response_id]
        breaches = answer_breaches(question, value)
        if value.number is not None:
            breaches += rules.found(_outlier(question, value.number, numbers[question.pk]))
        for breach in breaches:
            add(ret, question, _value_text(question, value), breach)
    for ret in returns.values():
        if not ret.submitted:
            continue
        for question in questions.values():
            if (
                question.survey_id == ret.survey_id
                and question.required
                and (ret.pk, question.pk) not in answered
            ):
                add(ret, question, "", MISSING)
    return {
        survey_id: [p for _, _, p in sorted(rows, key=lambda row: (row[0], row[1]))]
        for survey_id, rows in found.items()
    }


MISSING = Breach(
    "required_missing",
    ("",),
    "Answer this required question: the return was submitted without it",
)


def _fix_url(question: Question, ret: _Return) -> str:
    """Where to change the answer: the form at the question, or (a submitted return, which
    must be reopened first) the return's page."""
    kwargs = {"slug": question.survey.slug, "area": ret.area_slug}
    if ret.submitted:
        return reverse("surveys:return_detail", kwargs=kwargs)
    return f"{reverse('surveys:return_edit', kwargs=kwargs)}#{anchor(question)}"


def problems_of(survey: Survey) -> list[Problem]:
    return survey_problems([survey]).get(survey.pk, [])


def survey_summaries() -> list[Summary]:
    """Each survey's open problems, for the home page (the same four queries for them all)."""
    surveys = list(Survey.objects.order_by("-sent_on", "title"))
    problems = survey_problems(surveys)
    report(p for found in problems.values() for p in found)  # the marks, in one query
    return [
        summary(
            survey.title,
            reverse("surveys:data_quality", kwargs={"slug": survey.slug}),
            Report(problems.get(survey.pk, [])),
        )
        for survey in surveys
    ]
