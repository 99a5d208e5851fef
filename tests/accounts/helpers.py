"""Small builders for the accounts tests (independent of the shared factories)."""

from __future__ import annotations

import itertools

from sendhub.accounts.models import LocalArea, Membership, Organisation, Role, User

PASSWORD = "correct horse battery staple"
_counter = itertools.count(1)


def make_area(name: str | None = None, **extra) -> LocalArea:
    n = next(_counter)
    name = name or f"Area {n}"
    defaults = {
        "slug": f"area-{n}",
        "la_code": f"{n % 1000:03d}",
        "ons_code": f"E{n:08d}",
        "region": LocalArea.Region.NORTH_WEST,
    }
    defaults.update(extra)
    return LocalArea.objects.create(name=name, **defaults)


def make_organisation(area: LocalArea | None, name: str | None = None, kind: str | None = None) -> Organisation:
    n = next(_counter)
    if kind is None:
        kind = Organisation.Kind.LOCAL_AUTHORITY if area else Organisation.Kind.DFE
    return Organisation.objects.create(area=area, name=name or f"Organisation {n}", kind=kind)


def make_user(email: str | None = None, password: str = PASSWORD, **extra) -> User:
    n = next(_counter)
    extra.setdefault("full_name", f"Person {n}")
    return User.objects.create_user(email or f"person{n}@example.org", password=password, **extra)


def make_member(
    area: LocalArea, role: str = Role.VIEWER, organisation: Organisation | None = None, **user_extra
) -> User:
    user = make_user(**user_extra)
    Membership.objects.create(user=user, area=area, role=role, organisation=organisation)
    return user
