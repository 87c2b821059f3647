"""The same return form sent twice by the same person (a double click that got through) is
saved once, and the second send is told the return is saved, as the first was: not that
nothing had changed, nor that someone else changed it. Someone else's save in between is
still a conflict."""

import pytest
from django.test import Client

from surveys.models import Response
from tests.factories import StaffFactory

from .test_entry_views import (  # noqa: F401  # the fixtures
    COMPLETE,
    answers,
    area,
    banner,
    edit,
    error_messages,
    page_of,
    signed_in,
    survey,
    url,
)

pytestmark = pytest.mark.django_db

SAVED = "Success The return for Gateshead is saved as a draft."


def _sent_and_shown(client: Client, survey, area, data: dict, *, version: int) -> str:  # noqa: F811
    """Send the form and return the banner of the page it leads to."""
    sent = edit(client, survey, area, data, version=version)
    assert sent.status_code == 302
    assert sent["Location"] == url("return_detail", survey, area)
    return banner(page_of(client.get(sent["Location"])))


def test_the_same_edit_sent_twice_is_saved_once_and_both_say_so(survey, area, staff_client):  # noqa: F811
    _sent_and_shown(staff_client, survey, area, COMPLETE, version=0)
    changed = {**COMPLETE, "Q4": "200"}

    first = _sent_and_shown(staff_client, survey, area, changed, version=1)
    second = _sent_and_shown(staff_client, survey, area, changed, version=1)

    assert first == second == SAVED
    response = Response.objects.get()
    assert response.version == 2 and response.history.count() == 2
    assert answers(survey, area)["Q4"] == "200"


def test_a_new_return_sent_twice_is_made_once_and_both_say_so(survey, area, staff_client):  # noqa: F811
    first = _sent_and_shown(staff_client, survey, area, COMPLETE, version=0)
    second = _sent_and_shown(staff_client, survey, area, COMPLETE, version=0)

    assert first == second == SAVED
    assert Response.objects.get().version == 1


def test_sending_unchanged_answers_from_the_saved_version_still_saves_nothing(
    survey,  # noqa: F811
    area,  # noqa: F811
    staff_client,
):
    _sent_and_shown(staff_client, survey, area, COMPLETE, version=0)

    shown = _sent_and_shown(staff_client, survey, area, COMPLETE, version=1)

    assert shown == "Success No answers had changed, so nothing was saved."


def test_someone_elses_save_in_between_is_still_a_conflict(survey, area, staff_client):  # noqa: F811
    edit(staff_client, survey, area, COMPLETE, version=0)
    mine = {**COMPLETE, "Q4": "200"}
    edit(staff_client, survey, area, mine, version=1)
    edit(signed_in(StaffFactory.create()), survey, area, {**COMPLETE, "Q4": "300"}, version=2)

    late = edit(staff_client, survey, area, mine, version=1)

    assert error_messages(page_of(late)) == [
        "This return was changed by someone else while you were editing it. "
        "Check the changes and try again."
    ]
    assert answers(survey, area)["Q4"] == "300"
