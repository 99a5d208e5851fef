"""Writing an ORUK import: upserting each record by id (taxonomies, terms, organisations, services with their
nested collections, locations, service-at-locations), all inside the caller's one transaction."""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Iterable
from typing import Any

from django.db import models
from django.db.models import Q

from sendhub.accounts.models import LocalArea
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
from sendhub.directory.oruk.fields import (
    IMPORTED_SERVICE_FIELDS,
    LOCATION_FIELDS,
    ORGANISATION_FIELDS,
    SCHEDULE_FIELDS,
)
from sendhub.directory.oruk.records import (
    ORGANIZATION,
    SERVICE,
    SERVICE_AT_LOCATION,
    TAXONOMY,
    TAXONOMY_TERM,
    ImportResult,
)
from sendhub.directory.oruk.validate import Problems, as_uuid, column_values, postcode, today_plus_year

_NAMESPACE = uuid.UUID("0f3e8a52-2d0b-4c5e-9a7d-4f52554b494d")  # ids for taxonomies named only by a term


class Importer:
    def __init__(self, area: LocalArea | None, problems: Problems, result: ImportResult):
        self.area = area
        self.problems = problems
        self.result = result
        self.today = dt.date.today()
        self.parents: list[tuple[type[models.Model], uuid.UUID, str, Any, str]] = []
        self.to_index: list[Service] = []

    # Taxonomies

    def taxonomy(self, data: dict[str, Any], where: str) -> Taxonomy | None:
        values = column_values(Taxonomy, data, ("name", "description", "uri", "version"), where, self.problems)
        if values is None:
            return None
        taxonomy, created = Taxonomy.objects.update_or_create(id=uuid.UUID(data["id"]), defaults=values)
        self.result.count(TAXONOMY, created)
        for n, term in enumerate(data.get("taxonomy_terms") or []):
            self.term(term, f"{where}.taxonomy_terms[{n}]", taxonomy=taxonomy)
        return taxonomy

    def _taxonomy_for_term(self, data: dict[str, Any]) -> Taxonomy | None:
        name = (data.get("taxonomy") or "").strip()[:200]
        taxonomy_id = as_uuid(data.get("taxonomy_id"))
        if taxonomy_id:
            found = Taxonomy.objects.filter(pk=taxonomy_id).first()
            if found is None:
                found = Taxonomy.objects.create(id=taxonomy_id, name=name or str(taxonomy_id), description="")
                self.result.count(TAXONOMY, True)
            return found
        if name:
            found = Taxonomy.objects.filter(name=name).order_by("id").first()
            if found is None:
                found = Taxonomy.objects.create(id=uuid.uuid5(_NAMESPACE, name), name=name, description="")
                self.result.count(TAXONOMY, True)
            return found
        return None

    def term(self, data: dict[str, Any], where: str, taxonomy: Taxonomy | None = None) -> TaxonomyTerm | None:
        names = ["name", "description", "term_uri", "term"] + (["code"] if "code" in data else [])
        values = column_values(TaxonomyTerm, data, names, where, self.problems)
        if values is None:
            return None
        taxonomy = taxonomy or self._taxonomy_for_term(data)
        if taxonomy is not None:
            values["taxonomy"] = taxonomy
        term, created = TaxonomyTerm.objects.update_or_create(id=uuid.UUID(data["id"]), defaults=values)
        self.result.count(TAXONOMY_TERM, created)
        self.parents.append((TaxonomyTerm, term.pk, "parent_id", as_uuid(data.get("parent_id")), where))
        return term

    # Organisations

    def organisation(self, data: dict[str, Any], where: str) -> DirectoryOrganisation | None:
        pk = uuid.UUID(data["id"])
        values = column_values(DirectoryOrganisation, data, ORGANISATION_FIELDS, where, self.problems)
        if values is None:
            return None
        org = DirectoryOrganisation.objects.filter(pk=pk).first()
        created = org is None
        if created:
            if self.area is None:
                self.problems.add(where, f"organization {pk} is new: say which area it belongs to (--area)")
                return None
            org = DirectoryOrganisation(id=pk, area=self.area)
        for key, value in values.items():
            setattr(org, key, value)
        org.save()
        self.result.count(ORGANIZATION, created)
        self.parents.append(
            (DirectoryOrganisation, pk, "parent_organization_id", as_uuid(data.get("parent_organization_id")), where)
        )
        if "organization_identifiers" in data:
            items = data["organization_identifiers"] or []
            self._replace(
                OrganizationIdentifier,
                Q(organization=org),
                items,
                ("identifier_scheme", "identifier_type", "identifier"),
                f"{where}.organization_identifiers",
                organization=org,
            )
        if "attributes" in data:
            self._attributes(org.pk, "organization", data["attributes"] or [], f"{where}.attributes")
        for n, service in enumerate(data.get("services") or []):
            self.service(service, f"{where}.services[{n}]", organisation=org)
        return org

    # Services

    def service(
        self, data: dict[str, Any], where: str, organisation: DirectoryOrganisation | None = None
    ) -> Service | None:
        pk = uuid.UUID(data["id"])
        if organisation is None and isinstance(data.get("organization"), dict):
            organisation = self.organisation(data["organization"], f"{where}.organization")
            if organisation is None:
                return None
        existing = Service.objects.filter(pk=pk).select_related("organization").first()
        if organisation is None and data.get("organization_id"):
            organisation = DirectoryOrganisation.objects.filter(pk=as_uuid(data["organization_id"])).first()
            if organisation is None:
                self.problems.add(where, f"$.organization_id: no organization {data['organization_id']}")
                return None
        if organisation is None and existing is not None:
            organisation = existing.organization
        if organisation is None:
            self.problems.add(where, "$: a service needs its organization (organization or organization_id)")
            return None
        mapped = dict(data)
        mapped["fees_description"] = data.get("fees_description") or data.get("fees")
        mapped["status"] = data.get("status") or Service.Status.ACTIVE
        values = column_values(Service, mapped, IMPORTED_SERVICE_FIELDS, where, self.problems)
        if values is None:
            return None
        low, high = values["minimum_age"], values["maximum_age"]
        if low is not None and high is not None and high < low:
            self.problems.add(where, f"$.maximum_age: {high} is below minimum_age {low}")
            return None
        created = existing is None
        if created:
            area = self.area
            if area is None:
                self.problems.add(where, f"service {pk} is new: say which area it belongs to (--area)")
                return None
            service = Service(id=pk, area=area, is_published=True, review_by=today_plus_year(self.today))
            costs = data.get("cost_options") or []
            service.is_free = bool(costs) and all(c.get("amount") == 0 for c in costs)
        else:
            service = existing
        service.organization = organisation
        for key, value in values.items():
            setattr(service, key, value)
        service.save()
        self.result.count(SERVICE, created)
        self._service_children(service, data, where)
        self.to_index.append(service)
        return service

    def _service_children(self, service: Service, data: dict[str, Any], where: str) -> None:
        if "schedules" in data:
            self._replace(
                Schedule,
                Q(service=service),
                data["schedules"] or [],
                SCHEDULE_FIELDS,
                f"{where}.schedules",
                service=service,
            )
        if "service_areas" in data:
            items = [
                {**a, "description": a.get("description") or a.get("service_area")} for a in data["service_areas"] or []
            ]
            self._replace(
                ServiceArea,
                Q(service=service),
                items,
                ("name", "description", "extent", "extent_type", "uri"),
                f"{where}.service_areas",
                service=service,
            )
        if "languages" in data:
            self._replace(
                Language,
                Q(service=service),
                data["languages"] or [],
                ("name", "code", "note"),
                f"{where}.languages",
                service=service,
            )
        if "funding" in data:
            self._replace(
                Funding, Q(service=service), data["funding"] or [], ("source",), f"{where}.funding", service=service
            )
        if "cost_options" in data:
            self._replace(
                CostOption,
                Q(service=service),
                data["cost_options"] or [],
                ("valid_from", "valid_to", "option", "amount", "currency", "amount_description"),
                f"{where}.cost_options",
                service=service,
            )
        if "contacts" in data:
            contacts = data["contacts"] or []
            made = self._replace(
                Contact,
                Q(service=service),
                contacts,
                ("name", "title", "department", "email"),
                f"{where}.contacts",
                service=service,
            )
            for n, (contact, item) in enumerate(zip(made, contacts, strict=False)):
                if "phones" in item:
                    here = f"{where}.contacts[{n}].phones"
                    self._phones(Q(contact=contact), item["phones"] or [], here, contact=contact)
        if "phones" in data:
            self._phones(Q(service=service), data["phones"] or [], f"{where}.phones", service=service)
        if "attributes" in data:
            self._attributes(service.pk, "service", data["attributes"] or [], f"{where}.attributes")
        if "service_at_locations" in data:
            items = data["service_at_locations"] or []
            incoming = {as_uuid(i.get("id")) for i in items}
            ServiceAtLocation.objects.filter(Q(service=service) | Q(id__in=incoming)).delete()
            for n, item in enumerate(items):
                self.service_at_location(item, f"{where}.service_at_locations[{n}]", service=service)

    def _phones(self, owner: Q, items: list[dict[str, Any]], where: str, **links: Any) -> None:
        made = self._replace(Phone, owner, items, ("number", "extension", "type", "description"), where, **links)
        for n, (phone, item) in enumerate(zip(made, items, strict=False)):
            if "languages" in item:
                self._replace(
                    Language,
                    Q(phone=phone),
                    item["languages"] or [],
                    ("name", "code", "note"),
                    f"{where}[{n}].languages",
                    phone=phone,
                )

    def _replace(
        self,
        model: type[models.Model],
        owner: Q,
        items: list[dict[str, Any]],
        names: Iterable[str],
        where: str,
        **links: Any,
    ) -> list[models.Model]:
        """Replace the owner's children of one kind by ``items`` (keeping their ids)."""
        made = []
        for n, item in enumerate(items):
            values = column_values(model, item, names, f"{where}[{n}]", self.problems)
            if values is not None:
                made.append(model(id=uuid.UUID(item["id"]), **values, **links))
        model._default_manager.filter(owner | Q(id__in=[m.pk for m in made])).delete()
        model._default_manager.bulk_create(made)
        return made

    def _attributes(self, link_id: uuid.UUID, default_type: str, items: list[dict[str, Any]], where: str) -> None:
        made = []
        for n, item in enumerate(items):
            here = f"{where}[{n}]"
            term = None
            if isinstance(item.get("taxonomy_term"), dict):
                term = self.term(item["taxonomy_term"], f"{here}.taxonomy_term")
            elif item.get("taxonomy_term_id"):
                term = TaxonomyTerm.objects.filter(pk=as_uuid(item["taxonomy_term_id"])).first()
                if term is None:
                    self.problems.add(here, f"$.taxonomy_term_id: no taxonomy term {item['taxonomy_term_id']}")
            else:
                self.problems.add(here, "$: an attribute needs its taxonomy_term or taxonomy_term_id")
            values = column_values(Attribute, item, ("label", "value"), here, self.problems)
            # Our link_type names the kind of record linked (search and the public pages look for "service"),
            # so the feed's own link_type (HSDS 3.0: what the term describes) is not kept.
            link_type = default_type
            if term is not None and values is not None:
                pk = uuid.UUID(item["id"])
                made.append(Attribute(id=pk, link_id=link_id, link_type=link_type, taxonomy_term=term, **values))
        Attribute.objects.filter(Q(link_id=link_id) | Q(id__in=[a.pk for a in made])).delete()
        seen: set[tuple[str, uuid.UUID]] = set()
        for attribute in made:
            key = (attribute.link_type, attribute.taxonomy_term_id)
            if key in seen:
                self.problems.add(where, f"taxonomy term {attribute.taxonomy_term_id} is linked twice")
            seen.add(key)
        if len(seen) == len(made):
            Attribute.objects.bulk_create(made)

    # Locations

    def location(self, data: dict[str, Any], where: str, service: Service | None) -> Location | None:
        pk = uuid.UUID(data["id"])
        values = column_values(Location, data, LOCATION_FIELDS, where, self.problems)
        if values is None:
            return None
        location = Location.objects.filter(pk=pk).first()
        if location is None:
            area = service.area if service is not None else self.area
            if area is None:
                self.problems.add(where, f"location {pk} is new: say which area it belongs to (--area)")
                return None
            location = Location(id=pk, area=area, organization=service.organization if service else None)
        for key, value in values.items():
            setattr(location, key, value)
        addresses = data.get("addresses") or []
        if addresses:
            location.postcode = postcode(str(addresses[0].get("postal_code") or ""))
        location.save()
        if "addresses" in data:
            self._replace(
                Address,
                Q(location=location),
                addresses,
                (
                    "attention",
                    "address_1",
                    "address_2",
                    "city",
                    "region",
                    "state_province",
                    "postal_code",
                    "country",
                    "address_type",
                ),
                f"{where}.addresses",
                location=location,
            )
        if "accessibility" in data:
            items = [
                {**a, "description": a.get("description") or a.get("accessibility")}
                for a in data["accessibility"] or []
            ]
            self._replace(
                Accessibility,
                Q(location=location),
                items,
                ("description", "details", "url"),
                f"{where}.accessibility",
                location=location,
            )
        if "phones" in data:
            self._phones(Q(location=location), data["phones"] or [], f"{where}.phones", location=location)
        if "attributes" in data:
            self._attributes(location.pk, "location", data["attributes"] or [], f"{where}.attributes")
        return location

    def service_at_location(self, data: dict[str, Any], where: str, service: Service | None = None) -> None:
        pk = uuid.UUID(data["id"])
        if service is None:
            if isinstance(data.get("service"), dict):
                service = self.service(data["service"], f"{where}.service")
            elif data.get("service_id"):
                service = Service.objects.filter(pk=as_uuid(data["service_id"])).first()
                if service is None:
                    self.problems.add(where, f"$.service_id: no service {data['service_id']}")
            else:
                existing = ServiceAtLocation.objects.filter(pk=pk).select_related("service").first()
                service = existing.service if existing else None
                if service is None:
                    self.problems.add(where, "$: a service_at_location needs its service or service_id")
            if service is None:
                return
        if isinstance(data.get("location"), dict):
            location = self.location(data["location"], f"{where}.location", service)
        else:
            location = Location.objects.filter(pk=as_uuid(data.get("location_id"))).first()
            if location is None:
                self.problems.add(where, f"$.location_id: no location {data.get('location_id')}")
        if location is None:
            return
        description = column_values(ServiceAtLocation, data, ("description",), where, self.problems)
        if description is None:
            return
        ServiceAtLocation.objects.filter(service=service, location=location).exclude(pk=pk).delete()
        sal, created = ServiceAtLocation.objects.update_or_create(
            id=pk, defaults={"service": service, "location": location, **description}
        )
        self.result.count(SERVICE_AT_LOCATION, created)
        if "schedules" in data:
            self._replace(
                Schedule,
                Q(service_at_location=sal),
                data["schedules"] or [],
                SCHEDULE_FIELDS,
                f"{where}.schedules",
                service_at_location=sal,
            )

    def link_parents(self) -> None:
        """Set parent links whose targets exist now; drop those that would dangle."""
        for model, pk, attname, parent_id, _where in self.parents:
            if parent_id is not None and parent_id != pk and model._default_manager.filter(pk=parent_id).exists():
                model._default_manager.filter(pk=pk).update(**{attname: parent_id})
            else:
                model._default_manager.filter(pk=pk).update(**{attname: None})
