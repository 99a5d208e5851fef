"""The public progress page (anyone, no sign-in) and the administrators' pages that decide what it says.

Administrators (``area.manage``) write the plain words, choose what is published and preview the page, which is
shown to them whether or not it is published. The public page answers 404 until it is published.
"""

from __future__ import annotations

from django.contrib import messages
from django.http import Http404, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.utils import timezone
from django.utils.functional import cached_property
from django.views.generic import FormView, TemplateView

from sendhub.accounts.mixins import AreaMixin
from sendhub.accounts.models import LocalArea
from sendhub.improvement.models import Finding
from sendhub.progress import selectors, services
from sendhub.progress.forms import FindingWordsForm, ProgressPageForm, PublishedMeasureForm
from sendhub.progress.models import ProgressPage, PublishedFinding, PublishedMeasure
from sendhub.progress.wording import Hint, hint_for
from sendhub.web import history
from sendhub.web.views import FormPageMixin

PUBLIC_TEMPLATE = "progress/public.html"


class PublicProgressView(TemplateView):
    """"How we are improving SEND in <area>": for families, in plain words. Not found until published."""

    template_name = PUBLIC_TEMPLATE

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        area = get_object_or_404(LocalArea, slug=kwargs["area_slug"])
        page = ProgressPage.objects.filter(area=area, is_published=True).first()
        if page is None:
            raise Http404("This area has not published its progress page")
        context["area"] = area
        context["progress"] = selectors.cached_public_page(area, page, timezone.localdate())
        return context


# Staff pages --------------------------------------------------------------------------------------------


class ProgressMixin(AreaMixin):
    area_permission = "area.manage"

    def get_breadcrumbs(self):
        return [*super().get_breadcrumbs(), ("Public progress page", self.area_url("progress:overview"))]

    def overview_url(self) -> str:
        return self.area_url("progress:overview")

    @cached_property
    def partner_names(self) -> list[str]:
        """The area's organisations, which are public names and never taken for a person's."""
        return selectors.organisation_names(self.area)

    def hint(self, text: str) -> Hint:
        return hint_for(text, self.partner_names)

    def warn_about(self, label: str, text: str) -> None:
        """After saving: readability hints as a message, so they are seen but never stop the save."""
        hint = self.hint(text)
        if not hint.is_easy:
            messages.warning(self.request, f"{label}: {' '.join(hint.messages)} {hint.score}")


class OverviewView(ProgressMixin, TemplateView):
    template_name = "progress/overview.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        page = selectors.page_for(self.area)
        rows = selectors.finding_rows(self.area)
        measures = list(PublishedMeasure.objects.filter(area=self.area))
        context.update(
            page=page,
            rows=[(row, self.hint(row.published.plain_summary) if row.published else None) for row in rows],
            measures=measures,
            public_url=page.get_absolute_url(),
            history=history.merged(
                history.entries_for(page, label="Page settings") if page.pk else [],
                *(history.entries_for(row.published, label=f"Finding {row.finding.reference}")
                  for row in rows if row.published),
                *(history.entries_for(measure, label="Measure") for measure in measures),
            ),
        )
        return context


class WordingFormMixin(FormPageMixin, ProgressMixin):
    """A form whose long text fields get readability hints beside them."""

    template_name = "progress/form.html"
    hinted_fields: tuple[str, ...] = ()

    def get_back_url(self):
        return self.overview_url()

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        form = context["form"]
        hints = []
        for name in self.hinted_fields:
            text = form.data.get(name, "") if form.is_bound else form.initial.get(name, "")
            if text:
                hints.append((form[name].label, self.hint(text)))
        context["hints"] = hints
        return context


class PageSettingsView(WordingFormMixin, FormView):
    form_class = ProgressPageForm
    page_title = "Public progress page settings"
    submit_label = "Save settings"
    hinted_fields = ("introduction", "how_to_get_involved")

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "instance": selectors.page_for(self.area)}

    def form_valid(self, form):
        page = services.page_save(form.save(commit=False), user=self.request.user, now=timezone.now())
        messages.success(
            self.request, "Page settings saved: the page is " + ("published" if page.is_published else "not published")
        )
        self.warn_about("Introduction", page.introduction)
        self.warn_about("How to get involved", page.how_to_get_involved)
        return HttpResponseRedirect(self.overview_url())


class FindingWordsView(WordingFormMixin, FormView):
    """Write a finding's plain words; "Check the wording" shows the hints without saving."""

    form_class = FindingWordsForm
    template_name = "progress/finding_form.html"
    submit_label = "Save plain words"
    hinted_fields = ("plain_title", "plain_summary", "what_we_have_done")

    def get_form_kwargs(self):
        self.finding = get_object_or_404(
            Finding.objects.select_related("inspection"), area=self.area, pk=self.kwargs["finding_pk"]
        )
        instance = PublishedFinding.objects.filter(finding=self.finding).first()
        return {**super().get_form_kwargs(), "instance": instance or PublishedFinding(area=self.area)}

    def get_page_title(self):
        return f"Plain words for {self.finding.reference}"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["finding"] = self.finding
        return context

    def form_valid(self, form):
        if "check" in self.request.POST:
            return self.render_to_response(self.get_context_data(form=form, checked=True))
        published = services.finding_words_save(
            form.save(commit=False), area=self.area, finding=self.finding, user=self.request.user
        )
        shown = "shown on the public page" if published.is_published else "not shown on the public page yet"
        messages.success(self.request, f"Plain words saved for {self.finding.reference}: {shown}")
        self.warn_about("What this means", published.plain_summary)
        return HttpResponseRedirect(self.overview_url())


class MeasureFormMixin(WordingFormMixin):
    form_class = PublishedMeasureForm
    hinted_fields = ("plain_explanation",)

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "area": self.area}

    def form_valid(self, form):
        measure = services.measure_save(form.save(commit=False), area=self.area, user=self.request.user)
        messages.success(self.request, f"Measure saved: {measure.title}")
        self.warn_about("What the number means", measure.plain_explanation)
        return HttpResponseRedirect(self.overview_url())


class MeasureAddView(MeasureFormMixin, FormView):
    page_title = "Add a key number to the public page"
    submit_label = "Add measure"


class MeasureEditView(MeasureFormMixin, FormView):
    page_title = "Edit a key number"
    submit_label = "Save measure"

    def get_form_kwargs(self):
        self.measure = get_object_or_404(PublishedMeasure, area=self.area, pk=self.kwargs["pk"])
        return {**super().get_form_kwargs(), "instance": self.measure}


class MeasureRemoveView(ProgressMixin, TemplateView):
    """GET asks to confirm; POST takes the measure off the page."""

    template_name = "progress/measure_remove.html"

    def get_measure(self) -> PublishedMeasure:
        return get_object_or_404(PublishedMeasure, area=self.area, pk=self.kwargs["pk"])

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["measure"] = self.get_measure()
        return context

    def post(self, request, *args, **kwargs):
        measure = self.get_measure()
        services.measure_remove(measure, user=request.user)
        messages.success(request, f"Measure taken off the page: {measure.title}")
        return HttpResponseRedirect(self.overview_url())


class PreviewView(ProgressMixin, TemplateView):
    """The public page as the public would see it once published, with a preview banner."""

    template_name = PUBLIC_TEMPLATE

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        page = selectors.page_for(self.area)
        context["area"] = self.area
        context["preview"] = True
        context["progress"] = selectors.public_page(self.area, page, timezone.localdate())
        return context
