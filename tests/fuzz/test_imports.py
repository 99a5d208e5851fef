"""Every importer, fed damaged and hostile files: it ends with its own error and a message, or succeeds; a
failure stores nothing.

The files are made from valid ones: cut short, bytes flipped or inserted, re-encoded (UTF-16 and UTF-32 with
BOMs, Latin-1, a doubled UTF-8 BOM), parts repeated (duplicate ids), values replaced with hostile ones
(NULs, 100,000 characters, 30 February, numbers past 64 bits, wrong JSON types), entity bombs and deep
nesting. Importers covered: SEN2 XML (``outcomes.services.sen2_import``, and its upload page), the DfE
release zip and statistical neighbours CSV (``outcomes.dfe``), partners' measure values CSV
(``outcomes.manual``, through its upload page), ORUK JSON (``directory.oruk.importer``), postcode files
(``directory.postcodes``) and evidence files (``improvement.uploads.check_upload``). Voice has no file import.

Each example runs in a savepoint that is rolled back, after checking that a failure left every table as it was.
"""

from __future__ import annotations

import copy
import io
import itertools
import json
import zipfile
from pathlib import Path

import pytest
from django.db import transaction
from django.urls import reverse
from hypothesis import example, given
from hypothesis import strategies as st

from sendhub.accounts.models import Role
from sendhub.directory.oruk.importer import ImportFailed, import_source
from sendhub.directory.postcodes import PostcodeImportError, import_postcodes
from sendhub.improvement.uploads import CheckedFile, FileRejected, check_upload
from sendhub.outcomes.dfe import DfeImportError, import_neighbours, import_release
from sendhub.outcomes.manual import parse_manual_csv
from sendhub.outcomes.models import ManualMeasure
from sendhub.outcomes.services import sen2_import
from tests.directory.oruk_schemas import EXAMPLES, require_shared
from tests.factories import member
from tests.fuzz import hostile
from tests.fuzz.conftest import db_fingerprint, fingerprint_changes, fuzz_settings
from tests.outcomes.test_sen2_parser import BILLION_LAUGHS, EXTERNAL_ENTITY, REQUEST, person_xml, sen2_xml

pytestmark = pytest.mark.django_db

EXAMPLES_PER_IMPORTER = 25


class Files:
    """Numbered files in the test's directory: importers that take a path get a fresh one per example."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self.counter = itertools.count()

    def write(self, name: str, data: bytes) -> Path:
        path = self.folder / f"{next(self.counter)}" / name
        path.parent.mkdir(parents=True)
        path.write_bytes(data)
        return path


@pytest.fixture
def files(tmp_path) -> Files:
    return Files(tmp_path)


def with_examples(name: str, values) -> callable:
    """Always try these inputs too: the classic failures must be hit on every run, not only when generated."""

    def decorate(test):
        for value in reversed(list(values)):
            test = example(**{name: value})(test)
        return test

    return decorate


def attempt(run, errors: tuple[type[Exception], ...], what: str):
    """Run an import in a savepoint that is rolled back; return (outcome, exception, changes when it failed).

    Any other exception fails the example naming the input (hypothesis does not print large inputs)."""
    with transaction.atomic():
        before = db_fingerprint()
        try:
            outcome, failure = run(), None
        except errors as exc:
            outcome, failure = None, exc
        except Exception as exc:
            raise AssertionError(f"{type(exc).__name__} ({exc!s:.200}) instead of a clear error, for {what}") from exc
        changes = fingerprint_changes(before, db_fingerprint()) if failure is not None else []
        transaction.set_rollback(True)
    return outcome, failure, changes


def assert_clear_failure(failure: Exception | None, changes: list[str], what: str) -> None:
    if failure is None:
        return
    assert str(failure).strip(), f"{what}: {type(failure).__name__} without a message"
    assert not changes, f"{what}: failed with {failure!s:.200} but stored: {'; '.join(changes)}"


# SEN2 --------------------------------------------------------------------------------------------------------

XML_VALUES = st.one_of(
    hostile.hostile_scalar().map(lambda s: s.replace("&", "&amp;").replace("<", "&lt;")),
    st.sampled_from(["&xxe;", "&#0;", "&#x1F;", "&#xD800;", "<![CDATA[x]]>", "<Extra/>", "&lt;&gt;"]),
)
SEN2_ITEMS = ("Surname", "PersonBirthDate", "PostCode", "UPN", "ReceivedDate", "RequestOutcome", "StartDate",
              "SENSetting", "SENtype", "URN", "Year", "ReferenceDate", "LEA", "Week20", "PlacementRank")


def _sen2_valid() -> bytes:
    return sen2_xml(person_xml(), person_xml(upn="B888123456789", uln="", postcode="BB18 6AB"))


@st.composite
def sen2_files(draw) -> bytes:
    valid = _sen2_valid()
    kind = draw(st.sampled_from(["bytes", "bytes", "value", "value", "structure", "hostile"]))
    if kind == "bytes":
        return draw(hostile.mutated_bytes(valid))
    if kind == "value":
        text = valid.decode()
        item = draw(st.sampled_from(SEN2_ITEMS))
        start = text.find(f"<{item}>")
        end = text.find(f"</{item}>", start)
        value = draw(XML_VALUES)
        return (text[: start + len(item) + 2] + value + text[end:]).encode("utf-8", "surrogatepass")
    if kind == "structure":
        choice = draw(st.sampled_from(["duplicate-person", "deep", "many-requests", "no-persons", "two-headers",
                                       "namespace", "empty-person"]))
        persons = {
            "duplicate-person": [person_xml(), person_xml()],
            "deep": [person_xml().replace("</Person>", "<A>" * 5000 + "</A>" * 5000 + "</Person>")],
            "many-requests": [person_xml(requests=REQUEST.format(start="2024-07-10", week20="0") * 30)],
            "no-persons": [],
            "two-headers": [person_xml()],
            "namespace": [person_xml()],
            "empty-person": ["<Person/>"],
        }[choice]
        data = sen2_xml(*persons, namespace="urn:not-sen2" if choice == "namespace" else "")
        if choice == "two-headers":
            data = data.replace(b"<Persons>", data[data.find(b"<Header>"): data.find(b"</Header>") + 9] + b"<Persons>")
        return data
    return draw(st.sampled_from(SEN2_CLASSICS))


SEN2_CLASSICS = [
        BILLION_LAUGHS,
        EXTERNAL_ENTITY,
        b"",
        b"\xef\xbb\xbf",
        b"<Message>" * 100_000,
        b"<?xml version='1.0' encoding='utf-16'?><Message/>",
        "<?xml version='1.0' encoding='utf-8'?>".encode("utf-16"),
        _sen2_valid().decode().encode("utf-16"),
        _sen2_valid().decode().replace("Smith", "Brontë").encode("latin-1"),
        b'<?xml version="1.0" encoding="ISO-8859-1"?>' + _sen2_valid().split(b"\n", 1)[1],
        b"<!--" + b"x" * 100_000 + b"-->" + _sen2_valid().split(b"\n", 1)[1],
        b"PK\x03\x04" + _sen2_valid(),
        hostile.zip_of({"sen2.xml": _sen2_valid()}),
        sen2_xml(person_xml(surname="x" * 100_000)),
        sen2_xml(person_xml(surname="&#0;")),
        sen2_xml(person_xml(dob="2026-02-30")),
        sen2_xml(person_xml().replace("</Person>", "<A>" * 5000 + "</A>" * 5000 + "</Person>")),
]


def test_sen2_import_reports_problems_or_stores_a_whole_return(area):
    @fuzz_settings(EXAMPLES_PER_IMPORTER)
    @given(data=sen2_files())
    @with_examples("data", SEN2_CLASSICS)
    def run(data):
        with transaction.atomic():
            before = db_fingerprint()
            result = sen2_import(stream=io.BytesIO(data), filename="sen2.xml", area=area)
            if result.sen2_return is None:
                assert result.errors, "refused without saying why"
                assert all(str(e.get("rule", "")).strip() for e in result.errors), result.errors[:3]
                changes = fingerprint_changes(before, db_fingerprint())
                assert not changes, f"refused ({result.errors[0]['rule']}) but stored: {'; '.join(changes)}"
            transaction.set_rollback(True)

    run()


def test_sen2_upload_page_answers_a_message_or_the_return(client_for, admin_user, area):
    """The same files through the upload page: an error summary and nothing stored, or a redirect."""
    path = reverse("outcomes:return-upload", args=[area.slug])

    @fuzz_settings(EXAMPLES_PER_IMPORTER // 2)
    @given(data=sen2_files(), name=st.sampled_from(["sen2.xml", "SEN2.XML", "sen2.xml.exe", "sen2.csv", ".xml"]))
    def run(data, name):
        with transaction.atomic():
            client = client_for(admin_user)
            before = db_fingerprint()
            response = client.post(path, {"file": _named(data, name)})
            _check_page(response, before, f"{name} ({len(data)} bytes)")
            transaction.set_rollback(True)

    run()


def _named(data: bytes, name: str):
    from django.core.files.uploadedfile import SimpleUploadedFile

    return SimpleUploadedFile(name, data, content_type="application/octet-stream")


def _check_page(response, before: dict, sent: str) -> None:
    from tests.fuzz.test_forms import error_summary_problems

    assert response.status_code < 500, f"server error for {sent}"
    if response.status_code in (302, 303):
        return
    assert response.status_code == 200, f"unexpected {response.status_code} for {sent}"
    problem = error_summary_problems(response.content.decode())
    assert problem is None, f"{problem} for {sent}"
    changes = fingerprint_changes(before, db_fingerprint())
    assert not changes, f"refused {sent} but stored: {'; '.join(changes)}"


# Partners' measures: CSV of values ------------------------------------------------------------------------------

MANUAL_CSV = b"period_end,value,note\n2025-01-31,12.5,First month\n2025-02-28,11,\n2025-03-31,\"1,204\",\"a, b\"\n"
CSV_CELLS = st.one_of(hostile.hostile_scalar(), st.sampled_from(['"', '""', '"a""b', "a\nb", ",,,", "\r"]))


@st.composite
def csv_with_hostile_cell(draw, valid: bytes) -> bytes:
    """A valid CSV with one cell replaced by a hostile value, quoted as a spreadsheet would (or not)."""
    lines = valid.decode("utf-8-sig").splitlines()
    row = draw(st.integers(0, len(lines) - 1))
    cells = lines[row].split(",")
    column = draw(st.integers(0, len(cells) - 1))
    value = draw(CSV_CELLS)
    cells[column] = draw(st.sampled_from([value, '"' + value.replace('"', '""') + '"']))
    lines[row] = ",".join(cells)
    if draw(st.booleans()):
        lines.insert(row, lines[row])  # a repeated row: the same period twice
    return ("\n".join(lines) + "\n").encode("utf-8", "surrogatepass")


def csv_files(valid: bytes) -> st.SearchStrategy[bytes]:
    return st.one_of(hostile.mutated_bytes(valid), csv_with_hostile_cell(valid), st.binary(max_size=300))


def test_manual_values_csv_upload_answers_a_message_or_stores_every_row(client_for, area, la_org):
    measure = ManualMeasure.objects.create(
        area=area, key="wait", name="Autism assessment wait", unit="weeks", direction="lower", owner=la_org
    )
    editor = member(area, Role.EDITOR, la_org)
    path = reverse("outcomes:manual-measure-upload", args=[area.slug, measure.pk])

    @fuzz_settings(EXAMPLES_PER_IMPORTER)
    @given(data=csv_files(MANUAL_CSV))
    def run(data):
        rows, errors = parse_manual_csv(data)
        assert all(isinstance(e, str) and e for e in errors)
        with transaction.atomic():
            client = client_for(editor)
            before = db_fingerprint()
            response = client.post(path, {"file": _named(data, "values.csv")})
            _check_page(response, before, repr(data[:80]))
            transaction.set_rollback(True)

    run()


# DfE release and statistical neighbours -------------------------------------------------------------------------

DFE_HEADER = (
    "time_period,time_identifier,geographic_level,country_code,country_name,region_code,region_name,"
    "new_la_code,old_la_code,la_name,breakdown_topic,breakdown,plans_issued_den,PC_plans_issued_20_weeks_ex"
)
TOTAL = "All EHC plans issued,All EHC plans issued"
LANCASHIRE = "Local authority,E92000001,England,E12000002,North West,E10000017,888,Lancashire"
DFE_CSV = "\r\n".join([
    DFE_HEADER,
    f'2024,Calendar year,National,E92000001,England,,,,,,{TOTAL},"84,866",46.4',
    f"2024,Calendar year,Regional,E92000001,England,E12000002,North West,,,,{TOTAL},13808,50.5",
    f"2024,Calendar year,{LANCASHIRE},{TOTAL},1718,17.3",
    f"202324,Academic year,{LANCASHIRE},{TOTAL},x,z",
]).encode("utf-8-sig") + b"\r\n"


@st.composite
def dfe_releases(draw) -> bytes:
    """A release zip: the CSV damaged inside a sound zip, or the zip's own bytes damaged."""
    kind = draw(st.sampled_from(["csv", "csv", "zip", "layout"]))
    if kind == "csv":
        return hostile.zip_of({"data/timeliness_20_week.csv": draw(csv_files(DFE_CSV))})
    if kind == "zip":
        return draw(hostile.mutated_bytes(hostile.zip_of({"data/timeliness_20_week.csv": DFE_CSV})))
    return draw(st.sampled_from(DFE_CLASSICS))


def _damaged(data: bytes, at: int, byte: int = 0xFF) -> bytes:
    return data[:at] + bytes([byte]) + data[at + 1:]


_DFE_ZIP = hostile.zip_of({"data/timeliness_20_week.csv": DFE_CSV})
DFE_CLASSICS = [
        _DFE_ZIP[: len(_DFE_ZIP) // 2],
        _damaged(_DFE_ZIP, 40),  # inside the compressed data: zlib or CRC error while reading
        _damaged(_DFE_ZIP, 0, 0),  # the local header's magic number
        _damaged(_DFE_ZIP, 10),  # the member's compression method
        hostile.zip_of({}),
        hostile.zip_of({"data/": b"", "readme.txt": b"no csv"}),
        hostile.zip_of({"data/a.csv": DFE_CSV, "data/b.csv": DFE_CSV}),  # the same rows twice
        hostile.zip_of({"../../data/evil.csv": DFE_CSV}),
        hostile.zip_of({"data/big.csv": DFE_CSV + b"2024," + b"9" * 200_000 + b"\r\n"}),
        hostile.zip_of({"data/t.csv": DFE_CSV.replace(b"2024,", b"99999999,", 1)}),
        hostile.zip_of({"data/t.csv": DFE_CSV.replace(b"46.4", b"1e999").replace(b"50.5", b"-1e999")}),
        hostile.zip_of({"data/t.csv": DFE_CSV.replace(b"England", b"Eng\x00land")}),
        hostile.zip_of({"data/t.csv": DFE_CSV.decode("utf-8-sig").encode("utf-16")}),
        hostile.zip_of({"data/" + "x" * 200 + ".csv": DFE_CSV}),
]


def test_dfe_release_import_refuses_with_a_message_or_stores_the_release(files):
    @fuzz_settings(EXAMPLES_PER_IMPORTER)
    @given(data=dfe_releases())
    @with_examples("data", DFE_CLASSICS)
    def run(data):
        path = files.write("release.zip", data)
        what = f"release {data[:100]!r} ({len(data)} bytes)"
        _, failure, changes = attempt(lambda: import_release(path), (DfeImportError,), what)
        assert_clear_failure(failure, changes, what)

    run()


NEIGHBOURS_CSV = (",".join(["Lancashire", "Cumbria"]) + "\n" + "\n".join(
    f"Neighbour {n},Other {n}" for n in range(1, 11)) + "\n").encode()


def test_dfe_neighbours_import_refuses_with_a_message_or_replaces_the_list(files):
    @fuzz_settings(EXAMPLES_PER_IMPORTER)
    @given(data=csv_files(NEIGHBOURS_CSV))
    def run(data):
        path = files.write("neighbours.csv", data)
        what = f"neighbours {data[:100]!r} ({len(data)} bytes)"
        _, failure, changes = attempt(lambda: import_neighbours(path), (DfeImportError,), what)
        assert_clear_failure(failure, changes, what)

    run()


# Postcodes -----------------------------------------------------------------------------------------------------

POSTCODE_FILES = {
    "onspd": b"pcd,pcds,doterm,oslaua,lat,long\nPR1 2HE,PR1 2HE,,E07000123,53.759,-2.699\n"
    b"BB1 1AA,BB1 1AA,,E06000008,53.748,-2.482\n",
    "codepoint": b'"PR1 2HE",10,353800,429300,"E92000001"\n"BB1 1AA",10,368600,428200,"E92000001"\n',
    "outcodes": b"postcode,eastings,northings,latitude,longitude,town,country\n"
    b"PR1,353800,429300,53.75779,-2.70082,Preston,ENG\nBT1,146300,529800,54.59941,-5.92838,Belfast,NIR\n",
}


@st.composite
def postcode_files(draw) -> tuple[bytes, str, bool]:
    kind = draw(st.sampled_from(sorted(POSTCODE_FILES)))
    zipped = hostile.zip_of({"x.csv": POSTCODE_FILES[kind]})
    data = draw(st.one_of(csv_files(POSTCODE_FILES[kind]), hostile.mutated_bytes(zipped)))
    return data, draw(st.sampled_from(["auto", kind])), draw(st.booleans())


def postcode_classics() -> list[tuple[bytes, str, bool]]:
    zipped = hostile.zip_of({"onspd.csv": POSTCODE_FILES["onspd"]})
    return [
        (zipped[: len(zipped) // 2], "auto", False),
        (_damaged(zipped, 40), "auto", False),
        (_damaged(zipped, 0, 0), "auto", True),
        (_damaged(zipped, 8), "onspd", False),
        (POSTCODE_FILES["onspd"].replace(b"53.759", b"nan"), "auto", True),
        (POSTCODE_FILES["outcodes"].replace(b"353800", b"1e308"), "outcodes", False),
        (POSTCODE_FILES["outcodes"].replace(b"Preston", b"Pres\x00ton"), "outcodes", True),
        (POSTCODE_FILES["outcodes"].replace(b"Preston", b"P" * 100_000), "outcodes", True),
        (POSTCODE_FILES["codepoint"].decode().encode("utf-16"), "auto", False),
        # One endless line (issue 13: a small zip of hundreds of millions of commas), as the header and later.
        (hostile.zip_of({"onspd.csv": b"," * 3_000_000}), "auto", False),
        (hostile.zip_of({"onspd.csv": POSTCODE_FILES["onspd"] + b"," * 3_000_000}), "onspd", False),
        (POSTCODE_FILES["onspd"] + b'"' + b"PR1 2HE,\n" * 300_000, "onspd", False),  # a quote never closed
    ]


def test_postcode_import_refuses_with_a_message_or_reports_each_bad_row(files):
    @fuzz_settings(EXAMPLES_PER_IMPORTER)
    @given(case=postcode_files())
    @with_examples("case", postcode_classics())
    def run(case):
        data, kind, strict = case
        path = files.write("postcodes.csv", data)
        what = f"postcodes (kind={kind}, strict={strict}) {data[:100]!r} ({len(data)} bytes)"
        report, failure, changes = attempt(
            lambda: import_postcodes(path, kind=kind, strict=strict), (PostcodeImportError,), what
        )
        assert_clear_failure(failure, changes, what)
        if report is not None:
            assert report.error_count == 0 or report.errors, "bad rows counted but none reported"

    run()


# ORUK JSON -------------------------------------------------------------------------------------------------------

def _json_paths(document, prefix=()):
    """Every (path) to a value in the document, for picking one to damage."""
    yield prefix
    if isinstance(document, dict):
        for key, value in document.items():
            yield from _json_paths(value, (*prefix, key))
    elif isinstance(document, list):
        for n, value in enumerate(document):
            yield from _json_paths(value, (*prefix, n))


JSON_VALUES = st.one_of(
    hostile.hostile_text(),
    st.sampled_from([None, True, False, 0, -1, 1.5, 2**64, -(2**63) - 1, 1e308, [], {}, [[]], {"id": None}]),
    st.sampled_from(["00000000-0000-4000-8000-000000000000", "not-a-uuid", "2026-02-30", "25:61:00"]),
    st.lists(st.integers(), max_size=3),
)
# Placed into the JSON text after dumping: what json.dumps would never write.
RAW_JSON = ("\"\\ud800\"", "\"\\u0000\"", "NaN", "Infinity", "1e99999", "[" * 100_000 + "]" * 100_000,
            "{\"a\":" * 50_000 + "1" + "}" * 50_000)
PLACEHOLDER = "__sendhub_fuzz_raw__"


@st.composite
def oruk_documents(draw) -> bytes:
    document = json.loads((EXAMPLES / "service_full.json").read_text(encoding="utf-8"))
    kind = draw(st.sampled_from(["value", "value", "value", "delete", "duplicate", "raw", "bytes", "wrap"]))
    if kind == "bytes":
        return draw(hostile.mutated_bytes(json.dumps(document).encode()))
    if kind == "wrap":
        wrapped = draw(st.sampled_from([[document, document], {"contents": [document, 5, "x"]}, [document] * 3]))
        return json.dumps(wrapped).encode()
    paths = [p for p in _json_paths(document) if p]
    path = draw(st.sampled_from(paths))
    parent = document
    for step in path[:-1]:
        parent = parent[step]
    last = path[-1]
    if kind == "delete":
        del parent[last]
    elif kind == "duplicate":
        if isinstance(parent, list):
            parent.append(copy.deepcopy(parent[last]))  # the same id twice
        else:
            parent[last] = [parent[last], parent[last]]
    elif kind == "value":
        parent[last] = draw(JSON_VALUES)
    else:
        parent[last] = PLACEHOLDER
        return json.dumps(document).replace(f'"{PLACEHOLDER}"', draw(st.sampled_from(RAW_JSON))).encode()
    return json.dumps(document).encode("utf-8", "surrogatepass")


def _oruk_with(raw: str, key: str = "name") -> bytes:
    document = json.loads((EXAMPLES / "service_full.json").read_text(encoding="utf-8"))
    document[key] = PLACEHOLDER
    return json.dumps(document).replace(f'"{PLACEHOLDER}"', raw).encode()


def oruk_classics() -> list[bytes]:
    service = json.loads((EXAMPLES / "service_full.json").read_text(encoding="utf-8"))
    return [
        *(_oruk_with(raw) for raw in RAW_JSON),
        _oruk_with(json.dumps("x" * 100_000), "description"),
        _oruk_with(json.dumps("Parent\u0000group")),
        json.dumps([service, {**service, "name": "Same id, other name"}]).encode(),
        json.dumps(service).encode("utf-16"),
        b"\xef\xbb\xbf" + json.dumps(service).encode(),
        json.dumps(service).encode()[:-10],
        _oruk_with(json.dumps("javascript:alert(document.cookie)"), "url"),
        _oruk_with(json.dumps("data:text/html,<script>alert(1)</script>"), "url"),
    ]


def test_oruk_import_refuses_with_every_problem_or_imports_everything(files, area):
    require_shared()

    @fuzz_settings(EXAMPLES_PER_IMPORTER)
    @given(data=oruk_documents())
    @with_examples("data", oruk_classics())
    def run(data):
        path = files.write("service.json", data)
        what = f"ORUK service JSON {data[:100]!r} ({len(data)} bytes)"
        _, failure, changes = attempt(lambda: import_source(str(path), area), (ImportFailed,), what)
        assert_clear_failure(failure, changes, what)
        if failure is not None:
            assert failure.errors and all(e.strip() for e in failure.errors)

    run()


# Evidence files -----------------------------------------------------------------------------------------------


def test_evidence_file_check_accepts_or_refuses_with_a_message():
    @fuzz_settings(EXAMPLES_PER_IMPORTER * 2)
    @given(upload=hostile.hostile_file(), allowed=st.sampled_from([None, {"pdf"}, {"csv", "txt"}]))
    def run(upload, allowed):
        name, content, _ = upload
        try:
            checked = check_upload(name, len(content), io.BytesIO(content), max_bytes=1024, allowed=allowed)
        except FileRejected as exc:
            assert str(exc).startswith("The selected file"), str(exc)
        else:
            assert isinstance(checked, CheckedFile) and checked.size_bytes == len(content) > 0

    run()


def test_zip_helper_makes_real_zips():
    """The mutations start from sound files: the helper's zips open."""
    with zipfile.ZipFile(io.BytesIO(hostile.zip_of({"a.csv": b"x"}))) as archive:
        assert archive.read("a.csv") == b"x"
