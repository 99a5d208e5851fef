import pytest

from tests.forecasting.factories import import_small_release


@pytest.fixture(autouse=True)
def _fresh_forecasts():
    """Forecasts are cached in memory per release id; a rolled-back database can reuse an id."""
    from sendhub.forecasting.selectors import clear_cache

    clear_cache()
    yield
    clear_cache()


@pytest.fixture
def release(db, tmp_path):
    return import_small_release(tmp_path / "release")
