"""Pages for visitors who are not signed in are sent from the cache until the data changes,
and any committed change shows on the next request, however it was written."""

import gzip

import pytest
from django.db import transaction
from django.test import Client
from django.utils import timezone
from pytest_django import DjangoAssertNumQueries
from pytest_django.fixtures import Settings

from areas.models import Region
from case_studies.models import CaseStudyStatus
from mash_survey import audit
from mash_survey.api import router
from mash_survey.models import AuditEvent, AuditKind
from mash_survey.page_cache import generation
from tests.case_studies.factories import CaseStudyFactory
from tests.factories import RegionFactory, StaffFactory

# The cache's point is what happens when transactions commit: these tests commit.
pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture(autouse=True)
def page_cache_on(settings: Settings) -> None:
    settings.PAGE_CACHE_SECONDS = 3600


@pytest.fixture
def region() -> Region:
    return RegionFactory.create(name="North East")


def test_a_second_visit_is_sent_from_the_cache_with_one_query(
    region: Region, client: Client, django_assert_num_queries: DjangoAssertNumQueries
) -> None:
    first = client.get("/areas/")
    with django_assert_num_queries(1):  # the data's generation
        second = client.get("/areas/")

    assert second.status_code == 200
    assert second.content == first.content
    assert b"North East" in second.content


def test_a_page_sent_from_the_cache_carries_this_request_s_id(
    region: Region, client: Client, django_assert_num_queries: DjangoAssertNumQueries
) -> None:
    first = client.get("/areas/")
    with django_assert_num_queries(1):  # sent from the cache
        second = client.get("/areas/", headers={"X-Request-ID": "probe-2"})

    assert second["X-Request-ID"] == "probe-2"
    assert first["X-Request-ID"] != "probe-2"


def test_a_saved_change_shows_on_the_next_request(region: Region, client: Client) -> None:
    client.get("/areas/")
    region.name = "North East England"
    region.save()

    assert b"North East England" in client.get("/areas/").content


def test_a_bulk_update_shows_too(region: Region, client: Client) -> None:
    client.get("/areas/")
    Region.objects.filter(pk=region.pk).update(name="The North East")

    assert b"The North East" in client.get("/areas/").content


def test_a_change_that_was_rolled_back_keeps_the_kept_page(region: Region, client: Client) -> None:
    client.get("/areas/")
    before = generation()
    with pytest.raises(RuntimeError), transaction.atomic():
        Region.objects.filter(pk=region.pk).update(name="Never saved")
        raise RuntimeError

    assert generation() == before
    assert b"Never saved" not in client.get("/areas/").content


def test_a_transaction_moves_the_generation_once_however_much_it_writes(region: Region) -> None:
    before = generation()
    with transaction.atomic():
        for name in ("One", "Two", "Three"):
            Region.objects.filter(pk=region.pk).update(name=name)

    assert generation() == before + 1


def test_signed_in_members_always_get_the_page_rendered_for_them(
    region: Region, client: Client, django_assert_max_num_queries: DjangoAssertNumQueries
) -> None:
    client.get("/areas/")
    client.force_login(StaffFactory.create())

    page = client.get("/areas/")
    with django_assert_max_num_queries(100) as queries:
        client.get("/areas/")

    assert b"Sign out" in page.content
    assert len(queries) > 1


def test_an_api_list_is_read_once_until_the_data_changes(
    region: Region, client: Client, django_assert_max_num_queries: DjangoAssertNumQueries
) -> None:
    with django_assert_max_num_queries(100) as first:
        client.get("/api/v1/regions/")
    with django_assert_max_num_queries(100) as second:
        kept = client.get("/api/v1/regions/")
    Region.objects.filter(pk=region.pk).update(name="The North East")

    assert [row["name"] for row in kept.json()["results"]] == ["North East"]
    assert len(second) < len(first)
    assert [r["name"] for r in client.get("/api/v1/regions/").json()["results"]] == [
        "The North East"
    ]


@pytest.mark.django_db  # no commit needed: the data does not change
def test_each_audience_gets_its_own_api_list(client: Client, staff_client: Client) -> None:
    CaseStudyFactory.create(
        title="Published", status=CaseStudyStatus.PUBLISHED, published_at=timezone.now()
    )
    CaseStudyFactory.create(title="Draft", status=CaseStudyStatus.DRAFT)

    def titles(asking: Client) -> set[str]:
        return {row["title"] for row in asking.get("/api/v1/case-studies/").json()["results"]}

    assert titles(client) == {"Published"}
    assert titles(staff_client) == {"Published", "Draft"}
    assert titles(client) == {"Published"}


def test_a_kept_api_list_still_counts_against_the_callers_allowance(
    region: Region, client: Client, monkeypatch: pytest.MonkeyPatch
) -> None:
    from rest_framework.settings import api_settings

    for throttle in api_settings.DEFAULT_THROTTLE_CLASSES:
        monkeypatch.setattr(
            throttle,
            "THROTTLE_RATES",
            {"anon": "2/minute", "partner": "2/minute", "user": "2/minute"},
        )

    codes = [client.get("/api/v1/regions/").status_code for _ in range(3)]

    assert codes == [200, 200, 429]


def test_a_kept_page_answers_a_conditional_request_with_304(
    region: Region, client: Client, django_assert_num_queries: DjangoAssertNumQueries
) -> None:
    etag = client.get("/areas/").headers["ETag"]
    with django_assert_num_queries(1):
        again = client.get("/areas/", headers={"If-None-Match": etag})

    assert again.status_code == 304
    assert again.content == b""


def test_a_page_is_kept_compressed_and_plain_apart(region: Region, client: Client) -> None:
    plain = client.get("/areas/")
    packed = client.get("/areas/", headers={"Accept-Encoding": "gzip"})
    plain_again = client.get("/areas/")

    assert packed.headers["Content-Encoding"] == "gzip"
    assert gzip.decompress(packed.content) == plain.content
    assert "Content-Encoding" not in plain_again.headers
    assert plain_again.content == plain.content


#: Every list the API has (search is a query, not a list of records).
API_LISTS = [prefix for prefix, _, _ in router.registry if prefix != "search"]


@pytest.mark.django_db  # no commit needed: the data does not change
@pytest.mark.parametrize("name", API_LISTS)
def test_every_api_list_is_kept(
    name: str, staff_client: Client, django_assert_max_num_queries: DjangoAssertNumQueries
) -> None:
    url = f"/api/v1/{name}/"
    with django_assert_max_num_queries(500) as reading:
        first = staff_client.get(url)
    # The session, its user, their roles and the data's generation: nothing for the list.
    with django_assert_max_num_queries(4) as kept:
        second = staff_client.get(url)

    assert first.status_code == second.status_code == 200
    assert second.json() == first.json()
    assert len(kept) < len(reading)


def test_a_security_event_keeps_the_kept_pages(region: Region, client: Client) -> None:
    client.get("/areas/")
    before = generation()

    audit.record(AuditKind.SIGN_IN_FAILED, username="someone")

    assert AuditEvent.objects.filter(username="someone").exists()
    assert generation() == before
