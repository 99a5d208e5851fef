"""View mixins that find the local area from the URL and enforce the rules in accounts/rules.py."""

from __future__ import annotations

from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404
from django.urls import reverse

from sendhub.accounts.models import LocalArea
from sendhub.accounts.rules import membership_for, role_in


class AreaMixin(LoginRequiredMixin):
    """Resolve ``area_slug`` to a LocalArea and require ``area_permission`` on it.

    Pages inside an area never show data from another area: querysets are filtered by ``self.area``,
    so an id from another area is a 404.
    """

    area_permission = "area.view"
    area: LocalArea

    def dispatch(self, request, *args, **kwargs):
        if not request.user.is_authenticated:
            return self.handle_no_permission()
        self.area = get_object_or_404(LocalArea, slug=kwargs["area_slug"])
        if not request.user.has_perm(self.area_permission, self.area):
            raise PermissionDenied(f"You do not have permission to do this in {self.area.name}.")
        return super().dispatch(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["current_area"] = self.area
        context["current_role"] = role_in(self.request.user, self.area)
        context["current_membership"] = membership_for(self.request.user, self.area)
        context["can_manage"] = self.request.user.has_perm("area.manage", self.area)
        context["can_comment"] = self.request.user.has_perm("area.comment", self.area)
        context["breadcrumbs"] = self.get_breadcrumbs()
        return context

    def area_url(self, name: str, *args: object) -> str:
        return reverse(name, args=[self.area.slug, *args])

    def get_breadcrumbs(self) -> list[tuple[str, str]]:
        return [("Home", "/"), (self.area.name, self.area.get_absolute_url())]
