"""sendhub postcodes import: ONS Postcode Directory, Code-Point Open and postcode-district files."""

from __future__ import annotations

import time
import zipfile
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from sendhub.directory.geo import haversine_km, resolve_place
from sendhub.directory.models import Postcode, PostcodeDistrict
from sendhub.directory.postcodes import PostcodeImportError, import_postcodes

OUTCODES = Path(__file__).resolve().parents[3] / "shared" / "data" / "uk-outcodes.csv"

ONSPD_HEADER = (
    "pcd,pcd2,pcds,dointr,doterm,oscty,ced,oslaua,osward,parish,usertype,oseast1m,osnrth1m,osgrdind,oshlthau,"
    "nhser,ctry,rgn,streg,pcon,eer,teclec,ttwa,pct,itl,statsward,oa01,casward,npark,lsoa01,msoa01,ur01ind,oac01,"
    "oa11,lsoa11,msoa11,wz11,sicbl,bua24,ru11ind,oac11,lat,long,lep1,lep2,pfa,imd,calncv,icb,oa21,lsoa21,msoa21"
)


def onspd_row(pcds: str, lat: str, lon: str, doterm: str = "", laua: str = "E07000123") -> str:
    cells = dict.fromkeys(ONSPD_HEADER.split(","), "")
    cells.update(
        pcd=pcds.replace(" ", "").ljust(7),
        pcd2=pcds,
        pcds=pcds,
        dointr="198001",
        doterm=doterm,
        oslaua=laua,
        oseast1m="354000",
        osnrth1m="429000",
        osgrdind="1",
        ctry="E92000001",
        lat=lat,
        long=lon,
    )
    return ",".join(f'"{v}"' for v in cells.values())


def write(tmp_path, name: str, lines: list[str]) -> Path:
    path = tmp_path / name
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


@pytest.fixture
def onspd(tmp_path):
    return write(
        tmp_path,
        "ONSPD_FEB_2025_UK.csv",
        [
            ONSPD_HEADER,
            onspd_row("PR1 2HE", "53.759000", "-2.699000"),
            onspd_row("PR1 3ZZ", "53.760000", "-2.700000", doterm="200512"),  # terminated
            onspd_row("PR9 9ZZ", "99.999999", "0.000000"),  # no grid reference
            onspd_row("BB1 1AA", "53.748000", "-2.482000", laua="E06000008"),
            onspd_row("ZE1 0AA", "60.153000", "-1.149000", laua="S12000027"),
        ],
    )


def test_onspd_import_skips_terminated_and_unlocated_postcodes(db, onspd):
    report = import_postcodes(onspd)
    assert (report.kind, report.rows, report.imported) == ("onspd", 5, 3)
    assert (report.skipped_terminated, report.skipped_no_point, report.error_count) == (1, 1, 0)
    pr1 = Postcode.objects.get(postcode="PR1 2HE")
    assert (pr1.latitude, pr1.longitude, pr1.district) == (53.759, -2.699, "Preston")
    assert Postcode.objects.get(postcode="BB1 1AA").district == "Blackburn with Darwen"
    assert Postcode.objects.get(postcode="ZE1 0AA").district == "S12000027"  # a code where no name is known
    assert resolve_place("pr12he").point == (53.759, -2.699)


def test_reimport_updates_and_does_not_duplicate(db, onspd, tmp_path):
    import_postcodes(onspd)
    moved = write(tmp_path, "again.csv", [ONSPD_HEADER, onspd_row("PR1 2HE", "53.700000", "-2.600000")])
    report = import_postcodes(moved, kind="onspd")
    assert report.imported == 1
    assert Postcode.objects.count() == 3
    assert Postcode.objects.get(postcode="PR1 2HE").latitude == 53.7


def test_onspd_zip_as_downloaded(db, onspd, tmp_path):
    path = tmp_path / "ONSPD.zip"
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("Documents/readme.csv", "a,b\n1,2\n")
        archive.write(onspd, "Data/ONSPD_FEB_2025_UK.csv")
    assert import_postcodes(path).imported == 3


def test_bad_rows_are_skipped_and_reported_with_line_and_column(db, tmp_path):
    path = write(
        tmp_path,
        "bad.csv",
        [
            ONSPD_HEADER,
            onspd_row("PR1 2HE", "53.759000", "-2.699000"),
            onspd_row("NOT A PC", "53.7", "-2.7"),
            onspd_row("PR1 4AA", "north", "-2.7"),
            onspd_row("PR1 5AA", "40.0", "-2.7"),
        ],
    )
    report = import_postcodes(path)
    assert report.imported == 1
    assert report.errors == [
        "Line 3, column pcds: 'NOT A PC' is not a UK postcode.",
        "Line 4, column lat: 'north' is not a number.",
        "Line 5, column lat: latitude 40.0 is outside the UK.",
    ]
    with pytest.raises(PostcodeImportError, match=r"^Line 3, column pcds: .* Nothing was imported\.$"):
        import_postcodes(path, strict=True)


def test_strict_import_with_an_error_imports_nothing(db, tmp_path):
    rows = [ONSPD_HEADER] + [onspd_row(f"PR1 {n}AA", "53.75", "-2.70") for n in range(10)]
    rows.append(onspd_row("PR1 XXX", "53.75", "-2.70"))
    with pytest.raises(PostcodeImportError, match="Line 12"):
        import_postcodes(write(tmp_path, "x.csv", rows), strict=True)
    assert Postcode.objects.count() == 0


def test_codepoint_open_converts_the_national_grid(db, tmp_path):
    path = write(
        tmp_path,
        "pr.csv",
        [
            '"PR1 2HE",10,353800,429300,"E92000001","E19000001","E18000002","E10000017","E07000123","E05012345"',
            '"M1  1AA",10,384500,398300,"E92000001","","","","E08000003","E05011111"',
            '"PR0 0AA",90,0,0,"E92000001","","","","",""',
        ],
    )
    report = import_postcodes(path)
    assert (report.kind, report.imported, report.skipped_no_point) == ("codepoint", 2, 1)
    pr1 = Postcode.objects.get(postcode="PR1 2HE")
    # The same grid reference as PR1's district in uk-outcodes.csv, whose OSGB36 point is 53.75779, -2.70082:
    # WGS84 sits about 100 m from it.
    assert 0.06 < haversine_km(pr1.latitude, pr1.longitude, 53.75779, -2.70082) < 0.14
    assert Postcode.objects.filter(postcode="M1 1AA").exists()


def test_codepoint_bad_row_names_the_column(db, tmp_path):
    path = write(tmp_path, "cp.csv", ['"PR1 2HE",10,353800,429300', '"PR1 2HF",10,3538OO,429300'])
    report = import_postcodes(path, kind="codepoint")
    assert report.errors == ["Line 2, column Eastings: '3538OO' is not a number."]


def test_district_file(db, tmp_path):
    path = write(
        tmp_path,
        "districts.csv",
        [
            "postcode,eastings,northings,latitude,longitude,town,region,uk_region,country,country_string",
            "PR1,353800,429300,53.75779,-2.70082,Preston,Lancashire,North West England,ENG,England",
            "BT1,146300,529800,54.59941,-5.92838,,Belfast,Northern Ireland,NIR,Northern Ireland",
            "pr2,,,53.7781,-2.7139,Preston,Lancashire,North West England,ENG,England",
        ],
    )
    report = import_postcodes(path)
    assert (report.kind, report.imported) == ("outcodes", 3)
    pr1 = PostcodeDistrict.objects.get(outcode="PR1")
    assert pr1.town == "Preston"
    assert 0.06 < haversine_km(pr1.latitude, pr1.longitude, 53.75779, -2.70082) < 0.14  # WGS84 from the grid
    bt1 = PostcodeDistrict.objects.get(outcode="BT1")  # Irish grid: the file's latitude/longitude as given
    assert (bt1.latitude, bt1.longitude, bt1.town) == (54.59941, -5.92838, "Belfast")
    assert PostcodeDistrict.objects.get(outcode="PR2").latitude == 53.7781


def test_unknown_format_and_missing_file(db, tmp_path):
    with pytest.raises(PostcodeImportError, match="could not tell what kind of postcode file"):
        import_postcodes(write(tmp_path, "what.csv", ["name,age", "Ann,3"]))
    with pytest.raises(PostcodeImportError, match="There is no file"):
        import_postcodes(tmp_path / "missing.csv")
    with pytest.raises(PostcodeImportError, match="has no pcds column"):
        import_postcodes(write(tmp_path, "o.csv", ["lat,long", "1,2"]), kind="onspd")


def test_the_real_district_file_imports_quickly(db):
    started = time.perf_counter()
    report = import_postcodes(OUTCODES)
    assert time.perf_counter() - started < 5
    assert (report.kind, report.rows, report.imported, report.error_count) == ("outcodes", 2856, 2856, 0)
    assert PostcodeDistrict.objects.count() == 2856
    assert resolve_place("PR1").label == "PR1 (Preston)"
    # Idempotent.
    assert import_postcodes(OUTCODES).imported == 2856
    assert PostcodeDistrict.objects.count() == 2856


def test_command(db, onspd, capsys):
    call_command("postcodes_import", str(onspd))
    out = capsys.readouterr().out
    assert out.startswith("Imported 3 postcodes from 5 rows (onspd) in ")
    assert "1 terminated postcodes skipped; 1 without a grid reference skipped." in out
    with pytest.raises(CommandError, match="There is no file"):
        call_command("postcodes_import", "/nonexistent.csv")


def test_command_through_the_sendhub_cli(db, onspd):
    from sendhub.cli import translate

    assert translate(["sendhub", "postcodes", "import", str(onspd), "--kind", "onspd"]) == [
        "sendhub",
        "postcodes_import",
        str(onspd),
        "--kind",
        "onspd",
    ]


def zip_with_lines(path: Path, lines: list[str]) -> Path:
    """A zip holding one CSV of these lines, written in pieces: a line may be tens of megabytes of commas."""
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED) as archive, archive.open("data.csv", "w") as out:
        for line in lines:
            for start in range(0, len(line), 1_000_000):
                out.write(line[start : start + 1_000_000].encode())
            out.write(b"\n")
    return path


@pytest.mark.parametrize("where", ["header", "later row"])
def test_a_zip_of_one_endless_line_is_refused_in_little_memory(db, tmp_path, where):
    import tracemalloc

    commas = "," * 30_000_000  # 30 KB zipped; read whole, a 30 MB line and a list of 30 million fields
    lines = [commas] if where == "header" else [ONSPD_HEADER, onspd_row("PR1 2HE", "53.759000", "-2.699000"), commas]
    bomb = zip_with_lines(tmp_path / "ONSPD.zip", lines)
    del commas, lines
    assert bomb.stat().st_size < 100_000
    tracemalloc.start()
    try:
        with pytest.raises(PostcodeImportError) as raised:
            import_postcodes(bomb)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    line = 1 if where == "header" else 3
    assert str(raised.value) == (
        f"ONSPD.zip: line {line} is longer than 1,000,000 characters, so it was not read (no file of this kind has "
        "lines that long). Nothing was imported."
    )
    assert peak < 50_000_000
    assert not Postcode.objects.exists()


def test_the_command_explains_an_endless_line(db, tmp_path):
    bomb = zip_with_lines(tmp_path / "ONSPD.zip", ["," * 2_000_000])
    with pytest.raises(CommandError, match="line 1 is longer than 1,000,000 characters"):
        call_command("postcodes_import", str(bomb))
