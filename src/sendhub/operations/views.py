"""The retention report for superusers: the rules as configured and what each recent run deleted."""

from __future__ import annotations

from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied
from django.utils.translation import gettext as _
from django.views.generic import TemplateView

from sendhub.operations.models import RetentionRun
from sendhub.operations.retention import RULES, RetentionConfigError, configured_days

RUNS_SHOWN = 30


class SuperuserMixin(LoginRequiredMixin):
    """Deployment-wide pages: retention spans every area, so only superusers (the operators) see it."""

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated and not request.user.is_superuser:
            raise PermissionDenied(_("Only the people who run this SEND Hub can see this page."))
        return super().dispatch(request, *args, **kwargs)


class RetentionRunListView(SuperuserMixin, TemplateView):
    template_name = "operations/retention_runs.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        rules, problem = [], ""
        for rule in RULES:
            try:
                days = configured_days(rule.key)
            except RetentionConfigError as error:
                days, problem = None, str(error)
            rules.append({"title": rule.title, "setting": rule.setting, "days": days})
        context.update(
            rules=rules,
            problem=problem,
            runs=RetentionRun.objects.all()[:RUNS_SHOWN],
            breadcrumbs=[(_("Home"), "/")],
        )
        return context
