"""The aggregate queries behind the statistics page and API, on a small hand-made dataset.

The dataset has only four returns, so these tests check the arithmetic with disclosure control
set to hide nothing (a threshold of 1 area); test_disclosure.py checks what it hides."""

from collections import Counter
from decimal import Decimal

import pytest

from areas.models import AuthorityType, LocalAuthority, Region
from surveys import queries
from surveys.models import ResponseStatus
from surveys.queries import ReturnFilter
from tests.queries import count_queries

from .factories import survey_with_every_kind
from .statistics_returns import ROWS, Row, enter_return, enter_rows, submitted_rows

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def show_every_figure(settings):
    settings.DISCLOSURE_MIN_AREAS = 1


def _rates(survey, returns=None):
    questions = queries.survey_questions(survey)
    return queries.survey_statistics(survey, questions, returns or ReturnFilter()).rates


def _distributions(survey, *, reveal=False):
    questions = queries.survey_questions(survey)
    return queries.survey_statistics(survey, questions, reveal=reveal).distributions


@pytest.fixture
def survey(register, staff_user):
    survey = survey_with_every_kind(slug="arrangements")
    enter_rows(survey, staff_user)
    return survey


def test_survey_list_counts_each_submitted_return_once_and_each_question_once(survey):
    listed = queries.survey_list().get(pk=survey.pk)

    assert listed.submitted_count == len(submitted_rows())  # type: ignore[attr-defined]
    assert listed.question_count == 6  # type: ignore[attr-defined]


def test_response_rates_by_region_count_submitted_returns_against_every_area(survey):
    rates = _rates(survey)

    returned = Counter(
        LocalAuthority.objects.get(name=row.area).region.code for row in submitted_rows()
    )
    totals = Counter(LocalAuthority.objects.values_list("region__code", flat=True))
    assert {r.key: (r.returned, r.total) for r in rates.by_region} == {
        code: (returned[code], totals[code]) for code in totals
    }
    assert (rates.overall.returned, rates.overall.total) == (len(submitted_rows()), 152)


def test_a_type_filter_narrows_the_response_rate_totals_as_well_as_the_returns(survey):
    rates = _rates(survey, ReturnFilter(authority_type=AuthorityType.UNITARY))

    unitary = LocalAuthority.objects.filter(type=AuthorityType.UNITARY)
    names = set(unitary.values_list("name", flat=True))
    assert rates.overall.total == unitary.count()
    assert rates.overall.returned == sum(1 for row in submitted_rows() if row.area in names)
    london = next(r for r in rates.by_region if r.name == "London")
    assert london.total == 0, "London has no unitary authorities"


def test_a_region_filter_leaves_other_regions_with_nothing(survey):
    rates = _rates(survey, ReturnFilter(region="E12000007"))

    totals = {r.name: r.total for r in rates.by_region}
    assert totals.pop("London") == Region.objects.get(name="London").authorities.count()
    assert set(totals.values()) == {0}
    assert rates.overall.returned == 1  # Camden


def test_distributions_take_the_areas_that_answered_as_the_base(survey, staff_user):
    # A return that leaves the optional date unanswered still counts for the others.
    figures = {d.question.code: d for d in _distributions(survey, reveal=True)}

    rows = submitted_rows()
    assert set(figures) == {"Q1", "Q2", "Q3", "Q4"}, "no date or free-text figures"
    yes = sum(row.answers["Q1"] == "Yes" for row in rows)
    assert [(b.label, b.count, b.base) for b in figures["Q1"].bars] == [
        ("Yes", yes, len(rows)),
        ("No", len(rows) - yes, len(rows)),
    ]
    police = sum("Police" in row.answers["Q3"] for row in rows)
    assert figures["Q3"].bars[0].count == police
    assert figures["Q3"].answered == len(rows)
    numbers = [Decimal(row.answers["Q4"]) for row in rows]
    assert figures["Q4"].minimum == min(numbers)
    assert figures["Q4"].maximum == max(numbers)
    assert figures["Q4"].mean == (sum(numbers, Decimal(0)) / len(numbers)).quantize(Decimal("0.1"))


def test_the_public_never_get_the_lowest_or_highest_number(survey):
    q4 = _distributions(survey)[3]

    assert q4.mean is not None
    assert (q4.minimum, q4.maximum) == (None, None)


def test_distributions_leave_out_drafts(survey):
    q4 = _distributions(survey, reveal=True)[3]

    draft = next(row for row in ROWS if not row.submitted)
    assert q4.maximum != Decimal(draft.answers["Q4"])
    assert q4.answered == len(submitted_rows())


def test_statistics_take_the_same_number_of_queries_however_many_returns(survey, staff_user):
    before = count_queries(lambda: _distributions(survey))
    for authority in LocalAuthority.objects.filter(region__code="E12000009")[:5]:
        enter_return(
            survey,
            authority,
            {"Q1": "No", "Q2": "Other", "Q3": "Health", "Q4": "7"},
            staff_user,
            submit=True,
        )

    assert count_queries(lambda: _distributions(survey)) == before


def test_answers_by_area_with_a_filter_has_only_the_filter_s_authorities(survey):
    q1 = survey.questions.get(code="Q1")

    values = queries.answers_by_area(survey, q1, ReturnFilter(region="E12000001"))

    north_east = LocalAuthority.objects.filter(region__code="E12000001")
    assert set(values) == set(north_east.values_list("gss_code", flat=True))
    gateshead = LocalAuthority.objects.get(name="Gateshead")
    assert values[gateshead.gss_code] == "Yes"


def test_response_answers_by_code_gives_display_values_in_question_order(survey):
    responses = list(queries.response_list(survey).filter(status=ResponseStatus.SUBMITTED))

    answers = queries.response_answers_by_code(responses)

    gateshead = next(r for r in responses if r.local_authority.name == "Gateshead")
    assert list(answers[gateshead.pk].items()) == [
        ("Q1", "Yes"),
        ("Q2", "MASH"),
        ("Q3", "Police; Health"),
        ("Q4", "100"),
        ("Q6", ROWS[0].answers["Q6"]),
    ]


def test_a_survey_with_questions_and_no_submitted_return_lists_none_returned(survey, staff_user):
    survey_with_every_kind(slug="unanswered")
    drafts_only = survey_with_every_kind(slug="drafts-only")
    enter_rows(drafts_only, staff_user, [row for row in ROWS if not row.submitted])

    listed = {s.slug: (s.submitted_count, s.question_count) for s in queries.survey_list()}  # type: ignore[attr-defined]

    assert listed == {
        "arrangements": (len(submitted_rows()), 6),
        "unanswered": (0, 6),
        "drafts-only": (0, 6),
    }


def test_another_survey_s_ticked_choices_do_not_count_as_answers_to_this_one(survey, staff_user):
    other = survey_with_every_kind(slug="other")
    enter_rows(other, staff_user, [Row(row.area, True, row.answers) for row in ROWS])

    q3 = next(d for d in _distributions(survey) if d.question.code == "Q3")

    assert q3.answered == len([row for row in submitted_rows() if "Q3" in row.answers])
    assert _rates(survey).overall.returned == len(submitted_rows())
