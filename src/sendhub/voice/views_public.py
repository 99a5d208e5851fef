"""Public "Have your say" pages: feedback and survey answers from families, with no sign-in.

Spam protection, in order, on every POST:
1. a rate limit per address on all POSTs (generous: people correcting mistakes send a form several times);
2. a stricter rate limit per address on accepted submissions (``SENDHUB_VOICE_SUBMISSION_RATE``, 5 an hour);
3. a honeypot field that people never see: a robot that fills it in is shown the usual confirmation with an
   invented reference, and nothing is stored;
4. the form's one-time token, so the same form is never stored twice.
Over a limit, the page says so plainly with status 429. CSRF protection comes from Django's middleware.

"See or delete your feedback" (voice/access.py explains the design): the writer gives the reference with the code
shown on the confirmation page or the email address they gave. Tries are rate-limited per address
(``SENDHUB_VOICE_ACCESS_RATE``, 10 an hour); a match is remembered in the session for ``ACCESS_MINUTES`` (the
session key is changed at that moment, as at sign-in), and every failure gives the same answer.
"""

from __future__ import annotations

import time

from django.conf import settings
from django.db import IntegrityError
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views import View
from django_ratelimit.core import get_usage

from sendhub.accounts.models import LocalArea
from sendhub.voice import access, surveys
from sendhub.voice.forms_public import HONEYPOT_FIELD, FeedbackAccessForm, FeedbackForm, SurveyResponseForm
from sendhub.voice.models import Feedback, Survey

ALL_POSTS_GROUP = "voice-public-posts"
SUBMISSIONS_GROUP = "voice-public-submissions"
SESSION_FEEDBACK = "voice-feedback-reference"
SESSION_FEEDBACK_CODE = "voice-feedback-code"
SESSION_SURVEY = "voice-survey-reference"
SESSION_ACCESS = "voice-feedback-access"
SESSION_ERASED = "voice-feedback-erased"
ACCESS_GROUP = "voice-feedback-access"
ACCESS_MINUTES = 15  # how long a match lets the writer see and delete their feedback without asking again
CODE_SHOWN_MINUTES = 30  # how long the confirmation page shows the code (a shared computer's next user must not)


def _post_rate() -> str:
    return getattr(settings, "SENDHUB_VOICE_POST_RATE", "30/h")


def _submission_rate() -> str:
    return getattr(settings, "SENDHUB_VOICE_SUBMISSION_RATE", "5/h")


def over_limit(request: HttpRequest) -> bool:
    """Count this POST and say whether the address has sent too many posts or too many accepted submissions."""
    posts = get_usage(request, group=ALL_POSTS_GROUP, key="ip", rate=_post_rate(), method="POST", increment=True)
    if posts and posts["should_limit"]:
        return True
    accepted = get_usage(request, group=SUBMISSIONS_GROUP, key="ip", rate=_submission_rate(), method="POST")
    return bool(accepted) and accepted["count"] >= accepted["limit"]


def count_submission(request: HttpRequest) -> None:
    get_usage(request, group=SUBMISSIONS_GROUP, key="ip", rate=_submission_rate(), method="POST", increment=True)


def rate_limited(request: HttpRequest, area: LocalArea) -> HttpResponse:
    return render(request, "voice/public/rate_limited.html", {"area": area}, status=429)


def honeypot_filled(request: HttpRequest) -> bool:
    return bool(request.POST.get(HONEYPOT_FIELD, "").strip())


def _access_rate() -> str:
    return getattr(settings, "SENDHUB_VOICE_ACCESS_RATE", "10/h")


def remember_code(request: HttpRequest, reference: str, code: str) -> None:
    until = time.time() + 60 * CODE_SHOWN_MINUTES
    request.session[SESSION_FEEDBACK_CODE] = {"ref": reference, "code": code, "until": until}


def shown_code(request: HttpRequest, reference: str) -> str | None:
    """The code for the feedback just sent from this browser, for a short while after sending it."""
    data = request.session.get(SESSION_FEEDBACK_CODE)
    if not isinstance(data, dict) or data.get("ref") != reference or not isinstance(data.get("code"), str):
        return None
    if not isinstance(data.get("until"), int | float) or data["until"] < time.time():
        request.session.pop(SESSION_FEEDBACK_CODE, None)
        return None
    return data["code"]


def human_period(days: object) -> str | None:
    """``1095`` -> "3 years", ``365`` -> "12 months", ``90`` -> "90 days", for the privacy notice; None for a
    period it cannot state (0 or unset: the rule is off; anything but a whole number of days: a bad setting)."""
    if isinstance(days, bool) or not isinstance(days, int) or days <= 0:
        return None
    if days % 365 == 0 and days > 365:
        years = days // 365
        return ngettext("%(count)d year", "%(count)d years", years) % {"count": years}
    if days == 365:
        return _("12 months")
    return ngettext("%(count)d day", "%(count)d days", days) % {"count": days}


def privacy_periods() -> dict[str, str | None]:
    """How long feedback and contact details are kept, as the retention settings say (for the privacy notice).

    The settings are read here rather than through ``operations.retention``, which sits above voice. A bad setting
    is reported by ``sendhub check`` (operations/checks.py) and stops the retention run; the notice then names no
    period rather than failing the public form.
    """
    return {
        "feedback_period": human_period(getattr(settings, "SENDHUB_RETAIN_FEEDBACK_DAYS", None)),
        "contact_period": human_period(getattr(settings, "SENDHUB_RETAIN_FEEDBACK_CONTACT_DAYS", None)),
    }


class PublicAreaMixin:
    """Finds the local area from the URL for pages that anyone can open."""

    area: LocalArea

    def dispatch(self, request, *args, **kwargs):
        self.area = get_object_or_404(LocalArea, slug=kwargs["area_slug"])
        return super().dispatch(request, *args, **kwargs)

    def url(self, name: str, *args) -> str:
        return reverse(f"voice-public:{name}", args=[self.area.slug, *args])

    def render(self, template: str, context: dict | None = None, status: int = 200) -> HttpResponse:
        return render(self.request, template, {"area": self.area, **(context or {})}, status=status)


class HaveYourSayView(PublicAreaMixin, View):
    def get(self, request, *args, **kwargs):
        open_surveys = (
            Survey.objects.filter(area=self.area, is_template=False, waves__status=Survey.Status.OPEN)
            .distinct()
            .order_by("title")
        )
        return self.render("voice/public/index.html", {"open_surveys": open_surveys})


class FeedbackView(PublicAreaMixin, View):
    template_name = "voice/public/feedback_form.html"

    def get(self, request, *args, **kwargs):
        return self.render(self.template_name, {"form": FeedbackForm(area=self.area), **privacy_periods()})

    def post(self, request, *args, **kwargs):
        if over_limit(request):
            return rate_limited(request, self.area)
        if honeypot_filled(request):
            count_submission(request)
            invented = Feedback._meta.get_field("reference").default()
            request.session[SESSION_FEEDBACK] = invented
            remember_code(request, invented, access.new_access_code())  # a robot sees what a person would
            return HttpResponseRedirect(self.url("feedback-sent"))
        form = FeedbackForm(request.POST, area=self.area)
        if not form.is_valid():
            return self.render(self.template_name, {"form": form, **privacy_periods()})
        already = {"reference": form.reference, "what": "your feedback"}
        if Feedback.objects.filter(reference=form.reference).exists():
            return self.render("voice/public/already_sent.html", already)
        try:
            feedback = form.save()
        except IntegrityError:
            if Feedback.objects.filter(reference=form.reference).exists():  # sent twice at the same moment
                return self.render("voice/public/already_sent.html", already)
            raise
        count_submission(request)
        request.session[SESSION_FEEDBACK] = feedback.reference
        remember_code(request, feedback.reference, form.access_code)
        return HttpResponseRedirect(self.url("feedback-sent"))


class FeedbackSentView(PublicAreaMixin, View):
    def get(self, request, *args, **kwargs):
        reference = request.session.get(SESSION_FEEDBACK)
        if not reference:
            return HttpResponseRedirect(self.url("feedback"))
        context = {"reference": reference, "code": shown_code(request, reference), "code_minutes": CODE_SHOWN_MINUTES}
        return self.render("voice/public/feedback_sent.html", context)


# See or delete your feedback ------------------------------------------------------------------------------


class FeedbackAccessMixin(PublicAreaMixin):
    def granted(self) -> Feedback | None:
        """The feedback this browser proved it may see, while the grant lasts, in this area only."""
        data = self.request.session.get(SESSION_ACCESS)
        if not isinstance(data, dict) or data.get("area") != self.area.pk or not isinstance(data.get("pk"), int):
            return None
        if not isinstance(data.get("until"), int | float) or data["until"] < time.time():
            self.request.session.pop(SESSION_ACCESS, None)
            return None
        return Feedback.objects.filter(pk=data["pk"], area=self.area).first()

    def start_again(self) -> HttpResponse:
        return HttpResponseRedirect(self.url("feedback-access"))


class FeedbackAccessView(FeedbackAccessMixin, View):
    template_name = "voice/public/access_form.html"

    def get(self, request, *args, **kwargs):
        return self.render(self.template_name, {"form": FeedbackAccessForm()})

    def post(self, request, *args, **kwargs):
        usage = get_usage(request, group=ACCESS_GROUP, key="ip", rate=_access_rate(), method="POST", increment=True)
        if usage and usage["should_limit"]:
            return self.render("voice/public/access_rate_limited.html", status=429)
        form = FeedbackAccessForm(request.POST)
        if not form.is_valid():
            return self.render(self.template_name, {"form": form})
        feedback = access.find_feedback(self.area, form.cleaned_data["reference"], form.cleaned_data["proof"])
        if feedback is None:
            # One message for an unknown reference and for a wrong code or address: nothing is given away.
            form.add_error(
                None,
                _(
                    "We could not find feedback with that reference number and that code or email address. Check "
                    "them and try again"
                ),
            )
            return self.render(self.template_name, {"form": form})
        request.session.cycle_key()
        request.session[SESSION_ACCESS] = {
            "pk": feedback.pk,
            "area": self.area.pk,
            "until": time.time() + 60 * ACCESS_MINUTES,
        }
        return HttpResponseRedirect(self.url("feedback-access-detail"))


class FeedbackAccessDetailView(FeedbackAccessMixin, View):
    def get(self, request, *args, **kwargs):
        feedback = self.granted()
        if feedback is None:
            return self.start_again()
        return self.render(
            "voice/public/access_detail.html",
            {"feedback": feedback, "rows": access.describe(feedback), "minutes": ACCESS_MINUTES},
        )


class FeedbackDeleteView(FeedbackAccessMixin, View):
    def get(self, request, *args, **kwargs):
        feedback = self.granted()
        if feedback is None:
            return self.start_again()
        if feedback.erasure_requested_at is not None:
            return HttpResponseRedirect(self.url("feedback-access-detail"))
        return self.render("voice/public/access_delete.html", {"feedback": feedback})

    def post(self, request, *args, **kwargs):
        feedback = self.granted()
        if feedback is None:
            return self.start_again()
        outcome = access.erase_feedback(feedback)
        request.session.pop(SESSION_ACCESS, None)
        if request.session.get(SESSION_FEEDBACK) == feedback.reference:
            request.session.pop(SESSION_FEEDBACK, None)
            request.session.pop(SESSION_FEEDBACK_CODE, None)
        request.session[SESSION_ERASED] = {"ref": feedback.reference, "area": self.area.pk, "outcome": outcome}
        return HttpResponseRedirect(self.url("feedback-deleted"))


class FeedbackDeletedView(FeedbackAccessMixin, View):
    def get(self, request, *args, **kwargs):
        data = request.session.get(SESSION_ERASED)
        if not isinstance(data, dict) or data.get("area") != self.area.pk:
            return self.start_again()
        pending = data.get("outcome") == access.PENDING
        return self.render("voice/public/access_deleted.html", {"reference": data.get("ref", ""), "pending": pending})


class SurveyMixin(PublicAreaMixin):
    def load(self) -> None:
        self.survey = get_object_or_404(Survey, area=self.area, slug=self.kwargs["survey_slug"], is_template=False)
        self.wave = surveys.open_wave_of(self.survey)

    def closed(self) -> HttpResponse:
        return self.render("voice/public/survey_closed.html", {"survey": self.survey}, status=410)


class SurveyRespondView(SurveyMixin, View):
    template_name = "voice/public/survey_form.html"

    def form(self, data=None) -> SurveyResponseForm:
        return SurveyResponseForm(data, wave=self.wave, questions=list(self.survey.questions.all()))

    def page(self, form) -> HttpResponse:
        return self.render(self.template_name, {"survey": self.survey, "wave": self.wave, "form": form})

    def get(self, request, *args, **kwargs):
        self.load()
        if self.wave is None:
            return self.closed()
        return self.page(self.form())

    def post(self, request, *args, **kwargs):
        self.load()
        if self.wave is None:
            return self.closed()
        if over_limit(request):
            return rate_limited(request, self.area)
        if honeypot_filled(request):
            count_submission(request)
            request.session[SESSION_SURVEY] = {"survey": self.survey.pk, "ref": surveys.new_reference()}
            return HttpResponseRedirect(self.url("survey-sent", self.survey.slug))
        form = self.form(request.POST)
        if not form.is_valid():
            return self.page(form)
        already = {"reference": form.reference, "what": "your answers", "survey": self.survey}
        try:
            response = surveys.submit_response(
                self.wave,
                reference=form.reference,
                answers=form.answers(),
                district=form.cleaned_data.get("district") or "",
                respondent=form.cleaned_data.get("respondent") or "",
            )
        except surveys.AlreadySubmitted:
            return self.render("voice/public/already_sent.html", already)
        count_submission(request)
        request.session[SESSION_SURVEY] = {"survey": self.survey.pk, "ref": response.reference}
        return HttpResponseRedirect(self.url("survey-sent", self.survey.slug))


class SurveySentView(SurveyMixin, View):
    def get(self, request, *args, **kwargs):
        self.load()
        sent = request.session.get(SESSION_SURVEY) or {}
        if sent.get("survey") != self.survey.pk:
            raise Http404("No answers sent to this survey from this browser")
        return self.render("voice/public/survey_sent.html", {"survey": self.survey, "reference": sent["ref"]})
