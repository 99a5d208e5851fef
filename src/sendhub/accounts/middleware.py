"""Require two-factor sign-in for area administrators when the deployment says so."""

from __future__ import annotations

from django.conf import settings
from django.shortcuts import redirect
from django.urls import reverse

from sendhub.accounts.models import Membership, Role

_ALLOWED_PREFIXES = ("/accounts/", "/static/", "/accessibility")


class TwoFactorRequiredMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if settings.SENDHUB_REQUIRE_2FA_FOR_ADMINS and self._needs_second_factor(request):
            return redirect(f"{reverse('accounts:two-factor')}?next={request.path}")
        return self.get_response(request)

    @staticmethod
    def _needs_second_factor(request) -> bool:
        user = getattr(request, "user", None)
        if user is None or not user.is_authenticated or request.path.startswith(_ALLOWED_PREFIXES):
            return False
        if user.is_verified():
            return False
        return user.is_superuser or Membership.objects.filter(user=user, role=Role.ADMINISTRATOR).exists()
