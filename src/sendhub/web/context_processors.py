from __future__ import annotations

from pathlib import Path

from django.conf import settings
from django.http import HttpRequest

# The public pages, by URL namespace (every page in it) or by namespace and name: they share the public
# navigation ("govuk/public_navigation.html") for the area in their address. Everything else inside an area is a
# staff page with the staff navigation.
PUBLIC_NAMESPACES = frozenset({"voice-public", "progress-public", "you-said-we-did", "sufficiency-public"})
PUBLIC_PAGES = frozenset({("directory", "search"), ("directory", "service"), ("directory", "report"),
                          ("directory", "report-sent")})
# Which public section a page belongs to, for the navigation's current item.
PUBLIC_SECTIONS = {"directory": "find-support", "voice-public": "have-your-say",
                   "progress-public": "how-we-are-improving", "you-said-we-did": "you-said-we-did"}

# Which staff section a page belongs to, for the staff navigation's current item: by namespace, or by
# namespace and URL name where one namespace holds several sections.
STAFF_SECTIONS = {"outcomes": "outcomes", "voice": "voice", "surveys": "surveys", "directory": "local-offer",
                  "reports": "reports", "governance": "board", "monitoring": "monitoring",
                  "forecasting": "sufficiency", "inspection": "inspection"}
STAFF_PAGES = {("improvement", "dashboard"): "dashboard", ("improvement", "my-actions"): "my-actions",
               ("voice", "forum"): "forum"}
IMPROVEMENT_SECTIONS = {"finding": "findings", "inspection": "findings", "judgement": "findings"}


def staff_section(namespace: str, url_name: str) -> str:
    """The staff navigation item a page is under ("" for none)."""
    if (namespace, url_name) in STAFF_PAGES:
        return STAFF_PAGES[namespace, url_name]
    if namespace == "improvement":
        return IMPROVEMENT_SECTIONS.get(url_name.split("-")[0], "actions")
    return STAFF_SECTIONS.get(namespace, "")


def public_area_slug(request: HttpRequest) -> str | None:
    """The area in the address of a public page (which then has the public navigation), or None."""
    match = getattr(request, "resolver_match", None)
    if match is not None and "area_slug" in match.kwargs and (
        match.namespace in PUBLIC_NAMESPACES or (match.namespace, match.url_name) in PUBLIC_PAGES
    ):
        return match.kwargs["area_slug"]
    return None


def service(request: HttpRequest) -> dict:
    """The service's name, the demo banner and the navigation's current section. What needs the signed-in
    person or the area (``is_monitor``, ``public_area``) comes from ``sendhub.accounts.context_processors``."""
    context = {"service_name": settings.SENDHUB_SERVICE_NAME, "demo_banner": _demo_banner}
    match = getattr(request, "resolver_match", None)
    if public_area_slug(request) is not None:
        context["public_section"] = PUBLIC_SECTIONS.get(match.namespace, "")
    elif match is not None:
        context["staff_section"] = staff_section(match.namespace or "", match.url_name or "")
    return context


DEMO_MARKER = "demo-loaded"  # written into SENDHUB_DATA_DIR by `sendhub demo load`


def demo_marker() -> Path:
    return Path(settings.DATA_DIR) / DEMO_MARKER


def _demo_banner() -> bool:
    """``SENDHUB_DEMO_BANNER`` when set; otherwise (auto) whether `sendhub demo load` has loaded the demo into this
    data directory's database. A file, not a query: pages make the same queries with or without the demo."""
    if settings.SENDHUB_DEMO_BANNER is not None:
        return settings.SENDHUB_DEMO_BANNER
    return demo_marker().exists()
