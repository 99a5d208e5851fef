import pytest
from django.core import mail
from django.core.management import CommandError, call_command

from sendhub.accounts.models import Invitation, LocalArea, Organisation


@pytest.mark.django_db
def test_area_create_adds_area_council_and_invites_first_administrator(capsys, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        call_command(
            "area_create", "--name", "Cumbria", "--la-code", "909", "--ons-code", "E10000006",
            "--region", "north_west", "--admin-email", "Lead@Cumbria.example", "--admin-name", "Casey Lead",
        )
    area = LocalArea.objects.get(slug="cumbria")
    assert (area.la_code, area.ons_code, area.region) == ("909", "E10000006", "north_west")
    council = Organisation.objects.get(area=area)
    assert council.name == "Cumbria Council" and council.kind == "local_authority"
    invitation = Invitation.objects.get(area=area)
    assert (invitation.email, invitation.role, invitation.organisation) == (
        "lead@cumbria.example", "administrator", council,
    )
    assert len(mail.outbox) == 1 and invitation.token in mail.outbox[0].body
    assert invitation.token in capsys.readouterr().out


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--la-code", "88"], "--la-code must be three digits"),
        (["--ons-code", "X123"], "--ons-code must be a letter E or W and 8 digits"),
        (["--name", "Existing"], "An area with name 'Existing' already exists"),
    ],
)
def test_area_create_refuses_bad_input_and_changes_nothing(args, message):
    LocalArea.objects.create(name="Existing", slug="existing", la_code="111", ons_code="E10000001", region="london")
    base = {"--name": "Newshire", "--la-code": "222", "--ons-code": "E10000002"}
    base.update(dict(zip(args[::2], args[1::2], strict=True)))
    argv = [x for pair in base.items() for x in pair]
    with pytest.raises(CommandError, match=message):
        call_command("area_create", *argv, "--region", "london", "--admin-email", "a@b.example", "--admin-name", "A")
    assert LocalArea.objects.count() == 1
    assert not Invitation.objects.exists()
