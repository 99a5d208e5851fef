"""Improvement plan pages. Views parse input with a form, call a service or selector, and render."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import FileResponse, Http404, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.utils import timezone
from django.utils.text import slugify
from django.views import View
from django.views.generic import DetailView, FormView, ListView, TemplateView

from sendhub.accounts import audit
from sendhub.accounts.mixins import AreaMixin
from sendhub.improvement import exports, panels, selectors, services
from sendhub.improvement.forms import (
    ActionFilterForm,
    ActionForm,
    CommentForm,
    FindingForm,
    InspectionForm,
    JudgementForm,
    MilestoneForm,
    ProgressUpdateForm,
)
from sendhub.improvement.models import Action, Comment, Evidence, Finding, Inspection, Milestone
from sendhub.web import history
from sendhub.web.views import FormPageMixin

PAGE_SIZE = 25


def reference_taken(view: FormView, form, taken: services.DuplicateReference) -> HttpResponse:
    """Show, on the reference field, that another record took the reference while this form was being saved."""
    form.add_error(taken.field, str(taken))
    return view.form_invalid(form)


class DashboardView(AreaMixin, TemplateView):
    template_name = "improvement/dashboard.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["dashboard"] = selectors.dashboard(self.area, timezone.localdate())
        context["rag_choices"] = Action.Rag.choices
        context["status_choices"] = Action.Status.choices
        return context

    def get_breadcrumbs(self):
        return [("Home", "/")]


# Inspections -------------------------------------------------------------------------------------------


class InspectionListView(AreaMixin, ListView):
    template_name = "improvement/inspection_list.html"
    paginate_by = PAGE_SIZE

    def get_queryset(self):
        return selectors.inspection_list(self.area)


class InspectionDetailView(AreaMixin, DetailView):
    template_name = "improvement/inspection_detail.html"
    context_object_name = "inspection"

    def get_queryset(self):
        return Inspection.objects.filter(area=self.area).select_related("area")

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["findings"] = selectors.finding_list(self.area).filter(inspection=self.object)
        context["judgements"] = self.object.judgements.select_related("finding", "finding__area").order_by(
            "finding__reference"
        )
        context["history"] = history.entries_for(self.object)
        return context

    def get_breadcrumbs(self):
        return [*super().get_breadcrumbs(), ("Inspections", self.area_url("improvement:inspection-list"))]


class InspectionFormMixin(FormPageMixin, AreaMixin):
    area_permission = "area.manage"
    multipart = True

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "area": self.area}

    def form_valid(self, form):
        inspection = form.save()
        messages.success(self.request, f"{inspection} saved")
        return HttpResponseRedirect(inspection.get_absolute_url())


class InspectionCreateView(InspectionFormMixin, FormView):
    form_class = InspectionForm
    page_title = "Add an inspection"
    submit_label = "Save inspection"


class InspectionEditView(InspectionFormMixin, FormView):
    form_class = InspectionForm
    submit_label = "Save changes"

    def get_form_kwargs(self):
        self.inspection = get_object_or_404(Inspection, area=self.area, pk=self.kwargs["pk"])
        return {**super().get_form_kwargs(), "instance": self.inspection}

    def get_page_title(self):
        return f"Edit inspection: {self.inspection}"

    def get_back_url(self):
        return self.inspection.get_absolute_url()


class InspectionReportView(AreaMixin, View):
    """The uploaded report PDF, served only to members of the area (uploads are outside the web root)."""

    def get(self, request, *args, **kwargs):
        inspection = get_object_or_404(Inspection, area=self.area, pk=kwargs["pk"])
        if not inspection.report_file:
            raise Http404("This inspection has no uploaded report")
        filename = f"{slugify(self.area.name)}-{inspection.kind}-{inspection.start_date:%Y-%m}.pdf"
        audit.downloaded(request, self.area, f"Inspection report: {filename}")
        return FileResponse(
            inspection.report_file.open("rb"), as_attachment=True, filename=filename, content_type="application/pdf"
        )


# Findings ----------------------------------------------------------------------------------------------


class FindingListView(AreaMixin, ListView):
    template_name = "improvement/finding_list.html"
    paginate_by = PAGE_SIZE

    def get_queryset(self):
        return selectors.finding_list(self.area)


class FindingDetailView(AreaMixin, TemplateView):
    template_name = "improvement/finding_detail.html"

    def get_context_data(self, **kwargs):
        try:
            finding = selectors.finding_detail(self.area, kwargs["pk"])
        except Finding.DoesNotExist:
            raise Http404("No such finding in this area") from None
        self.finding = finding
        context = super().get_context_data(**kwargs)
        context["finding"] = finding
        context["evidence"] = selectors.evidence_for_finding(finding)
        context["panels"] = panels.render("finding", self.area, finding)
        context["history"] = history.merged(
            history.entries_for(finding),
            *[history.entries_for(j, label=f"Judgement ({j.inspection})") for j in finding.judgements.all()],
        )
        return context

    def get_breadcrumbs(self):
        return [*super().get_breadcrumbs(), ("Findings", self.area_url("improvement:finding-list"))]


class FindingCreateView(FormPageMixin, AreaMixin, FormView):
    area_permission = "area.manage"
    form_class = FindingForm

    def get_form_kwargs(self):
        self.inspection = get_object_or_404(Inspection, area=self.area, pk=self.kwargs["pk"])
        return {**super().get_form_kwargs(), "inspection": self.inspection}

    submit_label = "Save finding"

    def get_page_title(self):
        return f"Add a finding to the {self.inspection}"

    def get_back_url(self):
        return self.inspection.get_absolute_url()

    def form_valid(self, form):
        try:
            finding = services.finding_save(
                finding=form.save(commit=False),
                responsible_organisations=list(form.cleaned_data["responsible_organisations"]),
            )
        except services.DuplicateReference as taken:
            return reference_taken(self, form, taken)
        messages.success(self.request, f"Finding {finding.reference} saved")
        return HttpResponseRedirect(finding.get_absolute_url())


class FindingEditView(FormPageMixin, AreaMixin, FormView):
    area_permission = "area.manage"
    form_class = FindingForm

    def get_form_kwargs(self):
        self.finding = get_object_or_404(
            Finding.objects.select_related("inspection"), area=self.area, pk=self.kwargs["pk"]
        )
        return {**super().get_form_kwargs(), "inspection": self.finding.inspection, "instance": self.finding}

    submit_label = "Save changes"

    def get_page_title(self):
        return f"Edit finding {self.finding.reference}"

    def get_back_url(self):
        return self.finding.get_absolute_url()

    def form_valid(self, form):
        try:
            finding = services.finding_save(
                finding=form.save(commit=False),
                responsible_organisations=list(form.cleaned_data["responsible_organisations"]),
            )
        except services.DuplicateReference as taken:
            return reference_taken(self, form, taken)
        messages.success(self.request, f"Finding {finding.reference} saved")
        return HttpResponseRedirect(finding.get_absolute_url())


class JudgementCreateView(FormPageMixin, AreaMixin, FormView):
    area_permission = "area.manage"
    form_class = JudgementForm

    def get_form_kwargs(self):
        self.finding = get_object_or_404(
            Finding.objects.select_related("inspection"), area=self.area, pk=self.kwargs["pk"]
        )
        return {**super().get_form_kwargs(), "finding": self.finding}

    submit_label = "Save judgement"

    def get_page_title(self):
        return f"Record a judgement on {self.finding.reference}"

    def get_back_url(self):
        return self.finding.get_absolute_url()

    def form_valid(self, form):
        data = form.cleaned_data
        services.judgement_record(
            finding=self.finding,
            inspection=data["inspection"],
            outcome=data["outcome"],
            judged_on=data["judged_on"],
            text=data["text"],
            recorded_by=self.request.user,
        )
        messages.success(self.request, f"Judgement on {self.finding.reference} saved")
        return HttpResponseRedirect(self.finding.get_absolute_url())


# Actions -----------------------------------------------------------------------------------------------


class ActionListView(AreaMixin, ListView):
    template_name = "improvement/action_list.html"
    paginate_by = PAGE_SIZE

    def get_queryset(self):
        self.filter_form = ActionFilterForm(self.request.GET or None, area=self.area)
        filters = self.filter_form.cleaned_data if self.filter_form.is_valid() else {}
        return selectors.action_list(self.area, today=timezone.localdate(), filters=filters)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["filter_form"] = self.filter_form
        context["today"] = timezone.localdate()
        return context


class MyActionsView(AreaMixin, ListView):
    template_name = "improvement/my_actions.html"
    paginate_by = PAGE_SIZE

    def get_queryset(self):
        return selectors.actions_led_by(self.area, self.request.user)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["today"] = timezone.localdate()
        return context


class ActionPageMixin(AreaMixin):
    """Loads the action named in the URL, from this area only."""

    def load_action(self) -> Action:
        try:
            self.action = selectors.action_detail(self.area, self.kwargs["pk"])
        except Action.DoesNotExist:
            raise Http404("No such action in this area") from None
        return self.action

    def action_context(self) -> dict:
        action = self.action
        user = self.request.user
        return {
            "action": action,
            "can_update": user.has_perm("action.update", action),
            "today": timezone.localdate(),
            "panels": panels.render("action", self.area, action),
            "history": history.merged(
                history.entries_for(action),
                *[history.entries_for(m, label=f"Milestone: {m.title}") for m in action.milestones.all()],
                limit=60,
            ),
        }

    def get_breadcrumbs(self):
        return [*super().get_breadcrumbs(), ("Actions", self.area_url("improvement:action-list"))]


class ActionDetailView(ActionPageMixin, TemplateView):
    template_name = "improvement/action_detail.html"

    def get_context_data(self, **kwargs):
        self.load_action()
        context = super().get_context_data(**kwargs)
        context.update(self.action_context())
        if context["can_update"]:
            context["update_form"] = ProgressUpdateForm(action=self.action)
        if context["can_comment"]:
            context["comment_form"] = CommentForm(prefix="comment")
        return context


class ProgressUpdateCreateView(ActionPageMixin, FormView):
    """Record a progress update; only the owning organisation's editors and administrators may."""

    form_class = ProgressUpdateForm
    template_name = "improvement/update_form.html"

    def get(self, request, *args, **kwargs):
        self._require_permission()
        return super().get(request, *args, **kwargs)

    def post(self, request, *args, **kwargs):
        self._require_permission()
        return super().post(request, *args, **kwargs)

    def _require_permission(self):
        self.load_action()
        if not self.request.user.has_perm("action.update", self.action):
            raise PermissionDenied(
                "Only the owning organisation's editors and area administrators can update this action."
            )

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "action": self.action}

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.update(self.action_context())
        return context

    def form_valid(self, form):
        data = form.cleaned_data
        files = ()
        if data.get("evidence_file"):
            files = (
                services.EvidenceFile(
                    title=data["evidence_file_title"],
                    upload=data["evidence_file"],
                    content_type=form.checked_file.content_type,
                ),
            )
        links = ()
        if data.get("evidence_link_url"):
            links = (services.EvidenceLink(title=data["evidence_link_title"], url=data["evidence_link_url"]),)
        try:
            services.action_update_record(
                action=self.action,
                author=self.request.user,
                status=data["status"],
                rag=data["rag"],
                rag_reason=data["rag_reason"],
                commentary=data["commentary"],
                expected_version=data["version"],
                evidence_files=files,
                evidence_links=links,
            )
        except services.EditConflict as conflict:
            form.add_error(None, str(conflict))
            self.load_action()
            response = self.form_invalid(form)
            response.status_code = 409
            return response
        messages.success(self.request, f"Progress update on {self.action.reference} saved")
        return HttpResponseRedirect(self.action.get_absolute_url())


class ActionCreateView(FormPageMixin, AreaMixin, FormView):
    area_permission = "area.manage"
    form_class = ActionForm
    page_title = "Add an action"
    submit_label = "Save action"

    def get_form_kwargs(self):
        kwargs = {**super().get_form_kwargs(), "area": self.area}
        finding = self.request.GET.get("finding")
        if finding and finding.isdigit():
            kwargs["initial"] = {"findings": Finding.objects.filter(area=self.area, pk=finding)}
        return kwargs

    def form_valid(self, form):
        action = form.save(commit=False)
        action.area = self.area
        try:
            services.action_create(
                action=action, findings=list(form.cleaned_data["findings"]), created_by=self.request.user
            )
        except services.DuplicateReference as taken:
            return reference_taken(self, form, taken)
        messages.success(self.request, f"Action {action.reference} saved")
        return HttpResponseRedirect(action.get_absolute_url())


class ActionEditView(FormPageMixin, AreaMixin, FormView):
    area_permission = "area.manage"
    form_class = ActionForm

    def get_form_kwargs(self):
        self.action = get_object_or_404(Action, area=self.area, pk=self.kwargs["pk"])
        return {**super().get_form_kwargs(), "area": self.area, "instance": self.action}

    submit_label = "Save changes"

    def get_page_title(self):
        return f"Edit action {self.action.reference}"

    def get_back_url(self):
        return self.action.get_absolute_url()

    def form_valid(self, form):
        action = form.save(commit=False)
        try:
            services.action_save(
                action=action,
                findings=list(form.cleaned_data["findings"]),
                expected_version=form.cleaned_data["version"],
                changed_by=self.request.user,
            )
        except services.EditConflict as conflict:
            form.add_error(None, str(conflict))
            response = self.form_invalid(form)
            response.status_code = 409
            return response
        except services.DuplicateReference as taken:
            return reference_taken(self, form, taken)
        messages.success(self.request, f"Action {action.reference} saved")
        return HttpResponseRedirect(action.get_absolute_url())


class MilestoneFormMixin(FormPageMixin, AreaMixin):
    area_permission = "area.update_own_actions"
    form_class = MilestoneForm

    def load(self):
        self.action = get_object_or_404(Action, area=self.area, pk=self.kwargs["pk"])
        if not self.request.user.has_perm("action.update", self.action):
            raise PermissionDenied(
                "Only the owning organisation's editors and area administrators can change this action's milestones."
            )

    def get_form_kwargs(self):
        self.load()
        return {**super().get_form_kwargs(), "action": self.action}

    def form_valid(self, form):
        milestone = form.save()
        messages.success(self.request, f"Milestone \u201c{milestone.title}\u201d saved")
        return HttpResponseRedirect(self.action.get_absolute_url())


class MilestoneCreateView(MilestoneFormMixin, FormView):
    submit_label = "Save milestone"

    def get_page_title(self):
        return f"Add a milestone to {self.action.reference}"

    def get_back_url(self):
        return self.action.get_absolute_url()


class MilestoneEditView(MilestoneFormMixin, FormView):
    def get_form_kwargs(self):
        kwargs = super().get_form_kwargs()
        kwargs["instance"] = get_object_or_404(Milestone, action=self.action, pk=self.kwargs["milestone_pk"])
        return kwargs

    submit_label = "Save changes"

    def get_page_title(self):
        return f"Edit milestone on {self.action.reference}"

    def get_back_url(self):
        return self.action.get_absolute_url()


class CommentCreateView(ActionPageMixin, FormView):
    area_permission = "area.comment"
    template_name = "improvement/comment_form.html"
    form_class = CommentForm
    prefix = "comment"

    def get_form_kwargs(self):
        self.load_action()
        return super().get_form_kwargs()

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.update(self.action_context())
        return context

    def form_valid(self, form):
        comment = Comment(action=self.action, author=self.request.user, text=form.cleaned_data["text"])
        comment.save()
        messages.success(self.request, "Comment added")
        return HttpResponseRedirect(self.action.get_absolute_url() + "#comments")


class EvidenceDownloadView(AreaMixin, View):
    """Evidence files are served only to members of the action's area, never from a public URL."""

    def get(self, request, *args, **kwargs):
        evidence = get_object_or_404(
            Evidence.objects.select_related("action"),
            action__area=self.area,
            action__pk=kwargs["pk"],
            pk=kwargs["evidence_pk"],
        )
        if not evidence.file:
            return HttpResponseRedirect(evidence.url)
        audit.downloaded(request, self.area, f"Evidence for action {evidence.action.reference}: {evidence.title}")
        response = FileResponse(
            evidence.file.open("rb"),
            as_attachment=True,
            filename=evidence.original_filename or evidence.file.name.rsplit("/", 1)[-1],
            content_type=evidence.content_type or "application/octet-stream",
        )
        response["X-Content-Type-Options"] = "nosniff"
        return response


# Exports -----------------------------------------------------------------------------------------------


class PlanExportCsvView(AreaMixin, View):
    def get(self, request, *args, **kwargs):
        today = timezone.localdate()
        response = HttpResponse(exports.plan_csv(self.area, today), content_type="text/csv; charset=utf-8")
        audit.exported(request, self.area, "Improvement plan", "csv")
        response["Content-Disposition"] = f'attachment; filename="{self.area.slug}-improvement-plan-{today}.csv"'
        return response


class PlanExportXlsxView(AreaMixin, View):
    def get(self, request, *args, **kwargs):
        today = timezone.localdate()
        response = HttpResponse(
            exports.plan_xlsx(self.area, today),
            content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        )
        audit.exported(request, self.area, "Improvement plan", "xlsx")
        response["Content-Disposition"] = f'attachment; filename="{self.area.slug}-improvement-plan-{today}.xlsx"'
        return response
