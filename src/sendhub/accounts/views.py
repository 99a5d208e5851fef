"""Signing in and out, two-factor authentication, the profile page, invitations and area administration."""

from __future__ import annotations

import time
from urllib.parse import urlencode

import segno
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import get_user_model, logout, update_session_auth_hash
from django.contrib.auth import login as auth_login
from django.contrib.auth import views as auth_views
from django.contrib.auth.mixins import LoginRequiredMixin
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.safestring import mark_safe
from django.views import View
from django.views.generic import FormView, ListView, TemplateView
from django_otp import login as otp_login
from django_otp.plugins.otp_totp.models import TOTPDevice
from django_ratelimit.core import is_ratelimited

from sendhub.accounts import audit, services
from sendhub.accounts.forms import (
    AcceptInvitationForm,
    InvitationForm,
    MembershipForm,
    NewPasswordForm,
    OrganisationForm,
    SendHubPasswordChangeForm,
    SignInForm,
    SignInLinkForm,
    TokenForm,
)
from sendhub.accounts.mixins import AreaMixin
from sendhub.accounts.models import (
    ROLE_DESCRIPTIONS,
    AuditEvent,
    Invitation,
    LocalArea,
    Membership,
    Organisation,
    Role,
    User,
)
from sendhub.accounts.selectors import landing_url

# A password accepted for a person with two-factor authentication waits here until the code is entered.
PENDING_USER_KEY = "sendhub_2fa_pending_user"
PENDING_BACKEND_KEY = "sendhub_2fa_pending_backend"
PENDING_SINCE_KEY = "sendhub_2fa_pending_since"
PENDING_SECONDS = 5 * 60
# After signing in by emailed link the person may set a new password without the old one, for this long.
LINK_SIGNED_IN_KEY = "sendhub_link_signed_in_at"
SIGN_IN_LINK_SENT_TO_KEY = "sendhub_sign_in_link_sent_to"
NEW_PASSWORD_SECONDS = 15 * 60
_MODEL_BACKEND = "django.contrib.auth.backends.ModelBackend"


def _safe_next(request, fallback: str | None = None) -> str:
    candidate = request.POST.get("next") or request.GET.get("next") or ""
    if candidate and url_has_allowed_host_and_scheme(
        candidate, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return candidate
    return fallback or reverse(settings.LOGIN_REDIRECT_URL)


def confirmed_device(user) -> TOTPDevice | None:
    return TOTPDevice.objects.devices_for_user(user, confirmed=True).first()


# --- Signing in and out ------------------------------------------------------------------------------


class SignInView(auth_views.LoginView):
    """Email and password; then, for a person with an authenticator app, the six-digit code.

    Django's AuthenticationForm calls ``authenticate(request, ...)``, so django-axes counts failures per
    email address and network address and shows accounts/locked_out.html once the limit is reached.
    """

    template_name = "accounts/sign_in.html"
    authentication_form = SignInForm
    redirect_authenticated_user = True

    def get_context_data(self, **kwargs):
        return {**super().get_context_data(**kwargs), "failure_limit": settings.AXES_FAILURE_LIMIT}

    def form_valid(self, form):
        user = form.get_user()
        if confirmed_device(user) is None:
            return super().form_valid(form)
        return _ask_for_second_factor(self.request, user, getattr(user, "backend", _MODEL_BACKEND),
                                      self.get_redirect_url())

    def form_invalid(self, form):
        response = super().form_invalid(form)
        if form.wait_seconds:
            # The password was not checked: say so to machines as well as people.
            response.status_code = 429
            response["Retry-After"] = str(form.wait_seconds)
        return response


def _ask_for_second_factor(request, user, backend: str, next_url: str = "") -> HttpResponseRedirect:
    """Not signed in yet: the first factor (password or emailed link) was right, now the authenticator app's code."""
    request.session.cycle_key()
    request.session[PENDING_USER_KEY] = user.pk
    request.session[PENDING_BACKEND_KEY] = backend
    request.session[PENDING_SINCE_KEY] = int(time.time())
    url = reverse("accounts:two-factor")
    if next_url:
        url += "?" + urlencode({"next": next_url})
    return HttpResponseRedirect(url)


class SignInLinkRequestView(FormView):
    """Ask for a sign-in link by email: the way in for someone locked out, slowed or without their password.

    The answer is the same whether or not the address has an account. Limited per client address as well as per
    account (in the service), so the form cannot be used to send floods of email.
    """

    template_name = "accounts/sign_in_link_request.html"
    sent_template = "accounts/sign_in_link_sent.html"
    form_class = SignInLinkForm

    def get_context_data(self, **kwargs):
        return {**super().get_context_data(**kwargs), "minutes": settings.SENDHUB_SIGN_IN_LINK_MINUTES}

    def post(self, request, *args, **kwargs):
        if is_ratelimited(request, group="accounts:sign-in-link", key="ip", rate=settings.SENDHUB_SIGN_IN_LINK_RATE,
                          method="POST", increment=True):
            return render(request, "accounts/sign_in_link_rate_limited.html", status=429)
        return super().post(request, *args, **kwargs)

    def get(self, request, *args, **kwargs):
        if request.GET.get("sent") == "1":
            context = {"email": request.session.get(SIGN_IN_LINK_SENT_TO_KEY, ""),
                       "minutes": settings.SENDHUB_SIGN_IN_LINK_MINUTES}
            return render(request, self.sent_template, context)
        return super().get(request, *args, **kwargs)

    def form_valid(self, form):
        services.sign_in_link_send(email=form.cleaned_data["email"], request=self.request)
        # Post, then redirect: reloading the "sent" page must not send another email.
        self.request.session[SIGN_IN_LINK_SENT_TO_KEY] = form.cleaned_data["email"]
        return redirect(f"{reverse('accounts:sign-in-link-request')}?sent=1")


class SignInLinkView(View):
    """An emailed sign-in link. Opening it only asks to continue: mail scanners open links, and must not use them up.

    Continuing uses the link and signs the person in (or asks for their authenticator code first), even when wrong
    guesses by someone else have locked or slowed the password; then offers a new password.
    """

    template_name = "accounts/sign_in_link.html"
    unusable_template = "accounts/sign_in_link_unusable.html"

    def get(self, request, token: str):
        link = services.sign_in_link_find(token=token)
        if link is None or not link.is_usable or not link.user.is_active:
            return render(request, self.unusable_template, {"link": link}, status=410)
        return render(request, self.template_name, {"link": link})

    def post(self, request, token: str):
        try:
            user = services.sign_in_link_use(token=token)
        except services.SignInLinkUnusable as error:
            return render(request, self.unusable_template, {"error": str(error)}, status=410)
        if request.user.is_authenticated and request.user.pk != user.pk:
            logout(request)  # a shared computer left signed in as someone else
        request.session[LINK_SIGNED_IN_KEY] = int(time.time())
        if request.user.is_authenticated:
            return redirect("accounts:new-password")
        if confirmed_device(user) is not None:
            # The link stands in for the password only: the authenticator app's code is still needed.
            return _ask_for_second_factor(request, user, _MODEL_BACKEND, reverse("accounts:new-password"))
        request.sendhub_signed_in_by = "emailed link"  # the audit log's sign-in event says so
        auth_login(request, user, backend=_MODEL_BACKEND)
        return redirect("accounts:new-password")


class NewPasswordView(LoginRequiredMixin, FormView):
    """Choose a new password without the old one: only just after signing in by emailed link (the link proved the
    person holds the mailbox; the old password is what they may have forgotten)."""

    template_name = "accounts/new_password.html"
    form_class = NewPasswordForm

    def dispatch(self, request, *args, **kwargs):
        since = request.session.get(LINK_SIGNED_IN_KEY) if request.user.is_authenticated else None
        if request.user.is_authenticated and not (
            isinstance(since, int) and time.time() - since <= NEW_PASSWORD_SECONDS
        ):
            return redirect("accounts:password-change")
        return super().dispatch(request, *args, **kwargs)

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "user": self.request.user}

    def form_valid(self, form):
        form.save()
        update_session_auth_hash(self.request, form.user)
        self.request.session.pop(LINK_SIGNED_IN_KEY, None)
        messages.success(self.request, "Your new password has been saved.")
        return redirect(settings.LOGIN_REDIRECT_URL)


class SignOutView(auth_views.LogoutView):
    http_method_names = ["post", "options"]


def _pending_user(request) -> tuple[User | None, str]:
    user_id = request.session.get(PENDING_USER_KEY)
    since = request.session.get(PENDING_SINCE_KEY, 0)
    if user_id is None:
        return None, ""
    if time.time() - since > PENDING_SECONDS:
        _clear_pending(request)
        return None, ""
    user = get_user_model().objects.filter(pk=user_id, is_active=True).first()
    return user, request.session.get(PENDING_BACKEND_KEY, _MODEL_BACKEND)


def _clear_pending(request) -> None:
    for key in (PENDING_USER_KEY, PENDING_BACKEND_KEY, PENDING_SINCE_KEY):
        request.session.pop(key, None)


class TwoFactorView(View):
    """Set up an authenticator app (QR code and key), or enter its code.

    Serves three people: someone part-way through signing in (password accepted, code needed); someone
    signed in without a confirmed device (set-up); and someone signed in with a device whose session is
    not yet verified (the middleware sends administrators here when two-factor is required).
    """

    verify_template = "accounts/two_factor_verify.html"
    setup_template = "accounts/two_factor_setup.html"

    def dispatch(self, request, *args, **kwargs):
        self.pending_user, self.pending_backend = (None, "")
        if not request.user.is_authenticated:
            self.pending_user, self.pending_backend = _pending_user(request)
            if self.pending_user is None:
                return redirect_to_sign_in(request)
        return super().dispatch(request, *args, **kwargs)

    @property
    def person(self) -> User:
        return self.pending_user or self.request.user

    def get(self, request, *args, **kwargs):
        if self.pending_user is None and request.user.is_verified():
            messages.info(request, "Two-factor authentication is already set up and in use for this session.")
            return redirect(_safe_next(request, reverse("accounts:profile")))
        device = confirmed_device(self.person)
        if device is not None:
            return self.render_verify(TokenForm(device=device))
        device = self.setup_device()
        return self.render_setup(device, TokenForm(device=device))

    def post(self, request, *args, **kwargs):
        if self.pending_user is None and request.user.is_verified():
            return redirect(_safe_next(request, reverse("accounts:profile")))
        device = confirmed_device(self.person)
        if device is not None:
            form = TokenForm(request.POST, device=device)
            if not form.is_valid():
                return self.render_verify(form)
            self.complete_sign_in(device)
            return redirect(_safe_next(request))
        device = self.setup_device()
        form = TokenForm(request.POST, device=device)
        if not form.is_valid():
            return self.render_setup(device, form)
        device.confirmed = True
        device.save()
        TOTPDevice.objects.filter(user=self.person, confirmed=False).exclude(pk=device.pk).delete()
        self.complete_sign_in(device)
        messages.success(request, "Two-factor authentication is set up. You will need a code each time you sign in.")
        return redirect(_safe_next(request, reverse("accounts:profile")))

    def complete_sign_in(self, device: TOTPDevice) -> None:
        if self.pending_user is not None:
            user = self.pending_user
            _clear_pending(self.request)
            auth_login(self.request, user, backend=self.pending_backend)
        otp_login(self.request, device)

    def setup_device(self) -> TOTPDevice:
        device = TOTPDevice.objects.filter(user=self.person, confirmed=False).order_by("-pk").first()
        if device is None:
            device = TOTPDevice.objects.create(user=self.person, name="Authenticator app", confirmed=False)
        return device

    def render_verify(self, form: TokenForm):
        context = {
            "form": form,
            "next": _safe_next(self.request, ""),
            "pending": self.pending_user is not None,
        }
        return render(self.request, self.verify_template, context, status=200)

    def render_setup(self, device: TOTPDevice, form: TokenForm):
        title = "QR code to scan with your authenticator app"
        svg = segno.make(device.config_url, error="m").svg_inline(scale=4, title=title, svgclass="sendhub-qr")
        svg = svg.replace("<svg ", f'<svg role="img" aria-label="{title}" focusable="false" ', 1)
        context = {
            "form": form,
            "qr_svg": mark_safe(svg),  # noqa: S308 - generated by segno from our own data  # nosec B308 B703
            "secret": services.totp_secret(device),
            "next": _safe_next(self.request, ""),
            "pending": self.pending_user is not None,
        }
        return render(self.request, self.setup_template, context)


def redirect_to_sign_in(request):
    return auth_views.redirect_to_login(request.get_full_path())


# --- The person's own account ------------------------------------------------------------------------


class ProfileView(LoginRequiredMixin, TemplateView):
    template_name = "accounts/profile.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        user = self.request.user
        context["memberships"] = (
            Membership.objects.filter(user=user).select_related("area", "organisation").order_by("area__name")
        )
        context["two_factor_device"] = confirmed_device(user)
        context["verified"] = user.is_verified()
        return context


class PasswordChangeView(auth_views.PasswordChangeView):
    template_name = "accounts/password_change.html"
    form_class = SendHubPasswordChangeForm

    def get_success_url(self) -> str:
        return reverse("accounts:profile")

    def form_valid(self, form):
        response = super().form_valid(form)
        messages.success(self.request, "Your password has been changed.")
        return response


# --- Invitations -------------------------------------------------------------------------------------


class InvitationAcceptView(View):
    template_name = "accounts/invitation_accept.html"
    unusable_template = "accounts/invitation_unusable.html"

    def dispatch(self, request, *args, **kwargs):
        self.invitation = (
            Invitation.objects.select_related("area", "organisation", "invited_by")
            .filter(token=kwargs["token"])
            .first()
        )
        if self.invitation is None or not self.invitation.is_usable:
            return render(request, self.unusable_template, {"invitation": self.invitation}, status=410)
        self.existing_user = services.user_for_email(self.invitation.email)
        return super().dispatch(request, *args, **kwargs)

    def context(self, form=None, error: str | None = None) -> dict:
        user = self.request.user
        signed_in_as_other = user.is_authenticated and user.email.lower() != self.invitation.email.lower()
        return {
            "invitation": self.invitation,
            "role_description": ROLE_DESCRIPTIONS.get(self.invitation.role, ""),
            "existing_user": self.existing_user,
            "signed_in_as_other": signed_in_as_other,
            "form": form,
            "error": error,
            "sign_in_url": reverse("accounts:sign-in") + "?next=" + self.request.path,
        }

    def new_user_form(self, data=None) -> AcceptInvitationForm:
        unsaved = User(email=self.invitation.email, full_name=self.invitation.full_name)
        return AcceptInvitationForm(unsaved, data)

    def get(self, request, *args, **kwargs):
        form = None
        if not request.user.is_authenticated and self.existing_user is None:
            form = self.new_user_form()
        return render(request, self.template_name, self.context(form))

    def post(self, request, *args, **kwargs):
        user = request.user
        if user.is_authenticated:
            if user.email.lower() != self.invitation.email.lower():
                return render(request, self.template_name, self.context(), status=403)
            return self.accept(user=user)
        if self.existing_user is not None:
            return redirect(self.context()["sign_in_url"])
        form = self.new_user_form(request.POST)
        if not form.is_valid():
            return render(request, self.template_name, self.context(form))
        return self.accept(password=form.cleaned_data["new_password1"])

    def accept(self, *, user=None, password=None):
        try:
            membership = services.invitation_accept(token=self.invitation.token, user=user, password=password)
        except services.InvitationUnusable as error:
            return render(self.request, self.template_name, self.context(error=str(error)), status=409)
        if user is None:
            auth_login(self.request, membership.user, backend=_MODEL_BACKEND)
        messages.success(
            self.request,
            f"Welcome to {membership.area.name}. You are a {membership.get_role_display().lower()}.",
        )
        return redirect("improvement:dashboard", membership.area.slug)


# --- Area administration: people ---------------------------------------------------------------------


class AreaAdminMixin(AreaMixin):
    area_permission = "area.manage"


def _people_crumbs(view) -> list[tuple[str, str]]:
    return [*AreaMixin.get_breadcrumbs(view), ("People", reverse("area-admin:people", args=[view.area.slug]))]


def _organisation_crumbs(view) -> list[tuple[str, str]]:
    return [
        *AreaMixin.get_breadcrumbs(view),
        ("Organisations", reverse("area-admin:organisation-list", args=[view.area.slug])),
    ]


class PeopleView(AreaMixin, ListView):
    template_name = "accounts/people.html"
    context_object_name = "memberships"
    paginate_by = 25

    def get_queryset(self):
        return (
            Membership.objects.filter(area=self.area)
            .select_related("user", "organisation")
            .order_by("user__full_name", "user__email")
        )

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        if context["can_manage"]:
            context["invitations"] = (
                Invitation.objects.filter(area=self.area, accepted_at__isnull=True, expires_at__gt=timezone.now())
                .select_related("organisation", "invited_by")
                .order_by("-created_at")
            )
        return context


class InviteView(AreaAdminMixin, FormView):
    template_name = "accounts/invite.html"
    form_class = InvitationForm

    def get_breadcrumbs(self):
        return _people_crumbs(self)

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "area": self.area}

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["invitation_days"] = settings.SENDHUB_INVITATION_DAYS
        context["role_descriptions"] = [(Role(value).label, text) for value, text in ROLE_DESCRIPTIONS.items()]
        return context

    def form_valid(self, form):
        data = form.cleaned_data
        invitation = services.invitation_create(
            area=self.area,
            email=data["email"],
            full_name=data["full_name"],
            role=data["role"],
            organisation=data["organisation"],
            invited_by=self.request.user,
        )
        messages.success(self.request, f"Invitation sent to {invitation.email}.")
        return redirect("area-admin:people", self.area.slug)


class InvitationCancelView(AreaAdminMixin, View):
    http_method_names = ["post"]

    def post(self, request, *args, **kwargs):
        invitation = get_object_or_404(Invitation, area=self.area, pk=kwargs["pk"])
        services.invitation_cancel(invitation=invitation, cancelled_by=request.user)
        messages.success(request, f"The invitation for {invitation.email} has been cancelled.")
        return redirect("area-admin:people", self.area.slug)


class MembershipObjectMixin(AreaAdminMixin):
    def get_membership(self) -> Membership:
        return get_object_or_404(
            Membership.objects.select_related("user", "organisation"), area=self.area, pk=self.kwargs["pk"]
        )

    def get_breadcrumbs(self):
        return _people_crumbs(self)


class MembershipEditView(MembershipObjectMixin, FormView):
    template_name = "accounts/membership_edit.html"
    form_class = MembershipForm

    def get_form_kwargs(self):
        self.membership = self.get_membership()
        return {**super().get_form_kwargs(), "area": self.area, "instance": self.membership}

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["membership"] = self.membership
        return context

    def form_valid(self, form):
        try:
            services.membership_update(
                membership=self.membership,
                role=form.cleaned_data["role"],
                organisation=form.cleaned_data["organisation"],
                changed_by=self.request.user,
            )
        except services.LastAdministratorError as error:
            # The form's instance already holds the new values; show the saved ones again.
            self.membership.refresh_from_db()
            form.add_error("role", str(error))
            return self.form_invalid(form)
        messages.success(self.request, f"{self.membership.user}'s role has been updated.")
        return redirect("area-admin:people", self.area.slug)


class MembershipRemoveView(MembershipObjectMixin, TemplateView):
    template_name = "accounts/membership_remove.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["membership"] = self.membership
        return context

    def get(self, request, *args, **kwargs):
        self.membership = self.get_membership()
        return super().get(request, *args, **kwargs)

    def post(self, request, *args, **kwargs):
        self.membership = self.get_membership()
        removing_self = self.membership.user_id == request.user.pk
        try:
            services.membership_remove(membership=self.membership, removed_by=request.user)
        except services.LastAdministratorError as error:
            context = self.get_context_data(error=str(error))
            return self.render_to_response(context, status=409)
        messages.success(request, f"{self.membership.user} has been removed from {self.area.name}.")
        if removing_self:
            return redirect("home")
        return redirect("area-admin:people", self.area.slug)


# --- Area administration: organisations --------------------------------------------------------------


class OrganisationListView(AreaMixin, ListView):
    template_name = "accounts/organisation_list.html"
    context_object_name = "organisations"
    paginate_by = 25

    def get_queryset(self):
        return Organisation.objects.filter(area=self.area).order_by("name")

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["national_organisations"] = Organisation.objects.filter(area__isnull=True).order_by("name")
        return context


class OrganisationFormMixin(AreaAdminMixin):
    form_class = OrganisationForm

    def get_breadcrumbs(self):
        return _organisation_crumbs(self)

    def form_valid(self, form):
        organisation = form.save(commit=False)
        organisation.area = self.area
        services.organisation_save(organisation=organisation, saved_by=self.request.user)
        messages.success(self.request, f"{organisation.name} has been saved.")
        return redirect("area-admin:organisation-list", self.area.slug)


class OrganisationCreateView(OrganisationFormMixin, FormView):
    template_name = "accounts/organisation_form.html"

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "area": self.area, "instance": Organisation(area=self.area)}

    def get_context_data(self, **kwargs):
        return {**super().get_context_data(**kwargs), "heading": "Add an organisation"}


class OrganisationEditView(OrganisationFormMixin, FormView):
    template_name = "accounts/organisation_form.html"

    def get_form_kwargs(self):
        self.organisation = get_object_or_404(Organisation, area=self.area, pk=self.kwargs["pk"])
        return {**super().get_form_kwargs(), "area": self.area, "instance": self.organisation}

    def get_context_data(self, **kwargs):
        return {
            **super().get_context_data(**kwargs),
            "heading": f"Change {self.organisation.name}",
            "organisation": self.organisation,
        }


class AuditLogView(AreaAdminMixin, ListView):
    """Sign-ins of the area's members and every export or download of the area's data, newest first."""

    template_name = "accounts/audit_log.html"
    context_object_name = "events"
    paginate_by = 50

    def get_queryset(self):
        events = audit.for_area(self.area)
        kind = self.request.GET.get("kind", "")
        if kind in AuditEvent.Kind.values:
            events = events.filter(kind=kind)
        return events

    def get_breadcrumbs(self):
        return _people_crumbs(self)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["kinds"] = AuditEvent.Kind.choices
        context["kind"] = self.request.GET.get("kind", "")
        return context


class HomeView(TemplateView):
    """The front door. Families see each hosted area's public pages (one area: its pages up front) with staff
    sign-in secondary; a signed-in person goes to the page made for their role (``landing_url``), or sees the
    list of their areas when they belong to several."""

    template_name = "accounts/home.html"

    def get(self, request: HttpRequest, *args, **kwargs) -> HttpResponse:
        if request.user.is_authenticated:
            landing = landing_url(request.user)
            if landing:
                return redirect(landing)
        return super().get(request, *args, **kwargs)

    @staticmethod
    def areas_for(user) -> list[LocalArea]:
        if user.is_superuser:
            return list(LocalArea.objects.all())
        return list(LocalArea.objects.filter(memberships__user=user).distinct())

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        if self.request.user.is_authenticated:
            context["areas"] = self.areas_for(self.request.user)
            context["monitors_areas"] = self.request.user.memberships.filter(role=Role.MONITOR).exists()
        else:
            context["hosted_areas"] = list(LocalArea.objects.order_by("name"))
        return context
