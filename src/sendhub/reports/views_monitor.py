"""DfE and NHS England monitors: the issued packs of every area they monitor, and a comparison across them."""

from __future__ import annotations

from django.contrib.auth.mixins import LoginRequiredMixin
from django.views.generic import TemplateView

from sendhub.accounts.models import LocalArea, Role
from sendhub.reports import selectors


class MonitoringOverviewView(LoginRequiredMixin, TemplateView):
    template_name = "reports/monitoring_overview.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        user = self.request.user
        areas = LocalArea.objects.filter(memberships__user=user, memberships__role=Role.MONITOR)
        if user.is_superuser:
            areas = LocalArea.objects.all()
        areas = list(areas.distinct().order_by("name"))
        context["areas"] = areas
        context["rows"] = selectors.comparison_rows(areas)
        context["breadcrumbs"] = [("Home", "/")]
        return context
