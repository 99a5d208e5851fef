"""Monitoring packs, the risks register and the pack schedule, inside an area.

Reading is ``area.view``, except that monitors (DfE, NHS England) see issued packs only: drafts are the
partnership's working papers. Everything else is ``area.manage``. An issued pack can be read and downloaded,
never changed: its edit and workflow pages answer 403 to everybody.
"""

from __future__ import annotations

from datetime import date, timedelta

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import FileResponse, Http404, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.utils import timezone
from django.utils.safestring import mark_safe
from django.views import View
from django.views.generic import DetailView, FormView, ListView, TemplateView

from sendhub.accounts import audit
from sendhub.accounts.mixins import AreaMixin
from sendhub.accounts.models import Role
from sendhub.accounts.rules import role_in
from sendhub.progress.models import ProgressPage
from sendhub.reports import cache as pack_cache
from sendhub.reports import render, services
from sendhub.reports.forms import ReportForm, RiskForm, ScheduleForm
from sendhub.reports.models import DutyOverride, MonitoringReport, ReportIsIssued, ReportSchedule, Risk
from sendhub.web import history
from sendhub.web.views import FormPageMixin

PAGE_SIZE = 25


class ReportsMixin(AreaMixin):
    def get_breadcrumbs(self):
        return [*super().get_breadcrumbs(), ("Monitoring reports", self.area_url("reports:report-list"))]

    def is_monitor(self) -> bool:
        return role_in(self.request.user, self.area) == Role.MONITOR

    def visible_reports(self):
        reports = MonitoringReport.objects.filter(area=self.area)
        if self.is_monitor():
            reports = reports.filter(status=MonitoringReport.Status.ISSUED)
        return reports

    def get_report(self) -> MonitoringReport:
        return get_object_or_404(self.visible_reports().select_related(
            "area", "created_by", "signed_off_by", "issued_by", "submitted_by"), pk=self.kwargs["pk"])


class ReportListView(ReportsMixin, ListView):
    template_name = "reports/report_list.html"
    paginate_by = PAGE_SIZE
    context_object_name = "reports"

    def get_queryset(self):
        return self.visible_reports().select_related("signed_off_by", "issued_by")

    def get_breadcrumbs(self):
        return AreaMixin.get_breadcrumbs(self)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["schedule"] = ReportSchedule.objects.filter(area=self.area).first()
        context["open_risks"] = Risk.objects.filter(area=self.area, status=Risk.Status.OPEN).count()
        context["progress_page_published"] = ProgressPage.objects.filter(area=self.area, is_published=True).exists()
        return context


def _default_period(today: date) -> tuple[date, date]:
    """The last six whole months."""
    end = today.replace(day=1) - timedelta(days=1)
    return services.add_months(end + timedelta(days=1), -6), end


class ReportCreateView(FormPageMixin, ReportsMixin, FormView):
    area_permission = "area.manage"
    form_class = ReportForm
    page_title = "Start a monitoring pack"
    submit_label = "Draft the pack"

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "creating": True}

    def get_initial(self):
        start, end = _default_period(timezone.localdate())
        return {"period_start": start, "period_end": end, "as_at": end, "title": services.default_title(start, end)}

    def form_valid(self, form):
        data = form.cleaned_data
        report = services.create_draft(
            area=self.area, title=data["title"], period_start=data["period_start"], period_end=data["period_end"],
            as_at=data["as_at"], created_by=self.request.user,
        )
        messages.success(self.request, "Draft pack made. Check the figures and rewrite the executive summary.")
        return HttpResponseRedirect(report.get_absolute_url())

    def get_back_url(self):
        return self.area_url("reports:report-list")


class ReportDetailView(ReportsMixin, TemplateView):
    template_name = "reports/report_detail.html"

    def get_context_data(self, **kwargs):
        report = self.get_report()
        context = super().get_context_data(**kwargs)
        context["report"] = report
        # Our own template's output, cached per version of the pack.
        context["pack_body"] = mark_safe(pack_cache.page_body(report))  # noqa: S308 - rendered by our template with autoescape on  # nosec B308 B703
        context["history"] = history.entries_for(report, label="Report")
        context["overrides"] = list(report.duty_overrides.select_related("by"))
        step = {MonitoringReport.Status.IN_REVIEW: DutyOverride.Step.SIGN_OFF,
                MonitoringReport.Status.SIGNED_OFF: DutyOverride.Step.ISSUE}.get(report.status)
        context["earlier_steps"] = " and ".join(services.earlier_steps_by(report, step, self.request.user)) if step \
            else ""
        return context


class ReportEditView(FormPageMixin, ReportsMixin, FormView):
    area_permission = "area.manage"
    form_class = ReportForm
    submit_label = "Save changes"

    def get_form_kwargs(self):
        self.report = self.get_report()
        if not self.report.is_editable:
            raise PermissionDenied(
                f"{self.report.title} is {self.report.get_status_display().lower()}: "
                + ("an issued report cannot be changed." if self.report.is_issued
                   else "return it to draft before changing it.")
            )
        return {**super().get_form_kwargs(), "instance": self.report}

    def get_page_title(self):
        return f"Edit \u201c{self.report.title}\u201d"

    def form_valid(self, form):
        try:
            services.save_draft(report=form.instance, expected_version=form.cleaned_data.get("version") or 0,
                                changed_by=self.request.user)
        except services.WorkflowError as error:
            form.add_error(None, str(error))
            return self.render_to_response(self.get_context_data(form=form), status=409)
        messages.success(self.request, "Report saved")
        return HttpResponseRedirect(form.instance.get_absolute_url())

    def get_back_url(self):
        return self.area_url("reports:report-detail", self.report.pk)


class ReportStepView(ReportsMixin, View):
    """POST one workflow step: submit, return, sign-off, issue or delete."""

    area_permission = "area.manage"
    steps = {
        "submit": (services.submit_for_review, "Sent for review"),
        "return": (services.return_to_draft, "Returned to draft"),
        "sign-off": (services.sign_off, "Signed off. Issue it to send it to DfE and NHS England."),
        "issue": (services.issue, "Issued: the pack is now fixed, with its PDF and data annex"),
    }

    def post(self, request, *args, **kwargs):
        report = self.get_report()
        step = kwargs["step"]
        if step not in self.steps:
            raise Http404("No such step")
        if report.is_issued:
            raise PermissionDenied(f"{report.title} was issued and cannot be changed.")
        action, done = self.steps[step]
        try:
            expected = int(request.POST.get("version", ""))
        except ValueError:
            expected = -1
        extra = {}
        if step in {"sign-off", "issue"}:
            extra["override_reason"] = request.POST.get("override_reason", "")[:2000]
        try:
            action(report=report, expected_version=expected, by=request.user, **extra)
        except ReportIsIssued as error:
            raise PermissionDenied(str(error)) from error
        except services.WorkflowError as error:
            messages.error(request, str(error))
        else:
            messages.success(request, done)
        return HttpResponseRedirect(report.get_absolute_url())


class ReportDeleteView(ReportsMixin, View):
    area_permission = "area.manage"

    def post(self, request, *args, **kwargs):
        report = self.get_report()
        if report.is_issued:
            raise PermissionDenied(f"{report.title} was issued and cannot be deleted.")
        try:
            services.delete_draft(report=report, by=request.user)
        except services.WorkflowError as error:
            messages.error(request, str(error))
            return HttpResponseRedirect(report.get_absolute_url())
        messages.success(request, f"\u201c{report.title}\u201d deleted")
        return HttpResponseRedirect(self.area_url("reports:report-list"))


class ReportDownloadView(ReportsMixin, View):
    """The pack as PDF, XLSX or HTML: the stored, checksummed file once issued; made fresh for a draft."""

    formats = {
        "pdf": ("application/pdf", "pdf"),
        "xlsx": ("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", "xlsx"),
        "html": ("text/html; charset=utf-8", "html"),
    }

    def get(self, request, *args, **kwargs):
        report = self.get_report()
        content_type, extension = self.formats[kwargs["format"]]
        stem = f"{report.area.slug}-monitoring-pack-{report.as_at:%Y-%m-%d}"
        if not report.is_issued:
            stem += "-" + report.status.replace("_", "-")
        filename = f"{stem}.{extension}"
        if report.is_issued:
            if extension == "html":
                response = HttpResponse(report.html, content_type=content_type)
            else:
                stored = report.pdf if extension == "pdf" else report.xlsx
                response = FileResponse(stored.open("rb"), content_type=content_type)
            response["X-Checksum-SHA256"] = getattr(report, f"{extension}_sha256")
        else:
            if extension == "pdf":
                data = pack_cache.pdf(report)  # made once per version of the draft
            else:
                makers = {"xlsx": render.render_xlsx, "html": render.render_document_html}
                data = makers[extension](report, pack_cache.content(report))
            response = HttpResponse(data, content_type=content_type)
        audit.exported(request, report.area, f"Monitoring pack: {report.title}", extension)
        disposition = "inline" if extension == "html" else "attachment"
        response["Content-Disposition"] = f'{disposition}; filename="{filename}"'
        response["Cache-Control"] = "private, no-store"
        if extension == "html":
            # The standalone document carries its own inline styles; nothing else may load or run in it.
            response["Content-Security-Policy"] = "default-src 'none'; style-src 'unsafe-inline'; img-src data:"
        return response


# Risks ------------------------------------------------------------------------------------------------------


class RisksMixin(AreaMixin):
    def get_breadcrumbs(self):
        return [*super().get_breadcrumbs(), ("Risks and issues", self.area_url("reports:risk-list"))]


class RiskListView(RisksMixin, ListView):
    template_name = "reports/risk_list.html"
    context_object_name = "risks"
    paginate_by = 50

    def get_queryset(self):
        return Risk.objects.filter(area=self.area).select_related("owner").order_by("status", "reference")

    def get_breadcrumbs(self):
        return AreaMixin.get_breadcrumbs(self)


class RiskDetailView(RisksMixin, DetailView):
    template_name = "reports/risk_detail.html"
    context_object_name = "risk"

    def get_queryset(self):
        return Risk.objects.filter(area=self.area).select_related("owner").prefetch_related("findings")

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["history"] = history.entries_for(self.object, label="Risk")
        return context


class RiskFormMixin(FormPageMixin, RisksMixin):
    area_permission = "area.manage"
    form_class = RiskForm

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "area": self.area}

    def form_valid(self, form):
        form.instance._history_user = self.request.user
        risk = form.save()
        messages.success(self.request, f"{risk.reference} saved")
        return HttpResponseRedirect(risk.get_absolute_url())

    def get_back_url(self):
        return self.area_url("reports:risk-list")


class RiskCreateView(RiskFormMixin, FormView):
    page_title = "Add a risk or issue"
    submit_label = "Add to the register"

    def get_initial(self):
        count = Risk.objects.filter(area=self.area).count()
        return {"reference": f"R{count + 1}", "kind": Risk.Kind.RISK, "status": Risk.Status.OPEN}


class RiskEditView(RiskFormMixin, FormView):
    submit_label = "Save changes"

    def get_form_kwargs(self):
        self.risk = get_object_or_404(Risk, area=self.area, pk=self.kwargs["pk"])
        return {**super().get_form_kwargs(), "instance": self.risk}

    def get_page_title(self):
        return f"Edit {self.risk.reference}"

    def get_back_url(self):
        return self.area_url("reports:risk-detail", self.risk.pk)


# Schedule ---------------------------------------------------------------------------------------------------


class ScheduleView(FormPageMixin, ReportsMixin, FormView):
    area_permission = "area.manage"
    form_class = ScheduleForm
    page_title = "Schedule monitoring packs"
    submit_label = "Save schedule"

    def get_form_kwargs(self):
        schedule = ReportSchedule.objects.filter(area=self.area).first() or ReportSchedule(
            area=self.area, next_run_on=services.add_months(timezone.localdate().replace(day=1), 1)
        )
        return {**super().get_form_kwargs(), "instance": schedule}

    def form_valid(self, form):
        from sendhub.reports.tasks import queue_next_run

        form.instance._history_user = self.request.user
        schedule = form.save()
        queue_next_run()
        if schedule.is_active:
            messages.success(
                self.request, f"Schedule saved: the next draft will be made on {schedule.next_run_on:%-d %B %Y}"
            )
        else:
            messages.success(self.request, "Schedule saved: no packs will be drafted automatically")
        return HttpResponseRedirect(self.area_url("reports:report-list"))

    def get_back_url(self):
        return self.area_url("reports:report-list")
