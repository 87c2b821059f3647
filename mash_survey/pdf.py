"""Every PDF the service offers comes from here: a template rendered to PDF bytes with
WeasyPrint, from the same data as the page it prints.

Every PDF template extends `pdf/base.html`, which puts the caveat (`pdf/caveat.html`) on
the first page, under the heading: the content is the views of the areas visited, not
externally evaluated or validated, and, for demonstration content, that it is
illustrative and not the project's data.

Every PDF is tagged PDF/UA-1 (a structure tree from the HTML's headings, paragraphs,
lists, tables and figures, marked content, the title shown instead of the file name), with
bookmarks from the headings h1 to h6, so screen readers can read and navigate it.

WeasyPrint takes about a second to import, so it is imported on the first PDF rather than
when the site starts; under gunicorn, `gunicorn.conf.py` calls `warm()` in each new worker, so
no visitor waits for it.

A PDF that only changes when its record does (a published case study's) is made once per
version and stored: `serve_pdf` keys it by a hash of everything that goes in (the template's
HTML as rendered for this request, the site's address, title, subject, stylesheets, the
WeasyPrint version and `STORED_FORMAT`), keeps it in the default storage under the record
(`pdfs/<app>.<model>/<pk>/<key>.pdf`, through `mash_survey.stored`) and serves it with that key
as ETag, so a repeated request gets 304 and any other request the stored bytes, without
WeasyPrint. `forget_pdfs(record)` deletes a record's stored PDFs (on withdrawal, redaction).
"""

import hashlib
from collections.abc import Mapping, Sequence
from datetime import datetime, timedelta
from functools import cache
from importlib.metadata import version
from typing import Any
from xml.sax.saxutils import quoteattr

from django.conf import settings
from django.contrib.staticfiles import finders
from django.db import models
from django.http import HttpRequest, HttpResponseBase
from django.template.loader import render_to_string
from django.utils import timezone

from . import stored

#: The language of every PDF (BCP 47), written to the PDF catalogue for screen readers.
PDF_LANGUAGE = "en-GB"


def render_pdf(
    template_name: str,
    context: Mapping[str, Any],
    *,
    request: HttpRequest | None = None,
    base_url: str = "",
    title: str,
    illustrative: bool,
    subject: str = "",
    stylesheets: Sequence[str] = (),
    dated: datetime | None = None,
    tagged: bool = True,
) -> bytes:
    """Render `template_name` with `context` (and `request`, as for a page) to a PDF.

    - Without a request (a background job has none), `base_url` is the site's root URL
      (such as "https://example.org/") that relative links and images resolve against, and
      the template has no `request` in its context. One of the two is needed.

    - `title` is the document title a PDF reader shows, whatever the template's `<title>`.
    - `illustrative` says the content is demonstration content (a record flagged
      `is_illustrative`); the caveat on the first page then says so.
    - `subject` is the document's description; left blank, the template's
      `<meta name="description">` is used, if it has one.
    - `stylesheets` are static file paths (for example "css/report-print.css") added to the
      template's own styles. The template is laid out for print media (`@media print` and
      `@page` rules apply).
    - Relative links and images resolve against the site's root URL, and `@font-face` rules
      in the template or the stylesheets load their fonts.
    - The language is English (United Kingdom) and the author and creator are the service.
    - `dated` is the document's creation and modification date (a published edition's date);
      without one the PDF carries no date. With the same template, context and date the
      bytes are the same every time.
    - `tagged` (the default) makes it a tagged PDF/UA-1 document (see the module's
      docstring); False only for a measurement of what tagging costs.
    """
    from weasyprint import CSS, HTML  # slow to import; only PDFs need it
    from weasyprint.text.fonts import FontConfiguration

    if request is None and not base_url:
        raise ValueError("A PDF needs the request or the site's base_url to resolve links.")
    html = _html(template_name, context, request, illustrative)
    fonts = FontConfiguration()
    document = HTML(
        string=html,
        base_url=request.build_absolute_uri("/") if request is not None else base_url,
        media_type="print",
    ).render(
        font_config=fonts,
        stylesheets=[CSS(filename=_static_path(name), font_config=fonts) for name in stylesheets],
    )
    metadata = document.metadata
    metadata.title = title
    metadata.lang = PDF_LANGUAGE
    metadata.authors = [settings.SERVICE_NAME]
    metadata.generator = settings.SERVICE_NAME
    if subject:
        metadata.description = subject
    if dated is not None:
        metadata.created = metadata.modified = dated.isoformat(timespec="seconds")
    options: dict[str, Any] = {"pdf_variant": "pdf/ua-1"} if tagged else {}
    pdf: bytes = document.write_pdf(finisher=_name_the_service_as_producer, **options)
    return pdf


def _html(
    template_name: str, context: Mapping[str, Any], request: HttpRequest | None, illustrative: bool
) -> str:
    return render_to_string(template_name, {**context, "pdf_illustrative": illustrative}, request)


#: Part of every stored PDF's key: change it when `render_pdf` changes what it writes (its
#: metadata, options or finisher), so PDFs stored before are made again.
STORED_FORMAT = "1"
CONTENT_TYPE = "application/pdf"
#: When a record's PDF is stored, its other stored PDFs go, unless stored this recently: the
#: key holds the site's address, and a site reached at two addresses keeps one for each
#: rather than each request deleting the other's.
KEEP_OTHERS = timedelta(hours=1)


def serve_pdf(
    request: HttpRequest,
    template_name: str,
    context: Mapping[str, Any],
    *,
    record: models.Model,
    filename: str,
    title: str,
    illustrative: bool,
    subject: str = "",
    stylesheets: Sequence[str] = (),
    as_attachment: bool = False,
) -> HttpResponseBase:
    """The PDF `render_pdf` makes of the template (the arguments are its own), stored under
    `record` and served from storage until anything that goes into it changes.

    Only for what anyone may read as it is (a published record): the caller checks that, and
    the response may be cached publicly for five minutes. A record's older PDFs are deleted
    when a newer one is stored (`KEEP_OTHERS`). It answers conditional requests: the ETag is
    the key, and Last-Modified when the PDF was stored. `filename` goes in the
    Content-Disposition, inline unless `as_attachment`."""
    key = _key(
        _html(template_name, context, request, illustrative),
        request.build_absolute_uri("/"),
        title,
        subject,
        stylesheets,
    )
    folder = _folder(record)
    name = f"{folder}/{key}.pdf"

    def render() -> bytes:
        return render_pdf(
            template_name,
            context,
            request=request,
            title=title,
            illustrative=illustrative,
            subject=subject,
            stylesheets=stylesheets,
        )

    made: bytes | None = None
    stored_at = stored.stored_at(name)
    if stored_at is None:
        made = render()
        stored.put(name, made)
        stored_at = stored.stored_at(name) or timezone.now()
        stored.delete_folder(folder, keep=name, stored_before=stored_at - KEEP_OTHERS)

    def content() -> bytes:
        if made is not None:
            return made
        try:
            kept = stored.read(name)
        except FileNotFoundError:  # deleted since it was found: a newer version, a withdrawal
            kept = b""
        # Another request may still be writing it: a complete PDF ends with %%EOF.
        return kept if kept.rstrip().endswith(b"%%EOF") else render()

    return stored.serve(
        request,
        content=content,
        content_type=CONTENT_TYPE,
        etag=key,
        last_modified=stored_at,
        filename=filename,
        as_attachment=as_attachment,
    )


def forget_pdfs(record: models.Model) -> None:
    """Delete every PDF stored for `record` (it is withdrawn, or a passage was redacted)."""
    stored.delete_folder(_folder(record))


def _folder(record: models.Model) -> str:
    return f"pdfs/{record._meta.label_lower}/{record.pk}"


def _key(html: str, base_url: str, title: str, subject: str, stylesheets: Sequence[str]) -> str:
    digest = hashlib.sha256()
    for part in (STORED_FORMAT, _weasyprint_version(), base_url, title, subject, html):
        digest.update(part.encode())
        digest.update(b"\0")
    for name in stylesheets:
        digest.update(_static_digest(name).encode())
    return digest.hexdigest()


@cache
def _weasyprint_version() -> str:
    return version("weasyprint")


@cache
def _static_digest(name: str) -> str:
    """A stylesheet's SHA-256: static files change only with a new release (a new process)."""
    with open(_static_path(name), "rb") as handle:
        return hashlib.sha256(handle.read()).hexdigest()


def warm() -> None:
    """Import WeasyPrint and make a one-line PDF, so the first visitor's PDF does not pay for
    loading the library and its fonts (called from `gunicorn.conf.py` in each new worker)."""
    render_pdf(
        "pdf/base.html", {}, base_url="http://localhost/", title="Warm-up", illustrative=False
    )


def _static_path(name: str) -> str:
    path = finders.find(name)
    if not isinstance(path, str):
        raise FileNotFoundError(f"No static file {name} for the PDF.")
    return path


def _name_the_service_as_producer(document: Any, pdf: Any) -> None:
    """The PDF's /Producer, and its XMP metadata's (in a PDF/UA document), name the service
    rather than the library and its version."""
    import pydyf
    import weasyprint

    pdf.info["Producer"] = pydyf.String(settings.SERVICE_NAME)
    library = f'pdf:Producer="WeasyPrint {weasyprint.__version__}"'.encode()
    service = f"pdf:Producer={quoteattr(settings.SERVICE_NAME)}".encode()
    for item in pdf.objects:
        if isinstance(item, pydyf.Stream) and item.extra.get("Type") == "/Metadata":
            item.stream = [part.replace(library, service) for part in item.stream]
