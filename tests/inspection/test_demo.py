"""The demo's inspection readiness: the real history's plans and clocks, the monitoring inspection scheduled, a
filled-in self-evaluation whose readiness view flags exactly the two deliberately stale items."""

from __future__ import annotations

from datetime import date

import pytest
from django.urls import reverse
from django.utils import timezone

from sendhub.demo import governance as demo_governance
from sendhub.demo import inspection as demo_inspection
from sendhub.demo import lancashire
from sendhub.inspection import selectors
from sendhub.inspection.models import ExpectedActivity, RequiredPlan, SelfEvaluation

pytestmark = pytest.mark.django_db


def test_the_demo_shows_the_history_plans_and_a_self_evaluation(client_for):
    today = timezone.localdate()
    area = lancashire.build(today).area
    admin = area.memberships.get(user__email=lancashire.ADMIN_EMAIL).user
    demo_governance.build(area, today, admin)
    counts = demo_inspection.build(area, today, admin)

    plans = {p.kind: p for p in RequiredPlan.objects.filter(area=area)}
    assert set(plans) == {"wsoa", "app", "pap", "strategic"}
    assert plans["pap"].due_date == date(2025, 3, 28) and plans["pap"].clock(today) == "Submitted"
    monitoring = ExpectedActivity.objects.get(area=area, kind="monitoring")
    assert monitoring.scheduled_for > today
    assert ExpectedActivity.objects.get(area=area, kind="revisit").held_as.start_date == date(2020, 3, 2)

    sef = SelfEvaluation.objects.get(area=area)
    rows = selectors.self_evaluation_view(sef, today)
    assert all(r.entry.grade and r.entry.reasoning for r in rows)
    stale = [item.label for r in rows for item in r.readiness.stale]
    assert len(stale) == 2, stale
    assert counts["evidence links"] >= 11

    page = client_for(admin).get(reverse("inspection:overview", args=[area.slug])).content.decode()
    assert "Revisit, March 2020" in page and "Monitoring inspection" in page
