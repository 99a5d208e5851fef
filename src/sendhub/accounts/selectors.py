"""Reads about people for signing in: which account an address names, and how long its sign-in must wait."""

from __future__ import annotations

from django.conf import settings

from sendhub.accounts.identity import normalise_email
from sendhub.accounts.models import User


def account_for_address(typed: str) -> User | None:
    """The account a typed address names, matched as sign-in matches it (any letter case, spaces, NFKC forms)."""
    wanted = normalise_email(typed)
    if not wanted:
        return None
    matches = list(User.objects.filter(email__iexact=wanted).order_by("pk")[:2])
    if not matches and wanted != typed.strip():
        # An address stored before NFKC normalisation (e.g. with a full-width letter) is still found as typed.
        matches = list(User.objects.filter(email__iexact=typed.strip()).order_by("pk")[:2])
    exact = [user for user in matches if normalise_email(user.email) == wanted]
    return (exact or matches or [None])[0]


def sign_in_username(typed: str) -> str:
    """What sign-in passes to ``authenticate``: the stored address of the account the typed one names, otherwise the
    normalised typed address.

    Every spelling that can open an account therefore reaches django-axes, the slowdown and the audit log as that
    account's one address, so no spelling has failures of its own.
    """
    account = account_for_address(typed)
    return account.email if account is not None else normalise_email(typed)


def slowdown_seconds(failures: int) -> int:
    """How long after the last attempt the next password check must wait, given the account's failures: nothing
    below ``SENDHUB_LOGIN_SLOWDOWN_AFTER``, then 1 s, doubling with each failure, up to the lockout's cool-off."""
    over = failures - settings.SENDHUB_LOGIN_SLOWDOWN_AFTER
    if over < 0:
        return 0
    ceiling = max(1, int(float(settings.AXES_COOLOFF_TIME) * 3600))
    return ceiling if over >= ceiling.bit_length() else min(ceiling, 2**over)
