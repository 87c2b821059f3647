"""Survey factories: a small survey with one question of each kind, and returns."""

import datetime as dt

import factory
from factory.django import DjangoModelFactory

from surveys.models import Choice, Question, QuestionKind, Response, Survey

from ..factories import LocalAuthorityFactory


class SurveyFactory(DjangoModelFactory):
    class Meta:
        model = Survey

    title = factory.Sequence(lambda n: f"Test survey {n}")
    slug = factory.Sequence(lambda n: f"test-survey-{n}")
    sent_on = dt.date(2012, 10, 15)
    closes_on = dt.date(2012, 11, 30)


class QuestionFactory(DjangoModelFactory):
    class Meta:
        model = Question

    survey = factory.SubFactory(SurveyFactory)
    code = factory.Sequence(lambda n: f"Q{n + 1}")
    text = factory.Sequence(lambda n: f"Question {n + 1}?")
    kind = QuestionKind.FREE_TEXT
    required = False
    order = factory.Sequence(lambda n: n + 1)


def add_question(
    survey: Survey,
    code: str,
    kind: str,
    choices: tuple[str, ...] = (),
    *,
    required: bool = True,
    text: str = "",
    **rules: object,
) -> Question:
    """A question with its choices (Yes and No for yes/no questions); `rules` are its
    answer's rules (min_value, max_value, unit, allows_planned_dates, max_length…)."""
    order = survey.questions.count() + 1
    question = Question.objects.create(
        survey=survey,
        code=code,
        text=text or f"Question {code}?",
        kind=kind,
        required=required,
        order=order,
        **rules,
    )
    values = ("Yes", "No") if kind == QuestionKind.YES_NO else choices
    for i, value in enumerate(values):
        Choice.objects.create(question=question, value=value, order=i)
    return question


def survey_with_every_kind(**kwargs: object) -> Survey:
    """Q1 yes/no, Q2 single choice, Q3 multiple choice, Q4 number, Q5 date (optional, may be
    planned: after the closing date), Q6 free text (optional). No limits on the number."""
    survey: Survey = SurveyFactory.create(**kwargs)
    add_question(survey, "Q1", QuestionKind.YES_NO, text="Does the area have a MASH?")
    add_question(
        survey,
        "Q2",
        QuestionKind.SINGLE_CHOICE,
        ("MASH", "Co-located team", "Other"),
        text="Which model?",
    )
    add_question(
        survey,
        "Q3",
        QuestionKind.MULTIPLE_CHOICE,
        ("Police", "Health", "Education"),
        text="Which agencies are co-located?",
    )
    add_question(survey, "Q4", QuestionKind.NUMBER, text="Contacts a month?")
    add_question(
        survey,
        "Q5",
        QuestionKind.DATE,
        required=False,
        text="When did it start?",
        allows_planned_dates=True,
    )
    add_question(survey, "Q6", QuestionKind.FREE_TEXT, required=False, text="Barriers?")
    return survey


class ResponseFactory(DjangoModelFactory):
    class Meta:
        model = Response

    survey = factory.SubFactory(SurveyFactory)
    local_authority = factory.SubFactory(LocalAuthorityFactory)
