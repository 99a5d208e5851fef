"""The public interface and ``sendhub forecast dfe`` / ``forecast backtest`` on a small release in DfE's layout."""

from __future__ import annotations

import io
import json

import pytest
from django.core.management import CommandError, call_command

from sendhub.forecasting import dfe
from sendhub.outcomes.dfe import import_release

from .test_series import write_release

YEARS = range(2019, 2026)


def cells(total: float, year: int, *, special_share: float = 0.35) -> tuple:
    return (round(total), round(total * special_share), round(total * 0.4), round(total * 0.15), 5, 9)


def fixture_areas(*, poison_after: int | None = None) -> dict:
    def series(start: float, rate: float) -> dict:
        out = {}
        for y in YEARS:
            value = start * rate ** (y - 2019)
            out[y] = cells(value * 50 if poison_after and y > poison_after else value, y)
        return out

    areas = {
        "888": ("Lancashire", series(7000, 1.12)),
        "909": ("Cumbria", series(2000, 1.06)),
        "340": ("Knowsley", series(900, 1.09)),
        "341": ("Liverpool", series(2600, 1.1)),
    }
    areas["340"][1][2025] = ("x",) * 6  # suppressed at the latest January
    return areas


def england(areas: dict) -> dict:
    return {
        y: tuple(sum(int(v[1][y][i]) if str(v[1][y][i]).isdigit() else 0 for v in areas.values()) for i in range(6))
        for y in YEARS
    }


@pytest.fixture
def release(db, tmp_path):
    dfe.clear_cache()
    areas = fixture_areas()
    yield import_release(write_release(tmp_path / "r", areas, england=england(areas)))
    dfe.clear_cache()


def run(*args, **options) -> str:
    out = io.StringIO()
    call_command(*args, stdout=out, **options)
    return out.getvalue()


def test_the_json_shape(release):
    data = json.loads(run("forecast_dfe", as_of=2025, horizon=2, la="888", json=True))
    assert data["as_of"] == 2025 and data["method"] == dfe.chosen_method_name()
    keys = {"la_code", "la_name", "year", "measure", "value", "lower", "upper"}
    assert all(set(f) == keys for f in data["forecasts"])
    assert {(f["measure"], f["year"]) for f in data["forecasts"]} == {
        (m, y) for m in dfe.MEASURES for y in (2026, 2027)
    }
    plans = [f for f in data["forecasts"] if f["measure"] == "ehcplans"]
    assert [f["la_name"] for f in plans] == ["Lancashire", "Lancashire"]
    latest = 7000 * 1.12**6
    for f in plans:
        assert isinstance(f["value"], int) and f["lower"] <= f["value"] <= f["upper"]
        assert latest < f["value"] < latest * 1.12 ** (f["year"] - 2025) * 1.1  # grows, near its own 12%


def test_every_area_without_la_and_a_suppressed_origin_has_no_rows(release):
    data = json.loads(run("forecast_dfe", as_of=2025, horizon=1, json=True, measure=["ehcplans"]))
    assert sorted(f["la_code"] for f in data["forecasts"]) == ["341", "888", "909"]  # 340 is x in January 2025
    data = json.loads(run("forecast_dfe", as_of=2024, horizon=1, la="340", json=True, measure=["ehcplans"]))
    assert [f["year"] for f in data["forecasts"]] == [2025]


def test_the_table(release):
    text = run("forecast_dfe", as_of=2025, horizon=1, la="909")
    assert "Cumbria" in text and "ehcplans" in text and "80% interval" in text


@pytest.mark.parametrize(
    ("options", "message"),
    [
        ({"as_of": 2026, "horizon": 1}, "latest January is 2025"),
        ({"as_of": 2019, "horizon": 1}, "needs two Januaries"),
        ({"as_of": 2025, "horizon": 0}, "horizon must be 1 to 10"),
        ({"as_of": 2025, "horizon": 1, "la": "999"}, "No local authority with DfE code '999'"),
    ],
)
def test_bad_input_is_refused_with_a_message(release, options, message):
    with pytest.raises(CommandError, match=message):
        run("forecast_dfe", **options)


def test_no_release_imported(db):
    dfe.clear_cache()
    with pytest.raises(CommandError, match="No DfE release is imported"):
        run("forecast_dfe", as_of=2025, horizon=1)
    with pytest.raises(CommandError, match="No DfE release is imported"):
        run("forecast_backtest")


def test_later_figures_in_the_release_change_nothing_as_of_an_earlier_january(db, tmp_path):
    dfe.clear_cache()
    clean = fixture_areas()
    import_release(write_release(tmp_path / "a", clean, england=england(clean)))
    before = dfe.forecast_release(as_of=2023, horizon=2)
    poisoned = fixture_areas(poison_after=2023)
    import_release(write_release(tmp_path / "b", poisoned, england=england(poisoned)))
    assert dfe.area_history(la_code="888", measure="ehcplans")[-1].value > 100_000  # the new release is read
    after = dfe.forecast_release(as_of=2023, horizon=2)
    assert before == after and before
    dfe.clear_cache()


def test_area_history_and_cache(release, django_assert_max_num_queries):
    history = dfe.area_history(la_code="340", measure="special_total")
    assert [p.year for p in history] == list(YEARS) and history[-1].value is None
    dfe.forecast_release(as_of=2025, horizon=5, la_code="888")
    with django_assert_max_num_queries(1):  # the current release's id; the rest is cached
        rows = dfe.forecast_release(as_of=2025, horizon=5, la_code="888")
    assert {r.method for r in rows} == {dfe.chosen_method_name()} and rows[0].region_name == "North West"
    with pytest.raises(dfe.ForecastError, match="Unknown measure"):
        dfe.area_history(la_code="888", measure="plans")


def test_backtest_json(release):
    data = json.loads(run("forecast_backtest", json=True))
    assert data["method"] == dfe.chosen_method_name()
    origins = {(o["measure"], o["as_of"], o["target"]) for o in data["origins"]}
    assert {("ehcplans", 2022, 2025), ("special_total", 2024, 2025)} <= origins
    first = data["origins"][0]
    assert [m["method"] for m in first["methods"]][1:] == [
        "last value",
        "last year's growth",
        "mean growth of 3 years",
        "linear trend (4 points)",
    ]
    assert set(first["methods"][0]) == {"method", "chosen", "mape", "median_ape", "bias", "coverage_80"}
    text = run("forecast_backtest")
    assert "linear trend (4 points)" in text and "* ehcplans: January 2022 -> 2025" in text
