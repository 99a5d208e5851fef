"""Public "Have your say" pages: feedback and survey answers from families, with no sign-in.

Spam protection, in order, on every POST:
1. a rate limit per address on all POSTs (generous: people correcting mistakes send a form several times);
2. a stricter rate limit per address on accepted submissions (``SENDHUB_VOICE_SUBMISSION_RATE``, 5 an hour);
3. a honeypot field that people never see: a robot that fills it in is shown the usual confirmation with an
   invented reference, and nothing is stored;
4. the form's one-time token, so the same form is never stored twice.
Over a limit, the page says so plainly with status 429. CSRF protection comes from Django's middleware.
"""

from __future__ import annotations

from django.conf import settings
from django.db import IntegrityError
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.views import View
from django_ratelimit.core import get_usage

from sendhub.accounts.models import LocalArea
from sendhub.voice import surveys
from sendhub.voice.forms_public import HONEYPOT_FIELD, FeedbackForm, SurveyResponseForm
from sendhub.voice.models import Feedback, Survey

ALL_POSTS_GROUP = "voice-public-posts"
SUBMISSIONS_GROUP = "voice-public-submissions"
SESSION_FEEDBACK = "voice-feedback-reference"
SESSION_SURVEY = "voice-survey-reference"


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
        return self.render(self.template_name, {"form": FeedbackForm(area=self.area)})

    def post(self, request, *args, **kwargs):
        if over_limit(request):
            return rate_limited(request, self.area)
        if honeypot_filled(request):
            count_submission(request)
            request.session[SESSION_FEEDBACK] = Feedback._meta.get_field("reference").default()  # invented
            return HttpResponseRedirect(self.url("feedback-sent"))
        form = FeedbackForm(request.POST, area=self.area)
        if not form.is_valid():
            return self.render(self.template_name, {"form": form})
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
        return HttpResponseRedirect(self.url("feedback-sent"))


class FeedbackSentView(PublicAreaMixin, View):
    def get(self, request, *args, **kwargs):
        reference = request.session.get(SESSION_FEEDBACK)
        if not reference:
            return HttpResponseRedirect(self.url("feedback"))
        return self.render("voice/public/feedback_sent.html", {"reference": reference})


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
