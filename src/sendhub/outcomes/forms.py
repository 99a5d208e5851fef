"""Forms for outcomes: SEN2 upload, manual measures and their values, success measures."""

from __future__ import annotations

from pathlib import PurePath

from django import forms
from django.conf import settings

from sendhub.accounts.models import LocalArea, Organisation
from sendhub.outcomes.manual import parse_manual_csv
from sendhub.outcomes.models import Direction, ManualMeasure, ManualMeasureValue, SuccessMeasure
from sendhub.web.forms import GovukDateInput, GovukForm, GovukModelForm


class Sen2UploadForm(GovukForm):
    file = forms.FileField(
        label="SEN2 return (XML)",
        help_text="The person-level SEN2 XML file your case management system produces for DfE",
        widget=forms.FileInput(attrs={"accept": ".xml,application/xml,text/xml"}),
    )

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if PurePath(upload.name).suffix.lower() != ".xml":
            raise forms.ValidationError("The selected file must be an XML file (.xml)")
        if upload.size > settings.SENDHUB_MAX_SEN2_BYTES:
            raise forms.ValidationError(
                f"The selected file must be smaller than {settings.SENDHUB_MAX_SEN2_BYTES // (1024 * 1024)}MB"
            )
        return upload

    def ask_again(self, message: str) -> None:
        """Show ``message`` on the file field of this new form: a confirmation that cannot be used (expired, say)
        means uploading the file again."""
        self.cleaned_data = {}  # an unbound form has none, and ``add_error`` expects it
        self.add_error("file", message)


class Sen2ShrinkConfirmForm(GovukForm):
    """The confirmation step for a return much smaller than the current one: ``token`` names the kept upload
    (``sen2.pending``); ``action`` is the button pressed."""

    token = forms.CharField(widget=forms.HiddenInput, max_length=2000)
    action = forms.ChoiceField(choices=[("import", "Import it"), ("cancel", "Cancel")], widget=forms.HiddenInput)


class ManualMeasureForm(GovukModelForm):
    class Meta:
        model = ManualMeasure
        fields = ["name", "key", "description", "unit", "direction", "owner"]
        widgets = {
            "direction": forms.RadioSelect,
            "key": forms.TextInput(attrs={"class": "govuk-input govuk-input--width-20"}),
        }
        labels = {"owner": "Organisation that reports it", "key": "Short name"}
        help_texts = {"key": "Lower case letters, numbers and hyphens, e.g. autism-assessment-wait"}

    def __init__(self, *args, area: LocalArea, **kwargs) -> None:
        self.area = area
        super().__init__(*args, **kwargs)
        self.fields["direction"].choices = Direction.choices
        self.fields["owner"].queryset = Organisation.objects.filter(area=area)
        self.fields["owner"].empty_label = "Select an organisation"

    def clean_key(self):
        key = self.cleaned_data["key"]
        clash = ManualMeasure.objects.filter(area=self.area, key=key).exclude(pk=self.instance.pk)
        if clash.exists():
            raise forms.ValidationError(f"Another measure already uses the short name {key}")
        return key

    def save(self, commit: bool = True):
        self.instance.area = self.area
        return super().save(commit)


class ManualValueForm(GovukModelForm):
    class Meta:
        model = ManualMeasureValue
        fields = ["period_end", "value", "note"]
        widgets = {"period_end": GovukDateInput, "value": forms.NumberInput(attrs={"step": "any"})}
        labels = {"period_end": "Last day of the period"}

    def __init__(self, *args, measure: ManualMeasure, **kwargs) -> None:
        self.measure = measure
        super().__init__(*args, **kwargs)
        self.fields["value"].label = f"Value ({measure.unit})"

    def clean_period_end(self):
        period_end = self.cleaned_data["period_end"]
        if ManualMeasureValue.objects.filter(measure=self.measure, period_end=period_end).exists():
            raise forms.ValidationError(f"There is already a value for the period ending {period_end:%d %B %Y}")
        return period_end

    def save(self, commit: bool = True):
        self.instance.measure = self.measure
        return super().save(commit)


class ManualCsvForm(GovukForm):
    file = forms.FileField(
        label="CSV file of values",
        help_text="Columns: period_end (YYYY-MM-DD), value, note (optional). Values for periods already "
        "recorded are replaced.",
        widget=forms.FileInput(attrs={"accept": ".csv,text/csv"}),
    )

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if PurePath(upload.name).suffix.lower() != ".csv":
            raise forms.ValidationError("The selected file must be a CSV file (.csv)")
        if upload.size > 2 * 1024 * 1024:
            raise forms.ValidationError("The selected file must be smaller than 2MB")
        rows, errors = parse_manual_csv(upload.read())
        if errors:
            raise forms.ValidationError(
                errors[:20] + ([f"and {len(errors) - 20} more problems"] if len(errors) > 20 else [])
            )
        self.rows = rows
        return upload


class SuccessMeasureForm(GovukModelForm):
    source = forms.ChoiceField(label="Measure")

    class Meta:
        model = SuccessMeasure
        fields = ["direction", "baseline_value", "baseline_date", "target_value", "target_date"]
        widgets = {
            "direction": forms.RadioSelect,
            "baseline_date": GovukDateInput,
            "target_date": GovukDateInput,
            "baseline_value": forms.NumberInput(attrs={"step": "any"}),
            "target_value": forms.NumberInput(attrs={"step": "any"}),
        }

    def __init__(self, *args, area: LocalArea, measure_choices: list[tuple[str, str]], **kwargs) -> None:
        self.area = area
        super().__init__(*args, **kwargs)
        manual = [
            (f"manual:{m.pk}", f"{m.name} (reported by {m.owner})")
            for m in area.manual_measures.select_related("owner")
        ]
        self.fields["source"].choices = [("", "Select a measure")] + [
            ("SEN2 measures", [(f"sen2:{key}", title) for key, title in measure_choices]),
            ("Partners' measures", manual),
        ]
        self.fields["direction"].choices = Direction.choices
        self.order_fields(["source", "direction", "baseline_value", "baseline_date", "target_value", "target_date"])

    def clean_source(self):
        source = self.cleaned_data["source"]
        kind, _, key = source.partition(":")
        if kind == "manual":
            measure = ManualMeasure.objects.filter(area=self.area, pk=key).first() if key.isdigit() else None
            if measure is None:
                raise forms.ValidationError("Select a measure from the list")
            self.instance.manual_measure, self.instance.measure = measure, ""
        elif kind == "sen2" and key:
            self.instance.measure, self.instance.manual_measure = key, None
        else:
            raise forms.ValidationError("Select a measure from the list")
        return source

    def clean(self):
        data = super().clean()
        baseline, target = data.get("baseline_date"), data.get("target_date")
        if baseline and target and target <= baseline:
            self.add_error("target_date", "The target date must be after the baseline date")
        direction, base_value, target_value = (
            data.get("direction"),
            data.get("baseline_value"),
            data.get("target_value"),
        )
        if None not in (direction, base_value, target_value):
            if direction == Direction.HIGHER_IS_BETTER and target_value < base_value:
                self.add_error("target_value", "When higher is better, the target must not be below the baseline")
            if direction == Direction.LOWER_IS_BETTER and target_value > base_value:
                self.add_error("target_value", "When lower is better, the target must not be above the baseline")
        return data
