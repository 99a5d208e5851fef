from sendhub.web.charts import Series, line_chart


def test_chart_is_an_image_with_a_title_and_a_description_of_the_latest_values():
    svg = line_chart(
        [Series("Lancashire", [("2023", 80.2), ("2024", 17.3)]), Series("England", [("2023", 50.3), ("2024", 46.4)])],
        title="Plans issued within 20 weeks <excl. exceptions>", unit="percent", chart_id="c1",
    )
    assert svg.startswith("<svg") and 'role="img"' in svg and 'aria-labelledby="c1-title c1-desc"' in svg
    assert "&lt;excl. exceptions&gt;" in svg  # text is escaped
    assert "Lancashire: 17.3% in 2024" in svg and "England: 46.4% in 2024" in svg
    assert svg.count("<path") >= 2


def test_gaps_break_the_line_and_empty_charts_say_so():
    svg = line_chart([Series("Area", [("2022", 1.0), ("2023", None), ("2024", 3.0)])], title="t", chart_id="c2")
    assert "Latest: Area: 3 in 2024" in svg
    assert "No figures yet." in line_chart([Series("Area", [])], title="t", chart_id="c3")
