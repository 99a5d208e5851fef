import pytest

from sendhub.accounts.selectors import resolve_area


@pytest.mark.parametrize("code", ["888", "e10000017", "Lancashire", "  888 "])
def test_an_area_is_found_by_la_code_ons_code_or_slug(area, other_area, code):
    assert resolve_area(code) == area


@pytest.mark.parametrize("code", ["", "   ", None, "999", "cumbri"])
def test_no_area_for_an_empty_or_unknown_code(area, other_area, code):
    assert resolve_area(code) is None
