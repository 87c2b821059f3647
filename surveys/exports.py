"""The survey's files for download: a blank template to fill in, and the returns as a table
(`returns_sheets`: rows read from the database as they are written, for a streamed download).

Both are built from the same columns the import reads, so a filled-in template and an
export both import back (an export unchanged).
"""

from collections.abc import Iterator, Sequence

from mash_survey.spreadsheets import Cell, Rows, write_csv, write_xlsx

from .imports import (
    AREA_COLUMN,
    DFE_CODE_COLUMN,
    NAME_COLUMN,
    NOTE_PREFIX,
    REGION_COLUMN,
    STATUS_COLUMN,
)
from .models import Question, QuestionKind, Survey
from .queries import StoredAnswer, returns_with_answers, survey_questions
from .values import MULTIPLE_SEPARATOR, allowed_values

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


_MULTIPLE = QuestionKind.MULTIPLE_CHOICE.value
_NUMBER = QuestionKind.NUMBER.value
_DATE = QuestionKind.DATE.value


def stored_cell(kind: str, stored: StoredAnswer | None, ticked: Sequence[str]) -> Cell:
    """An answer read as values (`ticked`: a multiple-choice answer's choices), as the export
    writes it: a number or a date typed, anything else as a person reads it, and no answer
    as "". The same cell as `AnswerValue.display` of `services.stored_value_of`, without
    making either for each of the export's answers."""
    if stored is None:
        return ""
    if kind == _MULTIPLE:
        return f"{MULTIPLE_SEPARATOR} ".join(ticked)
    choice, number, date, text = stored
    if choice is not None:
        return None if kind in (_NUMBER, _DATE) else choice
    if number is None and date is None and not text:
        return ""
    if kind == _NUMBER:
        return number
    if kind == _DATE:
        return date
    if number is not None:
        return f"{number.normalize():f}"
    return date.isoformat() if date is not None else text


def returns_rows(survey: Survey, questions: list[Question]) -> Iterator[list[Cell]]:
    """The header, then one row per return, by area name: the area, its status, then each
    question's answer (`questions`: the survey's, in order). Read from the database as the
    rows are used, a return at a time."""
    yield [
        AREA_COLUMN,
        DFE_CODE_COLUMN,
        NAME_COLUMN,
        REGION_COLUMN,
        STATUS_COLUMN,
        *(q.code for q in questions),
    ]
    columns = [(q.pk, q.kind) for q in questions]
    no_ticks: list[str] = []
    for row in returns_with_answers(survey):
        answers, ticked = row.answers, row.ticked
        yield [
            row.gss_code,
            row.dfe_code,
            row.name,
            row.region,
            row.status,
            *(stored_cell(kind, answers.get(pk), ticked.get(pk, no_ticks)) for pk, kind in columns),
        ]


def returns_sheets(survey: Survey, *, questions_sheet: bool = True) -> list[tuple[str, Rows]]:
    """The returns on the first sheet (the CSV's rows) and, with `questions_sheet`, what each
    question asks on a second (XLSX only: a CSV, one sheet, needs no choices read)."""
    questions = survey_questions(survey, choices=questions_sheet)
    sheets: list[tuple[str, Rows]] = [("Returns", returns_rows(survey, questions))]
    if questions_sheet:
        sheets.append(("Questions", _questions_sheet(questions)))
    return sheets
