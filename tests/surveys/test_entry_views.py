"""Entering returns in the browser: the list of areas, a return, its form, checking and
submitting, reopening, the history, and the area page's panel."""

import re
from decimal import Decimal

import pytest
from django.test import Client

from surveys.imports import survey_import_apply
from surveys.models import Answer, Response, ResponseStatus, Survey
from surveys.services import response_save_draft, response_submit
from surveys.values import AnswerValue
from tests.areas.pages import Element, parse, table_rows
from tests.factories import LocalAuthorityFactory, RegionFactory, StaffFactory, UserFactory
from tests.queries import assert_query_count_flat

from .factories import survey_with_every_kind

pytestmark = pytest.mark.django_db

#: Every required question of survey_with_every_kind answered.
COMPLETE = {"Q1": "Yes", "Q2": "MASH", "Q3": ["Police", "Health"], "Q4": "120"}
PAGES = ("return_list", "return_detail", "return_edit", "return_check", "return_history")


@pytest.fixture
def survey() -> Survey:
    return survey_with_every_kind(slug="initial", title="Initial survey")


@pytest.fixture
def area():
    region = RegionFactory.create(code="E12000001", name="North East", slug="north-east")
    return LocalAuthorityFactory.create(name="Gateshead", slug="gateshead", region=region)


def url(name: str, survey: Survey, area=None) -> str:
    if name == "return_list":
        return f"/survey/{survey.slug}/returns/"
    suffix = {
        "return_detail": "",
        "return_edit": "edit/",
        "return_check": "check/",
        "return_reopen": "reopen/",
        "return_history": "history/",
    }[name]
    return f"/survey/{survey.slug}/returns/{area.slug}/{suffix}"


def signed_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def page_of(response) -> Element:
    assert response.status_code == 200, response
    return parse(response.content)


def edit(client: Client, survey, area, data: dict, *, version: int, button: str = "save_draft"):
    return client.post(url("return_edit", survey, area), {**data, "version": version, button: ""})


def answers(survey: Survey, area) -> dict[str, str]:
    """The stored answers of the area's return, as `code: display`."""
    stored: dict[str, str] = {}
    for answer in Answer.objects.filter(
        response__survey=survey, response__local_authority=area
    ).select_related("question", "choice"):
        if answer.choice:
            stored[answer.question.code] = answer.choice.value
        elif answer.question.kind == "multiple_choice":
            stored[answer.question.code] = "; ".join(
                c.value for c in answer.choices.order_by("order")
            )
        elif answer.number is not None:
            stored[answer.question.code] = f"{answer.number.normalize():f}"
        else:
            stored[answer.question.code] = str(answer.date or answer.text)
    return stored


def error_summary(page: Element) -> list[tuple[str, str]]:
    """The "There is a problem" summary's links: (href, text)."""
    box = page.find("div", "govuk-error-summary")
    return [(a.attrs["href"], a.text()) for a in box.find_all("a")]


def error_messages(page: Element) -> list[str]:
    """Every item of the error summary, linked or not."""
    return [li.text() for li in page.find("div", "govuk-error-summary").find_all("li")]


def ids(page: Element) -> set[str]:
    return {el.attrs["id"] for el in page.iter() if "id" in el.attrs}


def summary(dl: Element) -> dict[str, str]:
    """A GOV.UK summary list as `key: value`."""
    return {
        row.find("dt").text(): row.find("dd").text()
        for row in dl.find_all("div", "govuk-summary-list__row")
    }


def title(response) -> str:
    match = re.search(r"<title>(.*?)</title>", response.content.decode(), re.S)
    assert match
    return " ".join(match.group(1).split())


def banner(page: Element) -> str:
    """The text of the page's notification banners (messages since the last page shown)."""
    return " | ".join(b.text() for b in page.find_all("div", "govuk-notification-banner"))


# ----- Who may see and do what ------------------------------------------------


@pytest.mark.parametrize("name", PAGES)
def test_a_visitor_who_is_not_signed_in_is_asked_to_sign_in(client, survey, area, name):
    response = client.get(url(name, survey, area))

    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/?next=")


@pytest.mark.parametrize("name", PAGES)
def test_a_signed_in_user_outside_the_project_is_refused(survey, area, name):
    response = signed_in(UserFactory.create()).get(url(name, survey, area))

    assert response.status_code == 403


def _submitted(survey, area, user) -> Response:
    client = signed_in(user)
    edit(client, survey, area, COMPLETE, version=0)
    response = Response.objects.get(survey=survey, local_authority=area)
    return response_submit(response=response, user=user, seen_version=response.version)


def test_project_staff_cannot_reopen_a_submitted_return(survey, area, staff_user, staff_client):
    _submitted(survey, area, staff_user)

    response = staff_client.post(url("return_reopen", survey, area), {"reason": "A typo"})

    assert response.status_code == 403
    assert Response.objects.get().status == ResponseStatus.SUBMITTED
    detail = page_of(staff_client.get(url("return_detail", survey, area)))
    assert "Reopen" not in [b.text() for b in detail.find_all("button")]
    assert "A reviewer can reopen it" in detail.text()


def test_a_reviewer_reopens_a_submitted_return_as_a_draft(
    survey, area, staff_user, reviewer_client
):
    _submitted(survey, area, staff_user)
    detail = page_of(reviewer_client.get(url("return_detail", survey, area)))
    assert "Reopen" in [b.text() for b in detail.find_all("button")]
    assert "it leaves the public statistics until it is submitted again" in detail.text()

    response = reviewer_client.post(
        url("return_reopen", survey, area), {"reason": "Q4 should be 12, not 120"}, follow=True
    )

    stored = Response.objects.get()
    assert stored.status == ResponseStatus.DRAFT
    assert stored.submitted_at is None
    page = page_of(response)
    assert "has been reopened as a draft" in banner(page)
    assert "left out of the public statistics until it is submitted again" in banner(page)
    assert "Change answers" in page.text()
    history = page_of(reviewer_client.get(url("return_history", survey, area)))
    assert "Reopened by a reviewer: Q4 should be 12, not 120" in history.text()


def test_reopening_without_a_reason_asks_for_one_and_changes_nothing(
    survey, area, staff_user, reviewer_client
):
    _submitted(survey, area, staff_user)

    response = reviewer_client.post(url("return_reopen", survey, area), {"reason": "   "})

    page = page_of(response)
    assert page.find("title").text().startswith("Error: ")
    summary = page.find("div", "govuk-error-summary")
    link = summary.find("a")
    assert (link.text(), link.attrs["href"]) == (
        "Enter why you are reopening this return",
        "#id_reason",
    )
    assert (
        "Enter why you are reopening this return" in page.find("span", "govuk-error-message").text()
    )
    assert Response.objects.get().status == ResponseStatus.SUBMITTED


def test_a_visitor_who_is_not_signed_in_cannot_reopen_a_return(client, survey, area, staff_user):
    _submitted(survey, area, staff_user)

    response = client.post(url("return_reopen", survey, area), {"reason": "A typo"})

    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")
    assert Response.objects.get().status == ResponseStatus.SUBMITTED


def test_a_user_outside_the_project_cannot_reopen_a_return(survey, area, staff_user):
    _submitted(survey, area, staff_user)

    response = signed_in(UserFactory.create()).post(
        url("return_reopen", survey, area), {"reason": "A typo"}
    )

    assert response.status_code == 403
    assert Response.objects.get().status == ResponseStatus.SUBMITTED


def test_reopening_is_only_ever_a_post(survey, area, staff_user, reviewer_client):
    _submitted(survey, area, staff_user)

    response = reviewer_client.get(url("return_reopen", survey, area))

    assert response.status_code == 405
    assert Response.objects.get().status == ResponseStatus.SUBMITTED


def test_reopening_a_draft_says_so_and_changes_nothing(survey, area, reviewer_client):
    edit(reviewer_client, survey, area, COMPLETE, version=0)

    response = reviewer_client.post(url("return_reopen", survey, area), follow=True)

    assert "Only a submitted return can be reopened." in banner(page_of(response))
    assert Response.objects.get().version == 1


# ----- The list of areas -------------------------------------------------------


def test_the_list_shows_every_area_with_its_return_status_and_counts(
    survey, area, staff_user, staff_client
):
    other = LocalAuthorityFactory.create(name="Barnsley", slug="barnsley")
    LocalAuthorityFactory.create(name="Croydon", slug="croydon")
    _submitted(survey, area, staff_user)
    edit(staff_client, survey, other, {"Q1": "No"}, version=0)

    page = page_of(staff_client.get(url("return_list", survey)))

    rows = table_rows(page.find("table", "govuk-table"))
    assert [(row[0], row[2]) for row in rows] == [
        ("Barnsley", "Draft"),
        ("Croydon", "Not started"),
        ("Gateshead", "Submitted"),
    ]
    assert summary(page.find("dl", "app-status-counts")) == {
        "Not started": "1",
        "Draft": "1",
        "Reopened": "0",
        "Submitted": "1",
    }
    links = [a.attrs["href"] for a in page.find("table").find_all("a")]
    assert links[2] == url("return_detail", survey, area)


def test_the_list_filters_by_region_with_a_plain_get_form(survey, area, staff_client):
    elsewhere = RegionFactory.create(name="London", slug="london", code="E12000007")
    LocalAuthorityFactory.create(name="Croydon", slug="croydon", region=elsewhere)

    page = page_of(staff_client.get(url("return_list", survey), {"region": "E12000007"}))

    form = page.find("main").find("form")
    assert form.attrs["method"] == "get"
    assert "csrfmiddlewaretoken" not in str(form.attrs) + form.text()
    assert [o.text() for o in form.find("select").find_all("option")] == [
        "All regions",
        "London",
        "North East",
    ]
    assert [row[0] for row in table_rows(page.find("table"))] == ["Croydon"]
    assert "1 local authority in London" in page.find("caption").text()


def test_an_unknown_region_shows_every_area_and_says_what_to_do(survey, area, staff_client):
    response = staff_client.get(url("return_list", survey), {"region": "nowhere"})

    page = page_of(response)
    assert title(response).startswith("Error: ")
    assert error_messages(page) == ["Select a region from the list"]
    assert [row[0] for row in table_rows(page.find("table"))] == ["Gateshead"]


def test_the_list_needs_no_more_queries_for_more_areas_and_returns(survey, area, staff_client):
    staff = StaffFactory.create()

    def grow() -> None:
        for _ in range(6):
            extra = LocalAuthorityFactory.create(region=RegionFactory.create())
            response_save_draft(
                survey=survey,
                local_authority=extra,
                values={},
                user=staff,
                seen_version=None,
            )

    count = assert_query_count_flat(
        lambda: staff_client.get(url("return_list", survey)), grow, message="the returns list"
    )
    assert count <= 8


# ----- One return ----------------------------------------------------------------


def test_a_return_not_started_offers_to_enter_answers(survey, area, staff_client):
    page = page_of(staff_client.get(url("return_detail", survey, area)))

    assert page.find("main").find("strong", "govuk-tag").text() == "Not started"
    buttons = [a.text() for a in page.find("div", "govuk-button-group").find_all("a")]
    assert buttons == ["Enter answers"]


def test_a_draft_shows_its_answers_by_section_who_entered_them_and_its_actions(
    survey, area, staff_user, staff_client
):
    survey.questions.filter(code="Q4").update(section="Numbers")
    edit(
        staff_client,
        survey,
        area,
        {"Q1": "Yes", "Q3": ["Health", "Police"], "Q4": "1200"},
        version=0,
    )

    page = page_of(staff_client.get(url("return_detail", survey, area)))

    about = summary(page.find("dl", "govuk-summary-list"))
    assert about["Status"] == "Draft"
    assert about["Entered by"] == staff_user.get_username()
    headings = [h.text() for h in page.find_all("h2", "govuk-heading-m")]
    assert headings == ["Answers", "Numbers"]
    answers_shown = {
        key: value
        for dl in page.find_all("dl", "govuk-summary-list")[1:]
        for key, value in summary(dl).items()
    }
    assert answers_shown["Does the area have a MASH?"] == "Yes"
    assert answers_shown["Which agencies are co-located?"] == "Police Health"
    assert answers_shown["Contacts a month?"] == "1,200"
    assert answers_shown["Which model?"] == "Not answered"
    actions = [a.text() for a in page.find("div", "govuk-button-group").find_all("a")]
    assert actions == ["Change answers", "Check and submit", "View history"]


def test_a_return_from_an_import_names_the_file_that_last_changed_it(
    survey, area, staff_user, staff_client
):
    content = f"local_authority,Q1,Q2,Q3,Q4,Q5,Q6\n{area.gss_code},Yes,MASH,Police,12,,\n"
    survey_import_apply(
        survey=survey, file_name="october.csv", content=content.encode(), user=staff_user
    )

    page = page_of(staff_client.get(url("return_detail", survey, area)))

    assert "october.csv" in page.text()
    assert page.find("main").find("strong", "govuk-tag").text() == "Submitted"
    history = page_of(staff_client.get(url("return_history", survey, area)))
    entry = history.find("div", "app-history-entry")
    assert entry.find("h2").text() == "Imported from october.csv"
    assert summary(entry.find("dl"))["Import"].startswith("october.csv, imported ")
    assert table_rows(entry.find("table")) == [
        ["Q1. Does the area have a MASH?", "Not answered", "Yes"],
        ["Q2. Which model?", "Not answered", "MASH"],
        ["Q3. Which agencies are co-located?", "Not answered", "Police"],
        ["Q4. Contacts a month?", "Not answered", "12"],
    ]


def test_the_history_shows_what_a_corrected_import_changed(survey, area, staff_user, staff_client):
    header = "local_authority,Q1,Q2,Q3,Q4,Q5,Q6\n"
    for name, row in (
        ("october.csv", "Yes,MASH,Police,12,,"),
        ("corrected.csv", "Yes,MASH,Police,15,,"),
    ):
        content = f"{header}{area.gss_code},{row}\n".encode()
        survey_import_apply(survey=survey, file_name=name, content=content, user=staff_user)

    history = page_of(staff_client.get(url("return_history", survey, area)))

    entries = history.find_all("div", "app-history-entry")
    assert [e.find("h2").text() for e in entries] == [
        "Imported from corrected.csv",
        "Imported from october.csv",
    ]
    assert table_rows(entries[0].find("table")) == [["Q4. Contacts a month?", "12", "15"]]
    assert len(table_rows(entries[1].find("table"))) == 4


def test_an_illustrative_survey_says_so_on_its_return_pages(area, staff_client):
    survey = survey_with_every_kind(is_illustrative=True)

    for name in PAGES:
        response = staff_client.get(url(name, survey, area), follow=True)
        assert "Illustrative survey" in page_of(response).text(), name


# ----- The form -----------------------------------------------------------------------


def test_saving_a_draft_keeps_answers_even_with_required_questions_empty(
    survey, area, staff_user, staff_client
):
    response = edit(staff_client, survey, area, {"Q1": "No", "Q6": "Shared IT"}, version=0)

    assert response.status_code == 302
    assert response["Location"] == url("return_detail", survey, area)
    stored = Response.objects.get()
    assert stored.status == ResponseStatus.DRAFT
    assert stored.entered_by == staff_user
    assert answers(survey, area) == {"Q1": "No", "Q6": "Shared IT"}
    page = page_of(staff_client.get(response["Location"]))
    assert "saved as a draft" in banner(page)


def test_continuing_without_every_required_answer_saves_nothing_and_says_what_is_missing(
    survey, area, staff_client
):
    response = edit(staff_client, survey, area, {"Q1": "Yes"}, version=0, button="continue")

    page = page_of(response)
    assert title(response).startswith("Error: ")
    assert error_summary(page) == [
        ("#id_Q2_1", "Select an answer to “Which model?”"),
        ("#id_Q3_1", "Select at least one answer to “Which agencies are co-located?”"),
        ("#id_Q4", "Enter a number for “Contacts a month?”"),
    ]
    assert not Response.objects.exists()
    inline = [e.text() for e in page.find_all("span", "govuk-error-message")]
    assert inline == [
        "Error: Select an answer to “Which model?”",
        "Error: Select at least one answer to “Which agencies are co-located?”",
        "Error: Enter a number for “Contacts a month?”",
    ]


def test_every_error_summary_link_points_at_an_input_on_the_page(survey, area, staff_client):
    data = {"Q4": "lots", "Q5_0": "30", "Q5_1": "2", "Q5_2": "2012"}
    response = edit(staff_client, survey, area, data, version=0, button="continue")

    page = page_of(response)
    links = error_summary(page)
    assert len(links) == 5
    targets = {href.removeprefix("#") for href, _ in links}
    on_page = {el.attrs["id"] for el in page.find_all("input") if "id" in el.attrs}
    assert targets <= on_page


def test_continuing_with_every_required_answer_saves_and_goes_to_the_check_page(
    survey, area, staff_client
):
    response = edit(staff_client, survey, area, COMPLETE, version=0, button="continue")

    assert response.status_code == 302
    assert response["Location"] == url("return_check", survey, area)
    assert answers(survey, area) == {"Q1": "Yes", "Q2": "MASH", "Q3": "Police; Health", "Q4": "120"}


def test_the_form_shows_the_saved_answers_and_the_version_they_came_from(
    survey, area, staff_client
):
    edit(
        staff_client,
        survey,
        area,
        {**COMPLETE, "Q5_0": "1", "Q5_1": "10", "Q5_2": "2012"},
        version=0,
    )

    page = page_of(staff_client.get(url("return_edit", survey, area)))

    inputs = {(i.attrs.get("id"), i.attrs.get("value")): i for i in page.find_all("input")}
    assert "checked" in inputs[("id_Q1_1", "Yes")].attrs
    assert "checked" in inputs[("id_Q3_1", "Police")].attrs
    assert "checked" not in inputs[("id_Q3_3", "Education")].attrs
    assert ("id_Q4", "120") in inputs
    assert ("id_Q5_2", "2012") in inputs
    assert ("id_version", "1") in inputs
    assert page.find("h1").text() == "Change answers"


def test_saving_unchanged_answers_writes_no_new_version(survey, area, staff_client):
    edit(staff_client, survey, area, COMPLETE, version=0)

    response = edit(staff_client, survey, area, COMPLETE, version=1)

    assert "nothing was saved" in banner(page_of(staff_client.get(response["Location"])))
    assert Response.objects.get().version == 1


def test_a_submitted_return_cannot_be_edited_and_the_page_says_who_can_reopen_it(
    survey, area, staff_user, staff_client
):
    _submitted(survey, area, staff_user)

    page = page_of(staff_client.get(url("return_edit", survey, area)))
    assert page.find("h1").text() == "This return has been submitted"
    assert "ask a reviewer to reopen the return" in page.text()
    assert page.find("main").find_all("form") == []

    response = edit(staff_client, survey, area, {**COMPLETE, "Q1": "No"}, version=2)
    assert response.status_code == 200
    assert answers(survey, area)["Q1"] == "Yes"


def test_a_second_edit_from_the_same_version_is_refused_and_keeps_both_peoples_answers(
    survey, area, staff_client
):
    """Two people open the same draft; the first saves; the second's save is refused, but
    what they entered stays on the page (and saving again, after checking, keeps it)."""
    edit(staff_client, survey, area, COMPLETE, version=0)
    first, second = signed_in(StaffFactory.create()), signed_in(StaffFactory.create())

    assert edit(first, survey, area, {**COMPLETE, "Q4": "200"}, version=1).status_code == 302
    refused = edit(second, survey, area, {**COMPLETE, "Q1": "No", "Q4": "300"}, version=1)

    page = page_of(refused)
    assert title(refused).startswith("Error: ")
    assert error_messages(page) == [
        "This return was changed by someone else while you were editing it. "
        "Check the changes and try again."
    ]
    assert answers(survey, area)["Q4"] == "200"  # the first person's answer is kept
    assert answers(survey, area)["Q1"] == "Yes"
    inputs = {(i.attrs.get("id"), i.attrs.get("value")): i for i in page.find_all("input")}
    assert ("id_Q4", "300") in inputs  # the second person's input is still in the form
    assert "checked" in inputs[("id_Q1_2", "No")].attrs
    assert ("id_version", "2") in inputs
    differences = table_rows(page.find("div", "govuk-inset-text").find("table"))
    assert differences == [
        ["Does the area have a MASH?", "Yes", "No"],
        ["Contacts a month?", "200", "300"],
    ]

    again = second.post(
        url("return_edit", survey, area),
        {**COMPLETE, "Q1": "No", "Q4": "300", "version": 2, "save_draft": ""},
    )
    assert again.status_code == 302
    assert answers(survey, area)["Q4"] == "300"


def test_two_people_starting_the_same_return_cannot_both_create_it(survey, area):
    first, second = signed_in(StaffFactory.create()), signed_in(StaffFactory.create())

    assert edit(first, survey, area, {"Q1": "Yes"}, version=0).status_code == 302
    refused = edit(second, survey, area, {"Q1": "No"}, version=0)

    assert "changed by someone else" in page_of(refused).find("div", "govuk-error-summary").text()
    assert answers(survey, area) == {"Q1": "Yes"}


# ----- Check your answers and submit ------------------------------------------------


def test_the_check_page_lists_each_answer_with_a_change_link_to_its_input(
    survey, area, staff_client
):
    edit(staff_client, survey, area, COMPLETE, version=0)
    edit_page = page_of(staff_client.get(url("return_edit", survey, area)))

    page = page_of(staff_client.get(url("return_check", survey, area)))

    assert page.find("h1").text() == "Check your answers before submitting the return"
    rows = page.find_all("div", "govuk-summary-list__row")
    assert [r.find("dt").text() for r in rows][:2] == ["Does the area have a MASH?", "Which model?"]
    changes = [r.find("dd", "govuk-summary-list__actions").find("a") for r in rows]
    edit_url = url("return_edit", survey, area)
    for link in changes:
        path, _, target = link.attrs["href"].partition("#")
        assert path == edit_url
        assert target in ids(edit_page)
    assert [b.text() for b in page.find_all("button")][-1] == "Submit return"


def test_the_check_page_flags_missing_required_answers_and_offers_no_submit_button(
    survey, area, staff_client
):
    edit(staff_client, survey, area, {"Q1": "Yes"}, version=0)

    page = page_of(staff_client.get(url("return_check", survey, area)))

    assert "3 required questions are not answered" in page.find("div", "govuk-warning-text").text()
    flagged = [
        row.find("dt").text()
        for row in page.find_all("div", "govuk-summary-list__row")
        if "Required" in row.find("dd").text()
    ]
    assert flagged == ["Which model?", "Which agencies are co-located?", "Contacts a month?"]
    assert "Submit return" not in [b.text() for b in page.find_all("button")]


def test_submitting_from_the_check_page_submits_and_shows_a_success_banner(
    survey, area, staff_user, staff_client
):
    edit(staff_client, survey, area, COMPLETE, version=0)

    response = staff_client.post(url("return_check", survey, area), {"version": 1}, follow=True)

    stored = Response.objects.get()
    assert stored.status == ResponseStatus.SUBMITTED
    assert stored.submitted_at is not None
    page = page_of(response)
    assert response.redirect_chain[-1][0] == url("return_detail", survey, area)
    assert "The return for Gateshead has been submitted." in banner(page)
    assert (
        "govuk-notification-banner--success"
        in page.find("div", "govuk-notification-banner").classes
    )


def test_submitting_a_version_someone_has_since_changed_is_refused(survey, area, staff_client):
    edit(staff_client, survey, area, COMPLETE, version=0)
    edit(signed_in(StaffFactory.create()), survey, area, {**COMPLETE, "Q4": "5"}, version=1)

    response = staff_client.post(url("return_check", survey, area), {"version": 1})

    page = page_of(response)
    assert title(response).startswith("Error: ")
    assert "changed by someone else" in page.find("div", "govuk-error-summary").text()
    assert Response.objects.get().status == ResponseStatus.DRAFT
    assert "5" in [r.find("dd").text() for r in page.find_all("div", "govuk-summary-list__row")]


def test_the_whole_workflow_draft_submit_reopen_and_submit_again(
    survey, area, staff_user, reviewer_user
):
    staff_client, reviewer_client = signed_in(staff_user), signed_in(reviewer_user)
    edit(staff_client, survey, area, {"Q1": "Yes"}, version=0)
    assert Response.objects.get().status == ResponseStatus.DRAFT
    edit(staff_client, survey, area, COMPLETE, version=1, button="continue")
    staff_client.post(url("return_check", survey, area), {"version": 2})
    assert Response.objects.get().status == ResponseStatus.SUBMITTED

    reviewer_client.post(url("return_reopen", survey, area), {"reason": "A typo in Q4"})
    assert Response.objects.get().status == ResponseStatus.DRAFT
    edit(staff_client, survey, area, {**COMPLETE, "Q4": "130"}, version=4, button="continue")
    staff_client.post(url("return_check", survey, area), {"version": 5})

    stored = Response.objects.get()
    assert stored.status == ResponseStatus.SUBMITTED
    assert answers(survey, area)["Q4"] == "130"


# ----- History -------------------------------------------------------------------------


def test_the_history_shows_each_change_newest_first_with_the_answers_it_changed(
    survey, area, staff_user, reviewer_user
):
    staff_client, reviewer_client = signed_in(staff_user), signed_in(reviewer_user)
    edit(staff_client, survey, area, {"Q1": "Yes", "Q3": ["Police"]}, version=0)
    edit(staff_client, survey, area, {**COMPLETE, "Q1": "No"}, version=1, button="continue")
    staff_client.post(url("return_check", survey, area), {"version": 2})
    reviewer_client.post(url("return_reopen", survey, area), {"reason": "Q1 should be Yes"})

    page = page_of(staff_client.get(url("return_history", survey, area)))

    entries = page.find_all("div", "app-history-entry")
    assert [e.find("h2").text() for e in entries] == [
        "Reopened by a reviewer: Q1 should be Yes",
        "Submitted",
        "Saved as draft",
        "Saved as draft",
    ]
    who = [summary(e.find("dl"))["By"] for e in entries]
    assert who == [reviewer_user.get_username()] + [staff_user.get_username()] * 3
    assert "(was Submitted)" in entries[0].text()
    assert "No answers changed." in entries[0].text()
    assert table_rows(entries[2].find("table")) == [
        ["Q1. Does the area have a MASH?", "Yes", "No"],
        ["Q2. Which model?", "Not answered", "MASH"],
        ["Q3. Which agencies are co-located?", "Police", "Police; Health"],
        ["Q4. Contacts a month?", "Not answered", "120"],
    ]
    assert table_rows(entries[3].find("table")) == [
        ["Q1. Does the area have a MASH?", "Not answered", "Yes"],
        ["Q3. Which agencies are co-located?", "Not answered", "Police"],
    ]


def test_the_history_needs_no_more_queries_for_more_changes(survey, area, staff_user, staff_client):
    edit(staff_client, survey, area, COMPLETE, version=0)

    def grow() -> None:
        for n in range(5):
            response = Response.objects.get()
            response_save_draft(
                survey=survey,
                local_authority=area,
                values={
                    q: AnswerValue(number=Decimal(n)) for q in survey.questions.filter(code="Q4")
                },
                user=staff_user,
                seen_version=response.version,
            )

    count = assert_query_count_flat(
        lambda: staff_client.get(url("return_history", survey, area)), grow, message="history"
    )
    assert count <= 15


def test_a_return_not_started_has_no_history_yet(survey, area, staff_client):
    page = page_of(staff_client.get(url("return_history", survey, area)))

    assert "has not been started, so it has no history" in page.text()


# ----- The area page ---------------------------------------------------------------------


def test_project_members_see_the_areas_returns_on_its_page(survey, area, staff_user, staff_client):
    _submitted(survey, area, staff_user)
    survey_with_every_kind(slug="later", title="Later survey")

    page = page_of(staff_client.get(f"/areas/{area.slug}/"))

    assert "Survey returns" in [h.text() for h in page.find_all("h2")]
    rows = {
        row.find("dt").text(): (row.find("dd").text(), row.find("a").attrs["href"])
        for row in page.find_all("dl", "govuk-summary-list")[-1].find_all("div")
    }
    assert rows == {
        "Initial survey": ("Submitted", url("return_detail", survey, area)),
        "Later survey": ("Not started", "/survey/later/returns/gateshead/"),
    }


def test_visitors_and_partner_keys_do_not_see_the_areas_returns(
    client, survey, area, staff_user, partner_key
):
    _submitted(survey, area, staff_user)

    for response in (
        client.get(f"/areas/{area.slug}/"),
        Client(headers={"Authorization": f"Api-Key {partner_key}"}).get(f"/areas/{area.slug}/"),
    ):
        page = page_of(response)
        assert "Survey returns" not in page.text()
        assert "/returns/" not in response.content.decode()
