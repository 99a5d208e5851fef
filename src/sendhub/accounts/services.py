"""Writes to people, memberships, invitations and organisations, each in one transaction.

Views call these functions rather than saving models themselves, so the rules (an area always keeps an
administrator; an invitation is used once) hold whatever the caller. Every write records the acting
person for django-simple-history.
"""

from __future__ import annotations

import base64
import hashlib
import math
import secrets
from datetime import datetime, timedelta

from django.conf import settings
from django.core.mail import send_mail
from django.db import IntegrityError, transaction
from django.db.models import F
from django.urls import reverse
from django.utils import timezone

from sendhub.accounts import audit
from sendhub.accounts.identity import identity_key, normalise_email
from sendhub.accounts.models import (
    AuditEvent,
    Invitation,
    LocalArea,
    Membership,
    Organisation,
    Role,
    SignInLink,
    SignInThrottle,
    User,
)
from sendhub.accounts.selectors import account_for_address, slowdown_seconds


class AccountsError(Exception):
    """A rule stopped the change; the message is safe to show to the person."""


class LastAdministratorError(AccountsError):
    pass


class InvitationUnusable(AccountsError):
    pass


class SignInLinkUnusable(AccountsError):
    pass


def user_for_email(email: str) -> User | None:
    return account_for_address(email)


def is_member(email: str, area: LocalArea) -> bool:
    return Membership.objects.filter(area=area, user__email__iexact=email.strip()).exists()


def invitation_url(invitation: Invitation) -> str:
    path = reverse("accounts:invitation-accept", args=[invitation.token])
    return settings.SENDHUB_BASE_URL.rstrip("/") + path


def invitation_create(
    *,
    area: LocalArea,
    email: str,
    full_name: str,
    role: str,
    organisation: Organisation | None,
    invited_by: User | None,
) -> Invitation:
    """Record an invitation and email its single-use link.

    An earlier unused invitation for the same address and area stops working, so only the newest link is
    valid.
    """
    email = normalise_email(email)
    now = timezone.now()
    with transaction.atomic():
        for earlier in Invitation.objects.filter(
            area=area, email__iexact=email, accepted_at__isnull=True, expires_at__gt=now
        ):
            earlier.expires_at = now
            earlier._history_user = invited_by
            earlier.save(update_fields=["expires_at"])
        invitation = Invitation(
            area=area,
            email=email,
            full_name=full_name.strip(),
            role=role,
            organisation=organisation,
            invited_by=invited_by,
        )
        invitation._history_user = invited_by
        invitation.save()
        transaction.on_commit(lambda: _send_invitation_email(invitation))
    return invitation


def _send_invitation_email(invitation: Invitation) -> None:
    inviter = invitation.invited_by.full_name if invitation.invited_by else "An administrator"
    local = timezone.localtime(invitation.expires_at)
    expires = f"{local.day} {local:%B %Y at %H:%M}"
    service = settings.SENDHUB_SERVICE_NAME
    body = (
        f"Dear {invitation.full_name},\n\n"
        f"{inviter} has invited you to join {invitation.area.name} on {service} "
        f"as: {invitation.get_role_display()}.\n\n"
        f"Use this link to accept the invitation:\n{invitation_url(invitation)}\n\n"
        f"The link works once and expires on {expires}.\n\n"
        "If you were not expecting this email, you can ignore it.\n"
    )
    send_mail(
        subject=f"You have been invited to {invitation.area.name} on {service}",
        message=body,
        from_email=None,
        recipient_list=[invitation.email],
    )


def invitation_cancel(*, invitation: Invitation, cancelled_by: User | None) -> None:
    if not invitation.is_usable:
        return
    invitation.expires_at = timezone.now()
    invitation._history_user = cancelled_by
    invitation.save(update_fields=["expires_at"])


def invitation_accept(*, token: str, user: User | None = None, password: str | None = None) -> Membership:
    """Use the invitation: make the account if needed, add the membership and mark the invitation used.

    Pass ``user`` when the person is signed in (their email must match), or ``password`` to create the
    account for a new address. Raises InvitationUnusable when the link is expired, used or mismatched.
    """
    try:
        with transaction.atomic():
            invitation = Invitation.objects.select_for_update().select_related("area").get(token=token)
            if not invitation.is_usable:
                raise InvitationUnusable("This invitation has expired or has already been used.")
            if user is None:
                if user_for_email(invitation.email) is not None:
                    raise InvitationUnusable("An account already exists for this email address: sign in first.")
                if not password:
                    raise InvitationUnusable("Choose a password to create your account.")
                user = User.objects.create_user(invitation.email, password=password, full_name=invitation.full_name)
            elif user.email.lower() != invitation.email.lower():
                raise InvitationUnusable("This invitation is for a different email address.")
            if Membership.objects.filter(user=user, area=invitation.area).exists():
                raise InvitationUnusable(f"You are already a member of {invitation.area.name}.")
            membership = Membership(
                user=user, area=invitation.area, role=invitation.role, organisation=invitation.organisation
            )
            membership._history_user = user
            membership.save()
            invitation.accepted_at = timezone.now()
            invitation._history_user = user
            invitation.save(update_fields=["accepted_at"])
    except IntegrityError as exc:  # a second, simultaneous use of the same link
        raise InvitationUnusable("This invitation has already been used.") from exc
    return membership


def _administrator_count(area: LocalArea) -> int:
    return Membership.objects.filter(area=area, role=Role.ADMINISTRATOR).count()


def membership_update(*, membership: Membership, role: str, organisation: Organisation | None, changed_by) -> None:
    """Change a role or organisation; the area must keep at least one administrator."""
    with transaction.atomic():
        current = Membership.objects.select_for_update().get(pk=membership.pk)
        if (
            current.role == Role.ADMINISTRATOR
            and role != Role.ADMINISTRATOR
            and _administrator_count(current.area) <= 1
        ):
            raise LastAdministratorError(
                f"{current.user} is the only administrator of {current.area.name}. "
                "Make someone else an administrator first."
            )
        membership.role = role
        membership.organisation = organisation
        membership._history_user = changed_by
        membership.save(update_fields=["role", "organisation"])


def membership_remove(*, membership: Membership, removed_by) -> None:
    with transaction.atomic():
        current = Membership.objects.select_for_update().get(pk=membership.pk)
        if current.role == Role.ADMINISTRATOR and _administrator_count(current.area) <= 1:
            raise LastAdministratorError(
                f"{current.user} is the only administrator of {current.area.name} and cannot be removed. "
                "Make someone else an administrator first."
            )
        current._history_user = removed_by
        current.delete()


def organisation_save(*, organisation: Organisation, saved_by) -> Organisation:
    organisation._history_user = saved_by
    organisation.save()
    return organisation


def totp_secret(device) -> str:
    """The device key in base32, in groups of four, for typing into an authenticator app."""
    secret = base64.b32encode(device.bin_key).decode("ascii").rstrip("=")
    return " ".join(secret[i : i + 4] for i in range(0, len(secret), 4))


# --- Signing in: the slowdown across addresses, and emailed sign-in links -------------------------------------

# A day without failures forgets an account's count.
THROTTLE_QUIET_PERIOD = timedelta(days=1)


def sign_in_throttle_claim(*, identity: str, now: datetime | None = None) -> int:
    """Seconds to wait before the account's password may be checked; 0 lets this attempt through.

    Letting an attempt through while the account is slowed takes the turn: the row's time moves on only if nobody
    else moved it first (compare and set, atomic on SQLite and PostgreSQL alike), so many requests arriving together
    when the wait ends get one password check between them, not one each.
    """
    now = now or timezone.now()
    throttle = SignInThrottle.objects.filter(key=identity_key(identity)).first()
    if throttle is None:
        return 0
    if throttle.last_attempt_at <= now - THROTTLE_QUIET_PERIOD:
        SignInThrottle.objects.filter(pk=throttle.pk, last_attempt_at__lte=now - THROTTLE_QUIET_PERIOD).delete()
        return 0
    delay = slowdown_seconds(throttle.failures)
    if not delay:
        return 0
    ready_at = throttle.last_attempt_at + timedelta(seconds=delay)
    if now < ready_at:
        return max(1, math.ceil((ready_at - now).total_seconds()))
    taken = SignInThrottle.objects.filter(pk=throttle.pk, last_attempt_at=throttle.last_attempt_at).update(
        last_attempt_at=now
    )
    return 0 if taken else delay


def sign_in_throttle_record_failure(*, identity: str, now: datetime | None = None) -> None:
    """Count a wrong password for the account, from whatever address."""
    now = now or timezone.now()
    key = identity_key(identity)
    with transaction.atomic():
        # Forgotten counts go here rather than in a scheduled job: the table stays small whoever fills it.
        SignInThrottle.objects.filter(last_attempt_at__lte=now - THROTTLE_QUIET_PERIOD).delete()
        if SignInThrottle.objects.filter(key=key).update(failures=F("failures") + 1, last_attempt_at=now):
            return
        try:
            with transaction.atomic():
                SignInThrottle.objects.create(key=key, failures=1, first_failure_at=now, last_attempt_at=now)
        except IntegrityError:  # a simultaneous first failure made the row
            SignInThrottle.objects.filter(key=key).update(failures=F("failures") + 1, last_attempt_at=now)


def sign_in_throttle_clear(*, identity: str) -> None:
    """The account holder is in (password, emailed link or invitation): their account's count starts again."""
    SignInThrottle.objects.filter(key=identity_key(identity)).delete()


def _token_hash(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def sign_in_link_url(token: str) -> str:
    return settings.SENDHUB_BASE_URL.rstrip("/") + reverse("accounts:sign-in-link", args=[token])


def sign_in_link_send(*, email: str, request=None, now: datetime | None = None) -> bool:
    """Email a single-use sign-in link to the account the address names; whether one was sent.

    Nothing is sent for an unknown or closed account, or when ``SENDHUB_SIGN_IN_LINKS_PER_PERIOD`` links went to the
    account in the last ``SENDHUB_SIGN_IN_LINK_MINUTES``: the caller says the same thing in every case, so the page
    tells no one which addresses have accounts. Earlier links keep working until they expire, and a link lives as
    long as the period, so whoever asks for links for someone else's account cannot leave its holder without one:
    every link goes to the holder's mailbox, and while the cap refuses, a link sent within the period still works.
    """
    now = now or timezone.now()
    user = account_for_address(email)
    if user is None or not user.is_active:
        return False
    period = timedelta(minutes=settings.SENDHUB_SIGN_IN_LINK_MINUTES)
    token = secrets.token_urlsafe(32)
    with transaction.atomic():
        # Serialise requests for one account so two at once cannot both pass the cap.
        User.objects.select_for_update().filter(pk=user.pk).first()
        if SignInLink.objects.filter(user=user, created_at__gt=now - period).count() >= (
            settings.SENDHUB_SIGN_IN_LINKS_PER_PERIOD
        ):
            return False
        SignInLink.objects.filter(expires_at__lte=now - timedelta(days=1)).delete()
        link = SignInLink.objects.create(user=user, token_hash=_token_hash(token), created_at=now,
                                         expires_at=now + period)
        audit.record(AuditEvent.Kind.SIGN_IN_LINK_SENT, request=request, user=user)
        transaction.on_commit(lambda: _send_sign_in_link_email(link, token))
    return True


def _send_sign_in_link_email(link: SignInLink, token: str) -> None:
    local = timezone.localtime(link.expires_at)
    service = settings.SENDHUB_SERVICE_NAME
    body = (
        f"Dear {link.user.full_name or link.user.email},\n\n"
        f"Someone asked for a link to sign in to {service} with this email address. If it was you, use this link:\n"
        f"{sign_in_link_url(token)}\n\n"
        f"It works once, until {local:%H:%M} on {local.day} {local:%B %Y}. After signing in you can choose a new "
        "password.\n\n"
        "If you did not ask for it, you can ignore this email: nobody can use the link without reading it here. "
        "If you keep getting these emails, tell your area administrator.\n"
    )
    send_mail(subject=f"Your link to sign in to {service}", message=body, from_email=None,
              recipient_list=[link.user.email])


def sign_in_link_find(*, token: str) -> SignInLink | None:
    """The link a token names, usable or not (the page says which), or None."""
    return SignInLink.objects.select_related("user").filter(token_hash=_token_hash(token)).first()


def sign_in_link_use(*, token: str, now: datetime | None = None) -> User:
    """Mark the link used and return its account; SignInLinkUnusable if it is used, expired, unknown or closed."""
    now = now or timezone.now()
    with transaction.atomic():
        link = SignInLink.objects.select_for_update().select_related("user").filter(
            token_hash=_token_hash(token)
        ).first()
        if link is None:
            raise SignInLinkUnusable("This sign-in link is not recognised. Check you copied the whole link.")
        if link.used_at is not None:
            raise SignInLinkUnusable("This sign-in link has already been used. Each link works once.")
        if link.expires_at <= now or not link.user.is_active:
            raise SignInLinkUnusable("This sign-in link has expired.")
        link.used_at = now
        link.save(update_fields=["used_at"])
    return link.user
