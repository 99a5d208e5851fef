"""The sufficiency forecast where partners and families already look: the monitoring pack and the public progress
page (the forecasting pages themselves are tested in test_views.py)."""

from __future__ import annotations

from datetime import date

from django.urls import reverse
from django.utils import timezone

from sendhub.progress.models import ProgressPage
from sendhub.reports.asat import build_content


def _content(area):
    today = timezone.localdate()
    return build_content(area, period_start=date(today.year, 1, 1), period_end=today, as_at=today)


def test_the_pack_records_the_forecast_it_was_drafted_with(release, area):
    sufficiency = _content(area)["sufficiency"]
    assert sufficiency["sentences"][0].startswith("We expect about")
    assert "more children and young people to need a special school place" in sufficiency["sentences"][0]
    assert sufficiency["origin"] < sufficiency["year"]
    assert sufficiency["made_on"] == timezone.localdate().isoformat()


def test_without_a_release_the_pack_has_no_forecast(area):
    assert _content(area)["sufficiency"] is None


def test_the_public_progress_page_gives_the_forecast_and_the_way_to_the_full_page(release, area, client_for):
    ProgressPage.objects.create(area=area, introduction="Hello.", how_to_get_involved="Tell us.", is_published=True)
    html = client_for().get(reverse("progress-public:index", args=[area.slug])).content.decode()
    section = html.split('id="school-places"', 1)[1].split("<h2", 1)[0]
    assert "We expect about" in section
    assert reverse("sufficiency-public:index", args=[area.slug]) in section


def test_the_public_progress_page_without_a_forecast_still_links_to_the_planning_page(area, client_for):
    ProgressPage.objects.create(area=area, introduction="Hello.", how_to_get_involved="Tell us.", is_published=True)
    html = client_for().get(reverse("progress-public:index", args=[area.slug])).content.decode()
    section = html.split('id="school-places"', 1)[1].split("<h2", 1)[0]
    assert "We expect about" not in section
    assert reverse("sufficiency-public:index", args=[area.slug]) in section
