"""factory_boy factories for the accounts app: areas, organisations, people and their memberships.

Each factory makes a valid object with as little as possible; a test names what it relies on.
"""

from __future__ import annotations

import factory
from factory.django import DjangoModelFactory

from sendhub.accounts.models import Invitation, LocalArea, Membership, Organisation, Role, User

PASSWORD = "correct-horse-battery"
_BASE36 = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ"


class LocalAreaFactory(DjangoModelFactory):
    class Meta:
        model = LocalArea

    name = factory.Sequence(lambda n: f"Area {n:03d}")
    slug = factory.Sequence(lambda n: f"area-{n:03d}")
    # Letters never clash with the real three-digit codes that tests give their named areas.
    la_code = factory.Sequence(lambda n: "X" + _BASE36[n // 36 % 36] + _BASE36[n % 36])
    ons_code = factory.Sequence(lambda n: f"E{n:08d}")
    region = LocalArea.Region.NORTH_WEST


class OrganisationFactory(DjangoModelFactory):
    class Meta:
        model = Organisation

    area = factory.SubFactory(LocalAreaFactory)
    name = factory.Sequence(lambda n: f"Council {n}")
    short_name = ""
    kind = Organisation.Kind.LOCAL_AUTHORITY


class NationalOrganisationFactory(OrganisationFactory):
    area = None
    name = factory.Sequence(lambda n: f"Department for Education {n}")
    kind = Organisation.Kind.DFE


class UserFactory(DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    email = factory.Sequence(lambda n: f"person{n}@example.org")
    full_name = factory.Sequence(lambda n: f"Person {n}")
    job_title = ""

    @factory.post_generation
    def password(obj, create, extracted, **kwargs):
        obj.set_password(extracted or PASSWORD)
        if create:
            obj.save(update_fields=["password"])


class MembershipFactory(DjangoModelFactory):
    class Meta:
        model = Membership

    user = factory.SubFactory(UserFactory)
    area = factory.SubFactory(LocalAreaFactory)
    role = Role.VIEWER
    organisation = None


class InvitationFactory(DjangoModelFactory):
    class Meta:
        model = Invitation

    area = factory.SubFactory(LocalAreaFactory)
    email = factory.Sequence(lambda n: f"invitee{n}@example.org")
    full_name = factory.Sequence(lambda n: f"Invitee {n}")
    role = Role.VIEWER
    organisation = None
    invited_by = None


def member(area: LocalArea, role: str, organisation: Organisation | None = None, **user_fields) -> User:
    """A new user with a membership of ``area`` in ``role``, acting for ``organisation``."""
    user = UserFactory(**user_fields)
    MembershipFactory(user=user, area=area, role=role, organisation=organisation)
    return user
