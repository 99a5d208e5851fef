"""Recording sign-ins and data exports in the audit log (`AuditEvent`), and reading it back.

Nothing personal goes into an event beyond the account that did it: a failed sign-in with an address we don't know
records no address at all, and exports record what was exported (the plan, a survey's answers), not the data.
"""

from __future__ import annotations

from django.contrib.auth import user_logged_in, user_logged_out, user_login_failed
from django.db.models import Q, QuerySet
from django.dispatch import receiver

from sendhub.accounts.models import AuditEvent, LocalArea, User
from sendhub.accounts.selectors import account_for_address


def record(kind: str, *, request=None, user=None, area: LocalArea | None = None, what: str = "",
           **detail) -> AuditEvent:
    if user is None and request is not None and getattr(request, "user", None) is not None:
        user = request.user if request.user.is_authenticated else None
    return AuditEvent.objects.create(
        kind=kind,
        user=user,
        area=area,
        what=what[:200],
        detail=detail,
        request_id=getattr(request, "request_id", "") if request is not None else "",
    )


def exported(request, area: LocalArea | None, what: str, file_format: str) -> AuditEvent:
    """A person took data out of SEND Hub (a spreadsheet of the plan, a pack, survey answers)."""
    return record(AuditEvent.Kind.EXPORTED, request=request, area=area, what=what, format=file_format)


def downloaded(request, area: LocalArea | None, what: str) -> AuditEvent:
    """A person downloaded an uploaded file (evidence, a board paper, an inspection report)."""
    return record(AuditEvent.Kind.DOWNLOADED, request=request, area=area, what=what)


def for_area(area: LocalArea) -> QuerySet[AuditEvent]:
    """Exports and downloads in the area, and sign-in events of the area's members."""
    members = User.objects.filter(memberships__area=area)
    return AuditEvent.objects.filter(Q(area=area) | Q(area__isnull=True, user__in=members)).select_related(
        "user", "area"
    )


@receiver(user_logged_in)
def _signed_in(sender, request, user, **kwargs):
    # A sign-in by emailed link says so: the password was not used.
    by = getattr(request, "sendhub_signed_in_by", None)
    record(AuditEvent.Kind.SIGNED_IN, request=request, user=user, **({"by": by} if by else {}))


@receiver(user_logged_out)
def _signed_out(sender, request, user, **kwargs):
    if user is not None:
        reason = getattr(request, "sendhub_sign_out_reason", None)
        kind = {"idle": AuditEvent.Kind.IDLE_SIGN_OUT, "expired": AuditEvent.Kind.SESSION_EXPIRED}.get(
            reason, AuditEvent.Kind.SIGNED_OUT
        )
        record(kind, request=request, user=user)


@receiver(user_login_failed)
def _sign_in_failed(sender, credentials, request=None, **kwargs):
    # Only an existing account is named; an unknown address is not stored (it may be someone's mistyped email).
    address = (credentials or {}).get("username") or (credentials or {}).get("email") or ""
    user = account_for_address(address) if address else None
    record(AuditEvent.Kind.SIGN_IN_FAILED, request=request, user=user)


def _locked_out(sender, request, username=None, **kwargs):
    user = account_for_address(username) if username else None
    record(AuditEvent.Kind.LOCKED_OUT, request=request, user=user)


def connect_axes() -> None:
    from axes.signals import user_locked_out

    user_locked_out.connect(_locked_out, dispatch_uid="sendhub-audit-locked-out")
