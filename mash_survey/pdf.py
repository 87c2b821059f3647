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
when the site starts.
"""

from collections.abc import Mapping, Sequence
from datetime import datetime
from typing import Any
from xml.sax.saxutils import quoteattr

from django.conf import settings
from django.contrib.staticfiles import finders
from django.http import HttpRequest
from django.template.loader import render_to_string

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
    html = render_to_string(template_name, {**context, "pdf_illustrative": illustrative}, request)
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
