"""Improvement plan models: what counts as open, overdue and missed, and the rules the database enforces."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from django.core.files.base import ContentFile
from django.db import IntegrityError, transaction
from django.utils import timezone

from sendhub.improvement.models import Action, Evidence
from tests.factories import (
    ActionFactory,
    CommentFactory,
    EvidenceFactory,
    FindingFactory,
    InspectionFactory,
    JudgementFactory,
    MilestoneFactory,
    ProgressUpdateFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db

TODAY = date(2025, 3, 10)


def make(area, owner, reference, status, due):
    return ActionFactory(
        area=area, owner=owner, reference=reference, status=status, start_date=due - timedelta(days=60), due_date=due
    )


@pytest.fixture
def plan(area, la_org):
    """One action of each status, due before, on and after TODAY."""
    yesterday, tomorrow = TODAY - timedelta(days=1), TODAY + timedelta(days=1)
    return {
        "late": make(area, la_org, "A1", Action.Status.IN_PROGRESS, yesterday),
        "late_not_started": make(area, la_org, "A2", Action.Status.NOT_STARTED, yesterday),
        "late_complete": make(area, la_org, "A3", Action.Status.COMPLETE, yesterday),
        "late_cancelled": make(area, la_org, "A4", Action.Status.CANCELLED, yesterday),
        "due_today": make(area, la_org, "A5", Action.Status.IN_PROGRESS, TODAY),
        "future": make(area, la_org, "A6", Action.Status.NOT_STARTED, tomorrow),
    }


def refs(queryset) -> set[str]:
    return set(queryset.values_list("reference", flat=True))


def test_open_excludes_complete_and_cancelled(plan):
    assert refs(Action.objects.open()) == {"A1", "A2", "A5", "A6"}


def test_overdue_is_open_and_due_before_today(plan):
    assert refs(Action.objects.overdue(today=TODAY)) == {"A1", "A2"}


def test_overdue_defaults_to_todays_date(area, la_org):
    today = timezone.localdate()
    make(area, la_org, "A1", Action.Status.IN_PROGRESS, today - timedelta(days=1))
    make(area, la_org, "A2", Action.Status.IN_PROGRESS, today)

    assert refs(Action.objects.overdue()) == {"A1"}


def test_overdue_chains_with_other_filters(plan, other_area):
    ActionFactory(area=other_area, reference="A1", due_date=TODAY - timedelta(days=1), start_date=TODAY - timedelta(60))

    assert refs(Action.objects.filter(area=plan["late"].area).overdue(today=TODAY)) == {"A1", "A2"}
    assert Action.objects.overdue(today=TODAY).count() == 3


@pytest.mark.parametrize(
    ("status", "days_from_today", "overdue"),
    [
        (Action.Status.IN_PROGRESS, -1, True),
        (Action.Status.NOT_STARTED, -30, True),
        (Action.Status.IN_PROGRESS, 0, False),
        (Action.Status.IN_PROGRESS, 1, False),
        (Action.Status.COMPLETE, -1, False),
        (Action.Status.CANCELLED, -1, False),
    ],
)
def test_action_is_overdue(status, days_from_today, overdue):
    due = timezone.localdate() + timedelta(days=days_from_today)
    action = ActionFactory.build(status=status, start_date=due - timedelta(days=90), due_date=due)

    assert action.is_overdue is overdue


@pytest.mark.parametrize(
    ("days_from_today", "completed", "missed"),
    [(-1, False, True), (-1, True, False), (0, False, False), (5, False, False), (5, True, False)],
)
def test_milestone_is_missed(days_from_today, completed, missed):
    today = timezone.localdate()
    milestone = MilestoneFactory.build(
        due_date=today + timedelta(days=days_from_today), completed_on=today if completed else None
    )

    assert milestone.is_missed is missed


def test_an_action_cannot_be_due_before_it_starts(area, la_org):
    with pytest.raises(IntegrityError), transaction.atomic():
        ActionFactory(area=area, owner=la_org, start_date=date(2025, 5, 1), due_date=date(2025, 4, 30))


def test_an_action_may_be_due_the_day_it_starts(area, la_org):
    ActionFactory(area=area, owner=la_org, start_date=date(2025, 5, 1), due_date=date(2025, 5, 1))


def test_action_references_are_unique_within_an_area(area, other_area, la_org):
    ActionFactory(area=area, owner=la_org, reference="A1")
    ActionFactory(area=other_area, reference="A1")
    with pytest.raises(IntegrityError), transaction.atomic():
        ActionFactory(area=area, owner=la_org, reference="A1")


@pytest.fixture
def action(area, la_org):
    return ActionFactory(area=area, owner=la_org)


def test_evidence_may_be_a_link(action):
    evidence = EvidenceFactory(action=action)
    assert not evidence.is_file


def test_evidence_may_be_a_file(action):
    evidence = EvidenceFactory.build(action=action, url="", added_by=UserFactory())
    evidence.file.save("minutes.pdf", ContentFile(b"%PDF-1.4\n"), save=True)
    assert Evidence.objects.get().is_file


def test_evidence_cannot_be_both_a_file_and_a_link(action):
    evidence = EvidenceFactory.build(action=action, url="https://example.org/x", added_by=UserFactory())
    with pytest.raises(IntegrityError), transaction.atomic():
        evidence.file.save("minutes.pdf", ContentFile(b"%PDF-1.4\n"), save=True)


def test_evidence_cannot_be_neither_a_file_nor_a_link(action):
    with pytest.raises(IntegrityError), transaction.atomic():
        EvidenceFactory(action=action, url="")


def test_finding_references_are_unique_within_an_inspection(area):
    inspection = InspectionFactory(area=area)
    FindingFactory(inspection=inspection, reference="PA1")
    FindingFactory(inspection=InspectionFactory(area=area), reference="PA1")
    with pytest.raises(IntegrityError), transaction.atomic():
        FindingFactory(inspection=inspection, reference="PA1")


def test_one_judgement_per_finding_per_inspection(area):
    judgement = JudgementFactory(finding=FindingFactory(inspection=InspectionFactory(area=area)))
    with pytest.raises(IntegrityError), transaction.atomic():
        JudgementFactory(finding=judgement.finding, inspection=judgement.inspection)


def test_every_factory_makes_a_valid_object_in_one_area(area, la_org):
    action = ActionFactory(area=area, owner=la_org)
    finding = FindingFactory(inspection=InspectionFactory(area=area))
    judgement = JudgementFactory(finding=finding)
    objects = [
        action,
        finding,
        judgement,
        MilestoneFactory(action=action),
        ProgressUpdateFactory(action=action),
        EvidenceFactory(action=action),
        CommentFactory(action=action),
    ]
    for obj in objects:
        obj.full_clean()
    assert judgement.inspection.area == finding.area == area
    standalone = ActionFactory()
    assert standalone.owner.area == standalone.area
