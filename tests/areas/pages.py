"""Read the register's pages and data files the way a user would; add made-up authorities.

A small HTML tree built on the standard library's parser, so tests can find the map's
links and the tables' cells without depending on the page's exact whitespace; and the
project's own register files, read independently of the loader under test.
"""

import csv
from collections import Counter
from dataclasses import dataclass, field
from html.parser import HTMLParser
from pathlib import Path

from areas.models import LocalAuthority, Region
from tests.factories import LocalAuthorityFactory

DATA_DIR = Path(__file__).resolve().parents[2] / "areas" / "data"
AUTHORITIES_CSV = DATA_DIR / "local-authorities-2013.csv"
REGIONS_CSV = DATA_DIR / "regions.csv"

#: Authorities per region, as stated in areas/data/README.md.
README_COUNTS = {
    "London": 33,
    "North West": 23,
    "South East": 19,
    "South West": 16,
    "Yorkshire and The Humber": 15,
    "West Midlands": 14,
    "North East": 12,
    "East of England": 11,
    "East Midlands": 9,
}


def authority_rows() -> list[dict[str, str]]:
    with AUTHORITIES_CSV.open(encoding="utf-8-sig", newline="") as f:
        return list(csv.DictReader(f))


def region_rows() -> list[dict[str, str]]:
    with REGIONS_CSV.open(encoding="utf-8-sig", newline="") as f:
        return list(csv.DictReader(f))


def type_counts() -> Counter[str]:
    return Counter(row["type"] for row in authority_rows())


def add_authorities(region: Region, count: int) -> list[LocalAuthority]:
    """Add `count` made-up authorities to `region`, with DfE codes the register doesn't use."""
    used = set(LocalAuthority.objects.values_list("dfe_code", flat=True))
    free = [code for code in (f"{n:03d}" for n in range(1000)) if code not in used]
    return [LocalAuthorityFactory.create(region=region, dfe_code=code) for code in free[:count]]


_VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source"}


@dataclass
class Element:
    tag: str
    attrs: dict[str, str] = field(default_factory=dict)
    children: list["Element | str"] = field(default_factory=list)

    @property
    def classes(self) -> set[str]:
        return set(self.attrs.get("class", "").split())

    def text(self) -> str:
        """The text a user reads, with runs of whitespace collapsed."""
        parts: list[str] = []
        for child in self.children:
            parts.append(child if isinstance(child, str) else " " + child.text() + " ")
        return " ".join("".join(parts).split())

    def iter(self) -> "list[Element]":
        found: list[Element] = []
        for child in self.children:
            if isinstance(child, Element):
                found.append(child)
                found.extend(child.iter())
        return found

    def find_all(self, tag: str, class_: str | None = None) -> "list[Element]":
        return [
            el for el in self.iter() if el.tag == tag and (class_ is None or class_ in el.classes)
        ]

    def find(self, tag: str, class_: str | None = None) -> "Element":
        found = self.find_all(tag, class_)
        assert found, f"no <{tag} class={class_!r}> on the page"
        return found[0]


class _TreeBuilder(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.root = Element("document")
        self.stack = [self.root]

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        element = Element(tag, {name: value or "" for name, value in attrs})
        self.stack[-1].children.append(element)
        if tag not in _VOID:
            self.stack.append(element)

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.stack[-1].children.append(Element(tag, {name: value or "" for name, value in attrs}))

    def handle_endtag(self, tag: str) -> None:
        for depth in range(len(self.stack) - 1, 0, -1):
            if self.stack[depth].tag == tag:
                del self.stack[depth:]
                return

    def handle_data(self, data: str) -> None:
        self.stack[-1].children.append(data)


def parse(html: bytes | str) -> Element:
    builder = _TreeBuilder()
    builder.feed(html.decode() if isinstance(html, bytes) else html)
    builder.close()
    return builder.root


def map_links(page: Element) -> list[Element]:
    """The links drawn on the page's SVG map."""
    return page.find("svg", "app-map__svg").find_all("a", "app-map__link")


def table_rows(table: Element) -> list[list[str]]:
    """Each body row of a table as the text of its cells (row header first)."""
    body = table.find("tbody")
    return [
        [cell.text() for cell in row.iter() if cell.tag in ("th", "td")]
        for row in body.find_all("tr")
    ]
