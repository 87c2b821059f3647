import shutil
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from areas.models import LocalAuthority, Region

from .pages import AUTHORITIES_CSV, README_COUNTS, REGIONS_CSV

pytestmark = pytest.mark.django_db


def _load(*args: str) -> str:
    out = StringIO()
    call_command("load_register", *args, stdout=out)
    return out.getvalue()


def _broken_copy(tmp_path: Path, old: str, new: str) -> Path:
    copy = tmp_path / "authorities.csv"
    shutil.copy(AUTHORITIES_CSV, copy)
    text = copy.read_text(encoding="utf-8")
    assert old in text
    copy.write_text(text.replace(old, new, 1), encoding="utf-8")
    return copy


def test_the_command_loads_the_register_and_prints_a_summary():
    output = _load()

    assert output.strip() == "Register loaded: 161 created, 0 updated, 0 unchanged."
    assert Region.objects.count() == len(README_COUNTS)
    assert LocalAuthority.objects.count() == sum(README_COUNTS.values())


def test_running_the_command_again_changes_nothing():
    _load()
    before = list(LocalAuthority.objects.order_by("pk").values_list())

    output = _load()

    assert output.strip() == "Register loaded: 0 created, 0 updated, 161 unchanged."
    assert list(LocalAuthority.objects.order_by("pk").values_list()) == before


def test_the_command_reads_the_files_it_is_given(tmp_path, register):
    renamed = _broken_copy(tmp_path, ",Gateshead,", ",Gateshead Borough,")

    output = _load("--authorities", str(renamed), "--regions", str(REGIONS_CSV))

    assert output.strip() == "Register loaded: 0 created, 1 updated, 160 unchanged."
    assert LocalAuthority.objects.get(gss_code="E08000037").name == "Gateshead Borough"


@pytest.mark.parametrize(
    ("old", "new", "problem"),
    [
        pytest.param(
            ",E12000001,North East\n",
            ",E12000099,North East\n",
            "authorities.csv row 2: region 'E12000099' is not in regions.csv",
            id="unknown-region",
        ),
        pytest.param(
            "E06000047,,840,County Durham,unitary,",
            "E06000047,,840,County Durham,district,",
            "authorities.csv row 2: type 'district'",
            id="unknown-type",
        ),
        pytest.param(
            "E06000047,,840,",
            "E07000047,,840,",
            "authorities.csv row 2: Enter an upper-tier ONS code: E06, E08, E09 or E10",
            id="lower-tier-ons-code",
        ),
    ],
)
def test_a_bad_file_stops_the_command_with_the_problem(tmp_path, old, new, problem):
    broken = _broken_copy(tmp_path, old, new)

    with pytest.raises(CommandError) as raised:
        _load("--authorities", str(broken))

    assert problem in str(raised.value)
    assert str(raised.value).startswith("The register was not loaded:")
    assert Region.objects.count() == 0
    assert LocalAuthority.objects.count() == 0


def test_a_missing_file_stops_the_command(tmp_path):
    with pytest.raises(CommandError, match=r"missing\.csv: cannot be read"):
        _load("--regions", str(tmp_path / "missing.csv"))

    assert Region.objects.count() == 0
