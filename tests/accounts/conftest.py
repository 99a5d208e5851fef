import pytest


@pytest.fixture(autouse=True)
def _accounts_settings(settings, db):
    settings.SENDHUB_REQUIRE_2FA_FOR_ADMINS = False
    settings.SENDHUB_BASE_URL = "https://sendhub.example.org"
