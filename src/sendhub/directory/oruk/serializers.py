"""Our directory models as Open Referral UK (HSDS-UK-3.0) JSON.

Plain functions from model instances to dicts, shared by the API views and the exporter. Optional fields
that are empty are left out (the schemas type them as plain strings and numbers, so ``null`` would not
validate); required fields are always present.

Beyond the UK profile we also write a few HSDS 3.0 core fields we hold (service ``eligibility_description``
and ``phones``, contact ``email``/``department``/``phones``, language ``name``/``code``/``note``, cost option
``currency``, schedule ``timezone``/``until``/``count``/``wkst``/``byweekno``/``byyearday``); the schemas allow
extra properties, and the importer reads them back.

Every query is made up front: ``services_queryset(full=True)`` prefetches everything a fully nested service
needs and ``attributes_for`` fetches the attributes of a whole page in one query, so a page costs a constant
number of queries whatever its size. ``full_services`` gives the same JSON for services by id from ``.values()``
rows rather than model instances, about twice as fast; the ``/services`` endpoints and the exporter use it.
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections import defaultdict
from collections.abc import Iterable
from decimal import Decimal
from typing import Any

from django.db import models
from django.db.models import Prefetch, Q, QuerySet
from django.db.models.functions import Cast

from sendhub.directory.models import (
    Accessibility,
    Address,
    Attribute,
    Contact,
    CostOption,
    DirectoryOrganisation,
    Funding,
    Language,
    Location,
    OrganizationIdentifier,
    Phone,
    Schedule,
    Service,
    ServiceArea,
    ServiceAtLocation,
    Taxonomy,
    TaxonomyTerm,
)
from sendhub.directory.oruk.fields import PUBLISHED_SERVICE_FIELDS, SCHEDULE_FIELDS
from sendhub.directory.weblinks import is_web_url

Json = dict[str, Any]
AttributeMap = dict[uuid.UUID, list[Attribute]]


# The fields that hold web addresses, in every kind of record we publish.
URL_KEYS = frozenset({"url", "uri", "term_uri", "website", "logo", "schedule_link"})


def _put(out: Json, key: str, value: Any) -> None:
    """Set ``out[key]`` unless the value is empty (None or ""), or is a web address that is not http(s)."""
    if value is None or value == "":
        return
    if key in URL_KEYS and not is_web_url(value):
        # Stored before imports refused them: our consumers render these as links, so never republish one.
        return
    if isinstance(value, uuid.UUID):
        value = str(value)
    elif isinstance(value, dt.datetime):
        value = iso_datetime(value)
    elif isinstance(value, dt.date | dt.time):
        value = value.isoformat()
    elif isinstance(value, Decimal):
        value = int(value) if value == value.to_integral_value() else float(value)
    out[key] = value


def iso_datetime(value: dt.datetime) -> str:
    """RFC 3339 in UTC with milliseconds, as the schema's example: 2023-03-15T10:30:45.123Z."""
    if value.tzinfo is not None:
        value = value.astimezone(dt.UTC)
    return value.replace(tzinfo=None).isoformat(timespec="milliseconds") + "Z"


# Querysets ------------------------------------------------------------------------------------------------


def published_services() -> QuerySet[Service]:
    """Every published listing of every area: what the ORUK API and the exporter show."""
    return Service.objects.filter(is_published=True)


def services_queryset(qs: QuerySet[Service] | None = None, *, full: bool) -> QuerySet[Service]:
    qs = (published_services() if qs is None else qs).select_related("organization")
    if not full:
        return qs
    return qs.prefetch_related(
        Prefetch("organization__identifiers", queryset=OrganizationIdentifier.objects.order_by("id")),
        Prefetch("service_at_locations", queryset=_sal_for_service()),
        Prefetch("schedules", queryset=Schedule.objects.order_by("id")),
        Prefetch(
            "contacts",
            queryset=Contact.objects.order_by("id").prefetch_related(
                Prefetch("phones", queryset=Phone.objects.order_by("id").prefetch_related("languages"))
            ),
        ),
        Prefetch("phones", queryset=Phone.objects.order_by("id").prefetch_related("languages")),
        Prefetch("cost_options", queryset=CostOption.objects.order_by("id")),
        Prefetch("service_areas", queryset=ServiceArea.objects.order_by("id")),
        Prefetch("languages", queryset=Language.objects.order_by("id")),
        Prefetch("funding", queryset=Funding.objects.order_by("id")),
    )


def _locations() -> QuerySet[Location]:
    return Location.objects.prefetch_related(
        Prefetch("addresses", queryset=Address.objects.order_by("id")),
        Prefetch("accessibility", queryset=Accessibility.objects.order_by("id")),
        Prefetch("phones", queryset=Phone.objects.order_by("id").prefetch_related("languages")),
    )


def _sal_for_service() -> QuerySet[ServiceAtLocation]:
    return ServiceAtLocation.objects.order_by("id").prefetch_related(
        Prefetch("location", queryset=_locations()),
        Prefetch("schedules", queryset=Schedule.objects.order_by("id")),
    )


def service_at_locations_queryset(
    qs: QuerySet[ServiceAtLocation] | None = None, *, full: bool
) -> QuerySet[ServiceAtLocation]:
    if qs is None:
        qs = ServiceAtLocation.objects.filter(service__is_published=True)
    if not full:
        return qs.select_related("location", "service", "service__organization")
    # Prefetch (not select_related) so the nested querysets' own prefetches apply.
    return qs.prefetch_related(
        Prefetch("location", queryset=_locations()),
        Prefetch("schedules", queryset=Schedule.objects.order_by("id")),
        Prefetch("service", queryset=services_queryset(Service.objects.all(), full=True)),
    )


def attributes_for(ids: Iterable[uuid.UUID]) -> AttributeMap:
    """The attributes (with term and taxonomy) of every listed entity, in one query, keyed by link_id."""
    found: AttributeMap = defaultdict(list)
    ids = set(ids)
    if not ids:
        return found
    for attribute in Attribute.objects.filter(link_id__in=ids).select_related("taxonomy_term__taxonomy").order_by("id"):
        found[attribute.link_id].append(attribute)
    return found


def linked_ids(services: Iterable[Service], *, full: bool) -> set[uuid.UUID]:
    """The ids of the services, their organisations and (when full) their locations: attribute owners."""
    ids: set[uuid.UUID] = set()
    for service in services:
        ids.add(service.pk)
        ids.add(service.organization_id)
        if full:
            ids.update(sal.location_id for sal in service.service_at_locations.all())
    return ids


# Taxonomies --------------------------------------------------------------------------------------------


def taxonomy_term_dict(term: TaxonomyTerm) -> Json:
    out: Json = {"id": str(term.pk), "name": term.name, "description": term.description}
    _put(out, "parent_id", term.parent_id)
    if term.taxonomy_id is not None:
        out["taxonomy"] = term.taxonomy.name
        out["taxonomy_id"] = str(term.taxonomy_id)
    _put(out, "term_uri", term.term_uri)
    _put(out, "term", term.term)
    _put(out, "code", term.code)
    return out


def taxonomy_dict(taxonomy: Taxonomy, *, terms: Iterable[TaxonomyTerm] | None = None) -> Json:
    out: Json = {"id": str(taxonomy.pk), "name": taxonomy.name, "description": taxonomy.description}
    _put(out, "uri", taxonomy.uri)
    _put(out, "version", taxonomy.version)
    if terms is not None:
        out["taxonomy_terms"] = [taxonomy_term_dict(term) for term in terms]
    return out


def attribute_dict(attribute: Attribute) -> Json:
    out: Json = {
        "id": str(attribute.pk),
        "link_id": str(attribute.link_id),
        "link_type": attribute.link_type,
        "taxonomy_term_id": str(attribute.taxonomy_term_id),
        "taxonomy_term": taxonomy_term_dict(attribute.taxonomy_term),
    }
    _put(out, "label", attribute.label)
    _put(out, "value", attribute.value)
    return out


def _attributes(attributes: AttributeMap | None, link_id: uuid.UUID) -> list[Json]:
    return [attribute_dict(a) for a in (attributes or {}).get(link_id, [])]


# Organisations --------------------------------------------------------------------------------------------


def organization_dict(
    org: DirectoryOrganisation,
    *,
    full: bool = False,
    attributes: AttributeMap | None = None,
    services: list[Json] | None = None,
) -> Json:
    out: Json = {"id": str(org.pk), "name": org.name, "description": org.description}
    _put(out, "email", org.email)
    _put(out, "website", org.website)
    _put(out, "logo", org.logo)
    _put(out, "uri", org.uri)
    _put(out, "parent_organization_id", org.parent_organization_id)
    if full:
        out["organization_identifiers"] = [_identifier_dict(identifier) for identifier in org.identifiers.all()]
        out["attributes"] = _attributes(attributes, org.pk)
    if services is not None:
        out["services"] = services
    return out


def _identifier_dict(identifier: OrganizationIdentifier) -> Json:
    out: Json = {"id": str(identifier.pk), "organization_id": str(identifier.organization_id)}
    _put(out, "identifier_scheme", identifier.identifier_scheme)
    out["identifier_type"] = identifier.identifier_type
    out["identifier"] = identifier.identifier
    return out


# Locations -----------------------------------------------------------------------------------------------


def location_dict(location: Location, *, full: bool, attributes: AttributeMap | None = None) -> Json:
    out: Json = {"id": str(location.pk), "location_type": location.location_type}
    for field in ("name", "description", "latitude", "longitude", "external_identifier", "external_identifier_type"):
        _put(out, field, getattr(location, field))
    if full:
        out["addresses"] = [_address_dict(a) for a in location.addresses.all()]
        out["accessibility"] = [_accessibility_dict(a) for a in location.accessibility.all()]
        out["phones"] = [phone_dict(p) for p in location.phones.all()]
        out["attributes"] = _attributes(attributes, location.pk)
    return out


def _address_dict(address: Address) -> Json:
    out: Json = {"id": str(address.pk), "location_id": str(address.location_id)}
    _put(out, "attention", address.attention)
    out["address_1"] = address.address_1
    _put(out, "address_2", address.address_2)
    out["city"] = address.city
    _put(out, "region", address.region)
    out["state_province"] = address.state_province
    out["postal_code"] = address.postal_code
    out["country"] = address.country
    out["address_type"] = address.address_type
    return out


def _accessibility_dict(accessibility: Accessibility) -> Json:
    out: Json = {"id": str(accessibility.pk), "location_id": str(accessibility.location_id)}
    _put(out, "description", accessibility.description)
    _put(out, "details", accessibility.details)
    _put(out, "url", accessibility.url)
    # The UK profile's legacy free-text field: the same words as the description.
    _put(out, "accessibility", accessibility.description)
    return out


# Services ----------------------------------------------------------------------------------------------


def phone_dict(phone: Phone) -> Json:
    out: Json = {"id": str(phone.pk)}
    _put(out, "contact_id", phone.contact_id)
    _put(out, "service_id", phone.service_id)
    _put(out, "location_id", phone.location_id)
    out["number"] = phone.number
    _put(out, "extension", phone.extension)
    _put(out, "type", phone.type)
    _put(out, "description", phone.description)
    out["languages"] = [_language_dict(lang) for lang in phone.languages.all()]
    return out


def _language_dict(language: Language) -> Json:
    out: Json = {"id": str(language.pk)}
    _put(out, "service_id", language.service_id)
    _put(out, "phone_id", language.phone_id)
    _put(out, "name", language.name)
    _put(out, "code", language.code)
    _put(out, "note", language.note)
    return out


def _contact_dict(contact: Contact) -> Json:
    out: Json = {"id": str(contact.pk)}
    _put(out, "service_id", contact.service_id)
    _put(out, "organization_id", contact.organization_id)
    for field in ("name", "title", "department", "email"):
        _put(out, field, getattr(contact, field))
    out["phones"] = [phone_dict(p) for p in contact.phones.all()]
    return out


def _schedule_dict(schedule: Schedule) -> Json:
    out: Json = {"id": str(schedule.pk)}
    _put(out, "service_id", schedule.service_id)
    _put(out, "service_at_location_id", schedule.service_at_location_id)
    for field in SCHEDULE_FIELDS:
        _put(out, field, getattr(schedule, field))
    return out


def _cost_option_dict(cost: CostOption) -> Json:
    out: Json = {"id": str(cost.pk), "service_id": str(cost.service_id)}
    for field in ("valid_from", "valid_to", "option", "amount", "currency", "amount_description"):
        _put(out, field, getattr(cost, field))
    return out


def _service_area_dict(area: ServiceArea) -> Json:
    out: Json = {"id": str(area.pk), "service_id": str(area.service_id)}
    for field in ("name", "extent", "extent_type", "uri"):
        _put(out, field, getattr(area, field))
    # The UK profile's free-text description of the area.
    _put(out, "service_area", area.description)
    return out


def _funding_dict(funding: Funding) -> Json:
    out: Json = {"id": str(funding.pk)}
    _put(out, "service_id", funding.service_id)
    _put(out, "organization_id", funding.organization_id)
    _put(out, "source", funding.source)
    return out


def service_dict(
    service: Service,
    *,
    full: bool,
    attributes: AttributeMap | None = None,
    with_organization: bool = True,
    with_locations: bool = True,
) -> Json:
    """One service: one-to-one fields and its organisation; with ``full``, everything nested."""
    out: Json = {"id": str(service.pk), "organization_id": str(service.organization_id), "name": service.name}
    for key, column in PUBLISHED_SERVICE_FIELDS:
        _put(out, key, getattr(service, column))
    if with_organization:
        out["organization"] = organization_dict(service.organization, full=full, attributes=attributes)
    if not full:
        return out
    out["schedules"] = [_schedule_dict(s) for s in service.schedules.all()]
    out["service_areas"] = [_service_area_dict(a) for a in service.service_areas.all()]
    if with_locations:
        out["service_at_locations"] = [
            service_at_location_dict(sal, full=True, attributes=attributes, with_service=False)
            for sal in service.service_at_locations.all()
        ]
    out["languages"] = [_language_dict(lang) for lang in service.languages.all()]
    out["funding"] = [_funding_dict(f) for f in service.funding.all()]
    out["cost_options"] = [_cost_option_dict(c) for c in service.cost_options.all()]
    out["contacts"] = [_contact_dict(c) for c in service.contacts.all()]
    out["phones"] = [phone_dict(p) for p in service.phones.all()]
    out["attributes"] = _attributes(attributes, service.pk)
    return out


def service_at_location_dict(
    sal: ServiceAtLocation, *, full: bool, attributes: AttributeMap | None = None, with_service: bool = True
) -> Json:
    out: Json = {"id": str(sal.pk), "service_id": str(sal.service_id), "location_id": str(sal.location_id)}
    _put(out, "description", sal.description)
    out["location"] = location_dict(sal.location, full=full, attributes=attributes)
    if full:
        out["schedules"] = [_schedule_dict(s) for s in sal.schedules.all()]
    if with_service:
        out["service"] = service_dict(sal.service, full=full, attributes=attributes, with_locations=False)
    return out


def serialize_services(services: list[Service], *, full: bool) -> list[Json]:
    """A page of services, fetched with ``services_queryset(full=...)``; one more query for attributes."""
    attributes = attributes_for(linked_ids(services, full=True)) if full else None
    return [service_dict(s, full=full, attributes=attributes) for s in services]


# Fully nested services from plain rows -------------------------------------------------------------------


class _Row:
    """One ``.values()`` row with attribute access (and ``pk``), standing in for a model instance in the
    functions above: a page of 50 fully nested services is about 1,600 rows, and building model instances for
    them (and a related manager per instance and relation) cost more than the queries and the JSON together."""

    def __init__(self, values: dict[str, Any]):
        values["pk"] = values["id"]
        self.__dict__ = values


class _Related(list):
    """Rows related to a row, answering ``.all()`` as a prefetched related manager does."""

    def all(self) -> _Related:
        return self


def _is_uuid(field: models.Field) -> bool:
    return isinstance(field.target_field if field.is_relation else field, models.UUIDField)


def _uuid_text(value: str | None) -> str | None:
    """An id read as text in its canonical form: SQLite stores 32 hex digits, PostgreSQL gives the hyphens."""
    if value is None or len(value) != 32:
        return value
    return f"{value[:8]}-{value[8:12]}-{value[12:16]}-{value[16:20]}-{value[20:]}"


def _rows(qs: QuerySet, *, leave_out: tuple[str, ...] = ()) -> list[_Row]:
    """The queryset's rows, every column (by attribute name: ``service_id``, not ``service``) but those left out.

    Ids come back as text (what the JSON needs, and fine as keys): turning thousands of them into UUID objects
    only to print them again was the largest cost of a page."""
    fields = [f for f in qs.model._meta.concrete_fields if f.attname not in leave_out]
    ids = [f.attname for f in fields if _is_uuid(f)]
    rows = qs.values(
        *(f.attname for f in fields if not _is_uuid(f)),
        **{f"{name}__text": Cast(name, output_field=models.TextField()) for name in ids},
    )
    found = []
    for values in rows:
        for name in ids:
            values[name] = _uuid_text(values.pop(f"{name}__text"))
        found.append(_Row(values))
    return found


def _by(rows: Iterable[_Row], key: str) -> dict[Any, _Related]:
    """Rows grouped by one column (rows with it empty left out), keeping their order."""
    grouped: dict[Any, _Related] = defaultdict(_Related)
    for row in rows:
        value = getattr(row, key)
        if value is not None:
            grouped[value].append(row)
    return grouped


def _attach(rows: Iterable[_Row], name: str, groups: dict[Any, _Related]) -> None:
    for row in rows:
        setattr(row, name, groups.get(row.pk) or _Related())


def _attribute_rows(owners: Q) -> AttributeMap:
    """As ``attributes_for``: the attributes (with their terms and taxonomy names) of the records whose ids
    ``owners`` (a condition on ``link_id``) names, in one query."""
    found: AttributeMap = defaultdict(list)
    term_fields = ("name", "description", "term_uri", "term", "code")
    term_ids = ("parent_id", "taxonomy_id")
    as_text = {
        name: Cast(name, output_field=models.TextField())
        for name in ("id", "link_id", "taxonomy_term_id", *(f"taxonomy_term__{f}" for f in term_ids))
    }
    rows = (
        Attribute.objects.filter(owners)
        .order_by("id")
        .values(
            "link_type",
            "label",
            "value",
            "taxonomy_term__taxonomy__name",
            *(f"taxonomy_term__{f}" for f in term_fields),
            **{f"{name}__text": cast for name, cast in as_text.items()},
        )
    )
    for values in rows:
        for name in as_text:
            values[name] = _uuid_text(values.pop(f"{name}__text"))
        term = {f: values.pop(f"taxonomy_term__{f}") for f in (*term_fields, *term_ids)}
        term["id"] = values["taxonomy_term_id"]
        term_row = _Row(term)
        term_row.taxonomy = _Row({"id": term["taxonomy_id"], "name": values.pop("taxonomy_term__taxonomy__name")})
        attribute = _Row(values)
        attribute.taxonomy_term = term_row
        found[attribute.link_id].append(attribute)
    return found


def full_services(ids: list[uuid.UUID]) -> list[Json]:
    """Fully nested services, in the order of ``ids``: the same JSON as ``serialize_services(...,
    full=True)`` over ``services_queryset(full=True)``, built from ``.values()`` rows in a constant number of
    queries (one per kind of record) whatever the number of services. Ids not found are left out.

    Each query names the page's services, and reaches their locations, contacts and so on through subqueries:
    sending the ids read back (as text) to the database again would cost a UUID object each."""
    wanted = list(ids)
    services = {row.pk: row for row in _rows(Service.objects.filter(pk__in=wanted), leave_out=("search_text",))}
    if not services:
        return []
    of_services = Q(service_id__in=wanted)
    org_ids = Service.objects.filter(pk__in=wanted).values("organization_id")
    sal_ids = ServiceAtLocation.objects.filter(of_services).values("id")
    location_ids = ServiceAtLocation.objects.filter(of_services).values("location_id")
    contact_ids = Contact.objects.filter(of_services).values("id")

    organisations = _rows(DirectoryOrganisation.objects.filter(pk__in=org_ids))
    identifiers = _rows(OrganizationIdentifier.objects.filter(organization_id__in=org_ids).order_by("id"))
    _attach(organisations, "identifiers", _by(identifiers, "organization_id"))
    org_by_id = {org.pk: org for org in organisations}

    sals = _rows(ServiceAtLocation.objects.filter(of_services).order_by("id"))
    locations = _rows(Location.objects.filter(pk__in=location_ids))
    contacts = _rows(Contact.objects.filter(of_services).order_by("id"))

    # A phone (or schedule) may hang on several records at once: it is listed under each, as prefetching does.
    of_phones = of_services | Q(location_id__in=location_ids) | Q(contact_id__in=contact_ids)
    phones = _rows(Phone.objects.filter(of_phones).order_by("id"))
    # A phone's languages in the database's order, as the prefetch (which gives them no order) had them: so by
    # the same query, an id list (a subquery may be joined another way, and return them in another order).
    phone_languages = _rows(Language.objects.filter(phone_id__in=[phone.pk for phone in phones]))
    _attach(phones, "languages", _by(phone_languages, "phone_id"))
    _attach(contacts, "phones", _by(phones, "contact_id"))
    _attach(locations, "phones", _by(phones, "location_id"))
    at_locations = Q(location_id__in=location_ids)
    _attach(locations, "addresses", _by(_rows(Address.objects.filter(at_locations).order_by("id")), "location_id"))
    _attach(locations, "accessibility", _by(
        _rows(Accessibility.objects.filter(at_locations).order_by("id")), "location_id"
    ))  # fmt: skip
    schedules = _rows(Schedule.objects.filter(of_services | Q(service_at_location_id__in=sal_ids)).order_by("id"))
    location_by_id = {location.pk: location for location in locations}
    _attach(sals, "schedules", _by(schedules, "service_at_location_id"))
    for sal in sals:
        sal.location = location_by_id[sal.location_id]

    rows = services.values()
    _attach(rows, "schedules", _by(schedules, "service_id"))
    _attach(rows, "service_at_locations", _by(sals, "service_id"))
    _attach(rows, "contacts", _by(contacts, "service_id"))
    _attach(rows, "phones", _by(phones, "service_id"))
    for name, model in (
        ("languages", Language),
        ("funding", Funding),
        ("cost_options", CostOption),
        ("service_areas", ServiceArea),
    ):
        _attach(rows, name, _by(_rows(model.objects.filter(of_services).order_by("id")), "service_id"))
    for row in rows:
        row.organization = org_by_id[row.organization_id]

    attributes = _attribute_rows(Q(link_id__in=wanted) | Q(link_id__in=org_ids) | Q(link_id__in=location_ids))
    return [service_dict(services[str(pk)], full=True, attributes=attributes) for pk in wanted if str(pk) in services]


def serialize_service_at_locations(sals: list[ServiceAtLocation], *, full: bool) -> list[Json]:
    attributes = None
    if full:
        ids: set[uuid.UUID] = set()
        for sal in sals:
            ids.add(sal.location_id)
            ids.update(linked_ids([sal.service], full=False))
        attributes = attributes_for(ids)
    return [service_at_location_dict(sal, full=full, attributes=attributes) for sal in sals]
