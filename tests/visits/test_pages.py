"""The visit pages as a project member sees them: the list and its filters, one visit, its
detailed feedback, and who may see them at all."""

import datetime as dt
import html as html_module
import re
from decimal import Decimal
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from areas.models import AgencyType, LocalAuthority, Region
from tests.factories import LocalAuthorityFactory, RegionFactory, StaffFactory, UserFactory
from tests.queries import assert_query_count_flat
from visits.models import (
    AgencyInvolvement,
    FeedbackStaffing,
    Involvement,
    ModelSeen,
    ReviewStatus,
    Visit,
)

from .factories import DetailedFeedbackFactory, VisitFactory

pytestmark = pytest.mark.django_db


def _area(name: str, region: Region) -> LocalAuthority:
    slug = name.lower().replace(" ", "-")
    return LocalAuthorityFactory.create(name=name, slug=slug, region=region)


@pytest.fixture
def areas() -> dict[str, LocalAuthority]:
    north_east = RegionFactory.create(code="E12000001", name="North East", slug="north-east")
    london = RegionFactory.create(code="E12000007", name="London", slug="london")
    return {
        "Gateshead": _area("Gateshead", north_east),
        "Sunderland": _area("Sunderland", north_east),
        "Croydon": _area("Croydon", london),
        "Camden": _area("Camden", london),
    }


def _visit(area: LocalAuthority, **kwargs: object) -> Visit:
    return VisitFactory.create(region=area.region, local_authorities=[area], **kwargs)


def _text(response: Any) -> str:
    """The page's text without tags, with runs of white space as one space."""
    html = response.content.decode()
    return html_module.unescape(" ".join(re.sub(r"<[^>]+>", " ", html).split()))


def _listed(response: Any) -> list[str]:
    """The areas named in the list's rows, in order."""
    html = response.content.decode()
    return re.findall(r'<a class="govuk-link" href="/visits/\d+/">([^<]+)<span', html)


# ----- The list ------------------------------------------------------------------------


def test_the_list_shows_each_visit_with_its_date_region_model_status_and_feedback(
    staff_client: Client, areas: dict[str, LocalAuthority]
) -> None:
    visit = _visit(
        areas["Gateshead"],
        visit_date=dt.date(2013, 1, 15),
        model_seen=ModelSeen.VIRTUAL,
        status=ReviewStatus.RETURNED,
    )
    DetailedFeedbackFactory.create(visit=visit)
    _visit(areas["Croydon"], visit_date=dt.date(2013, 3, 4))

    response = staff_client.get(reverse("visits:index"))

    assert response.status_code == 200
    assert _listed(response) == ["Gateshead", "Croydon"]
    text = _text(response)
    assert "Gateshead on 15 January 2013 15 Jan 2013 North East Virtual or hub model" in text
    assert "Returned with comments" in text
    assert f'href="/visits/{visit.pk}/feedback/"' in response.content.decode()
    assert "2 visits" in text


def test_a_visit_to_several_areas_is_one_row_naming_them_all(
    staff_client: Client, areas: dict[str, LocalAuthority]
) -> None:
    VisitFactory.create(
        region=areas["Gateshead"].region,
        local_authorities=[areas["Sunderland"], areas["Gateshead"]],
    )

    response = staff_client.get(reverse("visits:index"))

    assert _listed(response) == ["Gateshead, Sunderland"]


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ({"region": "E12000007"}, ["Croydon", "Camden"]),
        ({"model": ModelSeen.SPECIALIST}, ["Sunderland", "Camden"]),
        ({"status": ReviewStatus.APPROVED}, ["Gateshead", "Camden"]),
        ({"month": "2013-02"}, ["Sunderland", "Croydon"]),
        ({"region": "E12000007", "month": "2013-03", "status": "approved"}, ["Camden"]),
        ({"region": "", "model": "", "status": "", "month": ""}, 4 * [""]),
    ],
)
def test_the_list_filters_by_region_model_status_and_month(
    staff_client: Client,
    areas: dict[str, LocalAuthority],
    query: dict[str, str],
    expected: list[str],
) -> None:
    approved = {"status": ReviewStatus.APPROVED, "approved_at": timezone.now()}
    _visit(areas["Gateshead"], visit_date=dt.date(2013, 1, 7), **approved)
    _visit(areas["Sunderland"], visit_date=dt.date(2013, 2, 12), model_seen=ModelSeen.SPECIALIST)
    _visit(areas["Croydon"], visit_date=dt.date(2013, 2, 20))
    _visit(
        areas["Camden"],
        visit_date=dt.date(2013, 3, 28),
        model_seen=ModelSeen.SPECIALIST,
        **approved,
    )

    response = staff_client.get(reverse("visits:index"), query)

    assert response.status_code == 200
    if expected == 4 * [""]:  # an empty filter is every visit
        expected = ["Gateshead", "Sunderland", "Croydon", "Camden"]
    assert _listed(response) == expected


def test_the_month_filter_offers_the_months_that_have_visits(
    staff_client: Client, areas: dict[str, LocalAuthority]
) -> None:
    for day in (
        dt.date(2013, 3, 28),
        dt.date(2013, 1, 7),
        dt.date(2013, 2, 1),
        dt.date(2013, 1, 9),
    ):
        _visit(areas["Gateshead"], visit_date=day)

    response = staff_client.get(reverse("visits:index"))

    html = response.content.decode()
    select = html[html.index('name="month"') : html.index("</select>", html.index('name="month"'))]
    assert re.findall(r">([^<]+)</option>", select) == [
        "All months",
        "January 2013",
        "February 2013",
        "March 2013",
    ]


def test_the_region_filter_offers_only_regions_with_visits(
    staff_client: Client, areas: dict[str, LocalAuthority]
) -> None:
    _visit(areas["Croydon"])

    response = staff_client.get(reverse("visits:index"))

    html = response.content.decode()
    select = html[
        html.index('name="region"') : html.index("</select>", html.index('name="region"'))
    ]
    assert re.findall(r">([^<]+)</option>", select) == ["All regions", "London"]


def test_a_filter_value_not_in_the_list_is_reported_and_left_out(
    staff_client: Client, areas: dict[str, LocalAuthority]
) -> None:
    _visit(areas["Gateshead"])
    _visit(areas["Croydon"], model_seen=ModelSeen.OTHER)

    response = staff_client.get(reverse("visits:index"), {"region": "E12999999", "model": "other"})

    text = _text(response)
    assert text.startswith("Error: Visits")
    assert "There is a problem" in text
    assert "Select a region from the list" in text
    assert _listed(response) == ["Croydon"]


def test_the_list_counts_the_visits_shown_by_status_and_with_feedback(
    staff_client: Client, areas: dict[str, LocalAuthority]
) -> None:
    _visit(areas["Gateshead"], status=ReviewStatus.SUBMITTED)
    DetailedFeedbackFactory.create(visit=_visit(areas["Sunderland"], status=ReviewStatus.SUBMITTED))
    _visit(areas["Croydon"], status=ReviewStatus.RETURNED)

    response = staff_client.get(reverse("visits:index"))

    text = _text(response)
    assert (
        "Draft 0 Submitted for review 2 Returned with comments 1 Approved 0 "
        "With detailed feedback 1"
    ) in text


def test_the_lists_query_count_does_not_grow_with_the_number_of_visits(
    staff_client: Client, areas: dict[str, LocalAuthority]
) -> None:
    def add_visits(count: int) -> None:
        for number in range(count):
            area = list(areas.values())[number % 4]
            visit = VisitFactory.create(
                region=area.region,
                local_authorities=[area, *([areas["Sunderland"]] if number % 2 else [])],
                visit_date=dt.date(2013, 1 + number % 3, 1 + number),
            )
            if number % 3 == 0:
                DetailedFeedbackFactory.create(visit=visit)

    add_visits(3)

    count = assert_query_count_flat(
        lambda: staff_client.get(reverse("visits:index")),
        lambda: add_visits(20),
        message="the visits list",
    )

    assert count <= 12
    assert len(_listed(staff_client.get(reverse("visits:index")))) == 23


def test_the_list_says_when_its_visits_are_illustrative(
    staff_client: Client, areas: dict[str, LocalAuthority]
) -> None:
    _visit(areas["Gateshead"], is_illustrative=True)
    _visit(areas["Croydon"])

    text = _text(staff_client.get(reverse("visits:index")))

    assert "1 of these visits is illustrative" in text
    assert "They are not the project's data." in text
    assert "Gateshead on 12 February 2013 Illustrative" in text


def test_the_list_says_so_when_no_visit_matches(staff_client: Client) -> None:
    text = _text(staff_client.get(reverse("visits:index"), {"status": "approved"}))

    assert "No visits with the status “Approved”" in text
    assert "show every visit" in text


# ----- Who may see them ---------------------------------------------------------------

PAGES = ["visits:index", "visits:needs_attention", "visits:detail", "visits:feedback"]
PAGES += ["visits:history", "visits:feedback_history"]


def _url(name: str, visit: Visit) -> str:
    return (
        reverse(name)
        if name in ("visits:index", "visits:needs_attention")
        else (reverse(name, kwargs={"pk": visit.pk}))
    )


@pytest.mark.parametrize("name", PAGES)
def test_strangers_are_asked_to_sign_in_and_people_without_a_role_are_refused(
    client: Client, name: str
) -> None:
    visit = DetailedFeedbackFactory.create().visit
    url = _url(name, visit)

    response = client.get(url)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))

    client.force_login(UserFactory.create())
    assert client.get(url).status_code == 403


@pytest.mark.parametrize("name", PAGES)
def test_project_staff_see_every_visit_page(staff_client: Client, name: str) -> None:
    visit = DetailedFeedbackFactory.create().visit

    assert staff_client.get(_url(name, visit)).status_code == 200


# ----- One visit -------------------------------------------------------------------------


def test_the_visit_page_shows_its_facts(
    staff_client: Client, areas: dict[str, LocalAuthority]
) -> None:
    author = StaffFactory.create(first_name="Asha", last_name="Patel")
    colleague = StaffFactory.create(first_name="Ben", last_name="Okafor")
    visit = VisitFactory.create(
        region=areas["Gateshead"].region,
        local_authorities=[areas["Sunderland"], areas["Gateshead"]],
        visit_date=dt.date(2013, 2, 12),
        model_seen=ModelSeen.CO_LOCATED,
        created_by=author,
    )
    visit.visiting_team.set([author, colleague])
    for agency, involvement in [
        (AgencyType.POLICE, Involvement.CO_LOCATED),
        (AgencyType.HEALTH, Involvement.VIRTUAL),
        (AgencyType.CHILDRENS_SOCIAL_CARE, Involvement.CO_LOCATED),
        (AgencyType.PROBATION, Involvement.NOT_INVOLVED),
    ]:
        AgencyInvolvement.objects.create(visit=visit, agency_type=agency, involvement=involvement)

    response = staff_client.get(reverse("visits:detail", kwargs={"pk": visit.pk}))

    text = _text(response)
    html = response.content.decode()
    assert "<h1" in html and "Visit to Gateshead, Sunderland on 12 February 2013" in text
    assert "Date 12 February 2013" in text
    assert "Region North East" in text
    assert '<a class="govuk-link" href="/areas/gateshead/">Gateshead</a>' in html
    assert '<a class="govuk-link" href="/areas/sunderland/">Sunderland</a>' in html
    assert "Model seen Co-located assessment team" in text
    assert "Co-located: Children's social care, Police" in text
    assert "Virtual or linked: Health" in text
    assert "Not involved: Probation" in text
    assert "Visiting team Asha Patel, Ben Okafor" in text
    assert "Status Draft" in text


def test_the_visit_notes_are_shown_as_sanitised_markdown(staff_client: Client) -> None:
    visit = VisitFactory.create(
        notes="# Triage\n\nContacts are **rated** within the hour.\n\n"
        "<script>alert('x')</script>\n\n[guidance](javascript:alert(1))"
    )

    html = staff_client.get(reverse("visits:detail", kwargs={"pk": visit.pk})).content.decode()

    assert '<h2 class="govuk-heading-m">Triage</h2>' in html
    assert "<strong>rated</strong>" in html
    assert "alert(" not in html
    assert "javascript:" not in html


def test_a_draft_visit_offers_to_change_and_submit_it(staff_client: Client) -> None:
    visit = VisitFactory.create(status=ReviewStatus.DRAFT)

    html = staff_client.get(reverse("visits:detail", kwargs={"pk": visit.pk})).content.decode()

    assert f'action="/visits/{visit.pk}/submit/"' in html
    assert '<input type="hidden" name="version" value="1">' in html
    assert f'href="/visits/{visit.pk}/edit/"' in html
    assert f'href="/visits/{visit.pk}/history/"' in html
    assert "Review the visit" not in html


def test_a_returned_visit_shows_the_reviewers_comment(staff_client: Client) -> None:
    visit = VisitFactory.create(
        status=ReviewStatus.RETURNED, reviewer_comment="Say <which> agencies are co-located."
    )

    response = staff_client.get(reverse("visits:detail", kwargs={"pk": visit.pk}))

    text = _text(response)
    assert "Status Returned with comments" in text
    assert "Reviewer's comment Say <which> agencies are co-located." in text
    assert "Say &lt;which&gt; agencies" in response.content.decode()
    assert "Submit for review" in text


def test_an_approved_visit_shows_who_approved_it_and_why_identifiers_were_let_through(
    staff_client: Client,
) -> None:
    reviewer = StaffFactory.create(first_name="Cara", last_name="Lee")
    visit = VisitFactory.create(
        status=ReviewStatus.APPROVED,
        approved_at=timezone.make_aware(dt.datetime(2013, 4, 2, 10)),
        approved_by=reviewer,
        pii_override_reason="The number is the MASH's published helpline.",
    )

    response = staff_client.get(reverse("visits:detail", kwargs={"pk": visit.pk}))

    text = _text(response)
    html = response.content.decode()
    assert "Approved 2 April 2013 by Cara Lee" in text
    assert (
        "Approved with possible identifiers because The number is the MASH's published helpline."
    ) in text
    assert f"/visits/{visit.pk}/submit/" not in html
    assert f"/visits/{visit.pk}/edit/" not in html


def test_reviewers_are_offered_the_review_of_a_submitted_visit_and_staff_are_not(
    staff_client: Client, reviewer_user: object
) -> None:
    visit = VisitFactory.create(status=ReviewStatus.SUBMITTED, submitted_at=timezone.now())
    url = reverse("visits:detail", kwargs={"pk": visit.pk})
    review = f'href="/visits/{visit.pk}/review/"'

    assert review not in staff_client.get(url).content.decode()
    staff_client.force_login(reviewer_user)  # type: ignore[arg-type]
    assert review in staff_client.get(url).content.decode()


def test_the_visit_page_links_to_its_feedback_or_offers_to_add_it(staff_client: Client) -> None:
    with_feedback = DetailedFeedbackFactory.create().visit
    without = VisitFactory.create()

    html = staff_client.get(reverse("visits:detail", kwargs={"pk": with_feedback.pk})).content
    assert (
        f'href="/visits/{with_feedback.pk}/feedback/">View the detailed feedback' in html.decode()
    )
    html = staff_client.get(reverse("visits:detail", kwargs={"pk": without.pk})).content
    assert f'href="/visits/{without.pk}/feedback/edit/">Add detailed feedback' in html.decode()


def test_an_illustrative_visit_says_it_is_not_the_projects_data(staff_client: Client) -> None:
    visit = VisitFactory.create(is_illustrative=True)

    text = _text(staff_client.get(reverse("visits:detail", kwargs={"pk": visit.pk})))

    assert "Illustrative visit: made up to show how the service works." in text


def test_a_visit_that_does_not_exist_is_not_found(staff_client: Client) -> None:
    assert staff_client.get(reverse("visits:detail", kwargs={"pk": 999})).status_code == 404


# ----- Its detailed feedback ---------------------------------------------------------------


def test_the_feedback_page_shows_its_structured_answers(staff_client: Client) -> None:
    feedback = DetailedFeedbackFactory.create(
        uses_blue_rating=True,
        red_hours=4,
        amber_hours=24,
        green_hours=72,
        blue_hours=None,
        isa_signed=True,
        isa_signed_on=dt.date(2012, 6, 1),
        isa_signatories="Police, health and children's services",
        barriers="Health staff are seconded part-time.\nNo shared case system.",
    )
    FeedbackStaffing.objects.create(
        feedback=feedback, agency_type=AgencyType.POLICE, staff_fte=Decimal("4.5")
    )
    FeedbackStaffing.objects.create(
        feedback=feedback,
        agency_type=AgencyType.HEALTH,
        co_located=False,
        staff_fte=Decimal("1.0"),
    )

    response = staff_client.get(reverse("visits:feedback", kwargs={"pk": feedback.visit_id}))

    assert response.status_code == 200
    text = _text(response)
    assert "When it started 1 October 2011" in text
    assert "Contacts a month 1,200" in text
    assert "BRAG rating timescales" in text
    assert "Red 4 Amber 24 Green 72 Blue Not answered" in text
    assert "Health No 1.0 Police Yes 4.5 Total 5.5" in text
    assert "Governance board Yes" in text
    assert "Signed Yes, on 1 June 2012" in text
    assert "Health staff are seconded part-time.\nNo shared case system." in (
        response.content.decode()
    )
    assert "Status Draft" in text


def test_a_visit_without_feedback_has_no_feedback_page_but_a_link_to_add_it(
    staff_client: Client,
) -> None:
    visit = VisitFactory.create()

    response = staff_client.get(reverse("visits:feedback", kwargs={"pk": visit.pk}))

    assert response.status_code == 404
    assert "This visit has no detailed feedback" in _text(response)
    assert f'href="/visits/{visit.pk}/feedback/edit/"' in response.content.decode()
