"""Reminding listing owners to review their listings.

A listing's owners are the editors of the partner organisation linked to its provider; when the provider has
no linked partner, or that partner has no active editors, the area's administrators. Each owner gets one email
a day naming their listings whose review-by date has passed or falls within the next 14 days.

Sending is idempotent per day: a ledger in the database (``ReminderSent``: listing, hashed address, day) records
who was sent which listings on which day, so running the command twice in a day, or on two servers one after the
other, emails nobody twice.
"""

from __future__ import annotations

import hashlib
from collections import defaultdict
from dataclasses import dataclass
from datetime import date, timedelta

from django.conf import settings
from django.core.mail import send_mail
from django.urls import NoReverseMatch, reverse
from django.utils import timezone

from sendhub.accounts.models import Membership, Role
from sendhub.directory.models import ReminderSent, Service

DAYS_AHEAD = 14
LEDGER_DAYS = 31


@dataclass
class ReminderResult:
    emails: int
    listings: int
    skipped: int


def recipient_key(email: str) -> str:
    return hashlib.sha256(email.strip().lower().encode()).hexdigest()


def due_listings(today: date, area=None):
    services = Service.objects.filter(
        is_published=True, review_by__isnull=False, review_by__lte=today + timedelta(days=DAYS_AHEAD)
    ).exclude(status=Service.Status.DEFUNCT)
    if area is not None:
        services = services.filter(area=area)
    return services.select_related("area", "organization").order_by("area__name", "review_by", "name")


def owners_of(service: Service, cache: dict | None = None) -> list[str]:
    """Email addresses of the listing's owners (see the module docstring)."""
    cache = {} if cache is None else cache
    partner_id = service.organization.partner_id if service.organization_id else None
    key = (service.area_id, partner_id)
    if key not in cache:
        members = Membership.objects.filter(area_id=service.area_id, user__is_active=True).select_related("user")
        editors = list(members.filter(role=Role.EDITOR, organisation_id=partner_id)) if partner_id else []
        chosen = editors or list(members.filter(role=Role.ADMINISTRATOR))
        cache[key] = sorted({m.user.email for m in chosen if m.user.email})
    return cache[key]


def _edit_url(service: Service) -> str:
    try:
        path = reverse("directory:listing-edit", args=[service.area.slug, service.pk])
    except NoReverseMatch:
        path = f"/areas/{service.area.slug}/local-offer/manage/{service.pk}/edit/"
    return settings.SENDHUB_BASE_URL.rstrip("/") + path


def _body(services: list[Service], today: date) -> str:
    lines = ["Hello,", "", "These Local Offer listings you look after need checking, so families can trust them:", ""]
    for service in services:
        when = "was due" if service.review_by < today else "is due"
        lines += [f"- {service.name} ({service.area.name}): review {when} on {service.review_by:%-d %B %Y}",
                  f"  Check and save it: {_edit_url(service)}"]
    lines += ["", "Saving the listing, even with no changes, records that it has been reviewed.", "",
              f"{settings.SENDHUB_SERVICE_NAME}"]
    return "\n".join(lines)


def send_reminders(today: date | None = None, area=None) -> ReminderResult:
    today = today or timezone.localdate()
    ReminderSent.objects.filter(sent_on__lt=today - timedelta(days=LEDGER_DAYS)).delete()
    sent_today = set(ReminderSent.objects.filter(sent_on=today).values_list("recipient", "service_id"))
    by_owner: dict[str, list[Service]] = defaultdict(list)
    owners_cache: dict = {}
    skipped = 0
    for service in due_listings(today, area):
        for email in owners_of(service, owners_cache):
            if (recipient_key(email), service.pk) in sent_today:
                skipped += 1
                continue
            by_owner[email].append(service)
    emails = 0
    for email, services in sorted(by_owner.items()):
        overdue = sum(1 for s in services if s.review_by < today)
        subject = (f"{len(services)} Local Offer listing{'s' if len(services) != 1 else ''} to review"
                   + (f" ({overdue} overdue)" if overdue else ""))
        send_mail(subject, _body(services, today), settings.DEFAULT_FROM_EMAIL, [email])
        emails += 1
        # Recorded after each email: a crash part-way never sends one twice.
        ReminderSent.objects.bulk_create(
            [ReminderSent(service=s, recipient=recipient_key(email), sent_on=today) for s in services],
            ignore_conflicts=True,
        )
    return ReminderResult(emails=emails, listings=len({s.pk for v in by_owner.values() for s in v}), skipped=skipped)
