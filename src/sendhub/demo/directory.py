"""The Lancashire demo's Local Offer: about 300 invented listings across Lancashire's 12 districts.

What is real and what is invented:

* Real: the 12 district council areas, their towns, and the towns' approximate centres (entered by hand from
  public maps, to about 1 km). The postcode districts (outcodes) of those towns are real.
* Invented: every provider (named "... (demo)" unless it is one of the demo's partner organisations), every
  listing, venue, street address, inward postcode (always "9ZZ"-style, which no real address uses), phone
  number (Ofcom's drama range 01632 960xxx), email address (example.org) and website (example.org).

Deterministic (``random.Random(2026)``); review dates are relative to the day the data is loaded, so the
data-quality page always has stale listings. ``load`` is idempotent: it replaces the area's demo directory.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from datetime import date, time, timedelta

from django.db import transaction
from django.utils import timezone
from simple_history.utils import bulk_create_with_history

from sendhub.accounts.models import LocalArea, Membership, Organisation, Role
from sendhub.demo.lancashire import ORGANISATIONS
from sendhub.directory import taxonomies
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
    PostcodeDistrict,
    ProblemReport,
    Schedule,
    Service,
    ServiceAtLocation,
)

SEED = 2026
DEMO_NOTE = "Demonstration listing: invented for the SEND Hub demo. This service does not exist."
LISTINGS_PER_DISTRICT = 25

# District -> [(town, latitude, longitude, outcode)]. The first town is the district's centre.
TOWNS: dict[str, list[tuple[str, float, float, str]]] = {
    "Burnley": [("Burnley", 53.7893, -2.2405, "BB11"), ("Padiham", 53.7975, -2.3110, "BB12")],
    "Chorley": [("Chorley", 53.6530, -2.6320, "PR7"), ("Adlington", 53.6130, -2.6010, "PR6"),
                ("Eccleston", 53.6500, -2.7200, "PR7")],
    "Fylde": [("Lytham St Annes", 53.7440, -2.9970, "FY8"), ("Kirkham", 53.7820, -2.8700, "PR4"),
              ("Freckleton", 53.7550, -2.8680, "PR4")],
    "Hyndburn": [("Accrington", 53.7534, -2.3638, "BB5"), ("Oswaldtwistle", 53.7430, -2.3930, "BB5"),
                 ("Great Harwood", 53.7860, -2.4080, "BB6")],
    "Lancaster": [("Lancaster", 54.0466, -2.8007, "LA1"), ("Morecambe", 54.0730, -2.8680, "LA4"),
                  ("Carnforth", 54.1290, -2.7680, "LA5"), ("Heysham", 54.0470, -2.8940, "LA3")],
    "Pendle": [("Nelson", 53.8350, -2.2180, "BB9"), ("Colne", 53.8570, -2.1760, "BB8"),
               ("Barnoldswick", 53.9150, -2.1870, "BB18")],
    "Preston": [("Preston", 53.7632, -2.7031, "PR1"), ("Fulwood", 53.7850, -2.7060, "PR2"),
                ("Ribbleton", 53.7720, -2.6650, "PR2")],
    "Ribble Valley": [("Clitheroe", 53.8711, -2.3930, "BB7"), ("Longridge", 53.8310, -2.5970, "PR3"),
                      ("Whalley", 53.8220, -2.4080, "BB7")],
    "Rossendale": [("Rawtenstall", 53.7000, -2.2880, "BB4"), ("Bacup", 53.7040, -2.2000, "OL13"),
                   ("Haslingden", 53.7050, -2.3270, "BB4")],
    "South Ribble": [("Leyland", 53.6970, -2.6870, "PR25"), ("Penwortham", 53.7510, -2.7290, "PR1"),
                     ("Bamber Bridge", 53.7260, -2.6610, "PR5")],
    "West Lancashire": [("Ormskirk", 53.5670, -2.8850, "L39"), ("Skelmersdale", 53.5500, -2.7760, "WN8"),
                        ("Burscough", 53.5960, -2.8400, "L40")],
    "Wyre": [("Poulton-le-Fylde", 53.8470, -2.9920, "FY6"), ("Fleetwood", 53.9170, -3.0350, "FY7"),
             ("Garstang", 53.9010, -2.7750, "PR3"), ("Thornton-Cleveleys", 53.8730, -3.0220, "FY5")],
}
# Lancashire (the county council area) lies within this box.
BOUNDS = (53.48, 54.25, -3.10, -2.05)

VENUES = ["Community Centre", "Family Hub", "Library", "Methodist Church Hall", "Leisure Centre", "Youth Centre",
          "Children's Centre", "Scout Hut", "Village Hall", "Sports Centre", "Primary School", "Health Centre"]
STREETS = ["Mill Lane", "Church Street", "Station Road", "Victoria Road", "Park Avenue", "Queen Street",
           "Market Street", "Chapel Street", "Moor Lane", "Water Street", "King Street", "Albert Road"]
ACCESS = ["Step-free access and an accessible toilet", "Quiet room available; lights can be dimmed",
          "Hearing loop at reception", "Lift to all floors; accessible parking", "Changing Places toilet",
          "Ramp at the side entrance; level floors inside"]

NEED_WORDS = {
    "autism": "Autism", "adhd": "ADHD", "slcn": "Speech and Language", "semh": "Emotional Wellbeing",
    "learning-disability": "Learning Disability", "physical": "Physical Disability", "sensory": "Sensory",
    "specific-learning": "Dyslexia", "medical": "Complex Health", "downs-syndrome": "Down Syndrome",
    "all-needs": "SEND",
}
# (service type code, name pattern, description, extra types, typical age groups, free chance)
KINDS = [
    ("support-group", "{town} {need} Parent Support Group",
     "A friendly, informal group for parents and carers of children with {needl}. Share experiences, get "
     "practical tips and meet families who understand. Children are welcome at holiday sessions.",
     [], ["parents-carers"], 0.9),
    ("support-group", "{town} {need} Coffee Morning",
     "A relaxed coffee morning for families of children and young people with {needl}, with a guest speaker "
     "once a term.", [], ["parents-carers"], 0.95),
    ("support-group", "{town} Young People's {need} Social Group",
     "A social group where young people with {needl} can meet friends, play games and try new activities, "
     "supported by trained volunteers.", ["leisure"], ["11-15", "16-19"], 0.6),
    ("information-advice", "{town} SEND Drop-in Advice",
     "Drop in for impartial information and advice about SEN support, EHC needs assessments and plans, and "
     "what to do if you disagree with a decision.", [], ["parents-carers", "0-4", "5-10", "11-15", "16-19"], 1.0),
    ("health-service", "{town} Children's {need} Clinic",
     "A community clinic for children and young people referred by a GP, school nurse or health visitor.",
     ["therapy"], ["0-4", "5-10", "11-15"], 1.0),
    ("short-breaks", "{town} Saturday Short Breaks",
     "Fun, supervised Saturday sessions giving disabled children a break and their families some time off. "
     "Places are offered after a short-breaks assessment.", ["leisure"], ["5-10", "11-15"], 0.7),
    ("leisure", "{town} Inclusive Swimming",
     "Quiet, relaxed swimming sessions with fewer people, extra changing space and instructors trained in "
     "supporting children with {needl}.", [], ["5-10", "11-15", "16-19"], 0.3),
    ("leisure", "{town} Sensory Play Sessions",
     "Sensory play for babies and young children, with soft play, lights and music, in a calm space.",
     [], ["0-4"], 0.5),
    ("education", "{town} Homework and Reading Club",
     "After-school help with reading and homework for children with {needl}, in small groups.",
     [], ["5-10", "11-15"], 0.8),
    ("therapy", "{town} Speech and Language Drop-in",
     "Advice from speech and language therapists for parents worried about their child's talking or "
     "understanding.", ["health-service"], ["0-4", "5-10"], 1.0),
    ("training", "{town} Understanding {need} Workshop",
     "A four-week course for parents and carers about {needl}: what it means, strategies that help at home, "
     "and working with school.", [], ["parents-carers"], 0.9),
    ("employment", "{town} Preparing for Adulthood Hub",
     "Support for young people with SEND aged 16 to 25 to plan for work, training, independent living and "
     "friendships.", ["information-advice"], ["16-19", "20-25"], 1.0),
    ("transport", "{town} Travel Training",
     "One-to-one travel training that helps young people with {needl} learn to use buses and trains on "
     "their own.", [], ["11-15", "16-19", "20-25"], 1.0),
    ("childcare", "{town} Inclusive Holiday Club",
     "A holiday club with extra staff so children with {needl} can join in with their friends.",
     ["leisure"], ["5-10", "11-15"], 0.2),
    ("social-care", "{town} Family Support Service",
     "Practical help at home for families of disabled children, following a children with disabilities "
     "assessment.", [], ["0-4", "5-10", "11-15", "16-19"], 1.0),
]
AGE_YEARS = {"0-4": (0, 4), "5-10": (5, 10), "11-15": (11, 15), "16-19": (16, 19), "20-25": (20, 25)}

# Invented providers: (name, partner key from sendhub.demo.lancashire.ORGANISATIONS or None, kinds they run)
PROVIDERS = [
    ("Red Rose SEND Families (demo)", "pcf", {"support-group", "training"}),
    ("Ribble Autism Network (demo)", None, {"support-group", "training", "leisure"}),
    ("Pennine ADHD Parents (demo)", None, {"support-group"}),
    ("Coast and Fylde Family Groups (demo)", None, {"support-group", "leisure"}),
    ("Lancashire Sensory Support Trust (demo)", None, {"support-group", "leisure", "information-advice"}),
    ("Bowland Leisure Trust (demo)", None, {"leisure", "childcare"}),
    ("Lune Valley Short Breaks (demo)", "social", {"short-breaks", "social-care"}),
    ("Lancashire Children's Community Health (demo)", "community", {"health-service", "therapy"}),
    ("Lancashire SENDIASS (demo)", "sendiass", {"information-advice", "training"}),
    ("Lancashire Post-16 Colleges (demo)", "colleges", {"employment", "transport"}),
    ("Lancashire Inclusion Network (demo)", "inclusion", {"education", "childcare"}),
    ("Lancashire Special Schools Outreach (demo)", "special", {"education", "therapy", "transport"}),
    ("Lancashire County Council Family Hubs (demo)", "lcc", {"information-advice", "social-care", "short-breaks"}),
]


@dataclass
class DirectorySummary:
    counts: dict[str, int] = field(default_factory=dict)


def delete(area: LocalArea) -> None:
    """Remove the area's Local Offer (listings, providers, places, changes, reports and their term links)."""
    with transaction.atomic():
        ids = list(Service.objects.filter(area=area).values_list("pk", flat=True))
        org_ids = list(DirectoryOrganisation.objects.filter(area=area).values_list("pk", flat=True))
        location_ids = list(Location.objects.filter(area=area).values_list("pk", flat=True))
        Attribute.objects.filter(link_id__in=ids + org_ids + location_ids).delete()
        ListingChange.objects.filter(area=area).delete()
        ProblemReport.objects.filter(service__area=area).delete()
        Service.objects.filter(area=area).delete()
        Location.objects.filter(area=area).delete()
        DirectoryOrganisation.objects.filter(area=area).delete()
        Place.objects.filter(area=area).delete()


def load(area: LocalArea, *, today: date | None = None, admin=None) -> DirectorySummary:
    """Build (or rebuild) the demo Local Offer for ``area``. Idempotent: the same data each time."""
    today = today or timezone.localdate()
    taxonomies.ensure_taxonomies()
    with transaction.atomic():
        delete(area)
        builder = _Builder(area, today, admin)
        builder.build()
    from sendhub.directory import search

    search.reindex(area=area)
    return builder.summary


class _Builder:
    def __init__(self, area: LocalArea, today: date, admin) -> None:
        self.area, self.today, self.admin = area, today, admin
        self.rng = random.Random(SEED)
        self.summary = DirectorySummary()
        self.services: list[Service] = []
        self.locations: list[Location] = []
        self.attributes: list[Attribute] = []
        self.sals: list[ServiceAtLocation] = []
        self.addresses: list[Address] = []
        self.access: list[Accessibility] = []
        self.schedules: list[Schedule] = []
        self.phones: list[Phone] = []
        self.costs: list[CostOption] = []
        self.service_district: dict = {}

    def build(self) -> None:
        self.build_places()
        self.build_providers()
        for district in TOWNS:
            self.build_district(district)
        self.add_duplicates()
        self.add_gaps()
        self.save_all()
        self.add_reports_and_changes()
        self.summary.counts = {
            "listings": Service.objects.filter(area=self.area).count(),
            "providers": DirectoryOrganisation.objects.filter(area=self.area).count(),
            "places": Place.objects.filter(area=self.area).count(),
            "problem reports": ProblemReport.objects.filter(service__area=self.area).count(),
            "changes waiting": ListingChange.objects.filter(area=self.area, status="pending").count(),
        }

    # Places and providers -----------------------------------------------------------------------------
    def build_places(self) -> None:
        places = []
        for district, towns in TOWNS.items():
            first = towns[0]
            if first[0] != district:  # the district's own name, at its main town, so "Wyre" finds somewhere
                places.append(Place(area=self.area, name=district, latitude=first[1], longitude=first[2],
                                    district=district))
            for town, lat, lon, _outcode in towns:
                places.append(Place(area=self.area, name=town, latitude=lat, longitude=lon, district=district))
        Place.objects.bulk_create(places)
        known = set(PostcodeDistrict.objects.values_list("outcode", flat=True))
        missing = {}
        for towns in TOWNS.values():
            for town, lat, lon, outcode in towns:
                if outcode not in known and outcode not in missing:
                    missing[outcode] = PostcodeDistrict(outcode=outcode, latitude=lat, longitude=lon, town=town)
        PostcodeDistrict.objects.bulk_create(missing.values())

    def build_providers(self) -> None:
        partners = {}
        for key, (name, _short, _kind) in ORGANISATIONS.items():
            partners[key] = Organisation.objects.filter(area=self.area, name=name).first()
        providers = []
        for name, partner_key, _kinds in PROVIDERS:
            partner = partners.get(partner_key) if partner_key else None
            slug = name.lower().replace(" (demo)", "").replace("'", "").replace(" ", "-")
            providers.append(DirectoryOrganisation(
                area=self.area, partner=partner, name=name,
                description=f"{name.replace(' (demo)', '')} runs services in the demo Local Offer. {DEMO_NOTE}",
                email=f"hello@{slug}.example.org", website=f"https://{slug}.example.org/",
            ))
        self.providers = bulk_create_with_history(providers, DirectoryOrganisation, default_user=self.admin)
        self.providers = list(DirectoryOrganisation.objects.filter(area=self.area).order_by("name"))
        self.by_kind: dict[str, list[DirectoryOrganisation]] = {}
        for provider in self.providers:
            kinds = next(k for n, _p, k in PROVIDERS if n == provider.name)
            for kind in kinds:
                self.by_kind.setdefault(kind, []).append(provider)

    # Listings -----------------------------------------------------------------------------------------
    def build_district(self, district: str) -> None:
        rng = self.rng
        towns = TOWNS[district]
        need_codes = [c for c, _ in taxonomies.TAXONOMIES[taxonomies.NEED][2]]
        # Every district has an autism support group in its main town (the journey looks for one near PR1).
        plan = [(0, "autism")]
        plan += [(rng.choice([0, 0, 1, 1, 2]), None) for _ in range(LISTINGS_PER_DISTRICT - 1)]
        for n, (kind_index, need) in enumerate(plan):
            town = towns[0] if n == 0 else rng.choice(towns)
            self.add_listing(district, town, KINDS[kind_index] if n == 0 else rng.choice(KINDS),
                             need or rng.choice(need_codes), n)

    def add_listing(self, district, town_spec, kind, need, n, *, name=None, postcode=None, point=None):
        rng = self.rng
        town, lat, lon, outcode = town_spec
        code, pattern, description, extra_types, ages, free_chance = kind
        need_word = NEED_WORDS[need]
        needl = need_word if need_word.isupper() else need_word.lower()
        if need == "all-needs":
            needl = "special educational needs and disabilities"
        name = name or pattern.format(town=town, need=need_word)
        provider = rng.choice(self.by_kind.get(code) or self.providers)
        is_free = rng.random() < free_chance
        ages_years = [AGE_YEARS[a] for a in ages if a in AGE_YEARS]
        review_in = rng.randint(20, 330)
        service = Service(
            area=self.area, organization=provider, name=name,
            description=f"{description.format(needl=needl)}\n\n{DEMO_NOTE}",
            eligibility_description=(
                f"Families in {district} of children and young people with {needl}. No diagnosis needed."
                if code in {"support-group", "information-advice", "training"}
                else f"Children and young people with {needl} living in {district}."
            ),
            minimum_age=min(a[0] for a in ages_years) if ages_years else None,
            maximum_age=max(a[1] for a in ages_years) if ages_years else None,
            url=f"https://{provider.website.split('//')[1].rstrip('/')}/{town.lower().replace(' ', '-')}-{n}",
            email=provider.email,
            is_free=is_free,
            fees_description="" if is_free else rng.choice(["£2 a session", "£3 per child, siblings free",
                                                             "£5 a session", "£25 for the four-week course"]),
            last_reviewed=self.today - timedelta(days=rng.randint(10, 300)),
            review_by=self.today + timedelta(days=review_in),
            assured_date=None,
        )
        self.services.append(service)
        self.service_district[id(service)] = district
        jitter_lat, jitter_lon = point or (lat + rng.uniform(-0.012, 0.012), lon + rng.uniform(-0.018, 0.018))
        postcode = postcode or f"{outcode} {rng.randint(1, 9)}Z{rng.choice('WXYZ')}"
        venue = f"{town} {rng.choice(VENUES)}"
        location = Location(area=self.area, organization=provider, name=venue, latitude=round(jitter_lat, 5),
                            longitude=round(jitter_lon, 5), postcode=postcode, district=district,
                            description=DEMO_NOTE)
        self.locations.append(location)
        self.addresses.append(Address(location=location, address_1=f"{rng.randint(1, 120)} {rng.choice(STREETS)}",
                                      city=town, state_province="Lancashire", postal_code=postcode))
        if rng.random() < 0.7:
            self.access.append(Accessibility(location=location, description=rng.choice(ACCESS)))
        sal = ServiceAtLocation(service=service, location=location)
        self.sals.append(sal)
        self.phones.append(Phone(service=service, number=f"01632 960{rng.randint(0, 999):03d}", type="voice"))
        self.costs.append(CostOption(service=service, option="Free" if is_free else service.fees_description,
                                     amount=0 if is_free else None, amount_description="Free" if is_free else ""))
        if code in {"support-group", "leisure", "education", "therapy", "short-breaks"} or rng.random() < 0.3:
            self.add_schedule(service, sal, code)
        types = [code, *extra_types]
        needs = [need] + ([rng.choice(list(NEED_WORDS))] if rng.random() < 0.3 else [])
        for key, codes in ((taxonomies.SERVICE_TYPE, types), (taxonomies.NEED, needs),
                           (taxonomies.AGE_GROUP, ages), (taxonomies.DISTRICT,
                                                          [district.lower().replace(" ", "-")])):
            for term in dict.fromkeys(codes):
                self.attributes.append(Attribute(link_type="service", link_id=service.pk,
                                                 taxonomy_term_id=taxonomies.term_id(key, term)))
        return service

    def add_schedule(self, service, sal, code) -> None:
        rng = self.rng
        day = rng.choice(["MO", "TU", "WE", "TH", "FR", "SA"])
        if code == "support-group" and rng.random() < 0.5:
            freq, byday = "MONTHLY", f"{rng.choice(['1', '2', '3', '-1'])}{day}"
        else:
            freq, byday = "WEEKLY", day
        start = rng.choice([time(9, 30), time(10, 0), time(13, 0), time(16, 0), time(18, 30), time(19, 0)])
        end = time(start.hour + 2, start.minute)
        if code == "short-breaks":
            byday, start, end = "SA", time(10, 0), time(15, 0)
        self.schedules.append(Schedule(service=service, service_at_location=sal, freq=freq, interval=1, wkst="MO",
                                       byday=byday, opens_at=start, closes_at=end,
                                       dtstart=self.today - timedelta(days=180)))

    # Things for the data-quality page ---------------------------------------------------------------
    def add_duplicates(self) -> None:
        rng = self.rng
        # Same name twice in one district (entered by two people).
        for index in (3, 40, 77):
            original = self.services[index]
            district = self.service_district[id(original)]
            town = next(t for t in TOWNS[district] if t[0] in original.name) if any(
                t[0] in original.name for t in TOWNS[district]) else TOWNS[district][0]
            kind = next(k for k in KINDS if k[0] == "support-group")
            self.add_listing(district, town, kind, "all-needs", 900 + index,
                             name=original.name.upper() if index == 3 else f"The {original.name}")
        # A similar name at the same postcode.
        original = self.services[120]
        district = self.service_district[id(original)]
        loc = self.locations[120]
        self.add_listing(district, TOWNS[district][0], KINDS[0], "autism", 999, name=original.name + "s",
                         postcode=loc.postcode, point=(loc.latitude, loc.longitude))
        # Stale listings (review date passed) and a few due within the fortnight.
        for service in rng.sample(self.services, 10):
            service.review_by = self.today - timedelta(days=rng.randint(5, 200))
            service.last_reviewed = service.review_by - timedelta(days=365)
        for service in rng.sample(self.services, 6):
            if service.review_by >= self.today:
                service.review_by = self.today + timedelta(days=rng.randint(1, 13))

    def add_gaps(self) -> None:
        """A few listings missing details a family needs."""
        for index in (11, 60, 150, 210):
            self.services[index].description = ""
        for index in (25, 180):
            service = self.services[index]
            service.url = service.email = ""
            self.phones = [p for p in self.phones if p.service is not service]
        self.services[95].review_by = None

    def save_all(self) -> None:
        user = self.admin
        bulk_create_with_history(self.services, Service, default_user=user, batch_size=500)
        bulk_create_with_history(self.locations, Location, default_user=user, batch_size=500)
        Address.objects.bulk_create(self.addresses, batch_size=500)
        Accessibility.objects.bulk_create(self.access, batch_size=500)
        ServiceAtLocation.objects.bulk_create(self.sals, batch_size=500)
        for schedule in self.schedules:  # attach the saved rows' keys
            schedule.service_at_location_id = schedule.service_at_location.pk
        Schedule.objects.bulk_create(self.schedules, batch_size=500)
        Phone.objects.bulk_create(self.phones, batch_size=500)
        CostOption.objects.bulk_create(self.costs, batch_size=500)
        Attribute.objects.bulk_create(self.attributes, batch_size=500, ignore_conflicts=True)

    def add_reports_and_changes(self) -> None:
        rng = self.rng
        reports = [
            ("times", "The group now meets on Thursdays, not Tuesdays."),
            ("contact", "The phone number rings out; nobody has answered for weeks."),
            ("closed", "I went along and the venue said the group stopped last term."),
            ("address", "The map pin is on the wrong side of town."),
            ("description", "It says it is for all ages but they told me it is under-11s only."),
            ("other", "The website link goes to a page that no longer exists."),
        ]
        made = []
        for (problem, details), service in zip(reports, rng.sample(self.services, len(reports)), strict=True):
            made.append(ProblemReport(service=service, problem=problem, details=details,
                                      reporter_email="parent@example.org" if rng.random() < 0.5 else ""))
        made[-1].status = ProblemReport.Status.RESOLVED
        made[-1].resolved_by = self.admin
        made[-1].resolved_at = timezone.now()
        bulk_create_with_history(made, ProblemReport, default_user=self.admin)

        # Two changes from providers' editors, waiting for approval.
        from sendhub.directory import services as listing_services

        editors = {
            m.organisation_id: m.user
            for m in Membership.objects.filter(area=self.area, role=Role.EDITOR).select_related("user")
            .order_by("user__email")
        }
        waiting = 0
        for service in self.services:
            editor = editors.get(service.organization.partner_id)
            if editor is None or waiting >= 2:
                continue
            data = listing_services.listing_data(service)
            if waiting == 0:
                data["description"] = data["description"].replace("\n\n", " Booking is now essential.\n\n", 1)
            else:
                data["phone"] = "01632 960999"
                data["review_by"] = (self.today + timedelta(days=365)).isoformat()
            listing_services.propose_change(area=self.area, data=data, user=editor, service=service)
            waiting += 1


def in_lancashire(latitude: float, longitude: float) -> bool:
    south, north, west, east = BOUNDS
    return south <= latitude <= north and west <= longitude <= east
