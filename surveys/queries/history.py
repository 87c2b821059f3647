"""The history of one area's return: each saved version and the answers it changed."""

from collections import defaultdict
from dataclasses import dataclass

from mash_survey import history

from ..models import Answer, Choice, Question, QuestionKind, Response
from ..values import AnswerValue


@dataclass(frozen=True)
class AnswerChange:
    question: Question
    before: AnswerValue
    after: AnswerValue


@dataclass(frozen=True)
class ReturnChange:
    """One saved version of a return (a record of `Response.history`) and what it changed.

    `record` is the historical row: `history_date`, `history_user`, `history_type`,
    `history_change_reason`, `status`, `import_batch` and `version` as they were then.
    """

    record: "Response"
    previous_status: str | None
    answer_changes: list[AnswerChange]

    @property
    def status_changed(self) -> bool:
        return self.previous_status != self.record.status


def response_history(response: Response, questions: list[Question]) -> list[ReturnChange]:
    """Each version of `response`, newest first, with the answers each one changed: the
    answers saved in the same change (`mash_survey.history`). Four queries, however long the
    history."""
    from django.apps import apps

    records = list(
        Response.history.filter(id=response.pk)
        .select_related("history_user", "import_batch")
        .order_by("history_date", "history_id")
    )
    if not records:
        return []
    answer_records = list(
        Answer.history.filter(response_id=response.pk).order_by("history_date", "history_id")
    )
    choices = {
        pk: (order, value)
        for pk, order, value in Choice.objects.filter(
            question__survey_id=response.survey_id
        ).values_list("pk", "order", "value")
    }
    ticked: dict[int, list[int]] = defaultdict(list)
    snapshot_model = apps.get_model("surveys", "HistoricalAnswerChoice")
    for history_id, choice_id in snapshot_model.objects.filter(
        history__response_id=response.pk
    ).values_list("history_id", "choice_id"):
        ticked[history_id].append(choice_id)
    kinds = {q.pk: q.kind for q in questions}

    def value_of(record: Answer) -> AnswerValue:
        if record.history_type == "-":  # type: ignore[attr-defined]  # a historical row
            return AnswerValue()
        if kinds.get(record.question_id) == QuestionKind.MULTIPLE_CHOICE:
            ids = sorted(ticked[record.history_id], key=lambda pk: choices[pk][0])  # type: ignore[attr-defined]
            return AnswerValue(choices=tuple(choices[pk][1] for pk in ids))
        if record.choice_id is not None:
            return AnswerValue(choices=(choices[record.choice_id][1],))
        return AnswerValue(number=record.number, date=record.date, text=record.text)

    by_version: dict[int, list[Answer]] = defaultdict(list)
    for answer_record, version in zip(
        answer_records, history.version_of_rows(records, answer_records), strict=True
    ):
        by_version[version].append(answer_record)

    current: dict[int, AnswerValue] = {}
    changes: list[ReturnChange] = []
    previous_status: str | None = None
    for index, record in enumerate(records):
        before = dict(current)
        for answer_record in by_version[index]:
            current[answer_record.question_id] = value_of(answer_record)
        answer_changes = [
            AnswerChange(q, before.get(q.pk, AnswerValue()), current.get(q.pk, AnswerValue()))
            for q in questions
            if before.get(q.pk, AnswerValue()) != current.get(q.pk, AnswerValue())
        ]
        changes.append(ReturnChange(record, previous_status, answer_changes))
        previous_status = record.status
    changes.reverse()
    return changes
