"""Issue 13, item 1: one identity per email address for sign-in, lockout, the slowdown and the audit log.

Sign-in finds an account whatever the letter case; the lockout used to count failures against the exact string
typed, so each case variant of an address got its own allowance of guesses.
"""

from __future__ import annotations

import itertools

import pytest
from axes.models import AccessAttempt
from django.conf import settings
from django.urls import reverse

from sendhub.accounts.identity import axes_username, identity_key, normalise_email
from sendhub.accounts.models import AuditEvent, User
from sendhub.accounts.selectors import sign_in_username
from tests.factories import UserFactory

SIGN_IN = reverse("accounts:sign-in")
PASSWORD = "a long enough password 13"  # noqa: S105
ADDRESS = "pfa.lead@example.org"


def case_variants(text: str) -> list[str]:
    """Every way of writing ``text`` with upper- and lower-case letters (2^n for n letters)."""
    choices = [(c.lower(), c.upper()) if c.isalpha() else (c,) for c in text]
    return ["".join(chosen) for chosen in itertools.product(*choices)]


def sign_in(client, username: str, password: str = "a wrong guess"):  # noqa: S107
    return client.post(SIGN_IN, {"username": username, "password": password})


@pytest.fixture
def lead(db):
    return UserFactory(email=ADDRESS, password=PASSWORD)


def test_every_case_variant_of_an_address_is_one_identity_for_axes_and_the_slowdown():
    variants = case_variants(ADDRESS)
    assert len(variants) == 2**17  # 17 letters
    keys = {axes_username(None, {"username": variant}) for variant in variants}
    assert keys == {ADDRESS}
    assert {identity_key(variant) for variant in variants[:: 2**6]} == {identity_key(ADDRESS)}


@pytest.mark.parametrize(
    "typed",
    [
        "  PFA.Lead@Example.ORG  ",
        "\u00a0pfa.lead@example.org\t",  # a no-break space pasted from a document
        "\uff50\uff46\uff41.lead@example.org",  # full-width "pfa"
        "PFA.LEAD@EXAMPLE.ORG",
    ],
)
def test_spaces_and_unicode_look_alikes_are_the_same_identity(typed):
    assert normalise_email(typed) == ADDRESS
    assert axes_username(None, {"username": typed}) == ADDRESS


def test_normalising_twice_changes_nothing():
    for typed in ["PFA.lead@Example.org", "\u212a@example.org", "\u2160x@example.org", "Stra\u00dfe@example.org"]:
        once = normalise_email(typed)
        assert normalise_email(once) == once


@pytest.mark.django_db
def test_every_case_variant_of_the_local_part_names_the_stored_address(lead):
    variants = {variant + "@example.org" for variant in case_variants("pfa.lead")}
    assert len(variants) == 2**7
    assert {sign_in_username(variant) for variant in variants} == {lead.email}
    assert sign_in_username("Nobody.Known@Example.org ") == "nobody.known@example.org"


@pytest.mark.django_db
def test_the_attack_from_the_issue_stays_locked_whatever_the_case(client, lead):
    # Five wrong passwords for the address as stored lock it from this client...
    for _ in range(settings.AXES_FAILURE_LIMIT):
        sign_in(client, "pfa.lead@example.org")

    # ...and every other way of writing it is the same locked account, not a fresh allowance of guesses.
    tried = [*(v + ".lead@example.org" for v in case_variants("pfa")), "PFA.LEAD@EXAMPLE.ORG",
             " pfa.lead@example.org ", "\uff50\uff46\uff41.lead@example.org", "pfa.lead@EXAMPLE.org"]
    for variant in tried:
        response = sign_in(client, variant)
        assert response.status_code == 429, variant
        assert "Sign-in locked" in response.content.decode(), variant

    # The right password with a different case does not get in either.
    response = sign_in(client, "PFA.lead@example.org", PASSWORD)
    assert response.status_code == 429 and "Sign-in locked" in response.content.decode()
    assert "_auth_user_id" not in client.session

    # Axes counted every try against the one normalised address.
    assert set(AccessAttempt.objects.values_list("username", flat=True)) == {ADDRESS}


@pytest.mark.django_db
def test_failures_in_different_cases_add_up_to_one_lockout(client, lead):
    for variant in ["Pfa.lead@example.org", "pFa.lead@example.org", "pfA.lead@example.org",
                    "PFa.lead@example.org"][: settings.AXES_FAILURE_LIMIT - 1]:
        assert sign_in(client, variant).status_code == 200
    assert sign_in(client, "PFA.LEAD@example.org").status_code == 429, "the fifth failure locks the account"
    assert sign_in(client, "pfa.lead@example.org", PASSWORD).status_code == 429


@pytest.mark.django_db
def test_any_case_still_signs_in_and_clears_the_count(client, lead):
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        sign_in(client, "PFA.Lead@example.org")
    response = sign_in(client, " Pfa.LEAD@Example.Org ", PASSWORD)
    assert response.status_code == 302 and int(client.session["_auth_user_id"]) == lead.pk
    assert not AccessAttempt.objects.exists(), "success resets the failures counted under any spelling"


@pytest.mark.django_db
def test_the_audit_log_names_the_account_whatever_the_case(client, lead):
    sign_in(client, "\uff30FA.Lead@example.org")
    failed = AuditEvent.objects.get(kind=AuditEvent.Kind.SIGN_IN_FAILED)
    assert failed.user == lead


@pytest.mark.django_db
def test_new_accounts_store_the_normalised_address():
    user = User.objects.create_user("  \uff2a\uff4f.Bloggs@Example.ORG ", password=PASSWORD, full_name="Jo Bloggs")
    assert user.email == "jo.bloggs@example.org"


@pytest.mark.django_db
@pytest.mark.parametrize("look_alike", ["j\u0131m@example.org", "\uff4aim@example.org", "JIM@EXAMPLE.ORG"])
def test_letters_the_database_folds_differently_cannot_escape_the_lockout(client, look_alike):
    # PostgreSQL's upper() makes a dotless "ı" an "I", so "jım@…" finds jim@…'s account there, while Python's
    # lower() keeps it apart: counting failures under the typed string would give it a fresh allowance.
    UserFactory(email="jim@example.org", password=PASSWORD)
    for _ in range(settings.AXES_FAILURE_LIMIT):
        sign_in(client, "jim@example.org")
    response = sign_in(client, look_alike, PASSWORD)
    assert response.status_code in (200, 429) and "_auth_user_id" not in client.session
