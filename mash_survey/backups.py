"""Backups that restore: the database and the stored files in one archive, checked before
anything is replaced (docs/operations.md, *Backups and restore*).

A backup is one `.tar.gz` holding
- the database: SQLite copied with its online backup API (`database.sqlite3`), or
  PostgreSQL dumped by `pg_dump` in its custom format (`database.pgdump`);
- every file under `MEDIA_ROOT`, as `media/<its path>`;
- `manifest.json`, the last member: when and by which version it was made, the database's
  vendor, its schema (the latest applied migration of every app), and each member's SHA-256.

Beside it, `<archive>.sha256` holds the archive's own SHA-256 (`sha256sum -c` reads it).

A restore reads everything before it changes anything: the checksum, the manifest, the
vendor, the schema (refused when it names a migration this code does not have), every
member's SHA-256, and the database file itself (SQLite's `quick_check`; `pg_restore`
reading the dump). Only then does it replace the database, in one transaction, and the
files (staged beside them, then moved in). When the backup's schema is older, `migrate`
runs after. The page cache's generation moves past both the old data's and the restored
data's, so no page kept before is served again.

The database is copied first, then the files: a file stored in between is in the backup
too, which does no harm (stored files are never changed, only added or removed).
"""

import datetime as dt
import hashlib
import io
import json
import os
import secrets
import shutil
import sqlite3
import subprocess
import tarfile
import tempfile
import tomllib
from collections.abc import Callable, Iterator
from contextlib import contextmanager, suppress
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from typing import IO, Any

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.core.files.storage import FileSystemStorage, storages
from django.core.management import call_command
from django.db import DEFAULT_DB_ALIAS, DatabaseError, connections
from django.db.migrations.executor import MigrationExecutor
from django.db.migrations.loader import MigrationLoader
from django.db.migrations.recorder import MigrationRecorder
from django.utils import timezone

from . import page_cache
from .errors import ServiceError

FORMAT = 1
MANIFEST = "manifest.json"
MEDIA = "media/"
#: The database's member of the archive, by vendor.
DATABASE_MEMBER = {"sqlite": "database.sqlite3", "postgresql": "database.pgdump"}
VENDOR_NAMES = {"sqlite": "SQLite", "postgresql": "PostgreSQL"}
#: Folders a restore makes inside MEDIA_ROOT while it works; never backed up.
STAGING_PREFIXES = (".restore-", ".replaced-")
CHUNK = 1024 * 1024


class BackupError(ServiceError):
    """A backup could not be made, or a file was not restored; the message says why."""


@dataclass(frozen=True)
class Manifest:
    created_at: dt.datetime
    vendor: str
    schema: dict[str, str]  # app label -> its latest applied migration
    service_version: str
    files: dict[str, str]  # member name -> SHA-256

    @property
    def media_files(self) -> int:
        return sum(1 for name in self.files if name.startswith(MEDIA))


@dataclass(frozen=True)
class Checked:
    """A backup that may be restored here: what it holds, and what restoring it does."""

    path: Path
    manifest: Manifest
    older_schema: bool  # `migrate` runs after the restore
    database: str  # the database it would replace, in words
    media_root: Path


# ----- Making a backup -----------------------------------------------------------------------


def backup_create(*, directory: Path) -> Path:
    """Write a backup of the database and MEDIA_ROOT into `directory`, and its checksum
    beside it. The archive's path."""
    vendor = _vendor()
    media_root = _media_root()
    if directory.resolve().is_relative_to(media_root.resolve()):
        raise BackupError("Write backups outside MEDIA_ROOT: a backup would hold itself.")
    directory.mkdir(parents=True, exist_ok=True)
    created_at = timezone.now()
    stamp = created_at.astimezone(dt.UTC).strftime("%Y%m%d-%H%M%S")
    path = _free_name(directory, f"mash-survey-{stamp}-{vendor}")
    partial = directory / f".{path.name}.partial"
    try:
        with tempfile.TemporaryDirectory(prefix="mash-survey-backup-") as work:
            dump = Path(work) / DATABASE_MEMBER[vendor]
            schema = _schema()
            if vendor == "sqlite":
                _sqlite_copy(Path(_settings()["NAME"]), dump)
            else:
                _pg_run(
                    ["pg_dump", "--format=custom", f"--file={dump}"],
                    failed="pg_dump could not make the backup",
                )
            with tarfile.open(partial, "w:gz", compresslevel=6) as archive:
                files = {dump.name: _add(archive, dump.name, dump)}
                for name, file in _media_files(media_root):
                    with suppress(FileNotFoundError):  # deleted since it was listed
                        files[name] = _add(archive, name, file)
                manifest = {
                    "format": FORMAT,
                    "service": "mash_survey",
                    "service_version": _service_version(),
                    "created_at": created_at.isoformat(),
                    "database": {"vendor": vendor, "member": dump.name},
                    "schema": schema,
                    "files": [{"name": n, "sha256": h} for n, h in files.items()],
                }
                data = json.dumps(manifest, indent=2).encode()
                info = tarfile.TarInfo(MANIFEST)
                info.size, info.mtime, info.mode = len(data), int(created_at.timestamp()), 0o644
                archive.addfile(info, io.BytesIO(data))
        digest = _sha256(partial)
        partial.replace(path)
    finally:
        partial.unlink(missing_ok=True)
    checksum = _checksum_path(path)
    written = checksum.with_name(f".{checksum.name}.partial")
    written.write_text(f"{digest}  {path.name}\n", encoding="utf-8")
    written.replace(checksum)
    return path


def _free_name(directory: Path, stem: str) -> Path:
    path, n = directory / f"{stem}.tar.gz", 1
    while path.exists() or _checksum_path(path).exists():
        path, n = directory / f"{stem}-{n}.tar.gz", n + 1
    return path


def _media_files(root: Path) -> Iterator[tuple[str, Path]]:
    """Every regular file under `root` (not a restore's staging folders, nor links), with its
    member name, in a stable order."""
    if not root.is_dir():
        return
    for folder, dirs, names in os.walk(root):
        here = Path(folder)
        if here == root:
            dirs[:] = [d for d in dirs if not d.startswith(STAGING_PREFIXES)]
        dirs.sort()
        for name in sorted(names):
            file = here / name
            if file.is_file() and not file.is_symlink():
                yield MEDIA + file.relative_to(root).as_posix(), file


class _Hashing:
    """A file read through, hashing what is read (what goes into the archive)."""

    def __init__(self, handle: IO[bytes]) -> None:
        self.handle = handle
        self.hash = hashlib.sha256()

    def read(self, size: int = -1) -> bytes:
        data = self.handle.read(size)
        self.hash.update(data)
        return data


def _add(archive: tarfile.TarFile, name: str, file: Path) -> str:
    """Add `file` as member `name`; the SHA-256 of what was added."""
    with file.open("rb") as handle:
        stat = os.fstat(handle.fileno())
        info = tarfile.TarInfo(name)
        info.size, info.mtime, info.mode = stat.st_size, int(stat.st_mtime), 0o644
        reader = _Hashing(handle)
        archive.addfile(info, reader)
    return reader.hash.hexdigest()


def _sqlite_copy(source: Path, target: Path) -> None:
    """A consistent copy of the SQLite database at `source`, taken while it is in use."""
    if not source.is_file():
        raise BackupError(f"There is no SQLite database at {source}: check DATABASE_URL.")
    with _sqlite(source) as live, _sqlite(target) as copy:
        live.backup(copy)


@contextmanager
def _sqlite(path: Path) -> Iterator[sqlite3.Connection]:
    timeout = float(_settings().get("OPTIONS", {}).get("timeout", 20))
    connection = sqlite3.connect(path, timeout=timeout)
    try:
        yield connection
    finally:
        connection.close()


# ----- Checking one ---------------------------------------------------------------------------


def backup_check(*, path: Path) -> Checked:
    """Read the backup at `path` through and check it can be restored here, changing
    nothing: its checksum, manifest, database vendor, schema and every member."""
    _check_checksum(path)
    manifest = _read(path)
    return _checked(path, manifest)


def _checksum_path(path: Path) -> Path:
    return path.with_name(f"{path.name}.sha256")


def _check_checksum(path: Path) -> None:
    if not path.is_file():
        raise BackupError(f"There is no backup at {path}.")
    checksum = _checksum_path(path)
    try:
        expected = checksum.read_text(encoding="utf-8").split()[0].lower()
    except (OSError, IndexError, UnicodeDecodeError):
        raise BackupError(
            f"The backup's checksum file {checksum.name} is missing or empty: copy it from "
            "where the backup is kept, beside the backup, then restore."
        ) from None
    if _sha256(path) != expected:
        raise BackupError(
            f"The backup does not match its checksum in {checksum.name}: it was damaged or "
            "changed after it was made. Nothing was restored. Restore another backup, or "
            "copy this one again from where it is kept."
        )


def _read(path: Path, *, into: Callable[[str], Path | None] | None = None) -> Manifest:
    """The manifest of the archive at `path`, once every member matches it. With `into`,
    each member is also written where `into(name)` says (None: not written)."""
    hashes: dict[str, str] = {}
    raw: bytes | None = None
    try:
        with tarfile.open(path, "r:gz") as archive:
            for member in archive:
                name = _member_name(member)
                if name in hashes or (name == MANIFEST and raw is not None):
                    raise BackupError(f"{path.name} holds {name} twice: it is not a backup.")
                handle = archive.extractfile(member)
                if handle is None:
                    raise BackupError(f"{path.name} is not a backup this service made.")
                if name == MANIFEST:
                    raw = handle.read()
                    continue
                target = into(name) if into else None
                hashes[name] = _copy(handle, target)
    except (tarfile.TarError, EOFError, OSError) as exc:
        raise BackupError(f"{path.name} could not be read as a backup ({exc}).") from exc
    manifest = _parse_manifest(raw, path)
    if hashes != manifest.files:
        raise BackupError(
            f"{path.name} does not hold what its manifest lists: it was damaged or changed. "
            "Nothing was restored. Restore another backup."
        )
    return manifest


def _member_name(member: tarfile.TarInfo) -> str:
    """A member's name, if it can only be a file of ours: no links, no way out of the
    folder it is written into."""
    name = member.name
    parts = PurePosixPath(name).parts
    ours = name in (MANIFEST, *DATABASE_MEMBER.values()) or name.startswith(MEDIA)
    if not member.isfile() or not ours or name.startswith("/") or ".." in parts or "\\" in name:
        raise BackupError(f"The backup holds {name!r}, which no backup of this service holds.")
    return name


def _copy(handle: IO[bytes], target: Path | None) -> str:
    digest = hashlib.sha256()
    out = None
    if target is not None:
        target.parent.mkdir(parents=True, exist_ok=True)
        out = target.open("wb")
    try:
        while chunk := handle.read(CHUNK):
            digest.update(chunk)
            if out:
                try:
                    out.write(chunk)
                except OSError as exc:
                    raise BackupError(
                        f"{target} could not be written ({exc}). Nothing was restored."
                    ) from exc
    finally:
        if out:
            out.close()
    return digest.hexdigest()


def _parse_manifest(raw: bytes | None, path: Path) -> Manifest:
    try:
        data: dict[str, Any] = json.loads(raw or b"")
        if data["format"] != FORMAT:
            raise ValueError("format")
        return Manifest(
            created_at=dt.datetime.fromisoformat(data["created_at"]),
            vendor=str(data["database"]["vendor"]),
            schema={str(app): str(name) for app, name in data["schema"].items()},
            service_version=str(data.get("service_version") or ""),
            files={str(f["name"]): str(f["sha256"]) for f in data["files"]},
        )
    except (ValueError, KeyError, TypeError, AttributeError):
        raise BackupError(
            f"{path.name} has no manifest this version can read: it was not made by "
            "`manage.py backup` of this service, or by a version with another backup format."
        ) from None


def _checked(path: Path, manifest: Manifest) -> Checked:
    vendor = _vendor()
    if manifest.vendor != vendor:
        made = VENDOR_NAMES.get(manifest.vendor, manifest.vendor)
        here = VENDOR_NAMES[vendor]
        raise BackupError(
            f"This backup holds a {made} database, and this service uses {here} "
            f"(DATABASE_URL). Restore it where DATABASE_URL names a {made} database: a "
            "backup does not move between the two."
        )
    if DATABASE_MEMBER[vendor] not in manifest.files:
        raise BackupError(f"{path.name} holds no {VENDOR_NAMES[vendor]} database.")
    loader = MigrationLoader(None, ignore_no_migrations=True)
    unknown = sorted(
        f"{app}.{name}"
        for app, name in manifest.schema.items()
        if (app, name) not in loader.disk_migrations
    )
    if unknown:
        version = f" ({manifest.service_version})" if manifest.service_version else ""
        raise BackupError(
            f"This backup was made by a newer version of the service{version}: its database "
            f"has been migrated to {', '.join(unknown)}, which this version does not know. "
            "Install that version or later, then restore."
        )
    leaves = {app: name for app, name in loader.graph.leaf_nodes()}
    older = any(manifest.schema.get(app) != name for app, name in leaves.items())
    return Checked(
        path=path,
        manifest=manifest,
        older_schema=older,
        database=database_in_words(),
        media_root=_media_root(),
    )


# ----- Restoring it ---------------------------------------------------------------------------


def backup_restore(*, path: Path) -> Checked:
    """Replace the database and every file under MEDIA_ROOT with the backup at `path`,
    then migrate if the backup's schema is older. Everything is checked first; a backup
    that fails a check changes nothing."""
    checked = backup_check(path=path)
    vendor = checked.manifest.vendor
    media_root = checked.media_root
    media_root.mkdir(parents=True, exist_ok=True)
    token = secrets.token_hex(4)
    staged = media_root / f"{STAGING_PREFIXES[0]}{token}"
    try:
        with tempfile.TemporaryDirectory(prefix="mash-survey-restore-") as work:
            dump = Path(work) / DATABASE_MEMBER[vendor]

            def into(name: str) -> Path | None:
                if name == dump.name:
                    return dump
                return staged / name.removeprefix(MEDIA) if name.startswith(MEDIA) else None

            staged.mkdir()
            if _read(path, into=into) != checked.manifest:  # written out, checked again
                raise BackupError(f"{path.name} changed while it was being restored.")
            script = Path(work) / "restore.sql"
            if vendor == "sqlite":
                _sqlite_check(dump)
            else:
                _pg_script(dump, script)
            before = _generation_now()
            connections.close_all()
            if vendor == "sqlite":
                _sqlite_restore(dump, Path(_settings()["NAME"]))
            else:
                _pg_run(
                    ["psql", "--no-psqlrc", "--quiet", "--set=ON_ERROR_STOP=1",
                     "--single-transaction", "--command", _PG_DROP_TABLES, f"--file={script}"],
                    failed="The database could not be restored, and was left as it was",
                )  # fmt: skip
        try:
            _swap_media(media_root, staged)
        except OSError as exc:
            raise BackupError(
                f"The database was restored, but the files under MEDIA_ROOT could not be "
                f"replaced ({exc}). The backup's files are in {staged}: move them into "
                f"{media_root} by hand."
            ) from exc
    finally:
        shutil.rmtree(staged, ignore_errors=True)
    connections.close_all()
    ContentType.objects.clear_cache()
    if _pending_migrations():
        call_command("migrate", interactive=False, verbosity=0)
    page_cache.generation_move_past(before)
    return checked


def _generation_now() -> int:
    """The page cache's generation before the restore (0 in a new database)."""
    try:
        return page_cache.generation()
    except DatabaseError:
        return 0


def _pending_migrations() -> bool:
    executor = MigrationExecutor(connections[DEFAULT_DB_ALIAS])
    return bool(executor.migration_plan(executor.loader.graph.leaf_nodes()))


def _sqlite_check(file: Path) -> None:
    try:
        with _sqlite(file) as copy:
            # The file's structure; its CHECK constraints held when the rows were written
            # (and some call functions only Django's connections have).
            copy.execute("PRAGMA ignore_check_constraints = ON")
            result = copy.execute("PRAGMA quick_check").fetchone()
    except sqlite3.Error as exc:
        result = (str(exc),)
    if not result or result[0] != "ok":
        raise BackupError(
            f"The database in the backup is damaged (SQLite says: {result[0] if result else ''})."
            " Nothing was restored. Restore another backup."
        )


def _sqlite_restore(source: Path, target: Path) -> None:
    """Copy the database at `source` over the one at `target` through SQLite's backup
    API: one write transaction on the live file, so it is replaced whole or not at all.
    (Not a file rename: that would leave the old file's write-ahead log beside the new
    file, where SQLite would apply it, and open connections reading the old file.)"""
    target.parent.mkdir(parents=True, exist_ok=True)
    try:
        with _sqlite(source) as copy, _sqlite(target) as live:
            copy.backup(live)
    except sqlite3.Error as exc:
        raise BackupError(
            f"The database could not be restored ({exc}); it was left as it was. Stop the "
            "service (and anything else using the database), then restore again."
        ) from exc


def _swap_media(root: Path, staged: Path) -> None:
    """Replace what is in `root` by what is in `staged` (a folder inside it, so every move
    is a rename on one file system, even when `root` is a mount point). If a move fails,
    the moves made so far are undone."""
    replaced = root / f"{STAGING_PREFIXES[1]}{staged.name.removeprefix(STAGING_PREFIXES[0])}"
    replaced.mkdir()
    moves: list[tuple[Path, Path]] = []
    try:
        for entry in sorted(root.iterdir()):
            if entry not in (staged, replaced):
                moves.append((entry, replaced / entry.name))
                entry.rename(replaced / entry.name)
        for entry in sorted(staged.iterdir()):
            moves.append((entry, root / entry.name))
            entry.rename(root / entry.name)
    except OSError:
        for source, target in reversed(moves):
            with suppress(OSError):
                target.rename(source)
        shutil.rmtree(replaced, ignore_errors=True)
        raise
    shutil.rmtree(replaced, ignore_errors=True)


# ----- PostgreSQL ----------------------------------------------------------------------------

#: Run first, in the restore's transaction: the dump's `--clean` drops only the tables it
#: holds, so a table a newer migration made would survive it and stop `migrate` making it.
_PG_DROP_TABLES = (
    "DO $$ DECLARE t record; BEGIN "
    "FOR t IN SELECT tablename FROM pg_tables WHERE schemaname = current_schema() LOOP "
    "EXECUTE format('DROP TABLE IF EXISTS %I CASCADE', t.tablename); END LOOP; END $$;"
)
#: libpq's environment variable for each connection option Django may be given.
_PG_OPTIONS = {
    "sslmode": "PGSSLMODE",
    "sslrootcert": "PGSSLROOTCERT",
    "sslcert": "PGSSLCERT",
    "sslkey": "PGSSLKEY",
    "passfile": "PGPASSFILE",
    "service": "PGSERVICE",
    "connect_timeout": "PGCONNECT_TIMEOUT",
}


def _pg_environment() -> dict[str, str]:
    """The connection parameters of the configured database, as libpq reads them from the
    environment: nothing (least of all the password) goes on a command line."""
    database = _settings()
    environment = dict(os.environ)
    given = {
        "PGHOST": database.get("HOST"),
        "PGPORT": database.get("PORT"),
        "PGUSER": database.get("USER"),
        "PGPASSWORD": database.get("PASSWORD"),
        "PGDATABASE": database.get("NAME"),
        # The drops of tables that are not there yet are notices, not news.
        "PGOPTIONS": "-c client_min_messages=warning",
    }
    for option, variable in _PG_OPTIONS.items():
        given[variable] = database.get("OPTIONS", {}).get(option)
    environment.update({key: str(value) for key, value in given.items() if value})
    return environment


def _pg_run(command: list[str], *, failed: str) -> None:
    tool = command[0]
    try:
        result = subprocess.run(  # noqa: S603 (a fixed command; values come from settings)
            command, env=_pg_environment(), capture_output=True, text=True, check=False
        )
    except FileNotFoundError:
        raise BackupError(
            f"{tool} was not found: install the PostgreSQL client programs of the server's "
            "version (Debian: postgresql-client)."
        ) from None
    if result.returncode != 0:
        said = " ".join(result.stderr.strip().splitlines()[-3:])
        raise BackupError(f"{failed}. {tool} says: {said}")


def _pg_script(dump: Path, script: Path) -> None:
    """The dump as SQL that drops what it holds and makes it again (`pg_restore` reads it
    through, so a dump it cannot read is refused here, before anything changes)."""
    _pg_run(
        ["pg_restore", "--clean", "--if-exists", "--no-owner", "--no-privileges",
         f"--file={script}", str(dump)],
        failed="The database in the backup could not be read; nothing was restored",
    )  # fmt: skip


# ----- The configured database and files ----------------------------------------------------


def _settings() -> dict[str, Any]:
    return connections[DEFAULT_DB_ALIAS].settings_dict


def _vendor() -> str:
    vendor = connections[DEFAULT_DB_ALIAS].vendor
    if vendor not in DATABASE_MEMBER:
        raise BackupError("Backups are made of SQLite and PostgreSQL databases only.")
    if vendor == "sqlite" and _is_memory(str(_settings()["NAME"])):
        raise BackupError("An in-memory SQLite database cannot be backed up or restored.")
    return vendor


def _is_memory(name: str) -> bool:
    return name == ":memory:" or "mode=memory" in name or name.startswith("file::memory:")


def database_in_words() -> str:
    """The configured database as a person would name it."""
    database = _settings()
    if _vendor() == "sqlite":
        return f"the SQLite database {database['NAME']}"
    where = database.get("HOST") or "this machine"
    return f"the PostgreSQL database {database['NAME']} on {where}"


def _media_root() -> Path:
    storage = storages["default"]
    if not isinstance(storage, FileSystemStorage):
        raise BackupError(
            "Stored files are not in a folder (the default storage is not the file system): "
            "back them up where they are kept."
        )
    return Path(storage.location)


def _schema() -> dict[str, str]:
    """Each app's latest applied migration."""
    recorder = MigrationRecorder(connections[DEFAULT_DB_ALIAS])
    if not recorder.has_table():
        return {}
    latest: dict[str, str] = {}
    for app, name in recorder.migration_qs.order_by("id").values_list("app", "name"):
        latest[app] = name
    return latest


def _service_version() -> str:
    try:
        with (Path(settings.BASE_DIR) / "pyproject.toml").open("rb") as handle:
            return str(tomllib.load(handle)["project"]["version"])
    except (OSError, KeyError, tomllib.TOMLDecodeError):
        return ""


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        while chunk := handle.read(CHUNK):
            digest.update(chunk)
    return digest.hexdigest()
