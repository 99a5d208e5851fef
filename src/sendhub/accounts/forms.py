"""Forms for signing in, two-factor authentication, invitations, memberships and organisations."""

from __future__ import annotations

import re

from axes.handlers.proxy import AxesProxyHandler
from django import forms
from django.contrib.auth.forms import AuthenticationForm, PasswordChangeForm, SetPasswordForm, SetPasswordMixin
from django.db.models import Q

from sendhub.accounts import services
from sendhub.accounts.identity import normalise_email
from sendhub.accounts.models import LocalArea, Membership, Organisation, Role
from sendhub.accounts.selectors import sign_in_username
from sendhub.accounts.services import is_member
from sendhub.web.forms import GovukFormMixin

_NATIONAL_KINDS = {str(kind) for kind in Organisation.NATIONAL_KINDS}



def wait_in_words(seconds: int) -> str:
    """"45 seconds", "4 minutes", "1 hour": a wait rounded up to a unit a person reads at a glance."""
    if seconds < 60:
        return f"{seconds} second{'s' if seconds != 1 else ''}"
    minutes = -(-seconds // 60)
    if minutes < 60:
        return f"{minutes} minute{'s' if minutes != 1 else ''}"
    hours = -(-minutes // 60)
    return f"{hours} hour{'s' if hours != 1 else ''}"


class SignInForm(GovukFormMixin, AuthenticationForm):
    """Email address and password. The field keeps Django's name ``username`` (django-axes reads it).

    The address is turned into the account's one identity before anything counts it (sendhub.accounts.identity), and
    an account with many recent failures from any address is slowed: the form then refuses without checking the
    password, and ``wait_seconds`` says for how long.
    """

    error_messages = {
        "invalid_login": "Enter a correct email address and password. The password is case-sensitive.",
        "inactive": "This account has been closed. Contact your area administrator.",
    }
    wait_seconds = 0

    def __init__(self, request=None, *args, **kwargs) -> None:
        super().__init__(request, *args, **kwargs)
        self.fields["username"].label = "Email address"
        self.fields["username"].widget.attrs.pop("autofocus", None)
        self.fields["username"].widget.attrs.update(
            {"autocomplete": "email", "spellcheck": "false", "inputmode": "email"}
        )
        self.fields["username"].error_messages["required"] = "Enter your email address"
        self.fields["password"].error_messages["required"] = "Enter your password"

    def clean_username(self) -> str:
        return sign_in_username(self.cleaned_data["username"])

    def clean(self):
        username, password = self.cleaned_data.get("username"), self.cleaned_data.get("password")
        if not (username and password) or self._locked_here(username, password):
            # Nothing to check, or django-axes refuses this address anyway and shows its page: the slowdown's
            # turn is not spent and no failure is counted against the account.
            return super().clean()
        self.wait_seconds = services.sign_in_throttle_claim(identity=username)
        if self.wait_seconds:
            raise forms.ValidationError(
                "There have been too many failed attempts to sign in to this account. Wait %(wait)s, then try "
                "again, or get a sign-in link by email.",
                code="slowed",
                params={"wait": wait_in_words(self.wait_seconds)},
            )
        try:
            return super().clean()
        except forms.ValidationError as error:
            if error.code == "invalid_login":
                services.sign_in_throttle_record_failure(identity=username)
            raise

    def _locked_here(self, username: str, password: str) -> bool:
        if self.request is None:
            return False
        return not AxesProxyHandler.is_allowed(self.request, {"username": username, "password": password})


class SignInLinkForm(GovukFormMixin, forms.Form):
    """The address to send a sign-in link to."""

    email = forms.CharField(
        label="Email address",
        max_length=254,
        help_text="The address you sign in with",
        error_messages={"required": "Enter your email address"},
        widget=forms.EmailInput(attrs={"autocomplete": "email", "spellcheck": "false"}),
    )

    def clean_email(self) -> str:
        email = normalise_email(self.cleaned_data["email"])
        if "@" not in email.strip("@"):
            raise forms.ValidationError("Enter an email address in the correct format, like name@example.org")
        return email


_CHOOSING_HINT = "At least 12 characters. Do not use your name, your email address or a common password."


def _password_fields(first_label: str, second_label: str, first_missing: str, second_missing: str):
    """A new password and its confirmation, with our labels, hints and messages.

    They are set on the class's fields: GovukFormMixin renders the bound fields as the form is made, so labels
    changed in ``__init__`` afterwards never reached the page (Django's "New password confirmation" showed instead).
    """
    first, second = SetPasswordMixin.create_password_fields(label1=first_label, label2=second_label)
    first.help_text, second.help_text = _CHOOSING_HINT, "Enter the same password again"
    first.error_messages["required"], second.error_messages["required"] = first_missing, second_missing
    return first, second


class NewPasswordForm(GovukFormMixin, SetPasswordForm):
    """A new password without the old one, just after signing in by emailed link (Django's validators apply)."""

    new_password1, new_password2 = _password_fields(
        "New password", "Confirm new password", "Enter a new password", "Confirm your new password"
    )


class TokenForm(GovukFormMixin, forms.Form):
    """The six-digit code from an authenticator app, checked against one TOTP device."""

    token = forms.CharField(
        label="Security code",
        help_text="The 6-digit code shown in your authenticator app",
        max_length=12,
        error_messages={"required": "Enter the 6-digit security code from your authenticator app"},
        widget=forms.TextInput(
            attrs={
                "autocomplete": "one-time-code",
                "inputmode": "numeric",
                "spellcheck": "false",
                "class": "govuk-input govuk-input--width-5",
            }
        ),
    )

    def __init__(self, *args, device, **kwargs) -> None:
        self.device = device
        super().__init__(*args, **kwargs)

    def clean_token(self) -> str:
        token = re.sub(r"[\s-]", "", self.cleaned_data["token"])
        if not re.fullmatch(r"\d{6}", token):
            raise forms.ValidationError("Enter the security code as 6 digits, for example 123456")
        allowed, _ = self.device.verify_is_allowed()
        if not allowed:
            raise forms.ValidationError("Too many wrong codes. Wait a minute, then enter a new code")
        if not self.device.verify_token(token):
            raise forms.ValidationError("The security code is wrong or has expired. Enter the latest code")
        return token


class AcceptInvitationForm(GovukFormMixin, SetPasswordForm):
    """Choose a password for a new account made from an invitation (Django's password validators apply)."""

    new_password1, new_password2 = _password_fields(
        "Create a password", "Confirm your password", "Create a password", "Confirm your password"
    )


class SendHubPasswordChangeForm(GovukFormMixin, PasswordChangeForm):
    new_password1, new_password2 = _password_fields(
        "New password", "Confirm new password", "Enter a new password", "Confirm your new password"
    )

    def __init__(self, user, *args, **kwargs) -> None:
        super().__init__(user, *args, **kwargs)
        self.fields["old_password"].widget.attrs.pop("autofocus", None)
        self.fields["old_password"].label = "Current password"


class OrganisationChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Organisation) -> str:
        if obj.is_national:
            return f"{obj.name} (national)"
        return f"{obj.name} ({obj.get_kind_display()})"


def organisation_field() -> OrganisationChoiceField:
    return OrganisationChoiceField(
        queryset=Organisation.objects.none(),
        required=False,
        empty_label="No organisation",
        label="Organisation",
        help_text=(
            "Editors must belong to an organisation in the area. Monitors must belong to the Department "
            "for Education or NHS England."
        ),
    )


def organisations_for(area: LocalArea):
    """The area's organisations, then the national ones (DfE, NHS England) for monitors."""
    return Organisation.objects.filter(Q(area=area) | Q(area__isnull=True)).order_by("area", "name")


def role_organisation_errors(area: LocalArea, role: str, organisation: Organisation | None) -> str | None:
    """Why this organisation does not fit this role in this area, or None when it does."""
    if role == Role.MONITOR:
        if organisation is None or not organisation.is_national:
            return "Select the Department for Education or NHS England: monitors act for a national body"
        return None
    if organisation is not None and organisation.area_id != area.pk:
        return f"Select an organisation in {area.name}: only monitors belong to a national body"
    if role == Role.EDITOR and organisation is None:
        return (
            "Select the organisation this editor works for: editors update the actions their organisation "
            "owns. If it is not listed, add it under Organisations first"
        )
    return None


class RoleOrganisationMixin:
    area: LocalArea

    def clean(self):
        cleaned = super().clean()  # type: ignore[misc]
        role = cleaned.get("role")
        if role:
            error = role_organisation_errors(self.area, role, cleaned.get("organisation"))
            if error:
                self.add_error("organisation", error)  # type: ignore[attr-defined]
        return cleaned


class InvitationForm(GovukFormMixin, RoleOrganisationMixin, forms.Form):
    full_name = forms.CharField(
        label="Full name", max_length=150, widget=forms.TextInput(attrs={"autocomplete": "off"})
    )
    email = forms.EmailField(
        label="Email address",
        max_length=254,
        help_text="We will email the invitation link to this address",
        widget=forms.EmailInput(attrs={"autocomplete": "off", "spellcheck": "false"}),
    )
    role = forms.ChoiceField(label="Role", choices=Role.choices, widget=forms.RadioSelect)
    organisation = organisation_field()

    def __init__(self, *args, area: LocalArea, **kwargs) -> None:
        self.area = area
        super().__init__(*args, **kwargs)
        self.fields["full_name"].error_messages["required"] = "Enter the person's full name"
        self.fields["email"].error_messages["required"] = "Enter the person's email address"
        self.fields["email"].error_messages["invalid"] = (
            "Enter an email address in the correct format, like name@example.org"
        )
        self.fields["role"].error_messages["required"] = "Select a role"
        self.fields["organisation"].queryset = organisations_for(area)

    def clean_email(self) -> str:
        email = normalise_email(self.cleaned_data["email"])
        if is_member(email, self.area):
            raise forms.ValidationError(f"{email} is already a member of {self.area.name}")
        return email


class MembershipForm(GovukFormMixin, RoleOrganisationMixin, forms.ModelForm):
    organisation = organisation_field()

    class Meta:
        model = Membership
        fields = ["role", "organisation"]
        widgets = {"role": forms.RadioSelect}

    def __init__(self, *args, area: LocalArea, **kwargs) -> None:
        self.area = area
        super().__init__(*args, **kwargs)
        self.fields["role"].choices = Role.choices
        self.fields["organisation"].queryset = organisations_for(area)


class OrganisationForm(GovukFormMixin, forms.ModelForm):
    class Meta:
        model = Organisation
        fields = ["name", "short_name", "kind"]
        labels = {"name": "Name", "short_name": "Short name", "kind": "Type of organisation"}
        help_texts = {"short_name": "Shown in lists and tables, for example ‘NHS Lancashire’"}
        widgets = {"kind": forms.RadioSelect}

    def __init__(self, *args, area: LocalArea, **kwargs) -> None:
        self.area = area
        super().__init__(*args, **kwargs)
        self.fields["kind"].choices = [
            (value, label) for value, label in Organisation.Kind.choices if value not in _NATIONAL_KINDS
        ]
        self.fields["name"].error_messages["required"] = "Enter the organisation's name"
        self.fields["kind"].error_messages["required"] = "Select the type of organisation"

    def clean_name(self) -> str:
        name = self.cleaned_data["name"].strip()
        clash = Organisation.objects.filter(area=self.area, name__iexact=name)
        if self.instance.pk:
            clash = clash.exclude(pk=self.instance.pk)
        if clash.exists():
            raise forms.ValidationError(f"{self.area.name} already has an organisation called {name}")
        return name

    def clean_kind(self) -> str:
        kind = self.cleaned_data["kind"]
        if kind in _NATIONAL_KINDS:
            raise forms.ValidationError("National bodies cannot be added to an area")
        return kind
