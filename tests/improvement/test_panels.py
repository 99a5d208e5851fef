"""The hook through which apps above improvement add sections to its finding and action pages."""

import pytest

from sendhub.improvement import panels


@pytest.fixture
def registry(monkeypatch):
    empty = {page: [] for page in panels.PAGES}
    monkeypatch.setattr(panels, "_registry", empty)
    return empty


def test_outcomes_adds_success_measures_to_both_pages():
    # Registered by OutcomesConfig.ready(): the finding and action pages' only way to show success measures.
    for page in panels.PAGES:
        assert [panel.template for panel in panels._registry[page]] == ["outcomes/_success_measures.html"]


def test_a_panel_is_rendered_with_its_data_for_the_area_and_object(registry):
    panels.register("action", "a.html", lambda area, obj: {"seen": (area, obj)})
    panels.register("action", "b.html", lambda area, obj: {"n": 2})
    rendered = panels.render("action", "area", "action 1")
    assert [(r.template, r.data) for r in rendered] == [
        ("a.html", {"seen": ("area", "action 1")}),
        ("b.html", {"n": 2}),
    ]
    assert panels.render("finding", "area", "finding 1") == []


def test_registering_a_template_again_replaces_it(registry):
    panels.register("finding", "a.html", lambda area, obj: {"version": 1})
    panels.register("finding", "a.html", lambda area, obj: {"version": 2})
    assert [r.data for r in panels.render("finding", None, None)] == [{"version": 2}]


def test_only_the_finding_and_action_pages_take_panels(registry):
    with pytest.raises(ValueError, match="No page 'inspection' takes panels"):
        panels.register("inspection", "a.html", lambda area, obj: {})
