"""Render user-written Markdown as safe HTML styled for the GOV.UK Design System.

Visit notes, case studies and findings are written in Markdown by practitioners
and shown to other users, so the HTML is untrusted. `render_markdown()`:

1. converts Markdown with tables, fenced code, "sane" lists and hard line
   breaks (practitioners type into a textarea and expect a new line to stay
   one). Headings move down a level, capped at h4: the page owns the h1, so
   "# Summary" becomes an h2.
2. sanitises the HTML with nh3 against an allow-list: p, br, strong, em, ul,
   ol, li, h2-h4, blockquote, a (href, title), table elements, code, pre, hr.
   Everything else goes. script, style, iframe and the like go with their
   content; img goes too, as the CSP only allows our own images and an image
   URL could track who read the note. No style attribute survives (the CSP
   forbids inline styles), nor any event handler, id or class. Links keep only
   http, https and mailto URLs (no javascript:, data: or relative URLs, which
   include "//host" ones) and get rel="noopener noreferrer".
3. puts the GOV.UK classes on the result. nh3 sets them while it serialises the
   cleaned tree, replacing whatever class the author wrote, so a user's class
   never survives and ours can't be spoofed.

`markdown_to_text()` gives the plain text, with each link's URL after its text,
for the PII scanner and for search.
"""

import re
import threading
import xml.etree.ElementTree as etree
from html.parser import HTMLParser
from typing import Final

import markdown
import nh3
from django.utils.safestring import SafeString, mark_safe
from markdown.extensions import Extension
from markdown.treeprocessors import Treeprocessor

ALLOWED_TAGS: Final = frozenset(
    {
        "p",
        "br",
        "strong",
        "em",
        "ul",
        "ol",
        "li",
        "h2",
        "h3",
        "h4",
        "blockquote",
        "a",
        "table",
        "caption",
        "thead",
        "tbody",
        "tr",
        "th",
        "td",
        "code",
        "pre",
        "hr",
    }
)
# Removed together with everything inside them, not just unwrapped.
DROPPED_WITH_CONTENT: Final = frozenset(
    {
        "script",
        "style",
        "iframe",
        "object",
        "embed",
        "noscript",
        "template",
        "textarea",
        "select",
        "svg",
        "math",
    }
)
ALLOWED_ATTRIBUTES: Final = {"a": {"href", "title"}}
ALLOWED_URL_SCHEMES: Final = frozenset({"http", "https", "mailto"})
LINK_REL: Final = "noopener noreferrer"

GOVUK_CLASSES: Final = {
    "p": "govuk-body",
    "a": "govuk-link",
    "ul": "govuk-list govuk-list--bullet",
    "ol": "govuk-list govuk-list--number",
    "h2": "govuk-heading-m",
    "h3": "govuk-heading-s",
    "h4": "govuk-heading-s",
    "blockquote": "govuk-inset-text",
    "hr": "govuk-section-break govuk-section-break--m govuk-section-break--visible",
    "table": "govuk-table",
    "caption": "govuk-table__caption govuk-table__caption--m",
    "thead": "govuk-table__head",
    "tbody": "govuk-table__body",
    "tr": "govuk-table__row",
    "th": "govuk-table__header",
    "td": "govuk-table__cell",
}

_HEADING = re.compile(r"h([1-6])")
_TOP_HEADING: Final = 2
_BOTTOM_HEADING: Final = 4


class _ShiftHeadings(Treeprocessor):
    """h1 -> h2, h2 -> h3, h3 and below -> h4."""

    def run(self, root: etree.Element) -> None:
        for element in root.iter():
            if match := _HEADING.fullmatch(element.tag):
                level = min(int(match.group(1)) + _TOP_HEADING - 1, _BOTTOM_HEADING)
                element.tag = f"h{level}"


class _ShiftHeadingsExtension(Extension):
    def extendMarkdown(self, md: markdown.Markdown) -> None:
        md.treeprocessors.register(_ShiftHeadings(md), "shift_headings", 0)


_local = threading.local()


def _markdown() -> markdown.Markdown:
    """A converter per thread: a Markdown instance keeps state between calls."""
    md: markdown.Markdown | None = getattr(_local, "md", None)
    if md is None:
        md = markdown.Markdown(
            extensions=[
                "tables",
                "fenced_code",
                "sane_lists",
                "nl2br",
                _ShiftHeadingsExtension(),
            ],
            output_format="html",
        )
        _local.md = md
    return md


def _to_html(text: str) -> str:
    return _markdown().reset().convert(text)


def _sanitise(html: str) -> str:
    return nh3.clean(
        html,
        tags=set(ALLOWED_TAGS),
        clean_content_tags=set(DROPPED_WITH_CONTENT),
        attributes={tag: set(names) for tag, names in ALLOWED_ATTRIBUTES.items()},
        url_schemes=set(ALLOWED_URL_SCHEMES),
        url_relative="deny",
        link_rel=LINK_REL,
        strip_comments=True,
        # class is in no allow-list above, so the author's is dropped and ours set.
        set_tag_attribute_values={tag: {"class": c} for tag, c in GOVUK_CLASSES.items()},
    )


def render_markdown(text: str) -> SafeString:
    """Markdown to sanitised HTML with GOV.UK classes, safe to put in a template."""
    if not text:
        return mark_safe("")
    return mark_safe(_sanitise(_to_html(text)))  # noqa: S308 (sanitised by nh3 just now)


_BLOCK_TAGS: Final = frozenset(
    {
        "p",
        "div",
        "br",
        "li",
        "ul",
        "ol",
        "h1",
        "h2",
        "h3",
        "h4",
        "h5",
        "h6",
        "blockquote",
        "pre",
        "hr",
        "table",
        "caption",
        "tr",
        "dt",
        "dd",
    }
)
_CELL_TAGS: Final = frozenset({"td", "th"})


class _TextExtractor(HTMLParser):
    """Collects text, breaking lines at blocks and adding link URLs after their text."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self._links: list[str | None] = []
        self._skipping = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in DROPPED_WITH_CONTENT:
            self._skipping += 1
        elif tag in _BLOCK_TAGS:
            self.parts.append("\n")
        elif tag in _CELL_TAGS:
            self.parts.append("\t")
        elif tag == "a":
            self._links.append(dict(attrs).get("href"))
        elif tag == "img":
            alt = dict(attrs).get("alt")
            if alt:
                self.parts.append(alt)

    def handle_endtag(self, tag: str) -> None:
        if tag in DROPPED_WITH_CONTENT:
            self._skipping = max(0, self._skipping - 1)
        elif tag in _BLOCK_TAGS:
            self.parts.append("\n")
        elif tag == "a" and self._links:
            href = self._links.pop()
            if href and href.removeprefix("mailto:") not in self.parts[-1:]:
                self.parts.append(f" ({href.removeprefix('mailto:')})")

    def handle_data(self, data: str) -> None:
        if not self._skipping:
            self.parts.append(data)


_SPACES = re.compile(r"[ \t]+")


def markdown_to_text(text: str) -> str:
    """The plain text of a Markdown document, for scanning and search.

    Formatting goes; each paragraph, list item, heading and table row is one
    line (blank lines are dropped). A link's URL follows its text in brackets ("the guidance
    (https://…)"), with "mailto:" dropped, so an address hidden behind link text
    is still seen by the PII scanner. Script and style content is dropped.
    """
    if not text:
        return ""
    extractor = _TextExtractor()
    extractor.feed(_to_html(text))
    extractor.close()
    plain = "".join(extractor.parts)
    lines = (_SPACES.sub(" ", line).strip() for line in plain.splitlines())
    return "\n".join(line for line in lines if line)
