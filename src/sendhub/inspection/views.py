"""Inspection readiness pages. Views parse input with a form, call a service or selector, and render.

Every member of the area reads (``area.view``: monitors and forum members included); administrators write
(``area.manage``); each partner records its own view of a criterion (``area.comment``: administrators for any
partner, editors for their own organisation, forum members for the forum).
"""

from __future__ import annotations

from functools import cached_property

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse, HttpResponseRedirect
from django.utils import timezone
from django.views import View
from django.views.generic import FormView, TemplateView

from sendhub.accounts import audit
from sendhub.accounts.mixins import AreaMixin
from sendhub.accounts.models import Organisation, Role
from sendhub.accounts.rules import membership_for, role_in
from sendhub.improvement.models import Inspection
from sendhub.inspection import export, frameworks, selectors, services
from sendhub.inspection.forms import (
    ActivityForm,
    EntryForm,
    EvidenceLinkForm,
    PartnerViewForm,
    PlanForm,
    SelfEvaluationForm,
)
from sendhub.inspection.models import (
    AuditRound,
    Entry,
    EvidenceLink,
    ExpectedActivity,
    PartnerView,
    RequiredPlan,
    SelfEvaluation,
)
from sendhub.web import history
from sendhub.web.views import FormPageMixin

PARTNER_OF_KIND = {
    Organisation.Kind.LOCAL_AUTHORITY: PartnerView.Partner.COUNCIL,
    Organisation.Kind.HEALTH: PartnerView.Partner.ICB,
    Organisation.Kind.PARENT_CARER_FORUM: PartnerView.Partner.FORUM,
}


def refused(view: FormView, form, error: services.InspectionError) -> HttpResponse:
    """Show a service's refusal on the form (on its field when the form has it): nothing was saved."""
    form.add_error(error.field if error.field in form.fields else None, str(error))
    return view.form_invalid(form)


class InspectionMixin(AreaMixin):
    def get_breadcrumbs(self):
        return [*super().get_breadcrumbs(), ("Inspection", self.area_url("inspection:overview"))]


class OverviewView(InspectionMixin, TemplateView):
    """The area's inspection history in each framework's own words, the plans each result required with their
    clocks, and the inspection activity expected next."""

    template_name = "inspection/overview.html"

    def get_breadcrumbs(self):
        return AreaMixin.get_breadcrumbs(self)

    def get_context_data(self, **kwargs):
        today = timezone.localdate()
        rows = []
        for inspection in selectors.inspections(self.area):
            fw = frameworks.framework(inspection.framework)
            outcome = fw.outcomes.get(inspection.outcome)
            findings = {}
            for finding in inspection.findings.all():
                name = fw.finding_kinds_plural.get(finding.kind, finding.get_kind_display())
                findings.setdefault(name, []).append(finding)
            judgements = [
                (j, frameworks.judgement_wording(inspection.framework, inspection.kind, j.outcome))
                for j in inspection.judgements.select_related("finding")
            ]
            rows.append({
                "inspection": inspection, "framework": fw, "outcome": outcome, "findings": findings,
                "kind_name": frameworks.kind_name(inspection.framework, inspection.kind),
                "judgements": judgements,
                "plans": [(p, p.clock(today)) for p in inspection.required_plans.all()],
                "can_set_up": frameworks.kind_allowed(inspection.framework, inspection.kind),
            })
        return super().get_context_data(
            rows=rows,
            plans=[(p, p.clock(today)) for p in selectors.plans(self.area)],
            expected=selectors.expected(self.area),
            frameworks=selectors.framework_rows(),
            current=frameworks.framework(frameworks.CURRENT),
            self_evaluations=selectors.self_evaluations(self.area),
            audit_rounds=selectors.audit_rounds(self.area),
            today=today,
            **kwargs,
        )


class PlansSetUpView(InspectionMixin, View):
    """POST: create the plans and expected activity an inspection's result requires."""

    area_permission = "area.manage"
    http_method_names = ["post"]

    def post(self, request, *args, **kwargs):
        try:
            inspection = Inspection.objects.get(area=self.area, pk=kwargs["pk"])
        except Inspection.DoesNotExist:
            raise Http404("No such inspection in this area") from None
        try:
            made = services.plans_set_up(inspection=inspection, saved_by=request.user)
        except services.InspectionError as error:
            messages.error(request, str(error))
        else:
            messages.success(request, f"{len(made)} required plan{'s' if len(made) != 1 else ''} set up for the "
                                      f"{inspection}")
        return HttpResponseRedirect(self.area_url("inspection:overview"))


class PlanEditView(FormPageMixin, InspectionMixin, FormView):
    area_permission = "area.manage"
    form_class = PlanForm
    submit_label = "Save plan"

    @cached_property
    def plan(self) -> RequiredPlan:
        try:
            return selectors.plan(self.area, self.kwargs["pk"])
        except RequiredPlan.DoesNotExist:
            raise Http404("No such plan in this area") from None

    def get_initial(self):
        p = self.plan
        return {"status": p.status, "due_date": p.due_date, "submitted_on": p.submitted_on, "note": p.note}

    def get_page_title(self):
        return str(self.plan)

    def get_back_url(self):
        return self.area_url("inspection:overview")

    def form_valid(self, form):
        try:
            services.plan_update(plan=self.plan, saved_by=self.request.user, **form.cleaned_data)
        except services.InspectionError as error:
            return refused(self, form, error)
        messages.success(self.request, f"{self.plan.get_kind_display()} saved")
        return HttpResponseRedirect(self.area_url("inspection:overview") + "#plans")


class ActivityEditView(FormPageMixin, InspectionMixin, FormView):
    area_permission = "area.manage"
    form_class = ActivityForm
    submit_label = "Save"

    @cached_property
    def activity(self) -> ExpectedActivity:
        try:
            return selectors.expected(self.area).get(pk=self.kwargs["pk"])
        except ExpectedActivity.DoesNotExist:
            raise Http404("No such expected activity in this area") from None

    def get_initial(self):
        return {"scheduled_for": self.activity.scheduled_for, "note": self.activity.note}

    def get_page_title(self):
        return f"{self.activity.name}: date notified or agreed"

    def get_back_url(self):
        return self.area_url("inspection:overview")

    def form_valid(self, form):
        services.activity_schedule(activity=self.activity, saved_by=self.request.user, **form.cleaned_data)
        messages.success(self.request, f"{self.activity.name} saved")
        return HttpResponseRedirect(self.area_url("inspection:overview") + "#expected")


# Self-evaluation ----------------------------------------------------------------------------------------------


class SelfEvaluationCreateView(FormPageMixin, InspectionMixin, FormView):
    area_permission = "area.manage"
    form_class = SelfEvaluationForm
    page_title = "Start a self-evaluation"
    submit_label = "Start self-evaluation"

    def get_back_url(self):
        return self.area_url("inspection:overview")

    def form_valid(self, form):
        try:
            sef = services.self_evaluation_create(area=self.area, saved_by=self.request.user, **form.cleaned_data)
        except services.InspectionError as error:
            return refused(self, form, error)
        messages.success(self.request, "Self-evaluation started: one entry for each evaluation criterion")
        return HttpResponseRedirect(sef.get_absolute_url())


class SelfEvaluationMixin(InspectionMixin):
    @cached_property
    def sef(self) -> SelfEvaluation:
        try:
            return selectors.self_evaluation(self.area, self.kwargs["pk"])
        except SelfEvaluation.DoesNotExist:
            raise Http404("No such self-evaluation in this area") from None

    def get_breadcrumbs(self):
        # Home > area > Self-evaluation: a fourth crumb wraps at 375px, and wrapped crumbs are too close to tap.
        return [*AreaMixin.get_breadcrumbs(self), ("Self-evaluation", self.sef.get_absolute_url())]


class SelfEvaluationDetailView(SelfEvaluationMixin, TemplateView):
    template_name = "inspection/sef_detail.html"

    def get_breadcrumbs(self):
        return InspectionMixin.get_breadcrumbs(self)

    def get_context_data(self, **kwargs):
        ctx = export.context(self.sef)
        rows = ctx["rows"]
        return super().get_context_data(
            **ctx,
            can_give_view=self.request.user.has_perm("area.comment", self.area),
            history=history.merged(
                history.entries_for(self.sef, label="Self-evaluation"),
                *[history.entries_for(r.entry, label=f"{r.entry.criterion}") for r in rows],
                *[history.entries_for(v, label=f"{r.entry.criterion}: {v.get_partner_display()}'s view")
                  for r in rows for v in r.partner_views],
                *[history.entries_for(link, label=f"{r.entry.criterion}: evidence")
                  for r in rows for link in r.entry.evidence_links.all()],
            ),
            **kwargs,
        )


class ReadinessView(SelfEvaluationMixin, TemplateView):
    """Per criterion: what evidence is missing or stale, and what else stops it being ready."""

    template_name = "inspection/readiness.html"

    def get_context_data(self, **kwargs):
        return super().get_context_data(**export.context(self.sef), **kwargs)


class EntryMixin(SelfEvaluationMixin):
    @cached_property
    def entry(self) -> Entry:
        try:
            return selectors.entry(self.sef, self.kwargs["entry_pk"])
        except Entry.DoesNotExist:
            raise Http404("No such criterion in this self-evaluation") from None

    def get_back_url(self):
        return self.sef.get_absolute_url() + f"#{self.entry.criterion}"


class EntryEditView(EntryMixin, FormPageMixin, FormView):
    area_permission = "area.manage"
    form_class = EntryForm
    submit_label = "Save judgement"

    def get_initial(self):
        e = self.entry
        return {"grade": e.grade, "reasoning": e.reasoning, "gaps": e.gaps, "review_date": e.review_date}

    def get_page_title(self):
        return f"{self.entry.criterion}: {self.entry.criterion_info.text}"

    def form_valid(self, form):
        try:
            services.entry_update(entry=self.entry, saved_by=self.request.user, **form.cleaned_data)
        except services.InspectionError as error:
            return refused(self, form, error)
        messages.success(self.request, f"Judgement for {self.entry.criterion} saved")
        return HttpResponseRedirect(self.get_back_url())


class PartnerViewEditView(EntryMixin, FormPageMixin, FormView):
    """A partner's own view: administrators choose the partner; editors and forum members give their own
    organisation's (council, ICB or forum)."""

    area_permission = "area.comment"
    form_class = PartnerViewForm
    submit_label = "Save view"

    @cached_property
    def partner(self) -> str:
        wanted = self.request.GET.get("partner") or self.request.POST.get("partner_for")
        if role_in(self.request.user, self.area) == Role.ADMINISTRATOR:
            return wanted if wanted in PartnerView.Partner.values else PartnerView.Partner.FORUM
        membership = membership_for(self.request.user, self.area)
        kind = membership.organisation.kind if membership and membership.organisation else None
        partner = PARTNER_OF_KIND.get(kind)
        if partner is None:
            raise PermissionDenied("Only the council, the ICB and the parent carer forum give a partner's view")
        return partner

    def get_initial(self):
        view = self.entry.partner_views.filter(partner=self.partner).first()
        return {"grade": view.grade, "reasoning": view.reasoning} if view else {}

    def get_page_title(self):
        return f"{PartnerView.Partner(self.partner).label}'s view of {self.entry.criterion}"

    def form_valid(self, form):
        services.partner_view_set(
            entry=self.entry, partner=self.partner, saved_by=self.request.user, **form.cleaned_data
        )
        messages.success(self.request, f"{PartnerView.Partner(self.partner).label}'s view saved")
        return HttpResponseRedirect(self.get_back_url())


class EvidenceAddView(EntryMixin, FormPageMixin, FormView):
    area_permission = "area.manage"
    form_class = EvidenceLinkForm
    submit_label = "Link evidence"

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "area": self.area}

    def get_page_title(self):
        return f"Link evidence to {self.entry.criterion}"

    def form_valid(self, form):
        kind, target = form.cleaned_data["evidence"]
        try:
            services.evidence_link_add(
                entry=self.entry, kind=kind, target=target, note=form.cleaned_data["note"], saved_by=self.request.user
            )
        except services.InspectionError as error:
            form.add_error("evidence", str(error))
            return self.form_invalid(form)
        messages.success(self.request, "Evidence linked")
        return HttpResponseRedirect(self.get_back_url())


class EvidenceRemoveView(EntryMixin, View):
    area_permission = "area.manage"
    http_method_names = ["post"]

    def post(self, request, *args, **kwargs):
        try:
            link = self.entry.evidence_links.get(pk=kwargs["link_pk"])
        except EvidenceLink.DoesNotExist:
            raise Http404("No such evidence link") from None
        services.evidence_link_remove(link=link, saved_by=request.user)
        messages.success(request, "Evidence link removed")
        return HttpResponseRedirect(self.get_back_url())


class SelfEvaluationExportView(SelfEvaluationMixin, View):
    formats = {
        "html": ("text/html; charset=utf-8", "html"),
        "pdf": ("application/pdf", "pdf"),
        "xlsx": ("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", "xlsx"),
    }
    file_format = "html"

    def get(self, request, *args, **kwargs):
        content_type, extension = self.formats[self.file_format]
        if self.file_format == "html":
            data: str | bytes = export.render_html(self.sef)
        elif self.file_format == "pdf":
            data = export.render_pdf(self.sef)
        else:
            data = export.render_xlsx(self.sef)
        audit.exported(request, self.area, f"Self-evaluation: {self.sef.title}", extension)
        response = HttpResponse(data, content_type=content_type)
        disposition = "inline" if self.file_format == "html" else "attachment"
        filename = f"self-evaluation-{self.area.slug}-{self.sef.prepared_on:%Y-%m-%d}.{extension}"
        response["Content-Disposition"] = f'{disposition}; filename="{filename}"'
        return response


# EHC plan quality assurance -------------------------------------------------------------------------------------


class AuditRoundView(InspectionMixin, TemplateView):
    """An audit round: the sample, agreement between double audits, disagreements to moderate, results."""

    template_name = "inspection/audit_round.html"

    @cached_property
    def round(self) -> AuditRound:
        try:
            return selectors.audit_round(self.area, self.kwargs["pk"])
        except AuditRound.DoesNotExist:
            raise Http404("No such audit round in this area") from None

    def get_context_data(self, **kwargs):
        criteria = list(self.round.template.criteria.all())
        return super().get_context_data(
            round=self.round,
            criteria=criteria,
            results=selectors.round_results(self.round),
            descriptors=[(g, self.round.template.descriptor(g)) for g in (4, 3, 2, 1)],
            history=history.entries_for(self.round, label="Audit round"),
            **kwargs,
        )
