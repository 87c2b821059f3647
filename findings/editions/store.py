"""Freezing a published edition: every file rendered once, stored in the default storage under
`editions/<slug>/<path>` with its SHA-256 (an `EditionFile` row), and listed in the edition's
manifest (`manifest.json`: each file's path, size, content type and SHA-256). Nothing writes a
stored file again. Stored, read and served (ETag, 304) through `mash_survey.stored`.

`freeze(edition, …)` publishes: it renders every file from one snapshot and stores them, in
one transaction with the edition locked."""

import hashlib
import json
from collections.abc import Mapping
from datetime import datetime

from django.core.files.storage import default_storage
from django.http import Http404, HttpRequest, HttpResponseBase

from mash_survey import stored as files_stored

from ..models import EditionFile, ReportEdition

#: {path within the edition: (bytes, content type)}
Files = Mapping[str, tuple[bytes, str]]
MANIFEST = "manifest.json"


def storage_name(edition: ReportEdition, path: str) -> str:
    return f"editions/{edition.slug}/{path}"


def sha256(content: bytes) -> str:
    return hashlib.sha256(content).hexdigest()


def manifest(files: Files) -> bytes:
    """The manifest of `files`: sorted by path, each with its size, type and SHA-256."""
    listed = [
        {"path": path, "size": len(content), "content_type": kind, "sha256": sha256(content)}
        for path, (content, kind) in sorted(files.items())
    ]
    return (json.dumps({"files": listed}, indent=2) + "\n").encode()


def write(edition: ReportEdition, files: Files, *, at: datetime) -> list[EditionFile]:
    """Store `files` and their manifest for `edition` (which has none yet), with a row each.
    Called inside the publishing transaction: if it fails, no row is left, and a stored file
    without a row is overwritten by the next attempt."""
    if EditionFile.objects.filter(edition=edition).exists():
        raise ValueError(f"The edition {edition.slug} is already stored; it never changes.")
    everything = {**files, MANIFEST: (manifest(files), "application/json")}
    rows = []
    for path, (content, kind) in everything.items():
        name = storage_name(edition, path)
        if default_storage.exists(name):
            default_storage.delete(name)  # left by an attempt that failed: never published
        files_stored.put(name, content)
        rows.append(
            EditionFile(
                edition=edition,
                path=path,
                sha256=sha256(content),
                size=len(content),
                content_type=kind,
                created_at=at,
            )
        )
    return EditionFile.objects.bulk_create(rows)


def stored(edition: ReportEdition, path: str) -> EditionFile:
    """The stored file (Http404 if the edition has no such file)."""
    try:
        return EditionFile.objects.get(edition=edition, path=path)
    except EditionFile.DoesNotExist:
        raise Http404(f"The edition {edition.slug} has no file {path}.") from None


def read(file: EditionFile) -> bytes:
    return files_stored.read(storage_name(file.edition, file.path))


def serve(request: HttpRequest, file: EditionFile, *, download_name: str = "") -> HttpResponseBase:
    """The stored file as it was frozen, with its SHA-256 as ETag (304 when the caller has
    it); `download_name` makes it an attachment with that file name."""

    return files_stored.serve(
        request,
        content=lambda: read(file),
        content_type=file.content_type,
        etag=file.sha256,
        last_modified=file.created_at,
        filename=download_name,
    )


def first_published(edition: ReportEdition) -> datetime | None:
    """When the first edition of `edition`'s chain of amendments was published."""
    first = edition
    while first.amends_id is not None:
        first = first.amends  # type: ignore[assignment]  # amends_id is set
    return first.published_at
