"""Shared data for the progress page tests: an inspection finding with actions in every state."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta

import pytest
from django.utils import timezone

from sendhub.improvement.models import Action, Finding
from sendhub.progress.models import ProgressPage, PublishedFinding
from tests.factories import ActionFactory, FindingFactory, InspectionFactory, ProgressUpdateFactory, UserFactory


def days_ago(days: int) -> datetime:
    return timezone.make_aware(datetime.combine(timezone.localdate() - timedelta(days=days), time(11)))


@pytest.fixture
def inspection(area):
    return InspectionFactory(area=area, start_date=date(2024, 12, 9), end_date=date(2024, 12, 13))


@pytest.fixture
def finding(inspection):
    return FindingFactory(
        inspection=inspection,
        reference="PA2",
        title="Significantly improve the process, timeliness, quality and oversight of EHC plans",
        text="Leaders should significantly improve the EHC needs assessment process.",
    )


@pytest.fixture
def plan(area, la_org, finding):
    """Four actions on the finding: finished recently, worked on recently, last touched 8 months ago, cancelled."""
    author = UserFactory(full_name="Gareth Hughes")
    finished = ActionFactory(
        area=area, owner=la_org, reference="A1", title="Recruit more EHC plan writers", findings=[finding],
        status=Action.Status.COMPLETE,
    )
    ProgressUpdateFactory(action=finished, author=author, created_at=days_ago(20), status=Action.Status.COMPLETE)
    working = ActionFactory(
        area=area, owner=la_org, reference="A2", title="Clear the backlog of annual reviews", findings=[finding]
    )
    ProgressUpdateFactory(action=working, author=author, created_at=days_ago(40))
    ProgressUpdateFactory(action=working, author=author, created_at=days_ago(300))
    old = ActionFactory(area=area, owner=la_org, reference="A3", title="Train every SENCO", findings=[finding])
    ProgressUpdateFactory(action=old, author=author, created_at=days_ago(240))
    cancelled = ActionFactory(
        area=area, owner=la_org, reference="A4", title="Buy a new case system", findings=[finding],
        status=Action.Status.CANCELLED,
    )
    ProgressUpdateFactory(action=cancelled, author=author, created_at=days_ago(5))
    return {"finished": finished, "working": working, "old": old, "cancelled": cancelled}


@pytest.fixture
def published_finding(area, finding):
    return PublishedFinding.objects.create(
        area=area,
        finding=finding,
        plain_title="Making EHC plans on time",
        plain_summary="Families waited too long for their plans. We need to make plans faster.",
        is_published=True,
    )


@pytest.fixture
def page(area):
    return ProgressPage.objects.create(
        area=area,
        is_published=True,
        introduction="This page tells you how we are making help better.\n\nWe add to it every month.",
        how_to_get_involved="Tell us what is working for your family.",
        contact_email="send@example.org",
        contact_url="https://www.example.org/contact",
    )


@pytest.fixture
def sufficient_finding(inspection):
    return FindingFactory(inspection=inspection, reference="PA1", status=Finding.Status.SUFFICIENT_PROGRESS)
