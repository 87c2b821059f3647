"""Returns made through the real services, for the statistics, selection and API tests.

`ROWS` is a small hand-made dataset on the survey of tests/surveys/factories.py
(`survey_with_every_kind`); the tests work out what each figure should be from these rows
themselves, never by calling the query under test.
"""

from dataclasses import dataclass

from django.contrib.auth.models import User

from areas.models import LocalAuthority
from surveys.models import Response, Survey
from surveys.queries import survey_questions
from surveys.services import response_save_draft, response_submit
from surveys.values import parse_answer

#: A free-text answer that must never reach a public page or the public API.
SECRET_TEXT = "Zebra crossing barrier 4417: the police would not share without consent"
SECRET_TEXT_2 = "Quokka protocol 9023 delayed every strategy meeting"


@dataclass(frozen=True)
class Row:
    area: str  # the authority's name in the register
    submitted: bool
    answers: dict[str, str]


ROWS = [
    Row(
        "Gateshead",
        True,
        {"Q1": "Yes", "Q2": "MASH", "Q3": "Police; Health", "Q4": "100", "Q6": SECRET_TEXT},
    ),
    Row(
        "Newcastle upon Tyne",
        True,
        {"Q1": "Yes", "Q2": "Co-located team", "Q3": "Police", "Q4": "300", "Q5": "2011-04-01"},
    ),
    Row("Northumberland", True, {"Q1": "No", "Q2": "Other", "Q3": "Education", "Q4": "25.5"}),
    Row(
        "Camden",
        True,
        {
            "Q1": "Yes",
            "Q2": "MASH",
            "Q3": "Police; Health; Education",
            "Q4": "50",
            "Q6": SECRET_TEXT_2,
        },
    ),
    # A draft counts nowhere.
    Row("Kent", False, {"Q1": "No", "Q2": "Other", "Q3": "Health", "Q4": "999"}),
]


def enter_return(
    survey: Survey, authority: LocalAuthority, answers: dict[str, str], user: User, *, submit: bool
) -> Response:
    """Save a return as the entry form does, and submit it if asked."""
    questions = {q.code: q for q in survey_questions(survey)}
    values = {
        questions[code]: parse_answer(
            questions[code], raw, [c.value for c in questions[code].choices.all()]
        )
        for code, raw in answers.items()
    }
    response = response_save_draft(
        survey=survey, local_authority=authority, values=values, user=user, seen_version=None
    )
    if submit:
        response = response_submit(response=response, user=user, seen_version=response.version)
    return response


def enter_rows(survey: Survey, user: User, rows: list[Row] = ROWS) -> list[Response]:
    return [
        enter_return(
            survey,
            LocalAuthority.objects.get(name=row.area),
            row.answers,
            user,
            submit=row.submitted,
        )
        for row in rows
    ]


def submitted_rows(rows: list[Row] = ROWS) -> list[Row]:
    return [row for row in rows if row.submitted]


#: For the disclosure tests: every area of London (the City among them) and of the South West
#: (the Isles of Scilly among them) submits. Only these two areas answer No to Q1, and each
#: gives a number no other area gives, so either one's answer showing is easy to spot.
SMALL_AREAS = {"City of London": "997", "Isles of Scilly": "883"}
OTHERS_NUMBER = "10"


def enter_every_return_in(survey: Survey, user: User, region_names: list[str]) -> None:
    for authority in LocalAuthority.objects.filter(region__name__in=region_names):
        own = authority.name in SMALL_AREAS
        answers = {
            "Q1": "No" if own else "Yes",
            "Q2": "Other" if own else "MASH",
            "Q3": "Education" if own else "Police",
            "Q4": SMALL_AREAS.get(authority.name, OTHERS_NUMBER),
        }
        enter_return(survey, authority, answers, user, submit=True)
