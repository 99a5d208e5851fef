from datetime import date

import pytest

from sendhub.outcomes.targets import expected_value, trajectory_rag

BASE = {"baseline_value": 20.0, "baseline_date": date(2025, 1, 1), "target_value": 60.0,
        "target_date": date(2027, 1, 1)}


def test_expected_value_is_linear_between_baseline_and_target_and_flat_outside():
    assert expected_value(**BASE, on=date(2024, 6, 1)) == 20.0
    assert expected_value(**BASE, on=date(2026, 1, 1)) == pytest.approx(40.0, abs=0.1)
    assert expected_value(**BASE, on=date(2028, 1, 1)) == 60.0


@pytest.mark.parametrize(
    ("latest", "rag"),
    [(41.0, "on_track"), (40.0, "on_track"), (37.0, "at_risk"), (30.0, "off_track"), (None, None)],
)
def test_rag_for_a_higher_is_better_measure(latest, rag):
    assert trajectory_rag(**BASE, direction="higher", latest_value=latest, latest_date=date(2026, 1, 1)) == rag


def test_rag_for_a_lower_is_better_measure():
    waits = {"baseline_value": 80.0, "baseline_date": date(2025, 1, 1), "target_value": 40.0,
             "target_date": date(2026, 1, 1)}
    mid = date(2025, 7, 2)
    assert trajectory_rag(**waits, direction="lower", latest_value=58.0, latest_date=mid) == "on_track"
    assert trajectory_rag(**waits, direction="lower", latest_value=63.0, latest_date=mid) == "at_risk"
    assert trajectory_rag(**waits, direction="lower", latest_value=75.0, latest_date=mid) == "off_track"
