"""The report's figures on a small hand-built data set whose answers are known: each figure's
values, small breakdowns not shown, the API giving the same numbers, shortcodes in report
text, unknown keys, and a fixed number of queries however much data there is."""

import datetime as dt
from dataclasses import dataclass
from functools import partial

import pytest
from django.contrib.auth.models import User
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from pytest_django import DjangoAssertNumQueries

from areas.models import AgencyType, LocalAuthority
from findings import figures, services, sources
from findings.figures import FigureError
from findings.shortcodes import render_with_shortcodes
from mash_survey.disclosure import Hidden
from surveys.models import Answer, Choice, QuestionKind, Response, ResponseStatus, Survey
from tests.factories import LocalAuthorityFactory, RegionFactory
from tests.queries import assert_query_count_flat
from tests.surveys.factories import SurveyFactory, add_question
from tests.visits.factories import DetailedFeedbackFactory, VisitFactory
from visits.models import AgencyInvolvement, Involvement, ModelSeen, ReviewStatus

from .factories import ThemeFactory, approved_feedback, approved_visit

pytestmark = pytest.mark.django_db


@dataclass
class Known:
    areas: dict[str, LocalAuthority]


def _rows(key: str) -> dict[str, tuple[object, ...]]:
    return {row.label: row.values for row in figures.figure_get(key).compute().rows}


def _hidden(key: str) -> dict[str, Hidden | None]:
    return {row.label: row.hidden for row in figures.figure_get(key).compute().rows}


def _submit(survey: Survey, area: LocalAuthority, answer: Choice) -> None:
    response = Response.objects.create(
        survey=survey,
        local_authority=area,
        status=ResponseStatus.SUBMITTED,
        submitted_at=timezone.now(),
    )
    Answer.objects.create(response=response, question=answer.question, choice=answer)


@pytest.fixture
def known(settings: object, staff_user: User) -> Known:
    """The known data set (`make_known`); at least 2 areas to show a figure."""
    settings.DISCLOSURE_MIN_AREAS = 2  # type: ignore[attr-defined]  # pytest-django settings
    return make_known(staff_user)


def make_known(staff_user: User) -> Known:
    """Regions Alpha (a1-a3), Beta (b1) and Gamma (c1, c2); figures are read with at least 2
    areas to show one (DISCLOSURE_MIN_AREAS = 2).

    Approved visits: a1 (virtual), a2, a3, b1, c1, c2 (MASH); a draft visit to a1.
    Agencies: a1 police co-located, health virtual; a2 police co-located; a3 police not
    involved. Approved feedback on a1 (red 4h, amber 24h, 100 contacts, 10 referrals) and a2
    (red 2h, amber 48h, 300 contacts, 30 referrals); draft feedback on a3 (red 100h).
    Survey Q1 (yes/no): a1, a2, c1 yes; a3, c2 no; b1 did not return.
    Theme "Sharing" coded on the visits to a1 and a2.
    """
    alpha = RegionFactory.create(name="Alpha")
    beta = RegionFactory.create(name="Beta")
    gamma = RegionFactory.create(name="Gamma")
    areas = {
        name: LocalAuthorityFactory.create(region=region)
        for name, region in [
            ("a1", alpha),
            ("a2", alpha),
            ("a3", alpha),
            ("b1", beta),
            ("c1", gamma),
            ("c2", gamma),
        ]
    }
    visits = {
        name: approved_visit(
            authorities=[area],
            model_seen=ModelSeen.VIRTUAL if name == "a1" else ModelSeen.MASH,
            notes="Co-location helped the partners share information.",
        )
        for name, area in areas.items()
    }
    VisitFactory.create(region=alpha, local_authorities=[areas["a1"]])  # a draft: not counted
    for visit, agency, how in [
        ("a1", AgencyType.POLICE, Involvement.CO_LOCATED),
        ("a1", AgencyType.HEALTH, Involvement.VIRTUAL),
        ("a2", AgencyType.POLICE, Involvement.CO_LOCATED),
        ("a3", AgencyType.POLICE, Involvement.NOT_INVOLVED),
    ]:
        AgencyInvolvement.objects.create(visit=visits[visit], agency_type=agency, involvement=how)
    approved_feedback(
        visits["a1"],
        red_hours=4,
        amber_hours=24,
        green_hours=None,
        monthly_contacts=100,
        monthly_referrals=10,
    )
    approved_feedback(
        visits["a2"],
        red_hours=2,
        amber_hours=48,
        green_hours=None,
        monthly_contacts=300,
        monthly_referrals=30,
    )
    DetailedFeedbackFactory.create(visit=visits["a3"], status=ReviewStatus.DRAFT, red_hours=100)
    SurveyFactory.create(sent_on=dt.date(2010, 1, 1))  # an older survey: not the current one
    survey = SurveyFactory.create()
    question = add_question(survey, "Q1", QuestionKind.YES_NO, text="Is there a MASH?")
    add_question(survey, "Q2", QuestionKind.FREE_TEXT, required=False)
    yes, no = question.choices.order_by("order")
    for name, choice in [("a1", yes), ("a2", yes), ("c1", yes), ("a3", no), ("c2", no)]:
        _submit(survey, areas[name], choice)
    sharing = ThemeFactory.create(name="Sharing")
    for name in ("a1", "a2"):
        services.excerpt_paste(
            source=sources.visit_source(visits[name]),
            passage="Co-location",
            themes=[sharing],
            user=staff_user,
        )
    return Known(areas=areas)


def test_visits_by_region_counts_approved_visits_and_hides_small_regions(known: Known) -> None:
    result = figures.figure_get("visits-by-region").compute()
    rows = {row.label: row for row in result.rows}
    assert rows["Alpha"].values == (3, 3)
    # Beta's one area is too few; Gamma is hidden so that Beta cannot be worked out.
    assert rows["Beta"].values == (None, None) and rows["Beta"].hidden == Hidden.FEW_AREAS
    assert rows["Gamma"].values == (None, None) and rows["Gamma"].hidden == Hidden.PROTECTS
    assert result.base == 6 and result.headline == 6
    assert "Beta not shown" in result.text


def test_models_seen(known: Known) -> None:
    rows, hidden = _rows("models-seen"), _hidden("models-seen")
    assert rows["Specialist team"] == (0,)
    # One area saw the virtual model: hidden, and so MASH (5 of the 6) is hidden too.
    assert hidden["Virtual or hub model"] == Hidden.FEW_AREAS
    assert hidden["Multi-agency safeguarding hub (MASH)"] == Hidden.PROTECTS
    assert rows["Multi-agency safeguarding hub (MASH)"] == (None,)


def test_agency_involvement(known: Known) -> None:
    rows = _rows("agency-involvement")
    assert rows["Co-located"] == (2, 2)
    assert _hidden("agency-involvement")["Virtual or linked"] == Hidden.FEW_AREAS
    assert rows["Not involved"] == (None, None)


def test_an_agency_at_a_joint_visit_is_counted_once_not_once_per_area(known: Known) -> None:
    joint = approved_visit(authorities=[known.areas["b1"], known.areas["c1"]])
    AgencyInvolvement.objects.create(
        visit=joint, agency_type=AgencyType.HEALTH, involvement=Involvement.CO_LOCATED
    )

    # Agencies, visits: police at a1 and a2, health at the visit to b1 and c1.
    assert _rows("agency-involvement")["Co-located"] == (3, 3)


def test_rag_timescales_and_referral_volumes_use_approved_feedback(known: Known) -> None:
    rag = _rows("rag-timescales")
    assert rag["Red"] == (3.0, 2)
    assert rag["Amber"] == (36.0, 2)
    assert rag["Green"] == (None, 0)
    assert _rows("referral-volumes") == {
        "Contacts a month": (200.0, 2),
        "Referrals a month": (20.0, 2),
    }


def test_survey_response_rates(known: Known) -> None:
    result = figures.figure_get("survey-response-rate").compute()
    assert result.rows[0].values == (83.3, 5, 6)
    assert result.headline == 83.3
    by_region = _rows("survey-response-rate-by-region")
    assert by_region["Alpha"] == (100.0, 3, 3)
    assert by_region["Gamma"] == (100.0, 2, 2)
    assert by_region["Beta"] == (0.0, 0, 1)


def test_a_closed_question_of_the_current_survey(known: Known) -> None:
    result = figures.figure_get("question:Q1").compute()
    assert {row.label: row.values for row in result.rows} == {"Yes": (60.0, 3), "No": (40.0, 2)}
    assert result.base == 5
    keys = [figure.key for figure in figures.figure_list()]
    assert "question:Q1" in keys and "question:Q2" not in keys  # free text is not a figure


def test_evidence_by_theme_and_theme_by_model(known: Known) -> None:
    assert _rows("evidence-by-theme") == {"Sharing": (2, 2)}
    by_model = figures.figure_get("theme-by-model").compute()
    row = dict(zip(by_model.columns, by_model.rows[0].values, strict=True))
    assert row["Multi-agency safeguarding hub (MASH)"] == 1
    assert row["Virtual or hub model"] == 1
    assert row["All"] == 2


def test_unknown_keys_are_errors_naming_the_key(known: Known) -> None:
    for key in ("no-such-figure", "question:Q99", "question:Q2"):
        with pytest.raises(FigureError, match=key):
            figures.figure_get(key)


def test_the_api_returns_the_same_numbers_as_the_figures(known: Known, client: Client) -> None:
    listed = client.get("/api/v1/figures/", {"page_size": 500}).json()["results"]
    assert [f["key"] for f in listed] == [f.key for f in figures.figure_list()]
    for item in listed:
        result = figures.figure_get(item["key"]).compute()
        assert [row["values"] for row in item["rows"]] == [list(r.values) for r in result.rows]
        detail = client.get(reverse("api:figure-detail", kwargs={"key": item["key"]})).json()
        assert detail == item
    rate = client.get("/api/v1/figures/survey-response-rate/").json()
    assert rate["headline"] == 83.3
    region = client.get("/api/v1/figures/visits-by-region/").json()
    beta = next(row for row in region["rows"] if row["label"] == "Beta")
    assert beta["values"] == [None, None] and "Fewer than 2 areas" in beta["not_shown"]


def test_unknown_key_is_404_in_api_and_page(known: Known, client: Client) -> None:
    assert client.get("/api/v1/figures/no-such-figure/").status_code == 404
    assert client.get("/findings/figures/no-such-figure/").status_code == 404
    assert client.get("/findings/figures/question:Q99/").status_code == 404


def test_the_public_page_says_how_a_figure_was_calculated(known: Known, client: Client) -> None:
    page = client.get("/findings/figures/visits-by-region/").content.decode()
    assert "How this was calculated" in page
    assert "The approved visits in each region" in page
    assert "/api/v1/figures/visits-by-region/" in page
    assert '<svg class="app-chart"' in page
    assert "Fewer than 2" in page  # Beta's row


def test_the_staff_page_lists_every_figure(known: Known, staff_client: Client) -> None:
    page = staff_client.get("/findings/figures/").content.decode()
    for figure in figures.figure_list():
        assert figure.title in page
        assert reverse("api:figure-detail", kwargs={"key": figure.key}) in page


def test_shortcodes_render_figures_and_numbers(known: Known) -> None:
    html = str(
        render_with_shortcodes(
            "We visited {{ number visits-by-region }} times.\n\n{{ figure models-seen }}\n\n"
            "<script>alert(1)</script>"
        )
    )
    assert 'href="/findings/figures/visits-by-region/">6</a> times' in html
    assert '<svg class="app-chart"' in html and "Models seen on the visits" in html
    assert "<script>" not in html
    assert "mashfig" not in html


@pytest.mark.parametrize(
    ("text", "named"),
    [
        ("{{ figure no-such-figure }}", "no-such-figure"),
        ("{{ number no-such-figure }}", "no-such-figure"),
        ("{{ number models-seen }}", "models-seen"),  # no single number
        ("{{ figur models-seen }}", "figur models-seen"),
    ],
)
def test_shortcode_errors_name_the_key(known: Known, text: str, named: str) -> None:
    with pytest.raises(FigureError, match=named):
        render_with_shortcodes(text)


def test_a_figure_that_fails_to_compute_is_an_error(db: None, staff_client: Client) -> None:
    # No survey: the survey figures cannot be computed.
    with pytest.raises(FigureError, match=r"survey-response-rate|no survey"):
        render_with_shortcodes("{{ number survey-response-rate }}")
    page = staff_client.get("/findings/figures/").content.decode()
    assert "There is no survey yet" in page


def test_figures_page_and_api_list_take_the_same_queries_however_much_data(
    known: Known, staff_client: Client, client: Client
) -> None:
    def grow() -> None:
        region = RegionFactory.create()
        for _ in range(3):
            area = LocalAuthorityFactory.create(region=region)
            visit = approved_visit(authorities=[area], model_seen=ModelSeen.SPECIALIST)
            AgencyInvolvement.objects.create(
                visit=visit, agency_type=AgencyType.POLICE, involvement=Involvement.VIRTUAL
            )
            approved_feedback(visit, red_hours=1, monthly_contacts=5)

    assert_query_count_flat(partial(staff_client.get, "/findings/figures/"), grow=grow)
    assert_query_count_flat(partial(client.get, "/api/v1/figures/"), grow=grow)


def test_the_figures_read_the_surveys_statistics_once_however_many_questions_it_has(
    known: Known,
    staff_client: Client,
    client: Client,
    django_assert_max_num_queries: DjangoAssertNumQueries,
) -> None:
    """A figure for each closed question, all from the survey's statistics: read once for
    the list, the staff page and a report's text, not once a figure."""
    survey = figures.current_survey()

    def more_questions() -> None:
        for n in range(3, 8):
            add_question(survey, f"Q{n}", QuestionKind.SINGLE_CHOICE, ("One", "Two"))

    listed = assert_query_count_flat(partial(client.get, "/api/v1/figures/"), grow=more_questions)
    assert len(client.get("/api/v1/figures/").json()["results"]) == 9 + 6
    # The survey's statistics (10), the figures' own (9), the current survey, the list's
    # closed questions.
    assert listed <= 22
    with django_assert_max_num_queries(25):
        staff_client.get("/findings/figures/")
    # In a report's text: the current survey and its statistics once, each question named.
    text = "\n\n".join(f"{{{{ figure question:Q{n} }}}}" for n in (1, 3, 4, 5, 6, 7))
    with django_assert_max_num_queries(1 + 9 + 6):
        render_with_shortcodes(text)
