"""The edition's open data release, from its snapshot (being built)."""

from typing import Any


def files(snapshot: dict[str, Any]) -> dict[str, tuple[bytes, str]]:
    """The data release as {path: (bytes, content type)} for freezing."""
    return {}
