"""Fixtures for inspection readiness: a current-framework inspection with outcome 3, a self-evaluation, and an
audit round drawn from a small SEN2 return."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from django.utils import timezone

from sendhub.improvement.models import Finding, Inspection
from sendhub.inspection import services
from tests.factories import FindingFactory, InspectionFactory
from tests.outcomes.factories_sen2 import ActivePlanFactory, EhcRequestFactory, Sen2ReturnFactory

CRITERIA = [
    ("A", "Views in the child's own words", 2),
    ("E", "Outcomes are SMART", 3),
    ("F", "Provision is specific", 1),
]


@pytest.fixture
def today() -> date:
    return timezone.localdate()


@pytest.fixture
def inspection(area):
    inspection = InspectionFactory(
        area=area, framework="2023", kind=Inspection.Kind.FULL, start_date=date(2024, 12, 9),
        end_date=date(2024, 12, 13), published_date=date(2025, 2, 7), outcome=Inspection.Outcome.SYSTEMIC_FAILINGS,
    )
    FindingFactory(inspection=inspection, kind=Finding.Kind.PRIORITY_ACTION, reference="PA2",
                   title="Improve EHC plans")
    return inspection


@pytest.fixture
def sef(area, admin_user, today):
    return services.self_evaluation_create(
        area=area, title="Our self-evaluation", prepared_on=today, saved_by=admin_user
    )


@pytest.fixture
def sen2(area):
    """A return with 40 new plans issued in March 2025 (two needs, two teams) and 20 plans reviewed then."""
    sen2_return = Sen2ReturnFactory(area=area, collection_year=2026)
    for i in range(40):
        ActivePlanFactory(
            sen2_return=sen2_return, primary_need="ASD" if i % 2 else "SLCN",
            request__plan_start_date=date(2025, 3, 1 + i % 28),
            request__person__postcode_district="PR1" if i < 20 else "BB2",
        )
    for i in range(20):
        ActivePlanFactory(sen2_return=sen2_return, primary_need="SEMH", review_meeting=date(2025, 3, 3 + i))
    EhcRequestFactory(sen2_return=sen2_return, plan_start_date=date(2024, 1, 5))  # outside the period
    return sen2_return


@pytest.fixture
def audit_round(area, admin_user, sen2):
    from sendhub.inspection.models import AuditRound

    template = services.audit_template_create(area=area, name="Panel audit", criteria=CRITERIA, saved_by=admin_user)
    return AuditRound.objects.create(
        area=area, template=template, title="Spring audit", period_start=date(2025, 3, 1),
        period_end=date(2025, 3, 31), sen2_return=sen2, sample_percent=10, double_percent=50, seed=3,
    )


@pytest.fixture
def days():
    return lambda n: timedelta(days=n)
