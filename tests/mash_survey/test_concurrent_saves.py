"""Several people (or one person's quick clicks) saving the same thing at the same moment:
each request gets an answer a person can act on, never a server error. Exactly one save
wins; the others see the conflict page (or, for a create form sent twice, the record the
first made), and nothing saved is lost.

The requests go to a live server from several threads at once, released together by a
barrier, so they overlap inside the server as they do in production. On SQLite the test
database is a file (tests/settings.py), where saves queue for the write lock.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

import pytest
import requests
from django.conf import settings
from django.contrib.auth.models import Group, User
from django.test import Client
from pytest_django.live_server_helper import LiveServer

from case_studies.models import CaseStudy
from mash_survey.roles import PROJECT_STAFF, REVIEWERS
from surveys.models import Answer, ImportBatch, Response
from tests.case_studies.test_authoring import _post as case_study_form
from tests.factories import LocalAuthorityFactory, StaffFactory
from tests.surveys.factories import survey_with_every_kind
from tests.surveys.import_files import (
    GATESHEAD,
    HEADER,
    csv_file,
    make_setup,
    upload,
    use_tmp_media,
)
from tests.surveys.test_import_views import confirm_data
from tests.visits.editing_support import draft_visit, make_areas, visit_form_of
from visits.models import Visit

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture(autouse=True)
def roles(transactional_db: None) -> None:
    """The roles' groups, which a data migration makes and the flush after an earlier
    transactional test removes (serialized_rollback would clash with the content types that
    flush re-creates). The pages here check the group names only."""
    for name in (PROJECT_STAFF, REVIEWERS):
        Group.objects.get_or_create(name=name)


CSRF = "c" * 32  # a well-formed CSRF secret: the cookie, and the form field that must match
PEOPLE = 4


@dataclass(frozen=True)
class Reply:
    status: int
    location: str
    text: str


def session_of(user: User) -> requests.Session:
    """A requests session signed in as `user`, with a CSRF cookie its forms can repeat."""
    client = Client()
    client.force_login(user)
    http = requests.Session()
    http.cookies.set(
        settings.SESSION_COOKIE_NAME, client.cookies[settings.SESSION_COOKIE_NAME].value
    )
    http.cookies.set(settings.CSRF_COOKIE_NAME, CSRF)
    return http


def at_once(
    live_server: LiveServer, path: str, posts: list[tuple[requests.Session, dict[str, Any]]]
) -> list[Reply]:
    """POST each form to `path` from its own thread, all released at the same moment."""
    barrier = threading.Barrier(len(posts))
    answers: list[Reply | None] = [None] * len(posts)

    def send(i: int, http: requests.Session, data: dict[str, Any]) -> None:
        barrier.wait()
        response = http.post(
            live_server.url + path,
            data={**data, "csrfmiddlewaretoken": CSRF},
            allow_redirects=False,
            timeout=60,
        )
        answers[i] = Reply(
            response.status_code, response.headers.get("Location", ""), response.text
        )

    threads = [
        threading.Thread(target=send, args=(i, http, data)) for i, (http, data) in enumerate(posts)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert all(a is not None for a in answers)
    return [a for a in answers if a is not None]


def statuses(answers: list[Reply]) -> list[int]:
    return sorted(a.status for a in answers)


def test_four_people_saving_one_survey_return_at_once(live_server: LiveServer) -> None:
    survey = survey_with_every_kind(slug="initial")
    area = LocalAuthorityFactory.create(slug="gateshead")
    counts = ["101", "102", "103", "104"]
    posts = [
        (
            session_of(StaffFactory.create()),
            {
                "Q1": "Yes",
                "Q2": "MASH",
                "Q3": ["Police"],
                "Q4": count,
                "version": "0",
                "save_draft": "",
            },
        )
        for count in counts
    ]

    answers = at_once(live_server, f"/survey/{survey.slug}/returns/{area.slug}/edit/", posts)

    assert statuses(answers) == [200, 200, 200, 302]
    for answer in answers:
        if answer.status == 200:
            assert "changed by someone else" in answer.text
    response = Response.objects.get()
    assert response.version == 1
    saved = Answer.objects.get(response=response, question__code="Q4")
    winner = next(c for c, a in zip(counts, answers, strict=True) if a.status == 302)
    assert saved.number == Decimal(winner)


def test_four_saves_of_one_visit_at_once(live_server: LiveServer) -> None:
    areas = make_areas()
    owner = StaffFactory.create()
    visit = draft_visit(areas, owner)
    notes = [f"What we saw, in the words of person {i}." for i in range(PEOPLE)]
    posts = [
        (session_of(owner if i == 0 else StaffFactory.create()), visit_form_of(visit, notes=text))
        for i, text in enumerate(notes)
    ]

    answers = at_once(live_server, f"/visits/{visit.pk}/edit/", posts)

    assert statuses(answers) == [302, 409, 409, 409]
    visit.refresh_from_db()
    assert visit.version == 2
    winner = next(n for n, a in zip(notes, answers, strict=True) if a.status == 302)
    assert visit.notes == winner
    for answer in answers:
        if answer.status == 409:
            assert "changed by someone else" in answer.text


def test_a_new_visit_sent_four_times_at_once_is_made_once(live_server: LiveServer) -> None:
    areas = make_areas()
    owner = StaffFactory.create()
    http = session_of(owner)
    page = http.get(live_server.url + "/visits/new/?region=E12000001", timeout=60).text
    token = page.split('name="once" value="', 1)[1].split('"', 1)[0]
    data = visit_form_of(draft_visit(areas, owner), version=None)
    Visit.objects.all().delete()

    answers = at_once(live_server, "/visits/new/", [(http, {**data, "once": token})] * PEOPLE)

    visit = Visit.objects.get()
    assert statuses(answers) == [302] * PEOPLE
    assert {a.location for a in answers} == {f"/visits/{visit.pk}/edit/"}


def test_a_new_case_study_sent_four_times_at_once_is_made_once(live_server: LiveServer) -> None:
    owner = StaffFactory.create()
    http = session_of(owner)
    page = http.get(live_server.url + "/case-studies/new/", timeout=60).text
    token = page.split('name="once" value="', 1)[1].split('"', 1)[0]
    data = {**case_study_form(LocalAuthorityFactory.create().pk), "once": token}

    answers = at_once(live_server, "/case-studies/new/", [(http, data)] * PEOPLE)

    case_study = CaseStudy.objects.get()
    assert statuses(answers) == [302] * PEOPLE
    assert {a.location for a in answers} == {f"/case-studies/{case_study.slug}/edit/"}
    assert [s.heading for s in case_study.sections.all()] == ["Context"]


def test_one_import_confirmed_three_times_at_once_imports_once(
    live_server: LiveServer, settings: Any, tmp_path: Any
) -> None:
    use_tmp_media(settings, tmp_path)
    setup = make_setup()
    owner = StaffFactory.create()
    client = Client()
    client.force_login(owner)
    data = confirm_data(upload(client, setup.survey, "october.csv", csv_file([HEADER, GATESHEAD])))
    http = session_of(owner)

    answers = at_once(
        live_server, f"/survey/{setup.survey.slug}/import/confirm/", [(http, data)] * 3
    )

    assert statuses(answers) == [302, 302, 302]
    locations = sorted(a.location for a in answers)
    batches = f"/survey/{setup.survey.slug}/import/batches/"
    assert locations.count(batches) == 1
    assert ImportBatch.objects.count() == 1
    assert Response.objects.get().local_authority == setup.gateshead
