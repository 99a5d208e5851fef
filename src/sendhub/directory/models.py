"""The Local Offer directory, modelled on Open Referral UK (HSDS-UK-3.0).

Every HSDS entity keeps its HSDS field names and a UUID id, so the ORUK API is a plain serialisation and an
imported feed round-trips. Each listing belongs to a local area (its Local Offer); national taxonomies are
shared. Workflow fields (review-by date, publication, approval of changes) are SEND Hub's own.
"""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.urls import reverse
from simple_history.models import HistoricalRecords

from sendhub.accounts.models import LocalArea
from sendhub.accounts.models import Organisation as PartnerOrganisation


class Taxonomy(models.Model):
    """A vocabulary: service type, SEND need, age group, district, or an imported one."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    key = models.SlugField(max_length=40, blank=True, help_text="Our short name for shipped taxonomies, e.g. need")
    name = models.CharField(max_length=200)
    description = models.TextField()
    uri = models.URLField(blank=True, max_length=500)
    version = models.CharField(max_length=40, blank=True)

    class Meta:
        ordering = ["name"]
        verbose_name_plural = "taxonomies"

    def __str__(self) -> str:
        return self.name


class TaxonomyTerm(models.Model):
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    taxonomy = models.ForeignKey(Taxonomy, on_delete=models.CASCADE, related_name="terms", null=True, blank=True)
    code = models.CharField(max_length=60, blank=True, help_text="Our short code, e.g. autism or support-group")
    name = models.CharField(max_length=200)
    description = models.TextField()
    parent = models.ForeignKey("self", on_delete=models.SET_NULL, null=True, blank=True, related_name="children")
    term_uri = models.URLField(blank=True, max_length=500)
    term = models.CharField(max_length=200, blank=True, help_text="The term as the source vocabulary spells it")

    class Meta:
        ordering = ["taxonomy__name", "name"]
        indexes = [models.Index(fields=["taxonomy", "code"])]

    def __str__(self) -> str:
        return self.name


class DirectoryOrganisation(models.Model):
    """An HSDS organization: who provides services. May be linked to a partner organisation whose editors
    maintain its listings."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    area = models.ForeignKey(LocalArea, on_delete=models.CASCADE, related_name="directory_organisations")
    partner = models.ForeignKey(
        PartnerOrganisation,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="directory_organisations",
        help_text="The partner organisation whose editors maintain this provider's listings",
    )
    name = models.CharField(max_length=255)
    description = models.TextField()
    email = models.EmailField(blank=True)
    website = models.URLField(blank=True, max_length=500)
    logo = models.URLField(blank=True, max_length=500)
    uri = models.URLField(blank=True, max_length=500)
    parent_organization = models.ForeignKey("self", on_delete=models.SET_NULL, null=True, blank=True)
    last_modified = models.DateTimeField(auto_now=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["name"]
        verbose_name = "provider organisation"

    def __str__(self) -> str:
        return self.name


class OrganizationIdentifier(models.Model):
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    organization = models.ForeignKey(DirectoryOrganisation, on_delete=models.CASCADE, related_name="identifiers")
    identifier_scheme = models.CharField(max_length=60, blank=True)
    identifier_type = models.CharField(max_length=100)
    identifier = models.CharField(max_length=100)

    def __str__(self) -> str:
        return f"{self.identifier_type}: {self.identifier}"


class Service(models.Model):
    class Status(models.TextChoices):
        ACTIVE = "active", "Active"
        INACTIVE = "inactive", "Inactive"
        DEFUNCT = "defunct", "Defunct"
        TEMPORARILY_CLOSED = "temporarily closed", "Temporarily closed"

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    # Indexed by the first column of "directory_service_live_idx" below.
    area = models.ForeignKey(LocalArea, on_delete=models.CASCADE, related_name="services", db_index=False)
    organization = models.ForeignKey(DirectoryOrganisation, on_delete=models.CASCADE, related_name="services")
    name = models.CharField(max_length=255)
    description = models.TextField(blank=True)
    url = models.URLField(blank=True, max_length=500)
    email = models.EmailField(blank=True)
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.ACTIVE)
    fees_description = models.TextField(blank=True)
    accreditations = models.TextField(blank=True)
    eligibility_description = models.TextField(blank=True, help_text="Who the service is for, in plain words")
    minimum_age = models.PositiveSmallIntegerField(null=True, blank=True)
    maximum_age = models.PositiveSmallIntegerField(null=True, blank=True)
    assured_date = models.DateField(null=True, blank=True)
    assurer_email = models.EmailField(blank=True)
    alert = models.TextField(blank=True)
    last_modified = models.DateTimeField(auto_now=True)
    # SEND Hub's own: keeping listings true.
    is_published = models.BooleanField(default=True, help_text="Shown to the public and in the ORUK API")
    is_free = models.BooleanField(default=False, help_text="Costs nothing to use")
    last_reviewed = models.DateField(null=True, blank=True)
    review_by = models.DateField(null=True, blank=True, help_text="The owner must confirm or update it by then")
    search_text = models.TextField(blank=True, editable=False, help_text="Normalised words for keyword search")
    history = HistoricalRecords(excluded_fields=["search_text", "last_modified"])

    class Meta:
        ordering = ["name"]
        indexes = [
            # With the id, a Local Offer's live listings are read from the index alone (the search's first step).
            models.Index(fields=["area", "is_published", "status", "id"], name="directory_service_live_idx"),
            models.Index(fields=["last_modified"]),
            models.Index(fields=["review_by"]),
        ]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(minimum_age__isnull=True)
                | models.Q(maximum_age__isnull=True)
                | models.Q(maximum_age__gte=models.F("minimum_age")),
                name="service_age_range_ordered",
            )
        ]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("directory:service", args=[self.area.slug, self.pk])


class ServiceWord(models.Model):
    """One normalised word of a listing: the inverted index (word -> listings) behind keyword search.

    Holds exactly the words of ``Service.search_text``, one row per distinct word, ``in_name`` when the word is
    in the listing's name. ``search.index_service`` and ``search.reindex`` write both together, so a search
    can find the listings holding a word with an index range scan instead of a ``LIKE`` over every listing.
    ``area`` is the listing's, copied so a Local Offer's search reads only its own part of the index."""

    MAX_LENGTH = 100  # longer "words" (long digit runs, pasted junk) are cut; nobody types such a query

    service = models.ForeignKey(Service, on_delete=models.CASCADE, related_name="words", db_index=False)
    area = models.ForeignKey(LocalArea, on_delete=models.CASCADE, related_name="+", db_index=False)
    word = models.CharField(max_length=MAX_LENGTH)
    in_name = models.BooleanField(default=False)

    class Meta:
        indexes = [
            # Leading columns: word (search across every area), area + word (a Local Offer's search and
            # scores, read from the index alone), service (a listing's own words: deleting them, probing a short
            # list of listings).
            models.Index(fields=["word", "service"], name="directory_word_word_idx"),
            models.Index(fields=["area", "word", "service", "in_name"], name="directory_word_area_idx"),
            models.Index(fields=["service", "word", "in_name"], name="directory_word_service_idx"),
        ]

    def __str__(self) -> str:
        return self.word


class Location(models.Model):
    class LocationType(models.TextChoices):
        PHYSICAL = "physical", "Physical"
        POSTAL = "postal", "Postal"
        VIRTUAL = "virtual", "Virtual"

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    area = models.ForeignKey(LocalArea, on_delete=models.CASCADE, related_name="locations")
    organization = models.ForeignKey(
        DirectoryOrganisation, on_delete=models.SET_NULL, null=True, blank=True, related_name="locations"
    )
    location_type = models.CharField(max_length=10, choices=LocationType.choices, default=LocationType.PHYSICAL)
    name = models.CharField(max_length=255, blank=True)
    description = models.TextField(blank=True)
    latitude = models.FloatField(null=True, blank=True)
    longitude = models.FloatField(null=True, blank=True)
    external_identifier = models.CharField(max_length=100, blank=True)
    external_identifier_type = models.CharField(max_length=60, blank=True)
    postcode = models.CharField(max_length=8, blank=True, help_text="Normalised full postcode of the main address")
    district = models.CharField(max_length=60, blank=True, help_text="The local authority district it is in")
    history = HistoricalRecords()

    class Meta:
        indexes = [
            models.Index(fields=["latitude", "longitude"]),
            # A listing's points by location id without reading the rows (SQLite keeps the id apart from the row).
            models.Index(fields=["id", "latitude", "longitude"], name="directory_location_point_idx"),
        ]

    def __str__(self) -> str:
        return self.name or self.postcode or str(self.pk)


class Address(models.Model):
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    location = models.ForeignKey(Location, on_delete=models.CASCADE, related_name="addresses")
    attention = models.CharField(max_length=255, blank=True)
    address_1 = models.CharField(max_length=255)
    address_2 = models.CharField(max_length=255, blank=True)
    city = models.CharField(max_length=100)
    region = models.CharField(max_length=100, blank=True)
    state_province = models.CharField(max_length=100)
    postal_code = models.CharField(max_length=10)
    country = models.CharField(max_length=2, default="GB")
    address_type = models.CharField(max_length=10, default="physical")

    def __str__(self) -> str:
        return ", ".join(p for p in [self.address_1, self.city, self.postal_code] if p)


class Accessibility(models.Model):
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    location = models.ForeignKey(Location, on_delete=models.CASCADE, related_name="accessibility")
    description = models.TextField(blank=True)
    details = models.TextField(blank=True)
    url = models.URLField(blank=True, max_length=500)

    class Meta:
        verbose_name_plural = "accessibility"

    def __str__(self) -> str:
        return self.description[:60]


class ServiceAtLocation(models.Model):
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    service = models.ForeignKey(Service, on_delete=models.CASCADE, related_name="service_at_locations")
    location = models.ForeignKey(Location, on_delete=models.CASCADE, related_name="service_at_locations")
    description = models.TextField(blank=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["service", "location"], name="service_at_location_unique")]

    def __str__(self) -> str:
        return f"{self.service} at {self.location}"


class Attribute(models.Model):
    """Links a service (or organisation or location) to a taxonomy term: what it is, who it is for, where."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    link_type = models.CharField(max_length=30, default="service")
    link_id = models.UUIDField()
    taxonomy_term = models.ForeignKey(TaxonomyTerm, on_delete=models.CASCADE, related_name="attributes")
    label = models.CharField(max_length=255, blank=True)
    value = models.CharField(max_length=255, blank=True)

    class Meta:
        indexes = [
            models.Index(fields=["link_id"]),
            models.Index(fields=["taxonomy_term", "link_id"]),
        ]
        constraints = [
            models.UniqueConstraint(fields=["link_type", "link_id", "taxonomy_term"], name="attribute_unique_link")
        ]

    def __str__(self) -> str:
        return f"{self.link_type} {self.link_id}: {self.taxonomy_term}"


class Contact(models.Model):
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    service = models.ForeignKey(Service, on_delete=models.CASCADE, null=True, blank=True, related_name="contacts")
    organization = models.ForeignKey(
        DirectoryOrganisation, on_delete=models.CASCADE, null=True, blank=True, related_name="contacts"
    )
    name = models.CharField(max_length=255, blank=True)
    title = models.CharField(max_length=255, blank=True)
    department = models.CharField(max_length=255, blank=True)
    email = models.EmailField(blank=True)

    def __str__(self) -> str:
        return self.name or self.title or self.email


class Phone(models.Model):
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    contact = models.ForeignKey(Contact, on_delete=models.CASCADE, null=True, blank=True, related_name="phones")
    service = models.ForeignKey(Service, on_delete=models.CASCADE, null=True, blank=True, related_name="phones")
    location = models.ForeignKey(Location, on_delete=models.CASCADE, null=True, blank=True, related_name="phones")
    number = models.CharField(max_length=40)
    extension = models.CharField(max_length=10, blank=True)
    type = models.CharField(max_length=20, blank=True)
    description = models.TextField(blank=True)

    def __str__(self) -> str:
        return self.number


class Schedule(models.Model):
    """When a service runs or a group meets: an RFC 5545 recurrence (freq, interval, byday, bymonthday)."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    service = models.ForeignKey(Service, on_delete=models.CASCADE, null=True, blank=True, related_name="schedules")
    service_at_location = models.ForeignKey(
        ServiceAtLocation, on_delete=models.CASCADE, null=True, blank=True, related_name="schedules"
    )
    valid_from = models.DateField(null=True, blank=True)
    valid_to = models.DateField(null=True, blank=True)
    dtstart = models.DateField(null=True, blank=True)
    timezone = models.CharField(max_length=10, blank=True)
    until = models.DateField(null=True, blank=True)
    count = models.PositiveIntegerField(null=True, blank=True)
    wkst = models.CharField(max_length=2, blank=True)
    freq = models.CharField(max_length=10, blank=True, help_text="WEEKLY or MONTHLY")
    interval = models.PositiveSmallIntegerField(null=True, blank=True)
    byday = models.CharField(max_length=60, blank=True, help_text="e.g. MO,WE or 2TU (second Tuesday)")
    byweekno = models.CharField(max_length=60, blank=True)
    bymonthday = models.CharField(max_length=60, blank=True)
    byyearday = models.CharField(max_length=60, blank=True)
    description = models.TextField(blank=True)
    opens_at = models.TimeField(null=True, blank=True)
    closes_at = models.TimeField(null=True, blank=True)
    schedule_link = models.URLField(blank=True, max_length=500)
    attending_type = models.CharField(max_length=255, blank=True)
    notes = models.TextField(blank=True)

    def __str__(self) -> str:
        return self.description or f"{self.freq} {self.byday}"


class CostOption(models.Model):
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    service = models.ForeignKey(Service, on_delete=models.CASCADE, related_name="cost_options")
    valid_from = models.DateField(null=True, blank=True)
    valid_to = models.DateField(null=True, blank=True)
    option = models.CharField(max_length=255, blank=True)
    amount = models.DecimalField(max_digits=10, decimal_places=2, null=True, blank=True)
    currency = models.CharField(max_length=3, default="GBP")
    amount_description = models.CharField(max_length=255, blank=True)

    def __str__(self) -> str:
        return self.option or str(self.amount)


class ServiceArea(models.Model):
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    service = models.ForeignKey(Service, on_delete=models.CASCADE, related_name="service_areas")
    name = models.CharField(max_length=255, blank=True)
    description = models.TextField(blank=True)
    extent = models.TextField(blank=True)
    extent_type = models.CharField(max_length=30, blank=True)
    uri = models.URLField(blank=True, max_length=500)

    def __str__(self) -> str:
        return self.name


class Language(models.Model):
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    service = models.ForeignKey(Service, on_delete=models.CASCADE, null=True, blank=True, related_name="languages")
    phone = models.ForeignKey(Phone, on_delete=models.CASCADE, null=True, blank=True, related_name="languages")
    name = models.CharField(max_length=100, blank=True)
    code = models.CharField(max_length=10, blank=True)
    note = models.CharField(max_length=255, blank=True)

    def __str__(self) -> str:
        return self.name or self.code


class Funding(models.Model):
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    organization = models.ForeignKey(
        DirectoryOrganisation, on_delete=models.CASCADE, null=True, blank=True, related_name="funding"
    )
    service = models.ForeignKey(Service, on_delete=models.CASCADE, null=True, blank=True, related_name="funding")
    source = models.CharField(max_length=255)

    def __str__(self) -> str:
        return self.source


class ListingChange(models.Model):
    """A change to a listing proposed by a provider's editor, waiting for an administrator's approval."""

    class Status(models.TextChoices):
        PENDING = "pending", "Waiting for approval"
        APPROVED = "approved", "Approved"
        REJECTED = "rejected", "Rejected"

    service = models.ForeignKey(Service, on_delete=models.CASCADE, null=True, blank=True, related_name="changes")
    area = models.ForeignKey(LocalArea, on_delete=models.CASCADE, related_name="listing_changes")
    proposed = models.JSONField(help_text="The listing's fields as proposed")
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PENDING)
    proposed_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    proposed_at = models.DateTimeField(auto_now_add=True)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    reviewed_at = models.DateTimeField(null=True, blank=True)
    review_note = models.TextField(blank=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["-proposed_at"]

    def __str__(self) -> str:
        return f"Change to {self.service or 'a new listing'} ({self.get_status_display()})"


class ProblemReport(models.Model):
    """A member of the public's report that a listing is wrong or out of date."""

    class Status(models.TextChoices):
        OPEN = "open", "Open"
        RESOLVED = "resolved", "Resolved"
        DISMISSED = "dismissed", "Dismissed"

    service = models.ForeignKey(Service, on_delete=models.CASCADE, related_name="problem_reports")
    problem = models.CharField(max_length=30)
    details = models.TextField()
    reporter_email = models.EmailField(blank=True)
    reported_at = models.DateTimeField(auto_now_add=True)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.OPEN)
    resolved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    resolved_at = models.DateTimeField(null=True, blank=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["-reported_at"]

    def __str__(self) -> str:
        return f"Problem with {self.service}: {self.problem}"


class PostcodeDistrict(models.Model):
    """An outward code (e.g. PR1) with its centre, from a postcode-district file."""

    outcode = models.CharField(max_length=4, primary_key=True)
    latitude = models.FloatField()
    longitude = models.FloatField()
    town = models.CharField(max_length=100, blank=True)

    def __str__(self) -> str:
        return self.outcode


class Postcode(models.Model):
    """A full postcode with its point, from the ONS Postcode Directory or Code-Point Open."""

    postcode = models.CharField(max_length=8, primary_key=True, help_text="Normalised: upper case, one space")
    latitude = models.FloatField()
    longitude = models.FloatField()
    district = models.CharField(max_length=60, blank=True, help_text="Local authority district name, if known")

    def __str__(self) -> str:
        return self.postcode


class Place(models.Model):
    """A town or village searchers may type instead of a postcode."""

    area = models.ForeignKey(LocalArea, on_delete=models.CASCADE, null=True, blank=True, related_name="places")
    name = models.CharField(max_length=100)
    latitude = models.FloatField()
    longitude = models.FloatField()
    district = models.CharField(max_length=60, blank=True)

    class Meta:
        ordering = ["name"]
        indexes = [models.Index(fields=["name"])]

    def __str__(self) -> str:
        return self.name


class ReminderSent(models.Model):
    """Which owner was reminded of which listing on which day, so running the reminders twice in a day (or from
    two app servers) emails nobody twice. The address is kept only as its SHA-256: the ledger needs to recognise
    it, never to read it. Rows older than a month are deleted by the reminder run itself."""

    service = models.ForeignKey(Service, on_delete=models.CASCADE, related_name="+")
    recipient = models.CharField(max_length=64)
    sent_on = models.DateField()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["service", "recipient", "sent_on"], name="reminder_once_a_day")
        ]
        indexes = [models.Index(fields=["sent_on"])]

    def __str__(self) -> str:
        return f"Reminder about listing {self.service_id} on {self.sent_on}"
