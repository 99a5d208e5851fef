"""factory_boy factories for an imported SEN2 return's rows, built straight into the database.

A test names the dates it relies on (received, plan start, review dates); everything else is a plain default:
a person in PR1 aged 9, a request received on the return's reference date, no outcome yet.
"""

from __future__ import annotations

from datetime import date

import factory
from factory.django import DjangoModelFactory

from sendhub.outcomes.models import ActivePlan, EhcRequest, Sen2Person, Sen2Return
from tests.factories import LocalAreaFactory


class Sen2ReturnFactory(DjangoModelFactory):
    class Meta:
        model = Sen2Return

    area = factory.SubFactory(LocalAreaFactory)
    collection_year = 2026
    reference_date = factory.LazyAttribute(lambda r: date(r.collection_year, 1, 15))
    filename = factory.LazyAttribute(lambda r: f"sen2-{r.collection_year}.xml")
    checksum = factory.Sequence(lambda n: f"{n:064x}")


class Sen2PersonFactory(DjangoModelFactory):
    class Meta:
        model = Sen2Person

    sen2_return = factory.SubFactory(Sen2ReturnFactory)
    position = factory.Sequence(lambda n: n + 1)
    reference = factory.Sequence(lambda n: f"P-{n + 1:08X}")
    postcode_district = "PR1"
    age_at_reference_date = 9


class EhcRequestFactory(DjangoModelFactory):
    class Meta:
        model = EhcRequest

    sen2_return = factory.SubFactory(Sen2ReturnFactory)
    person = factory.SubFactory(Sen2PersonFactory, sen2_return=factory.SelfAttribute("..sen2_return"))
    received_date = factory.LazyAttribute(lambda r: r.sen2_return.reference_date)
    age_at_request = 8


class ActivePlanFactory(DjangoModelFactory):
    class Meta:
        model = ActivePlan

    sen2_return = factory.SubFactory(Sen2ReturnFactory)
    request = factory.SubFactory(
        EhcRequestFactory,
        sen2_return=factory.SelfAttribute("..sen2_return"),
        request_outcome="A",
        assessment_outcome="Y",
        plan_start_date=date(2020, 5, 1),
        received_date=date(2020, 1, 6),
    )
    age_at_reference_date = 9
