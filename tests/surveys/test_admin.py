"""Administrators set up questions; what has been answered cannot be removed from under returns."""

import pytest
from django.test import Client

from surveys.models import Choice, QuestionKind
from surveys.services import write_answers
from surveys.values import AnswerValue
from tests.factories import AdminFactory, LocalAuthorityFactory

from .factories import ResponseFactory, SurveyFactory, add_question

pytestmark = pytest.mark.django_db


def _choice_formset_post(question, delete_value: str) -> dict[str, str]:
    choices = list(question.choices.order_by("order"))
    data = {
        "survey": str(question.survey_id),
        "code": question.code,
        "text": question.text,
        "hint": "",
        "kind": question.kind,
        "required": "on",
        "order": str(question.order),
        "section": "",
        "choices-TOTAL_FORMS": str(len(choices)),
        "choices-INITIAL_FORMS": str(len(choices)),
        "choices-MIN_NUM_FORMS": "0",
        "choices-MAX_NUM_FORMS": "1000",
    }
    for i, choice in enumerate(choices):
        data[f"choices-{i}-id"] = str(choice.pk)
        data[f"choices-{i}-question"] = str(question.pk)
        data[f"choices-{i}-order"] = str(choice.order)
        data[f"choices-{i}-value"] = choice.value
        if choice.value == delete_value:
            data[f"choices-{i}-DELETE"] = "on"
    return data


def test_a_choice_given_in_a_return_cannot_be_removed_in_the_admin() -> None:
    survey = SurveyFactory.create()
    question = add_question(survey, "Q1", QuestionKind.SINGLE_CHOICE, ("MASH", "Other"))
    response = ResponseFactory.create(survey=survey, local_authority=LocalAuthorityFactory.create())
    write_answers(response=response, values={question: AnswerValue(choices=("MASH",))})
    client = Client()
    client.force_login(AdminFactory.create())

    page = client.post(
        f"/admin/surveys/question/{question.pk}/change/", _choice_formset_post(question, "MASH")
    )

    assert page.status_code == 200
    assert "Deleting choice MASH would require deleting" in page.content.decode()
    assert Choice.objects.filter(question=question, value="MASH").exists()


def test_an_unused_choice_can_be_removed_in_the_admin() -> None:
    survey = SurveyFactory.create()
    question = add_question(survey, "Q1", QuestionKind.SINGLE_CHOICE, ("MASH", "Other"))
    client = Client()
    client.force_login(AdminFactory.create())

    page = client.post(
        f"/admin/surveys/question/{question.pk}/change/", _choice_formset_post(question, "Other")
    )

    assert page.status_code == 302
    assert not Choice.objects.filter(question=question, value="Other").exists()
