"""Every problem of a file is found in one check, by row and column; the page lists the first
100 and counts the rest, the whole list downloads as CSV, and no message quotes more than an
excerpt of a cell."""

import csv
import io
from io import StringIO

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.urls import reverse

from surveys.imports import MAX_PROBLEMS, PROBLEMS_SHOWN, survey_import_check
from surveys.models import Response

from ..areas.pages import parse
from ..factories import UserFactory
from .import_files import (
    GATESHEAD,
    HEADER,
    csv_file,
    field_error,
    make_setup,
    problems_table,
    upload,
)

#: Four problems a row: an unknown area, Q1 not yes or no, Q2 not a choice, Q4 not a number.
BAD_ROW = ["Gotham", "Maybe", "Hub", "Police", "lots", "", ""]
#: After an unknown area, five more: Q3 not a choice, Q5 not a date too.
SIX_PROBLEMS = ["Maybe", "Hub", "Cats", "lots", "soon", ""]


def bad_file(rows: int) -> bytes:
    return csv_file([HEADER, *([f"Gotham {n}", *BAD_ROW[1:]] for n in range(rows))])


def download_link(response):
    page = parse(response.content)
    return next(a for a in page.find_all("a") if a.attrs.get("id") == "problems-download")


def download(client, survey, response) -> list[list[str]]:
    """The rows of the CSV the problems page links to (its header first)."""
    link = download_link(response)
    got = client.get(link.attrs["href"])
    assert got.status_code == 200
    assert got["Content-Type"] == "text/csv; charset=utf-8"
    assert got["Content-Disposition"] == f'attachment; filename="{survey.slug}-import-problems.csv"'
    assert got["Cache-Control"] == "private, no-store"
    return list(csv.reader(io.StringIO(got.content.decode("utf-8-sig"))))


def test_a_file_with_1312_problems_lists_100_counts_the_rest_and_downloads_them_all(
    staff_client,
):
    setup = make_setup()

    response = upload(staff_client, setup.survey, "bad.csv", bad_file(328))

    assert field_error(response) == (
        "Error: The selected file has 1,312 problems, so nothing was imported. Fix each one "
        "listed below, then upload the file again"
    )
    page = parse(response.content)
    assert page.find("caption").text() == "1,312 problems in bad.csv"
    table = problems_table(response)
    assert len(table) == PROBLEMS_SHOWN == 100
    assert table[:4] == [
        [
            "2",
            "local_authority",
            "'Gotham 0' is not a local authority in the register; use its ONS code (such as "
            "E08000037), DfE code (such as 390) or exact name",
        ],
        ["2", "Q1", "Enter Yes or No"],
        ["2", "Q2", "'Hub' is not one of the choices; enter one of MASH, Co-located team, Other"],
        ["2", "Q4", "'lots' is not a number; enter digits, such as 120"],
    ]
    more = next(p for p in page.find_all("p") if p.attrs.get("id") == "problems-not-shown")
    assert more.text() == "And 1,212 more."
    rows = download(staff_client, setup.survey, response)
    assert rows[0] == ["Row", "Column", "What to fix"]
    assert len(rows) == 1 + 1312
    assert rows[1:101] == table
    assert rows[-1] == ["329", "Q4", "'lots' is not a number; enter digits, such as 120"]
    assert not Response.objects.exists()


def test_a_file_with_a_few_problems_lists_them_all_and_offers_the_list(staff_client):
    setup = make_setup()

    response = upload(staff_client, setup.survey, "bad.csv", bad_file(2))

    page = parse(response.content)
    assert len(problems_table(response)) == 8
    assert not [p for p in page.find_all("p") if p.attrs.get("id") == "problems-not-shown"]
    assert len(download(staff_client, setup.survey, response)) == 1 + 8


def test_past_10000_problems_are_counted_not_kept(db, tmp_path):
    setup = make_setup()
    content = csv_file([HEADER, *([f"Gotham {n}", *SIX_PROBLEMS] for n in range(2000))])

    plan = survey_import_check(survey=setup.survey, file_name="r.csv", content=content)

    assert (plan.problem_count, len(plan.problems), plan.more_problems) == (12_000, 10_000, 2_000)
    last = plan.problems[-1]
    assert (last.row, last.column) == (1668, "Q3")  # row 2 + 9,999 // 6, the fourth of six
    path = tmp_path / "bad.csv"
    path.write_bytes(content)
    err = StringIO()
    with pytest.raises(CommandError, match=r"^bad\.csv has 12,000 problems: nothing was imported"):
        call_command("import_survey_responses", "--survey", setup.survey.slug, path, stderr=err)
    assert err.getvalue().splitlines()[-1] == "And 2,000 more, not listed."


def test_the_download_says_how_many_were_not_kept(staff_client):
    setup = make_setup()
    rows = [HEADER, *([f"Gotham {n}", *SIX_PROBLEMS] for n in range(2000))]

    response = upload(staff_client, setup.survey, "bad.csv", csv_file(rows))

    assert parse(response.content).find("caption").text() == "12,000 problems in bad.csv"
    listed = download(staff_client, setup.survey, response)
    assert len(listed) == 1 + MAX_PROBLEMS + 1
    assert listed[-1] == [
        "",
        "",
        "And 2,000 more, not listed: fix these, then check the file again to list the rest",
    ]


def test_the_list_of_problems_is_for_project_members_only(staff_client, client):
    setup = make_setup()
    response = upload(staff_client, setup.survey, "bad.csv", bad_file(2))
    link = download_link(response)
    client.force_login(UserFactory.create())

    assert client.get(link.attrs["href"]).status_code == 403


@pytest.mark.parametrize("sha256", ["0" * 64, "not-a-hash"])
def test_a_list_no_longer_kept_sends_back_to_the_upload_page(staff_client, sha256):
    setup = make_setup()
    url = reverse("surveys:import_problems", kwargs={"slug": setup.survey.slug, "sha256": sha256})

    response = staff_client.get(url, follow=True)

    upload_page = reverse("surveys:import_upload", kwargs={"slug": setup.survey.slug})
    assert response.redirect_chain == [(upload_page, 302)]
    assert "That list of problems has expired. Upload the file again" in (
        parse(response.content).text()
    )


def test_a_long_cell_is_quoted_as_an_excerpt_of_60_characters(staff_client):
    setup = make_setup()
    long_area = "Gotham " + "a" * 5000
    long_number = "1" * 30 + "x" * 5000
    long_heading = "Notes " + "n" * 5000
    rows = [[*HEADER, long_heading], [long_area, *GATESHEAD[1:4], long_number, "", "", ""]]

    plan = survey_import_check(survey=setup.survey, file_name="r.csv", content=csv_file(rows))

    assert [(p.row, p.column, p.message) for p in plan.problems] == [
        (
            1,
            f"{long_heading[:60]}…",
            "unknown column; the columns are local_authority and the question codes Q1, Q2, Q3, "
            "Q4, Q5, Q6. Rename it to one of them or delete it",
        ),
        (
            2,
            "local_authority",
            f"'{long_area[:60]}…' is not a local authority in the register; use its ONS code "
            "(such as E08000037), DfE code (such as 390) or exact name",
        ),
        (2, "Q4", f"'{long_number[:60]}…' is not a number; enter digits, such as 120"),
    ]
    response = upload(staff_client, setup.survey, "r.csv", csv_file(rows))
    assert len(response.content) < 100_000
    assert b"a" * 61 not in response.content
    assert b"x" * 61 not in response.content
