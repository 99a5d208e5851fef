"""Session rules: sign out idle staff, and require two-factor sign-in for administrators when configured."""

from __future__ import annotations

import time

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout, user_logged_in
from django.contrib.auth.views import redirect_to_login
from django.dispatch import receiver
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


_LAST_SEEN = "sendhub_last_seen"
_SIGNED_IN_AT = "sendhub_signed_in_at"


@receiver(user_logged_in, dispatch_uid="sendhub-idle-clock")
def start_idle_clock(sender, request, user, **kwargs) -> None:
    # Starting the clock at sign-in saves the first page after it a session write.
    if request is not None and hasattr(request, "session"):
        now = int(time.time())
        request.session[_LAST_SEEN] = now
        request.session[_SIGNED_IN_AT] = now


# Writing the session on every request would cost a database write each time: once a minute is precise enough.
_TOUCH_EVERY_SECONDS = 60


class IdleSessionMiddleware:
    """Sign staff out after ``SENDHUB_SESSION_IDLE_SECONDS`` without a request (a shared office computer left
    signed in), and ``SESSION_COOKIE_AGE`` after they signed in however busy they are: each write of the session
    would otherwise push its expiry on, so the hard limit is kept here."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            now = int(time.time())
            last_seen = request.session.get(_LAST_SEEN)
            signed_in_at = request.session.get(_SIGNED_IN_AT)
            idle = last_seen is not None and now - last_seen > settings.SENDHUB_SESSION_IDLE_SECONDS
            expired = signed_in_at is not None and now - signed_in_at > settings.SESSION_COOKIE_AGE
            if idle or expired:
                request.sendhub_sign_out_reason = "idle" if idle else "expired"  # the audit log says why
                logout(request)
                messages.info(request, "You were signed out because you had not used SEND Hub for a while."
                              if idle else "You were signed out because you signed in a long time ago.")
                return redirect_to_login(request.get_full_path())
            if last_seen is None or now - last_seen >= _TOUCH_EVERY_SECONDS:
                request.session[_LAST_SEEN] = now
                request.session.setdefault(_SIGNED_IN_AT, now)
        return self.get_response(request)
