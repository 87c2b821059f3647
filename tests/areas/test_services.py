import csv
import shutil
from collections.abc import Callable
from pathlib import Path

import pytest
from django.db.models import Count

from areas.models import LocalAuthority, Region
from areas.services import RegisterError, register_load

from .pages import AUTHORITIES_CSV, README_COUNTS, REGIONS_CSV

pytestmark = pytest.mark.django_db

Rows = list[dict[str, str]]


def _snapshot() -> tuple[list[tuple[object, ...]], list[tuple[object, ...]]]:
    """Every stored value of every region and authority, with row ids."""
    return (
        list(Region.objects.order_by("pk").values_list()),
        list(LocalAuthority.objects.order_by("pk").values_list()),
    )


def _copy_register(
    tmp_path: Path, edit: Callable[[Rows], Rows] | None = None, columns: list[str] | None = None
) -> tuple[Path, Path]:
    """Copy the register files into tmp_path, letting `edit` change the authority rows."""
    regions = tmp_path / "regions.csv"
    authorities = tmp_path / "local-authorities-2013.csv"
    shutil.copy(REGIONS_CSV, regions)
    with AUTHORITIES_CSV.open(encoding="utf-8-sig", newline="") as f:
        reader = csv.DictReader(f)
        fieldnames = list(columns or reader.fieldnames or [])
        rows = list(reader)
    if edit is not None:
        rows = edit(rows)
    with authorities.open("w", encoding="utf-8", newline="") as f:
        writer = csv.DictWriter(f, fieldnames=fieldnames, extrasaction="ignore")
        writer.writeheader()
        writer.writerows(rows)
    return authorities, regions


def _row(rows: Rows, name: str) -> dict[str, str]:
    return next(row for row in rows if row["name"] == name)


def _line(name: str) -> int:
    """The line of the authorities file (header is line 1) that holds `name`."""
    with AUTHORITIES_CSV.open(encoding="utf-8-sig", newline="") as f:
        return next(i for i, row in enumerate(csv.DictReader(f), start=2) if row["name"] == name)


def test_loading_the_register_creates_the_9_regions_and_152_authorities():
    result = register_load()

    assert Region.objects.count() == 9
    assert LocalAuthority.objects.count() == 152
    assert len(result.created) == 9 + 152
    assert result.updated == []
    counts = dict(Region.objects.annotate(n=Count("authorities")).values_list("name", "n"))
    assert counts == README_COUNTS


def test_loading_the_register_twice_changes_nothing():
    register_load()
    before = _snapshot()

    second = register_load()

    assert second.created == []
    assert second.updated == []
    assert second.unchanged == 9 + 152
    assert second.summary() == "0 created, 0 updated, 161 unchanged"
    assert _snapshot() == before


def test_a_renamed_authority_is_updated_and_nothing_else_changes(tmp_path, register):
    gateshead = LocalAuthority.objects.get(name="Gateshead")
    others_before = list(
        LocalAuthority.objects.exclude(pk=gateshead.pk).order_by("pk").values_list()
    )

    def rename(rows: Rows) -> Rows:
        _row(rows, "Gateshead")["name"] = "Gateshead Borough"
        return rows

    authorities, regions = _copy_register(tmp_path, rename)
    result = register_load(authorities_csv=authorities, regions_csv=regions)

    assert result.updated == ["Gateshead Borough"]
    assert result.created == []
    assert result.unchanged == 9 + 151
    renamed = LocalAuthority.objects.get(pk=gateshead.pk)
    assert renamed.name == "Gateshead Borough"
    assert renamed.slug == "gateshead-borough"
    assert renamed.gss_code == "E08000037"
    others_after = list(
        LocalAuthority.objects.exclude(pk=gateshead.pk).order_by("pk").values_list()
    )
    assert others_after == others_before


def _unknown_region(rows: Rows) -> Rows:
    _row(rows, "Gateshead")["region_code"] = "E12000099"
    return rows


def _unknown_type(rows: Rows) -> Rows:
    _row(rows, "Gateshead")["type"] = "borough"
    return rows


def _duplicate_dfe_code(rows: Rows) -> Rows:
    _row(rows, "Gateshead")["dfe_code"] = _row(rows, "Darlington")["dfe_code"]
    return rows


def _district_ons_code(rows: Rows) -> Rows:
    # E07 is a lower-tier district: not an authority with children's services.
    _row(rows, "Gateshead")["gss_code"] = "E07000037"
    return rows


def _two_digit_dfe_code(rows: Rows) -> Rows:
    _row(rows, "Gateshead")["dfe_code"] = "39"
    return rows


BAD_ROWS = [
    pytest.param(_unknown_region, ["E12000099", "regions.csv"], id="unknown-region-code"),
    pytest.param(_unknown_type, ["'borough'", "county"], id="unknown-type"),
    pytest.param(_duplicate_dfe_code, ["dfe_code '841' appears twice"], id="duplicate-dfe-code"),
    pytest.param(_district_ons_code, ["Enter an upper-tier ONS code"], id="district-ons-code"),
    pytest.param(
        _two_digit_dfe_code, ["DfE local authority code: 3 digits"], id="two-digit-dfe-code"
    ),
]


@pytest.mark.parametrize(("edit", "mentions"), BAD_ROWS)
def test_a_bad_row_is_refused_naming_the_row_and_nothing_is_written(tmp_path, edit, mentions):
    authorities, regions = _copy_register(tmp_path, edit)

    with pytest.raises(RegisterError) as raised:
        register_load(authorities_csv=authorities, regions_csv=regions)

    where = f"local-authorities-2013.csv row {_line('Gateshead')}"
    assert any(
        problem.startswith(where) and all(m in problem for m in mentions)
        for problem in raised.value.problems
    ), raised.value.problems
    assert where in str(raised.value)
    assert Region.objects.count() == 0
    assert LocalAuthority.objects.count() == 0


@pytest.mark.parametrize(("edit", "mentions"), BAD_ROWS)
def test_a_bad_row_leaves_a_loaded_register_untouched(tmp_path, register, edit, mentions):
    before = _snapshot()

    def rename_one_and_break_another(rows: Rows) -> Rows:
        _row(rows, "Hartlepool")["name"] = "Hartlepool Borough"
        return edit(rows)

    authorities, regions = _copy_register(tmp_path, rename_one_and_break_another)

    with pytest.raises(RegisterError):
        register_load(authorities_csv=authorities, regions_csv=regions)

    assert _snapshot() == before
    assert LocalAuthority.objects.filter(name="Hartlepool").exists()


def test_a_file_missing_a_column_is_refused_naming_the_column(tmp_path):
    columns = [
        "gss_code",
        "gss_code_before_april_2013",
        "dfe_code",
        "name",
        "region_code",
        "region_name",
    ]
    authorities, regions = _copy_register(tmp_path, columns=columns)

    with pytest.raises(RegisterError) as raised:
        register_load(authorities_csv=authorities, regions_csv=regions)

    assert raised.value.problems == [
        "local-authorities-2013.csv: add the missing columns type",
    ]
    assert Region.objects.count() == 0
    assert LocalAuthority.objects.count() == 0


def test_every_bad_row_in_a_file_is_listed(tmp_path):
    def break_two_rows(rows: Rows) -> Rows:
        _row(rows, "Gateshead")["region_code"] = "E12000099"
        _row(rows, "Westminster")["type"] = "city"
        return rows

    authorities, regions = _copy_register(tmp_path, break_two_rows)

    with pytest.raises(RegisterError) as raised:
        register_load(authorities_csv=authorities, regions_csv=regions)

    problems = raised.value.problems
    assert len(problems) == 2
    assert any(f"row {_line('Gateshead')}:" in p and "E12000099" in p for p in problems)
    assert any(f"row {_line('Westminster')}:" in p and "'city'" in p for p in problems)


def test_a_missing_file_is_refused(tmp_path):
    with pytest.raises(RegisterError) as raised:
        register_load(authorities_csv=tmp_path / "nothing.csv", regions_csv=REGIONS_CSV)

    assert raised.value.problems[0].startswith("nothing.csv: cannot be read")
    assert Region.objects.count() == 0


@pytest.mark.parametrize(
    ("name", "code", "code_before_april_2013", "dfe_code"),
    [
        ("Gateshead", "E08000037", "E08000020", "390"),
        ("Northumberland", "E06000057", "E06000048", "929"),
    ],
)
def test_authorities_whose_ons_code_changed_in_2013_keep_both_codes(
    register, name, code, code_before_april_2013, dfe_code
):
    authority = LocalAuthority.objects.get(name=name)

    assert authority.gss_code == code
    assert authority.gss_code_before_april_2013 == code_before_april_2013
    assert authority.dfe_code == dfe_code
    assert authority.region.name == "North East"


def test_only_the_two_authorities_whose_code_changed_have_an_earlier_code(register):
    with_old_code = LocalAuthority.objects.exclude(gss_code_before_april_2013="")

    assert sorted(with_old_code.values_list("name", flat=True)) == ["Gateshead", "Northumberland"]
