"""An import never overwrites what its preview did not show: confirming after a return the
file touches was saved (in the browser, by a reviewer, by another import) or started is
refused, naming those returns, with a fresh preview of the same upload to confirm instead."""

import pytest
from django.urls import reverse

from surveys.imports import (
    ImportStaleError,
    survey_import_apply,
    survey_import_check,
)
from surveys.models import Answer, ImportBatch, Question, Response, ResponseStatus
from surveys.services import response_reopen, response_save_draft
from surveys.values import parse_answer

from ..areas.pages import parse
from .import_files import (
    GATESHEAD,
    HEADER,
    NEWCASTLE,
    SUNDERLAND,
    Setup,
    csv_file,
    import_csv,
    make_setup,
    page_title,
    row_counts,
    upload,
)

CHANGED_GATESHEAD = [GATESHEAD[0], "No", *GATESHEAD[2:]]
#: Changes Gateshead's submitted return, submits Newcastle's draft, adds Sunderland's.
FILE = csv_file([HEADER, CHANGED_GATESHEAD, NEWCASTLE, SUNDERLAND])


def save_draft(setup: Setup, authority, user, **raw: str) -> Response:
    """Save an area's draft through the entry service, as the return's page does."""
    questions = {q.code: q for q in Question.objects.filter(survey=setup.survey)}
    values = {
        questions[code]: parse_answer(
            questions[code], text, [c.value for c in questions[code].choices.all()]
        )
        for code, text in raw.items()
    }
    current = Response.objects.filter(survey=setup.survey, local_authority=authority).first()
    return response_save_draft(
        survey=setup.survey,
        local_authority=authority,
        values=values,
        user=user,
        seen_version=current.version if current else None,
    )


@pytest.fixture
def setup(db, staff_user) -> Setup:
    """Gateshead's return submitted from a file, Newcastle's a draft typed in."""
    setup = make_setup()
    import_csv(setup, [HEADER, GATESHEAD])
    save_draft(setup, setup.newcastle, staff_user, Q1="No", Q2="Other")
    return setup


def url(name: str, setup: Setup) -> str:
    return reverse(f"surveys:{name}", kwargs={"slug": setup.survey.slug})


def confirm_data(response) -> dict[str, str]:
    form = next(
        f for f in parse(response.content).find_all("form") if "confirm" in f.attrs["action"]
    )
    return {i.attrs["name"]: i.attrs.get("value", "") for i in form.find_all("input")}


def changed_returns(response) -> list[tuple[str, str]]:
    """The returns the refusal names: (area, link)."""
    page = parse(response.content)
    listed = next(ul for ul in page.find_all("ul") if ul.attrs.get("id") == "changed-returns")
    return [(a.text(), a.attrs["href"]) for a in listed.find_all("a")]


def history(setup: Setup, area: str) -> str:
    return reverse("surveys:return_history", kwargs={"slug": setup.survey.slug, "area": area})


def test_a_return_saved_after_the_preview_refuses_the_import_naming_it(
    setup, staff_client, staff_user
):
    preview = confirm_data(upload(staff_client, setup.survey, "october.csv", FILE))
    save_draft(setup, setup.newcastle, staff_user, Q1="Yes", Q2="MASH", Q6="Typed meanwhile")
    before = row_counts()

    response = staff_client.post(url("import_confirm", setup), preview)

    assert response.status_code == 200
    assert page_title(response).startswith("Error: Check the import")
    summary = parse(response.content).find("div", "govuk-error-summary")
    assert summary.find("h2").text() == "There is a problem"
    assert (
        summary.find("p")
        .text()
        .startswith("1 return was changed after you checked the file, so nothing was imported.")
    )
    assert changed_returns(response) == [
        ("Newcastle upon Tyne", history(setup, "newcastle-upon-tyne"))
    ]
    assert row_counts() == before
    assert not ImportBatch.objects.filter(file_name="october.csv").exists()
    newcastle = Response.objects.get(local_authority=setup.newcastle)
    assert newcastle.status == ResponseStatus.DRAFT
    assert Answer.objects.get(response=newcastle, question__code="Q6").text == "Typed meanwhile"


def test_the_refusal_is_a_fresh_preview_that_imports_what_it_shows(
    setup, staff_client, staff_user, django_capture_on_commit_callbacks
):
    preview = confirm_data(upload(staff_client, setup.survey, "october.csv", FILE))
    save_draft(setup, setup.newcastle, staff_user, Q1="Yes", Q2="MASH", Q6="Typed meanwhile")
    refused = staff_client.post(url("import_confirm", setup), preview)
    page = parse(refused.content)
    assert page.find("h1").text() == "Check the import"
    counts = {el.attrs["id"]: el.text() for el in page.find_all("dd") if el.attrs.get("id", "")}
    assert counts == {"count-new": "1", "count-updated": "2", "count-unchanged": "0"}
    fresh = confirm_data(refused)
    assert fresh["sha256"] == preview["sha256"]  # the same upload, kept
    assert fresh["seen"] != preview["seen"]

    with django_capture_on_commit_callbacks(execute=True):
        done = staff_client.post(url("import_confirm", setup), fresh)

    assert done.status_code == 302
    newcastle = Response.objects.get(local_authority=setup.newcastle)
    assert newcastle.status == ResponseStatus.SUBMITTED
    assert not Answer.objects.filter(response=newcastle, question__code="Q6").exists()
    assert ImportBatch.objects.get(file_name="october.csv").updated_count == 2


def test_a_return_reopened_by_a_reviewer_after_the_preview_is_named(
    setup, staff_client, reviewer_user
):
    preview = confirm_data(upload(staff_client, setup.survey, "october.csv", FILE))
    gateshead = Response.objects.get(local_authority=setup.gateshead)
    response_reopen(response=gateshead, user=reviewer_user, reason="A typing error in Q4")
    before = row_counts()

    response = staff_client.post(url("import_confirm", setup), preview)

    assert changed_returns(response) == [("Gateshead", history(setup, "gateshead"))]
    assert row_counts() == before


def test_a_return_another_import_changed_after_the_preview_is_named(setup, staff_client):
    preview = confirm_data(upload(staff_client, setup.survey, "october.csv", FILE))
    import_csv(setup, [HEADER, [*GATESHEAD[:4], "999", *GATESHEAD[5:]]], name="other.csv")
    before = row_counts()

    response = staff_client.post(url("import_confirm", setup), preview)

    assert changed_returns(response) == [("Gateshead", history(setup, "gateshead"))]
    assert row_counts() == before
    gateshead = Response.objects.get(local_authority=setup.gateshead)
    assert Answer.objects.get(response=gateshead, question__code="Q4").number == 999


def test_a_return_started_after_the_preview_for_a_new_area_is_named(
    setup, staff_client, staff_user
):
    preview = confirm_data(upload(staff_client, setup.survey, "october.csv", FILE))
    save_draft(setup, setup.sunderland, staff_user, Q1="No")
    save_draft(setup, setup.newcastle, staff_user, Q1="Yes")
    before = row_counts()

    response = staff_client.post(url("import_confirm", setup), preview)

    assert summary_text(response).startswith("2 returns were changed after you checked the file")
    assert changed_returns(response) == [
        ("Newcastle upon Tyne", history(setup, "newcastle-upon-tyne")),
        ("Sunderland", history(setup, "sunderland")),
    ]
    assert row_counts() == before


def summary_text(response) -> str:
    return parse(response.content).find("div", "govuk-error-summary").find("p").text()


def test_an_unchanged_return_saved_after_the_preview_is_named_too(
    setup, staff_client, reviewer_user
):
    """Confirming would put back what the file holds over what was saved since."""
    content = csv_file([HEADER, GATESHEAD, SUNDERLAND])  # Gateshead as stored
    preview_page = upload(staff_client, setup.survey, "same.csv", content)
    counts = {
        el.attrs["id"]: el.text()
        for el in parse(preview_page.content).find_all("dd")
        if el.attrs.get("id", "")
    }
    assert counts["count-unchanged"] == "1"
    gateshead = Response.objects.get(local_authority=setup.gateshead)
    response_reopen(response=gateshead, user=reviewer_user, reason="Check Q4")

    response = staff_client.post(url("import_confirm", setup), confirm_data(preview_page))

    assert changed_returns(response) == [("Gateshead", history(setup, "gateshead"))]


def test_a_return_the_file_does_not_name_may_change_meanwhile(
    setup, staff_client, staff_user, django_capture_on_commit_callbacks
):
    preview = confirm_data(
        upload(staff_client, setup.survey, "r.csv", csv_file([HEADER, SUNDERLAND]))
    )
    save_draft(setup, setup.newcastle, staff_user, Q1="Yes")

    with django_capture_on_commit_callbacks(execute=True):
        response = staff_client.post(url("import_confirm", setup), preview)

    assert response.status_code == 302
    assert Response.objects.filter(local_authority=setup.sunderland).exists()


@pytest.mark.parametrize("seen", ["", "forged", "eyJ2ZXJzaW9ucyI6W119:forged"])
def test_a_confirmation_without_the_previews_signed_versions_imports_nothing(
    setup, staff_client, seen
):
    preview = confirm_data(upload(staff_client, setup.survey, "october.csv", FILE))
    before = row_counts()

    response = staff_client.post(url("import_confirm", setup), {**preview, "seen": seen})

    assert response.status_code == 302
    assert response["Location"] == url("import_upload", setup)
    assert row_counts() == before


def test_the_service_refuses_versions_other_than_the_ones_checked(setup, staff_user):
    plan = survey_import_check(survey=setup.survey, file_name="r.csv", content=FILE)
    assert plan.seen_versions == {
        setup.gateshead.pk: Response.objects.get(local_authority=setup.gateshead).version,
        setup.newcastle.pk: Response.objects.get(local_authority=setup.newcastle).version,
        setup.sunderland.pk: 0,
    }
    save_draft(setup, setup.newcastle, staff_user, Q1="Yes")
    before = row_counts()

    with pytest.raises(ImportStaleError) as refused:
        survey_import_apply(
            survey=setup.survey,
            file_name="r.csv",
            content=FILE,
            user=staff_user,
            seen_versions=plan.seen_versions,
        )

    assert refused.value.changed == [setup.newcastle]
    assert str(refused.value) == (
        "1 return was changed after you checked the file, so nothing was imported: Newcastle "
        "upon Tyne. Check the file again to see what importing it would change now"
    )
    assert row_counts() == before
