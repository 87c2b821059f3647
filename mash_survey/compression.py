"""Responses are sent gzip-compressed to clients that accept it (pages, JSON, CSV, streamed
exports too), except files whose format is compressed already (PDF, zip, XLSX, images), where
gzip costs time and saves nothing. Static files are WhiteNoise's: it serves them before this
middleware runs, with the compressed copies it made at build time.

Compressing a page that shows a secret (the CSRF token) next to text an attacker can put in
the URL risks BREACH; Django's GZipMiddleware (4.2+) adds random bytes to each response
("Heal the BREACH"), and the CSRF token is masked afresh on every response."""

from django.http import HttpRequest, HttpResponseBase
from django.middleware.gzip import GZipMiddleware

#: Content types already compressed, with those of the image/, audio/ and video/ families.
COMPRESSED = frozenset(
    {
        "application/pdf",
        "application/zip",
        "application/gzip",
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    }
)
COMPRESSED_FAMILIES = ("image/", "audio/", "video/", "font/")


def is_compressed(content_type: str) -> bool:
    kind = content_type.split(";", 1)[0].strip().lower()
    return kind in COMPRESSED or (kind.startswith(COMPRESSED_FAMILIES) and kind != "image/svg+xml")


class Compress(GZipMiddleware):
    def process_response(
        self, request: HttpRequest, response: HttpResponseBase
    ) -> HttpResponseBase:
        if is_compressed(response.get("Content-Type", "")):
            return response
        compressed: HttpResponseBase = super().process_response(request, response)
        return compressed
