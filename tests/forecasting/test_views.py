"""The sufficiency pages through the test client (every page also passes the page check)."""

from __future__ import annotations

import io
import re

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from sendhub.accounts.models import AuditEvent
from sendhub.forecasting import scap, selectors
from sendhub.forecasting.models import SpecialistCapacity
from sendhub.forecasting.scenarios import ScenarioInputs
from sendhub.outcomes.models import StatisticalNeighbour
from tests.forecasting.factories import SpecialistCapacityFactory

PAGE = "/areas/lancashire/sufficiency/"


def table(html: str, table_id: str) -> list[list[str]]:
    body = html.split(f'id="{table_id}"', 1)[1].split("</table>", 1)[0]
    rows = re.findall(r"<tr[^>]*>(.*?)</tr>", body, flags=re.S)
    return [[re.sub(r"<[^>]+>", "", cell).strip() for cell in re.findall(r"<t[hd][^>]*>(.*?)</t[hd]>", row, re.S)]
            for row in rows]


def test_without_a_release_the_page_says_why(client_for, viewer_user):
    response = client_for(viewer_user).get(PAGE)
    assert response.status_code == 200
    assert "DfE&#x27;s release of EHC plan figures has not been imported yet" in response.content.decode()


def test_the_page_shows_the_forecast_with_intervals_and_the_gap(release, area, client_for, monitor_user):
    SpecialistCapacityFactory(area=area, year=2026, group="maintained_special", places=3000)
    response = client_for(monitor_user).get(PAGE)
    html = response.content.decode()
    data = selectors.sufficiency(area, ScenarioInputs())
    assert 'role="img"' in html and "80% interval" in html
    gap = table(html, "gap-table")
    assert gap[0] == ["January", "Children forecast", "Places recorded", "Places minus children"]
    first = data.state_funded_gap(data.baseline)[0]
    assert gap[1] == ["2026", f"{round(first.demand):,}", "3,000", f"{round(first.gap):,}"]
    assert "We expect about" in html
    # Monitors read; only administrators see the link to record places.
    assert reverse("forecasting:capacity", args=["lancashire"]) not in html


def test_a_scenario_changes_the_scenario_columns_only(release, client_for, viewer_user):
    client = client_for(viewer_user)
    baseline = table(client.get(PAGE).content.decode(), "scenario-table")
    scenario = table(client.get(PAGE, {"independent_per_year": "100"}).content.decode(), "scenario-table")
    assert len(baseline) == len(scenario) == 6
    for base_row, scen_row in zip(baseline[1:], scenario[1:], strict=True):
        assert base_row[5] == scen_row[5]  # independent: baseline column unchanged
        assert base_row[5] == base_row[6]  # no scenario: the scenario equals the baseline
    before = int(baseline[2][5].replace(",", ""))
    after = int(scenario[2][6].replace(",", ""))
    assert after == before - 200  # two years of 100 fewer each year


@pytest.mark.parametrize(
    "query, message",
    [
        ({"resourced_pct": "lots"}, "Enter the percentage as a whole number, for example 10"),
        ({"resourced_pct": "150"}, "The percentage must be 100 or less"),
        ({"independent_per_year": "-5"}, "The number of children must be 0 or more"),
    ],
)
def test_bad_scenario_input_gets_a_message_and_the_baseline(release, client_for, viewer_user, query, message):
    html = client_for(viewer_user).get(PAGE, query).content.decode()
    assert message in html and "govuk-error-summary" in html
    assert "Baseline (no scenario chosen)" in html


def test_administrators_record_places_and_see_them(release, area, client_for, admin_user):
    client = client_for(admin_user)
    url = reverse("forecasting:capacity", args=["lancashire"])
    response = client.post(url, {"year": "2026", "group": "resourced", "places": "450", "note": "Two new units"})
    assert response.status_code == 302
    row = SpecialistCapacity.objects.get(area=area)
    assert (row.year, row.group, row.places, row.recorded_by) == (2026, "resourced", 450, admin_user)
    assert row.history.get().history_user == admin_user
    assert "Two new units" in client.get(url).content.decode()

    response = client.post(url, {"year": "26", "group": "", "places": "many"})
    html = response.content.decode()
    assert response.status_code == 200
    for message in ("The year must be 2015 or later", "Choose the type of provision",
                    "Enter the number of places as a whole number, for example 120"):
        assert message in html
    assert SpecialistCapacity.objects.count() == 1


def test_the_scap_workbook_has_the_layout_and_the_forecast(release, area, client_for, viewer_user):
    SpecialistCapacityFactory(area=area, year=2026, group="maintained_special", places=3000)
    response = client_for(viewer_user).get(reverse("forecasting:scap-xlsx", args=["lancashire"]))
    assert response.status_code == 200
    assert response["Content-Disposition"] == 'attachment; filename="scap-specialist-forecast-lancashire-2025.xlsx"'
    book = load_workbook(io.BytesIO(response.content))
    assert book.sheetnames == [scap.FORECAST_SHEET, scap.INTERVAL_SHEET, scap.CAPACITY_SHEET, scap.NOTES_SHEET]
    sheet = book[scap.FORECAST_SHEET]
    rows = [list(r) for r in sheet.iter_rows(values_only=True)]
    assert rows[1] == ["Local authority", "Lancashire"] + [None] * 4
    header = next(r for r in rows if r[0] == "Type of provision")
    assert header == ["Type of provision", "2025/26 (January 2026)", "2026/27 (January 2027)", "2027/28 (January 2028)",
                      "2028/29 (January 2029)", "2029/30 (January 2030)"]
    data = selectors.sufficiency(area, ScenarioInputs())
    by_label = {r[0]: r[1:] for r in rows}
    for group, label in scap.SCAP_ROWS:
        assert by_label[label] == [round(data.baseline[group][y]) for y in range(2026, 2031)]
    assert by_label[scap.TOTAL_LABEL][0] == round(sum(data.baseline[g][2026] for g, _ in scap.SCAP_ROWS))
    capacity = [list(r) for r in book[scap.CAPACITY_SHEET].iter_rows(values_only=True)]
    first = next(r for r in capacity if r[0] == "2025/26")
    assert first[2] == 3000
    event = AuditEvent.objects.get(kind=AuditEvent.Kind.EXPORTED)
    assert (event.user, event.area, event.detail) == (viewer_user, area, {"format": "xlsx"})


def test_the_national_page_sorts_on_the_server_and_marks_neighbours(release, client_for, viewer_user):
    StatisticalNeighbour.objects.create(la_name="Lancashire", neighbour_name="Borough 03", rank=1)
    url = reverse("forecasting:national", args=["lancashire"])
    html = client_for(viewer_user).get(url, {"sort": "timeliness", "dir": "desc"}).content.decode()
    assert 'aria-sort="descending"' in html
    assert f'href="{url}?sort=timeliness&amp;dir=asc"' in html  # the current column's link reverses it
    assert f'href="{url}?sort=growth&amp;dir=desc"' in html
    names = re.findall(r'<th scope="row" class="govuk-table__header">(?:<strong>)?(?:<span[^>]*>)?([^<]+)<', html)
    assert names[0] == "Borough 11" and names[-1] == "Lancashire"  # 74% on time first, 17% last
    assert "Neighbour 1" in html and "This area" in html


def test_an_unknown_sort_says_so_and_sorts_by_name(release, client_for, viewer_user):
    url = reverse("forecasting:national", args=["lancashire"])
    html = client_for(viewer_user).get(url, {"sort": "nonsense"}).content.decode()
    assert "That sort order is not one of the table&#x27;s columns" in html


def test_the_public_page_is_open_and_in_plain_words(release, area, client_for):
    html = client_for(None).get(reverse("sufficiency-public:index", args=["lancashire"])).content.decode()
    assert "Planning school places for children with SEND" in html
    assert "We expect about" in html and "more children and young people to need a special school place" in html
    assert "Find support" in html  # the public navigation


def test_the_summary_tag_renders_the_partial(release, area):
    from django.template import Context, Template

    html = Template("{% load forecasting %}{% sufficiency_summary area %}").render(Context({"area": area}))
    assert "We expect about" in html
