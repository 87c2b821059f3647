"""Recording and changing a visit in the browser (without JavaScript): the region question, the
form and its messages, saving a draft, the preview, and what may be changed."""

import datetime as dt

import pytest
from django.test import Client

from tests.factories import ReviewerFactory, StaffFactory, UserFactory
from visits.models import AgencyInvolvement, ReviewStatus, Visit

from .editing_support import (
    NOTES,
    Areas,
    banner,
    checked,
    draft_visit,
    error_summary,
    ids,
    inline_errors,
    input_value,
    make_areas,
    page_of,
    signed_in,
    textarea,
    title,
    visit_form,
    visit_form_of,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def areas() -> Areas:
    return make_areas()


# ----- Who may ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    "path", ["/visits/new/", "/visits/{pk}/edit/", "/visits/{pk}/feedback/edit/"]
)
def test_visitors_are_asked_to_sign_in_and_people_outside_the_project_are_refused(
    areas: Areas, path: str, client: Client
) -> None:
    visit = draft_visit(areas, StaffFactory.create())
    url = path.format(pk=visit.pk)

    assert client.get(url)["Location"].startswith("/accounts/login/")
    outsider = signed_in(UserFactory.create())
    assert outsider.get(url).status_code == 403
    assert outsider.post(url, visit_form_of(visit, notes="Changed")).status_code == 403
    visit.refresh_from_db()
    assert visit.notes == NOTES


def test_reviewers_may_change_a_draft_visit_too(areas: Areas) -> None:
    visit = draft_visit(areas, StaffFactory.create())
    reviewer = signed_in(ReviewerFactory.create())

    response = reviewer.post(f"/visits/{visit.pk}/edit/", visit_form_of(visit, notes="Revised."))

    assert response.status_code == 302
    visit.refresh_from_db()
    assert visit.notes == "Revised."


# ----- Recording a visit ---------------------------------------------------------------


def test_recording_a_visit_asks_for_the_region_first(areas: Areas) -> None:
    client = signed_in()

    page = page_of(client.get("/visits/new/"))

    legend = page.find("legend")
    assert legend.text() == "Which region was the visit in?"
    main = page.find("main")
    assert main.find("form").attrs["method"] == "get"
    radios = [i.attrs["value"] for i in page.find_all("input") if i.attrs.get("name") == "region"]
    assert radios == ["E12000007", "E12000001"]  # London, North East: by name


def test_continuing_without_a_region_says_to_select_one(areas: Areas) -> None:
    client = signed_in()

    response = client.get("/visits/new/", {"region": "E12999999"})

    page = page_of(response)
    assert title(response).startswith("Error: ")
    assert error_summary(page) == [("#id_region_1", "Select the region the visit was in")]
    assert "id_region_1" in ids(page)


def test_the_form_lists_the_chosen_regions_authorities_and_puts_the_person_on_the_team(
    areas: Areas,
) -> None:
    staff = StaffFactory.create(first_name="Sam", last_name="Staff")
    other = StaffFactory.create(first_name="Alex", last_name="Other")
    UserFactory.create(first_name="Not", last_name="Amember")
    client = signed_in(staff)

    page = page_of(client.get("/visits/new/", {"region": "E12000001"}))

    labels = {
        i.attrs["value"]: label.text()
        for i, label in zip(
            [i for i in page.find_all("input") if i.attrs.get("name") == "local_authorities"],
            [
                label
                for label in page.find_all("label")
                if label.attrs.get("for", "").startswith("id_local_authorities_")
            ],
            strict=True,
        )
    }
    assert sorted(labels.values()) == ["Gateshead", "Sunderland"]
    team = [
        label.text()
        for label in page.find_all("label")
        if label.attrs.get("for", "").startswith("id_visiting_team_")
    ]
    assert "Sam Staff" in team and "Alex Other" in team and "Not Amember" not in team
    assert checked(page, "visiting_team") == [str(staff.pk)]
    assert other.pk  # listed, not ticked
    legends = [legend.text() for legend in page.find_all("legend")]
    assert {"Police", "Health", "Education", "Children's social care"} <= set(legends)
    hint = page.find("div", "govuk-hint").text()
    assert hint == "For example, 12 2 2013"
    notes_hint = [d.text() for d in page.find_all("div") if d.attrs.get("id") == "id_notes_hint"]
    assert "no names, dates of birth, addresses" in notes_hint[0]
    assert "NHS or National Insurance numbers" in notes_hint[0]


def test_saving_a_draft_records_the_visit_and_opens_its_edit_page(areas: Areas) -> None:
    staff = StaffFactory.create()
    client = signed_in(staff)

    response = client.post(
        "/visits/new/?region=E12000001",
        visit_form(
            region=areas.north_east,
            authorities=[areas.gateshead, areas.sunderland],
            team=[staff],
            agencies={"police": "co_located", "health": "virtual"},
        ),
    )

    visit = Visit.objects.get()
    assert response["Location"] == f"/visits/{visit.pk}/edit/"
    assert visit.status == ReviewStatus.DRAFT
    assert visit.visit_date == dt.date(2013, 2, 12)
    assert visit.created_by == staff
    assert visit.version == 1
    assert {a.name for a in visit.local_authorities.all()} == {"Gateshead", "Sunderland"}
    assert list(visit.visiting_team.all()) == [staff]
    assert {(a.agency_type, a.involvement) for a in AgencyInvolvement.objects.all()} == {
        ("police", "co_located"),
        ("health", "virtual"),
    }
    # One history record, with the areas visited in it and who made it.
    history = list(visit.history.all())
    assert len(history) == 1
    assert history[0].history_type == "+"
    assert history[0].history_user == staff
    assert {m.localauthority.name for m in history[0].local_authorities.all()} == {
        "Gateshead",
        "Sunderland",
    }
    edit = page_of(client.get(response["Location"]))
    assert "The visit is saved as a draft." in banner(edit)
    assert textarea(edit, "notes") == NOTES


def test_save_and_continue_goes_to_the_visit_page(areas: Areas) -> None:
    client = signed_in()

    response = client.post(
        "/visits/new/",
        visit_form(region=areas.north_east, authorities=[areas.gateshead], button="continue"),
    )

    assert response["Location"] == f"/visits/{Visit.objects.get().pk}/"


def test_a_date_outside_the_projects_visits_is_saved_with_a_warning(areas: Areas) -> None:
    client = signed_in()

    response = client.post(
        "/visits/new/",
        visit_form(region=areas.north_east, authorities=[areas.gateshead], date=("5", "4", "2013")),
    )

    visit = Visit.objects.get()
    assert visit.visit_date == dt.date(2013, 4, 5)
    page = page_of(client.get(response["Location"]))
    warning = (
        "The visit date, 5 April 2013, is outside the project's visits (7 January 2013 to "
        "28 March 2013). Check it is right."
    )
    assert warning in banner(page)
    assert warning in page.find("div", "govuk-warning-text").text()


# ----- What the form checks ------------------------------------------------------------


@pytest.mark.parametrize(
    ("date", "target", "message"),
    [
        (("", "", ""), "#id_visit_date_0", "Enter the visit date"),
        (("31", "2", "2013"), "#id_visit_date_0", "Visit date must be a real date"),
        (("12", "", "2013"), "#id_visit_date_1", "Visit date must include a month"),
        (("12", "x", "2013"), "#id_visit_date_1", "Visit date must be a real date"),
        (("12", "2", "13"), "#id_visit_date_2", "Year must include 4 numbers"),
    ],
)
def test_the_visit_date_must_be_a_real_date(
    areas: Areas, date: tuple[str, str, str], target: str, message: str
) -> None:
    client = signed_in()

    response = client.post(
        "/visits/new/",
        visit_form(region=areas.north_east, authorities=[areas.gateshead], date=date),
    )

    page = page_of(response)
    assert title(response).startswith("Error: ")
    assert error_summary(page) == [(target, message)]
    assert target.removeprefix("#") in ids(page)
    assert inline_errors(page) == [message]
    assert not Visit.objects.exists()


def test_local_authorities_must_be_in_the_region_chosen(areas: Areas) -> None:
    client = signed_in()

    response = client.post(
        "/visits/new/",
        visit_form(region=areas.north_east, authorities=[areas.gateshead, areas.camden]),
    )

    page = page_of(response)
    assert error_summary(page) == [
        ("#id_local_authorities_1", "Select local authorities in the region you chose")
    ]
    assert not Visit.objects.exists()


def test_choosing_another_region_lists_its_authorities_to_choose_from(areas: Areas) -> None:
    """Without JavaScript the list cannot follow the region as it is chosen: saving with the
    old region's areas ticked says what to do and shows the new region's areas."""
    staff = StaffFactory.create()
    visit = draft_visit(areas, staff)
    client = signed_in(staff)

    response = client.post(f"/visits/{visit.pk}/edit/", visit_form_of(visit, region=areas.london))

    page = page_of(response)
    assert error_summary(page) == [
        ("#id_local_authorities_1", "Select local authorities in the region you chose")
    ]
    listed = [
        label.text()
        for label in page.find_all("label")
        if label.attrs.get("for", "").startswith("id_local_authorities_")
    ]
    assert listed == ["Camden"]
    visit.refresh_from_db()
    assert visit.region == areas.north_east


def test_every_required_answer_missing_is_listed_in_the_order_of_the_page(areas: Areas) -> None:
    client = signed_in()
    data = visit_form(region=areas.north_east, authorities=[], date=("", "", ""), model="")

    page = page_of(client.post("/visits/new/", data))

    assert error_summary(page) == [
        ("#id_visit_date_0", "Enter the visit date"),
        ("#id_local_authorities_1", "Select at least one local authority visited"),
        ("#id_model_seen_1", "Select the model seen"),
    ]
    for target, _ in error_summary(page):
        assert target.removeprefix("#") in ids(page)


def test_a_form_with_problems_keeps_what_was_typed(areas: Areas) -> None:
    client = signed_in()
    notes = "Police notifications are triaged **within a day**."

    page = page_of(
        client.post(
            "/visits/new/",
            visit_form(region=areas.north_east, authorities=[], notes=notes),
        )
    )

    assert textarea(page, "notes") == notes
    assert input_value(page, "visit_date_0") == "12"


# ----- Preview -------------------------------------------------------------------------


def test_preview_shows_the_notes_as_sanitised_html_and_saves_nothing(areas: Areas) -> None:
    staff = StaffFactory.create()
    visit = draft_visit(areas, staff)
    client = signed_in(staff)
    notes = (
        "# Front door\n\nContacts are rated **red** within an hour.\n\n"
        '<script>alert("x")</script>\n\n'
        '[guidance](javascript:alert(1)) <a href="https://example.org" onclick="steal()">link</a>'
    )

    response = client.post(
        f"/visits/{visit.pk}/edit/", visit_form_of(visit, notes=notes, button="preview")
    )

    page = page_of(response)
    preview = page.find("section", "app-preview")
    html = response.content.decode()
    assert preview.find("h2", "govuk-heading-m").text() == "Preview of your notes"
    assert [h.text() for h in preview.find_all("h2")][1] == "Front door"
    assert preview.find("strong").text() == "red"
    preview_html = html[html.index('<section class="app-preview"') : html.index("</section>")]
    assert "<script" not in preview_html and "alert" not in preview_html
    assert "onclick" not in preview_html and "javascript:" not in preview_html
    assert [(a.attrs.get("href"), a.text()) for a in preview.find_all("a")] == [
        (None, "guidance"),  # the javascript: URL is gone
        ("https://example.org", "link"),
    ]
    assert textarea(page, "notes").startswith("# Front door")  # still in the form, unsaved
    visit.refresh_from_db()
    assert visit.notes == NOTES
    assert visit.version == 1
    assert visit.history.count() == 1


def test_preview_works_before_the_visit_is_saved_and_hides_the_forms_problems(
    areas: Areas,
) -> None:
    client = signed_in()

    response = client.post(
        "/visits/new/",
        visit_form(region=areas.north_east, authorities=[], notes="*Draft*", button="preview"),
    )

    page = page_of(response)
    assert page.find("section", "app-preview").find("em").text() == "Draft"
    assert not page.find_all("div", "govuk-error-summary")
    assert not title(response).startswith("Error")
    assert not Visit.objects.exists()


# ----- Changing a visit ----------------------------------------------------------------


def test_the_edit_form_shows_what_is_saved_and_the_version_it_came_from(areas: Areas) -> None:
    staff = StaffFactory.create()
    visit = draft_visit(areas, staff, agencies={"police": "co_located", "housing": "virtual"})
    client = signed_in(staff)

    page = page_of(client.get(f"/visits/{visit.pk}/edit/"))

    assert input_value(page, "version") == "1"
    assert input_value(page, "visit_date_0") == "12"
    assert checked(page, "local_authorities") == [str(areas.gateshead.pk)]
    assert checked(page, "model_seen") == ["mash"]
    assert checked(page, "agency_police") == ["co_located"]
    assert checked(page, "agency_housing") == ["virtual"]
    assert checked(page, "agency_health") == [""]  # "Not known"
    assert textarea(page, "notes") == NOTES
    form = page.find("main").find("form")
    assert form.attrs["method"] == "post"
    assert form.attrs["data-autosave-url"] == f"/visits/{visit.pk}/autosave/"
    assert form.attrs["data-autosave-interval"] == "30"
    assert "data-autosave-unsaved" not in form.attrs


def test_saving_changes_writes_a_new_version_with_the_history(areas: Areas) -> None:
    staff = StaffFactory.create()
    visit = draft_visit(areas, staff)
    client = signed_in(staff)

    response = client.post(
        f"/visits/{visit.pk}/edit/",
        visit_form_of(
            visit,
            notes="Revised notes.",
            authorities=[areas.sunderland],
            agencies={"health": "not_involved"},
        ),
    )

    assert response["Location"] == f"/visits/{visit.pk}/edit/"
    visit.refresh_from_db()
    assert visit.notes == "Revised notes."
    assert visit.version == 2
    assert list(visit.local_authorities.all()) == [areas.sunderland]
    assert {(a.agency_type, a.involvement) for a in visit.agencies.all()} == {
        ("health", "not_involved")
    }
    latest = visit.history.first()
    assert latest is not None
    assert latest.history_user == staff
    assert [m.localauthority.name for m in latest.local_authorities.all()] == ["Sunderland"]
    assert visit.history.count() == 2


def test_the_notes_keep_their_line_breaks_without_the_browsers_carriage_returns(
    areas: Areas,
) -> None:
    staff = StaffFactory.create()
    visit = draft_visit(areas, staff)

    signed_in(staff).post(
        f"/visits/{visit.pk}/edit/", visit_form_of(visit, notes="First line.\r\nSecond line.")
    )

    visit.refresh_from_db()
    assert visit.notes == "First line.\nSecond line."


def test_saving_an_unchanged_form_writes_no_new_version(areas: Areas) -> None:
    staff = StaffFactory.create()
    visit = draft_visit(areas, staff)

    response = signed_in(staff).post(f"/visits/{visit.pk}/edit/", visit_form_of(visit))

    assert response.status_code == 302
    visit.refresh_from_db()
    assert visit.version == 1
    assert visit.history.count() == 1


def test_a_returned_visit_can_be_changed_and_stays_returned(areas: Areas) -> None:
    staff = StaffFactory.create()
    visit = draft_visit(areas, staff)
    Visit.objects.filter(pk=visit.pk).update(
        status=ReviewStatus.RETURNED, reviewer_comment="Say which agencies are co-located."
    )
    visit.refresh_from_db()
    client = signed_in(staff)

    page = page_of(client.get(f"/visits/{visit.pk}/edit/"))
    assert "Say which agencies are co-located." in page.find("div", "govuk-inset-text").text()
    response = client.post(f"/visits/{visit.pk}/edit/", visit_form_of(visit, notes="Fixed."))

    assert response.status_code == 302
    visit.refresh_from_db()
    assert visit.notes == "Fixed."
    assert visit.status == ReviewStatus.RETURNED


@pytest.mark.parametrize(
    ("status", "message"),
    [
        (
            ReviewStatus.SUBMITTED,
            "This visit has been submitted for review, so it cannot be changed. A reviewer can "
            "return it with a comment if something needs to change.",
        ),
        (ReviewStatus.APPROVED, "This visit has been approved, so it cannot be changed."),
    ],
)
def test_a_submitted_or_approved_visit_cannot_be_changed(
    areas: Areas, status: str, message: str
) -> None:
    staff = StaffFactory.create()
    visit = draft_visit(areas, staff)
    client = signed_in(staff)
    form = visit_form_of(visit, notes="Too late.")
    Visit.objects.filter(pk=visit.pk).update(
        status=status, approved_at=dt.datetime(2013, 4, 1, tzinfo=dt.UTC)
    )

    opened = client.get(f"/visits/{visit.pk}/edit/")
    assert opened["Location"] == f"/visits/{visit.pk}/"
    # Someone who opened the form before it was submitted keeps their text, and is told why.
    response = client.post(f"/visits/{visit.pk}/edit/", form)

    page = page_of(response)
    assert error_summary(page) == [("", message)]
    assert textarea(page, "notes") == "Too late."
    visit.refresh_from_db()
    assert visit.notes == NOTES
    assert visit.status == status


def test_an_illustrative_visit_says_so_on_its_form(areas: Areas) -> None:
    staff = StaffFactory.create()
    visit = draft_visit(areas, staff)
    Visit.objects.filter(pk=visit.pk).update(is_illustrative=True)

    page = page_of(signed_in(staff).get(f"/visits/{visit.pk}/edit/"))

    assert "Illustrative visit" in page.find("div", "govuk-warning-text").text()
