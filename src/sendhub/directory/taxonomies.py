"""The vocabularies SEND Hub ships for the Local Offer: service type, SEND need, age group and district.

Codes are stable (used in URLs, filters and imports); names are what people read. Ids are fixed UUIDs
derived from the codes, so every deployment publishes the same term ids in its ORUK feed.
"""

from __future__ import annotations

import uuid

from django.db import transaction

from sendhub.directory.models import Taxonomy, TaxonomyTerm

_NAMESPACE = uuid.UUID("6f1d2c3e-5a4b-4c8d-9e0f-53454e444855")  # fixed: "SENDHUB" directory namespace

SERVICE_TYPE = "service-type"
NEED = "need"
AGE_GROUP = "age-group"
DISTRICT = "district"

TAXONOMIES: dict[str, tuple[str, str, list[tuple[str, str]]]] = {
    SERVICE_TYPE: (
        "SEND Hub service type",
        "What kind of service or support a listing offers.",
        [
            ("support-group", "Support group"),
            ("information-advice", "Information and advice"),
            ("health-service", "Health service"),
            ("short-breaks", "Short breaks"),
            ("education", "Education"),
            ("leisure", "Leisure and activities"),
            ("transport", "Transport"),
            ("social-care", "Social care"),
            ("training", "Training for parents and carers"),
            ("employment", "Employment and preparing for adulthood"),
            ("therapy", "Therapy"),
            ("childcare", "Childcare"),
        ],
    ),
    NEED: (
        "SEND Hub need",
        "Which special educational needs or disabilities a listing is for.",
        [
            ("autism", "Autism"),
            ("adhd", "ADHD"),
            ("slcn", "Speech, language and communication"),
            ("semh", "Social, emotional and mental health"),
            ("learning-disability", "Learning disability"),
            ("physical", "Physical disability"),
            ("sensory", "Sensory (hearing, vision, multi-sensory)"),
            ("specific-learning", "Specific learning difficulty (e.g. dyslexia)"),
            ("medical", "Medical and complex health needs"),
            ("downs-syndrome", "Down syndrome"),
            ("all-needs", "All needs"),
        ],
    ),
    AGE_GROUP: (
        "SEND Hub age group",
        "The age groups a listing is for.",
        [
            ("0-4", "Early years (0 to 4)"),
            ("5-10", "Primary age (5 to 10)"),
            ("11-15", "Secondary age (11 to 15)"),
            ("16-19", "16 to 19"),
            ("20-25", "20 to 25"),
            ("parents-carers", "Parents and carers"),
        ],
    ),
    DISTRICT: (
        "Local authority district",
        "The district council area a listing is in.",
        [
            ("burnley", "Burnley"),
            ("chorley", "Chorley"),
            ("fylde", "Fylde"),
            ("hyndburn", "Hyndburn"),
            ("lancaster", "Lancaster"),
            ("pendle", "Pendle"),
            ("preston", "Preston"),
            ("ribble-valley", "Ribble Valley"),
            ("rossendale", "Rossendale"),
            ("south-ribble", "South Ribble"),
            ("west-lancashire", "West Lancashire"),
            ("wyre", "Wyre"),
        ],
    ),
}

# Age groups as year ranges, to match a listing's minimum and maximum age.
AGE_RANGES = {"0-4": (0, 4), "5-10": (5, 10), "11-15": (11, 15), "16-19": (16, 19), "20-25": (20, 25)}


def taxonomy_id(key: str) -> uuid.UUID:
    return uuid.uuid5(_NAMESPACE, f"taxonomy:{key}")


def term_id(key: str, code: str) -> uuid.UUID:
    return uuid.uuid5(_NAMESPACE, f"term:{key}:{code}")


@transaction.atomic
def ensure_taxonomies() -> dict[str, Taxonomy]:
    """Create or update the shipped taxonomies and their terms (idempotent)."""
    made: dict[str, Taxonomy] = {}
    for key, (name, description, terms) in TAXONOMIES.items():
        taxonomy, _ = Taxonomy.objects.update_or_create(
            id=taxonomy_id(key), defaults={"key": key, "name": name, "description": description, "version": "1"}
        )
        for code, term_name in terms:
            TaxonomyTerm.objects.update_or_create(
                id=term_id(key, code),
                defaults={
                    "taxonomy": taxonomy,
                    "code": code,
                    "name": term_name,
                    "description": term_name,
                    "term": term_name,
                },
            )
        made[key] = taxonomy
    return made


def terms(key: str):
    """The shipped terms of one taxonomy, in the order above."""
    order = {code: n for n, (code, _) in enumerate(TAXONOMIES[key][2])}
    found = list(TaxonomyTerm.objects.filter(taxonomy_id=taxonomy_id(key)))
    return sorted(found, key=lambda t: order.get(t.code, len(order)))
