"""The History table names the objects a many-to-many change linked and unlinked, not the row's own id."""

from __future__ import annotations

import pytest

from sendhub.web.history import entries_for
from tests.factories import ActionFactory, FindingFactory

pytestmark = pytest.mark.django_db


def test_linked_findings_are_named_by_their_own_ids():
    first = FindingFactory(title="Waiting times for autism assessment")
    area = first.area
    # Ids chosen apart (finding 1 and 5, action 3) so a label read from the wrong end of the link shows.
    FindingFactory.create_batch(3, inspection=first.inspection)
    second = FindingFactory(inspection=first.inspection, title="Transitions to adulthood")
    ActionFactory.create_batch(2, area=area)
    action = ActionFactory(area=area)
    action.findings.set([first])
    assert action.pk != first.pk and action.pk != second.pk

    action.findings.set([second])

    changes = [c for entry in entries_for(action) for c in entry.changes if c.field == "Findings"]
    assert changes, "the change of finding is in the history"
    # set() unlinks then links, so the newest entry adds the second finding and an earlier one drops the first.
    assert changes[0].new == str(second)
    assert any(c.old == str(first) and c.new == "" for c in changes[1:])
