"""Importing SEN2 returns: all-or-nothing, supersede, hostile files, the command, and data minimisation."""

from __future__ import annotations

import io
import logging
from datetime import date

import pytest
from django.apps import apps
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import models

from sendhub.outcomes.models import ActivePlan, EhcRequest, MeasureValue, Sen2Person, Sen2Return
from sendhub.outcomes.sen2.importer import import_sen2
from sendhub.outcomes.sen2.minimise import person_key
from sendhub.outcomes.sen2.parser import DOCTYPE_MESSAGE, EMPTY_MESSAGE
from tests.outcomes.test_sen2_parser import BILLION_LAUGHS, EXTERNAL_ENTITY, REQUEST, person_xml, sen2_xml

pytestmark = pytest.mark.django_db


def run(area, data: bytes, filename="sen2.xml"):
    return import_sen2(stream=io.BytesIO(data), filename=filename, area=area)


def person_rows():
    return Sen2Person.objects.count() + EhcRequest.objects.count() + ActivePlan.objects.count()


def test_valid_file_is_stored_minimised(area, settings):
    result = run(area, sen2_xml(person_xml(), person_xml(upn="B888123456789", uln="", postcode="BB18 6AB")))
    assert result.errors == [] and result.ok
    ret = result.sen2_return
    assert (ret.collection_year, ret.reference_date, ret.is_current) == (2025, date(2025, 1, 18), True)
    assert (ret.person_count, ret.request_count, ret.active_plan_count) == (2, 2, 2)
    assert len(ret.checksum) == 64 and ret.import_seconds is not None
    first, second = Sen2Person.objects.filter(sen2_return=ret).order_by("position")
    assert first.person_key == person_key("A888123456789", settings.SENDHUB_PERSON_KEY)
    assert first.reference == "P-" + first.person_key[:8].upper()
    assert (first.postcode_district, second.postcode_district) == ("PR1", "BB18")
    assert (first.sex, first.ethnicity, first.age_at_reference_date) == ("M", "WBRI", 10)
    request = EhcRequest.objects.get(person=first)
    assert request.received_date == date(2024, 3, 1) and request.request_outcome == "A"
    assert (request.age_at_request, request.age_at_plan_start) == (9, 10)
    assert request.plan_start_date == date(2024, 7, 10) and request.plan_setting == "MSS"
    plan = ActivePlan.objects.get(request=request)
    assert (plan.primary_need, plan.other_needs, plan.setting, plan.setting_urn) == ("ASD", "SLCN", "MSS", "123456")
    assert plan.age_at_reference_date == 10 and plan.sen2_return == ret


def test_file_with_errors_stores_nothing_and_reports_every_problem(area):
    bad = REQUEST.format(start="2024-07-10", week20="Y").replace("<ReceivedDate>2024-03-01</ReceivedDate>", "")
    persons = [person_xml() for _ in range(3)] + [person_xml(requests=bad), person_xml(dob="2014-13-45")]
    result = run(area, sen2_xml(*persons))
    assert result.sen2_return is None
    assert Sen2Return.objects.count() == 0 and person_rows() == 0
    located = {(e["position"], e["path"]) for e in result.errors}
    assert (4, "Message/Persons/Person[4]/Requests[1]/ReceivedDate") in located
    assert (4, "Message/Persons/Person[4]/Requests[1]/Assessment/Week20") in located
    assert (5, "Message/Persons/Person[5]/PersonBirthDate") in located
    assert result.error_count == len(result.errors) == 3


@pytest.mark.parametrize(
    "data, message",
    [
        (b"", EMPTY_MESSAGE),
        (BILLION_LAUGHS, DOCTYPE_MESSAGE),
        (EXTERNAL_ENTITY, DOCTYPE_MESSAGE),
        (sen2_xml(person_xml()).replace(b"</Person>", b"</Persn>"), "not well-formed XML"),
        (sen2_xml(person_xml(surname="Zoë")).replace("Zoë".encode(), "Zoë".encode("latin-1")), "encoding"),
    ],
    ids=["zero-bytes", "billion-laughs", "external-entity", "malformed", "wrong-encoding"],
)
def test_bad_files_store_nothing(area, data, message):
    result = run(area, data)
    assert result.sen2_return is None
    assert message in result.errors[0]["rule"]
    assert "root:" not in repr(result.errors)  # nothing of /etc/passwd was read
    assert Sen2Return.objects.count() == 0 and person_rows() == 0


def test_bad_file_after_many_good_persons_rolls_back(area):
    data = sen2_xml(*[person_xml() for _ in range(30)]).replace(b"</Persons>", b"<Person>", 1)
    result = run(area, data)
    assert result.sen2_return is None and Sen2Return.objects.count() == 0 and person_rows() == 0


def test_wrong_area_is_an_error_naming_both(area):
    result = run(area, sen2_xml(person_xml(), lea="909"))
    assert result.sen2_return is None
    assert "'909'" in result.errors[0]["rule"] and "'888'" in result.errors[0]["rule"]


def test_warnings_only_file_imports_and_keeps_its_warnings(area):
    result = run(area, sen2_xml(person_xml(postcode="XYZ"), person_xml(start="2025-03-10", upn="", uln="")))
    assert result.ok and result.errors == []
    assert result.warning_count >= 2
    stored = result.sen2_return.warnings
    assert {w["position"] for w in stored} >= {1, 2}
    assert all(w["severity"] == "warning" for w in stored)
    assert Sen2Person.objects.get(position=1).postcode_district == ""
    no_id = Sen2Person.objects.get(position=2)
    assert no_id.person_key == "" and no_id.reference.startswith("P-")


def test_newer_return_supersedes_but_keeps_measure_history(area, other_area):
    old = run(area, sen2_xml(person_xml(), person_xml()), filename="old.xml").sen2_return
    MeasureValue.objects.create(
        area=area, sen2_return=old, measure="requests_received_in_year", period_kind="year", period="2024", value=2
    )
    other = run(other_area, sen2_xml(person_xml(), lea="909")).sen2_return
    earlier_year = run(area, sen2_xml(person_xml(), year=2024, ref="2024-01-18")).sen2_return
    new = run(area, sen2_xml(person_xml()), filename="new.xml").sen2_return
    old.refresh_from_db()
    assert new.is_current and not old.is_current and old.superseded_at is not None
    assert not Sen2Person.objects.filter(sen2_return=old).exists()
    assert not EhcRequest.objects.filter(sen2_return=old).exists()
    assert not ActivePlan.objects.filter(sen2_return=old).exists()
    assert MeasureValue.objects.filter(sen2_return=old).count() == 1
    assert Sen2Person.objects.filter(sen2_return=new).count() == 1
    # Other areas and other collection years are untouched.
    for kept in (other, earlier_year):
        kept.refresh_from_db()
        assert kept.is_current and Sen2Person.objects.filter(sen2_return=kept).count() == 1


def test_data_minimisation_no_raw_value_reaches_the_database_or_logs(area, caplog):
    raw = {
        "surname": "Quixotewhistle",
        "forename": "Zebedaiah",
        "dob": "2013-11-27",
        "postcode": "PR1 2HE",
        "upn": "K888765432109",
        "uln": "9876543210",
    }
    caplog.set_level(logging.DEBUG)
    result = run(area, sen2_xml(person_xml(**raw), person_xml(**{**raw, "dob": "2013-13-27"})))
    assert result.sen2_return is None  # the second person's birth date is invalid: nothing stored
    result = run(area, sen2_xml(person_xml(**raw)))
    assert result.ok
    forbidden = set(raw.values()) | {"PR12HE", "27/11/2013", "20131127"}
    found = []
    for model in apps.get_models():
        fields = [
            f.name
            for f in model._meta.concrete_fields
            if isinstance(f, models.CharField | models.TextField | models.JSONField | models.DateField)
        ]
        if not fields:
            continue
        for row in model.objects.values_list(*fields):
            text = " ".join(str(value) for value in row)
            found += [(model.__name__, value) for value in forbidden if value in text]
    assert found == []
    assert Sen2Person.objects.get().postcode_district == "PR1"
    logged = caplog.text + repr([r.args for r in caplog.records])
    assert [value for value in forbidden if value in logged] == []
    errors_text = repr(run(area, sen2_xml(person_xml(**{**raw, "dob": "27/11/2013"}))).errors)
    assert [value for value in forbidden if value in errors_text] == []


def test_import_command_prints_summary_and_errors(area, tmp_path, monkeypatch):
    import sendhub.outcomes.computation as computation

    monkeypatch.setattr(computation, "recompute_measures", lambda sen2_return: None)
    good = tmp_path / "good.xml"
    good.write_bytes(sen2_xml(person_xml(), person_xml(postcode="XYZ")))
    out, err = io.StringIO(), io.StringIO()
    call_command("sen2_import", str(good), "--area", "lancashire", stdout=out, stderr=err)
    assert "2 persons, 2 requests, 2 active plans, 1 warnings" in out.getvalue()
    assert "Warning: Person 2 (Message/Persons/Person[2]/PostCode)" in out.getvalue()

    bad = tmp_path / "bad.xml"
    bad.write_bytes(sen2_xml(person_xml(), person_xml(requests="<Requests><RYA>0</RYA></Requests>")))
    err = io.StringIO()
    with pytest.raises(CommandError):
        call_command("sen2_import", str(bad), "--area", "888", stdout=io.StringIO(), stderr=err)
    assert (
        "Person 2 (Message/Persons/Person[2]/Requests[1]/ReceivedDate): ReceivedDate is missing: it is required"
        in err.getvalue()
    )
    with pytest.raises(CommandError, match="No area has LA code or slug 'nowhere'"):
        call_command("sen2_import", str(good), "--area", "nowhere")
