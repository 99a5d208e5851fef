"""factory_boy factories for the board's models (the shared tests/factories.py belongs to the plan's apps)."""

from __future__ import annotations

from datetime import date

import factory
from django.core.files.base import ContentFile
from factory.django import DjangoModelFactory

from sendhub.governance.models import ActionArising, AgendaItem, Board, Decision, Meeting, Paper
from tests.factories import LocalAreaFactory, OrganisationFactory, UserFactory

PDF = b"%PDF-1.4\n1 0 obj<</Type/Catalog>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n"


class BoardFactory(DjangoModelFactory):
    class Meta:
        model = Board
        django_get_or_create = ("area",)  # one board per area

    area = factory.SubFactory(LocalAreaFactory)
    name = "SEND Partnership Board"
    terms_of_reference = "The board meets every two months to oversee the improvement plan."


class MeetingFactory(DjangoModelFactory):
    class Meta:
        model = Meeting

    board = factory.SubFactory(BoardFactory)
    held_on = factory.Sequence(lambda n: date(2025, 1, 1).replace(day=1 + n % 28, month=1 + (n // 28) % 12))
    location = "County Hall, Preston"
    status = Meeting.Status.HELD


class AgendaItemFactory(DjangoModelFactory):
    class Meta:
        model = AgendaItem

    meeting = factory.SubFactory(MeetingFactory)
    position = factory.Sequence(lambda n: n + 1)
    title = factory.Sequence(lambda n: f"Agenda item {n}")


class DecisionFactory(DjangoModelFactory):
    class Meta:
        model = Decision

    meeting = factory.SubFactory(MeetingFactory)
    text = "The board agreed the revised delivery plan."
    decided_on = factory.SelfAttribute("meeting.held_on")


class ActionArisingFactory(DjangoModelFactory):
    class Meta:
        model = ActionArising

    meeting = factory.SubFactory(MeetingFactory)
    title = factory.Sequence(lambda n: f"Bring the waiting list report {n}")
    owner = factory.SubFactory(OrganisationFactory, area=factory.SelfAttribute("..meeting.board.area"))
    due_date = factory.LazyAttribute(lambda o: o.meeting.held_on.replace(year=o.meeting.held_on.year + 1))


class PaperFactory(DjangoModelFactory):
    """A stored PDF paper."""

    class Meta:
        model = Paper

    meeting = factory.SubFactory(MeetingFactory)
    title = factory.Sequence(lambda n: f"Data pack {n}")
    file = factory.LazyFunction(lambda: ContentFile(PDF, name="data-pack.pdf"))
    original_filename = "data-pack.pdf"
    content_type = "application/pdf"
    size_bytes = len(PDF)
    added_by = factory.SubFactory(UserFactory)
