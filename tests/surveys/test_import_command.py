"""`manage.py import_survey_responses --survey SLUG FILE [--dry-run]`."""

from io import StringIO

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from surveys.management.commands.import_survey_responses import Command
from surveys.models import ImportBatch, Response

from .import_files import (
    GATESHEAD,
    HEADER,
    NEWCASTLE,
    SUNDERLAND,
    csv_file,
    import_csv,
    make_setup,
    row_counts,
    xlsx_file,
)


def run(*args: str) -> tuple[str, str]:
    out, err = StringIO(), StringIO()
    call_command("import_survey_responses", *args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


@pytest.fixture
def setup(db):
    setup = make_setup()
    import_csv(setup, [HEADER, GATESHEAD, NEWCASTLE])
    return setup


@pytest.fixture
def corrected(tmp_path):
    path = tmp_path / "corrected.csv"
    path.write_bytes(
        csv_file([HEADER, [GATESHEAD[0], "No", *GATESHEAD[2:]], NEWCASTLE, SUNDERLAND])
    )
    return path


def test_a_dry_run_prints_what_would_change_and_writes_nothing(setup, corrected):
    before = row_counts()

    out, err = run("--survey", setup.survey.slug, str(corrected), "--dry-run")

    assert out.splitlines()[0].startswith("corrected.csv (SHA-256 ")
    assert "1 new, 1 updated, 1 unchanged returns" in out
    assert "New (1): Sunderland" in out
    assert "Updated (1): Gateshead (Q1)" in out
    assert "Unchanged (1): Newcastle upon Tyne" in out
    assert out.rstrip().endswith("Dry run: nothing was written.")
    assert err == ""
    assert row_counts() == before


def test_an_import_prints_the_plan_and_the_batch_it_recorded(setup, corrected):
    out, _ = run("--survey", setup.survey.slug, str(corrected))

    batch = ImportBatch.objects.latest("pk")
    assert f"Imported as batch {batch.pk}: 1 new, 1 updated, 1 unchanged." in out
    assert (batch.file_name, batch.imported_by) == ("corrected.csv", None)
    assert Response.objects.count() == 3


def test_an_xlsx_file_imports_too(setup, tmp_path):
    path = tmp_path / "returns.xlsx"
    path.write_bytes(xlsx_file([HEADER, SUNDERLAND]))

    out, _ = run("--survey", setup.survey.slug, str(path))

    assert "1 new, 0 updated, 0 unchanged" in out


def test_a_file_with_problems_lists_each_with_its_row_and_column_and_writes_nothing(
    setup, tmp_path
):
    path = tmp_path / "bad.csv"
    path.write_bytes(
        csv_file([HEADER, ["Gotham", *GATESHEAD[1:]], [*NEWCASTLE[:4], "lots", "", ""]])
    )
    before = row_counts()
    err = StringIO()

    with pytest.raises(CommandError, match=r"bad\.csv has 2 problems: nothing was imported"):
        call_command(
            "import_survey_responses", "--survey", setup.survey.slug, str(path), stderr=err
        )

    assert err.getvalue().splitlines() == [
        "Row 2, column local_authority: 'Gotham' is not a local authority in the register; "
        "use its ONS code (such as E08000037), DfE code (such as 390) or exact name",
        "Row 3, column Q4: 'lots' is not a number; enter digits, such as 120",
    ]
    assert row_counts() == before


def test_problems_end_the_command_with_exit_status_1(setup, tmp_path, capsys):
    path = tmp_path / "bad.csv"
    path.write_bytes(csv_file([HEADER, ["Gotham", *GATESHEAD[1:]]]))

    with pytest.raises(SystemExit) as exit_:
        Command().run_from_argv(
            ["manage.py", "import_survey_responses", "--survey", setup.survey.slug, str(path)]
        )

    assert exit_.value.code == 1
    err = capsys.readouterr().err
    assert "Row 2, column local_authority: 'Gotham'" in err
    assert "CommandError: bad.csv has 1 problem: nothing was imported" in err


def test_an_unreadable_file_is_refused_with_its_reason(setup, tmp_path):
    path = tmp_path / "empty.csv"
    path.write_bytes(b"")

    with pytest.raises(CommandError, match=r"empty\.csv: The selected file is empty"):
        run("--survey", setup.survey.slug, str(path))


def test_an_unknown_survey_is_refused_listing_the_surveys(setup, corrected):
    with pytest.raises(CommandError, match=rf"No survey has the slug 'nope'.*{setup.survey.slug}"):
        run("--survey", "nope", str(corrected))


def test_a_missing_file_is_refused(setup, tmp_path):
    with pytest.raises(CommandError, match="Cannot read"):
        run("--survey", setup.survey.slug, str(tmp_path / "absent.csv"))
