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


# --- Text, page by page ---------------------------------------------------------------
# Enough of PDF to read back what WeasyPrint writes: objects (some packed in object
# streams), the page tree, each page's content stream and its fonts' ToUnicode maps.

_OBJECT = re.compile(rb"(\d+) 0 obj\s*")
_STREAM_OR_END = re.compile(rb"stream\r?\n|endobj")
_REF = rb"(\d+) 0 R"


def _objects(pdf: bytes) -> dict[int, tuple[bytes, bytes]]:
    """Each object's number: its dictionary and its stream (inflated; empty if none)."""
    objects: dict[int, tuple[bytes, bytes]] = {}
    pos = 0
    while match := _OBJECT.search(pdf, pos):
        end = _STREAM_OR_END.search(pdf, match.end())
        assert end, "an object has no end"
        head = pdf[match.end() : end.start()]
        data = b""
        pos = end.end()
        if end.group().startswith(b"stream"):
            length = re.search(rb"/Length\s+(\d+)", head)
            assert length, "a stream has no direct /Length"
            data = pdf[end.end() : end.end() + int(length.group(1))]
            pos = end.end() + len(data)
            if b"/FlateDecode" in head:
                data = zlib.decompress(data)
        objects[int(match.group(1))] = (head, data)
        if b"/ObjStm" in head:
            first_offset = re.search(rb"/First\s+(\d+)", head)
            assert first_offset, "an object stream has no /First"
            first = int(first_offset.group(1))
            numbers = [int(n) for n in data[:first].split()]
            offsets = [*numbers[1::2], len(data) - first]
            for number, start, stop in zip(numbers[::2], offsets, offsets[1:], strict=False):
                objects[number] = (data[first + start : first + stop], b"")
    return objects


def _ref(dictionary: bytes, key: bytes) -> int:
    match = re.search(rb"/" + key + rb"\s*" + _REF, dictionary)
    assert match, f"no /{key.decode()} in {dictionary[:80]!r}"
    return int(match.group(1))


def _to_unicode(cmap: bytes) -> dict[bytes, str]:
    """A ToUnicode CMap as glyph code (hex) to text."""
    table: dict[bytes, str] = {}
    for block in re.findall(rb"beginbfchar(.*?)endbfchar", cmap, re.DOTALL):
        for code, text in re.findall(rb"<([0-9a-fA-F]+)>\s*<([0-9a-fA-F]+)>", block):
            table[code.lower()] = bytes.fromhex(text.decode()).decode("utf-16-be")
    for block in re.findall(rb"beginbfrange(.*?)endbfrange", cmap, re.DOTALL):
        for low, high, text in re.findall(
            rb"<([0-9a-fA-F]+)>\s*<([0-9a-fA-F]+)>\s*<([0-9a-fA-F]+)>", block
        ):
            width, first = len(low), int(text, 16)
            for offset in range(int(high, 16) - int(low, 16) + 1):
                code = f"{int(low, 16) + offset:0{width}x}".encode()
                table[code] = chr(first + offset)
    return table


def page_texts(pdf: bytes) -> list[str]:
    """The text of each page in order, one line for each run of text WeasyPrint wrote."""
    objects = _objects(pdf)
    catalog = next(head for head, _ in objects.values() if b"/Type /Catalog" in head)

    def pages(number: int) -> list[bytes]:
        head = objects[number][0]
        if b"/Type /Pages" not in head:
            return [head]
        kids = re.search(rb"/Kids\s*\[([^\]]*)\]", head)
        assert kids, "a page tree node has no /Kids"
        return [page for kid in re.findall(_REF, kids.group(1)) for page in pages(int(kid))]

    texts = []
    for page in pages(_ref(catalog, b"Pages")):
        resources = objects[_ref(page, b"Resources")][0]
        fonts = objects[_ref(resources, b"Font")][0]
        maps = {
            name: _to_unicode(objects[_ref(objects[int(font)][0], b"ToUnicode")][1])
            for name, font in re.findall(rb"/([\w.+-]+)\s*" + _REF, fonts)
        }
        lines, font = [], {}
        content = objects[_ref(page, b"Contents")][1]
        for name, shown in re.findall(
            rb"/([\w.+-]+)\s+[\d.]+\s+Tf|(\[[^\]]*\]\s*TJ|<[^>]*>\s*Tj)", content
        ):
            if name:
                font = maps[name]
                continue
            codes = b"".join(re.findall(rb"<([0-9a-fA-F]*)>", shown)).lower()
            lines.append("".join(font.get(codes[i : i + 4], "?") for i in range(0, len(codes), 4)))
        texts.append("\n".join(lines))
    return texts


def first_page_text(pdf: bytes) -> str:
    """The first page's text with its runs joined by spaces, as a reader sees the page."""
    return " ".join(page_texts(pdf)[0].split())
