"""Importing SEN2 returns: all-or-nothing, supersede, hostile files, the command, and data minimisation."""

from __future__ import annotations

import io
import logging
import re
from datetime import date

import pytest
from django.apps import apps
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import models
from django.test import TestCase

from sendhub.outcomes.models import ActivePlan, EhcRequest, MeasureValue, Sen2Person, Sen2Return
from sendhub.outcomes.sen2.importer import import_sen2
from sendhub.outcomes.sen2.minimise import person_key
from sendhub.outcomes.sen2.parser import DOCTYPE_MESSAGE, EMPTY_MESSAGE
from tests.outcomes import record_two_part_reads
from tests.outcomes.test_sen2_parser import BILLION_LAUGHS, EXTERNAL_ENTITY, REQUEST, person_xml, sen2_xml

pytestmark = pytest.mark.django_db


def run(area, data: bytes, filename="sen2.xml", **options):
    """Import ``data`` and run what follows the commit of a real import (deleting superseded rows)."""
    with TestCase.captureOnCommitCallbacks(execute=True):
        return import_sen2(stream=io.BytesIO(data), filename=filename, area=area, **options)


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
    assert request.plan_start_date == date(2024, 7, 10) and request.plan_setting == ""
    plan = ActivePlan.objects.get(request=request)
    assert (plan.primary_need, plan.other_needs, plan.setting, plan.setting_urn) == ("ASD", "SLCN", "", "123456")
    assert (plan.setting_ukprn, plan.sen_unit, plan.resourced_provision, plan.in_caseload) == ("", False, False, True)
    assert plan.age_at_reference_date == 10 and plan.age_at_start_of_year == 10 and plan.sen2_return == ret


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
    summary = out.getvalue().splitlines()[0]
    assert "2 persons, 2 requests, 2 active plans" in summary and "1 warnings" not in summary
    assert "; 1 warning: " in summary  # says what the warning is, not only how many
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


# The parser process (big files are parsed in a forked process while this one writes) ---------------------------


@pytest.fixture(params=["one part", "two parts"])
def parser_process(request, monkeypatch):
    """Use parser processes for every file (one, or two reading a part each), with small messages so that even a
    small file takes several."""
    from sendhub.outcomes.sen2 import importer

    monkeypatch.setattr(importer, "PARSER_PROCESS_MIN_BYTES", 0)
    monkeypatch.setattr(importer, "TWO_PARTS_MIN_BYTES", 0 if request.param == "two parts" else None)
    monkeypatch.setattr(importer, "PIPE_BATCH_PERSONS", 3)
    return request.param


def stored(ret) -> list:
    """Everything stored for a return, without ids (which differ between imports)."""
    persons = list(Sen2Person.objects.filter(sen2_return=ret).order_by("position").values())
    requests = list(EhcRequest.objects.filter(sen2_return=ret).order_by("person__position", "id").values())
    plans = list(ActivePlan.objects.filter(sen2_return=ret).order_by("request__person__position", "id").values())
    for rows in (persons, requests, plans):
        for row in rows:
            for name in ("id", "sen2_return_id", "person_id", "request_id"):
                row.pop(name, None)
    return [persons, requests, plans]


MIXED = [
    person_xml(),
    person_xml(upn="B888123456789", uln="", postcode="BB18 6AB"),
    person_xml(postcode="XYZ"),
    person_xml(start="2025-03-10", upn="", uln=""),
    person_xml(requests=REQUEST.format(start="2024-07-10", week20="1") * 2),
    person_xml(requests="<Requests><ReceivedDate>2024-03-01</ReceivedDate><Foo>1</Foo></Requests>"),
] * 4


@pytest.mark.parametrize("parts", [1, 2])
def test_parser_processes_store_what_the_single_process_stores(area, monkeypatch, parts):
    from sendhub.outcomes.sen2 import importer

    data = sen2_xml(*MIXED)
    monkeypatch.setattr(importer, "PARSER_PROCESS_MIN_BYTES", None)
    single = run(area, data)
    expected = (stored(single.sen2_return), single.errors, single.warnings, single.counts)
    monkeypatch.setattr(importer, "PARSER_PROCESS_MIN_BYTES", 0)
    monkeypatch.setattr(importer, "TWO_PARTS_MIN_BYTES", 0 if parts == 2 else None)
    monkeypatch.setattr(importer, "PIPE_BATCH_PERSONS", 5)
    read = record_two_part_reads(monkeypatch)
    parallel = run(area, data)
    assert len([r for r in read if r is not None]) == (parts == 2)  # two parts were read, and fitted
    assert parallel.ok and parallel.sen2_return.checksum == single.sen2_return.checksum
    assert (stored(parallel.sen2_return), parallel.errors, parallel.warnings, parallel.counts) == expected
    assert parallel.sen2_return.warnings == single.sen2_return.warnings
    assert Sen2Person.objects.count() == len(MIXED)  # the first import was superseded


def test_parser_process_reports_every_problem_and_stores_nothing(area, parser_process):
    bad = REQUEST.format(start="2024-07-10", week20="Y").replace("<ReceivedDate>2024-03-01</ReceivedDate>", "")
    persons = [person_xml() for _ in range(10)] + [person_xml(requests=bad), person_xml(dob="2014-13-45")]
    result = run(area, sen2_xml(*persons, person_xml(postcode="XYZ")))
    assert result.sen2_return is None and Sen2Return.objects.count() == 0 and person_rows() == 0
    assert {(e["position"], e["path"].rsplit("/", 1)[-1]) for e in result.errors} == {
        (11, "ReceivedDate"), (11, "Week20"), (12, "PersonBirthDate")
    }
    assert result.error_count == 3 and result.warning_count == 1


@pytest.mark.parametrize("data, message", [(BILLION_LAUGHS, DOCTYPE_MESSAGE), (b"", EMPTY_MESSAGE)])
def test_parser_process_refuses_bad_files(area, parser_process, data, message):
    result = run(area, data)
    assert result.sen2_return is None and message in result.errors[0]["rule"]
    assert Sen2Return.objects.count() == 0 and person_rows() == 0


def test_bad_file_after_many_good_persons_rolls_back_in_the_parser_process(area, parser_process):
    data = sen2_xml(*[person_xml() for _ in range(30)]).replace(b"</Persons>", b"<Person>", 1)
    result = run(area, data)
    assert "not well-formed" in result.errors[0]["rule"]
    assert result.sen2_return is None and Sen2Return.objects.count() == 0 and person_rows() == 0


@pytest.mark.parametrize("how", ["raises", "dies"])
def test_a_failing_parser_process_leaves_the_previous_return(area, parser_process, monkeypatch, how):
    import os

    from sendhub.outcomes.sen2 import pipeline

    previous = run(area, sen2_xml(person_xml(), person_xml())).sen2_return
    real_read_rows = pipeline.read_rows

    class Failing:
        def __init__(self, sink):
            self.sink, self.batches = sink, 0

        def open(self, info):
            self.sink.open(info)

        def write(self, batch):
            self.sink.write(batch)
            self.batches += 1
            if self.batches == 2:  # after rows were written on the other side
                if how == "dies":
                    os._exit(3)
                raise MemoryError("out of memory")

    def failing_read_rows(reader, *, sink, **kwargs):
        return real_read_rows(reader, sink=Failing(sink), **kwargs)

    monkeypatch.setattr(pipeline, "read_rows", failing_read_rows)
    expected = "stopped unexpectedly (exit code 3)" if how == "dies" else "failed: MemoryError: out of memory"
    with pytest.raises(RuntimeError, match=re.escape(expected)):
        run(area, sen2_xml(*[person_xml() for _ in range(20)]))
    previous.refresh_from_db()
    assert previous.is_current and list(Sen2Return.objects.all()) == [previous]
    assert Sen2Person.objects.filter(sen2_return=previous).count() == 2 and Sen2Person.objects.count() == 2


def test_no_parser_process_while_other_threads_run(area, parser_process, monkeypatch):
    import os
    import threading

    def no_fork():
        raise AssertionError("forked with another thread running")

    monkeypatch.setattr(os, "fork", no_fork)
    stop = threading.Event()
    other = threading.Thread(target=stop.wait)
    other.start()
    try:
        assert run(area, sen2_xml(person_xml(), person_xml())).ok
    finally:
        stop.set()
        other.join()


def same_as_single_process(area, monkeypatch, data: bytes) -> list:
    """Import ``data`` in one process and then in two parts; assert the same outcome; the two-part results."""
    from sendhub.outcomes.sen2 import importer

    monkeypatch.setattr(importer, "PARSER_PROCESS_MIN_BYTES", None)
    single = run(area, data)
    expected = (single.errors, single.warnings, single.counts, single.ok and stored(single.sen2_return))
    monkeypatch.setattr(importer, "PARSER_PROCESS_MIN_BYTES", 0)
    monkeypatch.setattr(importer, "TWO_PARTS_MIN_BYTES", 0)
    monkeypatch.setattr(importer, "PIPE_BATCH_PERSONS", 2)
    read = record_two_part_reads(monkeypatch)
    parts = run(area, data)
    assert (parts.errors, parts.warnings, parts.counts, parts.ok and stored(parts.sen2_return)) == expected
    return read


def test_two_parts_that_do_not_fit_are_read_as_one(area, monkeypatch):
    persons = [person_xml() for _ in range(12)]
    # An error in the second half: the two parts are abandoned and the file read in one, for the right line.
    broken = sen2_xml(*persons).replace(b"</Surname>", b"</Surnam>", 10)
    assert [r is None for r in same_as_single_process(area, monkeypatch, broken)] == [True]
    # Persons not directly in Persons: the first part's closing tags do not fit.
    grouped = sen2_xml("<Group>", *persons, "</Group>")
    assert [r is None for r in same_as_single_process(area, monkeypatch, grouped)] == [True]


def test_files_that_cannot_be_cut_or_counted_are_read_in_one_part(area, monkeypatch):
    persons = [person_xml() for _ in range(12)]
    commented = sen2_xml(persons[0], "<!-- <Person> -->", *persons[1:])
    assert same_as_single_process(area, monkeypatch, commented) == [None]  # tried, and given up before parsing
    prefixed = sen2_xml(*persons).replace(b"<Message>", b'<s:Message xmlns:s="urn:sen2">').replace(
        b"</Message>", b"</s:Message>"
    )
    assert same_as_single_process(area, monkeypatch, prefixed) == []
    assert same_as_single_process(area, monkeypatch, sen2_xml(*persons).decode().encode("utf-16")) == []


def test_two_parts_with_problems_on_both_sides(area, monkeypatch):
    odd = person_xml(requests="<Requests><ReceivedDate>2024-03-01</ReceivedDate><Foo>1</Foo></Requests>")
    persons = [odd, person_xml(postcode="XYZ"), person_xml(dob="2014-13-45"), person_xml(upn="", uln="")] * 5
    data = sen2_xml(*persons, namespace="urn:sen2")
    assert [r is not None for r in same_as_single_process(area, monkeypatch, data)] == [True]


def test_progress_counts_the_persons_written_batch_by_batch(area, parser_process, tmp_path, monkeypatch):
    import sendhub.outcomes.computation as computation
    from sendhub.outcomes.management.commands import sen2_import

    seen: list[int] = []
    result = import_sen2(stream=io.BytesIO(sen2_xml(*MIXED)), filename="sen2.xml", area=area, progress=seen.append)
    assert result.ok and len(seen) > 2  # several batches of 3 persons
    assert seen == sorted(seen) and seen[-1] == len(MIXED) == result.counts["persons"]

    # The command prints a line each time another PROGRESS_STEP persons are written, with -v 2 only.
    monkeypatch.setattr(computation, "recompute_measures", lambda sen2_return: None)
    monkeypatch.setattr(sen2_import, "PROGRESS_STEP", 10)
    path = tmp_path / "sen2.xml"
    path.write_bytes(sen2_xml(*MIXED))
    err = io.StringIO()
    call_command("sen2_import", str(path), "--area", "888", "-v", "2", stdout=io.StringIO(), stderr=err)
    lines = re.findall(r"Written (\d+) persons so far", err.getvalue())
    assert len(lines) == 2 and 10 <= int(lines[0]) < 20 <= int(lines[1]) <= len(MIXED)
    err = io.StringIO()
    call_command("sen2_import", str(path), "--area", "888", stdout=io.StringIO(), stderr=err)
    assert "so far" not in err.getvalue()


# The person-level tables have no foreign-key constraints in the database: the importer checks the links ---------


@pytest.mark.parametrize(
    "table, column, broken",
    [
        ("outcomes_ehcrequest", 2, "requests without their person 1 (expected 0)"),
        ("outcomes_activeplan", 2, "active plans without their request 1 (expected 0)"),
        ("outcomes_sen2person", 1, "persons 1 (expected 2)"),
    ],
)
def test_rows_that_do_not_link_up_are_never_stored(area, monkeypatch, table, column, broken):
    """A fault in the importer that wrote a row pointing at a parent that is not in the return (or under another
    return) raises, and the import stores nothing; the area's previous return stays current."""
    from sendhub.outcomes.sen2 import importer

    previous = run(area, sen2_xml(person_xml())).sen2_return
    write = importer._Writer.write

    def faulty_write(self, model, rows):
        if model._meta.db_table == table and rows:
            first = list(rows[0])
            first[column] = previous.pk if column == 1 else first[column] + 10**9
            rows = [tuple(first), *rows[1:]]
        write(self, model, rows)

    monkeypatch.setattr(importer._Writer, "write", faulty_write)
    with pytest.raises(importer.LinkError, match=re.escape(broken)):
        run(area, sen2_xml(person_xml(), person_xml()))
    previous.refresh_from_db()
    assert previous.is_current and list(Sen2Return.objects.all()) == [previous]
    assert Sen2Person.objects.filter(sen2_return=previous).count() == 1 and person_rows() == 3


def test_deleting_a_return_or_its_area_deletes_its_rows_without_loading_them(area, other_area):
    """A return deleted through the ORM (or with its area) takes its person-level rows with it, one statement per
    table: Django's collector never reads them (it would load an England-sized return into memory)."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    kept = run(other_area, sen2_xml(person_xml(), lea="909")).sen2_return
    run(area, sen2_xml(person_xml(), person_xml()))
    tables = ("outcomes_sen2person", "outcomes_ehcrequest", "outcomes_activeplan")
    with CaptureQueriesContext(connection) as queries:
        Sen2Return.objects.filter(area=area).delete()
    assert person_rows() == 3
    with CaptureQueriesContext(connection) as more:
        other_area.delete()
    assert person_rows() == 0 and not Sen2Return.objects.filter(pk=kept.pk).exists()
    touching = [q["sql"] for q in [*queries, *more] if any(table in q["sql"] for table in tables)]
    assert touching and all(sql.startswith("DELETE FROM") for sql in touching), touching
    # A person deleted on its own still takes its requests and their plans (the links between them cascade).
    ret = run(area, sen2_xml(person_xml(), person_xml())).sen2_return
    ret.persons.order_by("position").first().delete()
    assert (ret.persons.count(), ret.requests.count(), ret.active_plans.count()) == (1, 1, 1)


def test_ids_are_reserved_in_blocks_and_never_collide(area, other_area):
    """On PostgreSQL one ``nextval`` reserves a block of ids (the sequences step by 1,000); rows written by other
    means, and later imports, take ids after them."""
    first = run(area, sen2_xml(*[person_xml()] * 3)).sen2_return
    other = run(other_area, sen2_xml(person_xml(), lea="909")).sen2_return
    person = Sen2Person.objects.create(sen2_return=other, position=2, reference="P-TEST")
    second = run(area, sen2_xml(*[person_xml()] * 2)).sen2_return
    ids = list(Sen2Person.objects.values_list("pk", flat=True))
    assert len(ids) == len(set(ids)) == 1 + 1 + 2  # the first return was superseded
    assert person.pk not in Sen2Person.objects.filter(sen2_return=second).values_list("pk", flat=True)
    assert EhcRequest.objects.filter(sen2_return=second).count() == 2 and not first.persons.exists()
    from django.db import connection

    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT seqincrement FROM pg_sequence WHERE seqrelid = pg_get_serial_sequence(%s, 'id')::regclass",
                ["outcomes_activeplan"],
            )
            assert cursor.fetchone()[0] == 1000
