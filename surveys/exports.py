"""The survey's files for download: a blank template to fill in, and the returns as a table.

Both are built from the same columns the import reads, so a filled-in template and an
export both import back (an export unchanged).
"""

from mash_survey.spreadsheets import Cell, write_csv, write_xlsx

from .imports import (
    AREA_COLUMN,
    DFE_CODE_COLUMN,
    NAME_COLUMN,
    NOTE_PREFIX,
    REGION_COLUMN,
    STATUS_COLUMN,
)
from .models import Question, QuestionKind, Survey
from .queries import response_list, response_values, survey_questions
from .values import AnswerValue, allowed_values

AREA_ALLOWED = "The area's ONS code (such as E08000037), DfE code (such as 390) or exact name"


def _allowed(question: Question) -> str:
    return allowed_values(question, [c.value for c in question.choices.all()])


def _required(question: Question) -> str:
    return "Required" if question.required else "Optional"


def _questions_sheet(questions: list[Question]) -> list[list[Cell]]:
    rows: list[list[Cell]] = [
        ["Column", "Question", "Kind", "Required", "Allowed values"],
        [AREA_COLUMN, "The local authority area", "Area", "Required", AREA_ALLOWED],
    ]
    for question in questions:
        rows.append(
            [
                question.code,
                question.text,
                question.get_kind_display(),
                _required(question),
                _allowed(question),
            ]
        )
    return rows


def template_csv(survey: Survey) -> bytes:
    """The header row, then a note row (skipped on import) with each column's allowed values."""
    questions = survey_questions(survey)
    header: list[Cell] = [AREA_COLUMN, *(q.code for q in questions)]
    notes: list[Cell] = [f"{NOTE_PREFIX} {AREA_ALLOWED} (delete this row or leave it)"]
    notes += [f"{_allowed(q)} ({_required(q).lower()})" for q in questions]
    return write_csv([header, notes])


def template_xlsx(survey: Survey) -> bytes:
    """The header on the first sheet (the one the import reads) and the allowed values on a
    second sheet."""
    questions = survey_questions(survey)
    header: list[Cell] = [AREA_COLUMN, *(q.code for q in questions)]
    return write_xlsx([("Returns", [header]), ("Allowed values", _questions_sheet(questions))])


def _cell(question: Question, value: AnswerValue | None) -> Cell:
    if value is None or value.is_empty:
        return ""
    if question.kind == QuestionKind.NUMBER:
        return value.number
    if question.kind == QuestionKind.DATE:
        return value.date
    return value.display()


def returns_rows(survey: Survey, questions: list[Question]) -> list[list[Cell]]:
    """One row per return: the area, its status, then each question's answer (`questions`:
    the survey's, in order, with their choices)."""
    responses = list(response_list(survey).order_by("local_authority__name"))
    values = response_values(responses)
    rows: list[list[Cell]] = [
        [
            AREA_COLUMN,
            DFE_CODE_COLUMN,
            NAME_COLUMN,
            REGION_COLUMN,
            STATUS_COLUMN,
            *(q.code for q in questions),
        ]
    ]
    for response in responses:
        authority = response.local_authority
        answers = values.get(response.pk, {})
        rows.append(
            [
                authority.gss_code,
                authority.dfe_code,
                authority.name,
                authority.region.name,
                response.get_status_display(),
                *(_cell(q, answers.get(q.pk)) for q in questions),
            ]
        )
    return rows


def returns_csv(survey: Survey) -> bytes:
    return write_csv(returns_rows(survey, survey_questions(survey)))


def returns_xlsx(survey: Survey) -> bytes:
    """The returns on the first sheet, and what each question asks on a second."""
    questions = survey_questions(survey)
    return write_xlsx(
        [("Returns", returns_rows(survey, questions)), ("Questions", _questions_sheet(questions))]
    )
