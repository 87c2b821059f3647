"""The README's "What is where" table names every page of the service: each URL outside the
admin and the API falls under a path the table lists."""

import re
from pathlib import Path

from django.conf import settings
from django.urls import URLPattern, URLResolver, get_resolver

README = Path(settings.BASE_DIR) / "README.md"


def _paths(patterns: list[URLPattern | URLResolver], prefix: str = "") -> list[str]:
    found = []
    for pattern in patterns:
        route = prefix + str(pattern.pattern)
        if isinstance(pattern, URLResolver):
            found += _paths(pattern.url_patterns, route)
        else:
            found.append("/" + route)
    return found


def _shape(path: str) -> str:
    """A path with every parameter written the same way: /survey/<>/returns/."""
    return re.sub(r"<[^>]*>", "<>", path)


def _listed() -> list[str]:
    text = README.read_text(encoding="utf-8")
    table = text.split("## What is where", 1)[1].split("\n## ", 1)[0]
    return [_shape(path) for path in re.findall(r"`(/[^`\s]*)`", table)]


def test_every_page_is_under_a_path_the_readme_lists() -> None:
    listed = _listed()
    pages = [
        path
        for path in _paths(get_resolver().url_patterns)
        if not path.startswith(("/admin/", "/api/"))
    ]

    def under(path: str, listed_path: str) -> bool:
        """The path itself, or a page under a listed section (the home page is not one)."""
        section = listed_path.endswith("/") and listed_path != "/"
        return path == listed_path or (section and path.startswith(listed_path))

    missing = [p for p in pages if not any(under(_shape(p), path) for path in listed)]

    assert not missing, f"Pages the README's 'What is where' table does not list: {missing}"
