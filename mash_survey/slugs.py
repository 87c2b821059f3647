"""Web addresses people choose for records (a case study's, a report edition's): one rule for
their shape and the words they may not take.

A record's pages live at `/<section>/<slug>/`, beside the section's own pages
(`/case-studies/manage/`, `/findings/themes/`). `reserved(namespace)` reads those pages'
first path segments from the URL configuration itself, so a page added later is reserved
without anyone remembering to; `COMMON` adds the words any section may grow.
"""

import re
from collections.abc import Sequence
from functools import cache

from django.urls import URLPattern, URLResolver, get_resolver

FORMAT = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
#: Words reserved in every section, whether or not it has such a page yet.
COMMON = frozenset({"new", "manage", "edit", "delete", "history", "pdf", "preview", "search"})


@cache
def reserved(namespace: str) -> frozenset[str]:
    """The literal first path segments of the pages in the URL namespace, and `COMMON`."""
    words = set(COMMON)
    for resolver in _resolvers(get_resolver().url_patterns):
        if resolver.namespace != namespace:
            continue
        for pattern in resolver.url_patterns:
            if isinstance(pattern, URLPattern | URLResolver):
                first = re.split(r"[/.]", str(pattern.pattern), maxsplit=1)[0]
                if first and not first.startswith("<"):
                    words.add(first)
    return frozenset(words)


def _resolvers(patterns: Sequence[object]) -> list[URLResolver]:
    found = []
    for pattern in patterns:
        if isinstance(pattern, URLResolver):
            found += [pattern, *_resolvers(pattern.url_patterns)]
    return found


def problem(
    slug: str, *, namespace: str, prefix: str, example: str, max_length: int, blank: str
) -> str:
    """What is wrong with `slug` as a web address under `prefix` ("" if nothing); `blank`
    is the message for none."""
    if not slug:
        return blank
    if len(slug) > max_length:
        return f"The web address must be {max_length} characters or fewer"
    if not FORMAT.match(slug):
        return (
            "The web address can only use lower-case letters, numbers and single hyphens "
            f"between them, such as {example}"
        )
    if slug in reserved(namespace):
        return f"{prefix}{slug}/ is a page of its own: choose another web address"
    return ""
