"""Loading postcode points: the ONS Postcode Directory, Code-Point Open, or a postcode-district CSV.

Formats (``kind``; ``auto`` looks at the first line):

- ``onspd``: the ONS Postcode Directory CSV (header row; ``pcds``, ``lat``, ``long``, ``doterm``, and the local
  authority code in ``oslaua`` or a ``ladNNcd`` column). Terminated postcodes (``doterm`` not empty) and
  postcodes without a grid reference (``lat`` 99.999999) are skipped and counted, not errors.
- ``codepoint``: Code-Point Open CSV (no header: Postcode, Positional_quality_indicator, Eastings, Northings,
  ...). Eastings/northings are converted to WGS84 (``geo.osgb36_to_wgs84``). Rows without a grid reference
  (quality 90, or 0/0) are skipped and counted.
- ``outcodes``: a postcode-district CSV with a header naming ``postcode`` (or ``outcode``), ``latitude``,
  ``longitude`` and optionally ``eastings``, ``northings``, ``town``, ``country`` (like uk-outcodes.csv).
  When a British row has eastings/northings they are used for the point (converted to WGS84), because such
  files often give OSGB36 latitudes that sit about 100 m from WGS84 ones.

Policy on bad rows: the national files have millions of rows, so a bad row (malformed postcode, coordinate that
is not a number or is outside the UK) is skipped, counted and reported with its line and column; the first 20
are listed. With ``strict=True`` any bad row aborts the import and nothing is stored. Each import is one
transaction; rows are upserted in batches (re-importing a file updates points, never duplicates).
"""

from __future__ import annotations

import csv
import io
import itertools
import time
import zipfile
import zlib
from dataclasses import dataclass, field
from pathlib import Path

from django.db import transaction

from sendhub.csvsafe import CsvLimitError, csv_rows
from sendhub.directory.geo import InvalidPostcode, is_outcode, normalise_postcode, osgb36_to_wgs84, outcode_of
from sendhub.directory.models import Postcode, PostcodeDistrict

BATCH = 5000
MAX_REPORTED = 20
KINDS = ("auto", "onspd", "codepoint", "outcodes")

# Lancashire's twelve districts by ONS code, so a Postcode's district reads as a name where we know it.
LAD_NAMES = {
    "E07000117": "Burnley",
    "E07000118": "Chorley",
    "E07000119": "Fylde",
    "E07000120": "Hyndburn",
    "E07000121": "Lancaster",
    "E07000122": "Pendle",
    "E07000123": "Preston",
    "E07000124": "Ribble Valley",
    "E07000125": "Rossendale",
    "E07000126": "South Ribble",
    "E07000127": "West Lancashire",
    "E07000128": "Wyre",
    "E06000008": "Blackburn with Darwen",
    "E06000009": "Blackpool",
}


class PostcodeImportError(Exception):
    """The file cannot be imported at all (unknown format, missing columns, or a bad row with strict)."""


@dataclass
class ImportReport:
    kind: str = ""
    rows: int = 0
    imported: int = 0
    skipped_terminated: int = 0
    skipped_no_point: int = 0
    errors: list[str] = field(default_factory=list)
    error_count: int = 0
    seconds: float = 0.0

    def add_error(self, message: str) -> None:
        self.error_count += 1
        if len(self.errors) < MAX_REPORTED:
            self.errors.append(message)

    def summary(self) -> str:
        what = "postcode districts" if self.kind == "outcodes" else "postcodes"
        parts = [f"Imported {self.imported:,} {what} from {self.rows:,} rows ({self.kind}) in {self.seconds:.1f} s"]
        if self.skipped_terminated:
            parts.append(f"{self.skipped_terminated:,} terminated postcodes skipped")
        if self.skipped_no_point:
            parts.append(f"{self.skipped_no_point:,} without a grid reference skipped")
        if self.error_count:
            parts.append(f"{self.error_count:,} bad rows skipped")
        return "; ".join(parts) + "."


class _BadRow(Exception):
    def __init__(self, column: str, message: str):
        super().__init__(message)
        self.column = column
        self.message = message


# What a damaged or unusual zip raises while it is opened or read (bad headers, checksums, compression).
_ZIP_ERRORS = (zipfile.BadZipFile, zlib.error, EOFError, OSError, NotImplementedError, RuntimeError)
_READ_ERRORS = (UnicodeDecodeError, csv.Error, *_ZIP_ERRORS)


def _open_text(path: Path) -> io.TextIOBase:
    """The CSV as text. A zip (as the ONSPD is downloaded) gives its largest CSV file."""
    if zipfile.is_zipfile(path):
        try:
            archive = zipfile.ZipFile(path)
            csvs = [i for i in archive.infolist() if i.filename.lower().endswith(".csv")]
            if not csvs:
                raise PostcodeImportError(f"{path.name} is a zip file with no CSV file in it.")
            biggest = max(csvs, key=lambda i: i.file_size)
            return io.TextIOWrapper(archive.open(biggest), encoding="utf-8-sig", newline="")
        except _ZIP_ERRORS as exc:
            raise PostcodeImportError(f"{path.name} is a damaged zip file ({exc}). Nothing was imported.") from None
    return open(path, encoding="utf-8-sig", newline="")  # noqa: SIM115


def detect_kind(first_row: list[str]) -> str:
    lowered = [c.strip().lower() for c in first_row]
    if "pcds" in lowered or ("pcd" in lowered and "lat" in lowered):
        return "onspd"
    if ("postcode" in lowered or "outcode" in lowered) and "latitude" in lowered and "longitude" in lowered:
        return "outcodes"
    if len(first_row) >= 4:
        try:
            normalise_postcode(first_row[0])
            float(first_row[2])
            float(first_row[3])
            return "codepoint"
        except (InvalidPostcode, ValueError):
            pass
    raise PostcodeImportError(
        "We could not tell what kind of postcode file this is. Expected an ONS Postcode Directory CSV (with a "
        "pcds column), Code-Point Open CSV (no header; postcode, quality, eastings, northings) or a "
        "postcode-district CSV (postcode, latitude, longitude). Use --kind to say which."
    )


def _float(value: str, column: str) -> float:
    try:
        return float(value)
    except (TypeError, ValueError):
        raise _BadRow(column, f"'{value}' is not a number") from None


def _check_uk(lat: float, lon: float, lat_column: str, lon_column: str) -> None:
    if not 49.0 <= lat <= 61.5:
        raise _BadRow(lat_column, f"latitude {lat} is outside the UK")
    if not -8.7 <= lon <= 2.1:
        raise _BadRow(lon_column, f"longitude {lon} is outside the UK")


def _column(header: list[str], *names: str, required: bool = True) -> int | None:
    lowered = [c.strip().lower() for c in header]
    for name in names:
        if name in lowered:
            return lowered.index(name)
    if required:
        raise PostcodeImportError(f"The file has no {names[0]} column (found: {', '.join(header[:12])}).")
    return None


def _onspd_parser(header: list[str], report: ImportReport):
    pc = _column(header, "pcds", "pcd")
    lat_i, lon_i = _column(header, "lat"), _column(header, "long")
    term = _column(header, "doterm", required=False)
    lad = _column(header, "oslaua", "lad25cd", "lad24cd", "lad23cd", "lad22cd", "laua", required=False)
    width = max(i for i in (pc, lat_i, lon_i, term, lad) if i is not None) + 1

    def parse(row: list[str]) -> tuple | None:
        if len(row) < width:
            raise _BadRow(header[len(row)], f"the row has {len(row)} columns, expected at least {width}")
        if term is not None and row[term].strip():
            report.skipped_terminated += 1
            return None
        if row[lat_i].strip() in {"99.999999", ""}:
            report.skipped_no_point += 1
            return None
        try:
            postcode = normalise_postcode(row[pc])
        except InvalidPostcode:
            raise _BadRow(header[pc], f"'{row[pc]}' is not a UK postcode") from None
        lat, lon = _float(row[lat_i], header[lat_i]), _float(row[lon_i], header[lon_i])
        _check_uk(lat, lon, header[lat_i], header[lon_i])
        code = row[lad].strip() if lad is not None else ""
        return (postcode, lat, lon, LAD_NAMES.get(code, code))

    return parse


def _codepoint_parser(header: list[str], report: ImportReport):
    names = ["Postcode", "Positional_quality_indicator", "Eastings", "Northings"]

    def parse(row: list[str]) -> tuple | None:
        if len(row) < 4:
            raise _BadRow(names[len(row)], f"the row has {len(row)} columns, expected at least 4")
        try:
            postcode = normalise_postcode(row[0])
        except InvalidPostcode:
            raise _BadRow(names[0], f"'{row[0]}' is not a UK postcode") from None
        easting, northing = _float(row[2], names[2]), _float(row[3], names[3])
        if row[1].strip() == "90" or (easting == 0 and northing == 0):
            report.skipped_no_point += 1
            return None
        if not (0 <= easting <= 700000):
            raise _BadRow(names[2], f"easting {row[2]} is outside the National Grid")
        if not (0 <= northing <= 1300000):
            raise _BadRow(names[3], f"northing {row[3]} is outside the National Grid")
        lat, lon = osgb36_to_wgs84(easting, northing)
        return (postcode, lat, lon, "")

    return parse


def _outcodes_parser(header: list[str], report: ImportReport):
    pc = _column(header, "postcode", "outcode", "postcode_district")
    lat_i, lon_i = _column(header, "latitude"), _column(header, "longitude")
    east, north = _column(header, "eastings", required=False), _column(header, "northings", required=False)
    town = _column(header, "town", required=False)
    region = _column(header, "region", required=False)
    country = _column(header, "country", required=False)
    width = max(i for i in (pc, lat_i, lon_i, east, north, town, region, country) if i is not None) + 1

    def parse(row: list[str]) -> tuple | None:
        if len(row) < width:
            raise _BadRow(header[len(row)], f"the row has {len(row)} columns, expected {len(header)}")
        outcode = row[pc].strip().upper()
        if not is_outcode(outcode):
            raise _BadRow(header[pc], f"'{row[pc]}' is not a postcode district (like PR1)")
        outcode = outcode_of(outcode)
        british = country is None or row[country].strip().upper() not in {"NIR", "NORTHERN IRELAND"}
        if british and east is not None and north is not None and row[east].strip() and row[north].strip():
            easting, northing = _float(row[east], header[east]), _float(row[north], header[north])
            # Wider than Great Britain's grid (the Channel Islands have negative northings), but finite.
            if not (-1_000_000 <= easting <= 2_000_000):
                raise _BadRow(header[east], f"easting {row[east]} is outside the range of the National Grid")
            if not (-1_000_000 <= northing <= 2_000_000):
                raise _BadRow(header[north], f"northing {row[north]} is outside the range of the National Grid")
            lat, lon = osgb36_to_wgs84(easting, northing)
        else:
            lat, lon = _float(row[lat_i], header[lat_i]), _float(row[lon_i], header[lon_i])
        _check_uk(lat, lon, header[lat_i], header[lon_i])
        name = row[town].strip() if town is not None else ""
        if not name and region is not None:
            name = row[region].strip()
        return (outcode, lat, lon, name[:100])

    return parse


PARSERS = {"onspd": _onspd_parser, "codepoint": _codepoint_parser, "outcodes": _outcodes_parser}


def _write(kind: str, batch: list[tuple]) -> None:
    if kind == "outcodes":
        PostcodeDistrict.objects.bulk_create(
            [PostcodeDistrict(outcode=o, latitude=la, longitude=lo, town=t) for o, la, lo, t in batch],
            update_conflicts=True,
            unique_fields=["outcode"],
            update_fields=["latitude", "longitude", "town"],
        )
    else:
        Postcode.objects.bulk_create(
            [Postcode(postcode=p, latitude=la, longitude=lo, district=d) for p, la, lo, d in batch],
            update_conflicts=True,
            unique_fields=["postcode"],
            update_fields=["latitude", "longitude", "district"],
        )


def import_postcodes(path: str | Path, kind: str = "auto", strict: bool = False) -> ImportReport:
    """Load a postcode file into Postcode (ONSPD, Code-Point Open) or PostcodeDistrict (district CSV)."""
    if kind not in KINDS:
        raise PostcodeImportError(f"Unknown kind {kind}; use one of {', '.join(KINDS)}.")
    path = Path(path)
    if not path.is_file():
        raise PostcodeImportError(f"There is no file {path}.")
    started = time.perf_counter()
    report = ImportReport()
    line = 1
    with _open_text(path) as stream:
        # Lines are read with a length limit: a zip of one endless line must not fill the memory.
        reader = csv_rows(stream, source=path.name)
        try:
            first = next(reader)
        except StopIteration:
            raise PostcodeImportError(f"{path.name} is empty.") from None
        except CsvLimitError as exc:
            raise PostcodeImportError(f"{exc} Nothing was imported.") from None
        except _READ_ERRORS as exc:
            raise PostcodeImportError(f"{path.name} is not a readable CSV file: {exc}") from None
        report.kind = detect_kind(first) if kind == "auto" else kind
        if report.kind == "codepoint":
            header, rows = [], itertools.chain([first], reader)
            line = 0
        else:
            header, rows = first, reader
        parse = PARSERS[report.kind](header, report)
        seen: set[str] = set()
        batch: dict[str, tuple] = {}
        try:
            with transaction.atomic():
                for row in rows:
                    line += 1
                    if not row or not any(cell.strip() for cell in row):
                        continue
                    report.rows += 1
                    try:
                        if any("\x00" in cell for cell in row):
                            # PostgreSQL text cannot hold NUL, and no real postcode file has one.
                            raise _BadRow(header[0] if header else "1", "the row contains a NUL character")
                        parsed = parse(row)
                    except _BadRow as bad:
                        message = f"Line {line:,}, column {bad.column}: {bad.message}."
                        if strict:
                            raise PostcodeImportError(message + " Nothing was imported.") from None
                        report.add_error(message)
                        continue
                    if parsed is None:
                        continue
                    batch[parsed[0]] = parsed  # a key repeated within a batch: the later row wins
                    if len(batch) >= BATCH:
                        _write(report.kind, list(batch.values()))
                        seen.update(batch)
                        batch = {}
                if batch:
                    _write(report.kind, list(batch.values()))
                    seen.update(batch)
        except CsvLimitError as exc:
            raise PostcodeImportError(f"{exc} Nothing was imported.") from None
        except _READ_ERRORS as exc:
            raise PostcodeImportError(
                f"Line {line + 1:,}: the file could not be read ({exc}). Nothing was imported."
            ) from None
    report.imported = len(seen)
    report.seconds = time.perf_counter() - started
    return report
