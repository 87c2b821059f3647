"""A return's history pairs each version with exactly the answers saved in it, however close
together the saves were: they share a change id, not a moment."""

import datetime as dt
from decimal import Decimal
from unittest import mock

import pytest

from surveys.models import Question, Survey
from surveys.queries import response_history
from surveys.services import response_save_draft, response_submit
from surveys.values import AnswerValue
from tests.factories import LocalAuthorityFactory, StaffFactory

from .factories import survey_with_every_kind

pytestmark = pytest.mark.django_db

#: Both saves happen at this instant: the clock is the only thing mocked.
SAME_MOMENT = dt.datetime(2013, 2, 4, 10, 30, tzinfo=dt.UTC)


def _questions(survey: Survey) -> dict[str, Question]:
    return {q.code: q for q in survey.questions.all()}


def test_two_saves_in_the_same_second_each_show_only_their_own_answers() -> None:
    survey = survey_with_every_kind()
    q = _questions(survey)
    area, staff = LocalAuthorityFactory.create(), StaffFactory.create()

    with mock.patch("django.utils.timezone.now", return_value=SAME_MOMENT):
        first = response_save_draft(
            survey=survey,
            local_authority=area,
            values={q["Q1"]: AnswerValue(choices=("Yes",))},
            user=staff,
            seen_version=0,
        )
        response_save_draft(
            survey=survey,
            local_authority=area,
            values={q["Q2"]: AnswerValue(choices=("MASH",)), q["Q1"]: AnswerValue()},
            user=staff,
            seen_version=first.version,
        )

    changes = response_history(first, list(survey.questions.order_by("order")))

    reasons = [c.record.history_change_reason for c in changes]  # type: ignore[attr-defined]  # historical rows
    assert reasons == ["Saved as draft"] * 2
    assert [(a.question.code, a.before, a.after) for a in changes[0].answer_changes] == [
        ("Q1", AnswerValue(choices=("Yes",)), AnswerValue()),
        ("Q2", AnswerValue(), AnswerValue(choices=("MASH",))),
    ]
    assert [(a.question.code, a.after) for a in changes[1].answer_changes] == [
        ("Q1", AnswerValue(choices=("Yes",)))
    ]


def test_a_new_return_has_one_history_record_per_save() -> None:
    survey = survey_with_every_kind()
    q = _questions(survey)
    staff = StaffFactory.create()
    response = response_save_draft(
        survey=survey,
        local_authority=LocalAuthorityFactory.create(),
        values={
            q["Q1"]: AnswerValue(choices=("Yes",)),
            q["Q2"]: AnswerValue(choices=("MASH",)),
            q["Q3"]: AnswerValue(choices=("Police",)),
            q["Q4"]: AnswerValue(number=Decimal("120")),
        },
        user=staff,
        seen_version=0,
    )
    response_submit(response=response, user=staff, seen_version=response.version)

    records = list(response.history.order_by("history_id"))
    assert [(r.history_type, r.history_change_reason) for r in records] == [
        ("+", "Saved as draft"),
        ("~", "Submitted"),
    ]
    assert {a.history_user for a in response.answers.model.history.all()} == {staff}
