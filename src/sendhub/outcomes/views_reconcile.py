"""The reconciliation page: the area's SEN2 return beside DfE's published figures for one calendar year.

In a module of its own while ``views.py`` is being changed elsewhere; it shares ``OutcomesMixin`` (members of
the area, ``area.view``, as the dashboard and benchmarks pages).
"""

from __future__ import annotations

from django import forms
from django.views.generic import TemplateView

from sendhub.outcomes.reconcile import RULE, describe
from sendhub.outcomes.selectors_reconcile import ReconcileError, reconcilable_years, reconciliation
from sendhub.outcomes.views import OutcomesMixin
from sendhub.web.forms import GovukForm


class ReconcileYearForm(GovukForm):
    year = forms.TypedChoiceField(
        label="Year",
        coerce=int,
        help_text="Calendar year of requests, assessments and plans issued; the caseload is the following January's",
    )

    def __init__(self, *args, years: list[int], area_name: str, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["year"]
        field.choices = [(year, str(year)) for year in years]
        listed = ", ".join(str(year) for year in years) or "none yet"
        # Django's "Select a valid choice. X is not one of the available choices." says nothing about why.
        field.error_messages["invalid_choice"] = (
            f"Choose a year for which {area_name} has a SEN2 return from the following January ({listed})"
        )
        field.error_messages["required"] = "Choose a year"


class ReconcileView(OutcomesMixin, TemplateView):
    template_name = "outcomes/reconcile.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        years = reconcilable_years(self.area)
        bound = "year" in self.request.GET
        form = ReconcileYearForm(self.request.GET if bound else None, years=years, area_name=self.area.name)
        year = None
        if bound and form.is_valid():
            year = form.cleaned_data["year"]
        elif not bound and years:
            year = years[0]
            form = ReconcileYearForm(initial={"year": year}, years=years, area_name=self.area.name)
        context.update(form=form, years=years, rule=RULE)
        if year is not None:
            try:
                result = reconciliation(area=self.area, year=year)
            except ReconcileError as exc:
                context["problem"] = str(exc)
            else:
                context.update(result=result, summary=describe(result.summary))
        return context
