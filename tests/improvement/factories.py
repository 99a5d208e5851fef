"""factory_boy factories for the improvement app: inspections, findings, judgements, actions and their updates."""

from __future__ import annotations

from datetime import date, timedelta

import factory
from factory.django import DjangoModelFactory

from sendhub.improvement.models import (
    Action,
    Comment,
    Evidence,
    Finding,
    Framework,
    Inspection,
    Judgement,
    Milestone,
    ProgressUpdate,
)
from tests.accounts.factories import LocalAreaFactory, OrganisationFactory, UserFactory


class InspectionFactory(DjangoModelFactory):
    class Meta:
        model = Inspection

    area = factory.SubFactory(LocalAreaFactory)
    framework = Framework.F2023
    kind = Inspection.Kind.FULL
    start_date = date(2024, 3, 4)
    end_date = date(2024, 3, 8)
    published_date = date(2024, 5, 1)
    outcome = Inspection.Outcome.SYSTEMIC_FAILINGS
    summary = "The local area partnership's arrangements need to improve."


class FindingFactory(DjangoModelFactory):
    class Meta:
        model = Finding

    inspection = factory.SubFactory(InspectionFactory)
    area = factory.SelfAttribute("inspection.area")
    kind = Finding.Kind.PRIORITY_ACTION
    reference = factory.Sequence(lambda n: f"PA{n}")
    title = factory.Sequence(lambda n: f"Leaders should improve area {n}")
    text = "Leaders across the partnership should improve the timeliness of EHC plans."
    theme = Finding.Theme.EHC_PLANS


class JudgementFactory(DjangoModelFactory):
    class Meta:
        model = Judgement

    finding = factory.SubFactory(FindingFactory)
    inspection = factory.SubFactory(
        InspectionFactory,
        area=factory.SelfAttribute("..finding.area"),
        kind=Inspection.Kind.REVISIT,
        start_date=date(2025, 6, 2),
        end_date=date(2025, 6, 4),
    )
    outcome = Judgement.Outcome.SUFFICIENT_PROGRESS
    judged_on = date(2025, 6, 4)
    text = ""


class ActionFactory(DjangoModelFactory):
    class Meta:
        model = Action
        skip_postgeneration_save = True

    area = factory.SubFactory(LocalAreaFactory)
    reference = factory.Sequence(lambda n: f"A{n}")
    title = factory.Sequence(lambda n: f"Reduce waiting times {n}")
    description = ""
    owner = factory.SubFactory(OrganisationFactory, area=factory.SelfAttribute("..area"))
    lead = None
    start_date = factory.LazyFunction(lambda: date.today() - timedelta(days=30))
    due_date = factory.LazyFunction(lambda: date.today() + timedelta(days=90))
    status = Action.Status.IN_PROGRESS
    rag = Action.Rag.ON_TRACK

    @factory.post_generation
    def findings(obj, create, extracted, **kwargs):
        if create and extracted:
            obj.findings.set(extracted)


class MilestoneFactory(DjangoModelFactory):
    class Meta:
        model = Milestone

    action = factory.SubFactory(ActionFactory)
    title = factory.Sequence(lambda n: f"Milestone {n}")
    due_date = factory.LazyFunction(lambda: date.today() + timedelta(days=30))
    completed_on = None


class ProgressUpdateFactory(DjangoModelFactory):
    class Meta:
        model = ProgressUpdate

    action = factory.SubFactory(ActionFactory)
    author = factory.SubFactory(UserFactory)
    commentary = "Recruited two more EHC plan writers."
    rag = Action.Rag.ON_TRACK
    rag_reason = ""
    status = Action.Status.IN_PROGRESS


class EvidenceFactory(DjangoModelFactory):
    class Meta:
        model = Evidence

    action = factory.SubFactory(ActionFactory)
    update = None
    title = factory.Sequence(lambda n: f"Board minutes {n}")
    url = factory.Sequence(lambda n: f"https://example.org/evidence/{n}")
    added_by = factory.SubFactory(UserFactory)


class CommentFactory(DjangoModelFactory):
    class Meta:
        model = Comment

    action = factory.SubFactory(ActionFactory)
    author = factory.SubFactory(UserFactory)
    text = "The forum would like to see the new pathway before it starts."
