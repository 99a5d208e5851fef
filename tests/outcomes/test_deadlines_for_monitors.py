"""Monitors (DfE, NHS England) see the deadline tracker's counts, which a stocktake needs, but not the child-level
rows, which only the partnership acts on (decision: /work/notes/decisions-journeys.md, "What monitors see")."""

from __future__ import annotations

import pytest
from django.urls import reverse

from tests.outcomes.test_views import imported, sen2_file  # noqa: F401 - fixtures

pytestmark = pytest.mark.django_db


def test_monitors_see_the_counts_but_not_the_childrens_rows(client_for, admin_user, monitor_user, area, imported):  # noqa: F811
    tracker = reverse("outcomes:deadlines", args=[area.slug])
    staff = client_for(admin_user).get(tracker)
    monitor = client_for(monitor_user).get(tracker, {"kind": "assessment", "page": "2"})

    assert staff.status_code == monitor.status_code == 200
    assert monitor.context["risk"].by_kind == staff.context["risk"].by_kind  # the same counts
    assert sum(staff.context["risk"].by_kind.values()) > 0
    assert staff.context["rows"] and "Deadlines, soonest first" in staff.content.decode()
    page = monitor.content.decode()
    assert "rows" not in monitor.context and "page_obj" not in monitor.context
    assert "Deadlines, soonest first" not in page and "monitors see the counts but not the children" in page
    for row, _days in staff.context["rows"]:
        assert row.reference not in page
