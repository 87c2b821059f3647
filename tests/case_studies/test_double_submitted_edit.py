"""The same edit of a case study sent twice by the same person (a double click that got
through) is saved once, and the second send is told it is saved, not that someone else
changed it. Someone else's save in between is still a conflict."""

from typing import Any

import pytest
from django.contrib.auth.models import User
from django.test import Client

from case_studies.models import CaseStudy
from tests.case_studies.test_authoring import _post
from tests.factories import LocalAuthorityFactory, StaffFactory

pytestmark = pytest.mark.django_db

SAVED = "Your changes to the case study are saved."
EDIT = "/case-studies/early/edit/"


def _signed_in(user: User) -> Client:
    client = Client()
    client.force_login(user)
    return client


def _started(owner: Client) -> tuple[CaseStudy, int]:
    area = LocalAuthorityFactory.create()
    owner.post("/case-studies/new/", _post(area.pk, slug="early"))
    return CaseStudy.objects.get(), area.pk


def _edit(area_pk: int, **changes: Any) -> dict[str, Any]:
    """The edit form as the page sends it: the saved key fact and section, then two blank
    rows of each."""
    rows = {"facts-TOTAL_FORMS": "3", "facts-INITIAL_FORMS": "3"}
    rows.update({"sections-TOTAL_FORMS": "3", "sections-INITIAL_FORMS": "3"})
    return _post(area_pk, **{"slug": "early", "version": "1", **rows, **changes})


def test_the_same_edit_sent_twice_is_saved_once_without_a_conflict() -> None:
    owner = _signed_in(StaffFactory.create())
    case_study, area_pk = _started(owner)
    data = _edit(area_pk, summary="Police, health and schools now share within the hour.")

    first = owner.post(EDIT, data, follow=True)
    second = owner.post(EDIT, data, follow=True)

    assert first.redirect_chain == second.redirect_chain == [(EDIT, 302)]
    assert SAVED in second.content.decode()
    assert "changed by someone else" not in second.content.decode()
    case_study.refresh_from_db()
    assert case_study.version == 2
    assert case_study.summary == "Police, health and schools now share within the hour."
    assert case_study.history.count() == 2
    assert [s.heading for s in case_study.sections.all()] == ["Context"]


def test_someone_elses_save_in_between_is_still_a_conflict() -> None:
    owner = _signed_in(StaffFactory.create())
    case_study, area_pk = _started(owner)
    data = _edit(area_pk, summary="My words.")
    owner.post(EDIT, data)
    _signed_in(StaffFactory.create()).post(
        EDIT, _edit(area_pk, version="2", summary="Their words.")
    )

    late = owner.post(EDIT, data)

    assert late.status_code == 409
    assert "changed by someone else" in late.content.decode()
    case_study.refresh_from_db()
    assert case_study.summary == "Their words."


def test_the_same_edit_by_someone_else_is_still_a_conflict() -> None:
    owner = _signed_in(StaffFactory.create())
    _, area_pk = _started(owner)
    data = _edit(area_pk, summary="The same words.")
    owner.post(EDIT, data)

    other = _signed_in(StaffFactory.create()).post(EDIT, data)

    assert other.status_code == 409


def test_a_different_edit_from_the_old_version_is_still_a_conflict() -> None:
    owner = _signed_in(StaffFactory.create())
    _, area_pk = _started(owner)
    owner.post(EDIT, _edit(area_pk, summary="First words."))

    late = owner.post(EDIT, _edit(area_pk, summary="Other words."))

    assert late.status_code == 409
