"""Outcomes pages through the Django test client: SEN2 upload, dashboard, drill-down, deadline tracker,
partners' (manual) measures, success measures on actions and findings, benchmarks, and query counts."""

from __future__ import annotations

import re
from datetime import date, timedelta
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from sendhub.accounts.models import Role
from sendhub.outcomes import deadlines, selectors, services
from sendhub.outcomes.measures import MEASURES
from sendhub.outcomes.models import (
    EhcRequest,
    ManualMeasure,
    ManualMeasureValue,
    MeasureValue,
    Sen2Person,
    Sen2Return,
    SuccessMeasure,
)
from sendhub.outcomes.sen2.generate import generate_sen2
from sendhub.outcomes.sen2.parser import DOCTYPE_MESSAGE
from tests.factories import ActionFactory, FindingFactory, InspectionFactory, member
from tests.outcomes import record_two_part_reads
from tests.outcomes.test_sen2_parser import EXTERNAL_ENTITY

pytestmark = pytest.mark.django_db

HEADLINE = "PC_plans_issued_20_weeks_ex"
PERSONS = 200


# Helpers and fixtures ---------------------------------------------------------------------------------------


def write_return(path: Path, *, la: str, year: int = 2026, seed: int = 11, persons: int = PERSONS) -> Path:
    with path.open("w", encoding="utf-8") as out:
        generate_sen2(out, persons=persons, year=year, seed=seed, la=la)
    return path


def first_value(xml: str, element: str) -> str:
    return re.search(rf"<{element}>([^<]+)</{element}>", xml).group(1)


def xml_upload(data: bytes, name: str = "sen2-2026.xml") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, data, content_type="application/xml")


def url(name: str, area, *args) -> str:
    return reverse(name, args=[area.slug, *args])


def import_file(area, path: Path, user=None) -> Sen2Return:
    with path.open("rb") as stream:
        result = services.sen2_import(stream=stream, filename=path.name, area=area, imported_by=user)
    assert result.errors == [], result.errors[:3]
    return result.sen2_return


def page_text(response) -> str:
    return response.content.decode()


@pytest.fixture
def sen2_file(tmp_path, area):
    """A small generated SEN2 2026 return for the fixture area (LA code ``area.la_code``)."""
    assert area.la_code == "888"
    return write_return(tmp_path / "sen2-2026.xml", la=area.la_code)


@pytest.fixture
def imported(area, sen2_file, admin_user) -> Sen2Return:
    return import_file(area, sen2_file, admin_user)


@pytest.fixture
def admin(client_for, admin_user):
    return client_for(admin_user)


# SEN2 upload ------------------------------------------------------------------------------------------------


def test_upload_imports_return_and_every_page_shows_its_measures_without_names(admin, area, sen2_file):
    xml = sen2_file.read_text(encoding="utf-8")
    surname, forename = first_value(xml, "Surname"), first_value(xml, "Forename")
    upload_url = url("outcomes:return-upload", area)
    form_page = admin.get(upload_url)
    assert form_page.status_code == 200 and "Upload a SEN2 return" in page_text(form_page)

    response = admin.post(upload_url, {"file": xml_upload(sen2_file.read_bytes())})
    sen2_return = Sen2Return.objects.get(area=area)
    assert response.status_code == 302
    assert response["Location"] == url("outcomes:return-detail", area, sen2_return.pk)
    assert (sen2_return.collection_year, sen2_return.person_count, sen2_return.is_current) == (2026, PERSONS, True)
    assert MeasureValue.objects.filter(sen2_return=sen2_return).count() > 100
    assert MeasureValue.objects.filter(sen2_return=sen2_return, measure=HEADLINE, period="2025").exists()

    detail = admin.get(response["Location"])
    banner = re.search(r"govuk-notification-banner--success.*?</div>\s*</div>", page_text(detail), re.S)
    assert banner and f"Imported {PERSONS} people from sen2-2026.xml" in banner.group(0)
    assert "SEN2 2026 return" in page_text(detail)

    pages = {"detail": detail}
    pages["dashboard"] = admin.get(url("outcomes:dashboard", area))
    dashboard = page_text(pages["dashboard"])
    assert "New EHC plans issued within 20 weeks" in dashboard
    assert dashboard.count('role="img"') >= 10  # a chart on every headline card
    assert "No SEN2 return has been imported" not in dashboard

    pages["measure"] = admin.get(url("outcomes:measure-detail", area, HEADLINE))
    measure = page_text(pages["measure"])
    assert "By period" in measure and "By month, 2025" in measure
    assert "By postcode district, 2025" in measure and "By age band, 2025" in measure
    assert pages["measure"].context["selected"] == "2025"
    assert "2026 is not shown by year" in measure

    pages["measure_2026"] = admin.get(url("outcomes:measure-detail", area, HEADLINE) + "?period=2026")
    assert pages["measure_2026"].context["selected"] == "2026"
    assert "By month, 2026" in page_text(pages["measure_2026"])
    assert all(p.period.startswith("2026-") for p in pages["measure_2026"].context["months"])
    bogus = admin.get(url("outcomes:measure-detail", area, HEADLINE) + "?period=1999")
    assert bogus.context["selected"] == "2025"  # an unknown period falls back to the latest complete year

    pages["tracker"] = admin.get(url("outcomes:deadlines", area))
    tracker = pages["tracker"]
    risk = tracker.context["risk"]
    assert sum(risk.by_kind.values()) > 0 and len(tracker.context["rows"]) > 0
    assert "Deadlines at risk" in page_text(tracker) and "Already missed" in page_text(tracker)
    references = re.findall(r"<code>(P-[0-9A-F]{8})</code>", page_text(tracker))
    assert len(references) == len(tracker.context["rows"])
    assert {d.reference for d, _days in tracker.context["rows"]} == set(references)

    pages["returns"] = admin.get(url("outcomes:return-list", area))
    for name, page in pages.items():
        assert page.status_code == 200, name
        for word in (surname, forename):
            assert not re.search(rf"\b{word}\b", page_text(page)), f"{word!r} from the file appears on {name}"
    # Nothing raw reached the person rows either.
    assert not Sen2Person.objects.filter(reference__icontains=surname).exists()


def test_dashboard_before_any_return_invites_the_administrator_to_upload(admin, client_for, viewer_user, area):
    text = page_text(admin.get(url("outcomes:dashboard", area)))
    assert "No SEN2 return has been imported for Lancashire yet" in text
    assert url("outcomes:return-upload", area) in text
    viewer_text = page_text(client_for(viewer_user).get(url("outcomes:dashboard", area)))
    assert "An area administrator can upload it" in viewer_text
    assert url("outcomes:return-upload", area) not in viewer_text


def _bad_date(xml: str) -> tuple[bytes, int]:
    """The file with its first ReceivedDate made impossible, and the position of the person it belongs to."""
    match = re.search(r"<ReceivedDate>[^<]+</ReceivedDate>", xml)
    position = xml.count("<Person>", 0, match.start())
    bad = xml[: match.start()] + "<ReceivedDate>2024-13-45</ReceivedDate>" + xml[match.end() :]
    return bad.encode("utf-8"), position


@pytest.mark.parametrize(
    "problem", ["malformed", "doctype", "wrong_la", "bad_date", "unknown_code", "latin1", "whitespace_only"]
)
def test_bad_upload_shows_the_problems_and_stores_nothing(admin, area, sen2_file, tmp_path, problem):
    xml = sen2_file.read_text(encoding="utf-8")
    expected: list[str]
    if problem == "malformed":
        data, expected = xml[: len(xml) // 2].encode("utf-8") + b"<Oops></Person>", ["not well-formed"]
    elif problem == "doctype":
        data, expected = EXTERNAL_ENTITY, [DOCTYPE_MESSAGE]
    elif problem == "wrong_la":
        data = write_return(tmp_path / "other.xml", la="909").read_bytes()
        expected = ["<code>Message/Header/Source/LEA</code>", "The file is for LA &#x27;909&#x27;", "&#x27;888&#x27;"]
    elif problem == "unknown_code":
        match = re.search(r"<SENtype>\w+</SENtype>", xml)
        position = xml.count("<Person>", 0, match.start())
        data = (xml[: match.start()] + "<SENtype>XYZ</SENtype>" + xml[match.end() :]).encode("utf-8")
        expected = [f"Message/Persons/Person[{position}]/", "SENneed[1]/SENtype</code>", "SENtype must be one of"]
    elif problem == "latin1":
        data = xml.replace("<Surname>", "<Surname>Zo\u00eb", 1).encode("latin-1")
        expected = ["The file is not in the character encoding it declares"]
    elif problem == "whitespace_only":
        data, expected = b"  \n", ["The file is empty"]
    else:
        data, position = _bad_date(xml)
        expected = [
            f'<td class="govuk-table__cell">{position}</td>',
            f"<code>Message/Persons/Person[{position}]/Requests[1]/ReceivedDate</code>",
            "2024-13-45",
        ]
    before = (Sen2Return.objects.count(), Sen2Person.objects.count(), MeasureValue.objects.count())
    response = admin.post(url("outcomes:return-upload", area), {"file": xml_upload(data)})
    text = page_text(response)
    assert response.status_code == 200
    assert "The file was not imported" in text and "Problems in the file" in text
    assert "Nothing from this file has been saved" in text
    for fragment in expected:
        assert fragment in text, (fragment, re.findall(r"<tbody.*?</tbody>", text, re.S)[:1])
    assert response.context["error_count"] >= 1
    assert (Sen2Return.objects.count(), Sen2Person.objects.count(), MeasureValue.objects.count()) == before


def test_bad_date_error_names_person_path_and_rule(admin, area, sen2_file):
    data, position = _bad_date(sen2_file.read_text(encoding="utf-8"))
    response = admin.post(url("outcomes:return-upload", area), {"file": xml_upload(data)})
    errors = response.context["import_errors"]
    located = [e for e in errors if e["path"].endswith("ReceivedDate")]
    assert located, errors
    assert located[0]["position"] == position
    assert located[0]["path"] == f"Message/Persons/Person[{position}]/Requests[1]/ReceivedDate"
    assert "2024-13-45" in located[0]["rule"] and "date" in located[0]["rule"].lower()
    assert not Sen2Return.objects.exists()


def test_upload_problems_page_passes_the_page_check(admin, area, sen2_file):
    """The problems page is an error page: its error summary must link to what is wrong (tests/pagecheck.py)."""
    data, _position = _bad_date(sen2_file.read_text(encoding="utf-8"))
    response = admin.post(url("outcomes:return-upload", area), {"file": xml_upload(data)})  # page-checked
    assert response.status_code == 200 and "Problems in the file" in page_text(response)


@pytest.mark.parametrize(
    "upload, message",
    [
        (SimpleUploadedFile("sen2.txt", b"<Message/>", content_type="text/plain"), "must be an XML file (.xml)"),
        (SimpleUploadedFile("sen2.xml", b"", content_type="application/xml"), "The submitted file is empty"),
    ],
    ids=["txt", "empty"],
)
def test_upload_form_errors(admin, area, upload, message):
    response = admin.post(url("outcomes:return-upload", area), {"file": upload})
    assert response.status_code == 200
    assert message in response.context["form"].errors["file"][0]
    text = page_text(response)
    assert "govuk-error-summary" in text and "govuk-form-group--error" in text
    assert not Sen2Return.objects.exists()


def test_upload_needs_no_file_missing(admin, area):
    response = admin.post(url("outcomes:return-upload", area), {})
    assert response.status_code == 200 and "file" in response.context["form"].errors
    assert not Sen2Return.objects.exists()


@pytest.mark.parametrize("who", ["editor_user", "viewer_user", "outsider"])
def test_only_administrators_may_upload(request, client_for, area, sen2_file, who):
    client = client_for(request.getfixturevalue(who))
    upload_url = url("outcomes:return-upload", area)
    assert client.get(upload_url).status_code == 403
    assert client.post(upload_url, {"file": xml_upload(sen2_file.read_bytes())}).status_code == 403
    assert not Sen2Return.objects.exists()


def test_upload_link_only_for_administrators(admin, client_for, editor_user, area):
    upload_url = url("outcomes:return-upload", area)
    assert upload_url in page_text(admin.get(url("outcomes:return-list", area)))
    assert upload_url not in page_text(client_for(editor_user).get(url("outcomes:return-list", area)))


def test_dashboard_draws_a_headline_measure_whose_values_are_all_zero(admin, area, imported):
    """No plan in a generated return's year was issued after more than a year: a series of one 0% must chart."""
    series = selectors.measure_series(area, "PC_plans_issued_gt_1_year_ex")
    assert [(p.period, p.value) for p in series if p.period != "2026"] == [("2025", 0.0)]
    response = admin.get(url("outcomes:dashboard", area))
    assert response.status_code == 200
    card = next(c for c in response.context["cards"] if c["measure"].name == "PC_plans_issued_gt_1_year_ex")
    assert card["latest"].value == 0.0 and 'role="img"' in card["chart"]


# Deadline tracker -------------------------------------------------------------------------------------------


def test_deadline_tracker_kind_filter_and_count_date(admin, area, imported):
    tracker_url = url("outcomes:deadlines", area)
    today = date.today()
    assert (today - imported.reference_date).days > deadlines.LIVE_FOR_DAYS  # an old return: counted as at its date

    default = admin.get(tracker_url)
    assert default.context["live"] is False and default.context["today"] == imported.reference_date
    assert "This return is more than 8 weeks old" in page_text(default)
    assert "Counted from today." not in page_text(default)
    by_kind = default.context["risk"].by_kind
    assert sum(by_kind.values()) > 0

    for kind, count in by_kind.items():
        filtered = admin.get(tracker_url, {"kind": kind})
        assert filtered.context["kind"] == kind
        rows = filtered.context["rows"]
        assert {d.kind for d, _days in rows} <= {kind}
        assert len(rows) == min(count, 50)  # one page of 50
        assert filtered.context["risk"].by_kind == by_kind  # the counts are of every kind
    unknown = admin.get(tracker_url, {"kind": "nonsense"})
    assert len(unknown.context["rows"]) == min(sum(by_kind.values()), 50)

    reference = admin.get(tracker_url, {"as_at": "reference"})
    assert reference.context["live"] is False and reference.context["today"] == imported.reference_date
    assert "This return is more than 8 weeks old" in page_text(reference)

    live = admin.get(tracker_url, {"as_at": "today"})
    assert live.context["live"] is True and live.context["today"] == today
    text = page_text(live)
    assert "Counted from today." in text and "This return is more than 8 weeks old" not in text
    # Counted from today, almost every deadline in a January return has passed.
    assert live.context["risk"].overdue >= default.context["risk"].overdue
    assert '<input type="hidden" name="as_at" value="today">' in text  # the filter form keeps the count date

    filtered_live = admin.get(tracker_url, {"as_at": "today", "kind": "decision"})
    assert filtered_live.context["live"] is True
    assert {d.kind for d, _days in filtered_live.context["rows"]} <= {"decision"}

    # The dashboard's summary counts the same way as the tracker by default.
    dashboard = admin.get(url("outcomes:dashboard", area))
    assert dashboard.context["tracker_as_at"] == imported.reference_date
    assert dashboard.context["risk"] == default.context["risk"]
    assert "the return is more than 8 weeks old" in page_text(dashboard)


def test_deadline_tracker_without_a_return(admin, area):
    response = admin.get(url("outcomes:deadlines", area))
    assert response.status_code == 200 and "No SEN2 return has been imported yet" in page_text(response)


def test_deadline_tracker_pages(admin, area, imported):
    first = admin.get(url("outcomes:deadlines", area), {"as_at": "today"})
    total = sum(first.context["risk"].by_kind.values())
    assert total > 50, "the generated return (fixed seed) must have enough deadlines to fill two pages"
    second = admin.get(url("outcomes:deadlines", area), {"as_at": "today", "page": 2})
    first_refs = [(d.kind, d.reference) for d, _ in first.context["rows"]]
    second_refs = [(d.kind, d.reference) for d, _ in second.context["rows"]]
    assert len(first_refs) == 50 and second_refs and not set(first_refs) & set(second_refs)


# Manual measures --------------------------------------------------------------------------------------------


@pytest.fixture
def manual_measure(area, la_org):
    return ManualMeasure.objects.create(
        area=area,
        key="autism-wait",
        name="Weeks waited for an autism assessment",
        unit="weeks",
        direction="lower",
        owner=la_org,
    )


def test_admin_creates_a_manual_measure(admin, area, la_org):
    create_url = url("outcomes:manual-measure-create", area)
    assert admin.get(create_url).status_code == 200
    response = admin.post(
        create_url,
        {
            "name": "Weeks waited for an autism assessment",
            "key": "autism-wait",
            "description": "Median weeks from referral to diagnosis",
            "unit": "weeks",
            "direction": "lower",
            "owner": la_org.pk,
        },
    )
    measure = ManualMeasure.objects.get(area=area, key="autism-wait")
    assert response.status_code == 302 and response["Location"] == measure.get_absolute_url()
    assert (measure.owner, measure.direction) == (la_org, "lower")
    followed = admin.get(response["Location"])
    assert "Measure \u201cWeeks waited for an autism assessment\u201d saved" in page_text(followed)
    listing = page_text(admin.get(url("outcomes:manual-measure-list", area)))
    assert "Weeks waited for an autism assessment" in listing and str(la_org) in listing

    again = admin.post(
        create_url, {"name": "Again", "key": "autism-wait", "unit": "weeks", "direction": "lower", "owner": la_org.pk}
    )
    assert again.status_code == 200 and "Another measure already uses the short name autism-wait" in page_text(again)
    assert ManualMeasure.objects.filter(area=area).count() == 1


def test_manual_measure_create_rejects_another_areas_organisation(admin, area, outsider):
    other_org = outsider.memberships.get().organisation
    response = admin.post(
        url("outcomes:manual-measure-create", area),
        {"name": "X", "key": "x", "unit": "weeks", "direction": "lower", "owner": other_org.pk},
    )
    assert response.status_code == 200 and "owner" in response.context["form"].errors
    assert not ManualMeasure.objects.exists()


def test_editor_of_owner_records_a_value_and_duplicate_period_is_refused(client_for, editor_user, manual_measure):
    editor = client_for(editor_user)
    detail_url = manual_measure.get_absolute_url()
    page = editor.get(detail_url)
    assert page.context["can_record"] is True and "Add a value" in page_text(page)

    response = editor.post(detail_url, {"period_end": "2025-03-31", "value": "18.5", "note": "Q4"})
    assert response.status_code == 302 and response["Location"] == detail_url
    value = ManualMeasureValue.objects.get(measure=manual_measure)
    assert (value.period_end, value.value, value.note, value.recorded_by) == (
        date(2025, 3, 31),
        18.5,
        "Q4",
        editor_user,
    )
    shown = page_text(editor.get(detail_url))
    assert "Value for 31 March 2025 saved" in shown and "31 Mar 2025" in shown and 'role="img"' in shown

    duplicate = editor.post(detail_url, {"period_end": "2025-03-31", "value": "12"})
    assert duplicate.status_code == 200
    assert (
        "There is already a value for the period ending 31 March 2025"
        in duplicate.context["form"].errors["period_end"][0]
    )
    assert "govuk-error-summary" in page_text(duplicate)
    assert ManualMeasureValue.objects.get(measure=manual_measure).value == 18.5


def test_manual_measure_with_a_single_zero_value_renders(admin, manual_measure):
    ManualMeasureValue.objects.create(measure=manual_measure, period_end=date(2025, 3, 31), value=0)
    response = admin.get(manual_measure.get_absolute_url())
    assert response.status_code == 200 and 'role="img"' in page_text(response)


def test_editor_of_another_organisation_cannot_record(client_for, area, health_org, viewer_user, manual_measure):
    other_editor = member(area, Role.EDITOR, health_org, full_name="Hana Health", email="hana@example.org")
    for user in (other_editor, viewer_user):
        client = client_for(user)
        page = client.get(manual_measure.get_absolute_url())
        assert page.status_code == 200 and page.context["can_record"] is False
        assert "Add a value" not in page_text(page)
        response = client.post(manual_measure.get_absolute_url(), {"period_end": "2025-03-31", "value": "1"})
        assert response.status_code == 403
        assert client.get(url("outcomes:manual-measure-upload", area, manual_measure.pk)).status_code == 403
    assert not ManualMeasureValue.objects.exists()


def test_manual_csv_upload_replaces_existing_period(client_for, editor_user, area, manual_measure):
    ManualMeasureValue.objects.create(measure=manual_measure, period_end=date(2025, 3, 31), value=30, note="old")
    editor = client_for(editor_user)
    upload_url = url("outcomes:manual-measure-upload", area, manual_measure.pk)
    assert editor.get(upload_url).status_code == 200
    csv = b'\xef\xbb\xbfperiod_end,value,note\n2025-03-31,22,revised\n2025-06-30,"1,019.5",\n'
    response = editor.post(upload_url, {"file": SimpleUploadedFile("values.csv", csv, content_type="text/csv")})
    assert response.status_code == 302 and response["Location"] == manual_measure.get_absolute_url()
    values = list(ManualMeasureValue.objects.filter(measure=manual_measure).values_list("period_end", "value", "note"))
    assert values == [(date(2025, 3, 31), 22.0, "revised"), (date(2025, 6, 30), 1019.5, "")]
    assert "2 values saved" in page_text(editor.get(response["Location"]))


@pytest.mark.parametrize(
    "name, content, messages",
    [
        (
            "values.csv",
            b"period_end,value\n2025-03-31,12\n2025-13-01,abc\n2025-03-31,4\n",
            [
                "Row 3, column period_end: must be a date in the form YYYY-MM-DD (got &#x27;2025-13-01&#x27;)",
                "Row 3, column value: must be a number (got &#x27;abc&#x27;)",
                "Row 4, column period_end: 2025-03-31 is already given in row 2",
            ],
        ),
        ("values.csv", b"when,amount\n2025-03-31,1\n", ["missing period_end, value"]),
        ("values.csv", b"", ["The submitted file is empty"]),
        ("values.csv", b"period_end,value\n", ["The file has a header row but no values"]),
        ("values.csv", "period_end,value\n2025-03-31,5\n".encode("utf-16"), ["The file is not UTF-8 text"]),
        ("values.xlsx", b"period_end,value\n2025-03-31,5\n", ["The selected file must be a CSV file (.csv)"]),
    ],
    ids=["row-errors", "missing-columns", "empty", "header-only", "utf16", "wrong-extension"],
)
def test_manual_csv_upload_errors_store_nothing(admin, area, manual_measure, name, content, messages):
    response = admin.post(
        url("outcomes:manual-measure-upload", area, manual_measure.pk),
        {"file": SimpleUploadedFile(name, content, content_type="text/csv")},
    )
    text = page_text(response)
    assert response.status_code == 200 and "govuk-error-summary" in text
    for message in messages:
        assert message in text
    assert not ManualMeasureValue.objects.exists()


# Success measures -------------------------------------------------------------------------------------------


def success_data(measure: str, **overrides) -> dict:
    data = {
        "source": measure,
        "direction": "higher",
        "baseline_value": "0",
        "baseline_date": "2024-01-01",
        "target_value": "1",
        "target_date": "2024-06-01",
    }
    return {**data, **overrides}


@pytest.fixture
def action(area, la_org):
    return ActionFactory(area=area, owner=la_org, reference="A1", title="Issue plans on time")


@pytest.fixture
def finding(area):
    return FindingFactory(inspection=InspectionFactory(area=area), reference="PA1")


def test_success_measures_on_an_action_and_a_finding(admin, area, imported, action, finding, manual_measure):
    create_url = url("outcomes:action-success-measure-create", area, action.pk)
    form = admin.get(create_url)
    assert form.status_code == 200 and "Add a success measure to A1" in page_text(form)
    assert f"manual:{manual_measure.pk}" in page_text(form)  # partners' measures are offered too

    response = admin.post(create_url, success_data(f"sen2:{HEADLINE}"))
    assert response.status_code == 302 and response["Location"] == action.get_absolute_url()
    success = SuccessMeasure.objects.get(action=action)
    assert (success.measure, success.manual_measure, success.area) == (HEADLINE, None, area)

    page = admin.get(action.get_absolute_url())
    text = page_text(page)
    assert "Success measure saved" in text
    table = re.search(r'id="success-measures".*?</table>', text, re.S).group(0)
    assert "New EHC plans issued within 20 weeks" in table
    assert url("outcomes:measure-detail", area, HEADLINE) in table
    # The latest complete year (2025) is past the target date, and above the target of 1%: on track.
    assert "On track" in table and "(Dec 2025)" in table
    # The dashboard's headline card shows the target with its RAG.
    dashboard = page_text(admin.get(url("outcomes:dashboard", area)))
    assert "Target 1 by June 2024 (A1)" in dashboard

    finding_url = url("outcomes:finding-success-measure-create", area, finding.pk)
    response = admin.post(
        finding_url,
        success_data(f"manual:{manual_measure.pk}", direction="lower", baseline_value="40", target_value="20"),
    )
    assert response.status_code == 302 and response["Location"] == finding.get_absolute_url()
    on_finding = SuccessMeasure.objects.get(finding=finding)
    assert (on_finding.manual_measure, on_finding.measure) == (manual_measure, "")
    finding_text = page_text(admin.get(finding.get_absolute_url()))
    assert "Weeks waited for an autism assessment" in finding_text and "No value yet" in finding_text

    remove = admin.post(url("outcomes:success-measure-remove", area, success.pk))
    assert remove.status_code == 302 and remove["Location"] == action.get_absolute_url()
    assert not SuccessMeasure.objects.filter(pk=success.pk).exists()
    after = page_text(admin.get(action.get_absolute_url()))
    assert "Success measure removed" in after and "No success measures set." in after
    assert SuccessMeasure.objects.filter(pk=on_finding.pk).exists()


@pytest.mark.parametrize(
    "overrides, field, message",
    [
        ({"target_date": "2023-12-31"}, "target_date", "The target date must be after the baseline date"),
        ({"target_date": "2024-01-01"}, "target_date", "The target date must be after the baseline date"),
        (
            {"baseline_value": "50", "target_value": "40"},
            "target_value",
            "When higher is better, the target must not be below the baseline",
        ),
        (
            {"direction": "lower", "baseline_value": "40", "target_value": "50"},
            "target_value",
            "When lower is better, the target must not be above the baseline",
        ),
        ({"source": ""}, "source", "This field is required"),
        ({"source": "manual:999999"}, "source", "Select a valid choice"),
    ],
    ids=["target-before-baseline", "target-on-baseline", "higher-below", "lower-above", "no-source", "bad-manual"],
)
def test_success_measure_validation(admin, area, action, overrides, field, message):
    response = admin.post(
        url("outcomes:action-success-measure-create", area, action.pk), success_data(f"sen2:{HEADLINE}", **overrides)
    )
    assert response.status_code == 200
    assert message in " ".join(response.context["form"].errors[field])
    assert "govuk-error-summary" in page_text(response)
    assert not SuccessMeasure.objects.exists()


@pytest.mark.parametrize("who", ["viewer_user", "editor_user", "outsider"])
def test_only_administrators_add_or_remove_success_measures(request, client_for, area, action, who):
    success = SuccessMeasure.objects.create(
        area=area,
        measure=HEADLINE,
        action=action,
        direction="higher",
        baseline_value=10,
        baseline_date=date(2024, 1, 1),
        target_value=50,
        target_date=date(2026, 1, 1),
    )
    client = client_for(request.getfixturevalue(who))
    create_url = url("outcomes:action-success-measure-create", area, action.pk)
    assert client.get(create_url).status_code == 403
    assert client.post(create_url, success_data(f"sen2:{HEADLINE}")).status_code == 403
    assert client.post(url("outcomes:success-measure-remove", area, success.pk)).status_code == 403
    assert list(SuccessMeasure.objects.all()) == [success]


def test_success_measure_for_an_action_in_another_area_is_not_found(admin, area, other_area):
    elsewhere = ActionFactory(area=other_area)
    response = admin.get(url("outcomes:action-success-measure-create", area, elsewhere.pk))
    assert response.status_code == 404


# Benchmarks and unknown measures ----------------------------------------------------------------------------


def test_benchmarks_without_a_dfe_release_says_how_to_import_one(client_for, viewer_user, area):
    response = client_for(viewer_user).get(url("outcomes:benchmarks", area))
    text = page_text(response)
    assert response.status_code == 200
    assert "No DfE release has been imported yet" in text and "<code>sendhub dfe import</code>" in text
    assert response.context["selected"] == HEADLINE
    other = client_for(viewer_user).get(url("outcomes:benchmarks", area), {"measure": "no-such-measure"})
    assert other.status_code == 200 and other.context.get("measure") is None


def test_unknown_measure_is_not_found(admin, area):
    assert admin.get(url("outcomes:measure-detail", area, "no_such_measure")).status_code == 404


def test_measure_detail_without_data_renders(admin, area):
    response = admin.get(url("outcomes:measure-detail", area, HEADLINE))
    assert response.status_code == 200 and "No figures yet." in page_text(response)


def test_outsider_sees_no_outcomes_pages(client_for, outsider, area, imported):
    client = client_for(outsider)
    for name, args in [
        ("outcomes:dashboard", ()),
        ("outcomes:deadlines", ()),
        ("outcomes:measure-detail", (HEADLINE,)),
        ("outcomes:return-detail", (imported.pk,)),
    ]:
        assert client.get(url(name, area, *args)).status_code == 403, name


# Query counts -----------------------------------------------------------------------------------------------

# Measured on SQLite and PostgreSQL: 20 queries with one return and with three; a small allowance above that.
DASHBOARD_MAX_QUERIES = 25


def test_dashboard_queries_do_not_grow_with_returns_and_rows(
    admin, area, sen2_file, admin_user, tmp_path, django_assert_max_num_queries
):
    import_file(area, sen2_file, admin_user)
    dashboard_url = url("outcomes:dashboard", area)
    admin.get(dashboard_url)  # warm the session and content-type caches
    with CaptureQueriesContext(connection) as one_return:
        admin.get(dashboard_url)

    import_file(area, write_return(tmp_path / "2025.xml", la=area.la_code, year=2025, seed=5, persons=300), admin_user)
    import_file(area, write_return(tmp_path / "2024.xml", la=area.la_code, year=2024, seed=6, persons=300), admin_user)
    assert MeasureValue.objects.filter(area=area).values("sen2_return").distinct().count() == 3
    with django_assert_max_num_queries(DASHBOARD_MAX_QUERIES) as three_returns:
        admin.get(dashboard_url)
    assert len(three_returns.captured_queries) <= len(one_return.captured_queries) + 2, (
        len(one_return.captured_queries),
        len(three_returns.captured_queries),
    )


def test_dashboard_queries_with_success_measures(admin, area, imported, action, django_assert_max_num_queries):
    dashboard_url = url("outcomes:dashboard", area)
    admin.get(dashboard_url)
    with CaptureQueriesContext(connection) as none:
        admin.get(dashboard_url)
    for n in range(5):
        SuccessMeasure.objects.create(
            area=area,
            measure=HEADLINE,
            action=action,
            direction="higher",
            baseline_value=n,
            baseline_date=date(2024, 1, 1),
            target_value=60,
            target_date=date(2027, 1, 1) + timedelta(days=n),
        )
    with CaptureQueriesContext(connection) as five:
        text = page_text(admin.get(dashboard_url))
    assert text.count("Target 60 by January 2027 (A1)") == 5
    # Each target costs queries of its own (measured: 2, its latest return and its series): no more than that.
    per_target = (len(five.captured_queries) - len(none.captured_queries)) / 5
    assert per_target <= 2, (len(none.captured_queries), len(five.captured_queries))


# A superseding upload keeps figures as history ---------------------------------------------------------------


def test_reupload_for_the_same_year_supersedes_the_earlier_return(
    admin, area, sen2_file, imported, tmp_path, django_capture_on_commit_callbacks
):
    newer = write_return(tmp_path / "sen2-2026-v2.xml", la=area.la_code, seed=12)
    with django_capture_on_commit_callbacks(execute=True):  # the superseded rows go once the import commits
        response = admin.post(url("outcomes:return-upload", area), {"file": xml_upload(newer.read_bytes(), newer.name)})
    assert response.status_code == 302
    imported.refresh_from_db()
    current = Sen2Return.objects.get(area=area, is_current=True)
    assert current.pk != imported.pk and imported.is_current is False
    assert not EhcRequest.objects.filter(sen2_return=imported).exists()
    assert MeasureValue.objects.filter(sen2_return=imported).exists()  # figures kept as history
    old = page_text(admin.get(url("outcomes:return-detail", area, imported.pk)))
    assert "Superseded on" in old
    listing = page_text(admin.get(url("outcomes:return-list", area)))
    assert "Superseded" in listing and "Current" in listing
    assert admin.get(url("outcomes:dashboard", area)).context["latest_return"] == current


def test_upload_accepts_a_file_larger_than_the_memory_threshold(admin, area, tmp_path, settings):
    """Django writes uploads over FILE_UPLOAD_MAX_MEMORY_SIZE to a temporary file: the import streams that too."""
    settings.FILE_UPLOAD_MAX_MEMORY_SIZE = 10_000
    data = write_return(tmp_path / "sen2.xml", la=area.la_code, persons=50).read_bytes()
    assert len(data) > 10_000
    response = admin.post(url("outcomes:return-upload", area), {"file": xml_upload(data)})
    assert response.status_code == 302 and Sen2Return.objects.get(area=area).person_count == 50


def test_every_measure_detail_page_renders(admin, area, imported):
    """Each measure's drill-down, from the imported return: listed together so one run names every page that fails."""
    failures = {}
    for name in MEASURES:
        try:
            response = admin.get(url("outcomes:measure-detail", area, name))
            assert response.status_code == 200
        except Exception as error:  # noqa: BLE001
            failures[name] = repr(error)[:150]
    assert not failures, failures


def test_upload_with_many_problems_gives_the_total_and_lists_the_first(admin, area, sen2_file):
    """Every ReceivedDate made invalid: the summary counts them all; the page lists the first 200 and says so."""
    from sendhub.outcomes.views import SHOWN_IMPORT_ERRORS

    xml = sen2_file.read_text(encoding="utf-8")
    data = re.sub(r"<ReceivedDate>[^<]*</ReceivedDate>", "<ReceivedDate>2024-13-45</ReceivedDate>", xml)
    total = data.count("2024-13-45")
    assert total > SHOWN_IMPORT_ERRORS
    response = admin.post(url("outcomes:return-upload", area), {"file": xml_upload(data.encode("utf-8"))})
    text = page_text(response)
    assert response.context["error_count"] >= total and len(response.context["import_errors"]) == SHOWN_IMPORT_ERRORS
    count = response.context["error_count"]
    assert f"The file was not imported: {count} problems" in text
    assert f"The first {SHOWN_IMPORT_ERRORS} of the {count} problems are listed" in text
    assert text.count("2024-13-45") == SHOWN_IMPORT_ERRORS and not Sen2Return.objects.exists()


def test_a_big_upload_is_parsed_in_forked_processes_within_the_request(admin, area, tmp_path, monkeypatch, settings):
    """An uploaded file over the size limits goes through the parser processes from the web request (a
    single-threaded worker, as gunicorn's): it is read from the upload's temporary file in two parts."""
    from sendhub.outcomes.sen2 import importer

    path = write_return(tmp_path / "sen2-2026.xml", la=area.la_code, persons=3000)
    monkeypatch.setattr(importer, "PARSER_PROCESS_MIN_BYTES", 64 * 1024)
    monkeypatch.setattr(importer, "TWO_PARTS_MIN_BYTES", 128 * 1024)
    assert path.stat().st_size > settings.FILE_UPLOAD_MAX_MEMORY_SIZE  # so Django keeps it in a temporary file
    parts = record_two_part_reads(monkeypatch)
    with path.open("rb") as stream:
        response = admin.post(url("outcomes:return-upload", area), {"file": stream})
    assert response.status_code == 302, page_text(response)
    assert len(parts) == 1 and parts[0] is not None  # read as two parts, which fitted
    sen2_return = Sen2Return.objects.get(area=area)
    assert sen2_return.person_count == Sen2Person.objects.filter(sen2_return=sen2_return).count() == 3000
