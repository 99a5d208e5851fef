"""The demo's recorded places load through the service, once per figure, with history."""

from __future__ import annotations

from sendhub.demo import sufficiency as demo_sufficiency
from sendhub.forecasting.models import SpecialistCapacity


def test_demo_places_load_and_reload_without_duplicates(area, admin_user):
    assert demo_sufficiency.load(area, admin=admin_user) == "8 specialist place figures recorded"
    demo_sufficiency.load(area, admin=admin_user)
    rows = SpecialistCapacity.objects.filter(area=area)
    assert rows.count() == len(demo_sufficiency.PLACES)
    resourced = rows.get(year=2026, group="resourced")
    assert (resourced.places, resourced.recorded_by) == (240, admin_user)
    assert resourced.history.count() == 1  # a reload with the same figures changes nothing
