"""sendhub measures show: JSON shape, the readable table, and clear errors."""

from __future__ import annotations

import json
from datetime import date, timedelta
from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from sendhub.cli import main
from sendhub.outcomes.computation import recompute_measures
from sendhub.outcomes.models import ActivePlan, EhcRequest, Sen2Person, Sen2Return

pytestmark = pytest.mark.django_db


@pytest.fixture
def computed(area):
    ret = Sen2Return.objects.create(
        area=area, collection_year=2025, reference_date=date(2025, 1, 16), filename="x.xml", checksum="0" * 64
    )
    who = Sen2Person.objects.create(sen2_return=ret, position=1, reference="R1", postcode_district="PR1")
    received = date(2024, 2, 1)
    within = EhcRequest.objects.create(
        sen2_return=ret, person=who, received_date=received, plan_start_date=received + timedelta(days=100)
    )
    EhcRequest.objects.create(
        sen2_return=ret, person=who, received_date=received, plan_start_date=received + timedelta(days=150)
    )
    ActivePlan.objects.create(sen2_return=ret, request=within, primary_need="ASD")
    recompute_measures(ret)
    return ret


def run(*args) -> str:
    out = StringIO()
    call_command("measures_show", *args, stdout=out)
    return out.getvalue()


def test_json_shape(computed):
    data = json.loads(run("--area", "888", "--year", "2024", "--json"))
    assert set(data) == {"area", "year", "measures"}
    assert data["area"] == "888" and data["year"] == 2024
    measures = data["measures"]
    assert measures["requests_received_in_year"] == 2
    assert measures["plans_issued_den"] == 2
    assert measures["PC_plans_issued_20_weeks_ex"] == 50.0
    assert measures["ehcplans"] == 1 and measures["number_asd"] == 1
    assert all(isinstance(v, int | float) or v is None for v in measures.values())


def test_area_by_slug_and_readable_table(computed):
    text = run("--area", "lancashire", "--year", "2024")
    assert "Lancashire (888): measures for 2024" in text
    assert "PC_plans_issued_20_weeks_ex" in text and "50.0%" in text


def test_through_the_sendhub_command(computed, capsys):
    assert main(["sendhub", "measures", "show", "--area", "888", "--year", "2024", "--json"]) == 0
    assert json.loads(capsys.readouterr().out)["measures"]["plans_issued_den"] == 2


def test_unknown_area_no_data_and_no_year(area, computed, other_area):
    with pytest.raises(CommandError, match="No area with LA code"):
        run("--area", "999", "--year", "2024", "--json")
    with pytest.raises(CommandError, match="no SEN2 return imported"):
        run("--area", "909", "--year", "2024", "--json")
    with pytest.raises(CommandError, match="no measures for 2019"):
        run("--area", "888", "--year", "2019", "--json")
    assert main(["sendhub", "measures", "show", "--area", "999", "--year", "2024"]) != 0
