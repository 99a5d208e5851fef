"""A return with no persons, or far fewer than the current one, needs confirming (issue 13, item 3).

An export with a header and no persons used to import with a warning, supersede the area's current return and
delete its person-level rows at once (20,000 persons to 0). Now such a return, or one with fewer than half the
persons of the current return, is refused with both counts unless the administrator confirms it (``--allow-shrink``
on the command line, a confirmation step on the upload page that keeps the uploaded file meanwhile); and the
superseded return's person-level rows are deleted only once the new return has committed.
"""

from __future__ import annotations

import io
import logging
from datetime import timedelta
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.core.management.base import CommandError
from django.test import TestCase
from django.urls import reverse
from django.utils import timezone

from sendhub.accounts.models import Role
from sendhub.outcomes import services
from sendhub.outcomes.models import ActivePlan, EhcRequest, MeasureValue, Sen2Person, Sen2Return
from sendhub.outcomes.sen2 import importer, pending, writer
from tests.factories import member
from tests.outcomes.factories_sen2 import ActivePlanFactory, Sen2PersonFactory, Sen2ReturnFactory
from tests.outcomes.test_sen2_parser import person_xml, sen2_xml

pytestmark = pytest.mark.django_db

CURRENT_PERSONS = 20


@pytest.fixture
def current(area) -> Sen2Return:
    """The area's current 2025 return: 20 persons, each with a request and an active plan."""
    ret = Sen2ReturnFactory(area=area, collection_year=2025, filename="autumn.xml", person_count=CURRENT_PERSONS)
    for person in Sen2PersonFactory.create_batch(CURRENT_PERSONS, sen2_return=ret):
        ActivePlanFactory(sen2_return=ret, request__person=person)
    return ret


def persons_file(count: int) -> bytes:
    return sen2_xml(*[person_xml() for _ in range(count)])


def rows_of(ret: Sen2Return) -> tuple[int, int, int]:
    return tuple(model.objects.filter(sen2_return=ret).count() for model in (Sen2Person, EhcRequest, ActivePlan))


def import_committed(area, data: bytes, **options):
    """An import as it ends in production: committed, then what runs after the commit."""
    with TestCase.captureOnCommitCallbacks(execute=True):
        return services.sen2_import(stream=io.BytesIO(data), filename="new.xml", area=area, **options)


def assert_untouched(current: Sen2Return) -> None:
    current.refresh_from_db()
    assert current.is_current and current.superseded_at is None
    assert rows_of(current) == (CURRENT_PERSONS, CURRENT_PERSONS, CURRENT_PERSONS)
    assert Sen2Return.objects.count() == 1


# The importer --------------------------------------------------------------------------------------------------


def test_an_empty_return_is_refused_with_both_counts_and_changes_nothing(area, current):
    result = import_committed(area, persons_file(0))
    assert result.sen2_return is None and result.shrink is not None
    assert (result.shrink.persons, result.shrink.current_persons) == (0, CURRENT_PERSONS)
    message = result.errors[0]["rule"]
    assert "no Person records" in message and f"has {CURRENT_PERSONS}" in message and "autumn.xml" in message
    assert "restored only from a backup (sendhub restore)" in message and "Nothing was stored" in message
    assert result.error_count == 1
    assert_untouched(current)


def test_a_return_with_under_half_the_persons_is_refused(area, current):
    result = import_committed(area, persons_file(CURRENT_PERSONS // 2 - 1))
    assert result.shrink is not None and result.sen2_return is None
    assert "This return has 9 persons, fewer than half as many as the current 2025 return" in result.errors[0]["rule"]
    assert_untouched(current)


def test_half_the_persons_is_not_a_shrink(area, current):
    result = import_committed(area, persons_file(CURRENT_PERSONS // 2))
    assert result.ok and result.shrink is None and result.sen2_return.person_count == 10


def test_an_empty_return_is_refused_even_with_no_current_return(area):
    result = import_committed(area, persons_file(0))
    assert result.shrink is not None and result.shrink.current_return_id is None
    assert "This 2025 return has no Person records" in result.errors[0]["rule"]
    assert not Sen2Return.objects.exists()


def test_a_confirmed_shrink_supersedes_the_current_return(area, current):
    result = import_committed(area, persons_file(0), allow_shrink=True)
    assert result.ok and result.sen2_return.person_count == 0 and result.sen2_return.is_current
    assert any("no Person records" in warning["rule"] for warning in result.warnings)
    current.refresh_from_db()
    assert not current.is_current and current.superseded_at is not None
    assert rows_of(current) == (0, 0, 0)


def test_a_normal_return_still_supersedes_at_once(area, current):
    result = import_committed(area, persons_file(CURRENT_PERSONS + 1))
    assert result.ok and result.shrink is None
    current.refresh_from_db()
    assert not current.is_current and rows_of(current) == (0, 0, 0)
    assert rows_of(result.sen2_return) == (21, 21, 21)


# Superseded rows go after the commit ----------------------------------------------------------------------------


def test_superseded_rows_are_kept_until_the_new_return_has_committed(area, current):
    with TestCase.captureOnCommitCallbacks() as after_commit:
        result = services.sen2_import(stream=io.BytesIO(persons_file(25)), filename="new.xml", area=area)
        current.refresh_from_db()
        assert result.ok and not current.is_current  # superseded in the import's transaction...
        assert rows_of(current) == (CURRENT_PERSONS,) * 3  # ...but its rows are still there
    assert len(after_commit) == 1
    after_commit[0]()  # the commit
    assert rows_of(current) == (0, 0, 0)
    assert rows_of(result.sen2_return) == (25, 25, 25)


def test_the_old_return_survives_when_the_new_import_fails_after_superseding_it(area, current, monkeypatch):
    from sendhub.outcomes import computation

    def fail(sen2_return):
        raise RuntimeError("measures failed")

    monkeypatch.setattr(computation, "recompute_measures", fail)
    with TestCase.captureOnCommitCallbacks(execute=True) as after_commit:
        with pytest.raises(RuntimeError, match="measures failed"):
            services.sen2_import(stream=io.BytesIO(persons_file(25)), filename="new.xml", area=area)
    assert after_commit == []  # rolled back: nothing is deleted after it
    assert_untouched(current)


def test_rows_left_by_a_failed_deletion_go_with_the_next_import(area, current, monkeypatch, caplog):
    """The deletion runs after the commit: if it fails the import still stands (robust on-commit callback, logged),
    and the next import for the year deletes what was left."""

    def fail(ids):
        raise RuntimeError("database went away")

    monkeypatch.setattr(writer, "delete_person_level_rows", fail)
    with caplog.at_level(logging.ERROR):
        first = import_committed(area, persons_file(25))
    assert first.ok and rows_of(current) == (CURRENT_PERSONS,) * 3
    assert "database went away" in caplog.text
    monkeypatch.undo()
    second = import_committed(area, persons_file(25))
    assert second.ok and rows_of(current) == (0, 0, 0) and rows_of(first.sen2_return) == (0, 0, 0)


# The command line -----------------------------------------------------------------------------------------------


@pytest.fixture
def sen2_files(tmp_path) -> dict[str, Path]:
    files = {"empty": persons_file(0), "small": persons_file(5), "normal": persons_file(CURRENT_PERSONS)}
    for name, data in files.items():
        (tmp_path / f"{name}.xml").write_bytes(data)
    return {name: tmp_path / f"{name}.xml" for name in files}


def command(path: Path, *options: str) -> str:
    out = io.StringIO()
    with TestCase.captureOnCommitCallbacks(execute=True):
        call_command("sen2_import", str(path), "--area", "888", *options, stdout=out, stderr=io.StringIO())
    return out.getvalue()


@pytest.mark.parametrize("name, found", [("empty", "no Person records"), ("small", "This return has 5 persons")])
def test_command_refuses_a_much_smaller_return(area, current, sen2_files, name, found):
    with pytest.raises(CommandError) as refused:
        command(sen2_files[name])
    message = str(refused.value)
    assert message.startswith(f"{name}.xml was not imported.") and found in message
    assert f"has {CURRENT_PERSONS}" in message and "sendhub restore" in message
    assert message.endswith("run the command again with --allow-shrink.")
    assert_untouched(current)


def test_command_imports_a_much_smaller_return_with_allow_shrink(area, current, sen2_files):
    assert "5 persons" in command(sen2_files["small"], "--allow-shrink")
    current.refresh_from_db()
    assert not current.is_current and rows_of(current) == (0, 0, 0)
    assert Sen2Return.objects.get(is_current=True).person_count == 5


def test_command_supersedes_with_a_normal_return(area, current, sen2_files):
    assert f"{CURRENT_PERSONS} persons" in command(sen2_files["normal"])
    current.refresh_from_db()
    assert not current.is_current and rows_of(current) == (0, 0, 0)


# The upload page -------------------------------------------------------------------------------------------------


@pytest.fixture(autouse=True)
def _kept_files(settings, tmp_path):
    """Uploads kept for confirmation go to this test's own private upload directory."""
    folder = tmp_path / "upload-tmp"
    folder.mkdir(mode=0o700)
    settings.FILE_UPLOAD_TEMP_DIR = str(folder)
    return folder


def kept_files(folder: Path) -> list[Path]:
    return sorted(folder.glob("sen2-kept-*")) if folder.exists() else []


@pytest.fixture
def admin(client_for, admin_user):
    return client_for(admin_user)


def upload_url(area) -> str:
    return reverse("outcomes:return-upload", args=[area.slug])


def upload(client, area, data: bytes, name: str = "sen2-2025.xml"):
    return client.post(upload_url(area), {"file": SimpleUploadedFile(name, data, content_type="application/xml")})


def token_in(response) -> str:
    return response.context["confirm_form"].initial["token"]


def confirm(client, area, token: str, action: str = "import"):
    with TestCase.captureOnCommitCallbacks(execute=True):
        return client.post(upload_url(area), {"token": token, "action": action})


def test_upload_page_asks_to_confirm_an_empty_return_then_imports_the_kept_file(admin, area, current, _kept_files):
    response = upload(admin, area, persons_file(0), name="cut-short.xml")
    assert response.status_code == 200
    page = response.content.decode()
    assert "Check this return before importing it" in page and "It has no persons" in page
    assert "Persons in cut-short.xml" in page and f"{CURRENT_PERSONS} (autumn.xml, imported" in page
    assert "sendhub restore" in page and "Import it and replace the current return" in page
    assert_untouched(current)
    [kept] = kept_files(_kept_files)
    assert kept.read_bytes() == persons_file(0) and kept.stat().st_mode & 0o077 == 0

    response = confirm(admin, area, token_in(response))
    new = Sen2Return.objects.get(is_current=True)
    assert response.status_code == 302 and response["Location"].endswith(f"/outcomes/returns/{new.pk}/")
    assert (new.filename, new.person_count) == ("cut-short.xml", 0)
    current.refresh_from_db()
    assert not current.is_current and rows_of(current) == (0, 0, 0)
    assert kept_files(_kept_files) == []  # imported: deleted


def test_an_upload_spooled_to_disk_is_kept_by_moving_it(admin, area, current, _kept_files, settings):
    """Uploads over FILE_UPLOAD_MAX_MEMORY_SIZE arrive as a file in the private upload directory: it is moved
    (not copied) to be kept, and the request's clean-up copes with it having gone."""
    settings.FILE_UPLOAD_MAX_MEMORY_SIZE = 1000
    data = persons_file(3)
    assert len(data) > 1000
    response = upload(admin, area, data)
    assert response.status_code == 200
    assert [path.name.startswith("sen2-kept-") for path in _kept_files.iterdir()] == [True]
    response = confirm(admin, area, token_in(response))
    assert response.status_code == 302 and Sen2Return.objects.get(is_current=True).person_count == 3
    assert list(_kept_files.iterdir()) == []


def test_upload_page_shows_both_counts_for_a_return_under_half(admin, area, current, _kept_files):
    response = upload(admin, area, persons_file(7))
    page = response.content.decode()
    assert f"It has 7 persons, fewer than half of the {CURRENT_PERSONS} in the current 2025 return" in page
    assert 'Persons in sen2-2025.xml</dt><dd class="govuk-summary-list__value">7<' in page
    assert_untouched(current)
    response = confirm(admin, area, token_in(response))
    assert response.status_code == 302 and Sen2Return.objects.get(is_current=True).person_count == 7


def test_cancelling_deletes_the_kept_file_and_imports_nothing(admin, area, current, _kept_files):
    token = token_in(upload(admin, area, persons_file(3)))
    response = confirm(admin, area, token, action="cancel")
    assert response.status_code == 302 and response["Location"].endswith("/outcomes/returns/")
    assert kept_files(_kept_files) == []
    assert_untouched(current)
    response = confirm(admin, area, token)  # the token is no use any more
    assert "The file is no longer kept" in response.content.decode()
    assert_untouched(current)


def test_a_normal_upload_supersedes_without_confirming(admin, area, current, _kept_files):
    with TestCase.captureOnCommitCallbacks(execute=True):
        response = upload(admin, area, persons_file(CURRENT_PERSONS))
    assert response.status_code == 302 and kept_files(_kept_files) == []
    current.refresh_from_db()
    assert not current.is_current and rows_of(current) == (0, 0, 0)


def test_a_confirmation_is_only_for_its_own_user_area_and_hour(client_for, admin, area, current, la_org, monkeypatch):
    token = token_in(upload(admin, area, persons_file(0)))
    other_admin = client_for(member(area, Role.ADMINISTRATOR, la_org, full_name="Bo Other", email="bo@example.org"))
    assert "another upload" in confirm(other_admin, area, token).content.decode()
    assert "not valid" in confirm(admin, area, token[:-2] + "xx").content.decode()
    monkeypatch.setattr(pending, "KEEP_SECONDS", -1)
    assert "has been deleted. Upload it again" in confirm(admin, area, token).content.decode()
    assert_untouched(current)


def test_a_confirmation_for_counts_that_changed_asks_again(admin, area, current):
    token = token_in(upload(admin, area, persons_file(0)))
    # Meanwhile someone else imports a bigger return: the confirmation was for 20 persons, not 30.
    import_committed(area, persons_file(30))
    response = confirm(admin, area, token)
    assert response.status_code == 200 and "the current 2025 return has 30" in response.content.decode()
    assert Sen2Return.objects.get(is_current=True).person_count == 30
    response = confirm(admin, area, token_in(response))
    assert response.status_code == 302 and Sen2Return.objects.get(is_current=True).person_count == 0


def test_kept_files_older_than_an_hour_are_swept(admin, area, current, _kept_files):
    upload(admin, area, persons_file(0))
    [kept] = kept_files(_kept_files)
    assert pending.sweep() == 0
    later = timezone.now() + timedelta(seconds=pending.KEEP_SECONDS + 1)
    assert pending.sweep(now=later) == 1 and not kept.exists()


def test_old_rows_survive_when_the_confirmed_import_fails(admin, area, current, monkeypatch):
    token = token_in(upload(admin, area, persons_file(0)))
    monkeypatch.setattr(importer, "_check_links", lambda *args: (_ for _ in ()).throw(importer.LinkError("broken")))
    with pytest.raises(importer.LinkError):
        confirm(admin, area, token)
    assert_untouched(current)
    assert not MeasureValue.objects.exists()
