"""Sections that other apps add to an area's page, without `areas` importing them.

The register is the lowest app: surveys, visits and case studies each register a provider in
their `AppConfig.ready()`. A provider gets the request (to decide who may see what) and the
authority, and returns a panel or None.
"""

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django.http import HttpRequest

from .models import LocalAuthority


@dataclass(frozen=True)
class AreaPanel:
    template: str
    context: dict[str, Any] = field(default_factory=dict)
    order: int = 100


PanelProvider = Callable[[HttpRequest, LocalAuthority], AreaPanel | None]
_providers: list[PanelProvider] = []


def register_area_panel(provider: PanelProvider) -> PanelProvider:
    if provider not in _providers:
        _providers.append(provider)
    return provider


def area_panels(request: HttpRequest, authority: LocalAuthority) -> list[AreaPanel]:
    panels = [panel for provider in _providers if (panel := provider(request, authority))]
    return sorted(panels, key=lambda panel: panel.order)
