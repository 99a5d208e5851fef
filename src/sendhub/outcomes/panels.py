"""The success measures of a finding or an action, as panels on improvement's pages (see improvement/panels.py)."""

from __future__ import annotations

from django.urls import reverse

from sendhub.accounts.models import LocalArea
from sendhub.improvement.models import Action, Finding
from sendhub.outcomes import success

TEMPLATE = "outcomes/_success_measures.html"


def finding_success_measures(area: LocalArea, finding: Finding) -> dict:
    return {
        "measures": success.statuses(area, finding=finding),
        "create_url": reverse("outcomes:finding-success-measure-create", args=[area.slug, finding.pk]),
    }


def action_success_measures(area: LocalArea, action: Action) -> dict:
    return {
        "measures": success.statuses(area, action=action),
        "create_url": reverse("outcomes:action-success-measure-create", args=[area.slug, action.pk]),
    }
