"""Every URL pattern of the project, found through the resolver, and a real path for each.

The security tests walk this list instead of a hand-written one, so a URL is checked as
soon as it exists: namespaces, the admin (with its unnamed patterns) and the DRF router
with its format-suffix patterns are all included.
"""

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from django.contrib.admin import ModelAdmin
from django.urls import URLPattern, URLResolver, get_resolver, resolve
from django.utils.regex_helper import normalize


@dataclass(frozen=True)
class Endpoint:
    """One URL pattern, with the includes that lead to it."""

    chain: tuple[URLResolver | URLPattern, ...]
    namespaces: tuple[str, ...]

    @property
    def pattern(self) -> URLPattern:
        leaf = self.chain[-1]
        assert isinstance(leaf, URLPattern)
        return leaf

    @property
    def callback(self) -> Callable[..., Any]:
        return self.pattern.callback

    @property
    def name(self) -> str | None:
        """The name `reverse()` knows it by (`api:localauthority-list`), if it has one."""
        if self.pattern.name is None:
            return None
        return ":".join((*self.namespaces, self.pattern.name))

    @property
    def route(self) -> str:
        """The pattern as written, includes joined: `areas/<slug:slug>/`."""
        return "".join(str(part.pattern) for part in self.chain)

    @property
    def key(self) -> str:
        """How the permission table names it: its URL name, or its route when it has none."""
        return self.name or self.route

    @property
    def namespace(self) -> str:
        """The outermost namespace (`admin`, `api`), or "" for the project's own URLs."""
        return self.namespaces[0] if self.namespaces else ""

    def _formats(self) -> list[tuple[URLResolver | URLPattern, str, list[str]]]:
        # normalize() is what reverse() uses: a format string and the parameters it takes.
        formats = []
        for part in self.chain:
            format_string, params = normalize(part.pattern.regex.pattern)[0]
            formats.append((part, format_string, params))
        return formats

    @property
    def parameters(self) -> list[str]:
        return [param for _, _, params in self._formats() for param in params]

    def path(self, values: Mapping[str, str]) -> str:
        """A path that this pattern (not an earlier one) resolves, built from `values`."""
        path = "/"
        for part, format_string, params in self._formats():
            converters = getattr(part.pattern, "converters", {})
            filled = {
                param: converters[param].to_url(values[param])
                if param in converters
                else str(values[param])
                for param in params
            }
            path += format_string % filled
        match = resolve(path)
        if match.func is not self.callback:
            raise AssertionError(
                f"The path {path} built for {self.route} resolves to {match.route} instead: "
                "give its parameters sample values that only this pattern matches."
            )
        return path


def endpoints() -> list[Endpoint]:
    """Every URL pattern of the project, in resolver order."""
    found: list[Endpoint] = []

    def walk(
        resolver: URLResolver,
        chain: tuple[URLResolver | URLPattern, ...],
        namespaces: tuple[str, ...],
    ) -> None:
        for entry in resolver.url_patterns:
            if isinstance(entry, URLResolver):
                inner = (*namespaces, entry.namespace) if entry.namespace else namespaces
                walk(entry, (*chain, entry), inner)
            else:
                found.append(Endpoint(chain=(*chain, entry), namespaces=namespaces))

    walk(get_resolver(), (), ())
    return found


def model_admin_of(view: Callable[..., Any]) -> "ModelAdmin[Any] | None":
    """The ModelAdmin that serves an admin view, found through the view's wrappers."""
    current: Any = view
    while current is not None:
        for candidate in (
            getattr(current, "model_admin", None),
            getattr(current, "__self__", None),
        ):
            if isinstance(candidate, ModelAdmin):
                return candidate
        current = getattr(current, "__wrapped__", None)
    return None
