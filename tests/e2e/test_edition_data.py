"""In a browser, under the service's own Content-Security-Policy: the edition's schema.org
JSON-LD block is read as data (no violation logged, its JSON intact), and an anonymous
visitor downloads a published edition's data release."""

import hashlib
import json
from pathlib import Path
from typing import Any

from django.template.loader import render_to_string
from django.test import RequestFactory
from playwright.sync_api import Page, Route

from findings.editions import data, store
from tests.findings.frozen import AT, draft, publish, tmp_media

from .conftest import assert_no_console_errors


def test_the_json_ld_block_passes_the_csp_and_the_data_release_downloads(
    page: Page, console_errors: list[str], settings: Any, tmp_path: Path
) -> None:
    tmp_media(settings, tmp_path)
    edition = draft(title="Early findings", summary="Sharing </script> & trust.")
    publish(edition, at=AT)
    jsonld = data.dataset_jsonld(edition, RequestFactory().get("/"))
    block = render_to_string("findings/editions/_jsonld.html", {"jsonld": jsonld})
    policy = page.request.get("/").headers["content-security-policy"]

    def edition_page(route: Route) -> None:
        body = (
            '<!DOCTYPE html><html lang="en"><head><title>Early findings</title>'
            f"{block}</head><body><h1>Early findings</h1></body></html>"
        )
        route.fulfill(
            body=body, content_type="text/html", headers={"Content-Security-Policy": policy}
        )

    page.route("**/findings/early-findings/", edition_page)
    page.goto("/findings/early-findings/")

    text = page.locator('script[type="application/ld+json"]').text_content()
    assert text is not None and json.loads(text)["@type"] == "Dataset"
    assert json.loads(text)["description"].startswith("Sharing </script> & trust.")
    assert_no_console_errors(console_errors)

    with page.expect_download() as waiting:
        page.evaluate("url => { window.location.href = url; }", "/findings/early-findings/data.zip")
    download = waiting.value
    assert download.suggested_filename == "early-findings-data.zip"
    content = Path(download.path()).read_bytes()
    assert hashlib.sha256(content).hexdigest() == store.stored(edition, data.ZIP).sha256
