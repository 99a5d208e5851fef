"""Benchmark: the ORUK API's ``/services?full=true`` page of 50 fully nested services (issue 4 goal: < 100 ms).

Builds a fresh SQLite database (or uses DATABASE_URL: point it at a scratch database) with N published services
(default 1,000), each with an organisation and identifier, 2 service-at-locations (location, address,
accessibility, phone, schedule), a schedule, cost option, service area, language, funding, a contact with a
phone, a phone and 3 taxonomy-term attributes. Then calls the view (request to JSON bytes) for pages of 50,
repeatedly, and prints p50/p95/max milliseconds and the number of queries per page.

    .venv/bin/python bench/oruk_services.py [--services 1000] [--per-page 50] [--repeat 40] [--gc-freeze]

A page builds some 20,000 short-lived dicts and lists, so every dozen requests or so Python's full garbage
collection runs during one, walking every object the process holds (Django's included): that request takes about
45 ms longer. ``--gc-freeze`` calls ``gc.freeze()`` after start-up, as a server can (e.g. in a gunicorn
``post_fork`` hook), which leaves those objects out of the collections.
"""

from __future__ import annotations

import argparse
import datetime as dt
import gc
import os
import statistics
import sys
import tempfile
import time
import uuid
from decimal import Decimal

os.environ.setdefault("SENDHUB_DATA_DIR", tempfile.mkdtemp(prefix="sendhub-bench-"))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "sendhub.settings")
os.environ.setdefault("SENDHUB_ALLOW_DEV_SECRET", "1")  # a benchmark, not a server: the development key is fine

import django  # noqa: E402

django.setup()

from django.core.management import call_command  # noqa: E402
from django.db import connection, transaction  # noqa: E402
from django.test import RequestFactory  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402


def build(area, count: int) -> None:
    from sendhub.directory import taxonomies
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
        TaxonomyTerm,
    )

    taxonomies.ensure_taxonomies()
    terms = list(TaxonomyTerm.objects.all()[:12])
    rows: dict[type, list] = {}

    def add(obj):
        rows.setdefault(type(obj), []).append(obj)
        return obj

    for n in range(count):
        org = add(DirectoryOrganisation(id=uuid.uuid4(), area=area, name=f"Provider {n}", description="A provider"))
        add(OrganizationIdentifier(organization=org, identifier_type="Charity number", identifier=str(n)))
        service = add(
            Service(
                id=uuid.uuid4(),
                area=area,
                organization=org,
                name=f"Support group {n:05d}",
                description="Meets monthly for families of children with SEND. " * 3,
                url="https://example.org/group",
                email="group@example.org",
                minimum_age=5,
                maximum_age=18,
                is_published=True,
            )
        )
        add(Schedule(service=service, freq="MONTHLY", byday="2TU", opens_at=dt.time(10), closes_at=dt.time(12)))
        add(CostOption(service=service, option="Everyone", amount=Decimal(0)))
        add(ServiceArea(service=service, name="Preston", description="Families living in Preston"))
        add(Language(service=service, name="English", code="en"))
        add(Funding(service=service, source="Lancashire County Council"))
        contact = add(Contact(id=uuid.uuid4(), service=service, name="Sam", title="Coordinator"))
        add(Phone(contact=contact, number="07700 900000"))
        add(Phone(service=service, number="01772 111111"))
        for k in range(2):
            location = add(
                Location(id=uuid.uuid4(), area=area, organization=org, name=f"Centre {n}-{k}", latitude=53.76,
                         longitude=-2.70, postcode="PR1 2HE")
            )  # fmt: skip
            add(Address(location=location, address_1="1 Fishergate", city="Preston", state_province="Lancashire",
                        postal_code="PR1 2HE"))  # fmt: skip
            add(Accessibility(location=location, description="Step-free access"))
            add(Phone(location=location, number="01772 000000"))
            sal = add(ServiceAtLocation(id=uuid.uuid4(), service=service, location=location))
            add(Schedule(service_at_location=sal, freq="WEEKLY", byday="MO", opens_at=dt.time(9)))
        for k in range(3):
            add(Attribute(link_type="service", link_id=service.pk, taxonomy_term=terms[(n + k) % len(terms)]))
    order = [
        DirectoryOrganisation, OrganizationIdentifier, Service, Contact, Location, ServiceAtLocation, Schedule,
        CostOption, ServiceArea, Language, Funding, Phone, Address, Accessibility, Attribute,
    ]  # fmt: skip
    with transaction.atomic():
        for model in order:
            model.objects.bulk_create(rows.get(model, []), batch_size=2000)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--services", type=int, default=1000)
    parser.add_argument("--per-page", type=int, default=50)
    parser.add_argument("--repeat", type=int, default=40)
    parser.add_argument("--gc-freeze", action="store_true", help="gc.freeze() after start-up, as a server can")
    args = parser.parse_args()
    call_command("migrate", verbosity=0)

    from sendhub.accounts.models import LocalArea
    from sendhub.directory.oruk import views

    area, _ = LocalArea.objects.get_or_create(
        slug="bench-oruk",
        defaults={"name": "Bench ORUK", "la_code": "B04", "ons_code": "E99999904", "region": "north_west"},
    )
    started = time.perf_counter()
    build(area, args.services)
    if args.gc_freeze:
        gc.collect()
        gc.freeze()
    print(f"database: {connection.vendor}; {args.services:,} services built in {time.perf_counter() - started:.1f} s")
    factory = RequestFactory()
    pages = max(1, args.services // args.per_page)
    timings, cpu = [], []
    try:
        for i in range(args.repeat + 3):
            request = factory.get(
                "/api/oruk/v3/services", {"full": "true", "per_page": args.per_page, "page": i % pages + 1}
            )
            t0, c0 = time.perf_counter(), time.process_time()
            with CaptureQueriesContext(connection) as queries:
                response = views.services(request)
                body = response.content
            elapsed, cpu_ms = (time.perf_counter() - t0) * 1000, (time.process_time() - c0) * 1000
            if i >= 3:  # warm-up
                timings.append(elapsed)
                cpu.append(cpu_ms)
        cpu_label = "CPU time of this process" + (" (and SQLite's)" if connection.vendor == "sqlite" else "")
        for label, values in (("wall clock", timings), (cpu_label, cpu)):
            values.sort()
            p95 = values[min(len(values) - 1, int(len(values) * 0.95))]
            print(
                f"/services?full=true&per_page={args.per_page} {label}: p50 {statistics.median(values):.1f} ms, "
                f"p95 {p95:.1f} ms, min {values[0]:.1f} ms over {len(values)} requests"
            )
        print(
            f"{len(queries)} queries per page; {len(body) / 1024:.0f} KiB JSON; load average {os.getloadavg()[0]:.1f}"
        )
    finally:
        from sendhub.directory.models import DirectoryOrganisation, Location

        Location.objects.filter(area=area).delete()
        DirectoryOrganisation.objects.filter(area=area).delete()
        area.delete()
    return 0


if __name__ == "__main__":
    sys.exit(main())
