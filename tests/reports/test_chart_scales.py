"""Charts comparing counts for an area and England draw each place on its own scale (indexed: first year = 100),
so the area is not a flat line at zero; percentages and single series are drawn as they are."""

from __future__ import annotations

from sendhub.web.charts import Series, indexed, scaled_title

AREA = Series("Lancashire", [("2022", 12000.0), ("2023", 13200.0), ("2024", None), ("2025", 15000.0)])
ENGLAND = Series("England", [("2022", 500000.0), ("2023", 550000.0), ("2024", 600000.0), ("2025", 640000.0)])


def test_each_series_is_indexed_to_its_own_first_value():
    area, england = indexed([AREA, ENGLAND])
    assert area.points == [("2022", 100.0), ("2023", 110.0), ("2024", None), ("2025", 125.0)]
    assert england.points[0] == ("2022", 100.0) and england.points[-1] == ("2025", 128.0)


def test_counts_for_two_places_are_indexed_and_say_so():
    series, title, unit = scaled_title("EHC plans maintained", [AREA, ENGLAND], "count")
    assert unit == "index" and title == "EHC plans maintained (index: each place's 2022 figure = 100)"
    assert max(v for s in series for _, v in s.points if v is not None) < 200


def test_percentages_and_single_series_are_left_as_they_are():
    assert scaled_title("Timeliness", [AREA, ENGLAND], "percent") == ([AREA, ENGLAND], "Timeliness", "percent")
    assert scaled_title("EHC plans", [AREA, Series("England", [("2022", None)])], "count")[2] == "count"


def test_a_series_without_a_first_value_is_left_out():
    assert [s.name for s in indexed([AREA, Series("Region", [("2022", None), ("2023", 0.0)])])] == ["Lancashire"]
