"""Reads about people for signing in: which account an address names, how long its sign-in must wait, and
which page they land on."""

from __future__ import annotations

from django.conf import settings
from django.db.models import Q
from django.urls import reverse

from sendhub.accounts.identity import normalise_email
from sendhub.accounts.models import LocalArea, Membership, Role, User


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


# Where each role lands after signing in: a page made for it. One area's member goes to their role's page in it;
# a person who only monitors goes to the cross-area monitoring page; anyone else to the list of their areas.
ROLE_LANDINGS = {
    Role.ADMINISTRATOR: "improvement:dashboard",
    Role.EDITOR: "improvement:dashboard",
    Role.FORUM_MEMBER: "voice:forum",
    Role.VIEWER: "improvement:finding-list",  # the plan: every finding and the actions answering it
}


def landing_url(user) -> str | None:
    """The page a signed-in person starts from, or None when the list of their areas (the home page) is it."""
    if user.is_superuser:
        areas = list(LocalArea.objects.order_by("pk")[:2])
        return areas[0].get_absolute_url() if len(areas) == 1 else None
    memberships = list(Membership.objects.filter(user=user).select_related("area"))
    if not memberships:
        return None
    if all(m.role == Role.MONITOR for m in memberships):
        return reverse("monitoring:overview")
    if len(memberships) == 1:
        membership = memberships[0]
        return reverse(ROLE_LANDINGS[membership.role], args=[membership.area.slug])
    return None


def resolve_area(code: str) -> LocalArea | None:
    """An area by LA code (888), ONS code (E10000017) or slug (lancashire)."""
    code = (code or "").strip()
    if not code:
        return None
    return LocalArea.objects.filter(Q(la_code__iexact=code) | Q(ons_code__iexact=code) | Q(slug__iexact=code)).first()
