"""Factories for the sufficiency pages: recorded capacity, and a small DfE release in the published layout.

``write_release`` writes caseload.csv, newplans.csv and timeliness_20_week.csv for a few areas whose plans grow by
a known rate and whose placements are known shares of them, so a test can say what each figure must be.
"""

from __future__ import annotations

from pathlib import Path

import factory
from factory.django import DjangoModelFactory

from sendhub.forecasting.models import PlacementGroup, SpecialistCapacity
from sendhub.outcomes.dfe import import_release

HEADER = (
    "time_period,time_identifier,geographic_level,country_code,country_name,region_code,region_name,"
    "new_la_code,old_la_code,la_name,breakdown_topic,breakdown"
)
NW = ("E12000002", "North West")
RESOURCED = [f"mainstream_{k}_{u}" for k in ("la_maintained", "academy", "free_school")
             for u in ("resourced_provision", "senunit")]
CASELOAD_COLUMNS = [
    "ehcplans", "special_total", "mainstream_total", "fe_total", "ap_pru_total", "ed_elsewhere",
    "special_la_maintained", "special_academy_free", "special_independent", "special_non_maintained",
    *RESOURCED, "special_total_pc", "mainstream_total_pc",
]
YEARS = range(2018, 2026)  # January censuses
# Shares of all plans, and of special schools.
SPECIAL, MAINSTREAM, FE, AP, ELSEWHERE = 0.40, 0.40, 0.10, 0.02, 0.08
MAINTAINED, ACADEMY, INDEPENDENT, NON_MAINTAINED = 0.50, 0.30, 0.15, 0.05
RESOURCED_EACH = 0.02  # of mainstream, in each of the six columns
NEW_PLAN_RATE = 0.12
# code -> (name, plans in January 2018, yearly growth, 20-week timeliness %)
AREAS = {
    "888": ("Lancashire", 8000, 1.10, 17.0),
    "909": ("Cumbria", 3000, 1.08, 60.0),
    **{f"{100 + i}": (f"Borough {i:02d}", 2000 + 150 * i, 1.05 + 0.01 * (i % 6), 30.0 + 4 * i) for i in range(12)},
}
ENGLAND_TIMELINESS = 46.4


def academic(year: int) -> str:
    return f"{year - 1}{year % 100:02d}"


def caseload_cells(plans: float) -> list[float]:
    special, mainstream = plans * SPECIAL, plans * MAINSTREAM
    values = {
        "ehcplans": plans, "special_total": special, "mainstream_total": mainstream, "fe_total": plans * FE,
        "ap_pru_total": plans * AP, "ed_elsewhere": plans * ELSEWHERE,
        "special_la_maintained": special * MAINTAINED, "special_academy_free": special * ACADEMY,
        "special_independent": special * INDEPENDENT, "special_non_maintained": special * NON_MAINTAINED,
        **{c: mainstream * RESOURCED_EACH for c in RESOURCED},
        "special_total_pc": SPECIAL * 100, "mainstream_total_pc": MAINSTREAM * 100,
    }
    return [round(values[c], 1) if c.endswith("_pc") else round(values[c]) for c in CASELOAD_COLUMNS]


def plans_in(code: str, year: int) -> float:
    _, start, growth, _ = AREAS[code]
    return start * growth ** (year - YEARS[0])


def write_release(folder: Path, areas: dict = AREAS) -> Path:
    data = folder / "data"
    data.mkdir(parents=True, exist_ok=True)
    total = "All EHC plans,All EHC plans"
    lines = [f"{HEADER},{','.join(CASELOAD_COLUMNS)}"]
    for year in YEARS:
        england = sum(a[1] * a[2] ** (year - YEARS[0]) for a in areas.values())
        cells = ",".join(map(str, caseload_cells(england)))
        lines.append(f"{academic(year)},Academic year,National,E92000001,England,,,,,,{total},{cells}")
        lines.append(f"{academic(year)},Academic year,Regional,E92000001,England,{NW[0]},{NW[1]},,,,{total},{cells}")
        for code, (name, start, growth, _) in areas.items():
            la = f"Local authority,E92000001,England,{NW[0]},{NW[1]},E0000{code},{code},{name}"
            cells = ",".join(map(str, caseload_cells(start * growth ** (year - YEARS[0]))))
            lines.append(f"{academic(year)},Academic year,{la},{total},{cells}")
    (data / "caseload.csv").write_text("\ufeff" + "\r\n".join(lines) + "\r\n", encoding="utf-8")

    new_plans = [f"{HEADER},new_ehc_plans"]
    timeliness = [f"{HEADER},PC_plans_issued_20_weeks_ex"]
    issued = "All EHC plans issued,All EHC plans issued"
    timeliness.append(f"2024,Calendar year,National,E92000001,England,,,,,,{issued},{ENGLAND_TIMELINESS}")
    for code, (name, start, growth, timely) in areas.items():
        la = f"Local authority,E92000001,England,{NW[0]},{NW[1]},E0000{code},{code},{name}"
        for year in list(YEARS)[:-1]:
            value = round(start * growth ** (year - YEARS[0]) * NEW_PLAN_RATE)
            new_plans.append(f"{year},Calendar year,{la},New EHC plans,New EHC plans,{value}")
        timeliness.append(f"2024,Calendar year,{la},{issued},{timely}")
    (data / "newplans.csv").write_text("\ufeff" + "\r\n".join(new_plans) + "\r\n", encoding="utf-8")
    (data / "timeliness_20_week.csv").write_text("\ufeff" + "\r\n".join(timeliness) + "\r\n", encoding="utf-8")
    return folder


def import_small_release(folder: Path):
    from sendhub.forecasting.selectors import clear_cache

    clear_cache()
    return import_release(write_release(folder))


class SpecialistCapacityFactory(DjangoModelFactory):
    class Meta:
        model = SpecialistCapacity

    area = factory.SubFactory("tests.factories.LocalAreaFactory")
    year = 2026
    group = PlacementGroup.MAINTAINED_SPECIAL
    places = 1000
