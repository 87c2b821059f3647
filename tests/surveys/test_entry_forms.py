"""The return form: one field per question, each checked as the import checks a file's cell,
with messages that say what to do."""

import datetime as dt
from decimal import Decimal

import pytest

from surveys.forms import ReturnForm, anchor
from surveys.imports import survey_import_check
from surveys.models import QuestionKind, Survey
from surveys.queries import survey_questions
from surveys.values import AnswerValue
from tests.factories import LocalAuthorityFactory

from .factories import SurveyFactory, add_question, survey_with_every_kind

pytestmark = pytest.mark.django_db


def _form(survey: Survey, data: dict[str, str | list[str]], *, continuing: bool) -> ReturnForm:
    form = ReturnForm(
        {"version": "0", **data},
        questions=survey_questions(survey),
        stored={},
        version=0,
        require_answers=continuing,
    )
    form.is_valid()
    return form


def _errors(form: ReturnForm) -> dict[str, list[str]]:
    return {name: [str(m) for m in messages] for name, messages in form.errors.items()}


@pytest.fixture
def survey() -> Survey:
    """Q1 yes/no, Q2 single, Q3 multiple, Q4 number (all required); Q5 date, Q6 text optional."""
    return survey_with_every_kind()


@pytest.fixture
def required_survey() -> Survey:
    """One required question of each kind."""
    survey = SurveyFactory.create()
    add_question(survey, "Q1", QuestionKind.YES_NO, text="Is there a MASH?")
    add_question(survey, "Q2", QuestionKind.SINGLE_CHOICE, ("MASH", "Other"), text="Which model?")
    add_question(survey, "Q3", QuestionKind.MULTIPLE_CHOICE, ("Police", "Health"), text="Who?")
    add_question(survey, "Q4", QuestionKind.NUMBER, text="How many contacts?")
    add_question(survey, "Q5", QuestionKind.DATE, text="When did it start?")
    add_question(survey, "Q6", QuestionKind.FREE_TEXT, text="What were the barriers?")
    return survey


def test_continuing_asks_for_each_kind_of_required_question_naming_the_question(
    required_survey,
):
    form = _form(required_survey, {}, continuing=True)

    assert _errors(form) == {
        "Q1": ["Select yes or no for “Is there a MASH?”"],
        "Q2": ["Select an answer to “Which model?”"],
        "Q3": ["Select at least one answer to “Who?”"],
        "Q4": ["Enter a number for “How many contacts?”"],
        "Q5": ["Enter a date for “When did it start?”"],
        "Q6": ["Enter an answer to “What were the barriers?”"],
    }


def test_a_question_with_its_own_wording_asks_in_those_words(required_survey):
    required_survey.questions.filter(code="Q1").update(
        required_message="Select whether your area has a MASH"
    )
    required_survey.questions.filter(code="Q4").update(
        required_message="Enter the number of contacts a month"
    )

    errors = _errors(_form(required_survey, {}, continuing=True))

    assert errors["Q1"] == ["Select whether your area has a MASH"]
    assert errors["Q4"] == ["Enter the number of contacts a month"]
    assert errors["Q2"] == ["Select an answer to “Which model?”"]


def test_the_form_numbers_its_questions_as_the_statistics_do(required_survey):
    form = _form(required_survey, {}, continuing=False)

    assert [str(form.fields[f"Q{n}"].label) for n in (1, 4)] == [
        "Q1. Is there a MASH?",
        "Q4. How many contacts?",
    ]


def test_a_draft_may_leave_required_questions_empty(required_survey):
    form = _form(required_survey, {"Q1": "Yes"}, continuing=False)

    assert form.is_valid(), form.errors
    by_code = {q.code: v for q, v in form.values.items()}
    assert by_code["Q1"] == AnswerValue(choices=("Yes",))
    assert all(by_code[code].is_empty for code in ("Q2", "Q3", "Q4", "Q5", "Q6"))


def test_a_draft_still_refuses_an_answer_in_the_wrong_format(survey):
    form = _form(survey, {"Q4": "twelve"}, continuing=False)

    assert not form.is_valid()
    assert _errors(form) == {"Q4": ["'twelve' is not a number; enter digits, such as 120"]}


def test_every_kind_is_read_into_its_typed_value(survey):
    form = _form(
        survey,
        {
            "Q1": "No",
            "Q2": "Co-located team",
            "Q3": ["Education", "Police"],
            "Q4": "1,200",
            "Q5_0": "1",
            "Q5_1": "10",
            "Q5_2": "2012",
            "Q6": "  Agreeing the legal basis.  ",
        },
        continuing=True,
    )

    assert form.is_valid(), form.errors
    assert {q.code: v for q, v in form.values.items()} == {
        "Q1": AnswerValue(choices=("No",)),
        "Q2": AnswerValue(choices=("Co-located team",)),
        "Q3": AnswerValue(choices=("Police", "Education")),  # in the question's order
        "Q4": AnswerValue(number=Decimal("1200")),
        "Q5": AnswerValue(date=dt.date(2012, 10, 1)),
        "Q6": AnswerValue(text="Agreeing the legal basis."),
    }


@pytest.mark.parametrize(
    ("data", "code", "message"),
    [
        ({"Q1": "Maybe"}, "Q1", "Enter Yes or No"),
        (
            {"Q2": "Hub"},
            "Q2",
            "'Hub' is not one of the choices; enter one of MASH, Co-located team, Other",
        ),
        ({"Q3": ["Police", "Fire"]}, "Q3", "'Fire' is not one of the choices; use Police, "),
        ({"Q4": "12x"}, "Q4", "'12x' is not a number; enter digits, such as 120"),
        ({"Q4": "2.125"}, "Q4", "Enter a number with at most 2 decimal places"),
        ({"Q4": "9999999999999"}, "Q4", "Enter a number smaller than 1,000,000,000,000"),
        ({"Q5_0": "31", "Q5_1": "2", "Q5_2": "2012"}, "Q5", "Enter a real date, such as 1 10 2012"),
        ({"Q5_0": "1", "Q5_1": "x", "Q5_2": "2012"}, "Q5", "Enter a real date, such as 1 10 2012"),
        (
            {"Q5_0": "1", "Q5_1": "10", "Q5_2": "1850"},
            "Q5",
            "Enter a date between 1 January 1990 and 31",
        ),
        ({"Q5_0": "1", "Q5_2": "2012"}, "Q5", "The date must include a month"),
    ],
)
def test_a_value_in_the_wrong_format_gets_a_message_saying_what_to_enter(
    survey, data, code, message
):
    form = _form(survey, data, continuing=False)

    assert list(form.errors) == [code]
    assert _errors(form)[code][0].startswith(message)


def test_the_form_refuses_a_value_with_the_same_words_as_the_import(survey):
    """One rule for both: the form's message is the import's, as a sentence."""
    area = LocalAuthorityFactory.create()
    cells = {"Q1": "Maybe", "Q2": "Hub", "Q3": "Fire", "Q4": "12x"}
    header = "local_authority," + ",".join(cells) + ",Q5,Q6"
    row = f"{area.gss_code}," + ",".join(cells.values()) + ",,"
    plan = survey_import_check(
        survey=survey, file_name="returns.csv", content=f"{header}\n{row}\n".encode()
    )
    from_import = {p.column: p.message for p in plan.problems if p.column in cells}

    form = _form(survey, {**cells, "Q3": ["Fire"]}, continuing=False)

    assert set(from_import) == set(cells)
    for code, message in from_import.items():
        assert _errors(form)[code] == [message[0].upper() + message[1:]]


def test_each_error_links_to_the_input_it_is_about(survey):
    form = _form(survey, {"Q5_0": "1", "Q5_2": "2012", "Q4": "x"}, continuing=True)

    assert form.error_links() == [
        ("id_Q1_1", "Select yes or no for “Does the area have a MASH?”"),
        ("id_Q2_1", "Select an answer to “Which model?”"),
        ("id_Q3_1", "Select at least one answer to “Which agencies are co-located?”"),
        ("id_Q4", "'x' is not a number; enter digits, such as 120"),
        ("id_Q5_1", "The date must include a month"),
    ]


def test_a_missing_version_asks_the_person_to_reload(survey):
    form = ReturnForm({"Q1": "Yes"}, questions=survey_questions(survey), stored={}, version=0)

    assert not form.is_valid()
    assert form.error_links() == [("", "Reload the page, then enter your answers again")]


def test_the_form_starts_from_the_stored_answers(survey):
    questions = survey_questions(survey)
    by_code = {q.code: q for q in questions}
    stored = {
        by_code["Q1"].pk: AnswerValue(choices=("Yes",)),
        by_code["Q3"].pk: AnswerValue(choices=("Police", "Health")),
        by_code["Q4"].pk: AnswerValue(number=Decimal("120.00")),
        by_code["Q5"].pk: AnswerValue(date=dt.date(2012, 10, 1)),
    }

    form = ReturnForm(questions=questions, stored=stored, version=3)

    assert form["Q1"].value() == "Yes"
    assert form["Q3"].value() == ["Police", "Health"]
    assert form["Q4"].value() == "120"
    assert form["Q5"].value() == dt.date(2012, 10, 1)
    assert form["version"].value() == 3


def test_question_text_is_shown_as_text_not_markup():
    survey = SurveyFactory.create()
    add_question(survey, "Q1", QuestionKind.YES_NO, text="Is <b>this</b> bold?")

    form = ReturnForm(questions=survey_questions(survey), stored={}, version=0)

    assert "Is &lt;b&gt;this&lt;/b&gt; bold?" in str(form["Q1"].label)


@pytest.mark.parametrize(
    ("kind", "expected"),
    [
        (QuestionKind.YES_NO, "id_Q1_1"),
        (QuestionKind.MULTIPLE_CHOICE, "id_Q1_1"),
        (QuestionKind.NUMBER, "id_Q1"),
        (QuestionKind.DATE, "id_Q1_0"),
        (QuestionKind.FREE_TEXT, "id_Q1"),
    ],
)
def test_a_link_to_a_question_goes_to_its_first_input(kind, expected):
    survey = SurveyFactory.create()
    question = add_question(survey, "Q1", kind, ("A", "B"))

    assert anchor(question) == expected
