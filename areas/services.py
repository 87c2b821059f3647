"""Writes to the register."""

import csv
import io
from dataclasses import dataclass, field
from pathlib import Path

from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.utils.text import slugify

from mash_survey import audit, search
from mash_survey.errors import ServiceError
from mash_survey.models import AuditKind

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


def _check_row(obj: models.Model, where: str, *, validate_unique: bool = True) -> None:
    """Run the model's checks; a failure is a RegisterError naming the row (nothing is saved)."""
    try:
        obj.full_clean(validate_unique=validate_unique)
    except ValidationError as exc:
        problems = [
            f"{where}: {message}" if name == "__all__" else f"{where}: {name} {message}"
            for name, messages in exc.message_dict.items()
            for message in messages
        ]
        raise RegisterError(problems) from exc


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
        if region_rows and row["region_code"] not in region_names:
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
    slugs: dict[str, int] = {}
    for line, row in enumerate(authority_rows, start=2):
        slug = slugify(row["name"])
        if slug in slugs and row["name"] not in {r["name"] for r in authority_rows[: line - 2]}:
            problems.append(
                f"{authorities_csv.name} row {line}: name {row['name']!r} gives the same web "
                f"address ({slug}) as row {slugs[slug]}; make the names differ in letters or digits"
            )
        slugs.setdefault(slug, line)
    if problems:
        raise RegisterError(problems)

    result = RegisterLoadResult()
    regions: dict[str, Region] = {r.code: r for r in Region.objects.all()}
    for code, name in region_names.items():
        values: dict[str, object] = {"name": name, "slug": slugify(name)}
        region = regions.get(code)
        where = f"{regions_csv.name} region {code!r}"
        if region is None:
            regions[code] = Region(code=code, **values)
            _check_row(regions[code], where)
            regions[code].save()
            result.created.append(name)
        elif _fields_differ(region, values):
            for key, value in values.items():
                setattr(region, key, value)
            _check_row(region, where)
            region.save()
            result.updated.append(name)
        else:
            result.unchanged += 1

    authorities = {a.gss_code: a for a in LocalAuthority.objects.all()}
    new: list[LocalAuthority] = []
    for line, row in enumerate(authority_rows, start=2):
        values = {
            "gss_code_before_april_2013": row["gss_code_before_april_2013"],
            "dfe_code": row["dfe_code"],
            "name": row["name"],
            "slug": slugify(row["name"]),
            "type": row["type"],
            "region": regions[row["region_code"]],
        }
        where = f"{authorities_csv.name} row {line}"
        authority = authorities.get(row["gss_code"])
        if authority is None:
            authority = LocalAuthority(gss_code=row["gss_code"], **values)
            _check_row(authority, where, validate_unique=False)
            new.append(authority)
            result.created.append(row["name"])
        elif _fields_differ(authority, values):
            for key, value in values.items():
                setattr(authority, key, value)
            _check_row(authority, where, validate_unique=False)
            authority.save()
            result.updated.append(row["name"])
        else:
            result.unchanged += 1
    # bulk_create sends no signals: the new authorities are indexed for search here.
    search.index_all(LocalAuthority.objects.bulk_create(new))
    audit.record(
        AuditKind.IMPORTED,
        what=f"The register: {regions_csv.name}, {authorities_csv.name}",
        detail={
            "created": len(result.created),
            "updated": len(result.updated),
            "unchanged": result.unchanged,
        },
    )
    return result
