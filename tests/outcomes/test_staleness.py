"""Pages built on an old SEN2 return say so at the top, with the return's date, and label their headline counts
"as at" that date. The boundary is tested on the day itself and one day either side (a planted date-boundary bug
once survived a test that only looked far from it)."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from bs4 import BeautifulSoup
from django.urls import reverse
from django.utils import timezone

from sendhub.outcomes.deadlines import LIVE_FOR_DAYS
from sendhub.outcomes.selectors import return_age
from tests.outcomes.factories_sen2 import Sen2ReturnFactory

DAY = timedelta(days=1)
REFERENCE = date(2026, 1, 15)


@pytest.mark.parametrize(("days", "stale"), [(LIVE_FOR_DAYS - 1, False), (LIVE_FOR_DAYS, False),
                                             (LIVE_FOR_DAYS + 1, True), (0, False), (323, True)])
def test_a_return_is_stale_only_after_the_boundary_day(days, stale):
    sen2_return = Sen2ReturnFactory.build(collection_year=2026, reference_date=REFERENCE)
    age = return_age(sen2_return, REFERENCE + days * DAY)
    assert (age.days, age.is_stale) == (days, stale)


def test_no_return_has_no_age():
    assert return_age(None, REFERENCE) is None


def test_the_age_in_months_reads_naturally():
    sen2_return = Sen2ReturnFactory.build(collection_year=2026, reference_date=REFERENCE)
    assert return_age(sen2_return, date(2026, 12, 4)).months == 11


def banner(response) -> str | None:
    found = BeautifulSoup(response.content, "html.parser").select_one("#stale-return")
    return " ".join(found.get_text(" ").split()) if found else None


@pytest.mark.parametrize("page", ["outcomes:dashboard", "outcomes:deadlines"])
@pytest.mark.parametrize(("days", "stale"), [(LIVE_FOR_DAYS - 1, False), (LIVE_FOR_DAYS, False),
                                             (LIVE_FOR_DAYS + 1, True)])
def test_both_pages_say_so_at_the_top_on_the_right_side_of_the_boundary(client_for, admin_user, area, page, days,
                                                                        stale):
    today = timezone.localdate()
    reference = today - days * DAY
    Sen2ReturnFactory(area=area, collection_year=reference.year, reference_date=reference)
    response = client_for(admin_user).get(reverse(page, args=[area.slug]))

    assert response.status_code == 200
    text = banner(response)
    if not stale:
        assert text is None
        return
    long_date = f"{reference.day} {reference:%B %Y}"
    assert text and "These figures are not current" in text and f"reference date of {long_date}" in text
    html = response.content.decode()
    assert html.index('id="stale-return"') < html.index("<h2")  # at the top: before the page's first section


def test_headline_counts_are_labelled_as_at_the_date_they_are_counted(client_for, admin_user, area):
    today = timezone.localdate()
    reference = today - (LIVE_FOR_DAYS + 200) * DAY
    Sen2ReturnFactory(area=area, collection_year=reference.year, reference_date=reference)
    long_date = f"{reference.day} {reference:%B %Y}"
    client = client_for(admin_user)

    tracker = BeautifulSoup(client.get(reverse("outcomes:deadlines", args=[area.slug])).content, "html.parser")
    captions = [" ".join(c.get_text(" ").split()) for c in tracker.select("caption")]
    assert f"Deadlines at risk, as at {long_date}" in captions
    assert f"By kind of deadline, as at {long_date}" in captions
