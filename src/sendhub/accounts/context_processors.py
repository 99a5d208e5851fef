"""What the page layout needs to know about the signed-in person and the area in the address.

Kept here rather than in ``web.context_processors``: web sits below accounts and knows no app's models.
"""

from __future__ import annotations

from functools import partial

from django.http import HttpRequest

from sendhub.accounts.models import LocalArea, Role
from sendhub.web.context_processors import public_area_slug


def membership(request: HttpRequest) -> dict:
    # Both are called by the template only when the navigation needs them, so other pages make no query.
    context: dict = {"is_monitor": partial(_is_monitor, request)}
    slug = public_area_slug(request)
    if slug is not None:
        context["public_area"] = partial(_area, slug)
    return context


def _is_monitor(request: HttpRequest) -> bool:
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return False
    return user.memberships.filter(role=Role.MONITOR).exists()


def _area(slug: str) -> LocalArea | None:
    return LocalArea.objects.filter(slug=slug).first()
