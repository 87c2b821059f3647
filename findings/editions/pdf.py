"""The edition's PDF, from its snapshot (being built)."""

from typing import Any


def files(snapshot: dict[str, Any], *, base_url: str = "") -> dict[str, tuple[bytes, str]]:
    """The PDF as {path: (bytes, content type)} for freezing."""
    return {}
