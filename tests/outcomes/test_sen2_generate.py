"""The synthetic SEN2 generator: valid, deterministic, realistic enough, and importable with zero errors."""

from __future__ import annotations

import io
import re

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from sendhub.outcomes.models import EhcRequest, Sen2Person
from sendhub.outcomes.sen2.generate import generate_sen2, upn_check_letter
from sendhub.outcomes.sen2.importer import import_sen2


def generated(persons=300, seed=7, year=2025) -> bytes:
    out = io.StringIO()
    generate_sen2(out, persons=persons, year=year, seed=seed)
    return out.getvalue().encode("utf-8")


def test_deterministic_per_seed():
    assert generated(seed=7) == generated(seed=7)
    assert generated(seed=7) != generated(seed=8)


def test_upn_check_letter():
    # Weights 2..13 over the 12 characters after the check letter, modulo 23.
    assert upn_check_letter("000000000000") == "A"
    assert upn_check_letter("100000000000") == "C"


@pytest.mark.django_db
def test_generated_file_imports_with_zero_errors_and_realistic_mix(area, tmp_path):
    path = tmp_path / "sen2.xml"
    call_command(
        "sen2_generate", "--persons", "2000", "--year", "2025", "--seed", "3", "--out", str(path), stdout=io.StringIO()
    )
    with path.open("rb") as stream:
        result = import_sen2(stream=stream, filename=path.name, area=area)
    assert result.errors == []
    assert result.ok and result.counts["persons"] == 2000
    requests_2024 = EhcRequest.objects.filter(received_date__year=2024).exclude(request_outcome="H")
    requesters = Sen2Person.objects.filter(requests__in=requests_2024).distinct().count()
    assert 0.15 < requesters / 2000 < 0.35
    decided = requests_2024.exclude(request_outcome="")
    share_a = decided.filter(request_outcome="A").count() / decided.count()
    assert 0.6 < share_a < 0.9
    assert 0.65 < result.counts["active_plans"] / 2000 < 0.9


def test_census_day_is_the_third_thursday_of_january():
    from sendhub.outcomes.sen2.generate import census_date

    assert [census_date(y).isoformat() for y in (2023, 2024, 2025, 2026, 2027)] == [
        "2023-01-19", "2024-01-18", "2025-01-16", "2026-01-15", "2027-01-21"]


def test_generated_return_is_written_to_the_specification():
    text = generated(persons=3000, seed=4).decode()
    assert "<SENSetting>" not in text and "<SENsetting>" in text
    codes = set(re.findall(r"<SENsetting>(\w+)</SENsetting>", text))
    assert codes <= {"OLA", "OPA", "EHE", "EYP", "OTH", "NEET", "NIEC", "NIEO"} and {"OPA", "NIEO", "EYP"} <= codes
    assert "<UKPRN>" in text and "<PlacementRank>2</PlacementRank>" in text and "<LeavingDate>" in text
    assert "<CeaseDate>" in text


@pytest.mark.django_db
def test_generated_return_and_its_gias_extract_give_a_realistic_placement_mix(area, tmp_path):
    from sendhub.establishments.services import gias_extract_import
    from sendhub.outcomes.models import ActivePlan, MeasureValue
    from sendhub.outcomes.services import sen2_import

    path = tmp_path / "sen2.xml"
    out = io.StringIO()
    call_command("sen2_generate", "--persons", "3000", "--year", "2025", "--seed", "3", "--out", str(path),
                 "--write-gias", stdout=out)
    extract = tmp_path / "edubasealldata20250116.csv"
    assert extract.is_file() and "sendhub gias import" in out.getvalue()
    gias_extract_import(data=extract.read_bytes(), filename=extract.name)
    with path.open("rb") as stream:
        result = sen2_import(stream=stream, filename=path.name, area=area)
    assert result.errors == [] and result.ok
    values = dict(MeasureValue.objects.filter(sen2_return=result.sen2_return, period_kind="at_date",
                                              breakdown_topic="total").values_list("measure", "value"))
    plans = ActivePlan.objects.filter(sen2_return=result.sen2_return)
    # Plans that ceased during the year are in ActivePlans, not in the January caseload.
    assert values["ehcplans"] == plans.filter(in_caseload=True).count() < plans.count()
    assert 30 < values["mainstream_total_pc"] < 50 and 28 < values["special_total_pc"] < 48
    assert values["fe_total"] > 0 and values["ed_elsewhere"] > 0 and values["nm_early_years"] > 0
    assert values["placement_unknown_pc"] < 5 and values["special_independent"] > 0
    # The URNs GIAS does not know are listed in one warning.
    unknown = [w for w in result.sen2_return.warnings if "not in the GIAS extracts" in w["rule"]]
    assert len(unknown) == 1 and re.search(r"99\d{4}", unknown[0]["rule"])


def test_urns_come_from_the_gias_extract_given(tmp_path):
    from sendhub.establishments.fictional import county_establishments, write_extract

    small = county_establishments(la_code="909", seed=5, first_urn=700001)
    extract = tmp_path / "edubasealldata20250101.csv"
    extract.write_bytes(write_extract(small))
    path = tmp_path / "sen2.xml"
    call_command("sen2_generate", "--persons", "500", "--year", "2025", "--la", "909", "--gias", str(extract),
                 "--out", str(path), stdout=io.StringIO())
    urns = set(re.findall(r"<URN>(\d+)</URN>", path.read_text()))
    known = {str(e.urn) for e in small}
    assert urns and {u for u in urns if not u.startswith("999")} <= known


def test_generate_refuses_options_that_do_not_go_together(tmp_path):
    with pytest.raises(CommandError, match="--write-gias"):
        call_command("sen2_generate", "--persons", "1", "--year", "2025", "--out", "-", "--write-gias")
    with pytest.raises(CommandError, match="No such file"):
        call_command("sen2_generate", "--persons", "1", "--year", "2025", "--out", str(tmp_path / "x.xml"),
                     "--gias", str(tmp_path / "missing.csv"))
