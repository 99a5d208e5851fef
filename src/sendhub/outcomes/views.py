"""Outcomes pages: the measures dashboard, drill-downs, the deadline tracker, benchmarks, returns and targets."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db import transaction
from django.http import Http404, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils import timezone
from django.views import View
from django.views.generic import FormView, ListView, TemplateView

from sendhub.accounts.mixins import AreaMixin
from sendhub.accounts.models import Role
from sendhub.improvement.models import Action, Finding
from sendhub.outcomes import benchmark, deadlines, selectors, services, success
from sendhub.outcomes.forms import (
    ManualCsvForm,
    ManualMeasureForm,
    ManualValueForm,
    Sen2ShrinkConfirmForm,
    Sen2UploadForm,
    SuccessMeasureForm,
)
from sendhub.outcomes.measures import MEASURES
from sendhub.outcomes.models import ManualMeasure, ManualMeasureValue, Sen2Return, SuccessMeasure
from sendhub.outcomes.sen2 import pending
from sendhub.outcomes.sen2.importer import ImportResult
from sendhub.outcomes.sen2.summary import warnings_summary
from sendhub.web import history
from sendhub.web.charts import Series, line_chart, scaled_title
from sendhub.web.views import FormPageMixin

PAGE_SIZE = 25
BREAKDOWN_TOPICS = {"district": "Postcode district", "age_band": "Age band", "primary_need": "Primary need"}


class OutcomesMixin(AreaMixin):
    def get_breadcrumbs(self):
        return [*super().get_breadcrumbs(), ("Outcomes", self.area_url("outcomes:dashboard"))]


# The measures the outcomes dashboard leads with; every other measure is in the table below them.
HEADLINE_MEASURES = (
    "PC_plans_issued_20_weeks_ex",
    "request_outcome_six_weeks_pc",
    "requests_received_in_year",
    "plans_issued_den",
    "PC_plans_issued_gt_1_year_ex",
    "request_not_assess_pc",
    "reviews_within_12_months_pc",
    "pc_decsion_4weeks",
    "ehcplans",
    "reviews_overdue",
)


def _kind_of(measure) -> str:
    return "year" if "year" in measure.period_kinds else measure.period_kinds[0]


def _points(series) -> list[tuple[str, float | None]]:
    return [(p.period, p.value) for p in series]


def complete_years(series, latest_return) -> list:
    """A year series without the year the latest return was collected in: that return covers only its first
    weeks (to the reference date), so it is shown by month instead."""
    partial = str(latest_return.collection_year) if latest_return else None
    return [p for p in series if p.period != partial]


def benchmark_name(measure) -> str | None:
    """The DfE column as the benchmark module names it: FILE:COLUMN, since some columns appear in two files."""
    if not measure.dfe_column:
        return None
    stem = measure.dfe_file.removesuffix(".csv") if measure.dfe_file else ""
    return f"{stem}:{measure.dfe_column}" if stem else measure.dfe_column


def benchmark_rows(area, measure) -> list | None:
    name = benchmark_name(measure)
    if name is None:
        return None
    try:
        return benchmark.benchmark(area, name)
    except benchmark.BenchmarkError:
        return None


class OutcomesDashboardView(AreaMixin, TemplateView):
    template_name = "outcomes/dashboard.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        latest = deadlines.latest_return(self.area)
        context["latest_return"] = latest
        cards, others = [], []
        if latest:
            targets = success.statuses(self.area)
            for n, name in enumerate(HEADLINE_MEASURES):
                measure = MEASURES[name]
                kind = _kind_of(measure)
                series = selectors.measure_series(self.area, name, period_kind=kind)
                if kind == "year":
                    series = complete_years(series, latest)
                points = _points(series)
                cards.append(
                    {
                        "measure": measure,
                        "rows": series,
                        "latest": next((p for p in reversed(series) if p.value is not None), None),
                        "chart": line_chart(
                            [Series(self.area.name, points)],
                            title=measure.title,
                            unit=measure.unit,
                            chart_id=f"chart-{n}",
                        ),
                        "targets": [t for t in targets if t.success.measure == name],
                    }
                )
            latest_values = selectors.latest_values(self.area)
            others = [
                (measure, latest_values.get(measure.name))
                for measure in MEASURES.values()
                if measure.name not in HEADLINE_MEASURES
            ]
            on, context["tracker_live"] = deadlines.as_at(latest, timezone.localdate())
            context["tracker_as_at"] = on
            context["risk"] = deadlines.summarise(deadlines.cached_deadlines(latest, today=on), on)
        context["others"] = others
        context["cards"] = cards
        return context


class MeasureDetailView(OutcomesMixin, TemplateView):
    template_name = "outcomes/measure_detail.html"

    def get_context_data(self, **kwargs):
        measure = MEASURES.get(kwargs["measure"])
        if measure is None:
            raise Http404("No such measure")
        context = super().get_context_data(**kwargs)
        context["measure"] = measure
        kind = _kind_of(measure)
        series = selectors.measure_series(self.area, measure.name, period_kind=kind)
        latest = deadlines.latest_return(self.area)
        if kind == "year":
            context["partial_year"] = latest.collection_year if latest else None
            context["all_periods"] = [p.period for p in series]
            series = complete_years(series, latest)
        context["years"] = series
        context["year_chart"] = line_chart(
            [Series(self.area.name, _points(series))],
            title=f"{measure.title}, by {'year' if kind == 'year' else 'reference date'}",
            unit=measure.unit,
            chart_id="by-year",
        )
        periods = context.get("all_periods") or [p.period for p in series]
        selected = self.request.GET.get("period")
        if selected not in periods:
            complete = [p.period for p in series]
            selected = (complete or periods or [None])[-1]
        context["periods"], context["selected"] = periods, selected
        if selected and kind == "year" and "month" in measure.period_kinds:
            months = [
                p
                for p in selectors.measure_series(self.area, measure.name, period_kind="month")
                if p.period.startswith(f"{selected}-")
            ]
            context["months"] = months
            context["month_chart"] = line_chart(
                [Series(self.area.name, _points(months))],
                title=f"{measure.title}, by month of {selected}",
                unit=measure.unit,
                chart_id="by-month",
            )
        if selected:
            context["breakdowns"] = [
                (label, selectors.breakdown_table(self.area, measure.name, selected, topic))
                for topic, label in BREAKDOWN_TOPICS.items()
            ]
        rows = benchmark_rows(self.area, measure)
        if rows:
            context["benchmark_rows"] = rows
            context["benchmark_chart"] = _benchmark_chart(self.area, measure, rows)
        return context


def _benchmark_chart(area, measure, rows):
    # Counts for an area and for England differ a hundredfold: they are drawn indexed (first year = 100).
    series, title, unit = scaled_title(f"{measure.title}: {area.name} compared with England, its region and "
                                       "statistical neighbours", [
        Series(area.name, [(str(r.year), r.area_value) for r in rows]),
        Series("England", [(str(r.year), r.england) for r in rows]),
        Series(area.get_region_display(), [(str(r.year), r.region) for r in rows]),
        Series("Statistical neighbours (median)", [(str(r.year), r.neighbours_median) for r in rows]),
    ], measure.unit)
    return line_chart(series, title=title, unit=unit, chart_id="benchmark")


class DeadlineTrackerView(OutcomesMixin, TemplateView):
    template_name = "outcomes/deadlines.html"
    page_size = 50

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        latest = deadlines.latest_return(self.area)
        context["latest_return"] = latest
        context["kinds"] = deadlines.KINDS
        if latest:
            wanted = self.request.GET.get("as_at")
            today, live = deadlines.as_at(
                latest, timezone.localdate(), live={"today": True, "reference": False}.get(wanted)
            )
            context["live"] = live
            rows = deadlines.cached_deadlines(latest, today=today)
            context["risk"] = deadlines.summarise(rows, today)
            context["today"] = today
            # Monitors (DfE, NHS England) see the counts a stocktake needs, not the child-level rows: each row is
            # one child's case by pseudonymous reference, district and age, which only the partnership acts on.
            context["child_rows"] = child_rows = context["current_role"] != Role.MONITOR
            if not child_rows:
                return context
            kind = self.request.GET.get("kind", "")
            if kind in deadlines.KINDS:
                rows = [d for d in rows if d.kind == kind]
            context["kind"] = kind
            page = Paginator(rows, self.page_size).get_page(self.request.GET.get("page"))
            context["page_obj"] = page
            context["today"] = today
            context["rows"] = [(d, d.days_left(today)) for d in page.object_list]
        return context


class BenchmarkView(OutcomesMixin, TemplateView):
    template_name = "outcomes/benchmarks.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        choices = [(m.name, m.title) for m in MEASURES.values() if m.dfe_column]
        context["choices"] = choices
        selected = self.request.GET.get("measure") or "PC_plans_issued_20_weeks_ex"
        measure = MEASURES.get(selected) if selected in dict(choices) else None
        context["selected"] = selected
        if measure:
            rows = benchmark_rows(self.area, measure)
            context["measure"], context["rows"] = measure, rows
            if rows:
                context["chart"] = _benchmark_chart(self.area, measure, rows)
        return context


class Sen2ReturnListView(OutcomesMixin, ListView):
    template_name = "outcomes/return_list.html"
    paginate_by = PAGE_SIZE

    def get_queryset(self):
        return Sen2Return.objects.filter(area=self.area).select_related("imported_by", "area")


class Sen2ReturnDetailView(OutcomesMixin, TemplateView):
    template_name = "outcomes/return_detail.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["sen2_return"] = get_object_or_404(Sen2Return, area=self.area, pk=kwargs["pk"])
        return context

    def get_breadcrumbs(self):
        return [*super().get_breadcrumbs(), ("SEN2 returns", self.area_url("outcomes:return-list"))]


# Problems listed on the upload page; the total is always given (the command line lists up to 1,000).
SHOWN_IMPORT_ERRORS = 200


class Sen2UploadView(OutcomesMixin, FormView):
    """Upload a SEN2 return; a return far smaller than the current one (``importer.ShrinkRefusal``) is kept
    (``sen2.pending``) and imported only when the administrator confirms it on the same page."""

    area_permission = "area.manage"
    form_class = Sen2UploadForm
    template_name = "outcomes/return_upload.html"

    def get(self, request, *args, **kwargs) -> HttpResponse:
        pending.sweep()  # kept files whose confirmation has expired: they hold names and dates of birth
        return super().get(request, *args, **kwargs)

    def post(self, request, *args, **kwargs) -> HttpResponse:
        pending.sweep()
        if "token" in request.POST:  # the confirmation step
            return self.confirm(Sen2ShrinkConfirmForm(request.POST))
        return super().post(request, *args, **kwargs)

    def form_valid(self, form) -> HttpResponse:
        upload = form.cleaned_data["file"]
        result = services.sen2_import(
            stream=upload, filename=upload.name[:255], area=self.area, imported_by=self.request.user
        )
        if result.shrink is not None:
            token = pending.keep(
                upload,
                filename=upload.name[:255],
                area_id=self.area.pk,
                user_id=self.request.user.pk,
                refusal=result.shrink,
            )
            return self.ask_to_confirm(result, token, upload.name[:255])
        return self.answer(result, form)

    def confirm(self, confirm_form: Sen2ShrinkConfirmForm) -> HttpResponse:
        form = self.get_form_class()()
        try:
            if not confirm_form.is_valid():
                raise pending.KeptFileError("This confirmation is not valid. Upload the file again.")
            kept = pending.read_token(
                confirm_form.cleaned_data["token"], area_id=self.area.pk, user_id=self.request.user.pk
            )
        except pending.KeptFileError as error:
            form.ask_again(str(error))
            return self.render_to_response(self.get_context_data(form=form))
        if confirm_form.cleaned_data["action"] == "cancel":
            pending.discard(kept)
            messages.info(self.request, f"{kept.filename} was not imported, and the uploaded file has been deleted")
            return HttpResponseRedirect(self.area_url("outcomes:return-list"))
        result = services.sen2_import_kept(kept=kept, area=self.area, imported_by=self.request.user)
        if result.shrink is not None:  # the current return changed meanwhile: confirm the new counts
            return self.ask_to_confirm(result, pending.renew(kept, refusal=result.shrink), kept.filename)
        return self.answer(result, form)

    def ask_to_confirm(self, result: ImportResult, token: str, filename: str) -> HttpResponse:
        return self.render_to_response(
            self.get_context_data(
                form=self.get_form_class()(),  # not the posted one: its errors would fill the page's error summary
                shrink=result.shrink,
                shrink_filename=filename,
                shrink_warnings=result.warning_count,
                confirm_form=Sen2ShrinkConfirmForm(initial={"token": token}),
                keep_minutes=pending.KEEP_SECONDS // 60,
            )
        )

    def answer(self, result: ImportResult, form: Sen2UploadForm) -> HttpResponse:
        """The page after an import that was not refused as too small: its problems, or the new return."""
        if result.sen2_return is None:
            return self.render_to_response(
                self.get_context_data(
                    form=form, import_errors=result.errors[:SHOWN_IMPORT_ERRORS], error_count=result.error_count
                )
            )
        messages.success(
            self.request,
            f"Imported {result.sen2_return.person_count:,} people from {result.sen2_return.filename}"
            + (f" with {warnings_summary(result.warnings, result.warning_count)}" if result.warnings else ""),
        )
        return HttpResponseRedirect(self.area_url("outcomes:return-detail", result.sen2_return.pk))

    def get_breadcrumbs(self):
        return [*super().get_breadcrumbs(), ("SEN2 returns", self.area_url("outcomes:return-list"))]


# Manual measures ----------------------------------------------------------------------------------------


class ManualMeasureListView(OutcomesMixin, ListView):
    template_name = "outcomes/manual_list.html"
    paginate_by = PAGE_SIZE

    def get_queryset(self):
        return ManualMeasure.objects.filter(area=self.area).select_related("owner", "area")


class ManualMeasureCreateView(FormPageMixin, OutcomesMixin, FormView):
    area_permission = "area.manage"
    form_class = ManualMeasureForm
    page_title = "Add a partner's measure"
    submit_label = "Save measure"

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "area": self.area}

    def form_valid(self, form):
        measure = form.save()
        messages.success(self.request, f"Measure \u201c{measure.name}\u201d saved")
        return HttpResponseRedirect(measure.get_absolute_url())


class ManualMeasureObjectMixin(OutcomesMixin):
    def load(self) -> ManualMeasure:
        self.measure = get_object_or_404(
            ManualMeasure.objects.select_related("owner", "area"), area=self.area, pk=self.kwargs["pk"]
        )
        return self.measure

    def require_record(self) -> None:
        if not self.request.user.has_perm("manual_measure.record", self.measure):
            raise PermissionDenied(f"Only {self.measure.owner} and area administrators can record this measure.")

    def get_breadcrumbs(self):
        return [*super().get_breadcrumbs(), ("Partners' measures", self.area_url("outcomes:manual-measure-list"))]


class ManualMeasureDetailView(ManualMeasureObjectMixin, FormView):
    """The measure's values as a chart and table, and (for its owner) a form to add one."""

    form_class = ManualValueForm
    template_name = "outcomes/manual_detail.html"

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "measure": self.measure}

    def get(self, request, *args, **kwargs):
        self.load()
        return super().get(request, *args, **kwargs)

    def post(self, request, *args, **kwargs):
        self.load()
        self.require_record()
        return super().post(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        values = list(self.measure.values.all())
        context["measure"] = self.measure
        context["values"] = values
        context["can_record"] = self.request.user.has_perm("manual_measure.record", self.measure)
        context["chart"] = line_chart(
            [Series(self.measure.name, [(f"{v.period_end:%b %Y}", v.value) for v in values])],
            title=f"{self.measure.name} ({self.measure.unit})",
            chart_id="manual",
        )
        context["history"] = history.entries_for(self.measure)
        return context

    def form_valid(self, form):
        value = form.save(commit=False)
        value.recorded_by = self.request.user
        value.save()
        messages.success(self.request, f"Value for {value.period_end:%d %B %Y} saved")
        return HttpResponseRedirect(self.measure.get_absolute_url())


class ManualMeasureUploadView(FormPageMixin, ManualMeasureObjectMixin, FormView):
    form_class = ManualCsvForm
    multipart = True

    def get(self, request, *args, **kwargs):
        self.load()
        self.require_record()
        return super().get(request, *args, **kwargs)

    def post(self, request, *args, **kwargs):
        self.load()
        self.require_record()
        return super().post(request, *args, **kwargs)

    submit_label = "Upload values"

    def get_page_title(self):
        return f"Upload values for {self.measure.name}"

    def get_back_url(self):
        return self.measure.get_absolute_url()

    def form_valid(self, form):
        with transaction.atomic():
            for row in form.rows:
                ManualMeasureValue.objects.update_or_create(
                    measure=self.measure,
                    period_end=row.period_end,
                    defaults={"value": row.value, "note": row.note, "recorded_by": self.request.user},
                )
        messages.success(self.request, f"{len(form.rows)} values saved")
        return HttpResponseRedirect(self.measure.get_absolute_url())


# Success measures ---------------------------------------------------------------------------------------


class SuccessMeasureCreateView(FormPageMixin, OutcomesMixin, FormView):
    area_permission = "area.manage"
    form_class = SuccessMeasureForm

    linked_model: type[Action] | type[Finding] = Action

    def get_form_kwargs(self):
        self.linked = get_object_or_404(self.linked_model, area=self.area, pk=self.kwargs["pk"])
        choices = [(m.name, m.title) for m in MEASURES.values()]
        return {**super().get_form_kwargs(), "area": self.area, "measure_choices": choices}

    submit_label = "Save success measure"

    def get_page_title(self):
        return f"Add a success measure to {self.linked.reference}"

    def get_back_url(self):
        return self.linked.get_absolute_url()

    def form_valid(self, form):
        success = form.save(commit=False)
        success.area = self.area
        if isinstance(self.linked, Action):
            success.action = self.linked
        else:
            success.finding = self.linked
        success.save()
        messages.success(self.request, "Success measure saved")
        return HttpResponseRedirect(self.linked.get_absolute_url())


class SuccessMeasureRemoveView(OutcomesMixin, View):
    area_permission = "area.manage"

    def post(self, request, *args, **kwargs):
        success = get_object_or_404(
            SuccessMeasure.objects.select_related("action", "finding"), area=self.area, pk=kwargs["pk"]
        )
        linked = success.action or success.finding
        success.delete()
        messages.success(request, "Success measure removed")
        return HttpResponseRedirect(
            linked.get_absolute_url() if linked else reverse("outcomes:dashboard", args=[self.area.slug])
        )
