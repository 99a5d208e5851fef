"""The sufficiency pages: an area's forecast against its places, scenarios, the national comparison, the SCAP
workbook, recording capacity, and the public summary."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.views import View
from django.views.generic import FormView, TemplateView

from sendhub.accounts import audit
from sendhub.accounts.mixins import AreaMixin
from sendhub.accounts.models import LocalArea
from sendhub.forecasting import scap, selectors, services
from sendhub.forecasting.forms import CapacityForm, ScenarioForm
from sendhub.forecasting.models import PlacementGroup
from sendhub.forecasting.scenarios import EHCPLANS, ScenarioInputs
from sendhub.forecasting.selectors import MEASURE_LABELS, STATE_FUNDED, NoForecast, Sufficiency
from sendhub.web.charts import Series, line_chart
from sendhub.web.views import FormPageMixin

GROUP_LABELS = dict(PlacementGroup.choices)


def forecast_chart(data: Sufficiency, measure: str, *, chart_id: str):
    bands = data.forecast.measures.get(measure, [])
    labels = [str(b.year) for b in bands]
    published = {b.year: b.value for b in bands if not b.forecast}
    forecast = {b.year: b for b in bands if b.forecast}
    origin = data.forecast.origin

    def points(value_of):
        return [(label, value_of(int(label))) for label in labels]

    series = [
        Series("Published", points(lambda y: published.get(y))),
        Series(
            "Forecast",
            points(lambda y: published.get(y) if y == origin else (forecast[y].value if y in forecast else None)),
        ),
        Series("Lower end of 80% interval", points(lambda y: forecast[y].lower if y in forecast else None)),
        Series("Upper end of 80% interval", points(lambda y: forecast[y].upper if y in forecast else None)),
    ]
    return line_chart(series, title=f"{MEASURE_LABELS[measure]}: published and forecast", chart_id=chart_id)


def comparison_rows(data: Sufficiency) -> list[dict]:
    """Baseline and scenario side by side, year by year."""
    baseline_gap = data.state_funded_gap(data.baseline)
    scenario_gap = data.state_funded_gap(data.scenario)
    rows = []
    for year, base, scen in zip(data.years, baseline_gap, scenario_gap, strict=True):
        rows.append(
            {
                "year": year,
                "plans": (data.baseline[EHCPLANS].get(year), data.scenario[EHCPLANS].get(year)),
                "state": (base.demand, scen.demand),
                "independent": (
                    data.baseline.get(PlacementGroup.INDEPENDENT_SPECIAL, {}).get(year),
                    data.scenario.get(PlacementGroup.INDEPENDENT_SPECIAL, {}).get(year),
                ),
                "places": base.places,
                "gap": (base.gap, scen.gap),
            }
        )
    return rows


class SufficiencyMixin(AreaMixin):
    def get_breadcrumbs(self):
        return [*super().get_breadcrumbs(), ("Sufficiency", self.area_url("forecasting:sufficiency"))]


class SufficiencyView(SufficiencyMixin, TemplateView):
    template_name = "forecasting/sufficiency.html"

    def get_breadcrumbs(self):
        return AreaMixin.get_breadcrumbs(self)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        form = ScenarioForm(self.request.GET or None)
        inputs = form.inputs() if self.request.GET else ScenarioInputs()
        context.update(form=form, inputs=inputs, group_labels=GROUP_LABELS, capacity=selectors.capacity_rows(self.area))
        try:
            data = selectors.sufficiency(self.area, inputs)
        except NoForecast as error:
            context["no_forecast"] = str(error)
            return context
        forecast = data.forecast
        context.update(
            data=data,
            forecast=forecast,
            plans_chart=forecast_chart(data, EHCPLANS, chart_id="plans-chart"),
            special_chart=forecast_chart(data, "special_total", chart_id="special-chart"),
            plans_rows=[b for b in forecast.measures[EHCPLANS] if b.forecast],
            special_rows=[b for b in forecast.measures.get("special_total", []) if b.forecast],
            group_rows=[
                (GROUP_LABELS[g], g in STATE_FUNDED, data.group_gap(g, data.baseline))
                for g in PlacementGroup.values
                if g in data.baseline
            ],
            state_gap=data.state_funded_gap(data.baseline),
            comparison=comparison_rows(data),
            summary=selectors.summary_of(data),
            shares={GROUP_LABELS[g]: forecast.share(g) for g in PlacementGroup.values},
        )
        return context


class NationalView(SufficiencyMixin, TemplateView):
    template_name = "forecasting/national.html"

    COLUMNS = (
        ("name", "Local area", False),
        ("region", "Region", False),
        ("plans", "EHC plans now", True),
        ("growth", "Forecast growth in plans", True),
        ("special-growth", "Forecast growth in special school places", True),
        ("timeliness", "Plans issued in 20 weeks", True),
        ("special", "In special schools", True),
        ("mainstream", "In mainstream schools", True),
        ("independent", "Special school places that are independent", True),
    )

    def get_breadcrumbs(self):
        return [*super().get_breadcrumbs(), ("Every area", self.area_url("forecasting:national"))]

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        sort = self.request.GET.get("sort", "name")
        direction = self.request.GET.get("dir", "asc")
        if sort not in selectors.NATIONAL_SORTS or direction not in ("asc", "desc"):
            context["sort_error"] = (
                "That sort order is not one of the table's columns, so the table is sorted by local area."
            )
            sort, direction = "name", "asc"
        try:
            origin, rows = selectors.national_rows()
        except NoForecast as error:
            context["no_forecast"] = str(error)
            return context
        neighbours = selectors.neighbour_names(self.area)
        rank = {name.casefold(): i for i, name in enumerate(neighbours, start=1)}
        base = self.area_url("forecasting:national")
        columns = []
        for key, label, numeric in self.COLUMNS:
            current = key == sort
            if current:
                next_dir = "asc" if direction == "desc" else "desc"
            else:
                next_dir = "desc" if numeric else "asc"
            columns.append(
                {
                    "key": key,
                    "label": label,
                    "numeric": numeric,
                    "current": current,
                    "aria_sort": ("descending" if direction == "desc" else "ascending") if current else None,
                    "href": f"{base}?sort={key}&dir={next_dir}",
                }
            )
        context.update(
            origin=origin,
            horizon_year=origin + selectors.HORIZON,
            columns=columns,
            rows=[
                (row, rank.get(row.la_name.casefold()), row.la_code == self.area.la_code)
                for row in selectors.sorted_rows(rows, sort, direction == "desc")
            ],
            neighbours=neighbours,
            sort=sort,
            direction=direction,
        )
        return context


class ScapExportView(AreaMixin, View):
    def get(self, request, *args, **kwargs):
        try:
            data = selectors.sufficiency(self.area, ScenarioInputs())
        except NoForecast as error:
            messages.error(request, str(error))
            return HttpResponseRedirect(self.area_url("forecasting:sufficiency"))
        content = scap.workbook_bytes(data)
        audit.exported(
            request, self.area, f"SCAP specialist provision forecast from January {data.forecast.origin}", "xlsx"
        )
        response = HttpResponse(
            content, content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
        )
        filename = f"scap-specialist-forecast-{self.area.slug}-{data.forecast.origin}.xlsx"
        response["Content-Disposition"] = f'attachment; filename="{filename}"'
        return response


class CapacityView(FormPageMixin, SufficiencyMixin, FormView):
    area_permission = "area.manage"
    template_name = "forecasting/capacity.html"
    form_class = CapacityForm
    page_title = "Record specialist places"
    submit_label = "Save places"

    def get_breadcrumbs(self):
        return [*super().get_breadcrumbs(), ("Record places", self.area_url("forecasting:capacity"))]

    def get_back_url(self):
        return self.area_url("forecasting:sufficiency")

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["capacity"] = selectors.capacity_rows(self.area)
        return context

    def form_valid(self, form):
        data = form.cleaned_data
        try:
            row = services.capacity_record(
                area=self.area,
                year=data["year"],
                group=data["group"],
                places=data["places"],
                note=data.get("note") or "",
                recorded_by=self.request.user,
            )
        except services.CapacityError as error:
            for message in error.messages:
                form.add_error(None, message)
            return self.form_invalid(form)
        messages.success(self.request, f"{row.places:,} places saved: {row.get_group_display()}, January {row.year}")
        return HttpResponseRedirect(self.area_url("forecasting:capacity"))


class PublicSufficiencyView(TemplateView):
    """For families and everyone: the forecast in plain words, with the figures behind it."""

    template_name = "forecasting/public.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        area = get_object_or_404(LocalArea, slug=self.kwargs["area_slug"])
        home = reverse("directory:search", args=[area.slug])
        context.update(area=area, breadcrumbs=[("Home", "/"), (area.name, home)])
        try:
            data = selectors.sufficiency(area, ScenarioInputs())
        except NoForecast as error:
            context["no_forecast"] = str(error)
            return context
        context.update(
            data=data,
            summary=selectors.summary_of(data),
            state_gap=data.state_funded_gap(data.baseline),
            special_rows=[b for b in data.forecast.measures.get("special_total", []) if b.forecast],
        )
        return context
