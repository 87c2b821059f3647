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
from pytest_django.fixtures import Settings

from case_studies.models import CaseStudyModel, CaseStudyStatus
from findings.models import Finding
from tests.areas.pages import parse
from tests.case_studies.factories import CaseStudyFactory
from tests.conftest import signed_in_client
from tests.factories import LocalAuthorityFactory, RegionFactory, StaffFactory
from tests.findings.factories import ThemeFactory
from tests.queries import assert_query_count_flat
from tests.surveys.factories import SurveyFactory
from tests.visits.factories import DetailedFeedbackFactory, VisitFactory

pytestmark = pytest.mark.django_db

PAGE_SIZE = 5
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
    theme = ThemeFactory.create()
    author = StaffFactory.create()
    made = Made()
    return ListPage(
        url=lambda: reverse("findings:manage"),
        add=lambda count: (
            [
                Finding.objects.create(
                    theme=theme, headline=made.next(), statement="A finding.", created_by=author
                )
                for _ in range(count)
            ]
            and None
        ),
        add_filtered_out=lambda: None,
        filters=dict,
    )


LISTS: dict[str, Callable[[], ListPage]] = {
    "visits": visits_list,
    "case studies": case_study_list,
    "managing case studies": case_study_manage,
    "surveys": survey_list,
    "an area's returns": return_list,
    "managing findings": finding_manage,
}


@pytest.fixture(autouse=True)
def small_pages(settings: Settings) -> None:
    settings.LIST_PAGE_SIZE = PAGE_SIZE


@pytest.fixture(params=list(LISTS.values()), ids=list(LISTS))
def listed(request: pytest.FixtureRequest, staff_user: User) -> tuple[ListPage, Client]:
    page: ListPage = request.param()
    return page, signed_in_client(staff_user) if page.staff else Client()


def _get(client: Client, url: str, params: dict[str, Any]) -> str:
    response = client.get(url, params)
    assert response.status_code == 200
    return response.content.decode()


def _labels(html: str) -> list[str]:
    return sorted(set(LABEL.findall(html)))


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

    assert len(_labels(first)) == PAGE_SIZE
    assert len(_labels(second)) == 2
    assert not set(_labels(first)) & set(_labels(second))
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

    assert _labels(past_the_end) == _labels(
        _get(client, page.url(), {**page.filters(), "page": "2"})
    )
    assert _labels(not_a_number) == _labels(_get(client, page.url(), page.filters()))


def test_a_list_on_one_page_shows_its_count_and_no_page_links(
    listed: tuple[ListPage, Client],
) -> None:
    page, client = listed
    page.add(2)

    html = _get(client, page.url(), page.filters())

    assert len(_labels(html)) == 2
    assert "govuk-pagination" not in html
    assert "Showing" not in html
