"""Local areas, organisations, people and their roles.

A local area owns all partnership data; a person holds a role per area through a Membership, so one
deployment can host several areas and a DfE or NHS England monitor can hold many.
"""

from __future__ import annotations

import secrets
from datetime import timedelta

from django.conf import settings
from django.contrib.auth.models import AbstractBaseUser, BaseUserManager, PermissionsMixin
from django.db import models
from django.urls import reverse
from django.utils import timezone
from simple_history.models import HistoricalRecords

from sendhub.accounts.identity import normalise_email


class LocalArea(models.Model):
    class Region(models.TextChoices):
        NORTH_EAST = "north_east", "North East"
        NORTH_WEST = "north_west", "North West"
        YORKSHIRE = "yorkshire", "Yorkshire and The Humber"
        EAST_MIDLANDS = "east_midlands", "East Midlands"
        WEST_MIDLANDS = "west_midlands", "West Midlands"
        EAST = "east", "East of England"
        LONDON = "london", "London"
        SOUTH_EAST = "south_east", "South East"
        SOUTH_WEST = "south_west", "South West"

    name = models.CharField(max_length=120, unique=True)
    slug = models.SlugField(max_length=60, unique=True, help_text="Used in web addresses, e.g. lancashire")
    la_code = models.CharField("LA code", max_length=3, unique=True, help_text="Three-digit old LA code, e.g. 888")
    ons_code = models.CharField(
        "ONS code", max_length=9, unique=True, help_text="Nine-character new LA code, e.g. E10000017"
    )
    region = models.CharField(max_length=20, choices=Region.choices)
    history = HistoricalRecords()

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("improvement:dashboard", args=[self.slug])


class Organisation(models.Model):
    class Kind(models.TextChoices):
        LOCAL_AUTHORITY = "local_authority", "Local authority"
        HEALTH = "health", "ICB / health"
        PARENT_CARER_FORUM = "parent_carer_forum", "Parent carer forum"
        EDUCATION = "education", "Education setting"
        SOCIAL_CARE = "social_care", "Social care"
        OTHER = "other", "Other"
        DFE = "dfe", "Department for Education"
        NHS_ENGLAND = "nhs_england", "NHS England"

    NATIONAL_KINDS = {Kind.DFE, Kind.NHS_ENGLAND}

    area = models.ForeignKey(
        LocalArea,
        on_delete=models.CASCADE,
        related_name="organisations",
        null=True,
        blank=True,
        help_text="Empty for national bodies (DfE, NHS England)",
    )
    name = models.CharField(max_length=200)
    short_name = models.CharField(max_length=40, blank=True)
    kind = models.CharField(max_length=30, choices=Kind.choices)
    history = HistoricalRecords()

    class Meta:
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(fields=["area", "name"], name="organisation_unique_name_in_area"),
            models.CheckConstraint(
                condition=models.Q(kind__in=["dfe", "nhs_england"], area__isnull=True)
                | (~models.Q(kind__in=["dfe", "nhs_england"]) & models.Q(area__isnull=False)),
                name="organisation_national_iff_no_area",
            ),
        ]

    def __str__(self) -> str:
        return self.short_name or self.name

    @property
    def is_national(self) -> bool:
        return self.area_id is None


class UserManager(BaseUserManager["User"]):
    use_in_migrations = True

    def create_user(self, email: str, password: str | None = None, **extra: object) -> User:
        if not email:
            raise ValueError("An email address is required")
        user = self.model(email=normalise_email(email), **extra)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_superuser(self, email: str, password: str | None = None, **extra: object) -> User:
        extra.setdefault("is_staff", True)
        extra.setdefault("is_superuser", True)
        return self.create_user(email, password, **extra)

    def get_by_natural_key(self, username: str | None) -> User:
        return self.get(email__iexact=username)


class User(AbstractBaseUser, PermissionsMixin):
    """A person who signs in with an email address and password."""

    email = models.EmailField(unique=True)
    full_name = models.CharField(max_length=150)
    job_title = models.CharField(max_length=150, blank=True)
    is_active = models.BooleanField(default=True)
    is_staff = models.BooleanField(default=False, help_text="Can run operator tasks for the whole deployment")
    date_joined = models.DateTimeField(default=timezone.now)

    objects = UserManager()

    USERNAME_FIELD = "email"
    EMAIL_FIELD = "email"
    REQUIRED_FIELDS = ["full_name"]

    class Meta:
        ordering = ["full_name"]

    def __str__(self) -> str:
        return self.full_name or self.email


class Role(models.TextChoices):
    ADMINISTRATOR = "administrator", "Area administrator"
    EDITOR = "editor", "Editor"
    FORUM_MEMBER = "forum_member", "Forum member"
    MONITOR = "monitor", "Monitor (DfE / NHS England)"
    VIEWER = "viewer", "Viewer"


ROLE_DESCRIPTIONS = {
    Role.ADMINISTRATOR: "Manages people and the whole improvement plan for the area.",
    Role.EDITOR: "Updates the actions their organisation owns.",
    Role.FORUM_MEMBER: "Parent carer forum: comments and co-produces; sees everything a partner sees.",
    Role.MONITOR: "DfE or NHS England: read-only, may monitor several areas.",
    Role.VIEWER: "Read-only.",
}


class Membership(models.Model):
    """A person's role in one local area, and the organisation they act for there."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="memberships")
    area = models.ForeignKey(LocalArea, on_delete=models.CASCADE, related_name="memberships")
    role = models.CharField(max_length=20, choices=Role.choices)
    organisation = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="memberships", null=True, blank=True
    )
    created_at = models.DateTimeField(auto_now_add=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["area__name", "user__full_name"]
        constraints = [models.UniqueConstraint(fields=["user", "area"], name="membership_one_role_per_area")]

    def __str__(self) -> str:
        return f"{self.user} – {self.get_role_display()} in {self.area}"


def _new_token() -> str:
    return secrets.token_urlsafe(32)


def _invitation_expiry():
    return timezone.now() + timedelta(days=settings.SENDHUB_INVITATION_DAYS)


class Invitation(models.Model):
    """An emailed, single-use link that lets someone set a password and join an area with a role."""

    area = models.ForeignKey(LocalArea, on_delete=models.CASCADE, related_name="invitations")
    email = models.EmailField()
    full_name = models.CharField(max_length=150)
    role = models.CharField(max_length=20, choices=Role.choices)
    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, null=True, blank=True)
    token = models.CharField(max_length=64, unique=True, default=_new_token)
    invited_by = models.ForeignKey(User, on_delete=models.SET_NULL, null=True, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    expires_at = models.DateTimeField(default=_invitation_expiry)
    accepted_at = models.DateTimeField(null=True, blank=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"Invitation for {self.email} to {self.area}"

    @property
    def is_usable(self) -> bool:
        return self.accepted_at is None and self.expires_at > timezone.now()


class AuditEvent(models.Model):
    """A security-relevant event that is not a change to data (changes are in each model's history): signing in
    and out, failed and locked-out sign-ins, and every export or download of data. Append-only."""

    class Kind(models.TextChoices):
        SIGNED_IN = "signed_in", "Signed in"
        SIGNED_OUT = "signed_out", "Signed out"
        SIGN_IN_FAILED = "sign_in_failed", "Sign-in failed"
        LOCKED_OUT = "locked_out", "Locked out after repeated failed sign-ins"
        SIGN_IN_LINK_SENT = "sign_in_link_sent", "Sign-in link emailed"
        IDLE_SIGN_OUT = "idle_sign_out", "Signed out after being idle"
        SESSION_EXPIRED = "session_expired", "Signed out at the end of the session's time limit"
        EXPORTED = "exported", "Exported data"
        DOWNLOADED = "downloaded", "Downloaded a file"

    at = models.DateTimeField(default=timezone.now, db_index=True)
    kind = models.CharField(max_length=20, choices=Kind.choices)
    # Null when the event is not tied to a known account (a failed sign-in with an unknown address).
    user = models.ForeignKey(User, on_delete=models.SET_NULL, null=True, blank=True, related_name="audit_events")
    area = models.ForeignKey(LocalArea, on_delete=models.CASCADE, null=True, blank=True, related_name="audit_events")
    what = models.CharField(max_length=200, blank=True, help_text="What was exported or downloaded")
    detail = models.JSONField(default=dict, blank=True)
    request_id = models.CharField(max_length=64, blank=True)

    class Meta:
        ordering = ["-at", "-pk"]
        indexes = [models.Index(fields=["area", "-at"]), models.Index(fields=["user", "-at"])]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.what}".strip()

    def save(self, *args, **kwargs):
        if self.pk is not None:
            raise ValueError("Audit events are never changed once recorded")
        super().save(*args, **kwargs)


class SignInThrottle(models.Model):
    """Failed sign-ins for one account from every address together (the per-address lockout is django-axes').

    Past ``SENDHUB_LOGIN_SLOWDOWN_AFTER`` failures each further password check for the account must wait longer
    (sendhub.accounts.services.sign_in_throttle_claim). Keyed by a keyed hash of the normalised address, so the
    table names no one; a row goes after a day without failures, or when the account holder signs in.
    """

    key = models.CharField(max_length=64, unique=True)
    failures = models.PositiveIntegerField(default=0)
    first_failure_at = models.DateTimeField()
    # The last failure, or the last password check let through while the account is slowed.
    last_attempt_at = models.DateTimeField(db_index=True)

    def __str__(self) -> str:
        return f"{self.failures} failed sign-in(s)"


class SignInLink(models.Model):
    """An emailed, single-use link that signs its account holder in without the password: the way in that an
    attacker's failed guesses (lockout, slowdown) can never close, since only the holder's mailbox receives it.

    Only a hash of the token is stored: someone who reads the table cannot use a link that is still live.
    """

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="sign_in_links")
    token_hash = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(default=timezone.now, db_index=True)
    expires_at = models.DateTimeField()
    used_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"Sign-in link for {self.user}"

    @property
    def is_usable(self) -> bool:
        return self.used_at is None and self.expires_at > timezone.now()
