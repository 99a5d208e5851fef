"""Forms for the improvement plan. Each rule's message names the field and says what to do."""

from __future__ import annotations

import re
from pathlib import Path

from django import forms
from django.conf import settings
from django.db.models import Q

from sendhub.accounts.models import LocalArea, Organisation, User
from sendhub.improvement.models import Action, Finding, Inspection, Judgement, Milestone
from sendhub.improvement.uploads import FileRejected, check_upload
from sendhub.web.forms import GovukDateInput, GovukForm, GovukModelForm


def _area_organisations(area: LocalArea):
    return Organisation.objects.filter(area=area).order_by("name")


def _area_people(area: LocalArea):
    return User.objects.filter(memberships__area=area, is_active=True).distinct().order_by("full_name")


def _checked_file(upload, *, allowed: set[str] | None = None):
    try:
        return check_upload(
            upload.name, upload.size, upload, max_bytes=settings.SENDHUB_MAX_UPLOAD_BYTES, allowed=allowed
        )
    except FileRejected as exc:
        raise forms.ValidationError(str(exc)) from None


class InspectionForm(GovukModelForm):
    report_url = forms.URLField(label="Report link", required=False, max_length=500, assume_scheme="https")

    class Meta:
        model = Inspection
        fields = [
            "framework",
            "kind",
            "start_date",
            "end_date",
            "published_date",
            "outcome",
            "summary",
            "report_url",
            "report_file",
        ]
        widgets = {
            "framework": forms.RadioSelect,
            "kind": forms.RadioSelect,
            "start_date": GovukDateInput,
            "end_date": GovukDateInput,
            "published_date": GovukDateInput,
            "report_file": forms.FileInput,
        }
        labels = {
            "start_date": "First day of the inspection",
            "end_date": "Last day of the inspection",
            "published_date": "Date the report was published",
        }

    def __init__(self, *args, area: LocalArea, **kwargs) -> None:
        self.area = area
        super().__init__(*args, **kwargs)
        self.fields["framework"].choices = Inspection._meta.get_field("framework").choices
        self.fields["kind"].choices = Inspection.Kind.choices
        self.fields["report_file"].help_text = "A PDF, smaller than 10MB. Leave empty to keep the current file."

    def clean_report_file(self):
        upload = self.cleaned_data.get("report_file")
        if upload and hasattr(upload, "content_type"):
            _checked_file(upload, allowed={"pdf"})
        return upload

    def clean(self):
        data = super().clean()
        start, end, published = data.get("start_date"), data.get("end_date"), data.get("published_date")
        if start and end and end < start:
            self.add_error("end_date", "The last day of the inspection must be the same as or after the first day")
        if end and published and published < end:
            self.add_error("published_date", "The report cannot be published before the inspection ended")
        framework, kind, outcome = data.get("framework"), data.get("kind"), data.get("outcome")
        current = "the framework of January 2023 (revised June 2025)"
        if outcome and framework != "2023":
            self.add_error("outcome", f"Only inspections under {current} have an overall outcome: leave it empty")
        elif framework == "2023" and kind == Inspection.Kind.FULL and not outcome:
            self.add_error("outcome", f"Select the inspection's outcome: a full inspection under {current} has one")
        return data

    def save(self, commit: bool = True):
        self.instance.area = self.area
        return super().save(commit)


class FindingForm(GovukModelForm):
    ALLOWED_KINDS = {
        "2016": {Finding.Kind.SIGNIFICANT_WEAKNESS},
        "2023": {Finding.Kind.PRIORITY_ACTION, Finding.Kind.IMPROVEMENT},
    }

    class Meta:
        model = Finding
        fields = ["kind", "reference", "title", "text", "text_is_summary", "theme", "responsible_organisations"]
        widgets = {
            "kind": forms.RadioSelect,
            "responsible_organisations": forms.CheckboxSelectMultiple,
            "reference": forms.TextInput(attrs={"class": "govuk-input govuk-input--width-5"}),
        }

    def __init__(self, *args, inspection: Inspection, **kwargs) -> None:
        self.inspection = inspection
        super().__init__(*args, **kwargs)
        self.fields["kind"].choices = Finding.Kind.choices
        self.fields["responsible_organisations"].queryset = _area_organisations(inspection.area)
        self.fields["responsible_organisations"].help_text = "For areas for priority action: the bodies named"

    def clean_kind(self):
        kind = self.cleaned_data["kind"]
        allowed = self.ALLOWED_KINDS.get(self.inspection.framework, set())
        if kind not in allowed:
            names = " or ".join(sorted(str(Finding.Kind(k).label).lower() for k in allowed))
            raise forms.ValidationError(f"A {self.inspection.get_framework_display()} finding must be a {names}")
        return kind

    def clean_reference(self):
        reference = self.cleaned_data["reference"].strip()
        duplicate = Finding.objects.filter(inspection=self.inspection, reference__iexact=reference)
        if self.instance.pk:
            duplicate = duplicate.exclude(pk=self.instance.pk)
        if duplicate.exists():
            raise forms.ValidationError(f"This inspection already has a finding with reference {reference}")
        return reference

    def save(self, commit: bool = True):
        self.instance.inspection = self.inspection
        self.instance.area = self.inspection.area
        return super().save(commit)


class JudgementForm(GovukModelForm):
    class Meta:
        model = Judgement
        fields = ["inspection", "outcome", "judged_on", "text"]
        widgets = {"outcome": forms.RadioSelect, "judged_on": GovukDateInput}
        labels = {
            "inspection": "Inspection or revisit that made the judgement",
            "judged_on": "Date of judgement",
            "text": "What the inspectors said",
        }

    def __init__(self, *args, finding: Finding, **kwargs) -> None:
        self.finding = finding
        super().__init__(*args, **kwargs)
        self.fields["outcome"].choices = Judgement.Outcome.choices
        self.fields["inspection"].queryset = Inspection.objects.filter(
            area=finding.area, start_date__gt=finding.inspection.start_date
        )
        self.fields["inspection"].empty_label = "Select an inspection"
        self.fields["inspection"].help_text = "Only inspections after the one that made this finding"

    def clean(self):
        data = super().clean()
        judged_on = data.get("judged_on")
        if judged_on and judged_on < self.finding.inspection.start_date:
            self.add_error("judged_on", "The judgement cannot be dated before the inspection that made the finding")
        return data


class ActionForm(GovukModelForm):
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    class Meta:
        model = Action
        fields = [
            "reference",
            "title",
            "description",
            "findings",
            "owner",
            "lead",
            "start_date",
            "due_date",
            "success_criteria",
        ]
        widgets = {
            "findings": forms.CheckboxSelectMultiple,
            "start_date": GovukDateInput,
            "due_date": GovukDateInput,
            "reference": forms.TextInput(attrs={"class": "govuk-input govuk-input--width-5"}),
        }
        help_texts = {
            "findings": "Select every finding this action answers",
            "success_criteria": "How the partnership will know the action has worked",
        }

    def __init__(self, *args, area: LocalArea, **kwargs) -> None:
        self.area = area
        super().__init__(*args, **kwargs)
        self.fields["findings"].queryset = (
            Finding.objects.filter(area=area)
            .select_related("inspection")
            .order_by("-inspection__start_date", "reference")
        )
        self.fields["owner"].queryset = _area_organisations(area)
        self.fields["owner"].empty_label = "Select an organisation"
        self.fields["lead"].queryset = _area_people(area)
        self.fields["lead"].empty_label = "No named lead yet"
        self.fields["version"].initial = self.instance.version

    def clean_reference(self):
        reference = self.cleaned_data["reference"].strip()
        duplicate = Action.objects.filter(area=self.area, reference__iexact=reference)
        if self.instance.pk:
            duplicate = duplicate.exclude(pk=self.instance.pk)
        if duplicate.exists():
            raise forms.ValidationError(f"Another action already has the reference {reference}")
        return reference

    def clean(self):
        data = super().clean()
        start, due = data.get("start_date"), data.get("due_date")
        if start and due and due < start:
            self.add_error("due_date", "The due date must be the same as or after the start date")
        lead, owner = data.get("lead"), data.get("owner")
        if (
            lead
            and owner
            and not lead.memberships.filter(area=self.area)
            .filter(Q(organisation=owner) | Q(role="administrator"))
            .exists()
        ):
            self.add_error("lead", f"The named lead must work for {owner} (or be an area administrator)")
        if self.instance.pk and data.get("version") is None:
            self.add_error(None, "This form is out of date: reload the page and make your changes again")
        return data


class ProgressUpdateForm(GovukForm):
    status = forms.ChoiceField(choices=Action.Status.choices, widget=forms.RadioSelect)
    rag = forms.ChoiceField(
        label="RAG",
        choices=Action.Rag.choices,
        widget=forms.RadioSelect,
        help_text="On track, at risk or off track against the due date and success criteria",
    )
    rag_reason = forms.CharField(
        label="Reason for the RAG",
        widget=forms.Textarea(attrs={"rows": 3}),
        required=False,
        help_text="Required when at risk or off track, or when the RAG changes",
    )
    commentary = forms.CharField(
        label="What has happened since the last update", widget=forms.Textarea(attrs={"rows": 5}), max_length=10000
    )
    evidence_file = forms.FileField(label="Evidence file", required=False, widget=forms.FileInput)
    evidence_file_title = forms.CharField(
        label="Evidence file title", required=False, max_length=200,
        help_text="If you leave this empty, the file's name is used",
    )
    evidence_link_url = forms.URLField(
        assume_scheme="https",
        label="Evidence link",
        required=False,
        max_length=500,
        help_text="A web address starting https://",
    )
    evidence_link_title = forms.CharField(
        label="Evidence link title", required=False, max_length=200,
        help_text="If you leave this empty, the web address is used",
    )
    version = forms.IntegerField(widget=forms.HiddenInput)

    def __init__(self, *args, action: Action, **kwargs) -> None:
        self.action = action
        # Merged, not set by default: FormView always passes an ``initial`` (empty), which would otherwise leave
        # the page's hidden version empty, so that every update posted from it was refused.
        current = {
            "status": action.status, "rag": action.rag, "rag_reason": action.rag_reason, "version": action.version
        }
        kwargs["initial"] = {**current, **(kwargs.get("initial") or {})}
        super().__init__(*args, **kwargs)
        self.fields["evidence_file"].help_text = (
            "PDF, Word, Excel, PowerPoint, OpenDocument, PNG, JPEG, CSV or text; smaller than "
            f"{settings.SENDHUB_MAX_UPLOAD_BYTES // (1024 * 1024)}MB"
        )
        self.checked_file = None

    def clean_evidence_file(self):
        upload = self.cleaned_data.get("evidence_file")
        if upload:
            self.checked_file = _checked_file(upload)
        return upload

    def clean_evidence_link_url(self):
        url = self.cleaned_data.get("evidence_link_url", "")
        if url and not url.lower().startswith(("https://", "http://")):
            raise forms.ValidationError("Enter a web address starting https://")
        return url

    def clean(self):
        data = super().clean()
        rag = data.get("rag")
        reason = data.get("rag_reason", "").strip()
        old_reason = (self.action.rag_reason or "").strip()
        labels = dict(Action.Rag.choices)
        if rag and not reason:
            if rag != Action.Rag.ON_TRACK:
                self.add_error("rag_reason", "Enter the reason the action is at risk or off track")
            elif rag != self.action.rag:
                self.add_error("rag_reason", "Enter the reason the RAG has changed")
        elif rag and rag != self.action.rag and old_reason and reason == old_reason:
            # The box still holds the reason given for the old RAG: it must not be saved as the new one's.
            self.add_error(
                "rag_reason",
                f"The reason still says why the action was {labels[self.action.rag].lower()}: replace it with "
                f"why it is now {labels[rag].lower()}",
            )
        upload = data.get("evidence_file")
        if upload and not data.get("evidence_file_title", "").strip():
            data["evidence_file_title"] = _title_from_filename(upload.name)
        if data.get("evidence_link_url") and not data.get("evidence_link_title", "").strip():
            data["evidence_link_title"] = data["evidence_link_url"][:200]
        if data.get("evidence_link_title") and not data.get("evidence_link_url"):
            if "evidence_link_url" not in self.errors:
                self.add_error("evidence_link_url", "Enter the web address of the evidence link")
        if upload and self.errors and "evidence_file" not in self.errors:
            # A browser never sends a file back with a page: say so, rather than let it vanish silently.
            self.add_error(
                "evidence_file",
                f"Choose the evidence file ({_safe_name(upload.name)}) again: a file is not kept when other answers "
                "need correcting",
            )
        return data


def _safe_name(name: str) -> str:
    return Path(name or "").name[:100]


def _title_from_filename(name: str) -> str:
    """'EP-capacity_report.v2.pdf' -> 'EP capacity report.v2': a readable default title for evidence."""
    stem = Path(_safe_name(name)).stem
    title = re.sub(r"[_\s-]+", " ", stem).strip()
    return (title or "Evidence file")[:200]


class MilestoneForm(GovukModelForm):
    class Meta:
        model = Milestone
        fields = ["title", "due_date", "completed_on"]
        widgets = {"due_date": GovukDateInput, "completed_on": GovukDateInput}
        labels = {"completed_on": "Date completed"}
        help_texts = {"completed_on": "Leave empty until the milestone is met"}

    def __init__(self, *args, action: Action, **kwargs) -> None:
        self.action = action
        super().__init__(*args, **kwargs)

    def clean(self):
        data = super().clean()
        completed = data.get("completed_on")
        if completed and completed < self.action.start_date:
            self.add_error("completed_on", "A milestone cannot be completed before its action started")
        return data

    def save(self, commit: bool = True):
        self.instance.action = self.action
        return super().save(commit)


class CommentForm(GovukForm):
    text = forms.CharField(label="Your comment", widget=forms.Textarea(attrs={"rows": 4}), max_length=5000)


class ActionFilterForm(GovukForm):
    q = forms.CharField(label="Search", required=False, max_length=100)
    finding = forms.ModelChoiceField(queryset=Finding.objects.none(), required=False, empty_label="All findings")
    owner = forms.ModelChoiceField(
        label="Owning organisation",
        queryset=Organisation.objects.none(),
        required=False,
        empty_label="All organisations",
    )
    status = forms.ChoiceField(choices=[("", "All statuses"), *Action.Status.choices], required=False)
    rag = forms.ChoiceField(label="RAG", choices=[("", "All"), *Action.Rag.choices], required=False)
    overdue = forms.BooleanField(label="Overdue only", required=False)

    def __init__(self, *args, area: LocalArea, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["finding"].queryset = Finding.objects.filter(area=area).select_related("inspection")
        self.fields["owner"].queryset = _area_organisations(area)
