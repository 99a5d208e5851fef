"""Staff survey pages: build a survey, run it in waves, read the results and export them.

Members of the area (``area.view``) see surveys and results; administrators (``area.manage``) build and run them.
"""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils import timezone
from django.views import View
from django.views.generic import FormView, ListView, TemplateView

from sendhub.accounts import audit
from sendhub.accounts.mixins import AreaMixin
from sendhub.voice import surveys
from sendhub.voice.forms_surveys import QuestionForm, SurveyCreateForm, SurveyEditForm, WaveForm
from sendhub.voice.models import Question, Survey, Wave
from sendhub.web import history
from sendhub.web.charts import Series, line_chart
from sendhub.web.views import FormPageMixin


class SurveyAreaMixin(AreaMixin):
    def surveys_url(self) -> str:
        return self.area_url("surveys:list")

    def get_breadcrumbs(self):
        return [*super().get_breadcrumbs(), ("Surveys", self.surveys_url())]


class SurveyObjectMixin(SurveyAreaMixin):
    """Loads the survey named in the URL, from this area only."""

    survey: Survey

    def load_survey(self) -> Survey:
        if not hasattr(self, "survey"):
            self.survey = get_object_or_404(Survey, area=self.area, pk=self.kwargs["pk"])
        return self.survey

    def survey_url(self) -> str:
        return self.area_url("surveys:detail", self.load_survey().pk)

    def get_breadcrumbs(self):
        return [*super().get_breadcrumbs(), (self.load_survey().title, self.survey_url())]


class SurveyListView(SurveyAreaMixin, ListView):
    template_name = "voice/surveys/survey_list.html"
    context_object_name = "surveys"

    def get_queryset(self):
        return Survey.objects.filter(area=self.area).prefetch_related("waves").order_by("is_template", "-created_at")

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        for survey in context["surveys"]:
            waves = list(survey.waves.all())
            survey.wave_count = len(waves)
            survey.open_wave = next((w for w in waves if w.status == Survey.Status.OPEN), None)
        return context


class SurveyCreateView(FormPageMixin, SurveyAreaMixin, FormView):
    area_permission = "area.manage"
    form_class = SurveyCreateForm
    page_title = "Create a survey"
    submit_label = "Create survey"

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "area": self.area}

    def get_back_url(self):
        return self.surveys_url()

    def form_valid(self, form):
        data = form.cleaned_data
        survey = surveys.create_survey(
            self.area,
            title=data["title"],
            welcome_text=data["welcome_text"],
            privacy_text=data["privacy_text"],
            template="" if data["template"] == "blank" else data["template"],
            user=self.request.user,
        )
        messages.success(self.request, f"Survey \u201c{survey.title}\u201d created")
        return HttpResponseRedirect(self.area_url("surveys:detail", survey.pk))


class SurveyDetailView(SurveyObjectMixin, TemplateView):
    template_name = "voice/surveys/survey_detail.html"

    def get_breadcrumbs(self):
        return SurveyAreaMixin.get_breadcrumbs(self)

    def get_context_data(self, **kwargs):
        survey = self.load_survey()
        context = super().get_context_data(**kwargs)
        questions = list(survey.questions.all())
        waves = list(survey.waves.order_by(*surveys.WAVE_ORDER))
        for wave in waves:
            wave.response_count = wave.responses.count()
        open_wave = next((w for w in waves if w.status == Survey.Status.OPEN), None)
        context.update(
            survey=survey,
            questions=questions,
            waves=waves,
            open_wave=open_wave,
            public_url=self.request.build_absolute_uri(
                reverse("voice-public:survey", args=[self.area.slug, survey.slug])
            ),
            history=history.merged(
                history.entries_for(survey),
                *[history.entries_for(w, label=f"Wave {w.name}") for w in waves],
            ),
        )
        return context


class SurveyEditView(FormPageMixin, SurveyObjectMixin, FormView):
    area_permission = "area.manage"
    form_class = SurveyEditForm
    submit_label = "Save changes"

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "instance": self.load_survey()}

    def get_page_title(self):
        return f"Edit {self.survey.title}"

    def get_back_url(self):
        return self.survey_url()

    def form_valid(self, form):
        form.save()
        messages.success(self.request, "Survey saved")
        return HttpResponseRedirect(self.survey_url())


# Questions ----------------------------------------------------------------------------------------------


class QuestionFormMixin(FormPageMixin, SurveyObjectMixin):
    area_permission = "area.manage"
    form_class = QuestionForm

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "survey": self.load_survey()}

    def get_back_url(self):
        return self.survey_url() + "#questions"

    def form_valid(self, form):
        question = form.save()
        messages.success(self.request, f"Question {question.position} saved")
        return HttpResponseRedirect(self.survey_url() + "#questions")


class QuestionCreateView(QuestionFormMixin, FormView):
    submit_label = "Add question"

    def get_page_title(self):
        return f"Add a question to {self.survey.title}"


class QuestionEditView(QuestionFormMixin, FormView):
    submit_label = "Save question"

    def get_form_kwargs(self):
        kwargs = super().get_form_kwargs()
        self.question = get_object_or_404(Question, survey=self.survey, pk=self.kwargs["question_pk"])
        return {**kwargs, "instance": self.question}

    def get_page_title(self):
        return f"Edit question {self.question.position}"


class QuestionMoveView(SurveyObjectMixin, View):
    area_permission = "area.manage"

    def post(self, request, *args, **kwargs):
        question = get_object_or_404(Question, survey=self.load_survey(), pk=kwargs["question_pk"])
        direction = "up" if request.POST.get("direction") == "up" else "down"
        if surveys.move_question(question, direction):
            messages.success(request, f"\u201c{question.text}\u201d moved {direction} to number {question.position}")
        return HttpResponseRedirect(self.survey_url() + "#questions")


class QuestionDeleteView(SurveyObjectMixin, TemplateView):
    area_permission = "area.manage"
    template_name = "voice/surveys/question_delete.html"

    def get_question(self) -> Question:
        return get_object_or_404(Question, survey=self.load_survey(), pk=self.kwargs["question_pk"])

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        question = self.get_question()
        context.update(survey=self.survey, question=question, has_answers=surveys.question_has_answers(question))
        return context

    def post(self, request, *args, **kwargs):
        question = self.get_question()
        try:
            surveys.delete_question(question)
        except surveys.SurveyError as error:
            messages.error(request, str(error))
        else:
            messages.success(request, f"Question \u201c{question.text}\u201d deleted")
        return HttpResponseRedirect(self.survey_url() + "#questions")


# Waves --------------------------------------------------------------------------------------------------


class WaveCreateView(FormPageMixin, SurveyObjectMixin, FormView):
    area_permission = "area.manage"
    form_class = WaveForm
    submit_label = "Add wave"

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "survey": self.load_survey()}

    def get_page_title(self):
        return f"Add a wave to {self.survey.title}"

    def get_back_url(self):
        return self.survey_url() + "#waves"

    def form_valid(self, form):
        wave = form.save(commit=False)
        wave.survey = self.survey
        wave.save()
        messages.success(self.request, f"Wave \u201c{wave.name}\u201d added. Open it when you are ready for answers")
        return HttpResponseRedirect(self.survey_url() + "#waves")


class WaveStatusView(SurveyObjectMixin, View):
    """POST ``action=open`` or ``action=close``."""

    area_permission = "area.manage"

    def post(self, request, *args, **kwargs):
        wave = get_object_or_404(Wave, survey=self.load_survey(), pk=kwargs["wave_pk"])
        action = request.POST.get("action")
        try:
            if action == "open":
                surveys.open_wave(wave)
                messages.success(request, f"\u201c{wave.name}\u201d is open: people can answer at the public link")
            elif action == "close":
                surveys.close_wave(wave)
                messages.success(request, f"\u201c{wave.name}\u201d is closed: it takes no more answers")
        except surveys.SurveyError as error:
            messages.error(request, str(error))
        return HttpResponseRedirect(self.survey_url() + "#waves")


# Results ------------------------------------------------------------------------------------------------


class SurveyResultsView(SurveyObjectMixin, TemplateView):
    template_name = "voice/surveys/results.html"

    def get_context_data(self, **kwargs):
        survey = self.load_survey()
        context = super().get_context_data(**kwargs)
        result = surveys.results(survey)
        context.update(survey=survey, results=result)
        if result.trust_questions and result.waves:
            context["trust_chart"] = line_chart(
                [
                    Series(
                        "Trust index",
                        [(w.wave.name, round(w.trust.mean, 1) if w.trust else None) for w in result.waves],
                    )
                ],
                title=f"Trust index by wave, {survey.title}",
                unit="count",
                chart_id="trust-chart",
            )
        return context


class SurveyExportCsvView(SurveyObjectMixin, View):
    def get(self, request, *args, **kwargs):
        survey = self.load_survey()
        csv_text = surveys.export_csv(survey, include_safeguarding=request.user.has_perm("area.manage", self.area))
        response = HttpResponse(csv_text, content_type="text/csv; charset=utf-8")
        audit.exported(request, self.area, f"Survey answers: {survey.title}", "csv")
        filename = f"{self.area.slug}-{survey.slug}-{timezone.localdate()}.csv"
        response["Content-Disposition"] = f'attachment; filename="{filename}"'
        return response
