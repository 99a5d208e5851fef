"""Writes to the Local Offer: listings with their nested records, proposed changes, approvals and problem reports.

Each function runs in one transaction and records who made the change in the listing's history. A listing's
editable values travel as one plain-JSON dict (``listing_data``): the form produces it, a ListingChange stores
it while it waits for approval, and :func:`save_listing` applies it.
"""

from __future__ import annotations

import re
from datetime import date, time

from django.db import transaction
from django.utils import timezone

from sendhub.accounts.models import LocalArea
from sendhub.directory import schedules, taxonomies
from sendhub.directory.geo import haversine_km
from sendhub.directory.models import (
    Accessibility,
    Address,
    Attribute,
    CostOption,
    DirectoryOrganisation,
    ListingChange,
    Location,
    Phone,
    Place,
    Postcode,
    ProblemReport,
    Schedule,
    Service,
    ServiceAtLocation,
    TaxonomyTerm,
)
from sendhub.directory.search import index_service

# Taxonomies a listing form edits: key in the data dict -> taxonomy key.
TERM_FIELDS = {
    "service_types": taxonomies.SERVICE_TYPE,
    "needs": taxonomies.NEED,
    "age_groups": taxonomies.AGE_GROUP,
}
MANAGED_TAXONOMIES = [*TERM_FIELDS.values(), taxonomies.DISTRICT]

FIELD_LABELS = {
    "name": "Name",
    "organization": "Provider",
    "description": "What it is",
    "eligibility_description": "Who it is for",
    "minimum_age": "Youngest age",
    "maximum_age": "Oldest age",
    "service_types": "Type of service",
    "needs": "Needs",
    "age_groups": "Age groups",
    "is_free": "Free",
    "fees_description": "Cost",
    "url": "Website",
    "email": "Email address",
    "phone": "Phone number",
    "location_name": "Venue name",
    "address_1": "Address line 1",
    "address_2": "Address line 2",
    "city": "Town or city",
    "postcode": "Postcode",
    "district": "District",
    "accessibility": "Accessibility",
    "days": "Days",
    "frequency": "How often",
    "week_of_month": "Week of the month",
    "opens_at": "Starts at",
    "closes_at": "Ends at",
    "review_by": "Review by",
}


class ChangeNotPending(Exception):
    """The change was already approved or rejected."""


# Reading a listing as data ------------------------------------------------------------------------------


def main_location(service: Service) -> Location | None:
    sal = service.service_at_locations.select_related("location").order_by("location__name", "id").first()
    return sal.location if sal else None


def main_schedule(service: Service) -> Schedule | None:
    return service.schedules.order_by("id").first() if service.pk else None


def term_codes(service: Service) -> dict[str, list[str]]:
    """{taxonomy key: [codes]} for the service's attributes in our shipped taxonomies."""
    found: dict[str, list[str]] = {key: [] for key in MANAGED_TAXONOMIES}
    by_id = {taxonomies.taxonomy_id(key): key for key in MANAGED_TAXONOMIES}
    rows = Attribute.objects.filter(link_id=service.pk).values_list("taxonomy_term__taxonomy_id",
                                                                    "taxonomy_term__code")
    for taxonomy_id, code in rows:
        if taxonomy_id in by_id:
            found[by_id[taxonomy_id]].append(code)
    return found


_BYDAY = re.compile(r"^([+-]?\d)?(MO|TU|WE|TH|FR|SA|SU)$")


def parse_byday(byday: str) -> tuple[list[str], str]:
    """'2TU,2TH' -> (['TU', 'TH'], '2'); 'MO,WE' -> (['MO', 'WE'], '')."""
    days, week = [], ""
    for token in (byday or "").replace(" ", "").split(","):
        match = _BYDAY.match(token.upper())
        if match:
            days.append(match.group(2))
            week = week or (match.group(1) or "").lstrip("+")
    return days, week


def listing_data(service: Service) -> dict:
    """A saved listing's editable values, in the same shape as ``ListingForm.listing_data()``."""
    location = main_location(service)
    address = location.addresses.order_by("id").first() if location else None
    access = location.accessibility.order_by("id").first() if location else None
    schedule = main_schedule(service)
    phone = service.phones.order_by("id").first()
    codes = term_codes(service)
    days, week = parse_byday(schedule.byday) if schedule else ([], "")

    def hhmm(value: time | None) -> str:
        return value.strftime("%H:%M") if value else ""

    return {
        "name": service.name,
        "organization": str(service.organization_id),
        "description": service.description,
        "eligibility_description": service.eligibility_description,
        "minimum_age": service.minimum_age,
        "maximum_age": service.maximum_age,
        "service_types": codes[taxonomies.SERVICE_TYPE],
        "needs": codes[taxonomies.NEED],
        "age_groups": codes[taxonomies.AGE_GROUP],
        "is_free": service.is_free,
        "fees_description": service.fees_description,
        "url": service.url,
        "email": service.email,
        "phone": phone.number if phone else "",
        "location_name": location.name if location else "",
        "address_1": address.address_1 if address else "",
        "address_2": address.address_2 if address else "",
        "city": address.city if address else "",
        "postcode": (location.postcode or (address.postal_code if address else "")) if location else "",
        "latitude": location.latitude if location else None,
        "longitude": location.longitude if location else None,
        "district": location.district if location else "",
        "accessibility": access.description if access else "",
        "days": days,
        "frequency": (schedule.freq or "WEEKLY") if schedule and days else "",
        "week_of_month": week if schedule and schedule.freq == "MONTHLY" else "",
        "opens_at": hhmm(schedule.opens_at) if schedule else "",
        "closes_at": hhmm(schedule.closes_at) if schedule else "",
        "review_by": service.review_by.isoformat() if service.review_by else "",
    }


def form_initial(data: dict) -> dict:
    """Listing data as a ListingForm's initial values."""
    initial = {k: v for k, v in data.items() if k not in {"latitude", "longitude", "district"}}
    initial["organization"] = data.get("organization") or None
    return initial


def _display(key: str, value, organisations: dict[str, str], term_names: dict[str, str]) -> str:
    if value in (None, "", []):
        return ""
    if key == "organization":
        return organisations.get(str(value), str(value))
    if key in TERM_FIELDS:
        return ", ".join(term_names.get(f"{TERM_FIELDS[key]}:{c}", c) for c in value)
    if key == "days":
        names = dict(zip(schedules.DAYS, schedules.DAY_NAMES, strict=True))
        return ", ".join(names.get(d, d) for d in value)
    if key == "is_free":
        return "Yes" if value else "No"
    if key == "frequency":
        return {"WEEKLY": "Every week", "MONTHLY": "Once a month"}.get(value, value)
    if key == "week_of_month":
        return {"1": "First", "2": "Second", "3": "Third", "4": "Fourth", "-1": "Last"}.get(str(value), str(value))
    if key == "review_by":
        try:
            return date.fromisoformat(value).strftime("%-d %B %Y")
        except ValueError:
            return str(value)
    return str(value)


def diff(before: dict | None, after: dict) -> list[dict]:
    """The fields a change alters: [{"field", "before", "after"}] in form order, readable."""
    ids = {str(v) for d in (before or {}, after) for k, v in d.items() if k == "organization" and v}
    organisations = {str(o.pk): o.name for o in DirectoryOrganisation.objects.filter(pk__in=ids)}
    term_names = {
        f"{key}:{t.code}": t.name
        for key in TERM_FIELDS.values()
        for t in taxonomies.terms(key)
    }
    rows = []
    for key, label in FIELD_LABELS.items():
        old = (before or {}).get(key)
        new = after.get(key)
        if (old or None) == (new or None) and not (key == "is_free" and bool(old) != bool(new)):
            continue
        rows.append({
            "field": label,
            "before": _display(key, old, organisations, term_names),
            "after": _display(key, new, organisations, term_names),
        })
    return rows


# Places -------------------------------------------------------------------------------------------------


def district_for(area: LocalArea, latitude: float | None, longitude: float | None, postcode: str = "") -> str:
    """The local authority district of a point: from the postcode when we know it, else the nearest place."""
    if postcode:
        known = Postcode.objects.filter(postcode=postcode).exclude(district="").values_list("district", flat=True)
        if known:
            return known[0]
    if latitude is None or longitude is None:
        return ""
    places = list(Place.objects.filter(area=area).exclude(district="").values_list("latitude", "longitude",
                                                                                    "district"))
    if not places:
        return ""
    nearest = min(places, key=lambda p: haversine_km(latitude, longitude, p[0], p[1]))
    return nearest[2] if haversine_km(latitude, longitude, nearest[0], nearest[1]) < 25 else ""


def district_code(name: str) -> str | None:
    wanted = (name or "").strip().lower()
    for code, label in taxonomies.TAXONOMIES[taxonomies.DISTRICT][2]:
        if label.lower() == wanted or code == wanted:
            return code
    return None


# Writes -------------------------------------------------------------------------------------------------


def _index(service: Service) -> None:
    index_service(service)


def _parse_time(value: str) -> time | None:
    return time.fromisoformat(value) if value else None


def _set(obj, user) -> None:
    obj._history_user = user
    obj.save()


@transaction.atomic
def save_listing(*, area: LocalArea, data: dict, user, service: Service | None = None,
                 today: date | None = None) -> Service:
    """Create or update a published listing from listing data; marks it reviewed today."""
    today = today or timezone.localdate()
    organisation = DirectoryOrganisation.objects.get(area=area, pk=data["organization"])
    if service is None:
        service = Service(area=area)
    service.organization = organisation
    for name in ("name", "description", "eligibility_description", "fees_description", "url", "email"):
        setattr(service, name, (data.get(name) or "").strip())
    service.minimum_age = data.get("minimum_age")
    service.maximum_age = data.get("maximum_age")
    service.is_free = bool(data.get("is_free"))
    service.review_by = date.fromisoformat(data["review_by"]) if data.get("review_by") else None
    service.last_reviewed = today
    service.is_published = True
    if service.status != Service.Status.ACTIVE and service._state.adding:
        service.status = Service.Status.ACTIVE
    _set(service, user)

    location = _save_location(service, area, organisation, data, user)
    _save_schedule(service, location, data)
    _save_phone(service, data)
    _save_cost(service, data)
    _save_terms(service, data)
    _index(service)
    return service


def _save_location(service, area, organisation, data, user) -> Location | None:
    if not data.get("address_1") and not data.get("postcode"):
        return main_location(service)
    location = main_location(service)
    if location is not None and location.service_at_locations.exclude(service=service).exists():
        location = None  # shared with another listing: give this one its own
    if location is None:
        location = Location(area=area, organization=organisation)
    location.name = data.get("location_name", "")
    location.postcode = data.get("postcode", "")
    location.latitude = data.get("latitude")
    location.longitude = data.get("longitude")
    location.district = data.get("district", "")
    location.location_type = Location.LocationType.PHYSICAL
    _set(location, user)
    ServiceAtLocation.objects.get_or_create(service=service, location=location)
    address = location.addresses.order_by("id").first() or Address(location=location)
    address.address_1 = data.get("address_1", "")
    address.address_2 = data.get("address_2", "")
    address.city = data.get("city", "")
    address.state_province = address.state_province or area.name
    address.postal_code = data.get("postcode", "")
    address.save()
    access = location.accessibility.order_by("id").first()
    if data.get("accessibility"):
        access = access or Accessibility(location=location)
        access.description = data["accessibility"]
        access.save()
    elif access is not None:
        access.delete()
    return location


def _save_schedule(service, location, data) -> None:
    schedule = main_schedule(service)
    days = data.get("days") or []
    if not days:
        if schedule is not None:
            schedule.delete()
        return
    schedule = schedule or Schedule(service=service)
    if location is not None and schedule.service_at_location_id is None:
        schedule.service_at_location = ServiceAtLocation.objects.filter(service=service, location=location).first()
    monthly = data.get("frequency") == "MONTHLY"
    week = str(data.get("week_of_month") or "") if monthly else ""
    schedule.freq = "MONTHLY" if monthly else "WEEKLY"
    schedule.interval = 1
    schedule.wkst = "MO"
    schedule.byday = ",".join(f"{week}{d}" for d in days)
    schedule.opens_at = _parse_time(data.get("opens_at", ""))
    schedule.closes_at = _parse_time(data.get("closes_at", ""))
    schedule.save()


def _save_phone(service, data) -> None:
    phone = service.phones.order_by("id").first()
    if data.get("phone"):
        phone = phone or Phone(service=service)
        phone.number = data["phone"]
        phone.save()
    elif phone is not None:
        phone.delete()


def _save_cost(service, data) -> None:
    cost = service.cost_options.order_by("id").first()
    if data.get("is_free"):
        cost = cost or CostOption(service=service)
        cost.option, cost.amount, cost.amount_description = "Free", 0, "Free"
        cost.save()
    elif data.get("fees_description"):
        cost = cost or CostOption(service=service)
        cost.option, cost.amount, cost.amount_description = data["fees_description"][:255], None, ""
        cost.save()
    elif cost is not None:
        cost.delete()


def _save_terms(service, data) -> None:
    wanted: set[tuple[str, str]] = set()
    for field, key in TERM_FIELDS.items():
        wanted.update((key, code) for code in data.get(field) or [])
    code = district_code(data.get("district", ""))
    if code:
        wanted.add((taxonomies.DISTRICT, code))
    wanted_ids = {taxonomies.term_id(key, code) for key, code in wanted}
    managed = [taxonomies.taxonomy_id(key) for key in MANAGED_TAXONOMIES]
    existing = Attribute.objects.filter(link_id=service.pk, taxonomy_term__taxonomy_id__in=managed)
    existing.exclude(taxonomy_term_id__in=wanted_ids).delete()
    have = set(Attribute.objects.filter(link_id=service.pk).values_list("taxonomy_term_id", flat=True))
    known = set(TaxonomyTerm.objects.filter(pk__in=wanted_ids).values_list("pk", flat=True))
    Attribute.objects.bulk_create([
        Attribute(link_type="service", link_id=service.pk, taxonomy_term_id=term_id)
        for term_id in wanted_ids - have
        if term_id in known
    ])


@transaction.atomic
def propose_change(*, area: LocalArea, data: dict, user, service: Service | None = None) -> ListingChange:
    """Keep a provider editor's change (or new listing) until an administrator approves it."""
    change = ListingChange(area=area, service=service, proposed=data, proposed_by=user)
    _set(change, user)
    return change


@transaction.atomic
def approve_change(change: ListingChange, *, user, today: date | None = None) -> Service:
    change = ListingChange.objects.select_for_update().get(pk=change.pk)
    if change.status != ListingChange.Status.PENDING:
        raise ChangeNotPending(f"This change was already {change.get_status_display().lower()}")
    service = save_listing(area=change.area, data=change.proposed, user=user, service=change.service, today=today)
    change.service = service
    change.status = ListingChange.Status.APPROVED
    change.reviewed_by = user
    change.reviewed_at = timezone.now()
    _set(change, user)
    return service


@transaction.atomic
def reject_change(change: ListingChange, *, user, note: str) -> ListingChange:
    change = ListingChange.objects.select_for_update().get(pk=change.pk)
    if change.status != ListingChange.Status.PENDING:
        raise ChangeNotPending(f"This change was already {change.get_status_display().lower()}")
    change.status = ListingChange.Status.REJECTED
    change.reviewed_by = user
    change.reviewed_at = timezone.now()
    change.review_note = note
    _set(change, user)
    return change


@transaction.atomic
def report_problem(*, service: Service, problem: str, details: str, email: str = "") -> ProblemReport:
    report = ProblemReport(service=service, problem=problem, details=details, reporter_email=email)
    _set(report, None)
    return report


@transaction.atomic
def resolve_problem(report: ProblemReport, *, user, status: str) -> ProblemReport:
    if status not in {ProblemReport.Status.RESOLVED, ProblemReport.Status.DISMISSED}:
        raise ValueError(f"Unknown status {status!r}")
    report = ProblemReport.objects.select_for_update().get(pk=report.pk)
    report.status = status
    report.resolved_by = user
    report.resolved_at = timezone.now()
    _set(report, user)
    return report
