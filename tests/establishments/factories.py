"""factory_boy factories for establishments (GIAS)."""

from __future__ import annotations

from datetime import date

import factory
from factory.django import DjangoModelFactory

from sendhub.establishments.models import Establishment, GiasExtract


class GiasExtractFactory(DjangoModelFactory):
    class Meta:
        model = GiasExtract

    filename = factory.Sequence(lambda n: f"edubasealldata2025010{n % 9 + 1}.csv")
    extract_date = date(2025, 1, 3)
    checksum = factory.Sequence(lambda n: f"{n:064x}")


class EstablishmentFactory(DjangoModelFactory):
    class Meta:
        model = Establishment

    urn = factory.Sequence(lambda n: 800000 + n)
    extract = factory.SubFactory(GiasExtractFactory)
    la_code = "888"
    name = factory.Sequence(lambda n: f"School {n}")
    type_name = "Community school"
    type_group = "Local authority maintained schools"
    phase = "Primary"
    status = "Open"
