"""The generated PDF reads as checked: UK long dates, thousands separators, counts as whole numbers, verbs that
agree with their count, acronyms kept, plan counts that match the dashboard's, and no last page holding a lone
"Generated" row. Also: the draft page and its PDF are made once per version of the pack (cached)."""

from __future__ import annotations

import io
import re
from datetime import timedelta

import pypdf
import pytest
from django.urls import reverse
from django.utils import timezone

from sendhub.improvement import selectors as plan_selectors
from sendhub.improvement.models import Action
from sendhub.reports import asat, render, services
from sendhub.reports.models import MonitoringReport
from tests.factories import ActionFactory, ProgressUpdateFactory
from tests.reports.conftest import backdate, moment

ISO_DATE = re.compile(r"\b\d{4}-\d{2}-\d{2}\b")


@pytest.fixture
def completed(plan, as_at, admin_user):
    """A2 completed in the period: one action of two completed."""
    update = ProgressUpdateFactory(action=plan["late"], author=admin_user, status=Action.Status.COMPLETE,
                                   rag=Action.Rag.ON_TRACK, created_at=moment(as_at - timedelta(days=3)))
    backdate(update, as_at - timedelta(days=3))
    return update


def pdf_pages(report, content) -> list[str]:
    reader = pypdf.PdfReader(io.BytesIO(render.render_pdf(report, content)))
    return [" ".join((page.extract_text() or "").split()) for page in reader.pages]


def test_the_pdf_text_follows_the_wording_rules(area, plan, as_at, admin_user, completed):
    content = asat.build_content(area, period_start=plan["start"], period_end=as_at, as_at=as_at)
    # A big figure and a count stored as a float, as SEN2 measures are, to check separators and whole numbers.
    content["summary"]["measures_moved"] = [{
        "measure": "plans_issued_den", "title": "New EHC plans issued", "unit": "count", "from_period": "2024",
        "from": 1750.0, "to_period": "2025", "to": 2104.0, "change": 354.0, "size": 20.2, "improved": None,
    }]
    report = MonitoringReport(area=area, title="Autumn stocktake", period_start=plan["start"], period_end=as_at,
                              as_at=as_at, executive_summary=asat.draft_summary(content))
    pages = pdf_pages(report, content)
    text = " ".join(pages)

    assert "1 of the plan's 2 actions was completed" in text
    assert "new EHC plans issued went up 354 (2024: 1,750; 2025: 2,104)" in text
    assert "1,750 (2024)" in text and "+354" in text  # the "moved most" table
    assert "1750" not in text and "1750.0" not in text and not re.search(r"\b\d+\.0\b(?!%)", text)
    assert "ehc" not in text
    long_as_at = f"{as_at.day} {as_at:%B %Y}"
    assert f"as at {long_as_at}" in text
    assert not ISO_DATE.findall(text), ISO_DATE.findall(text)[:5]
    # The sign-off block is kept together: "Generated" is never alone on the last page.
    last = pages[-1]
    assert "Generated" in last and "Sent for review by" in last and "Signed off by" in last


def test_the_pack_and_the_dashboard_count_the_plan_the_same_way(area, plan, admin_user, la_org):
    today = timezone.localdate()
    ActionFactory(area=area, owner=la_org, reference="A3", start_date=today - timedelta(days=30),
                  due_date=today + timedelta(days=30), findings=[plan["finding"]], status=Action.Status.CANCELLED)
    content = asat.build_content(area, period_start=plan["start"], period_end=today, as_at=today)
    dashboard = plan_selectors.dashboard(area, today)

    assert content["summary"]["actions_total"] == dashboard.total_actions == 3
    assert content["summary"]["actions_overdue"] == dashboard.overdue_count
    assert content["summary"]["actions_open"] == sum(dashboard.rag_counts.values())
    draft = asat.draft_summary(content)
    assert f"of the plan's {dashboard.total_actions} actions" in draft


def test_the_draft_page_and_pdf_are_made_once_per_version(client_for, area, plan, as_at, admin_user, monkeypatch):
    report = services.create_draft(area=area, title="Pack", period_start=plan["start"], period_end=as_at,
                                   as_at=as_at, created_by=admin_user)
    calls = {"content": 0, "pdf": 0}
    build, make_pdf = asat.build_content, render.render_pdf

    def counting_build(*args, **kwargs):
        calls["content"] += 1
        return build(*args, **kwargs)

    def counting_pdf(*args, **kwargs):
        calls["pdf"] += 1
        return make_pdf(*args, **kwargs)

    monkeypatch.setattr(asat, "build_content", counting_build)
    monkeypatch.setattr(render, "render_pdf", counting_pdf)
    client = client_for(admin_user)
    page = reverse("reports:report-detail", args=[area.slug, report.pk])
    pdf = reverse("reports:report-pdf", args=[area.slug, report.pk])

    for _ in range(3):
        assert "Recruit EHC plan writers" in client.get(page).content.decode()
    assert calls["content"] == 1
    assert client.get(pdf).content == client.get(pdf).content and calls == {"content": 1, "pdf": 1}

    report.executive_summary = "Rewritten by the administrator."
    services.save_draft(report=report, expected_version=report.version, changed_by=admin_user)
    assert "Rewritten by the administrator." in client.get(page).content.decode()
    client.get(pdf)
    assert calls == {"content": 2, "pdf": 2}
