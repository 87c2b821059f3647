"""Files the service renders once and keeps: a published edition's files
(`findings/editions/store.py`) and every PDF that `mash_survey.pdf.serve_pdf` stores. They
live in the default storage (never served from it directly: the media root has no URL), are
read back whole, and are served through `mash_survey.conditional`, so a request that already
has the file gets 304 without it being read."""

from collections.abc import Callable
from datetime import datetime

from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.http import HttpRequest, HttpResponse, HttpResponseBase
from django.utils.http import content_disposition_header

from .conditional import conditional


def put(name: str, content: bytes) -> None:
    """Store `content` at `name`. If another writer stored the same name first (two requests
    rendering the same version at once), theirs is kept: a name stands for one content."""
    saved = default_storage.save(name, ContentFile(content))
    if saved != name:  # the storage chose another name because `name` exists
        default_storage.delete(saved)


def read(name: str) -> bytes:
    with default_storage.open(name, "rb") as handle:
        content: bytes = handle.read()
    return content


def stored_at(name: str) -> datetime | None:
    """When the file at `name` was stored, or None if there is none."""
    if not default_storage.exists(name):
        return None
    try:
        return default_storage.get_modified_time(name)
    except FileNotFoundError:  # deleted between the two calls
        return None


def delete_folder(folder: str, *, keep: str = "", stored_before: datetime | None = None) -> None:
    """Delete every file directly in `folder` except `keep` (a full name), or only those
    stored before `stored_before`."""
    try:
        _, names = default_storage.listdir(folder)
    except FileNotFoundError:
        return
    for file_name in names:
        name = f"{folder}/{file_name}"
        if name == keep:
            continue
        if stored_before is not None and (stored_at(name) or stored_before) >= stored_before:
            continue
        default_storage.delete(name)


def serve(
    request: HttpRequest,
    *,
    content: Callable[[], bytes],
    content_type: str,
    etag: str,
    last_modified: datetime,
    filename: str = "",
    as_attachment: bool = True,
) -> HttpResponseBase:
    """The file `content()` gives, with `etag` (unquoted) and `last_modified`; 304 without
    calling `content()` when the caller has it. With a `filename` it carries a
    Content-Disposition: an attachment, or (`as_attachment=False`) shown inline."""

    def respond() -> HttpResponse:
        response = HttpResponse(content(), content_type=content_type)
        disposition = content_disposition_header(as_attachment, filename) if filename else None
        if disposition:
            response.headers["Content-Disposition"] = disposition
        return response

    return conditional(request, etag=etag, last_modified=last_modified, respond=respond)
