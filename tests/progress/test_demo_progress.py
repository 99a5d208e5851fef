"""The demo's public progress page: published, with plain words for each 2024 finding and five key numbers."""

from __future__ import annotations

import pytest
from django.urls import reverse
from django.utils import timezone

from sendhub.accounts.models import User
from sendhub.demo import lancashire
from sendhub.demo import progress as demo_progress
from sendhub.progress.models import ProgressPage, PublishedFinding, PublishedMeasure
from sendhub.progress.wording import hint_for

pytestmark = pytest.mark.django_db


def test_demo_publishes_plain_words_for_every_2024_finding_and_five_numbers(client_for):
    today = timezone.localdate()
    area = lancashire.build(today).area
    admin = User.objects.get(email=lancashire.ADMIN_EMAIL)

    counts = demo_progress.build(area, today, admin)

    assert counts == {"published findings": 5, "key numbers": 5}
    words = PublishedFinding.objects.filter(area=area).select_related("finding__inspection")
    assert {w.finding.reference for w in words} == set(lancashire.FINDINGS_2024)
    assert {w.finding.inspection.start_date.year for w in words} == {2024}
    assert ProgressPage.objects.get(area=area).history.first().history_user == admin
    assert set(PublishedMeasure.objects.filter(area=area).values_list("measure", flat=True)) == set(
        demo_progress.MEASURE_WORDS
    )

    html = client_for().get(reverse("progress-public:index", args=[area.slug])).content.decode()
    for title, _summary in demo_progress.FINDING_WORDS.values():
        assert title in html
    assert "What we have done recently" in html

    # Loading again rewrites the same words rather than adding more.
    assert demo_progress.build(area, today, admin) == counts
    assert PublishedFinding.objects.filter(area=area).count() == 5


@pytest.mark.parametrize(
    "text",
    [
        demo_progress.INTRODUCTION,
        demo_progress.HOW_TO_GET_INVOLVED,
        *(summary for _title, summary in demo_progress.FINDING_WORDS.values()),
    ],
)
def test_demo_words_read_easily(text):
    hint = hint_for(text)
    assert hint.is_easy, hint.messages
