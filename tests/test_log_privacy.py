"""Logs hold no personal data: the scanner that the whole run ends with catches it, and a day of typical use
(sign-ins that fail with someone's address, searches by full postcode, a SEN2 return full of children's names and
postcodes) logs nothing personal."""

from __future__ import annotations

import io
import logging

import pytest
from django.urls import reverse

from sendhub.outcomes import services as outcomes_services
from sendhub.outcomes.sen2.generate import generate_sen2
from tests.logscan import as_production_writes, personal_data_in


def test_the_scanner_finds_each_kind_of_personal_data():
    planted = [
        '{"message": "Approved by Ada Administrator"}',
        '{"message": "Person Oliver Smith failed validation"}',
        '{"message": "sent to jo.bloggs@example.org"}',
        '{"message": "near PR1 2HE"}',
    ]
    found = personal_data_in(planted)
    assert [line.split(" ", 1)[0] for line in found] == ["name", "child's", "email", "postcode"]
    clean = ['{"message": "sent to [EMAIL] near [POSTCODE] in PR1; Oak Hall is a venue"}']
    assert personal_data_in(clean) == []


@pytest.fixture
def production_log():
    """The log lines written while the test runs, as production writes them."""
    stream = io.StringIO()
    handler = as_production_writes(logging.StreamHandler(stream))
    root = logging.getLogger()
    request_logger = logging.getLogger("sendhub.request")
    old_level = request_logger.level
    request_logger.setLevel(logging.INFO)
    root.addHandler(handler)
    yield stream
    root.removeHandler(handler)
    request_logger.setLevel(old_level)


@pytest.mark.django_db
def test_a_day_of_use_logs_nothing_personal(client, client_for, admin_user, area, production_log, tmp_path):
    client.post(reverse("accounts:sign-in"), {"username": "jo.bloggs@example.org", "password": "wrong password"})
    client.post(reverse("accounts:sign-in"), {"username": admin_user.email, "password": "wrong password"})
    client.get(reverse("directory:search", args=[area.slug]), {"near": "PR1 2HE", "q": "autism"})
    staff = client_for(admin_user)
    staff.get(reverse("improvement:dashboard", args=[area.slug]))
    sen2 = tmp_path / "sen2.xml"
    with sen2.open("w", encoding="utf-8") as out:
        generate_sen2(out, persons=40, year=2025, la=area.la_code)
    with sen2.open("rb") as stream:
        outcomes_services.sen2_import(stream=stream, filename="sen2.xml", area=area, imported_by=admin_user)

    lines = production_log.getvalue().splitlines()
    assert len(lines) >= 5, "the flows above were logged"
    assert personal_data_in(lines) == []
