"""The public page "How we are improving SEND in <area>": no sign-in, 404 until published, plain words, finding
statuses, recent work (titles and dates only), key numbers beside England's, "You said, we did"."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from django.urls import reverse
from django.utils import dateformat, timezone

from sendhub.improvement.models import Action, Finding
from sendhub.outcomes.models import DfeRelease, DfeValue, MeasureValue, Sen2Return
from sendhub.progress import selectors
from sendhub.progress.models import ProgressPage, PublishedFinding, PublishedMeasure
from sendhub.voice.models import YouSaidWeDid
from tests.factories import ActionFactory, FindingFactory, ProgressUpdateFactory
from tests.progress.conftest import days_ago

pytestmark = pytest.mark.django_db


def public_url(area) -> str:
    return reverse("progress-public:index", args=[area.slug])


def day(days_ago: int) -> str:
    return dateformat.format(timezone.localdate() - timedelta(days=days_ago), "j F Y")


def test_not_found_until_the_area_publishes_its_page(area, other_area, client_for):
    anonymous = client_for()
    assert anonymous.get(public_url(area)).status_code == 404  # no page yet

    page = ProgressPage.objects.create(area=area, introduction="Hello.", how_to_get_involved="Tell us.")
    assert anonymous.get(public_url(area)).status_code == 404  # written, not published

    ProgressPage.objects.create(area=other_area, introduction="Hi.", how_to_get_involved="Tell us.", is_published=True)
    assert anonymous.get(public_url(area)).status_code == 404  # another area's page changes nothing here

    page.is_published = True
    page.save()
    response = anonymous.get(public_url(area))
    assert response.status_code == 200
    assert "How we are improving SEND in Lancashire" in response.content.decode()
    assert client_for().get(reverse("progress-public:index", args=["nowhere"])).status_code == 404


def test_finding_in_plain_words_with_status_and_recent_work(area, page, plan, published_finding, client_for):
    html = client_for().get(public_url(area)).content.decode()

    assert "This page tells you how we are making help better." in html and "We add to it every month." in html
    assert "Making EHC plans on time" in html
    assert "Families waited too long for their plans." in html
    assert "We are working on this" in html
    assert "Inspectors told us about this in December 2024." in html
    # A1 is finished, A2 and A3 are not; the cancelled A4 does not count.
    assert "We have finished 1 of the 3 jobs in our plan for this." in html
    assert "Recruit more EHC plan writers" in html and f"finished, {day(20)}" in html
    assert "Clear the backlog of annual reviews" in html and f"updated, {day(40)}" in html
    assert "Train every SENCO" not in html  # last touched 8 months ago
    assert "Buy a new case system" not in html  # cancelled
    # The official wording and the report's text stay on the staff pages.
    assert published_finding.finding.title not in html and published_finding.finding.text not in html
    assert f"Last updated: {day(0)}" in html


def test_finished_work_is_kept_when_there_is_more_than_the_page_lists(area, la_org, page, finding, published_finding,
                                                                       client_for):
    for n in range(selectors.RECENT_PER_FINDING + 2):
        action = ActionFactory(area=area, owner=la_org, title=f"Busy action {n}", findings=[finding])
        ProgressUpdateFactory(action=action, created_at=days_ago(n + 1))
    done = ActionFactory(
        area=area, owner=la_org, title="An action finished a while ago", findings=[finding],
        status=Action.Status.COMPLETE,
    )
    ProgressUpdateFactory(action=done, created_at=days_ago(90), status=Action.Status.COMPLETE)

    html = client_for().get(public_url(area)).content.decode()

    assert "An action finished a while ago" in html and f"finished, {day(90)}" in html
    assert html.count("Busy action") == selectors.RECENT_PER_FINDING - 1


def test_written_words_replace_the_list_and_unpublished_findings_are_not_shown(
    area, page, plan, published_finding, inspection, client_for
):
    published_finding.what_we_have_done = "We hired 12 new plan writers.\n\nPlans now take 16 weeks."
    published_finding.save()
    hidden = FindingFactory(inspection=inspection, reference="AFI9")
    PublishedFinding.objects.create(
        area=area, finding=hidden, plain_title="A finding still being written", plain_summary="Draft words."
    )

    html = client_for().get(public_url(area)).content.decode()

    assert "We hired 12 new plan writers." in html and "Plans now take 16 weeks." in html
    assert "Recruit more EHC plan writers" not in html
    assert "A finding still being written" not in html


@pytest.mark.parametrize(
    ("status", "done", "total", "words"),
    [
        (Finding.Status.SUFFICIENT_PROGRESS, 0, 3, "Inspectors said we have made enough progress"),
        (Finding.Status.NOT_SUFFICIENT_PROGRESS, 3, 3, "Inspectors said we need to do more"),
        (Finding.Status.SUPERSEDED, 1, 3, "This is now part of a newer inspection finding"),
        (Finding.Status.OPEN, 0, 0, "We are planning what to do"),
        (Finding.Status.OPEN, 1, 3, "We are working on this"),
        (Finding.Status.OPEN, 3, 3, "We have finished the work we planned. Inspectors will check it"),
    ],
)
def test_status_in_plain_words(status, done, total, words):
    assert selectors.status_words(status, done, total).words.startswith(words)


def test_judged_finding_shows_the_inspectors_view(area, page, sufficient_finding, client_for):
    PublishedFinding.objects.create(
        area=area, finding=sufficient_finding, plain_title="Leaders working together", plain_summary="Better now.",
        is_published=True,
    )

    html = client_for().get(public_url(area)).content.decode()

    assert "Leaders working together" in html and "Inspectors said we have made enough progress" in html
    assert "We are planning what to do" not in html


@pytest.mark.parametrize(
    ("today", "expected"),
    [
        (date(2026, 8, 31), date(2026, 2, 28)),
        (date(2024, 8, 31), date(2024, 2, 29)),
        (date(2026, 3, 15), date(2025, 9, 15)),
    ],
)
def test_six_months_before(today, expected):
    assert selectors.months_before(today, 6) == expected


def _timeliness(area):
    """SEN2 figures for 2023 and 2024 (the 2025 return's own year is partial), DfE's 2022 figure for the area
    and England's for 2023 and 2024."""
    sen2 = Sen2Return.objects.create(
        area=area, collection_year=2025, reference_date=date(2025, 1, 16), filename="sen2.xml", checksum="1" * 64
    )
    for period, value in (("2023", 40.0), ("2024", 17.3), ("2025", 55.0)):
        MeasureValue.objects.create(
            area=area, sen2_return=sen2, measure="PC_plans_issued_20_weeks_ex", period_kind="year", period=period,
            value=value,
        )
    release = DfeRelease.objects.create(filename="ehcp.zip", checksum="2" * 64, latest_year=2024)
    common = {"release": release, "source_file": "timeliness_20_week.csv", "measure": "PC_plans_issued_20_weeks_ex",
              "breakdown_topic": "Total", "breakdown": "Total"}
    DfeValue.objects.create(**common, time_period=2023, geographic_level="National", value=50.3)
    DfeValue.objects.create(**common, time_period=2024, geographic_level="National", value=46.4)
    DfeValue.objects.create(
        **common, time_period=2022, geographic_level="Local authority", old_la_code="888", new_la_code="E10000017",
        la_name="Lancashire", value=98.6,
    )


def test_key_numbers_with_england_and_a_chart_beside_a_table(area, page, client_for):
    _timeliness(area)
    PublishedMeasure.objects.create(
        area=area, measure="PC_plans_issued_20_weeks_ex", position=1,
        plain_explanation="How many new EHC plans we finished within 20 weeks",
    )
    PublishedMeasure.objects.create(
        area=area, measure="reviews_within_12_months_pc", position=2,
        plain_explanation="How many plans we checked within a year",
    )
    PublishedMeasure.objects.create(
        area=area, measure="ehcplans", is_published=False, plain_explanation="A number we are not showing yet"
    )

    html = client_for().get(public_url(area)).content.decode()

    assert "How many new EHC plans we finished within 20 weeks" in html
    assert "17.3%" in html and "in Lancashire, 2024" in html
    assert "England: 46.4% in 2024." in html
    assert "55.0%" not in html  # 2025 is only the return's first weeks
    assert "98.6%" in html  # DfE's published figure fills the year before the SEN2 figures
    assert 'role="img"' in html and "<table" in html
    assert "Official name: New EHC plans issued within 20 weeks (%)" in html
    assert "How many plans we checked within a year" in html and "We do not have this number yet." in html
    assert "A number we are not showing yet" not in html


def test_you_said_we_did_published_only_and_ways_to_get_involved(area, page, client_for):
    YouSaidWeDid.objects.create(
        area=area, you_said="Forms were too long.", we_did="We made them shorter.", is_published=True,
        published_on=date(2026, 1, 5),
    )
    YouSaidWeDid.objects.create(area=area, you_said="A draft entry.", we_did="Not yet.")

    html = client_for().get(public_url(area)).content.decode()

    assert "Forms were too long." in html and "We made them shorter." in html and "Added 5 January 2026" in html
    assert "A draft entry." not in html
    assert reverse("you-said-we-did:index", args=[area.slug]) in html
    assert "Tell us what is working for your family." in html
    assert f'href="{reverse("voice-public:index", args=[area.slug])}"' in html
    assert 'href="mailto:send@example.org"' in html and 'href="https://www.example.org/contact"' in html


def test_empty_published_page_says_so_plainly(area, page, client_for):
    html = client_for().get(public_url(area)).content.decode()

    assert "We have not added anything here yet." in html and "We have not added any numbers yet." in html


def test_preview_shows_an_unpublished_page_to_administrators_only(area, admin_user, viewer_user, plan, finding,
                                                                  client_for):
    ProgressPage.objects.create(area=area, introduction="Draft introduction.", how_to_get_involved="Tell us.")
    PublishedFinding.objects.create(
        area=area, finding=finding, plain_title="Making EHC plans on time", plain_summary="Plans were late.",
        is_published=True,
    )
    preview = reverse("progress:preview", args=[area.slug])

    html = client_for(admin_user).get(preview).content.decode()

    assert "This page is not published. Only administrators can see this preview." in html
    assert "Draft introduction." in html and "Making EHC plans on time" in html
    assert client_for(viewer_user).get(preview).status_code == 403
    assert client_for().get(public_url(area)).status_code == 404


def test_preview_works_before_anything_is_written(area, admin_user, client_for):
    response = client_for(admin_user).get(reverse("progress:preview", args=[area.slug]))

    assert response.status_code == 200 and "This page is not published." in response.content.decode()


def test_the_page_is_built_once_for_a_burst_of_visitors_and_rebuilt_when_its_words_change(
    area, page, plan, published_finding, client_for, django_assert_max_num_queries
):
    visitor = client_for(None)
    assert "Making EHC plans on time" in visitor.get(public_url(area)).content.decode()
    with django_assert_max_num_queries(4):  # the area and the page; the rest is cached
        assert visitor.get(public_url(area)).status_code == 200

    published_finding.plain_title = "Plans made on time"
    published_finding.save()

    html = visitor.get(public_url(area)).content.decode()
    assert "Plans made on time" in html and "Making EHC plans on time" not in html
