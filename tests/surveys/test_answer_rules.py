"""The rules on a question's answer (a number's range, a date's range, a text's length): one
definition and one message per rule, whether the answer comes from the form, a file or a
service call, and the same limits in the API's description of the questions."""

import datetime as dt
import importlib
from decimal import Decimal

import pytest
from django.apps import apps
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.test import Client

from surveys.demo import QUESTIONS, demo_rules_set
from surveys.forms import ReturnForm
from surveys.imports import ImportRefusedError, survey_import_apply, survey_import_check
from surveys.models import Question, QuestionKind, Response, Survey
from surveys.queries import survey_questions
from surveys.services import AnswerRuleError, response_save_draft
from surveys.values import AnswerValue, answer_breaches
from tests.areas.pages import parse

from .factories import SurveyFactory, add_question
from .import_files import (
    Setup,
    csv_file,
    make_setup,
    problems_table,
    row_counts,
    upload,
    use_tmp_media,
)

pytestmark = pytest.mark.django_db

CONTACTS_MESSAGE = "Enter a number of contacts a month of 0 or more"
HOURS_MESSAGE = "Enter a number of hours more than 0 and no more than 8,760"
DATE_MESSAGE = "Enter a date between 1 January 1990 and 30 November 2012, when the survey closed"
PLANNED_MESSAGE = "Enter a date between 1 January 1990 and 31 December 2022"
TEXT_MESSAGE = "The answer must be 200 characters or fewer"
HEADER = ["local_authority", "C1", "C2", "C3", "C4", "C5"]


def ruled_survey(survey: Survey | None = None) -> Survey:
    """C1 contacts a month (0 or more), C2 hours (more than 0, at most 8,760), C3 a start
    date (on or before the closing date, 30 November 2012), C4 a planned date, C5 free text
    of at most 200 characters. All optional."""
    survey = survey or SurveyFactory.create()
    add_question(
        survey,
        "C1",
        QuestionKind.NUMBER,
        required=False,
        text="Contacts a month?",
        min_value=Decimal(0),
        unit="contacts a month",
    )
    add_question(
        survey,
        "C2",
        QuestionKind.NUMBER,
        required=False,
        text="Hours to complete red checks?",
        min_value=Decimal(0),
        min_exclusive=True,
        max_value=Decimal(8760),
        unit="hours",
    )
    add_question(survey, "C3", QuestionKind.DATE, required=False, text="When did it start?")
    add_question(
        survey,
        "C4",
        QuestionKind.DATE,
        required=False,
        text="When will it start?",
        allows_planned_dates=True,
    )
    add_question(
        survey, "C5", QuestionKind.FREE_TEXT, required=False, text="Barriers?", max_length=200
    )
    return survey


def _form(survey: Survey, data: dict[str, str]) -> ReturnForm:
    form = ReturnForm(
        {"version": "0", **data},
        questions=survey_questions(survey),
        stored={},
        version=0,
        require_answers=False,
    )
    form.is_valid()
    return form


def _date(code: str, date: dt.date) -> dict[str, str]:
    return {f"{code}_0": str(date.day), f"{code}_1": str(date.month), f"{code}_2": str(date.year)}


# Each rule broken once: (the form's data, the file's cell, the question, the message).
BROKEN = {
    "negative contacts": ({"C1": "-5"}, "-5", "C1", CONTACTS_MESSAGE),
    "zero hours": ({"C2": "0"}, "0", "C2", HOURS_MESSAGE),
    "too many hours": ({"C2": "9000"}, "9000", "C2", HOURS_MESSAGE),
    "date after closing": (_date("C3", dt.date(2030, 1, 1)), "2030-01-01", "C3", DATE_MESSAGE),
    "date before 1990": (_date("C3", dt.date(1989, 12, 31)), "1989-12-31", "C3", DATE_MESSAGE),
    "plan too late": (_date("C4", dt.date(2023, 1, 1)), "2023-01-01", "C4", PLANNED_MESSAGE),
    "text too long": ({"C5": "x" * 201}, "x" * 201, "C5", TEXT_MESSAGE),
}


@pytest.mark.parametrize("case", BROKEN, ids=str)
def test_the_form_and_the_import_refuse_a_broken_rule_with_the_same_message(case):
    data, cell, code, message = BROKEN[case]
    setup = make_setup()
    survey = ruled_survey(setup.survey)
    row = ["E08000037", "Yes", "MASH", "Police", "120", "", "", *[""] * 5]
    row[HEADER_ALL.index(code)] = cell

    form = _form(survey, data)
    plan = survey_import_check(
        survey=survey, file_name="r.csv", content=csv_file([HEADER_ALL, row])
    )

    assert {name: [str(m) for m in errors] for name, errors in form.errors.items()} == {
        code: [message]
    }
    assert [(p.row, p.column, p.message) for p in plan.problems] == [(2, code, message)]
    assert plan.rows == []


HEADER_ALL = ["local_authority", "Q1", "Q2", "Q3", "Q4", "Q5", "Q6", *HEADER[1:]]


@pytest.mark.parametrize(
    ("data", "code", "value"),
    [
        ({"C1": "0"}, "C1", AnswerValue(number=Decimal(0))),
        ({"C2": "0.5"}, "C2", AnswerValue(number=Decimal("0.5"))),
        ({"C2": "8760"}, "C2", AnswerValue(number=Decimal(8760))),
        (_date("C3", dt.date(2012, 11, 30)), "C3", AnswerValue(date=dt.date(2012, 11, 30))),
        (_date("C3", dt.date(1990, 1, 1)), "C3", AnswerValue(date=dt.date(1990, 1, 1))),
        (_date("C4", dt.date(2014, 4, 1)), "C4", AnswerValue(date=dt.date(2014, 4, 1))),
        ({"C5": "x" * 200}, "C5", AnswerValue(text="x" * 200)),
    ],
)
def test_answers_at_the_limits_are_accepted(data, code, value):
    form = _form(ruled_survey(), data)

    assert form.errors == {}
    assert {q.code: v for q, v in form.values.items()}[code] == value


def test_a_line_break_counts_as_one_character_as_the_character_count_counts_it():
    # A browser sends each line break as CR LF: 100 + 1 + 99 characters to the person.
    text = "x" * 100 + "\r\n" + "y" * 99

    form = _form(ruled_survey(), {"C5": text})

    assert form.errors == {}


def test_the_rule_is_one_function_whose_breach_names_its_rule_field_and_message():
    survey = ruled_survey()
    contacts = survey.questions.get(code="C1")

    [breach] = answer_breaches(contacts, AnswerValue(number=Decimal(-3)))

    assert (breach.rule, breach.fields, breach.message, breach.blocks) == (
        "number_range",
        ("C1",),
        CONTACTS_MESSAGE,
        True,
    )
    assert answer_breaches(contacts, AnswerValue(number=Decimal(3))) == []
    assert answer_breaches(contacts, AnswerValue()) == []


# ----- The import: a file with -3 -----------------------------------------------------------


def _file_with(contacts: str) -> bytes:
    row = ["E08000037", "Yes", "MASH", "Police", "120", "", "", contacts, "", "", "", ""]
    return csv_file([HEADER_ALL, row])


def _ruled_setup() -> Setup:
    setup = make_setup()
    ruled_survey(setup.survey)
    return setup


def test_a_file_with_minus_3_contacts_is_refused_and_imports_nothing():
    setup = _ruled_setup()
    before = row_counts()

    with pytest.raises(ImportRefusedError) as refused:
        survey_import_apply(
            survey=setup.survey, file_name="r.csv", content=_file_with("-3"), user=None
        )

    assert [str(p) for p in refused.value.problems] == [f"Row 2, column C1: {CONTACTS_MESSAGE}"]
    assert row_counts() == before
    assert not Response.objects.exists()


def test_the_upload_page_names_the_row_column_and_rule(staff_client, settings, tmp_path):
    use_tmp_media(settings, tmp_path)
    setup = _ruled_setup()

    response = upload(staff_client, setup.survey, "r.csv", _file_with("-3"))

    assert problems_table(response) == [["2", "C1", CONTACTS_MESSAGE]]
    assert not Response.objects.exists()


def test_the_same_file_with_0_contacts_imports():
    setup = _ruled_setup()

    survey_import_apply(survey=setup.survey, file_name="r.csv", content=_file_with("0"), user=None)

    answer = Response.objects.get().answers.get(question__code="C1")
    assert answer.number == Decimal(0)


# ----- The service: the last gate ----------------------------------------------------------


def test_the_service_refuses_an_answer_that_breaks_a_rule_and_saves_nothing(staff_user):
    setup = _ruled_setup()
    contacts = setup.survey.questions.get(code="C1")

    with pytest.raises(AnswerRuleError, match=f"^C1: {CONTACTS_MESSAGE}$"):
        response_save_draft(
            survey=setup.survey,
            local_authority=setup.gateshead,
            values={contacts: AnswerValue(number=Decimal(-5))},
            user=staff_user,
            seen_version=None,
        )

    assert not Response.objects.exists()


# ----- The pages ---------------------------------------------------------------------------


def _edit_url(setup: Setup) -> str:
    return f"/survey/{setup.survey.slug}/returns/{setup.gateshead.slug}/edit/"


def test_the_return_form_shows_the_rule_s_message_in_the_summary_and_at_the_field(
    staff_client: Client,
):
    setup = _ruled_setup()

    response = staff_client.post(_edit_url(setup), {"version": "0", "C1": "-5", "save": ""})

    page = parse(response.content)
    assert page.find("title").text().startswith("Error: ")
    summary = page.find("div", "govuk-error-summary")
    assert [(a.text(), a.attrs["href"]) for a in summary.find_all("a")] == [
        (CONTACTS_MESSAGE, "#id_C1")
    ]
    assert [s.text() for s in page.find_all("span", "govuk-error-message")] == [
        f"Error: {CONTACTS_MESSAGE}"
    ]
    assert not Response.objects.exists()


def test_a_free_text_answer_has_the_govuk_character_count_and_no_maxlength(
    staff_client: Client,
):
    setup = _ruled_setup()

    page = parse(staff_client.get(_edit_url(setup)).content)

    [count] = [
        d
        for d in page.find_all("div")
        if "govuk-character-count" in d.classes and d.attrs.get("data-maxlength") == "200"
    ]
    assert count.attrs["data-module"] == "govuk-character-count"
    assert count.attrs["data-maxlength"] == "200"
    [box] = count.find_all("textarea")
    assert box.attrs["name"] == "C5"
    assert "govuk-js-character-count" in box.classes
    assert "maxlength" not in box.attrs  # the server checks: a longer paste can be edited down
    assert "id_C5-info" in box.attrs["aria-describedby"].split()
    [message] = [s for s in count.iter() if s.attrs.get("id") == "id_C5-info"]
    assert message.text() == "You can enter up to 200 characters"
    # The other free text (Q6) sets no limit of its own: it has the usual one.
    limits = [
        d.attrs["data-maxlength"]
        for d in page.find_all("div")
        if "govuk-character-count" in d.classes
    ]
    assert limits == ["5000", "200"]


def test_without_javascript_a_long_answer_is_refused_by_the_server(staff_client: Client):
    setup = _ruled_setup()

    response = staff_client.post(_edit_url(setup), {"version": "0", "C5": "x" * 201, "save": ""})

    page = parse(response.content)
    summary = page.find("div", "govuk-error-summary")
    assert [a.text() for a in summary.find_all("a")] == [TEXT_MESSAGE]
    [box] = [t for t in page.find_all("textarea") if t.attrs.get("name") == "C5"]
    assert "govuk-textarea--error" in box.classes or "govuk-input--error" in box.classes


# ----- The API describes the rules ---------------------------------------------------------


def test_the_api_gives_each_question_s_limits(api_client):
    survey = ruled_survey(SurveyFactory.create(slug="ruled"))

    questions = {
        q["code"]: q for q in api_client.get(f"/api/v1/surveys/{survey.slug}/questions/").json()
    }

    assert (questions["C1"]["min_value"], questions["C1"]["max_value"]) == (0, None)
    assert questions["C1"]["unit"] == "contacts a month"
    assert questions["C2"]["min_exclusive"] is True
    assert questions["C2"]["max_value"] == 8760
    assert (questions["C3"]["earliest_date"], questions["C3"]["latest_date"]) == (
        "1990-01-01",
        "2012-11-30",
    )
    assert questions["C4"]["latest_date"] == "2022-12-31"
    assert questions["C5"]["max_length"] == 200
    assert questions["C1"]["max_length"] is None


def test_the_database_refuses_limits_that_do_not_fit_the_question():
    survey = SurveyFactory.create()
    upside_down = Question(
        survey=survey,
        code="N1",
        text="How many?",
        kind=QuestionKind.NUMBER,
        order=1,
        min_value=Decimal(10),
        max_value=Decimal(1),
    )
    text_with_limits = Question(
        survey=survey, code="T1", text="Why?", kind=QuestionKind.FREE_TEXT, order=2, min_value=0
    )

    with pytest.raises(ValidationError, match="Make the lowest answer less than the highest"):
        upside_down.full_clean()
    with pytest.raises(ValidationError, match="Only a number question has a lowest"):
        text_with_limits.full_clean()
    with pytest.raises(IntegrityError), transaction.atomic():
        upside_down.save()


# ----- The demo survey's rules -------------------------------------------------------------


def test_the_demo_rules_are_counts_of_0_or_more_and_hours_more_than_0():
    by_code = {item.code: item for item in QUESTIONS}

    assert (by_code["Q12"].min_value, by_code["Q12"].min_exclusive) == (Decimal(0), False)
    assert (by_code["Q11"].min_value, by_code["Q11"].min_exclusive) == (Decimal(0), True)
    assert by_code["Q4"].allows_planned_dates  # "or when is it planned to start?"


def _old_demo_survey() -> Survey:
    """The demo survey as loaded before questions had rules."""
    survey = SurveyFactory.create(slug="initial-survey-illustrative")
    for order, item in enumerate(QUESTIONS, start=1):
        Question.objects.create(
            survey=survey, code=item.code, text=item.text, kind=item.kind, order=order
        )
    return survey


def _rules_of(survey: Survey, code: str) -> tuple[object, ...]:
    question = survey.questions.get(code=code)
    return (
        question.min_value,
        question.min_exclusive,
        question.max_value,
        question.unit,
        question.allows_planned_dates,
    )


def test_loading_the_demo_again_gives_an_older_demo_survey_its_rules():
    survey = _old_demo_survey()

    demo_rules_set(survey)

    assert _rules_of(survey, "Q12") == (
        Decimal(0),
        False,
        Decimal(100000),
        "contacts a month",
        False,
    )
    assert _rules_of(survey, "Q11") == (Decimal(0), True, Decimal(8760), "hours", False)
    assert _rules_of(survey, "Q4") == (None, False, None, "", True)


def test_the_data_migration_gives_the_demo_survey_the_same_rules_and_no_other_survey():
    survey = _old_demo_survey()
    other = SurveyFactory.create()
    add_question(other, "Q12", QuestionKind.NUMBER)
    migration = importlib.import_module("surveys.migrations.0006_demo_question_rules")

    migration.set_demo_rules(apps, None)

    for code in ("Q4", "Q11", "Q12"):
        loaded = _rules_of(survey, code)
        demo_rules_set(survey)
        assert _rules_of(survey, code) == loaded, code
    assert _rules_of(other, "Q12") == (None, False, None, "", False)
