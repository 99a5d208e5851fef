"""Sections that apps above improvement add to the finding and action pages.

improvement sits below the apps that build on the plan (outcomes' success measures, for one), so it must not
import them. Such an app registers a panel in its ``AppConfig.ready()``: a template, and a function that gives
that template its data for the area and the finding or action. Each page renders its panels in the order they
were registered (the order of INSTALLED_APPS), each with its data as ``data``.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

PAGES = ("finding", "action")


@dataclass(frozen=True)
class Panel:
    template: str
    data: Callable[[Any, Any], dict]  # (area, finding or action) -> the template's data


@dataclass(frozen=True)
class RenderedPanel:
    template: str
    data: dict


_registry: dict[str, list[Panel]] = {page: [] for page in PAGES}


def register(page: str, template: str, data: Callable[[Any, Any], dict]) -> None:
    """Add a panel to the finding or action page; registering the same template again replaces it."""
    if page not in _registry:
        raise ValueError(f"No page {page!r} takes panels; these do: {', '.join(PAGES)}")
    panels = [panel for panel in _registry[page] if panel.template != template]
    _registry[page] = [*panels, Panel(template, data)]


def render(page: str, area: Any, obj: Any) -> list[RenderedPanel]:
    return [RenderedPanel(panel.template, panel.data(area, obj)) for panel in _registry[page]]
