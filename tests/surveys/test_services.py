"""Writing returns: answers stored typed, drafts, submitting, reopening, and the version check
that stops one person's save from silently replacing another's."""

import datetime as dt
import threading
import time
from decimal import Decimal

import pytest
from django.conf import settings
from django.db import connection, transaction

from mash_survey.errors import StaleEditError
from surveys.models import Answer, Question, Response, ResponseStatus, Survey
from surveys.queries import response_values
from surveys.services import (
    IncompleteResponseError,
    ResponseError,
    response_reopen,
    response_save_draft,
    response_submit,
    write_answers,
)
from surveys.values import AnswerValue
from tests.factories import LocalAuthorityFactory, ReviewerFactory, StaffFactory

from .factories import survey_with_every_kind


def _questions(survey: Survey) -> dict[str, Question]:
    return {q.code: q for q in survey.questions.all()}


def _complete(survey: Survey) -> dict[Question, AnswerValue]:
    q = _questions(survey)
    return {
        q["Q1"]: AnswerValue(choices=("Yes",)),
        q["Q2"]: AnswerValue(choices=("MASH",)),
        q["Q3"]: AnswerValue(choices=("Police", "Health")),
        q["Q4"]: AnswerValue(number=Decimal("120")),
    }


def _stored(response: Response) -> dict[str, AnswerValue]:
    codes = {q.pk: q.code for q in response.survey.questions.all()}
    values = response_values([response]).get(response.pk, {})
    return {codes[question_id]: value for question_id, value in values.items()}


def _draft(survey: Survey, area, user, values) -> Response:
    return response_save_draft(
        survey=survey, local_authority=area, values=values, user=user, seen_version=0
    )


@pytest.fixture
def survey(db: None) -> Survey:
    return survey_with_every_kind()


@pytest.fixture
def area(db: None):
    return LocalAuthorityFactory.create()


# ----- write_answers ------------------------------------------------------------


@pytest.mark.django_db
def test_each_kind_of_answer_is_stored_typed_and_read_back_equal(survey, area, staff_user):
    q = _questions(survey)
    values = {
        **_complete(survey),
        q["Q5"]: AnswerValue(date=dt.date(2012, 10, 1)),
        q["Q6"]: AnswerValue(text="Shared IT"),
    }
    response = Response.objects.create(survey=survey, local_authority=area)

    changed = write_answers(response=response, values=values)

    assert changed
    assert _stored(response) == {question.code: value for question, value in values.items()}
    single = Answer.objects.get(response=response, question=q["Q2"])
    assert single.choice is not None and single.choice.value == "MASH"
    assert Answer.objects.get(response=response, question=q["Q4"]).number == Decimal("120")


@pytest.mark.django_db
def test_writing_the_same_answers_again_changes_nothing(survey, area):
    response = Response.objects.create(survey=survey, local_authority=area)
    write_answers(response=response, values=_complete(survey))
    records = Answer.history.count()

    changed = write_answers(response=response, values=_complete(survey))

    assert not changed
    assert Answer.history.count() == records


@pytest.mark.django_db
def test_an_empty_answer_removes_the_stored_one(survey, area):
    q = _questions(survey)
    response = Response.objects.create(survey=survey, local_authority=area)
    write_answers(response=response, values=_complete(survey))

    write_answers(response=response, values={q["Q3"]: AnswerValue(), q["Q1"]: AnswerValue()})

    assert set(_stored(response)) == {"Q2", "Q4"}


@pytest.mark.django_db
def test_the_history_of_a_multiple_choice_answer_holds_the_choices_of_each_version(survey, area):
    q3 = _questions(survey)["Q3"]
    response = Response.objects.create(survey=survey, local_authority=area)

    write_answers(response=response, values={q3: AnswerValue(choices=("Police",))})
    write_answers(response=response, values={q3: AnswerValue(choices=("Police", "Health"))})

    snapshots = [
        sorted(c.choice.value for c in record.choices.all())
        for record in Answer.history.filter(question=q3).order_by("history_date")
    ]
    assert snapshots == [["Police"], ["Health", "Police"]]


# ----- Drafts --------------------------------------------------------------------


@pytest.mark.django_db
def test_saving_a_draft_creates_the_return_with_who_entered_it(survey, area, staff_user):
    q = _questions(survey)

    response = _draft(survey, area, staff_user, {q["Q1"]: AnswerValue(choices=("No",))})

    response.refresh_from_db()
    assert response.status == ResponseStatus.DRAFT
    assert response.entered_by == staff_user
    assert _stored(response) == {"Q1": AnswerValue(choices=("No",))}
    latest = response.history.latest()
    assert (latest.history_change_reason, latest.history_user) == ("Saved as draft", staff_user)


@pytest.mark.django_db
def test_a_draft_may_leave_required_questions_unanswered(survey, area, staff_user):
    response = _draft(survey, area, staff_user, {})

    assert Response.objects.get(pk=response.pk).status == ResponseStatus.DRAFT


@pytest.mark.django_db
def test_each_save_takes_the_next_version(survey, area, staff_user):
    q1 = _questions(survey)["Q1"]
    response = _draft(survey, area, staff_user, {q1: AnswerValue(choices=("No",))})
    assert response.version == 1

    again = response_save_draft(
        survey=survey,
        local_authority=area,
        values={q1: AnswerValue(choices=("Yes",))},
        user=staff_user,
        seen_version=1,
    )

    assert again.version == 2


@pytest.mark.django_db
def test_a_save_from_a_version_someone_else_has_replaced_is_refused_and_changes_nothing(
    survey, area
):
    q = _questions(survey)
    first, second = StaffFactory.create(), StaffFactory.create()
    _draft(survey, area, first, _complete(survey))
    seen = 1
    response_save_draft(
        survey=survey,
        local_authority=area,
        values={**_complete(survey), q["Q4"]: AnswerValue(number=Decimal("200"))},
        user=first,
        seen_version=seen,
    )

    with pytest.raises(StaleEditError, match="changed by someone else"):
        response_save_draft(
            survey=survey,
            local_authority=area,
            values={**_complete(survey), q["Q4"]: AnswerValue(number=Decimal("300"))},
            user=second,
            seen_version=seen,
        )

    stored = Response.objects.get()
    assert stored.version == 2
    assert stored.entered_by == first
    assert _stored(stored)["Q4"] == AnswerValue(number=Decimal("200"))


@pytest.mark.django_db
def test_starting_a_return_that_someone_has_just_started_is_refused(survey, area):
    """The form sends version 0 for a return not yet started: 0 never matches a saved one."""
    q1 = _questions(survey)["Q1"]
    _draft(survey, area, StaffFactory.create(), {q1: AnswerValue(choices=("Yes",))})

    with pytest.raises(StaleEditError):
        _draft(survey, area, StaffFactory.create(), {q1: AnswerValue(choices=("No",))})

    assert _stored(Response.objects.get()) == {"Q1": AnswerValue(choices=("Yes",))}


@pytest.mark.django_db
def test_a_submitted_return_cannot_be_saved_as_a_draft(survey, area, staff_user):
    response = _draft(survey, area, staff_user, _complete(survey))
    response_submit(response=response, user=staff_user, seen_version=1)

    with pytest.raises(ResponseError, match="Ask a reviewer to reopen it"):
        response_save_draft(
            survey=survey, local_authority=area, values={}, user=staff_user, seen_version=2
        )

    assert len(_stored(Response.objects.get())) == 4


# ----- Submitting and reopening ---------------------------------------------------


@pytest.mark.django_db
def test_submitting_a_complete_draft_records_when_and_by_whom(survey, area, staff_user):
    response = _draft(survey, area, staff_user, _complete(survey))

    submitted = response_submit(response=response, user=staff_user, seen_version=1)

    submitted.refresh_from_db()
    assert submitted.status == ResponseStatus.SUBMITTED
    assert submitted.submitted_at is not None
    assert submitted.version == 2
    latest = submitted.history.latest()
    assert (latest.history_change_reason, latest.history_user) == ("Submitted", staff_user)


@pytest.mark.django_db
def test_submitting_with_required_answers_missing_is_refused_naming_them(survey, area, staff_user):
    q = _questions(survey)
    response = _draft(survey, area, staff_user, {q["Q1"]: AnswerValue(choices=("Yes",))})

    with pytest.raises(IncompleteResponseError) as refused:
        response_submit(response=response, user=staff_user, seen_version=1)

    assert [question.code for question in refused.value.missing] == ["Q2", "Q3", "Q4"]
    assert "Q2, Q3, Q4" in str(refused.value)
    assert Response.objects.get().status == ResponseStatus.DRAFT


@pytest.mark.django_db
def test_submitting_a_version_that_has_since_changed_is_refused(survey, area, staff_user):
    response = _draft(survey, area, staff_user, _complete(survey))
    response_save_draft(
        survey=survey,
        local_authority=area,
        values=_complete(survey),
        user=StaffFactory.create(),
        seen_version=1,
    )

    with pytest.raises(StaleEditError):
        response_submit(response=response, user=staff_user, seen_version=1)

    assert Response.objects.get().status == ResponseStatus.DRAFT


@pytest.mark.django_db
def test_a_submitted_return_cannot_be_submitted_twice(survey, area, staff_user):
    response = _draft(survey, area, staff_user, _complete(survey))
    response_submit(response=response, user=staff_user, seen_version=1)

    with pytest.raises(ResponseError, match="already been submitted"):
        response_submit(response=response, user=staff_user, seen_version=2)


@pytest.mark.django_db
def test_reopening_makes_a_submitted_return_a_draft_again(survey, area, staff_user):
    reviewer = ReviewerFactory.create()
    response = _draft(survey, area, staff_user, _complete(survey))
    response_submit(response=response, user=staff_user, seen_version=1)

    reopened = response_reopen(
        response=response, user=reviewer, reason="Q4 was typed as 1200 instead of 120"
    )

    reopened.refresh_from_db()
    assert reopened.status == ResponseStatus.DRAFT
    assert reopened.submitted_at is None
    assert reopened.version == 3
    latest = reopened.history.latest()
    assert (latest.history_change_reason, latest.history_user) == (
        "Reopened by a reviewer: Q4 was typed as 1200 instead of 120",
        reviewer,
    )
    assert len(_stored(reopened)) == 4  # the answers stay


@pytest.mark.django_db
def test_only_a_submitted_return_can_be_reopened(survey, area, staff_user):
    response = _draft(survey, area, staff_user, _complete(survey))

    with pytest.raises(ResponseError, match="Only a submitted return"):
        response_reopen(response=response, user=ReviewerFactory.create(), reason="A typo")

    assert Response.objects.get().version == 1


@pytest.mark.django_db
def test_reopening_without_a_reason_is_refused_and_changes_nothing(survey, area, staff_user):
    response = _draft(survey, area, staff_user, _complete(survey))
    response_submit(response=response, user=staff_user, seen_version=1)

    with pytest.raises(ResponseError, match=r"^Enter why you are reopening this return$"):
        response_reopen(response=response, user=ReviewerFactory.create(), reason="  \n ")

    stored = Response.objects.get()
    assert (stored.status, stored.version) == (ResponseStatus.SUBMITTED, 2)


# ----- Two saves at the same moment (PostgreSQL: SQLite has no row locks) ---------------

if settings.DATABASES["default"]["ENGINE"].endswith("postgresql"):

    @pytest.mark.django_db(transaction=True)
    def test_of_two_saves_at_the_same_moment_from_one_version_the_second_is_refused(survey, area):
        """The first save holds the row until it commits; the second waits for it, then finds
        the version taken and is refused instead of overwriting."""
        q4 = _questions(survey)["Q4"]
        first, second = StaffFactory.create(), StaffFactory.create()
        _draft(survey, area, first, _complete(survey))
        started = threading.Event()
        outcome: dict[str, object] = {}

        def save(user, number: str) -> None:
            response_save_draft(
                survey=survey,
                local_authority=area,
                values={**_complete(survey), q4: AnswerValue(number=Decimal(number))},
                user=user,
                seen_version=1,
            )

        def first_save() -> None:
            try:
                with transaction.atomic():
                    save(first, "200")
                    outcome["first saved at"] = time.monotonic()
                    started.set()
                    time.sleep(0.5)  # still uncommitted while the second save tries
            finally:
                connection.close()

        def second_save() -> None:
            started.wait(timeout=10)
            try:
                save(second, "300")
                outcome["second"] = "saved"
            except StaleEditError:
                outcome["second"] = "refused"
            outcome["second finished at"] = time.monotonic()
            connection.close()

        threads = [threading.Thread(target=first_save), threading.Thread(target=second_save)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=20)

        assert outcome["second"] == "refused"
        waited = outcome["second finished at"] - outcome["first saved at"]  # type: ignore[operator]
        assert waited >= 0.4, "the second save did not wait for the first to commit"
        stored = Response.objects.get()
        assert stored.version == 2
        assert _stored(stored)["Q4"] == AnswerValue(number=Decimal("200"))
