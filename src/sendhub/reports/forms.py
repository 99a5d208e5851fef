"""Forms for monitoring packs, the risks register and the pack schedule."""

from __future__ import annotations

from datetime import timedelta

from django import forms
from django.utils import timezone

from sendhub.accounts.models import LocalArea, Organisation
from sendhub.improvement.models import Finding
from sendhub.reports.models import MonitoringReport, ReportSchedule, Risk
from sendhub.web.forms import GovukModelForm

MAX_PERIOD_DAYS = 2 * 366


class ReportForm(GovukModelForm):
    """A new pack or a draft's details. The version field makes a stale edit fail instead of overwriting."""

    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    class Meta:
        model = MonitoringReport
        fields = ["title", "period_start", "period_end", "as_at", "executive_summary"]
        labels = {
            "title": "Title",
            "period_start": "Period starts",
            "period_end": "Period ends",
            "as_at": "Figures as at",
            "executive_summary": "Executive summary",
        }
        help_texts = {
            "period_start": "Changes are counted from this day",
            "period_end": "The last day of the period",
            "as_at": "Usually the last day of the period. The plan, measures and voice are shown as they stood that "
            "day, so the figures stay the same whenever the pack is made",
            "executive_summary": "Separate paragraphs with a blank line. A new pack starts with a draft written "
            "from the figures: rewrite it in your own words",
        }

    def __init__(self, *args, creating: bool = False, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["executive_summary"].widget.attrs["rows"] = 12
        if creating:
            del self.fields["executive_summary"]
            del self.fields["version"]
        else:
            self.fields["version"].initial = self.instance.version

    def clean_as_at(self):
        as_at = self.cleaned_data["as_at"]
        if as_at and as_at > timezone.localdate():
            raise forms.ValidationError("Figures as at must be today or in the past: the future has no figures yet")
        return as_at

    def clean(self):
        cleaned = super().clean()
        start, end, as_at = cleaned.get("period_start"), cleaned.get("period_end"), cleaned.get("as_at")
        if start and end and end < start:
            self.add_error("period_end", "The period must end on or after the day it starts")
        elif start and end and (end - start) > timedelta(days=MAX_PERIOD_DAYS):
            self.add_error("period_end", "The period can be at most 2 years long")
        if end and as_at and as_at < end:
            self.add_error("as_at", "Figures as at must be on or after the last day of the period")
        return cleaned


class RiskForm(GovukModelForm):
    class Meta:
        model = Risk
        fields = ["reference", "kind", "title", "description", "owner", "likelihood", "impact", "mitigation",
                  "status", "review_date", "findings"]
        widgets = {"findings": forms.CheckboxSelectMultiple, "kind": forms.RadioSelect, "status": forms.RadioSelect}
        labels = {
            "kind": "Risk or issue",
            "owner": "Owning organisation",
            "likelihood": "Likelihood",
            "impact": "Impact",
            "review_date": "Review by",
            "findings": "Inspection findings it affects",
        }
        help_texts = {
            "reference": "Short and unique in this area, for example R4",
            "kind": "A risk might happen; an issue has happened",
            "likelihood": "How likely it is to happen (for an issue: 5)",
        }

    def __init__(self, *args, area: LocalArea, **kwargs) -> None:
        self.area = area
        super().__init__(*args, **kwargs)
        self.fields["owner"].queryset = Organisation.objects.filter(area=area).order_by("name")
        self.fields["findings"].queryset = Finding.objects.filter(area=area).exclude(
            status=Finding.Status.SUPERSEDED
        ).order_by("-inspection__start_date", "reference")
        self.fields["findings"].label_from_instance = lambda f: f"{f.reference}: {f.title}"
        self.fields["likelihood"].choices = Risk.SCALE
        self.fields["impact"].choices = Risk.SCALE

    def clean_reference(self):
        reference = self.cleaned_data["reference"].strip().upper()
        clash = Risk.objects.filter(area=self.area, reference=reference).exclude(pk=self.instance.pk)
        if clash.exists():
            raise forms.ValidationError(f"{reference} is already used by another risk in this area")
        return reference

    def save(self, commit: bool = True):
        self.instance.area = self.area
        return super().save(commit)


class ScheduleForm(GovukModelForm):
    class Meta:
        model = ReportSchedule
        fields = ["is_active", "every_months", "period_months", "next_run_on"]
        help_texts = {
            "is_active": "SEND Hub drafts the pack early in the morning of the day it is due and emails the area's "
            "administrators a link",
            "next_run_on": "The pack is drafted that morning, as at the day before",
        }

    def clean_next_run_on(self):
        day = self.cleaned_data["next_run_on"]
        if day and day < timezone.localdate() and self.cleaned_data.get("is_active"):
            raise forms.ValidationError("The next draft must be today or later")
        return day
