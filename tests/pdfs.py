"""Reading the PDFs the service makes, for tests: no PDF library needed."""

import re
import zlib


def with_streams_inflated(pdf: bytes) -> bytes:
    """The PDF's bytes followed by each compressed stream's contents (WeasyPrint may keep the
    document information in a compressed object stream)."""
    inflated = [pdf]
    for stream in re.findall(rb"stream\r?\n(.*?)endstream", pdf, re.DOTALL):
        try:
            inflated.append(zlib.decompressobj().decompress(stream))
        except zlib.error:
            continue
    return b"\n".join(inflated)
