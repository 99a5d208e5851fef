"""The plain-words summary: rounding and what it says with and without recorded places."""

from __future__ import annotations

import pytest

from sendhub.forecasting.summary import about, plain_summary


@pytest.mark.parametrize("value, expected", [(1994, 1990), (1995, 2000), (96, 95), (12, 10), (-37, -35), (0, 0)])
def test_about_rounds_to_tens_from_a_hundred_and_fives_below(value, expected):
    assert about(value) == expected


def summary(places=None, special_then=2480.0):
    return plain_summary(
        area_name="Lancashire", origin=2025, year=2028, special={2025: 2000.0, 2028: special_then},
        state_demand={2028: 2100.0}, state_places={2028: places},
    )


def test_more_children_and_no_places_recorded():
    first, second = summary().sentences
    assert first == ("We expect about 480 more children and young people to need a special school place by January "
                     "2028 than in January 2025 (about 2,480 in all).")
    assert "not yet published how many places" in second


def test_a_shortfall_is_how_many_more_places_to_plan():
    assert summary(places=1900).shortfall == 200
    assert "about 200 fewer than the children we expect" in summary(places=1900).sentences[1]


def test_enough_places_says_so_and_fewer_children_says_fewer():
    assert "enough for the children" in summary(places=2200).sentences[1]
    assert "about 200 fewer children" in summary(special_then=1800).sentences[0]


def test_no_summary_when_the_forecast_does_not_reach_the_year():
    assert plain_summary(area_name="A", origin=2025, year=2030, special={2025: 1.0}, state_demand={},
                         state_places={}) is None
