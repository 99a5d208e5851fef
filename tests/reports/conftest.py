from __future__ import annotations

from datetime import date, datetime, time, timedelta

import pytest
from django.utils import timezone

from sendhub.accounts.models import Role
from sendhub.improvement.models import Action
from sendhub.reports.models import Risk
from tests.factories import (
    ActionFactory,
    FindingFactory,
    InspectionFactory,
    MilestoneFactory,
    ProgressUpdateFactory,
    member,
)


def moment(day: date) -> datetime:
    return timezone.make_aware(datetime.combine(day, time(10)))


def backdate(obj, day: date) -> None:
    """Date every history row of ``obj`` on ``day``, as if it had been recorded then."""
    type(obj).history.filter(id=obj.pk).update(history_date=moment(day))


@pytest.fixture
def signer(area, la_org):
    """A second area administrator: signs packs off (separation of duties)."""
    return member(area, Role.ADMINISTRATOR, la_org, full_name="Sian Signer", email="sian@example.org")


@pytest.fixture
def issuer(area, la_org):
    """A third area administrator: issues packs."""
    return member(area, Role.ADMINISTRATOR, la_org, full_name="Ivan Issuer", email="ivan@example.org")


@pytest.fixture
def as_at() -> date:
    return timezone.localdate() - timedelta(days=40)


@pytest.fixture
def plan(area, la_org, admin_user, as_at):
    """A small plan recorded before ``as_at``: a finding, two actions, updates, a milestone and a risk."""
    start = as_at - timedelta(days=150)
    inspection = InspectionFactory(area=area, start_date=start - timedelta(days=200), end_date=start - timedelta(
        days=195), published_date=start - timedelta(days=150))
    finding = FindingFactory(inspection=inspection, reference="PA1", title="Improve the timeliness of EHC plans")
    other = FindingFactory(inspection=inspection, reference="PA2", title="Shorten waits for autism assessment",
                           kind="priority_action")
    action = ActionFactory(area=area, owner=la_org, reference="A1", title="Recruit EHC plan writers",
                           start_date=start, due_date=as_at + timedelta(days=100), findings=[finding])
    late = ActionFactory(area=area, owner=la_org, reference="A2", title="Open a second assessment clinic",
                         start_date=start, due_date=as_at - timedelta(days=10), findings=[other])
    update = ProgressUpdateFactory(action=action, author=admin_user, rag=Action.Rag.AT_RISK,
                                   status=Action.Status.IN_PROGRESS, created_at=moment(as_at - timedelta(days=20)))
    milestone = MilestoneFactory(action=action, title="Advertise posts", due_date=as_at - timedelta(days=30),
                                 completed_on=as_at - timedelta(days=31))
    missed = MilestoneFactory(action=late, title="Find premises", due_date=as_at - timedelta(days=5))
    risk = Risk.objects.create(area=area, reference="R1", title="Not enough EP capacity", description="d",
                               owner=la_org, likelihood=4, impact=4, mitigation="Locum EPs")
    for obj, day in ((inspection, start - timedelta(days=150)), (finding, start - timedelta(days=150)),
                     (other, start - timedelta(days=150)), (action, start), (late, start),
                     (update, as_at - timedelta(days=20)), (milestone, start), (missed, start), (risk, start)):
        backdate(obj, day)
    return {"finding": finding, "other": other, "action": action, "late": late, "milestone": milestone,
            "missed": missed, "risk": risk, "start": start}
