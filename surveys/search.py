"""Surveys in search: every survey question for everyone; free-text answers for those who may
read the return (`queries.visible_responses`)."""

from django.db.models import QuerySet
from django.urls import reverse

from areas.models import LocalAuthority
from mash_survey.audience import Audience
from mash_survey.search import Document, Kind, register

from . import queries
from .models import Answer, Choice, Question, QuestionKind, Survey


def question_documents(question: Question) -> list[Document]:
    survey = question.survey
    choices = "; ".join(c.value for c in sorted(question.choices.all(), key=lambda c: c.order))
    url = reverse("surveys:detail", kwargs={"slug": survey.slug})
    return [
        Document(
            url=f"{url}#question-{question.code}",
            title=f"{question.code}. {question.text}",
            places=survey.title,  # shown, not searched: every question would match it
            body="\n".join(t for t in (question.section, question.hint, choices) if t),
            date=survey.sent_on,
            is_illustrative=survey.is_illustrative,
        )
    ]


def visible_questions(audience: Audience) -> QuerySet[Question]:
    return Question.objects.all()


def answer_documents(answer: Answer) -> list[Document]:
    if answer.question.kind != QuestionKind.FREE_TEXT or not answer.text.strip():
        return []
    response = answer.response
    survey, area, question = response.survey, response.local_authority, answer.question
    when = response.submitted_at or response.updated_at
    return [
        Document(
            url=reverse("surveys:return_detail", kwargs={"slug": survey.slug, "area": area.slug}),
            title=f"{area.name}: {question.code}. {question.text}",
            body=answer.text,
            date=when.date() if when else None,
            places=f"{area.name}, {survey.title}",
            regions=[area.region_id],
            is_illustrative=survey.is_illustrative,
        )
    ]


def visible_answers(audience: Audience) -> QuerySet[Answer] | None:
    responses = queries.visible_responses(audience)
    return None if responses is None else Answer.objects.filter(response__in=responses)


register(
    Kind(
        "question",
        "Survey question",
        Question,
        question_documents,
        visible_questions,
        parts={
            Choice: lambda choice: [choice.question],
            Survey: lambda survey: survey.questions.all(),
        },
        read=lambda questions: questions.select_related("survey").prefetch_related("choices"),
        order=40,
    )
)
register(
    Kind(
        "answer",
        "Survey answer",
        Answer,
        answer_documents,
        visible_answers,
        read=lambda answers: answers.select_related(
            "question", "response__survey", "response__local_authority"
        ),
        order=60,
        parts={  # an answer's page names its question and survey (changed in the admin)
            Question: lambda question: question.answers.all(),
            Survey: lambda survey: Answer.objects.filter(question__survey=survey),
            LocalAuthority: lambda area: Answer.objects.filter(response__local_authority=area),
        },
    )
)
