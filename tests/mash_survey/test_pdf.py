"""The one PDF renderer: a template to PDF bytes, titled, in British English, by the service."""

import datetime as dt
import io
import os
import re
import subprocess
import sys
from pathlib import Path
from typing import Any

import pypdf
import pytest
from django.conf import settings
from django.test import RequestFactory, override_settings

from mash_survey.pdf import render_pdf
from tests.pdfs import first_page_text, page_texts, with_streams_inflated

TEMPLATE = """{% extends "pdf/base.html" %}
{% block title %}The template's own title{% endblock %}
{% block description %}<meta name="description" content="{{ summary }}">{% endblock %}
{% block heading %}<h1>{{ heading }}</h1>{% endblock %}
{% block content %}{% for paragraph in paragraphs %}<p>{{ paragraph }}</p>{% endfor %}
{% endblock %}"""

ONE_TEMPLATE = override_settings(
    TEMPLATES=[
        {
            "BACKEND": "django.template.backends.django.DjangoTemplates",
            "DIRS": [Path(__file__).resolve().parents[2] / "templates"],
            "OPTIONS": {
                "loaders": [
                    ("django.template.loaders.locmem.Loader", {"test/pdf.html": TEMPLATE}),
                    "django.template.loaders.filesystem.Loader",
                ]
            },
        }
    ]
)

CAVEAT = (
    "This document gives the views of the areas visited. "
    "They have not been externally evaluated or validated."
)


STRING = rb"(\((?:\\.|[^\\)])*\)|<[0-9A-Fa-f]*>)"


def _text(raw: bytes) -> str:
    if raw.startswith(b"<"):
        data = bytes.fromhex(raw[1:-1].decode())
    else:
        data = re.sub(rb"\\(.)", rb"\1", raw[1:-1])
    return data.decode("utf-16") if data.startswith(b"\xfe\xff") else data.decode("latin-1")


def pdf_info(pdf: bytes) -> dict[str, str]:
    """The PDF's document information (/Title, /Author…): the dictionary with a /Producer."""
    match = re.search(
        rb"<<((?:(?!<<|>>).)*/Producer(?:(?!<<|>>).)*)>>", with_streams_inflated(pdf), re.DOTALL
    )
    assert match, "the PDF has no document information"
    return {
        key.decode(): _text(value)
        for key, value in re.findall(rb"/(\w+)\s*" + STRING, match.group(1))
    }


def pdf_language(pdf: bytes) -> str | None:
    match = re.search(rb"/Lang\s*" + STRING, with_streams_inflated(pdf))
    return _text(match.group(1)) if match else None


def _render(*, illustrative: bool = False, paragraphs: int = 1, **kwargs: Any) -> bytes:
    request = RequestFactory().get("/case-studies/")
    context = {
        "heading": "Front door",
        "summary": "How the front door works.",
        "paragraphs": [
            f"Paragraph {n} of the front door's story. " * 12 for n in range(paragraphs)
        ],
    }
    kwargs["illustrative"] = illustrative
    with ONE_TEMPLATE:
        return render_pdf("test/pdf.html", context, request=request, **kwargs)


def test_the_pdf_has_the_title_given_in_british_english_by_the_service() -> None:
    pdf = _render(title="Sharing information at the front door: a case study")

    assert pdf.startswith(b"%PDF")
    info = pdf_info(pdf)
    assert info["Title"] == "Sharing information at the front door: a case study"
    assert pdf_language(pdf) == "en-GB"
    assert info["Author"] == settings.SERVICE_NAME
    assert info["Creator"] == settings.SERVICE_NAME
    assert info["Producer"] == settings.SERVICE_NAME
    assert b"WeasyPrint" not in with_streams_inflated(pdf)


def test_the_subject_is_the_templates_description_unless_one_is_given() -> None:
    assert pdf_info(_render(title="T"))["Subject"] == "How the front door works."
    assert pdf_info(_render(title="T", subject="The report"))["Subject"] == "The report"


def test_the_first_page_says_the_content_is_the_areas_views_and_not_validated() -> None:
    pdf = _render(title="T", paragraphs=40)

    assert len(page_texts(pdf)) > 1
    first_page = first_page_text(pdf)
    assert first_page.startswith("Front door " + CAVEAT)
    assert "Illustrative" not in first_page
    assert all(CAVEAT not in " ".join(page.split()) for page in page_texts(pdf)[1:])


def test_the_first_page_of_demonstration_content_says_it_is_illustrative() -> None:
    first_page = first_page_text(_render(title="T", illustrative=True, paragraphs=40))

    assert first_page.startswith(
        "Front door Illustrative: this is demonstration content, made up to show how the "
        "service works. It is not the project's data. " + CAVEAT
    )


def test_a_stylesheet_that_is_not_a_static_file_is_refused() -> None:
    with pytest.raises(FileNotFoundError):
        _render(title="T", stylesheets=["css/no-such-file.css"])


def test_importing_the_renderer_does_not_import_weasyprint() -> None:
    check = "import sys, mash_survey.pdf; sys.exit('weasyprint' in sys.modules)"
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "tests.settings"}
    assert subprocess.run([sys.executable, "-c", check], env=env, check=False).returncode == 0  # noqa: S603


# ----- Tagged PDF/UA, without a request, reproducible ----------------------------------


def _read(pdf: bytes) -> Any:
    """The PDF read with pypdf (untyped: its objects are looked up by PDF names)."""
    return pypdf.PdfReader(io.BytesIO(pdf))


def test_the_pdf_is_tagged_for_screen_readers_with_bookmarks_from_its_headings() -> None:
    reader = _read(_render(title="Front door"))
    catalog = reader.trailer["/Root"]

    assert "/StructTreeRoot" in catalog
    assert bool(catalog["/MarkInfo"]["/Marked"])
    assert bool(catalog["/ViewerPreferences"]["/DisplayDocTitle"])
    assert b"pdfuaid:part" in catalog["/Metadata"].get_object().get_data()
    assert [item.title for item in reader.outline] == ["Front door"]


def test_a_pdf_rendered_without_a_request_resolves_links_against_the_base_url() -> None:
    context = {"heading": "Front door", "summary": "S", "paragraphs": ["Text."]}
    with ONE_TEMPLATE:
        pdf = render_pdf(
            "test/pdf.html",
            context,
            base_url="https://findings.example.org/",
            title="Without a request",
            illustrative=False,
        )
        with pytest.raises(ValueError, match="base_url"):
            render_pdf("test/pdf.html", context, title="T", illustrative=False)

    assert pdf_info(pdf)["Title"] == "Without a request"


def test_a_dated_pdf_carries_its_date_and_renders_to_the_same_bytes_every_time() -> None:
    dated = dt.datetime(2026, 3, 2, 9, 30, tzinfo=dt.UTC)
    first, second = (_render(title="T", dated=dated) for _ in range(2))

    assert first == second
    assert _read(first).metadata.creation_date == dated
    assert _read(first).metadata.modification_date == dated
