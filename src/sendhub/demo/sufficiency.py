"""The demo's recorded specialist places for Lancashire (invented, near DfE's January 2025 placements: 3,567 in
maintained special schools, 337 in special academies, 166 in resourced provision and SEN units, 87 in AP).

Loaded through ``forecasting.services.capacity_record`` like a person entering them, so each has its history.
"""

from __future__ import annotations

from sendhub.accounts.models import LocalArea
from sendhub.forecasting.services import capacity_record

# (January, group, places, note)
PLACES = (
    (2025, "maintained_special", 3550, "29 maintained special schools"),
    (2026, "maintained_special", 3600, "Expansion at two schools in Preston and Burnley"),
    (2027, "maintained_special", 3700, "Satellite classes open in West Lancashire"),
    (2025, "academy_special", 340, ""),
    (2027, "academy_special", 420, "New free special school opens September 2026"),
    (2025, "resourced", 180, ""),
    (2026, "resourced", 240, "Six new SEN units in primary schools"),
    (2025, "ap", 120, "Pupil referral units"),
)


def load(area: LocalArea, *, admin=None) -> str:
    for year, group, places, note in PLACES:
        capacity_record(area=area, year=year, group=group, places=places, note=note, recorded_by=admin)
    return f"{len(PLACES)} specialist place figures recorded"
