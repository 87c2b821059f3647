"""Importing in the browser: upload → preview of what will change → confirm, project members
only, and the record of imports."""

import datetime as dt
import os

import pytest
from django.core.files.storage import default_storage
from django.urls import reverse

from surveys.imports import import_upload_store
from surveys.models import ImportBatch, Question, Response

from ..areas.pages import parse
from ..factories import UserFactory
from ..queries import assert_query_count_flat
from .import_files import (
    GATESHEAD,
    HEADER,
    NEWCASTLE,
    SUNDERLAND,
    csv_file,
    error_summary,
    field_error,
    import_csv,
    make_setup,
    page_title,
    problems_table,
    row_counts,
    upload,
    use_tmp_media,
)


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    use_tmp_media(settings, tmp_path)
    return tmp_path


def url(name: str, survey, **kwargs: str) -> str:
    return reverse(f"surveys:{name}", kwargs={"slug": survey.slug, **kwargs})


def confirm_data(response) -> dict[str, str]:
    """The hidden fields of the preview's confirm form."""
    form = next(
        f for f in parse(response.content).find_all("form") if "confirm" in f.attrs["action"]
    )
    return {
        i.attrs["name"]: i.attrs.get("value", "")
        for i in form.find_all("input")
        if i.attrs.get("type") == "hidden"
    }


def test_the_upload_page_explains_the_columns_and_links_to_both_templates(staff_client):
    setup = make_setup()

    response = staff_client.get(url("import_upload", setup.survey))

    assert response.status_code == 200
    page = parse(response.content)
    assert page.find("h1").text() == "Import returns"
    text = page.text()
    assert "local_authority column holding each area's ONS code" in text
    assert "separated by a semicolon (;)" in text
    links = {a.attrs["href"] for a in page.find_all("a")}
    assert url("template", setup.survey, fmt="csv") in links
    assert url("template", setup.survey, fmt="xlsx") in links
    file_input = next(i for i in page.find_all("input") if i.attrs.get("type") == "file")
    assert file_input.attrs["accept"] == ".csv,.xlsx"
    assert "govuk-file-upload" in file_input.classes


def test_a_signed_in_user_without_a_role_is_refused(db, client):
    setup = make_setup()
    client.force_login(UserFactory.create())

    assert client.get(url("import_upload", setup.survey)).status_code == 403
    assert upload(client, setup.survey, "r.csv", csv_file([HEADER, GATESHEAD])).status_code == 403


def test_a_good_file_shows_a_preview_of_new_updated_and_unchanged_returns(staff_client, media):
    setup = make_setup()
    import_csv(setup, [HEADER, GATESHEAD, NEWCASTLE])
    before = row_counts()
    content = csv_file([HEADER, [GATESHEAD[0], "No", *GATESHEAD[2:]], NEWCASTLE, SUNDERLAND])

    response = upload(staff_client, setup.survey, "october.csv", content)

    assert response.status_code == 200
    assert not page_title(response).startswith("Error")
    page = parse(response.content)
    assert page.find("h1").text() == "Check the import"
    counts = {el.attrs["id"]: el.text() for el in page.find_all("dd") if el.attrs.get("id", "")}
    assert counts == {"count-new": "1", "count-updated": "1", "count-unchanged": "1"}
    assert "Sunderland" in page.find("ul", "govuk-list--bullet").text()
    assert "Gateshead Q1" in page.find("table").text()
    assert row_counts() == before  # nothing written yet
    data = confirm_data(response)
    assert data["file_name"] == "october.csv"
    stored = f"imports/{data['sha256']}.csv"
    assert default_storage.exists(stored)
    with default_storage.open(stored, "rb") as f:
        assert f.read() == content


def test_confirming_imports_the_stored_file_deletes_it_and_shows_the_batches(
    staff_client, staff_user, django_capture_on_commit_callbacks
):
    setup = make_setup()
    preview = upload(staff_client, setup.survey, "october.csv", csv_file([HEADER, GATESHEAD]))
    data = confirm_data(preview)

    with django_capture_on_commit_callbacks(execute=True):
        response = staff_client.post(url("import_confirm", setup.survey), data, follow=True)

    assert response.redirect_chain == [(url("import_batches", setup.survey), 302)]
    banner = parse(response.content).find("div", "govuk-notification-banner--success")
    assert "october.csv was imported: 1 new, 0 updated and 0 unchanged returns." in banner.text()
    batch = ImportBatch.objects.get()
    assert (batch.file_name, batch.sha256, batch.imported_by) == (
        "october.csv",
        data["sha256"],
        staff_user,
    )
    assert Response.objects.get().local_authority == setup.gateshead
    assert not default_storage.exists(f"imports/{data['sha256']}.csv")


def test_confirming_twice_imports_once_and_says_to_upload_again(
    staff_client, django_capture_on_commit_callbacks
):
    setup = make_setup()
    data = confirm_data(upload(staff_client, setup.survey, "r.csv", csv_file([HEADER, GATESHEAD])))
    with django_capture_on_commit_callbacks(execute=True):
        staff_client.post(url("import_confirm", setup.survey), data)

    response = staff_client.post(url("import_confirm", setup.survey), data, follow=True)

    assert response.redirect_chain == [(url("import_upload", setup.survey), 302)]
    assert "already been imported or has expired" in parse(response.content).text()
    assert ImportBatch.objects.count() == 1


@pytest.mark.parametrize(
    "tampered",
    [
        {"sha256": "0" * 64},
        {"sha256": "../../etc/passwd"},
        {"file_name": "../../settings.py"},
        {"file_name": "returns.xlsx"},
        {"sha256": ""},
    ],
)
def test_a_confirmation_that_names_no_stored_upload_imports_nothing(staff_client, tampered):
    setup = make_setup()
    data = confirm_data(upload(staff_client, setup.survey, "r.csv", csv_file([HEADER, GATESHEAD])))
    before = row_counts()

    response = staff_client.post(url("import_confirm", setup.survey), {**data, **tampered})

    assert response.status_code == 302
    assert response["Location"] == url("import_upload", setup.survey)
    assert row_counts() == before


def test_a_stored_upload_whose_content_was_changed_is_not_imported(staff_client, media):
    setup = make_setup()
    data = confirm_data(upload(staff_client, setup.survey, "r.csv", csv_file([HEADER, GATESHEAD])))
    (media / "imports" / f"{data['sha256']}.csv").write_bytes(csv_file([HEADER, NEWCASTLE]))

    staff_client.post(url("import_confirm", setup.survey), data)

    assert not Response.objects.exists()


def test_a_get_of_the_confirm_url_imports_nothing(staff_client):
    setup = make_setup()
    data = confirm_data(upload(staff_client, setup.survey, "r.csv", csv_file([HEADER, GATESHEAD])))

    response = staff_client.get(url("import_confirm", setup.survey), data)

    assert response.status_code == 405
    assert not ImportBatch.objects.exists()


def test_a_file_that_no_longer_fits_when_confirmed_shows_its_problems(staff_client):
    setup = make_setup()
    data = confirm_data(upload(staff_client, setup.survey, "r.csv", csv_file([HEADER, NEWCASTLE])))
    Question.objects.filter(survey=setup.survey, code="Q6").update(required=True)

    response = staff_client.post(url("import_confirm", setup.survey), data)

    assert response.status_code == 200
    assert page_title(response).startswith("Error: ")
    assert error_summary(response) == [
        (
            "The selected file has 1 problem, so nothing was imported. Fix each one listed "
            "below, then upload the file again",
            "#id_file",
        )
    ]
    assert problems_table(response) == [["2", "Q6", "This question is required; enter an answer"]]
    assert not ImportBatch.objects.exists()


def test_a_file_with_problems_shows_every_one_and_a_summary_linking_to_the_field(staff_client):
    setup = make_setup()
    rows = [HEADER, ["Gotham", *GATESHEAD[1:]], [NEWCASTLE[0], "", "Hub", *NEWCASTLE[3:]]]

    response = upload(staff_client, setup.survey, "bad.csv", csv_file(rows))

    assert page_title(response).startswith("Error: Import returns")
    assert error_summary(response) == [
        (
            "The selected file has 3 problems, so nothing was imported. Fix each one listed "
            "below, then upload the file again",
            "#id_file",
        )
    ]
    assert field_error(response).startswith("Error: The selected file has 3 problems")
    assert [(r[0], r[1]) for r in problems_table(response)] == [
        ("2", "local_authority"),
        ("3", "Q1"),
        ("3", "Q2"),
    ]
    caption = parse(response.content).find("caption").text()
    assert caption == "3 problems in bad.csv"


def test_an_illustrative_survey_says_so_on_its_import_pages(staff_client):
    setup = make_setup()
    setup.survey.is_illustrative = True
    setup.survey.save()

    for response in (
        staff_client.get(url("import_upload", setup.survey)),
        upload(staff_client, setup.survey, "r.csv", csv_file([HEADER, GATESHEAD])),
        staff_client.get(url("import_batches", setup.survey)),
    ):
        warning = parse(response.content).find("div", "govuk-warning-text")
        assert "illustrative" in warning.text()


def test_uploads_left_unconfirmed_for_a_day_are_deleted_by_a_later_upload(db, media):
    old = import_upload_store(file_name="old.csv", content=b"old")
    path = media / "imports" / f"{old}.csv"
    a_day_ago = (dt.datetime.now() - dt.timedelta(days=1, minutes=1)).timestamp()
    os.utime(path, (a_day_ago, a_day_ago))
    recent = import_upload_store(file_name="recent.csv", content=b"recent")

    assert not path.exists()
    assert (media / "imports" / f"{recent}.csv").exists()


def test_the_batches_page_lists_every_import_newest_first_with_the_returns_it_changed(
    staff_client, staff_user
):
    setup = make_setup()
    first = import_csv(setup, [HEADER, GATESHEAD, NEWCASTLE], name="first.csv")
    second = import_csv(
        setup, [HEADER, [GATESHEAD[0], "No", *GATESHEAD[2:]], NEWCASTLE], name="second.csv"
    )

    response = staff_client.get(url("import_batches", setup.survey))

    page = parse(response.content)
    cards = page.find_all("div", "govuk-summary-card")
    assert [c.find("h2").text() for c in cards] == ["second.csv", "first.csv"]
    assert second.sha256 in cards[0].text()
    assert "0 new, 1 updated, 1 unchanged" in cards[0].text()
    assert "2 new, 0 updated, 0 unchanged" in cards[1].text()
    changed = [[(a.text(), a.attrs["href"]) for a in card.find_all("a")] for card in cards]
    gateshead = url("return_detail", setup.survey, area="gateshead")
    newcastle = url("return_detail", setup.survey, area="newcastle-upon-tyne")
    assert changed == [
        [("Gateshead", gateshead)],
        [("Gateshead", gateshead), ("Newcastle upon Tyne", newcastle)],
    ]
    assert first.pk != second.pk


def test_the_batches_page_query_count_does_not_grow_with_the_imports(staff_client):
    setup = make_setup()
    import_csv(setup, [HEADER, GATESHEAD])
    page = url("import_batches", setup.survey)

    def grow() -> None:
        import_csv(setup, [HEADER, NEWCASTLE, SUNDERLAND], name="more.csv")
        import_csv(setup, [HEADER, [GATESHEAD[0], "No", *GATESHEAD[2:]]], name="fix.csv")

    assert_query_count_flat(lambda: staff_client.get(page), grow, message="the batches page")
