"""The "Your work" page: a member's drafts, what was sent back to them, reopened returns,
case studies in review and problems on their records, across every app; for reviewers also
what waits for their review. Its query count does not grow with the records."""

import datetime as dt
from typing import Any

import pytest
from django.contrib.auth.models import User
from django.test import Client

from case_studies.models import CaseStudy, CaseStudyModel
from case_studies.services import case_study_create, case_study_submit
from surveys.models import QuestionKind, Survey
from surveys.services import response_reopen, response_save_draft, response_submit
from surveys.values import AnswerValue
from tests.areas.pages import Element, parse, table_rows
from tests.factories import LocalAuthorityFactory, RegionFactory, ReviewerFactory, StaffFactory
from tests.queries import assert_query_count_flat
from tests.surveys.factories import SurveyFactory, add_question
from tests.visits.factories import DetailedFeedbackFactory
from visits.models import Visit
from visits.services import record_return, record_submit, visit_create

pytestmark = pytest.mark.django_db


@pytest.fixture
def region() -> Any:
    return RegionFactory.create(code="E12000001", name="North East", slug="north-east")


@pytest.fixture
def survey() -> Survey:
    survey: Survey = SurveyFactory.create(slug="arrangements", title="Survey of arrangements")
    add_question(survey, "Q1", QuestionKind.YES_NO, text="Is there a MASH?")
    return survey


def _area(region: Any, name: str) -> Any:
    return LocalAuthorityFactory.create(name=name, region=region)


def _return(survey: Survey, area: Any, user: User, *, submit: bool = False) -> Any:
    question = survey.questions.get(code="Q1")
    response = response_save_draft(
        survey=survey,
        local_authority=area,
        values={question: AnswerValue(choices=("Yes",))},
        user=user,
        seen_version=0,
    )
    if submit:
        response = response_submit(response=response, user=user, seen_version=response.version)
    return response


def _visit(region: Any, area: Any, user: User) -> Visit:
    return visit_create(
        user=user,
        visit_date=dt.date(2013, 2, 12),
        region=region,
        local_authorities=[area],
        model_seen="mash",
        notes="The hub brings police and health staff together.",
    )


def _case_study(area: Any, user: User, title: str) -> CaseStudy:
    return case_study_create(
        user=user,
        title=title,
        slug=title.lower().replace(" ", "-"),
        local_authorities=[area],
        model=CaseStudyModel.MASH,
        summary="Police and health share what they know within hours.",
    )


def _page(user: User) -> Element:
    client = Client()
    client.force_login(user)
    response = client.get("/your-work/")
    assert response.status_code == 200
    return parse(response.content)


def _sections(page: Element) -> dict[str, list[tuple[str, str, str]]]:
    """Each section's heading → its rows (record, type, status)."""
    found: dict[str, list[tuple[str, str, str]]] = {}
    heading = None
    for element in page.find("main").iter():
        if element.tag == "h2":
            heading = element.text()
            found[heading] = []
        elif element.tag == "table" and heading:
            found[heading] = [(row[0], row[1], row[2]) for row in table_rows(element)]
    return found


@pytest.fixture
def work(region: Any, survey: Survey) -> dict[str, Any]:
    """A member's records in every state, a reviewer, and someone else's draft."""
    staff, reviewer, other = StaffFactory.create(), ReviewerFactory.create(), StaffFactory.create()
    gateshead, sunderland, hartlepool = (
        _area(region, "Gateshead"),
        _area(region, "Sunderland"),
        _area(region, "Hartlepool"),
    )
    _return(survey, gateshead, staff)
    reopened = _return(survey, sunderland, staff, submit=True)
    response_reopen(response=reopened, user=reviewer, reason="Q1 needs checking")
    _return(survey, hartlepool, other)
    draft = _visit(region, gateshead, staff)
    returned = record_submit(record=_visit(region, sunderland, staff), user=staff)
    record_return(record=returned, user=reviewer, comment="Add the partners")
    waiting = record_submit(record=_visit(region, hartlepool, staff), user=staff)
    DetailedFeedbackFactory.create(
        visit=draft, created_by=staff, monthly_contacts=100, monthly_referrals=300
    )
    _case_study(gateshead, staff, "Gateshead hub")
    in_review = _case_study(sunderland, staff, "Sunderland front door")
    case_study_submit(case_study=in_review, user=staff)
    _case_study(hartlepool, other, "Hartlepool team")
    return {"staff": staff, "reviewer": reviewer, "waiting": waiting}


def test_a_member_sees_their_own_work_from_every_app(work: dict[str, Any]) -> None:
    sections = _sections(_page(work["staff"]))

    assert "Waiting for your review" not in sections
    drafts = sections["Your drafts"]
    assert ("Gateshead: Survey of arrangements", "Survey return", "Draft") in drafts
    assert ("Gateshead hub", "Case study", "Draft") in drafts
    assert {kind for _, kind, _ in drafts} == {
        "Survey return",
        "Visit",
        "Detailed feedback",
        "Case study",
    }
    assert not any("Hartlepool" in title for title, _, _ in drafts)  # someone else's
    assert sections["Reopened returns"] == [
        ("Sunderland: Survey of arrangements", "Survey return", "Reopened")
    ]
    returned = sections["Sent back to you"]
    assert [(kind, status) for _, kind, status in returned] == [("Visit", "Returned with comments")]
    assert "Add the partners" in returned[0][0]
    assert sections["Your case studies in review"] == [
        ("Sunderland front door", "Case study", "In review")
    ]
    problems = sections["Data-quality problems on your records"]
    assert [(kind, status) for _, kind, status in problems] == [("Detailed feedback", "To check")]


def test_a_reviewer_also_sees_what_waits_for_their_review(work: dict[str, Any]) -> None:
    sections = _sections(_page(work["reviewer"]))

    waiting = sections["Waiting for your review"]
    assert (str(work["waiting"]), "Visit", "Submitted for review") in waiting
    assert ("Sunderland front door", "Case study", "In review") in waiting
    assert sections["Your drafts"] == []


def test_the_reviewer_does_not_see_records_they_had_a_hand_in_as_waiting(
    work: dict[str, Any], region: Any
) -> None:
    reviewer = work["reviewer"]
    own = record_submit(record=_visit(region, _area(region, "Durham"), reviewer), user=reviewer)

    waiting = _sections(_page(reviewer))["Waiting for your review"]

    assert str(own) not in [title for title, _, _ in waiting]


def test_members_find_the_page_from_the_header_and_the_home_page(work: dict[str, Any]) -> None:
    client = Client()
    client.force_login(work["staff"])
    home = parse(client.get("/").content)

    links = [a for a in home.find_all("a") if a.attrs.get("href") == "/your-work/"]
    assert len(links) == 2  # the header's and the members' column's
    outsider = parse(Client().get("/").content)
    assert not [a for a in outsider.find_all("a") if a.attrs.get("href") == "/your-work/"]


def test_a_member_with_nothing_waiting_is_told_so() -> None:
    page = _page(StaffFactory.create())

    assert "Nothing is waiting for you." in page.text()


@pytest.mark.parametrize("role", ["staff", "reviewer"])
def test_the_page_s_query_count_does_not_grow_with_the_records(
    work: dict[str, Any], region: Any, survey: Survey, role: str
) -> None:
    user = work[role]
    client = Client()
    client.force_login(user)
    staff = work["staff"]

    def grow() -> None:
        for n in range(3):
            area = _area(region, f"Area {n}")
            _return(survey, area, staff)
            record_submit(record=_visit(region, area, staff), user=staff)
            _visit(region, area, staff)
            case_study_submit(case_study=_case_study(area, staff, f"Study {n}"), user=staff)

    assert_query_count_flat(lambda: client.get("/your-work/"), grow, message="your work")


def test_problems_on_returns_the_member_entered_are_listed_and_others_are_not(
    region: Any, survey: Survey
) -> None:
    staff, other = StaffFactory.create(), StaffFactory.create()
    _return(survey, _area(region, "Gateshead"), staff, submit=True)
    _return(survey, _area(region, "Sunderland"), other, submit=True)
    # A question made required after the returns were submitted: each now lacks an answer.
    add_question(survey, "Q2", QuestionKind.YES_NO, text="Is there a front door?")

    problems = _sections(_page(staff))["Data-quality problems on your records"]

    assert problems == [
        (
            "Gateshead: Q2. Is there a front door? Answer this required question: the return "
            "was submitted without it",
            "Survey return",
            "To fix",
        )
    ]


def test_a_section_is_shown_alone_and_an_unknown_one_shows_every_section(
    work: dict[str, Any],
) -> None:
    client = Client()
    client.force_login(work["staff"])

    alone = parse(client.get("/your-work/", {"show": "in_review"}).content)
    unknown = parse(client.get("/your-work/", {"show": "awaiting_review"}).content)

    assert alone.find("h1").text() == "Your case studies in review"
    assert [row[0] for row in table_rows(alone.find("table"))] == ["Sunderland front door"]
    assert "1 record" in alone.text()
    assert unknown.find("h1").text() == "Your work"  # staff have no reviews waiting
    assert "Your drafts" in _sections(unknown)
