"""Writes to people, memberships, invitations and organisations, each in one transaction.

Views call these functions rather than saving models themselves, so the rules (an area always keeps an
administrator; an invitation is used once) hold whatever the caller. Every write records the acting
person for django-simple-history.
"""

from __future__ import annotations

import base64

from django.conf import settings
from django.core.mail import send_mail
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone

from sendhub.accounts.models import Invitation, LocalArea, Membership, Organisation, Role, User


class AccountsError(Exception):
    """A rule stopped the change; the message is safe to show to the person."""


class LastAdministratorError(AccountsError):
    pass


class InvitationUnusable(AccountsError):
    pass


def normalise_email(email: str) -> str:
    return User.objects.normalize_email(email.strip()).lower()


def user_for_email(email: str) -> User | None:
    return User.objects.filter(email__iexact=email.strip()).first()


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
