"""Visits and detailed feedback in the API: project members see everything, partner keys see
approved records only, anonymous callers see nothing; filters, CSV, and no names of people."""

import csv
import datetime as dt
import io
import json
from decimal import Decimal
from typing import Any

import pytest
from django.utils import timezone
from rest_framework.test import APIClient

from areas.models import AgencyType, AuthorityType, LocalAuthority, Region
from tests.factories import (
    LocalAuthorityFactory,
    RegionFactory,
    ReviewerFactory,
    StaffFactory,
    UserFactory,
)
from tests.queries import assert_query_count_flat
from tests.visits.factories import DetailedFeedbackFactory, VisitFactory
from visits.models import (
    AgencyInvolvement,
    DetailedFeedback,
    FeedbackStaffing,
    Involvement,
    ModelSeen,
    ReviewStatus,
    Visit,
)

pytestmark = pytest.mark.django_db

VISITS = "/api/v1/visits/"
FEEDBACK = "/api/v1/feedback/"


@pytest.fixture
def north_east() -> Region:
    return RegionFactory.create(code="E12000001", name="North East", slug="north-east")


@pytest.fixture
def london() -> Region:
    return RegionFactory.create(code="E12000007", name="London", slug="london")


@pytest.fixture
def gateshead(north_east: Region) -> LocalAuthority:
    return LocalAuthorityFactory.create(
        gss_code="E08000037",
        gss_code_before_april_2013="E08000020",
        dfe_code="390",
        name="Gateshead",
        slug="gateshead",
        type=AuthorityType.METROPOLITAN_DISTRICT,
        region=north_east,
    )


@pytest.fixture
def sunderland(north_east: Region) -> LocalAuthority:
    return LocalAuthorityFactory.create(
        gss_code="E08000024",
        dfe_code="394",
        name="Sunderland",
        slug="sunderland",
        type=AuthorityType.METROPOLITAN_DISTRICT,
        region=north_east,
    )


@pytest.fixture
def camden(london: Region) -> LocalAuthority:
    return LocalAuthorityFactory.create(
        gss_code="E09000007",
        dfe_code="202",
        name="Camden",
        slug="camden",
        type=AuthorityType.LONDON_BOROUGH,
        region=london,
    )


def approved(**kwargs: Any) -> dict[str, Any]:
    return {"status": ReviewStatus.APPROVED, "approved_at": timezone.now(), **kwargs}


def visit(areas: list[LocalAuthority], **kwargs: Any) -> Visit:
    return VisitFactory.create(region=areas[0].region, local_authorities=areas, **kwargs)


def _get(client: APIClient, url: str, params: dict[str, Any] | None = None) -> Any:
    response = client.get(url, params or {})
    assert response.status_code == 200, response.content
    return response.json()


def _ids(client: APIClient, url: str, params: dict[str, Any] | None = None) -> list[int]:
    return [row["id"] for row in _get(client, url, params)["results"]]


# ----- Who sees what -------------------------------------------------------


def test_anonymous_callers_see_no_visits_or_feedback(api_client, gateshead):
    feedback = DetailedFeedbackFactory.create(visit=visit([gateshead], **approved()), **approved())

    for url in (VISITS, f"{VISITS}{feedback.visit_id}/", FEEDBACK, f"{FEEDBACK}{feedback.pk}/"):
        response = api_client.get(url)
        assert response.status_code in (401, 403), url
        assert "Gateshead" not in response.content.decode()


def test_a_signed_in_user_outside_the_project_sees_nothing(gateshead):
    visit([gateshead], **approved())
    client = APIClient()
    client.force_login(UserFactory.create())

    assert client.get(VISITS).status_code == 403


def test_a_partner_key_sees_approved_visits_only(partner_client, staff_api, gateshead):
    shown = visit([gateshead], **approved())
    draft = visit([gateshead])
    submitted = visit([gateshead], status=ReviewStatus.SUBMITTED)
    returned = visit([gateshead], status=ReviewStatus.RETURNED, reviewer_comment="Add more.")

    assert _ids(partner_client, VISITS) == [shown.pk]
    assert sorted(_ids(staff_api, VISITS)) == sorted(
        [shown.pk, draft.pk, submitted.pk, returned.pk]
    )


def test_a_partner_key_sees_approved_feedback_on_approved_visits_only(
    partner_client, staff_api, gateshead
):
    shown = DetailedFeedbackFactory.create(visit=visit([gateshead], **approved()), **approved())
    draft = DetailedFeedbackFactory.create(visit=visit([gateshead], **approved()))
    on_a_draft_visit = DetailedFeedbackFactory.create(visit=visit([gateshead]), **approved())

    assert _ids(partner_client, FEEDBACK) == [shown.pk]
    assert sorted(_ids(staff_api, FEEDBACK)) == sorted([shown.pk, draft.pk, on_a_draft_visit.pk])


def test_a_partner_asking_for_an_unapproved_record_is_told_it_is_not_there(
    partner_client, staff_api, gateshead
):
    draft_visit = visit([gateshead])
    draft_feedback = DetailedFeedbackFactory.create(visit=visit([gateshead], **approved()))

    assert partner_client.get(f"{VISITS}{draft_visit.pk}/").status_code == 404
    assert partner_client.get(f"{FEEDBACK}{draft_feedback.pk}/").status_code == 404
    assert _get(staff_api, f"{VISITS}{draft_visit.pk}/")["status"] == "draft"
    assert _get(staff_api, f"{FEEDBACK}{draft_feedback.pk}/")["status"] == "draft"


def test_a_partner_is_told_a_visit_has_feedback_only_once_the_feedback_is_approved(
    partner_client, staff_api, gateshead
):
    shown = visit([gateshead], **approved())
    DetailedFeedbackFactory.create(visit=shown, status=ReviewStatus.SUBMITTED)

    assert _get(partner_client, f"{VISITS}{shown.pk}/")["has_feedback"] is False
    assert _get(staff_api, f"{VISITS}{shown.pk}/")["has_feedback"] is True

    DetailedFeedback.objects.filter(visit=shown).update(**approved())
    assert _get(partner_client, f"{VISITS}{shown.pk}/")["has_feedback"] is True


def test_the_api_is_read_only_for_everyone(staff_api, partner_client, gateshead):
    shown = visit([gateshead], notes="As written.", **approved())

    for client in (staff_api, partner_client):
        assert client.post(VISITS, {"notes": "x"}).status_code in (403, 405)
        assert client.patch(f"{VISITS}{shown.pk}/", {"notes": "x"}).status_code in (403, 405)
        assert client.delete(f"{VISITS}{shown.pk}/").status_code in (403, 405)
    assert Visit.objects.count() == 1
    shown.refresh_from_db()
    assert shown.notes == "As written."


# ----- What a visit and a feedback record say ------------------------------


def test_a_visit_gives_its_date_region_areas_model_agencies_and_notes(
    staff_api, gateshead, sunderland
):
    shown = visit(
        [gateshead, sunderland],
        visit_date=dt.date(2013, 2, 12),
        model_seen=ModelSeen.CO_LOCATED,
        notes="The **front door** takes every contact.\n\n<script>alert(1)</script>",
        is_illustrative=True,
        **approved(),
    )
    AgencyInvolvement.objects.create(
        visit=shown, agency_type=AgencyType.POLICE, involvement=Involvement.CO_LOCATED
    )
    AgencyInvolvement.objects.create(
        visit=shown, agency_type=AgencyType.HEALTH, involvement=Involvement.VIRTUAL
    )

    data = _get(staff_api, f"{VISITS}{shown.pk}/")

    assert data["id"] == shown.pk
    assert data["url"].endswith(f"{VISITS}{shown.pk}/")
    assert data["date"] == "2013-02-12"
    assert (data["region_code"], data["region_name"]) == ("E12000001", "North East")
    assert data["local_authorities"] == [
        {"gss_code": "E08000037", "dfe_code": "390", "name": "Gateshead"},
        {"gss_code": "E08000024", "dfe_code": "394", "name": "Sunderland"},
    ]
    assert (data["model"], data["model_label"]) == ("co_located", "Co-located assessment team")
    assert data["agencies"] == [
        {
            "agency_type": "health",
            "agency": "Health",
            "involvement": "virtual",
            "involvement_label": "Virtual or linked",
        },
        {
            "agency_type": "police",
            "agency": "Police",
            "involvement": "co_located",
            "involvement_label": "Co-located",
        },
    ]
    assert data["status"] == "approved"
    assert data["notes"].startswith("The **front door**")
    assert "<strong>front door</strong>" in data["notes_html"]
    assert 'class="govuk-body"' in data["notes_html"]
    assert "<script" not in data["notes_html"]
    assert data["has_feedback"] is False
    assert data["is_illustrative"] is True
    assert data["updated_at"]


def test_feedback_gives_its_structured_fields_staffing_and_visit(staff_api, gateshead):
    shown = visit([gateshead], visit_date=dt.date(2013, 3, 4), **approved())
    feedback = DetailedFeedbackFactory.create(
        visit=shown,
        uses_blue_rating=True,
        blue_hours=24,
        isa_signed_on=dt.date(2011, 9, 1),
        barriers="Health partners joined late.",
        **approved(),
    )
    FeedbackStaffing.objects.create(
        feedback=feedback, agency_type=AgencyType.POLICE, staff_fte=Decimal("6.5")
    )
    FeedbackStaffing.objects.create(
        feedback=feedback,
        agency_type=AgencyType.HEALTH,
        co_located=False,
        staff_fte=Decimal("0.5"),
    )

    data = _get(staff_api, f"{FEEDBACK}{feedback.pk}/")

    assert data["visit"] == shown.pk
    assert data["visit_url"].endswith(f"{VISITS}{shown.pk}/")
    assert data["visit_date"] == "2013-03-04"
    assert data["region_code"] == "E12000001"
    assert [a["name"] for a in data["local_authorities"]] == ["Gateshead"]
    assert data["status"] == "approved"
    assert data["established_on"] == "2011-10-01"
    assert (data["monthly_contacts"], data["monthly_referrals"]) == (1200, 300)
    assert data["uses_blue_rating"] is True
    assert [data[f"{c}_hours"] for c in ("red", "amber", "green", "blue")] == [4, 24, 72, 24]
    assert data["has_governance_board"] is True
    assert data["board_chair"] == "Assistant director of children's services"
    assert (data["isa_signed"], data["isa_signed_on"]) == (True, "2011-09-01")
    assert data["success_factors"] == "Co-location and a shared triage scheme."
    assert data["barriers"] == "Health partners joined late."
    assert data["staffing"] == [
        {"agency_type": "health", "agency": "Health", "co_located": False, "staff_fte": "0.5"},
        {"agency_type": "police", "agency": "Police", "co_located": True, "staff_fte": "6.5"},
    ]
    assert data["is_illustrative"] is False


def test_no_payload_names_the_people_who_wrote_visited_or_reviewed(
    staff_api, partner_client, gateshead
):
    author = StaffFactory.create(
        username="ashworth-author",
        first_name="Philippa",
        last_name="Ashworth",
        email="philippa.ashworth@example.org",
    )
    reviewer = ReviewerFactory.create(
        username="brennan-reviewer", first_name="Tobias", last_name="Brennan"
    )
    shown = visit(
        [gateshead], created_by=author, approved_by=reviewer, **approved(pii_override_reason="")
    )
    shown.visiting_team.set([author, reviewer])
    DetailedFeedbackFactory.create(
        visit=shown, created_by=author, approved_by=reviewer, **approved()
    )
    returned = visit(
        [gateshead],
        created_by=author,
        status=ReviewStatus.RETURNED,
        reviewer_comment="Tobias says: take out the team manager's former post.",
    )

    texts = []
    for client in (staff_api, partner_client):
        for url in (VISITS, FEEDBACK, f"{VISITS}{shown.pk}/"):
            texts.append(client.get(url).content.decode())
            texts.append(client.get(url, {"format": "csv"}).content.decode())
    texts.append(staff_api.get(f"{VISITS}{returned.pk}/").content.decode())

    for text in texts:
        for identifying in ("Philippa", "Ashworth", "Tobias", "Brennan", "ashworth", "brennan"):
            assert identifying not in text
        assert "reviewer_comment" not in text
        assert "visiting_team" not in text


# ----- Filters -------------------------------------------------------------


def test_visits_filter_by_region_code_or_slug(staff_api, gateshead, camden):
    in_the_north_east = visit([gateshead])
    in_london = visit([camden])

    assert _ids(staff_api, VISITS, {"region": "E12000001"}) == [in_the_north_east.pk]
    assert _ids(staff_api, VISITS, {"region": "london"}) == [in_london.pk]
    assert _ids(staff_api, VISITS, {"region": "e12000007"}) == [in_london.pk]
    # A region that does not exist is a mistake to fix, not an empty list.
    unknown = staff_api.get(VISITS, {"region": "nowhere"})
    assert unknown.status_code == 400
    assert "Send region as a region's ONS code" in unknown.json()["region"][0]


def test_visits_filter_by_any_code_of_an_area_visited(staff_api, gateshead, sunderland, camden):
    both = visit([gateshead, sunderland])
    sunderland_only = visit([sunderland])
    visit([camden])

    for code in ("E08000037", "E08000020", "390", "e08000037"):
        assert _ids(staff_api, VISITS, {"authority": code}) == [both.pk], code
    assert _ids(staff_api, VISITS, {"authority": "394"}) == [both.pk, sunderland_only.pk]
    unknown = staff_api.get(VISITS, {"authority": "999"})
    assert unknown.status_code == 400
    assert unknown.json()["authority"][0].startswith("No local authority has this code.")


def test_visits_filter_by_model_and_date_range(staff_api, gateshead):
    january = visit([gateshead], visit_date=dt.date(2013, 1, 7))
    february = visit([gateshead], visit_date=dt.date(2013, 2, 12), model_seen=ModelSeen.VIRTUAL)
    march = visit([gateshead], visit_date=dt.date(2013, 3, 28))

    assert _ids(staff_api, VISITS, {"model": "virtual"}) == [february.pk]
    assert _ids(staff_api, VISITS, {"model": "mash"}) == [january.pk, march.pk]
    assert _ids(staff_api, VISITS, {"date_from": "2013-02-12"}) == [february.pk, march.pk]
    assert _ids(staff_api, VISITS, {"date_to": "2013-02-12"}) == [january.pk, february.pk]
    assert _ids(staff_api, VISITS, {"date_from": "2013-01-08", "date_to": "2013-03-27"}) == [
        february.pk
    ]


def test_an_unknown_model_or_a_malformed_date_is_refused_with_what_to_send(staff_api, gateshead):
    visit([gateshead])

    wrong_model = staff_api.get(VISITS, {"model": "hub"})
    wrong_date = staff_api.get(VISITS, {"date_from": "12 February"})

    assert wrong_model.status_code == 400
    assert "model" in wrong_model.json()
    assert wrong_date.status_code == 400
    assert "date_from" in wrong_date.json()


def test_the_status_filter_lets_staff_choose_and_keeps_partners_to_approved_records(
    staff_api, partner_client, gateshead
):
    shown = visit([gateshead], **approved())
    draft = visit([gateshead])

    assert _ids(staff_api, VISITS, {"status": "draft"}) == [draft.pk]
    assert _ids(staff_api, VISITS, {"status": "approved"}) == [shown.pk]
    assert _ids(partner_client, VISITS, {"status": "draft"}) == []
    assert _ids(partner_client, VISITS, {"status": "approved"}) == [shown.pk]


def test_feedback_filters_by_its_visit_s_region_area_model_and_date(staff_api, gateshead, camden):
    north = DetailedFeedbackFactory.create(
        visit=visit([gateshead], visit_date=dt.date(2013, 1, 15))
    )
    london = DetailedFeedbackFactory.create(
        visit=visit([camden], visit_date=dt.date(2013, 3, 1), model_seen=ModelSeen.SPECIALIST),
        **approved(),
    )

    assert _ids(staff_api, FEEDBACK, {"region": "north-east"}) == [north.pk]
    assert _ids(staff_api, FEEDBACK, {"authority": "202"}) == [london.pk]
    assert _ids(staff_api, FEEDBACK, {"model": "specialist"}) == [london.pk]
    assert _ids(staff_api, FEEDBACK, {"date_to": "2013-01-31"}) == [north.pk]
    assert _ids(staff_api, FEEDBACK, {"date_from": "2013-02-01"}) == [london.pk]
    assert _ids(staff_api, FEEDBACK, {"status": "draft"}) == [north.pk]


# ----- CSV -----------------------------------------------------------------


def _csv(client: APIClient, url: str, params: dict[str, Any] | None = None) -> list[dict[str, str]]:
    response = client.get(url, {"format": "csv", **(params or {})})
    assert response.status_code == 200, response.content
    assert response["Content-Type"].startswith("text/csv")
    return list(csv.DictReader(io.StringIO(response.content.decode())))


def test_visits_as_csv_have_one_row_each_and_one_cell_per_list(staff_api, gateshead, sunderland):
    shown = visit(
        [gateshead, sunderland],
        notes='=HYPERLINK("x")\n\nSecond paragraph.',
        **approved(),
    )
    AgencyInvolvement.objects.create(
        visit=shown, agency_type=AgencyType.POLICE, involvement=Involvement.CO_LOCATED
    )
    AgencyInvolvement.objects.create(
        visit=shown, agency_type=AgencyType.HEALTH, involvement=Involvement.VIRTUAL
    )
    visit([gateshead])

    response = staff_api.get(VISITS, {"format": "csv"})
    header = next(csv.reader(io.StringIO(response.content.decode())))
    rows = _csv(staff_api, VISITS)

    assert header == [
        "id",
        "url",
        "date",
        "region_code",
        "region_name",
        "local_authorities",
        "model",
        "model_label",
        "agencies",
        "status",
        "notes",
        "notes_html",
        "has_feedback",
        "updated_at",
        "is_illustrative",
    ]
    assert len(rows) == 2
    row = next(r for r in rows if r["id"] == str(shown.pk))
    assert row["local_authorities"] == "Gateshead (E08000037); Sunderland (E08000024)"
    assert row["agencies"] == "Health: Virtual or linked; Police: Co-located"
    assert row["notes"].startswith("'=HYPERLINK")  # a spreadsheet will not run it
    assert "Second paragraph." in row["notes"]


def test_the_csv_also_comes_from_the_format_suffix(partner_client, gateshead):
    visit([gateshead], **approved())

    response = partner_client.get("/api/v1/visits.csv")

    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    assert "Gateshead (E08000037)" in response.content.decode()


def test_feedback_as_csv_joins_the_staffing_into_one_cell(partner_client, gateshead):
    feedback = DetailedFeedbackFactory.create(visit=visit([gateshead], **approved()), **approved())
    FeedbackStaffing.objects.create(
        feedback=feedback, agency_type=AgencyType.CHILDRENS_SOCIAL_CARE, staff_fte=Decimal("9.0")
    )
    FeedbackStaffing.objects.create(
        feedback=feedback, agency_type=AgencyType.POLICE, staff_fte=Decimal("4.5")
    )

    [row] = _csv(partner_client, FEEDBACK)

    assert row["staffing"] == "Children's social care: 9.0; Police: 4.5"
    assert row["local_authorities"] == "Gateshead (E08000037)"
    assert row["visit"] == str(feedback.visit_id)
    assert row["monthly_contacts"] == "1200"
    assert list(row)[:4] == ["id", "url", "visit", "visit_url"]


# ----- No N+1 --------------------------------------------------------------


def _visit_with_everything(areas: list[LocalAuthority]) -> Visit:
    shown = visit(areas, **approved())
    for agency in (AgencyType.POLICE, AgencyType.HEALTH, AgencyType.EDUCATION):
        AgencyInvolvement.objects.create(
            visit=shown, agency_type=agency, involvement=Involvement.CO_LOCATED
        )
    feedback = DetailedFeedbackFactory.create(visit=shown, **approved())
    for agency in (AgencyType.POLICE, AgencyType.HEALTH):
        FeedbackStaffing.objects.create(feedback=feedback, agency_type=agency, staff_fte=2)
    return shown


@pytest.mark.parametrize("caller", ["staff", "partner"])
@pytest.mark.parametrize("url", [VISITS, FEEDBACK])
@pytest.mark.parametrize("fmt", ["json", "csv"])
def test_listing_needs_no_more_queries_for_more_records(
    caller, url, fmt, staff_api, partner_client, gateshead, sunderland, camden
):
    client = staff_api if caller == "staff" else partner_client
    for _ in range(2):
        _visit_with_everything([gateshead])

    def grow() -> None:
        for _ in range(6):
            _visit_with_everything([gateshead, sunderland])
            _visit_with_everything([camden])

    def call() -> None:
        response = client.get(url, {"format": fmt})
        assert response.status_code == 200

    count = assert_query_count_flat(call, grow, message=f"{url} as {fmt} for {caller}")
    assert count <= 10


def test_the_schema_documents_both_endpoints_and_their_filters(api_client, db):
    response = api_client.get("/api/v1/schema/", {"format": "json"})
    schema = json.loads(response.content)

    for path in ("/api/v1/visits/", "/api/v1/feedback/"):
        parameters = {p["name"] for p in schema["paths"][path]["get"]["parameters"]}
        assert {"region", "authority", "model", "date_from", "date_to", "status"} <= parameters
    visit_fields = schema["components"]["schemas"]["Visit"]["properties"]
    assert "notes_html" in visit_fields
    assert "reviewer_comment" not in visit_fields
    assert schema["components"]["schemas"]["ReviewStatusEnum"]["enum"] == [
        "draft",
        "submitted",
        "returned",
        "approved",
    ]
