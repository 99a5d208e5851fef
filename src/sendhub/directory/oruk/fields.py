"""The HSDS / ORUK fields of each record that map one-to-one onto our model's columns: one home for the lists the
importer writes and the serializers publish.

Schedules are the same both ways. A service differs: the importer also takes ``name`` (the serializer writes it
first, beside the ids), the feed's ``fees`` is our ``fees_description`` (the importer reads either key), and
``last_modified`` is ours to publish but never taken from a feed (our history sets it)."""

from __future__ import annotations

SCHEDULE_FIELDS = (
    "valid_from",
    "valid_to",
    "dtstart",
    "timezone",
    "until",
    "count",
    "wkst",
    "freq",
    "interval",
    "byday",
    "byweekno",
    "bymonthday",
    "byyearday",
    "description",
    "opens_at",
    "closes_at",
    "schedule_link",
    "attending_type",
    "notes",
)

# (ORUK key, Service model field) of a service's one-to-one fields after its id, organisation and name.
SERVICE_FIELDS = (
    ("description", "description"),
    ("url", "url"),
    ("email", "email"),
    ("status", "status"),
    ("fees", "fees_description"),
    ("accreditations", "accreditations"),
    ("eligibility_description", "eligibility_description"),
    ("minimum_age", "minimum_age"),
    ("maximum_age", "maximum_age"),
    ("assured_date", "assured_date"),
    ("assurer_email", "assurer_email"),
    ("alert", "alert"),
)

# The Service columns an import writes (model field names): the name, then the shared fields.
IMPORTED_SERVICE_FIELDS = ("name", *(column for _key, column in SERVICE_FIELDS))

# The ORUK keys a service publishes after its id, organisation and name: the shared fields, then our own date.
PUBLISHED_SERVICE_FIELDS = (*SERVICE_FIELDS, ("last_modified", "last_modified"))

ORGANISATION_FIELDS = ("name", "description", "email", "website", "logo", "uri")

LOCATION_FIELDS = (
    "location_type",
    "name",
    "description",
    "latitude",
    "longitude",
    "external_identifier",
    "external_identifier_type",
)
