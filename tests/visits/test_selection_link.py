"""A visit records which survey selection it came from, and the selection page shows each
selected area's return, its answer about hosting a visit, and the visits made from it."""

from typing import Any

import pytest

from mash_survey.errors import ServiceError
from surveys.models import QuestionKind, Survey, VisitSelection
from surveys.services import (
    response_save_draft,
    response_submit,
    visit_selection_add,
    visit_selection_remove,
)
from surveys.values import AnswerValue
from tests.areas.pages import Element, table_rows
from tests.factories import StaffFactory
from tests.queries import assert_query_count_flat
from tests.surveys.factories import SurveyFactory, add_question
from visits.models import Visit
from visits.services import RecordContentError, visit_update

from .editing_support import (
    Areas,
    draft_visit,
    error_summary,
    make_areas,
    page_of,
    signed_in,
    visit_form,
    visit_form_of,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def areas() -> Areas:
    return make_areas()


@pytest.fixture
def survey() -> Survey:
    survey: Survey = SurveyFactory.create(slug="arrangements", title="Survey of arrangements")
    add_question(survey, "Q1", QuestionKind.YES_NO, text="Is there a MASH?")
    add_question(
        survey, "Q2", QuestionKind.YES_NO, text="Would your area be willing to host a visit?"
    )
    return survey


def _select(survey: Survey, area: Any, user: Any) -> VisitSelection:
    return visit_selection_add(survey=survey, local_authority=area, reason="Willing", user=user)


def _answer(survey: Survey, area: Any, user: Any, *, willing: str, submit: bool) -> None:
    questions = {q.code: q for q in survey.questions.all()}
    response = response_save_draft(
        survey=survey,
        local_authority=area,
        values={
            questions["Q1"]: AnswerValue(choices=("Yes",)),
            questions["Q2"]: AnswerValue(choices=(willing,)),
        },
        user=user,
        seen_version=0,
    )
    if submit:
        response_submit(response=response, user=user, seen_version=response.version)


def _selected_rows(page: Element) -> list[list[str]]:
    table = next(t for t in page.find_all("table") if "Willing to host a visit" in t.text())
    return table_rows(table)


def test_the_selection_page_shows_each_area_s_return_willingness_and_visits(
    areas: Areas, survey: Survey
) -> None:
    user = StaffFactory.create()
    gateshead = _select(survey, areas.gateshead, user)
    _select(survey, areas.sunderland, user)
    _answer(survey, areas.gateshead, user, willing="Yes", submit=True)
    visit = draft_visit(areas, user, selection=gateshead)

    page = page_of(signed_in(user).get("/survey/arrangements/selection/"))

    rows = {row[0]: row for row in _selected_rows(page)}
    assert rows["Gateshead"][3:] == ["Submitted", "Yes", "Visit on 12 February 2013", ""]
    assert rows["Sunderland"][3:] == ["Not started", "Not answered", "Not yet", "Remove Sunderland"]
    links = [a.attrs["href"] for a in page.find_all("a") if a.text().startswith("Visit on")]
    assert links == [f"/visits/{visit.pk}/"]


def test_a_draft_return_s_answer_shows_too(areas: Areas, survey: Survey) -> None:
    user = StaffFactory.create()
    _select(survey, areas.gateshead, user)
    _answer(survey, areas.gateshead, user, willing="No", submit=False)

    page = page_of(signed_in(user).get("/survey/arrangements/selection/"))

    assert _selected_rows(page)[0][3:5] == ["Draft", "No"]


def test_the_visit_form_offers_the_region_s_selections_and_records_the_one_chosen(
    areas: Areas, survey: Survey
) -> None:
    user = StaffFactory.create()
    gateshead = _select(survey, areas.gateshead, user)
    _select(survey, areas.camden, user)  # London: not offered for a North East visit
    client = signed_in(user)

    form = page_of(client.get("/visits/new/", {"region": areas.north_east.code}))
    select = next(s for s in form.find_all("select") if s.attrs.get("name") == "selection")
    assert [o.text() for o in select.find_all("option")] == [
        "Not from a selection",
        "Gateshead: Survey of arrangements",
    ]

    response = client.post(
        "/visits/new/",
        visit_form(region=areas.north_east, authorities=[areas.gateshead], selection=gateshead),
    )

    assert response.status_code == 302
    visit = Visit.objects.get()
    assert visit.selection == gateshead
    page = page_of(client.get(f"/visits/{visit.pk}/"))
    link = next(a for a in page.find_all("a") if "selected for a visit" in a.text())
    assert link.attrs["href"] == f"/survey/arrangements/selection/#selection-{gateshead.pk}"


def test_a_selection_in_another_region_is_refused(areas: Areas, survey: Survey) -> None:
    user = StaffFactory.create()
    camden = _select(survey, areas.camden, user)
    client = signed_in(user)

    response = client.post(
        "/visits/new/",
        visit_form(region=areas.north_east, authorities=[areas.gateshead], selection=camden),
    )

    assert error_summary(page_of(response)) == [
        ("#id_selection", "Select an area selected for a visit in the region you chose")
    ]
    with pytest.raises(RecordContentError, match="in the region you chose"):
        draft_visit(areas, user, selection=camden)
    assert not Visit.objects.exists()


def test_changing_a_visit_can_unlink_its_selection(areas: Areas, survey: Survey) -> None:
    user = StaffFactory.create()
    visit = draft_visit(areas, user, selection=_select(survey, areas.gateshead, user))

    response = signed_in(user).post(
        f"/visits/{visit.pk}/edit/", visit_form_of(visit, selection=None)
    )

    assert response.status_code == 302
    visit.refresh_from_db()
    assert visit.selection is None


def test_a_selection_a_visit_came_from_cannot_be_removed(areas: Areas, survey: Survey) -> None:
    user = StaffFactory.create()
    selection = _select(survey, areas.gateshead, user)
    draft_visit(areas, user, selection=selection)

    with pytest.raises(ServiceError, match="has a visit recorded from this selection"):
        visit_selection_remove(selection=selection, user=user)
    assert VisitSelection.objects.filter(pk=selection.pk).exists()


def test_the_selection_page_s_queries_stay_flat_with_visits_and_returns(
    areas: Areas, survey: Survey
) -> None:
    user = StaffFactory.create()
    client = signed_in(user)
    _select(survey, areas.gateshead, user)

    def grow() -> None:
        selection = _select(survey, areas.sunderland, user)
        _answer(survey, areas.sunderland, user, willing="Yes", submit=True)
        draft_visit(areas, user, local_authorities=[areas.sunderland], selection=selection)

    assert_query_count_flat(
        lambda: client.get("/survey/arrangements/selection/"), grow, message="selection page"
    )


def test_saving_a_visit_without_naming_a_selection_keeps_the_one_it_has(
    areas: Areas, survey: Survey
) -> None:
    user = StaffFactory.create()
    selection = _select(survey, areas.gateshead, user)
    visit = draft_visit(areas, user, selection=selection)

    visit_update(
        visit=visit,
        user=user,
        seen_version=visit.version,
        visit_date=visit.visit_date,
        region=areas.north_east,
        local_authorities=[areas.gateshead],
        model_seen="mash",
        agencies={},
        visiting_team=[user],
        notes="Changed notes.",
    )

    visit.refresh_from_db()
    assert (visit.notes, visit.selection) == ("Changed notes.", selection)
