"""The administrators' page of security and audit events: newest first, a page at a time in a
fixed number of queries, filtered by event, user name, dates and address (the filter kept on
every page and in the download), and the filtered events as CSV, itself an audit event.
Who may open it is in tests/security/permission_matrix.py."""

import csv
import datetime as dt
import io
from collections.abc import Iterator
from dataclasses import dataclass

import pytest
from django.contrib.auth.models import User
from django.test import Client
from django.utils import timezone
from pytest_django import DjangoDbBlocker

from mash_survey.models import AuditEvent, AuditKind
from tests.areas.pages import parse, table_rows
from tests.conftest import signed_in_client
from tests.factories import AdminFactory
from tests.module_data import module_atomic
from tests.queries import assert_query_count_flat

URL = "/audit/"


def at(day: int, hour: int = 9) -> dt.datetime:
    return timezone.make_aware(dt.datetime(2026, 3, day, hour))


@dataclass(frozen=True)
class Data:
    admin: User
    client: Client


@pytest.fixture(scope="module")
def module_data(django_db_setup: None, django_db_blocker: DjangoDbBlocker) -> Iterator[Data]:
    """An administrator signed in (an event of today), and 59 events before: 55 failed
    sign-ins to made-up names from one network on 2 March 2026, then sam.staff signing in
    three times from another address on 10 March and exporting the returns on 20 March."""
    with module_atomic(django_db_blocker):
        with django_db_blocker.unblock():
            admin = AdminFactory.create(username="ada.admin")
            guesses = [
                AuditEvent(
                    kind=AuditKind.SIGN_IN_FAILED,
                    at=at(2, 9) + dt.timedelta(minutes=n),
                    username=f"guess.{n}",
                    address=f"198.51.100.{n}",
                )
                for n in range(55)
            ]
            staff = [
                AuditEvent(
                    kind=AuditKind.SIGN_IN, at=at(10, 9 + n), username="sam.staff", address=OWNER
                )
                for n in range(3)
            ]
            export = AuditEvent(
                kind=AuditKind.EXPORTED,
                at=at(20),
                username="sam.staff",
                address=OWNER,
                target="sample-survey-returns.csv",
                detail={"format": "csv"},
            )
            AuditEvent.objects.bulk_create([*guesses, *staff, export])
            client = signed_in_client(admin)
        yield Data(admin, client)


OWNER = "203.0.113.5"


@pytest.fixture
def client(module_data: Data, db: None) -> Client:
    """The administrator's client (its name hides pytest-django's, which is not signed in)."""
    return module_data.client


def rows(client: Client, **params: str) -> tuple[list[list[str]], str]:
    response = client.get(URL, params)
    assert response.status_code == 200
    html = response.content.decode()
    return table_rows(parse(html).find("table")), html


def test_the_newest_events_come_first_a_page_at_a_time_in_a_fixed_number_of_queries(
    client: Client,
) -> None:
    first, html = rows(client)

    assert len(first) == 50
    assert first[0][1:3] == ["Signed in", "ada.admin"]
    assert first[1][:4] == ["20 Mar 2026 09:00:00", "Exported", "sam.staff", OWNER]
    assert "sample-survey-returns.csv" in first[1][4] and "format: csv" in first[1][4]
    assert "Showing 1 to 50 of 60 events" in html
    second, _ = rows(client, page="2")
    assert [row[2] for row in second] == [f"guess.{n}" for n in range(9, -1, -1)]

    def grow() -> None:
        AuditEvent.objects.bulk_create(
            AuditEvent(kind=AuditKind.SIGN_OUT, at=at(21), username=f"u{n}") for n in range(60)
        )

    assert_query_count_flat(lambda: client.get(URL, {"page": "2"}), grow, message="audit page")


def test_each_filter_narrows_the_events_and_is_kept_on_every_page(client: Client) -> None:
    failed, html = rows(client, kind="sign_in_failed")
    assert len(failed) == 50
    assert "Showing 1 to 50 of 55 events of the kind “Sign-in failed”" in html
    assert "?kind=sign_in_failed&amp;page=2" in html
    assert "/audit/events.csv?kind=sign_in_failed" in html

    assert len(rows(client, username="SAM")[0]) == 4
    assert len(rows(client, address="203.0.113.")[0]) == 4
    assert len(rows(client, address="198.51.100.1")[0]) == 11  # .1 and .10 to .19
    dates = {"since_0": "9", "since_1": "3", "since_2": "2026"}
    dated, html = rows(client, **dates, until_0="15", until_1="3", until_2="2026")
    assert [row[1] for row in dated] == ["Signed in"] * 3
    assert "from 9 March 2026 to 15 March 2026" in html


def test_a_date_to_before_date_from_says_what_to_fix(client: Client) -> None:
    response = client.get(
        URL,
        {"since_0": "9", "since_1": "3", "since_2": "2026"}
        | {"until_0": "1", "until_1": "3", "until_2": "2026"},
    )

    html = response.content.decode()
    assert "<title>Error: " in html
    assert 'href="#id_until_0">Date to must be the same as or after date from' in html


def test_the_download_holds_the_filtered_events_and_is_itself_recorded(
    client: Client, module_data: Data
) -> None:
    response = client.get("/audit/events.csv", {"username": "sam.staff", "page": "2"})

    assert response["Content-Disposition"] == 'attachment; filename="audit-events.csv"'
    content = b"".join(response.streaming_content).decode("utf-8-sig")  # type: ignore[attr-defined]
    table = list(csv.reader(io.StringIO(content)))
    assert table[0][:3] == ["When", "Event", "User name"]
    assert [row[:3] for row in table[1:]] == [
        ["2026-03-20 09:00:00", "Exported", "sam.staff"],
        ["2026-03-10 11:00:00", "Signed in", "sam.staff"],
        ["2026-03-10 10:00:00", "Signed in", "sam.staff"],
        ["2026-03-10 09:00:00", "Signed in", "sam.staff"],
    ]
    assert table[1][9:] == ["sample-survey-returns.csv", '{"format": "csv"}']
    recorded = AuditEvent.objects.filter(kind=AuditKind.EXPORTED, user=module_data.admin).get()
    assert (recorded.target, recorded.path) == ("audit-events.csv", "/audit/events.csv")
    xlsx = client.get("/audit/events.xlsx", {"kind": "exported"})
    assert xlsx["Content-Disposition"] == 'attachment; filename="audit-events.xlsx"'


def test_nothing_on_the_page_changes_an_event_and_administrators_find_it_from_home(
    client: Client, staff_client: Client
) -> None:
    kept = list(AuditEvent.objects.values())
    assert client.post(URL, {"kind": "sign_in"}).status_code == 405
    assert list(AuditEvent.objects.values()) == kept
    assert f'href="{URL}"' in client.get("/").content.decode()
    assert f'href="{URL}"' not in staff_client.get("/").content.decode()
