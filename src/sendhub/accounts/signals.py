"""Receivers that keep the sign-in slowdown in step with signing in (connected in AccountsConfig.ready)."""

from __future__ import annotations

from django.contrib.auth import user_logged_in
from django.dispatch import receiver


@receiver(user_logged_in, dispatch_uid="sendhub-clear-sign-in-slowdown")
def clear_slowdown(sender, request, user, **kwargs) -> None:
    # Whichever way the holder got in (password, emailed link, invitation), their account's count starts again.
    from sendhub.accounts.services import sign_in_throttle_clear

    sign_in_throttle_clear(identity=user.get_username())
