"""Writes to the register."""

import csv
import io
from dataclasses import dataclass, field
from pathlib import Path

from django.db import transaction
from django.utils.text import slugify

from mash_survey.errors import ServiceError

from .models import AuthorityType, LocalAuthority, Region

DATA_DIR = Path(__file__).resolve().parent / "data"
AUTHORITIES_CSV = DATA_DIR / "local-authorities-2013.csv"
REGIONS_CSV = DATA_DIR / "regions.csv"

AUTHORITY_COLUMNS = (
    "gss_code",
    "gss_code_before_april_2013",
    "dfe_code",
    "name",
    "type",
    "region_code",
    "region_name",
)
REGION_COLUMNS = ("region_code", "name")


class RegisterError(ServiceError):
    """The register files are not as expected; nothing was written."""

    def __init__(self, problems: list[str]) -> None:
        self.problems = problems
        super().__init__("The register was not loaded:\n" + "\n".join(problems))


@dataclass
class RegisterLoadResult:
    created: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)
    unchanged: int = 0

    def summary(self) -> str:
        return (
            f"{len(self.created)} created, {len(self.updated)} updated, {self.unchanged} unchanged"
        )


def _read_csv(path: Path, columns: tuple[str, ...], problems: list[str]) -> list[dict[str, str]]:
    try:
        text = path.read_text(encoding="utf-8-sig")
    except OSError as exc:
        problems.append(f"{path.name}: cannot be read ({exc.strerror})")
        return []
    reader = csv.DictReader(io.StringIO(text))
    missing = [c for c in columns if c not in (reader.fieldnames or [])]
    if missing:
        problems.append(f"{path.name}: add the missing columns {', '.join(missing)}")
        return []
    return [{k: (v or "").strip() for k, v in row.items() if k} for row in reader]


def _fields_differ(obj: object, values: dict[str, object]) -> bool:
    return any(getattr(obj, name) != value for name, value in values.items())


@transaction.atomic
def register_load(
    *, authorities_csv: Path = AUTHORITIES_CSV, regions_csv: Path = REGIONS_CSV
) -> RegisterLoadResult:
    """Load or refresh the regions and local authorities from the register files.

    Idempotent: a second run with the same files changes nothing. The files are
    checked as a whole first; if any row is wrong, nothing is written.
    """
    problems: list[str] = []
    region_rows = _read_csv(regions_csv, REGION_COLUMNS, problems)
    authority_rows = _read_csv(authorities_csv, AUTHORITY_COLUMNS, problems)

    region_names = {row["region_code"]: row["name"] for row in region_rows}
    for line, row in enumerate(authority_rows, start=2):
        where = f"{authorities_csv.name} row {line}"
        if row["region_code"] not in region_names:
            problems.append(f"{where}: region {row['region_code']!r} is not in {regions_csv.name}")
        if row["type"] not in AuthorityType.values:
            problems.append(
                f"{where}: type {row['type']!r} must be one of {', '.join(AuthorityType.values)}"
            )
    for column in ("gss_code", "dfe_code", "name"):
        seen: set[str] = set()
        for line, row in enumerate(authority_rows, start=2):
            if row[column] in seen:
                problems.append(
                    f"{authorities_csv.name} row {line}: {column} {row[column]!r} appears twice"
                )
            seen.add(row[column])
    if problems:
        raise RegisterError(problems)

    result = RegisterLoadResult()
    regions: dict[str, Region] = {r.code: r for r in Region.objects.all()}
    for code, name in region_names.items():
        values: dict[str, object] = {"name": name, "slug": slugify(name)}
        region = regions.get(code)
        if region is None:
            regions[code] = Region(code=code, **values)
            regions[code].full_clean()
            regions[code].save()
            result.created.append(name)
        elif _fields_differ(region, values):
            for key, value in values.items():
                setattr(region, key, value)
            region.full_clean()
            region.save()
            result.updated.append(name)
        else:
            result.unchanged += 1

    authorities = {a.gss_code: a for a in LocalAuthority.objects.all()}
    for row in authority_rows:
        values = {
            "gss_code_before_april_2013": row["gss_code_before_april_2013"],
            "dfe_code": row["dfe_code"],
            "name": row["name"],
            "slug": slugify(row["name"]),
            "type": row["type"],
            "region": regions[row["region_code"]],
        }
        authority = authorities.get(row["gss_code"])
        if authority is None:
            authority = LocalAuthority(gss_code=row["gss_code"], **values)
            result.created.append(row["name"])
        elif _fields_differ(authority, values):
            for key, value in values.items():
                setattr(authority, key, value)
            result.updated.append(row["name"])
        else:
            result.unchanged += 1
            continue
        authority.full_clean(validate_unique=False)
        authority.save()
    return result
