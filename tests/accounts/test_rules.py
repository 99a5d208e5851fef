"""Every permission in sendhub/accounts/rules.py, for every kind of person."""

from __future__ import annotations

import pytest
import rules
from django.contrib.auth.models import AnonymousUser

from sendhub.accounts.models import Role
from sendhub.accounts.rules import membership_for, role_in
from tests.factories import ActionFactory, UserFactory, member

pytestmark = pytest.mark.django_db

AREA_PERMISSIONS = ["area.view", "area.manage", "area.comment", "area.update_own_actions", "area.coproduce"]
ACTION_PERMISSIONS = ["action.update"]

# person -> the permissions they hold in `area` (area-wide), and on actions owned by their own organisation
# ("own_action") and by another organisation in the area ("other_action").
EXPECTED = {
    "administrator": {"area.view", "area.manage", "area.comment", "area.update_own_actions", "area.coproduce", "own",
                      "other"},
    "editor": {"area.view", "area.comment", "area.update_own_actions", "own"},
    "editor_without_organisation": {"area.view", "area.comment", "area.update_own_actions"},
    "forum_member": {"area.view", "area.comment", "area.coproduce"},
    "monitor": {"area.view"},
    "viewer": {"area.view"},
    "outsider": set(),
    "anonymous": set(),
    "superuser": {"area.view", "area.manage", "area.comment", "area.update_own_actions", "area.coproduce", "own",
                  "other"},
}


@pytest.fixture
def people(area, la_org, forum_org, dfe_org, outsider):
    return {
        "administrator": member(area, Role.ADMINISTRATOR, la_org),
        "editor": member(area, Role.EDITOR, la_org),
        "editor_without_organisation": member(area, Role.EDITOR),
        "forum_member": member(area, Role.FORUM_MEMBER, forum_org),
        "monitor": member(area, Role.MONITOR, dfe_org),
        "viewer": member(area, Role.VIEWER, la_org),
        "outsider": outsider,
        "anonymous": AnonymousUser(),
        "superuser": UserFactory(is_superuser=True, is_staff=True),
    }


@pytest.fixture
def own_action(area, la_org):
    return ActionFactory(area=area, owner=la_org)


@pytest.fixture
def other_action(area, health_org):
    return ActionFactory(area=area, owner=health_org)


@pytest.mark.parametrize("who", EXPECTED)
@pytest.mark.parametrize("permission", AREA_PERMISSIONS)
def test_area_permissions(people, area, who, permission):
    assert people[who].has_perm(permission, area) is (permission in EXPECTED[who])


@pytest.mark.parametrize("who", EXPECTED)
@pytest.mark.parametrize("which", ["own", "other"])
def test_action_update(people, own_action, other_action, who, which):
    action = own_action if which == "own" else other_action
    assert people[who].has_perm("action.update", action) is (which in EXPECTED[who])


@pytest.mark.parametrize("who", ["administrator", "editor", "forum_member", "monitor", "viewer"])
@pytest.mark.parametrize("permission", AREA_PERMISSIONS)
def test_a_role_in_one_area_gives_nothing_in_another(people, other_area, who, permission):
    assert not people[who].has_perm(permission, other_area)


@pytest.mark.parametrize("who", ["administrator", "editor"])
def test_a_role_in_one_area_updates_no_action_in_another(people, other_area, who):
    assert not people[who].has_perm("action.update", ActionFactory(area=other_area))


def test_the_outsider_administers_their_own_area(outsider, other_area):
    assert outsider.has_perm("area.manage", other_area)


def test_every_permission_in_rules_is_tested():
    ours = {name for name in rules.permissions.permissions if name.split(".")[0] in {"area", "action"}}
    assert ours == set(AREA_PERMISSIONS + ACTION_PERMISSIONS)


def test_no_permission_without_an_object(people):
    for who in ("administrator", "editor", "viewer"):
        for permission in AREA_PERMISSIONS:
            assert not people[who].has_perm(permission)


def test_role_in(people, area):
    assert role_in(people["editor"], area) == Role.EDITOR
    assert role_in(people["superuser"], area) == Role.ADMINISTRATOR
    assert role_in(people["outsider"], area) is None
    assert role_in(people["anonymous"], area) is None
    assert role_in(None, area) is None


def test_memberships_are_looked_up_once_per_user(area, other_area, la_org, django_assert_num_queries):
    editor = member(area, Role.EDITOR, la_org)
    own = ActionFactory(area=area, owner=la_org)
    with django_assert_num_queries(1):
        for permission in AREA_PERMISSIONS:
            editor.has_perm(permission, area)
            editor.has_perm(permission, other_area)
        editor.has_perm("action.update", own)
    assert membership_for(editor, area).organisation == la_org


def test_an_inactive_member_has_no_permissions(area, la_org):
    inactive = member(area, Role.ADMINISTRATOR, la_org, is_active=False)
    assert [p for p in AREA_PERMISSIONS if inactive.has_perm(p, area)] == []
