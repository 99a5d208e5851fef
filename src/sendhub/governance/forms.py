"""Forms for the board's pages. Each rule's message names the field and says what to do."""

from __future__ import annotations

from datetime import date

from django import forms
from django.conf import settings

from sendhub.accounts.models import LocalArea, Organisation
from sendhub.governance.models import ActionArising, AgendaItem, Board, Decision, Meeting, long_date
from sendhub.governance.selectors import next_reference
from sendhub.improvement.models import Action, Finding
from sendhub.improvement.uploads import CheckedFile, FileRejected, check_upload
from sendhub.outcomes.measures import MEASURES
from sendhub.reports.models import MonitoringReport
from sendhub.web.forms import GovukDateInput, GovukForm, GovukModelForm


class GovukTimeInput(forms.TimeInput):
    """A time box (type=time): keyboard-friendly, and browsers without support accept typed 14:30."""

    input_type = "time"

    def __init__(self) -> None:
        super().__init__(attrs={"class": "govuk-input govuk-input--width-5"}, format="%H:%M")


def _agenda_item_field(meeting: Meeting) -> forms.ModelChoiceField:
    return forms.ModelChoiceField(
        label="Agenda item",
        queryset=meeting.agenda_items.order_by("position"),
        required=False,
        empty_label="Not linked to an agenda item",
        error_messages={"invalid_choice": "Select an item from this meeting's agenda"},
    )


class BoardForm(GovukModelForm):
    class Meta:
        model = Board
        fields = ["name", "terms_of_reference"]
        labels = {"name": "Name of the board"}
        help_texts = {"name": "For example, SEND Partnership Board or SEND Improvement Board"}
        error_messages = {"name": {"required": "Enter the name of the board"}}

    def __init__(self, *args, area: LocalArea, **kwargs) -> None:
        self.area = area
        super().__init__(*args, **kwargs)
        self.fields["terms_of_reference"].widget.attrs["rows"] = 8

    def save(self, commit: bool = True):
        self.instance.area = self.area
        return super().save(commit)


class MeetingForm(GovukModelForm):
    class Meta:
        model = Meeting
        fields = ["held_on", "starts_at", "location", "status"]
        widgets = {"held_on": GovukDateInput, "starts_at": GovukTimeInput, "status": forms.RadioSelect}
        labels = {"held_on": "Date of the meeting"}
        help_texts = {"starts_at": "For example, 14:30"}
        error_messages = {
            "held_on": {"required": "Enter the date of the meeting", "invalid": "Enter a real date, like 2025-03-27"},
            "starts_at": {"invalid": "Enter a time using the 24-hour clock, like 14:30"},
            "status": {"required": "Select whether the meeting is scheduled, held or cancelled"},
        }

    def __init__(self, *args, board: Board | None, today: date, **kwargs) -> None:
        self.board, self.today = board, today
        super().__init__(*args, **kwargs)
        self.fields["status"].choices = Meeting.Status.choices

    def clean(self):
        data = super().clean()
        held_on, status = data.get("held_on"), data.get("status")
        if held_on and status == Meeting.Status.HELD and held_on > self.today:
            self.add_error("status", "A meeting in the future cannot have been held yet: select Scheduled")
        has_minutes = self.instance.minutes_status != Meeting.MinutesStatus.NONE
        if has_minutes and status and status != Meeting.Status.HELD:
            self.add_error("status", "This meeting has minutes, so it took place: select Held")
        if has_minutes and held_on and held_on > self.today:
            self.add_error("held_on", "This meeting has minutes, so it took place: its date cannot be in the future")
        if held_on and self.board is not None and self.board.pk:
            clash = Meeting.objects.filter(board=self.board, held_on=held_on).exclude(pk=self.instance.pk)
            if clash.exists():
                self.add_error("held_on", f"The board already has a meeting on {long_date(held_on)}")
        if held_on and self.instance.pk:
            latest = self.instance.minutes_approved.order_by("-held_on").first()
            if latest is not None and held_on <= latest.held_on:
                self.add_error(
                    "held_on",
                    f"This meeting approved the minutes of the meeting on {long_date(latest.held_on)}, "
                    "so its date must be after that",
                )
        return data


class AgendaItemForm(GovukModelForm):
    measures = forms.MultipleChoiceField(
        label="Outcome measures",
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text="Measures from Outcomes the board will look at under this item",
        error_messages={"invalid_choice": "Select outcome measures from the list"},
    )

    class Meta:
        model = AgendaItem
        fields = ["position", "title", "description", "presenter", "findings", "actions", "measures", "reports"]
        widgets = {
            "position": forms.NumberInput(attrs={"class": "govuk-input govuk-input--width-3"}),
            "description": forms.Textarea(attrs={"rows": 4}),
            "findings": forms.CheckboxSelectMultiple,
            "actions": forms.CheckboxSelectMultiple,
            "reports": forms.CheckboxSelectMultiple,
        }
        labels = {
            "findings": "Inspection findings discussed",
            "actions": "Improvement plan actions discussed",
            "reports": "Monitoring reports discussed",
        }
        error_messages = {
            "position": {
                "required": "Enter the item's number on the agenda",
                "invalid": "The item number must be a whole number, like 3",
                "min_value": "The item number must be 1 or more",
            },
            "title": {"required": "Enter the title of the agenda item"},
            "findings": {"invalid_choice": "Select findings from this area's list"},
            "actions": {"invalid_choice": "Select actions from this area's improvement plan"},
            "reports": {"invalid_choice": "Select monitoring reports from this area's list"},
        }

    def __init__(self, *args, meeting: Meeting, **kwargs) -> None:
        self.meeting = meeting
        area = meeting.area
        super().__init__(*args, **kwargs)
        self.instance.meeting = meeting
        if not self.instance.pk and not self.is_bound:
            last = meeting.agenda_items.order_by("-position").values_list("position", flat=True).first()
            self.initial.setdefault("position", (last or 0) + 1)
        self.fields["position"].max_value = 999
        self.fields["findings"].queryset = (
            Finding.objects.filter(area=area).select_related("inspection").order_by("-inspection__start_date",
                                                                                   "reference")
        )
        self.fields["findings"].label_from_instance = lambda f: f"{f.reference}: {f.title}"
        self.fields["actions"].queryset = Action.objects.filter(area=area).order_by("reference")
        self.fields["actions"].label_from_instance = lambda a: f"{a.reference}: {a.title}"
        self.fields["reports"].queryset = MonitoringReport.objects.filter(area=area).order_by("-as_at", "-pk")
        self.fields["reports"].help_text = "" if self.fields["reports"].queryset.exists() else (
            "The area has no monitoring reports yet"
        )
        self.fields["measures"].choices = [(m.name, m.title) for m in MEASURES.values()]
        self.initial.setdefault("measures", list(self.instance.measures or []))

    def clean_position(self):
        position = self.cleaned_data["position"]
        if position is not None and position > 999:
            raise forms.ValidationError("The item number must be 999 or less")
        clash = self.meeting.agenda_items.filter(position=position).exclude(pk=self.instance.pk)
        if clash.exists():
            raise forms.ValidationError(f"Item {position} is already on the agenda: choose another number")
        return position


class PaperForm(GovukForm):
    title = forms.CharField(
        label="Title of the paper",
        max_length=200,
        error_messages={
            "required": "Enter the title of the paper",
            "max_length": "The title must be 200 characters or fewer",
        },
    )
    file = forms.FileField(
        label="File",
        widget=forms.FileInput,
        error_messages={"required": "Select the file of the paper", "empty": "The selected file is empty"},
    )

    def __init__(self, *args, meeting: Meeting, **kwargs) -> None:
        self.meeting = meeting
        super().__init__(*args, **kwargs)
        self.fields["agenda_item"] = _agenda_item_field(meeting)
        self.order_fields(["title", "agenda_item", "file"])
        self.fields["file"].help_text = (
            "PDF, Word, Excel, PowerPoint, OpenDocument, PNG, JPEG, CSV or text; smaller than "
            f"{settings.SENDHUB_MAX_UPLOAD_BYTES // (1024 * 1024)}MB"
        )
        self.checked_file: CheckedFile | None = None

    def clean_file(self):
        upload = self.cleaned_data.get("file")
        if upload:
            try:
                self.checked_file = check_upload(
                    upload.name, upload.size, upload, max_bytes=settings.SENDHUB_MAX_UPLOAD_BYTES
                )
            except FileRejected as exc:
                raise forms.ValidationError(str(exc)) from None
        return upload


class DecisionForm(GovukModelForm):
    class Meta:
        model = Decision
        fields = ["agenda_item", "text", "decided_on"]
        widgets = {"decided_on": GovukDateInput, "text": forms.Textarea(attrs={"rows": 4})}
        labels = {"text": "What the board decided"}
        error_messages = {
            "text": {"required": "Enter what the board decided"},
            "decided_on": {
                "required": "Enter the date of the decision",
                "invalid": "Enter a real date, like 2025-03-27",
            },
        }

    def __init__(self, *args, meeting: Meeting, today: date, **kwargs) -> None:
        self.meeting, self.today = meeting, today
        super().__init__(*args, **kwargs)
        self.instance.meeting = meeting
        self.fields["decided_on"].initial = meeting.held_on  # decisions are usually dated the day of the meeting
        self.fields["agenda_item"] = _agenda_item_field(meeting)

    def clean_decided_on(self):
        decided_on = self.cleaned_data["decided_on"]
        if decided_on < self.meeting.held_on:
            raise forms.ValidationError(
                f"The decision cannot be dated before the meeting ({long_date(self.meeting.held_on)})"
            )
        if decided_on > self.today:
            raise forms.ValidationError("The date of the decision must be today or in the past")
        return decided_on


class ActionArisingForm(GovukModelForm):
    class Meta:
        model = ActionArising
        fields = ["agenda_item", "title", "description", "owner", "due_date", "status"]
        widgets = {
            "due_date": GovukDateInput,
            "description": forms.Textarea(attrs={"rows": 3}),
            "status": forms.RadioSelect,
        }
        labels = {"title": "Action", "owner": "Organisation responsible"}
        error_messages = {
            "title": {"required": "Enter the action the board agreed"},
            "owner": {
                "required": "Select the organisation responsible",
                "invalid_choice": "Select an organisation from this area's list",
            },
            "due_date": {"required": "Enter the due date", "invalid": "Enter a real date, like 2025-03-27"},
            "status": {"required": "Select whether the action is open or done"},
        }

    def __init__(self, *args, meeting: Meeting, locked: bool = False, **kwargs) -> None:
        """``locked``: the meeting's minutes are approved, so only the status can change."""
        self.meeting = meeting
        super().__init__(*args, **kwargs)
        self.instance.meeting = meeting
        self.fields["agenda_item"] = _agenda_item_field(meeting)
        self.order_fields(self.Meta.fields)
        self.fields["owner"].queryset = Organisation.objects.filter(area=meeting.area).order_by("name")
        self.fields["owner"].empty_label = "Select an organisation"
        self.fields["owner"].label_from_instance = lambda organisation: organisation.name
        self.fields["status"].choices = ActionArising.Status.choices
        if not self.instance.pk:
            del self.fields["status"]
        if locked:
            for name in list(self.fields):
                if name != "status":
                    del self.fields[name]

    def clean_due_date(self):
        due = self.cleaned_data["due_date"]
        if due < self.meeting.held_on:
            raise forms.ValidationError(
                f"The due date must be on or after the day of the meeting ({long_date(self.meeting.held_on)})"
            )
        return due


class PromoteForm(GovukForm):
    reference = forms.CharField(
        label="Reference for the improvement plan action",
        max_length=Action._meta.get_field("reference").max_length,
        widget=forms.TextInput(attrs={"class": "govuk-input govuk-input--width-5"}),
        error_messages={
            "required": "Enter a reference for the improvement plan action",
            "max_length": "The reference must be %(limit_value)d characters or fewer",
        },
    )

    def __init__(self, *args, area: LocalArea, **kwargs) -> None:
        self.area = area
        super().__init__(*args, **kwargs)
        self.fields["reference"].help_text = f"Unique in the plan, for example {next_reference(area)}"

    def clean_reference(self):
        reference = self.cleaned_data["reference"].strip()
        if not reference:
            raise forms.ValidationError("Enter a reference for the improvement plan action")
        if Action.objects.filter(area=self.area, reference__iexact=reference).exists():
            raise forms.ValidationError(f"Another action already has the reference {reference}")
        return reference


class MinutesForm(GovukForm):
    minutes = forms.CharField(
        label="Minutes",
        widget=forms.Textarea(attrs={"rows": 18}),
        max_length=100_000,
        help_text="Who attended, what was discussed under each item, and what was agreed",
        error_messages={
            "required": "Enter the minutes",
            "max_length": "The minutes must be 100,000 characters or fewer",
        },
    )

    def clean_minutes(self):
        minutes = self.cleaned_data["minutes"]
        if not minutes.strip():
            raise forms.ValidationError("Enter the minutes")
        return minutes


class ApproveMinutesForm(GovukForm):
    at_meeting = forms.ModelChoiceField(
        label="Meeting that approved the minutes",
        queryset=Meeting.objects.none(),
        widget=forms.RadioSelect,
        error_messages={
            "required": "Select the meeting that approved the minutes",
            "invalid_choice": "Select a later meeting of this board that has taken place",
        },
    )

    def __init__(self, *args, meeting: Meeting, today: date, **kwargs) -> None:
        self.meeting = meeting
        super().__init__(*args, **kwargs)
        candidates = (
            Meeting.objects.filter(board=meeting.board, held_on__gt=meeting.held_on, held_on__lte=today)
            .exclude(status=Meeting.Status.CANCELLED)
            .select_related("board")
            .order_by("held_on")
        )
        field = self.fields["at_meeting"]
        field.queryset = candidates
        field.label_from_instance = lambda m: long_date(m.held_on)
        field.help_text = (
            "Later meetings of the board that have taken place"
            if candidates.exists()
            else "No later meeting has taken place yet: minutes are approved at the next meeting"
        )
        if not self.is_bound and candidates.exists():
            self.initial.setdefault("at_meeting", candidates.first().pk)
