"""Backups that restore (`manage.py backup` and `restore`, mash_survey/backups.py).

On the database the suite runs on: SQLite through its backup API, PostgreSQL through
pg_dump and pg_restore, into the test database itself. A restore is transactional, since
it replaces the whole database with a backup of committed data. A backup that is refused
is refused before the database is touched: those tests run in the test's transaction
(cheaper), their backup holding what was committed, which is not what the test made.

"As it was" is every table's rows (counted, and hashed in a fixed order) and every stored
file's SHA-256.
"""

import hashlib
import io
import json
import tarfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from pytest_django.fixtures import Settings

from areas.models import LocalAuthority
from case_studies.models import CaseStudy
from mash_survey import backups, page_cache, stored
from tests.case_studies.factories import CaseStudyFactory, SectionFactory
from tests.factories import LocalAuthorityFactory, StaffFactory
from tests.surveys.import_files import use_tmp_media
from tests.visits.factories import DetailedFeedbackFactory, VisitFactory

restores = pytest.mark.django_db(transaction=True)
refusals = pytest.mark.django_db

OTHER_VENDOR = {"sqlite": "postgresql", "postgresql": "sqlite"}


@pytest.fixture
def media(settings: Settings, tmp_path: Path) -> Path:
    """MEDIA_ROOT: a folder of the test's own."""
    root = tmp_path / "media"
    use_tmp_media(settings, root)
    return root


@pytest.fixture
def records(media: Path) -> None:
    """A few records of each kind, with their history, search entries and stored files."""
    area, neighbour = LocalAuthorityFactory.create_batch(2)
    visit = VisitFactory.create(region=area.region, local_authorities=[area, neighbour])
    DetailedFeedbackFactory.create(visit=visit)
    for _ in range(2):
        study = CaseStudyFactory.create(local_authorities=[area])
        SectionFactory.create_batch(2, case_study=study)
    StaffFactory.create()
    stored.put("editions/early-findings/edition.pdf", b"%PDF-1.7 the edition")
    stored.put("editions/early-findings/pages/index.html", b"<h1>Early findings</h1>")
    stored.put("pdfs/case-study-1-v1.pdf", b"%PDF-1.7 a case study")


@dataclass(frozen=True)
class State:
    tables: dict[str, tuple[int, str]]  # table -> (rows, SHA-256 of its rows in order)
    files: dict[str, str]  # path under MEDIA_ROOT -> SHA-256


def state_of(media: Path, *, leaving_out: Callable[[str], bool] = lambda table: False) -> State:
    """The database's content and the stored files. The page cache's generation is left
    out: a restore moves it on, by design."""
    tables = {}
    with connection.cursor() as cursor:
        for table in connection.introspection.table_names(cursor):
            if table == page_cache.GENERATION_TABLE or leaving_out(table):
                continue
            cursor.execute(f"SELECT * FROM {connection.ops.quote_name(table)}")  # noqa: S608
            # Sorted: whatever order the database returns them in after a restore.
            rows = sorted(repr(tuple(_plain(v) for v in row)) for row in cursor.fetchall())
            tables[table] = (len(rows), hashlib.sha256("\n".join(rows).encode()).hexdigest())
    files = {
        path.relative_to(media).as_posix(): hashlib.sha256(path.read_bytes()).hexdigest()
        for path in sorted(media.rglob("*"))
        if path.is_file()
    }
    return State(tables, files)


def _plain(value: Any) -> Any:
    return bytes(value) if isinstance(value, memoryview) else value


def change_everything(media: Path) -> None:
    """Rows deleted, a row edited, a row added; a file added, one changed, one deleted."""
    CaseStudy.objects.filter(pk=CaseStudy.objects.earliest("pk").pk).delete()
    LocalAuthority.objects.filter(pk=LocalAuthority.objects.earliest("pk").pk).update(
        name="Renamed"
    )
    StaffFactory.create()
    stored.put("pdfs/case-study-2-v1.pdf", b"%PDF-1.7 made after the backup")
    (media / "editions/early-findings/edition.pdf").write_bytes(b"%PDF-1.7 overwritten")
    (media / "pdfs/case-study-1-v1.pdf").unlink()


@restores
def test_a_restore_brings_back_every_record_and_file_as_they_were(
    records: None, media: Path, tmp_path: Path
) -> None:
    call_command("backup", "--dir", str(tmp_path / "backups"), stdout=io.StringIO())
    [archive] = (tmp_path / "backups").glob("*.tar.gz")
    assert archive.with_name(f"{archive.name}.sha256").read_text().split() == [
        hashlib.sha256(archive.read_bytes()).hexdigest(),
        archive.name,
    ]
    backed_up = state_of(media)
    change_everything(media)
    changed = state_of(media)
    assert changed != backed_up
    generation_before = page_cache.generation()

    out = io.StringIO()
    call_command("restore", str(archive), stdin=io.StringIO("yes\n"), stdout=out)

    assert f"Restored {archive.name}." in out.getvalue()
    assert state_of(media) == backed_up
    assert len(backed_up.files) == 3
    # No page kept before the restore, or kept when the backup was made, is served again.
    assert page_cache.generation() > generation_before


@refusals
def test_a_restore_that_is_not_confirmed_changes_nothing(
    records: None, media: Path, tmp_path: Path
) -> None:
    archive = backups.backup_create(directory=tmp_path)
    change_everything(media)
    changed = state_of(media)

    out = io.StringIO()
    with pytest.raises(CommandError, match="Nothing was restored"):
        call_command("restore", str(archive), stdin=io.StringIO("\n"), stdout=out)

    assert "What was saved after the backup was made is lost." in out.getvalue()
    assert state_of(media) == changed


def rewritten(
    archive: Path,
    *,
    manifest: Callable[[dict[str, Any]], None] | None = None,
    member: str = "",
) -> Path:
    """A copy of `archive` with its manifest edited, or a byte added to `member`, and a
    checksum file that matches the copy."""
    copy = archive.with_name("altered.tar.gz")
    with tarfile.open(archive, "r:gz") as source, tarfile.open(copy, "w:gz") as target:
        for info in source:
            handle = source.extractfile(info)
            assert handle is not None
            data = handle.read()
            if info.name == backups.MANIFEST and manifest:
                edited = json.loads(data)
                manifest(edited)
                data = json.dumps(edited).encode()
            elif info.name == member:
                data += b"!"
            info.size = len(data)
            target.addfile(info, io.BytesIO(data))
    digest = hashlib.sha256(copy.read_bytes()).hexdigest()
    copy.with_name(f"{copy.name}.sha256").write_text(f"{digest}  {copy.name}\n")
    return copy


def refused(archive: Path, media: Path, message: str) -> None:
    """Restoring `archive` is refused with `message`, and nothing changes."""
    before = state_of(media)
    with pytest.raises(backups.BackupError, match=message):
        backups.backup_restore(path=archive)
    assert state_of(media) == before


@refusals
def test_a_backup_from_a_newer_version_is_refused(
    records: None, media: Path, tmp_path: Path
) -> None:
    archive = backups.backup_create(directory=tmp_path)
    change_everything(media)

    def newer(manifest: dict[str, Any]) -> None:
        manifest["service_version"] = "2.0.0"
        manifest["schema"]["visits"] = "0099_from_the_future"

    refused(
        rewritten(archive, manifest=newer),
        media,
        r"^This backup was made by a newer version of the service \(2\.0\.0\): its database "
        r"has been migrated to visits\.0099_from_the_future, which this version does not "
        r"know\. Install that version or later, then restore\.$",
    )


@refusals
def test_a_backup_changed_after_it_was_made_is_refused(
    records: None, media: Path, tmp_path: Path
) -> None:
    archive = backups.backup_create(directory=tmp_path)
    change_everything(media)
    damaged = bytearray(archive.read_bytes())
    damaged[len(damaged) // 2] ^= 0xFF
    archive.write_bytes(bytes(damaged))

    refused(archive, media, "The backup does not match its checksum in .*sha256: it was damaged")


@refusals
def test_a_backup_whose_files_differ_from_its_manifest_is_refused(
    records: None, media: Path, tmp_path: Path
) -> None:
    """Even with a checksum file made again for it."""
    archive = backups.backup_create(directory=tmp_path)
    change_everything(media)
    member = f"{backups.MEDIA}editions/early-findings/edition.pdf"

    refused(rewritten(archive, member=member), media, "does not hold what its manifest lists")


@refusals
def test_a_backup_of_the_other_database_vendor_is_refused(
    records: None, media: Path, tmp_path: Path
) -> None:
    archive = backups.backup_create(directory=tmp_path)
    change_everything(media)
    here = backups.VENDOR_NAMES[connection.vendor]
    there = OTHER_VENDOR[connection.vendor]

    def other(manifest: dict[str, Any]) -> None:
        manifest["database"]["vendor"] = there

    refused(
        rewritten(archive, manifest=other),
        media,
        f"This backup holds a {backups.VENDOR_NAMES[there]} database, and this service uses "
        f"{here} ",
    )


@restores
def test_a_backup_with_an_older_schema_is_restored_then_migrated(
    records: None, media: Path, tmp_path: Path
) -> None:
    """Made before the page cache's table existed (mash_survey 0005). Whatever a later
    migration made goes with the restore, so `migrate` can make it again."""
    call_command("migrate", "mash_survey", "0004", verbosity=0)
    archive = backups.backup_create(directory=tmp_path)
    call_command("migrate", "mash_survey", verbosity=0)

    def search_or_migrations(table: str) -> bool:
        """Rebuilt or recorded again by `migrate`: with new keys and times."""
        return table.startswith("mash_survey_search") or table == "django_migrations"

    backed_up = state_of(media, leaving_out=search_or_migrations)
    change_everything(media)

    checked = backups.backup_restore(path=archive)

    assert checked.older_schema
    executor = MigrationExecutor(connection)
    assert executor.migration_plan(executor.loader.graph.leaf_nodes()) == []
    assert state_of(media, leaving_out=search_or_migrations) == backed_up
    assert page_cache.generation() > 0
