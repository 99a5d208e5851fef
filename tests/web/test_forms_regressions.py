"""Regressions found by the fuzz suite (tests/fuzz/test_forms.py) in the forms every page shares."""

from __future__ import annotations

import pytest
from django import forms

from sendhub.accounts.models import Organisation
from sendhub.web.forms import GovukForm

pytestmark = pytest.mark.django_db


class PartnersForm(GovukForm):
    partners = forms.ModelMultipleChoiceField(queryset=Organisation.objects.all())


@pytest.mark.parametrize("value", ["99999999999999999999", "-99999999999999999999", "9223372036854775808"])
def test_an_id_no_database_can_hold_is_not_a_choice_rather_than_a_server_error(value):
    """Django's ``__in`` lookup sends such a number to SQLite, which raises OverflowError."""
    form = PartnersForm({"partners": ["1", value]})

    assert not form.is_valid()
    assert form.errors["partners"] == [f"Select a valid choice. {value} is not one of the available choices."]


def test_ids_in_range_are_still_checked_against_the_choices(area):
    organisation = Organisation.objects.create(area=area, name="Council", kind=Organisation.Kind.LOCAL_AUTHORITY)

    assert PartnersForm({"partners": [str(organisation.pk)]}).is_valid()
    assert not PartnersForm({"partners": ["9223372036854775807"]}).is_valid()
