"""Every list page shows its rows a page at a time (`mash_survey.pagination`): the same
queries however many rows, each row on one page only, a count of what is shown, the filters
kept in the page links, and a page past the end showing the last page."""

import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest
from django.contrib.auth.models import User
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from django.utils.text import slugify
from pytest_django.fixtures import Settings

from case_studies.models import CaseStudyModel, CaseStudyStatus
from findings.models import (
    Coding,
    EditionStatus,
    Excerpt,
    Finding,
    FindingStatus,
    ReportEdition,
    Theme,
)
from surveys.models import ImportBatch, Response
from tests.areas.pages import parse
from tests.case_studies.factories import CaseStudyFactory
from tests.conftest import signed_in_client
from tests.factories import LocalAuthorityFactory, RegionFactory, ReviewerFactory, StaffFactory
from tests.findings.factories import ThemeFactory, approved_visit
from tests.queries import assert_query_count_flat
from tests.surveys.factories import SurveyFactory
from tests.visits.factories import DetailedFeedbackFactory, VisitFactory
from visits.models import ReviewStatus

pytestmark = pytest.mark.django_db

PAGE_SIZE = 5
PREVIEW_SIZE = 3
LABEL = re.compile(r"Listed row \d{3}")


@dataclass
class ListPage:
    """A list page: its URL, who may read it, how to add rows that the filter lets through
    (named "Listed row NNN") and one it does not, and the filter in the query string."""

    url: Callable[[], str]
    add: Callable[[int], object]  # add rows numbered from n (one at a time: factories count)
    add_filtered_out: Callable[[], object]
    filters: Callable[[], dict[str, str]]
    staff: bool = True
    user: User | None = None  # who reads it, when not any project member
    label: re.Pattern[str] = LABEL  # what names each row in the page


class Made:
    """Rows made so far, so each new one gets the next number."""

    def __init__(self) -> None:
        self.n = 0

    def next(self) -> str:
        self.n += 1
        return f"Listed row {self.n:03d}"


def visits_list() -> ListPage:
    region = RegionFactory.create(code="E12000001", name="North East")
    other = RegionFactory.create(code="E12000002", name="North West")
    made = Made()

    def add(count: int) -> None:
        for index in range(count):
            area = LocalAuthorityFactory.create(name=made.next(), region=region)
            visit = VisitFactory.create(region=region, local_authorities=[area])
            if index % 2:
                DetailedFeedbackFactory.create(visit=visit)

    return ListPage(
        url=lambda: reverse("visits:index"),
        add=add,
        add_filtered_out=lambda: VisitFactory.create(
            region=other,
            local_authorities=[LocalAuthorityFactory.create(name="Elsewhere", region=other)],
        ),
        filters=lambda: {"region": region.code},
    )


def case_study_list() -> ListPage:
    made = Made()

    def published(model: str, title: str) -> object:
        return CaseStudyFactory.create(
            title=title,
            model=model,
            status=CaseStudyStatus.PUBLISHED,
            published_at=timezone.now(),
            local_authorities=[LocalAuthorityFactory.create()],
        )

    return ListPage(
        url=lambda: reverse("case_studies:index"),
        add=lambda count: (
            [published(CaseStudyModel.MASH, made.next()) for _ in range(count)] and None
        ),
        add_filtered_out=lambda: published(CaseStudyModel.VIRTUAL, "Elsewhere"),
        filters=lambda: {"model": CaseStudyModel.MASH, "sort": "oldest"},
        staff=False,
    )


def case_study_manage() -> ListPage:
    made = Made()
    return ListPage(
        url=lambda: reverse("case_studies:manage"),
        add=lambda count: (
            [
                CaseStudyFactory.create(
                    title=made.next(), local_authorities=[LocalAuthorityFactory.create()]
                )
                for _ in range(count)
            ]
            and None
        ),
        add_filtered_out=lambda: None,
        filters=dict,
    )


def survey_list() -> ListPage:
    made = Made()
    return ListPage(
        url=lambda: reverse("surveys:index"),
        add=lambda count: [SurveyFactory.create(title=made.next()) for _ in range(count)],
        add_filtered_out=lambda: None,
        filters=dict,
        staff=False,
    )


def return_list() -> ListPage:
    region = RegionFactory.create(code="E12000001", name="North East")
    other = RegionFactory.create(code="E12000002", name="North West")
    survey = SurveyFactory.create(slug="arrangements")
    made = Made()
    return ListPage(
        url=lambda: reverse("surveys:return_list", kwargs={"slug": survey.slug}),
        add=lambda count: (
            [LocalAuthorityFactory.create(name=made.next(), region=region) for _ in range(count)]
            and None
        ),
        add_filtered_out=lambda: LocalAuthorityFactory.create(name="Elsewhere", region=other),
        filters=lambda: {"region": region.code},
    )


def finding_manage() -> ListPage:
    theme, other = ThemeFactory.create(), ThemeFactory.create()
    author = StaffFactory.create()
    made = Made()

    def finding(theme: Theme, headline: str) -> Finding:
        return Finding.objects.create(
            theme=theme, headline=headline, statement="A finding.", created_by=author
        )

    return ListPage(
        url=lambda: reverse("findings:manage"),
        add=lambda count: [finding(theme, made.next()) for _ in range(count)] and None,
        add_filtered_out=lambda: finding(other, "Elsewhere"),
        filters=lambda: {"theme": theme.slug},
    )


def codebook() -> ListPage:
    made = Made()
    return ListPage(
        url=lambda: reverse("findings:codebook"),
        add=lambda count: [ThemeFactory.create(name=made.next()) for _ in range(count)] and None,
        add_filtered_out=lambda: None,
        filters=dict,
    )


def _excerpt(theme: Theme, quote: str, *, standing: bool = False) -> Excerpt:
    """An excerpt of an approved visit's notes coded to `theme`: standing when the notes are
    its quote, stale (the passage is no longer there) when not."""
    visit = approved_visit(notes=quote if standing else "Rewritten since it was coded.")
    now = timezone.now()
    excerpt = Excerpt.objects.create(
        visit=visit, start=0, end=len(quote), quote=quote, source_version=1, coded_at=now
    )
    Coding.objects.create(excerpt=excerpt, theme=theme, coded_at=now)
    return excerpt


def theme_excerpts() -> ListPage:
    theme, other = ThemeFactory.create(), ThemeFactory.create()
    made = Made()
    return ListPage(
        url=lambda: reverse("findings:codebook_theme", kwargs={"slug": theme.slug}),
        add=lambda count: [_excerpt(theme, made.next()) for _ in range(count)] and None,
        add_filtered_out=lambda: _excerpt(other, "Elsewhere"),
        filters=dict,
    )


def stale_excerpts() -> ListPage:
    theme = ThemeFactory.create()
    made = Made()
    return ListPage(
        url=lambda: reverse("findings:needs_attention"),
        add=lambda count: [_excerpt(theme, made.next()) for _ in range(count)] and None,
        add_filtered_out=lambda: _excerpt(theme, "Elsewhere", standing=True),
        filters=dict,
    )


def _agreed(theme: Theme, headline: str) -> Finding:
    return Finding.objects.create(
        theme=theme,
        headline=headline,
        statement="A finding.",
        status=FindingStatus.AGREED,
        agreed_at=timezone.now(),
    )


def public_themes() -> ListPage:
    made = Made()
    return ListPage(
        url=lambda: reverse("findings:themes"),
        add=lambda count: (
            [_agreed(ThemeFactory.create(name=made.next()), "Agreed") for _ in range(count)]
            and None
        ),
        add_filtered_out=lambda: Finding.objects.create(
            theme=ThemeFactory.create(name="Elsewhere"), headline="Draft", statement="A draft."
        ),
        filters=dict,
        staff=False,
    )


def public_theme() -> ListPage:
    theme = ThemeFactory.create()  # its page is there once it has an agreed finding
    made = Made()
    return ListPage(
        url=lambda: reverse("findings:theme", kwargs={"slug": theme.slug}),
        add=lambda count: [_agreed(theme, made.next()) for _ in range(count)] and None,
        add_filtered_out=lambda: Finding.objects.create(
            theme=theme, headline="Elsewhere", statement="A draft."
        ),
        filters=dict,
        staff=False,
    )


def _edition(title: str, status: str) -> ReportEdition:
    published = status != EditionStatus.DRAFT
    return ReportEdition.objects.create(
        title=title,
        slug=slugify(title),
        summary="An edition.",
        status=status,
        published_at=timezone.now() if published else None,
    )


def published_editions() -> ListPage:
    made = Made()
    return ListPage(
        url=lambda: reverse("findings:editions"),
        add=lambda count: (
            [_edition(made.next(), EditionStatus.SUPERSEDED) for _ in range(count)] and None
        ),
        add_filtered_out=lambda: _edition("Elsewhere", EditionStatus.DRAFT),
        filters=dict,
        staff=False,
    )


def editions_manage() -> ListPage:
    made = Made()
    return ListPage(
        url=lambda: reverse("findings:edition_manage"),
        add=lambda count: (
            [
                _edition(made.next(), EditionStatus.DRAFT if n % 2 else EditionStatus.SUPERSEDED)
                for n in range(count)
            ]
            and None
        ),
        add_filtered_out=lambda: None,
        filters=dict,
    )


def import_batches() -> ListPage:
    survey, other = SurveyFactory.create(), SurveyFactory.create()
    made = Made()

    def add(count: int) -> None:
        for n in range(count):
            batch = ImportBatch.objects.create(survey=survey, file_name=made.next(), sha256="0")
            if n % 2:  # a return it made, for the list of the returns each batch changed
                Response.objects.create(
                    survey=survey,
                    local_authority=LocalAuthorityFactory.create(),
                    import_batch=batch,
                )

    return ListPage(
        url=lambda: reverse("surveys:import_batches", kwargs={"slug": survey.slug}),
        add=add,
        add_filtered_out=lambda: ImportBatch.objects.create(
            survey=other, file_name="Elsewhere", sha256="0"
        ),
        filters=dict,
    )


def area_visits() -> ListPage:
    area = LocalAuthorityFactory.create()
    other = LocalAuthorityFactory.create(name="Elsewhere")

    def add(count: int) -> None:
        for n in range(count):
            visit = VisitFactory.create(region=area.region, local_authorities=[area])
            if n % 2:
                DetailedFeedbackFactory.create(visit=visit)

    return ListPage(
        url=lambda: reverse("areas:authority", kwargs={"slug": area.slug}),
        add=add,
        add_filtered_out=lambda: VisitFactory.create(
            region=other.region, local_authorities=[other]
        ),
        filters=dict,
        label=re.compile(r'href="/visits/\d+/"'),
    )


def your_drafts() -> ListPage:
    """One list of "Your work": the member's drafts (case studies and visits)."""
    member = StaffFactory.create()
    made = Made()

    def add(count: int) -> None:
        for n in range(count):
            if n % 2:
                area = LocalAuthorityFactory.create(name=made.next())
                VisitFactory.create(region=area.region, local_authorities=[area], created_by=member)
            else:
                CaseStudyFactory.create(title=made.next(), created_by=member)

    return ListPage(
        url=lambda: reverse("your_work"),
        add=add,
        add_filtered_out=lambda: CaseStudyFactory.create(
            title="Elsewhere", created_by=member, status=CaseStudyStatus.IN_REVIEW
        ),
        filters=lambda: {"show": "drafts"},
        user=member,
    )


def _submitted_visit(name: str, *, feedback: bool = False) -> object:
    """A visit, or its feedback, waiting for review, named after its area."""
    area = LocalAuthorityFactory.create(name=name)
    waiting = {"status": ReviewStatus.SUBMITTED, "submitted_at": timezone.now()}
    if feedback:
        visit = VisitFactory.create(region=area.region, local_authorities=[area])
        return DetailedFeedbackFactory.create(visit=visit, **waiting)
    return VisitFactory.create(region=area.region, local_authorities=[area], **waiting)


def waiting_for_review() -> ListPage:
    """One list of the visits' "Needs your attention": what waits for a reviewer."""
    made = Made()
    return ListPage(
        url=lambda: reverse("visits:needs_attention"),
        add=lambda count: (
            [_submitted_visit(made.next(), feedback=bool(n % 2)) for n in range(count)] and None
        ),
        add_filtered_out=lambda: VisitFactory.create(
            local_authorities=[LocalAuthorityFactory.create(name="Elsewhere")]
        ),
        filters=lambda: {"show": "waiting"},
        user=ReviewerFactory.create(),
    )


LISTS: dict[str, Callable[[], ListPage]] = {
    "visits": visits_list,
    "case studies": case_study_list,
    "managing case studies": case_study_manage,
    "surveys": survey_list,
    "an area's returns": return_list,
    "managing findings": finding_manage,
    "the codebook": codebook,
    "a theme's coded excerpts": theme_excerpts,
    "stale excerpts": stale_excerpts,
    "findings by theme": public_themes,
    "a theme's agreed findings": public_theme,
    "published editions": published_editions,
    "managing editions": editions_manage,
    "a survey's imports": import_batches,
    "an area's visits": area_visits,
    "your drafts": your_drafts,
    "waiting for review": waiting_for_review,
}


@pytest.fixture(autouse=True)
def small_pages(settings: Settings) -> None:
    settings.LIST_PAGE_SIZE = PAGE_SIZE
    settings.LIST_PREVIEW_SIZE = PREVIEW_SIZE


@pytest.fixture(params=list(LISTS.values()), ids=list(LISTS))
def listed(request: pytest.FixtureRequest, staff_user: User) -> tuple[ListPage, Client]:
    page: ListPage = request.param()
    if not page.staff:
        return page, Client()
    return page, signed_in_client(page.user or staff_user)


def _get(client: Client, url: str, params: dict[str, Any]) -> str:
    response = client.get(url, params)
    assert response.status_code == 200
    return response.content.decode()


def _labels(html: str, label: re.Pattern[str] = LABEL) -> list[str]:
    return sorted(set(label.findall(html)))


def test_a_list_takes_the_same_queries_with_one_page_of_rows_or_several(
    listed: tuple[ListPage, Client],
) -> None:
    page, client = listed
    page.add(3)
    page.add_filtered_out()

    assert_query_count_flat(
        lambda: _get(client, page.url(), page.filters()),
        lambda: page.add(2 * PAGE_SIZE + 2),
        message=page.url(),
    )
    assert_query_count_flat(
        lambda: _get(client, page.url(), {**page.filters(), "page": "2"}),
        lambda: page.add(PAGE_SIZE),
        message=f"{page.url()} page 2",
    )


def test_each_row_is_on_one_page_and_the_count_says_which_are_shown(
    listed: tuple[ListPage, Client],
) -> None:
    page, client = listed
    page.add(PAGE_SIZE + 2)
    page.add_filtered_out()

    first = _get(client, page.url(), page.filters())
    second = _get(client, page.url(), {**page.filters(), "page": "2"})

    assert len(_labels(first, page.label)) == PAGE_SIZE
    assert len(_labels(second, page.label)) == 2
    assert not set(_labels(first, page.label)) & set(_labels(second, page.label))
    assert "Elsewhere" not in first + second
    assert re.search(rf"Showing 1 to {PAGE_SIZE} of {PAGE_SIZE + 2} \w", first)
    assert re.search(rf"Showing {PAGE_SIZE + 1} to {PAGE_SIZE + 2} of {PAGE_SIZE + 2} \w", second)


def test_the_page_links_keep_the_filters(listed: tuple[ListPage, Client]) -> None:
    page, client = listed
    page.add(2 * PAGE_SIZE + 1)
    filters = page.filters()

    html = _get(client, page.url(), {**filters, "page": "2"})

    nav = parse(html.encode()).find("nav", "govuk-pagination")
    links = [a.attrs["href"] for a in nav.find_all("a")]
    assert {"Previous", "Next"} <= {a.text().split()[0] for a in nav.find_all("a")}
    pages = set()
    for href in links:
        query = {k: v[0] for k, v in parse_qs(urlsplit(href).query).items()}
        pages.add(query.pop("page"))
        assert query == filters
    assert pages == {"1", "2", "3"}


def test_a_page_past_the_end_shows_the_last_page(listed: tuple[ListPage, Client]) -> None:
    page, client = listed
    page.add(PAGE_SIZE + 1)

    past_the_end = _get(client, page.url(), {**page.filters(), "page": "99"})
    not_a_number = _get(client, page.url(), {**page.filters(), "page": "last"})

    last = _get(client, page.url(), {**page.filters(), "page": "2"})
    first = _get(client, page.url(), page.filters())
    assert _labels(past_the_end, page.label) == _labels(last, page.label)
    assert _labels(not_a_number, page.label) == _labels(first, page.label)
    assert len(_labels(last, page.label)) == 1


def test_a_list_on_one_page_shows_its_count_and_no_page_links(
    listed: tuple[ListPage, Client],
) -> None:
    page, client = listed
    page.add(2)

    html = _get(client, page.url(), page.filters())

    assert len(_labels(html, page.label)) == 2
    assert "govuk-pagination" not in html
    assert "Showing" not in html


# ----- A list beside others: its first rows, then a link to the whole list ----------------


@dataclass
class Previewed:
    """A list on a page with other lists: the page shows its first rows and links to the
    whole list (`full_list`), which shows it a page at a time."""

    page: Callable[[], str]
    full_list: Callable[[], str]
    add: Callable[[int], object]
    user: User


def drafts_beside_other_work() -> Previewed:
    drafts = your_drafts()
    assert drafts.user is not None
    return Previewed(
        page=drafts.url,
        full_list=lambda: f"{reverse('your_work')}?show=drafts",
        add=drafts.add,
        user=drafts.user,
    )


def waiting_beside_returned() -> Previewed:
    waiting = waiting_for_review()
    assert waiting.user is not None
    return Previewed(
        page=waiting.url,
        full_list=lambda: f"{reverse('visits:needs_attention')}?show=waiting",
        add=waiting.add,
        user=waiting.user,
    )


def findings_beside_excerpts() -> Previewed:
    """A theme's page: its findings (the whole list is the findings to manage, narrowed to
    the theme) above its coded excerpts."""
    theme = ThemeFactory.create()
    made = Made()
    return Previewed(
        page=lambda: reverse("findings:codebook_theme", kwargs={"slug": theme.slug}),
        full_list=lambda: f"{reverse('findings:manage')}?theme={theme.slug}",
        add=lambda count: (
            [
                Finding.objects.create(theme=theme, headline=made.next(), statement="A finding.")
                for _ in range(count)
            ]
            and None
        ),
        user=StaffFactory.create(),
    )


PREVIEWED: dict[str, Callable[[], Previewed]] = {
    "your drafts": drafts_beside_other_work,
    "waiting for review": waiting_beside_returned,
    "a theme's findings": findings_beside_excerpts,
}


@pytest.fixture(params=list(PREVIEWED.values()), ids=list(PREVIEWED))
def previewed(request: pytest.FixtureRequest) -> tuple[Previewed, Client]:
    listed: Previewed = request.param()
    return listed, signed_in_client(listed.user)


def _see_all(html: str) -> list[str]:
    """The addresses of the page's "See all" links."""
    links = parse(html.encode()).find_all("a")
    return [a.attrs["href"] for a in links if a.text().startswith("See all")]


def test_a_list_beside_others_shows_its_first_rows_and_links_to_all_of_them(
    previewed: tuple[Previewed, Client],
) -> None:
    listed, client = previewed
    listed.add(PREVIEW_SIZE + 2)

    page = _get(client, listed.page(), {})

    assert len(_labels(page)) == PREVIEW_SIZE
    assert _see_all(page) == [listed.full_list()]
    assert f"See all {PREVIEW_SIZE + 2} " in page
    whole = _get(client, listed.full_list(), {})
    assert len(_labels(whole)) == PREVIEW_SIZE + 2
    assert set(_labels(page)) < set(_labels(whole))


def test_a_list_beside_others_that_fits_has_no_link_to_more(
    previewed: tuple[Previewed, Client],
) -> None:
    listed, client = previewed
    listed.add(PREVIEW_SIZE)

    page = _get(client, listed.page(), {})

    assert len(_labels(page)) == PREVIEW_SIZE
    assert _see_all(page) == []


def test_a_page_with_several_lists_takes_the_same_queries_however_long_they_are(
    previewed: tuple[Previewed, Client],
) -> None:
    listed, client = previewed
    listed.add(2)

    assert_query_count_flat(
        lambda: _get(client, listed.page(), {}),
        lambda: listed.add(2 * PREVIEW_SIZE),
        message=listed.page(),
    )
