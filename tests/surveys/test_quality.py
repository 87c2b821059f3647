"""A survey's data-quality page: every stored answer run through its question's rules, every
submitted return checked for required answers, every number compared with the other areas';
warnings marked "checked: correct as recorded" with a reason kept in history."""

import datetime as dt
from decimal import Decimal
from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest
from django.contrib.auth.models import User
from django.contrib.messages import get_messages
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from django.utils.text import slugify

from mash_survey.models import CheckedWarning
from surveys.models import Answer, Choice, QuestionKind, Response, ResponseStatus, Survey
from tests.factories import LocalAuthorityFactory, RegionFactory, StaffFactory
from tests.quality import mark_links, problem_rows, tab_counts
from tests.queries import assert_query_count_flat

from .factories import SurveyFactory, add_question

pytestmark = pytest.mark.django_db

#: Each area's contacts a month: Area 03's breaks the rule (below 0); Area 12's is far above.
CONTACTS = [100, 110, -3, 130, 140, 150, 160, 170, 180, 190, 200, 5000]
OUTLIER_MESSAGE = (
    "Far above the other areas' answers: half of the 12 areas answering gave between 125 and "
    "182.5 contacts a month. Check the figure with the area."
)


def _survey(slug: str = "initial", areas: int = 12, prefix: str = "Area") -> Survey:
    """Returns with the breaches the tests look for, stored as an old import could have
    stored them (straight into the tables, before the rules)."""
    survey = SurveyFactory.create(slug=slug, title=f"Survey {slug}")
    add_question(
        survey,
        "Q1",
        QuestionKind.NUMBER,
        text="Contacts a month?",
        min_value=Decimal(0),
        unit="contacts a month",
    )
    add_question(survey, "Q2", QuestionKind.DATE, required=False, text="Started?")
    add_question(
        survey, "Q3", QuestionKind.FREE_TEXT, required=False, text="Barriers?", max_length=50
    )
    add_question(survey, "Q4", QuestionKind.YES_NO, text="Has a MASH?")
    _add_returns(survey, range(1, areas + 1), prefix)
    return survey


def _add_returns(survey: Survey, numbers: range, prefix: str) -> None:
    """Area N's return: Area 03's contacts break the rule, Area 04's date is after the
    survey closed, Area 05's text is too long, Area 06 is submitted without Q4 (Area 07 is a
    draft without it), and Area 12's contacts are far above the others'. Areas after the
    twelfth answer 100 to 200 contacts and Q4, and break nothing."""
    questions = {q.code: q for q in survey.questions.all()}
    yes = Choice.objects.get(question=questions["Q4"], value="Yes")
    region = RegionFactory.create()
    for number in numbers:
        name = f"{prefix} {number:02}"
        area = LocalAuthorityFactory.create(name=name, slug=slugify(name), region=region)
        submitted = number == 6
        response = Response.objects.create(
            survey=survey,
            local_authority=area,
            status=ResponseStatus.SUBMITTED if submitted else ResponseStatus.DRAFT,
            submitted_at=timezone.now() if submitted else None,
        )
        count = CONTACTS[number - 1] if number <= len(CONTACTS) else 100 + number % 11 * 10
        Answer.objects.create(response=response, question=questions["Q1"], number=count)
        if number == 4:
            Answer.objects.create(
                response=response, question=questions["Q2"], date=dt.date(2013, 1, 15)
            )
        if number == 5:
            Answer.objects.create(response=response, question=questions["Q3"], text="x" * 60)
        if number not in (6, 7):
            Answer.objects.create(response=response, question=questions["Q4"], choice=yes)


def _page(client: Client, survey: Survey, show: str = "") -> Any:
    url = reverse("surveys:data_quality", kwargs={"slug": survey.slug})
    return client.get(url, {"show": show} if show else {})


@pytest.fixture
def survey() -> Survey:
    return _survey()


@pytest.fixture
def staff() -> User:
    return StaffFactory.create(first_name="Sam", last_name="Okafor")


@pytest.fixture
def client_for(staff: User) -> Client:
    client = Client()
    client.force_login(staff)
    return client


def test_the_page_lists_exactly_the_breaches_in_the_data(
    survey: Survey, client_for: Client
) -> None:
    response = _page(client_for, survey)

    assert problem_rows(response) == [
        (
            "Area 03",
            "Q1. Contacts a month?",
            "-3",
            "To fix",
            "Enter a number of contacts a month of 0 or more",
        ),
        (
            "Area 04",
            "Q2. Started?",
            "15 January 2013",
            "To fix",
            "Enter a date between 1 January 1990 and 30 November 2012, when the survey closed",
        ),
        (
            "Area 05",
            "Q3. Barriers?",
            f"{'x' * 60} (60 characters)",
            "To fix",
            "The answer must be 50 characters or fewer",
        ),
        (
            "Area 06",
            "Q4. Has a MASH?",
            "Not answered",
            "To fix",
            "Answer this required question: the return was submitted without it",
        ),
        ("Area 12", "Q1. Contacts a month?", "5,000", "To check", OUTLIER_MESSAGE),
    ]
    assert tab_counts(response) == {
        "To fix or check": 5,
        "To fix": 4,
        "To check": 1,
        "Checked": 0,
    }
    assert [row[0] for row in problem_rows(_page(client_for, survey, "check"))] == ["Area 12"]


def test_each_problem_links_to_where_it_is_fixed(survey: Survey, client_for: Client) -> None:
    response = _page(client_for, survey)
    body = response.content.decode()

    # A draft: the form, at the question. A submitted return: its page (reopen it first).
    assert 'href="/survey/initial/returns/area-03/edit/#id_Q1"' in body
    assert 'href="/survey/initial/returns/area-06/"' in body
    # Only warnings can be marked as checked.
    assert len(mark_links(response)) == 1


def test_a_clean_survey_says_there_are_no_problems(client_for: Client) -> None:
    survey = SurveyFactory.create(slug="clean")
    add_question(survey, "Q1", QuestionKind.NUMBER, min_value=Decimal(0))

    response = _page(client_for, survey)

    assert problem_rows(response) == []
    assert "No problems found" in response.content.decode()


def _mark(client: Client, survey: Survey, reason: str) -> Any:
    link = mark_links(_page(client, survey, "check"))[0]
    key = parse_qs(urlsplit(link).query)["problem"][0]
    return client.post(link.split("?")[0], {"problem": key, "reason": reason})


def test_a_warning_marked_checked_leaves_the_open_list_and_its_reason_is_kept(
    survey: Survey, client_for: Client, staff: User
) -> None:
    form = client_for.get(mark_links(_page(client_for, survey))[0])
    assert form.status_code == 200
    assert "5,000" in form.content.decode()

    response = _mark(client_for, survey, "Confirmed with the MASH manager on 3 April 2013.")

    assert response.status_code == 302
    assert response["Location"] == reverse("surveys:data_quality", kwargs={"slug": "initial"})
    page = client_for.get(response["Location"])
    assert "Q1. Contacts a month? for Area 12 is marked as checked." in [
        str(m) for m in get_messages(page.wsgi_request)
    ]
    assert tab_counts(page) == {"To fix or check": 4, "To fix": 4, "To check": 0, "Checked": 1}
    checked = _page(client_for, survey, "checked")
    assert problem_rows(checked) == [
        ("Area 12", "Q1. Contacts a month?", "5,000", "Checked", OUTLIER_MESSAGE)
    ]
    assert (
        "checked by Sam Okafor on "
        f"{timezone.localdate():%-d %B %Y}: Confirmed with the MASH manager on 3 April 2013."
    ) in " ".join(checked.content.decode().split())
    (row,) = CheckedWarning.history.all()
    assert (row.history_type, row.history_user, row.reason, row.value) == (
        "+",
        staff,
        "Confirmed with the MASH manager on 3 April 2013.",
        "5,000",
    )


def test_a_changed_value_opens_the_warning_again_and_every_mark_stays_in_history(
    survey: Survey, client_for: Client
) -> None:
    _mark(client_for, survey, "Confirmed with the MASH manager on 3 April 2013.")
    Answer.objects.filter(number=5000).update(number=6000)

    assert tab_counts(_page(client_for, survey))["To check"] == 1
    _mark(client_for, survey, "The area recounted: 6,000 is right, April 2013.")
    assert tab_counts(_page(client_for, survey))["Checked"] == 1

    # Open it again: the mark goes, its history stays and the check page lists it all.
    key = CheckedWarning.objects.get()
    problem = f"surveys.response:{key.object_id}:outlier:Q1"
    url = reverse("surveys:data_quality_check", kwargs={"slug": "initial"})
    client_for.post(url, {"problem": problem, "reopen": "1"})

    assert not CheckedWarning.objects.exists()
    assert [r.history_type for r in CheckedWarning.history.order_by("history_id")] == [
        "+",
        "~",
        "-",
    ]
    earlier = " ".join(client_for.get(url, {"problem": problem}).content.decode().split())
    assert "when the value was 5,000: Confirmed with the MASH manager" in earlier
    assert "when the value was 6,000: The area recounted" in earlier
    assert "Opened again by Sam Okafor" in earlier


@pytest.mark.parametrize(
    ("reason", "message"),
    [
        ("", "Enter why the value is correct"),
        ("x" * 1001, "The reason must be 1,000 characters or fewer"),
        (
            "Confirmed by phone with the manager on 020 7946 0018.",
            "The reason holds a possible phone number: remove it.",
        ),
    ],
)
def test_a_mark_needs_a_reason_without_identifiers(
    survey: Survey, client_for: Client, reason: str, message: str
) -> None:
    response = _mark(client_for, survey, reason)

    assert response.status_code == 200
    assert message in response.content.decode()
    assert not CheckedWarning.objects.exists()


def test_an_error_or_a_problem_gone_cannot_be_marked(survey: Survey, client_for: Client) -> None:
    url = reverse("surveys:data_quality_check", kwargs={"slug": "initial"})
    error = Response.objects.get(local_authority__name="Area 03")
    fixed = Response.objects.get(local_authority__name="Area 01")

    refused = client_for.post(
        url, {"problem": f"surveys.response:{error.pk}:number_range:Q1", "reason": "Fine."}
    )
    gone = client_for.post(
        url, {"problem": f"surveys.response:{fixed.pk}:outlier:Q1", "reason": "Fine."}
    )

    assert refused.status_code == gone.status_code == 302
    assert not CheckedWarning.objects.exists()
    shown = [str(m) for m in get_messages(gone.wsgi_request)]
    assert shown[0] == "An error cannot be marked as checked: fix the value."
    assert shown[1].startswith("This warning no longer applies")


def test_the_home_page_counts_open_problems_for_project_members_only(
    survey: Survey, client_for: Client
) -> None:
    home = " ".join(client_for.get("/").content.decode().split())
    assert 'Survey initial</a><br> <span class="govuk-body-s">4 to fix, 1 to check' in home

    anonymous = Client().get("/").content.decode()
    assert "Data quality" not in anonymous


def test_the_page_and_the_home_page_read_the_data_in_a_fixed_number_of_queries(
    survey: Survey, client_for: Client
) -> None:
    _mark(client_for, survey, "Confirmed with the MASH manager on 3 April 2013.")
    _page(client_for, survey)  # shows (and clears) the message the mark left

    assert_query_count_flat(
        lambda: _page(client_for, survey), lambda: _add_returns(survey, range(13, 40), "More")
    )
    assert_query_count_flat(
        lambda: client_for.get("/"), lambda: _survey(slug="third", prefix="Third")
    )
