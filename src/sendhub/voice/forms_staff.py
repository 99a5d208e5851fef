"""Forms for the staff voice pages: filtering comments, reviewing a comment's themes, co-production and
"You said, we did". Every rule's message names the field and says what to do."""

from __future__ import annotations

from django import forms
from django.db import transaction
from django.utils import timezone

from sendhub.accounts.models import LocalArea, Organisation
from sendhub.improvement.models import Action, Finding
from sendhub.voice import insights
from sendhub.voice.models import Comment, CommentTag, CoproductionActivity, Sentiment, SystemPart, Theme, YouSaidWeDid
from sendhub.web.forms import GovukDateInput, GovukForm, GovukModelForm


class CommentFilterForm(GovukForm):
    theme = forms.ChoiceField(choices=[("", "All themes"), *Theme.choices], required=False)
    sentiment = forms.ChoiceField(choices=[("", "Any sentiment"), *Sentiment.choices], required=False)
    district = forms.ChoiceField(choices=[("", "All districts")], required=False)
    part = forms.ChoiceField(
        label="Part of the system", choices=[("", "All parts"), *SystemPart.choices], required=False
    )
    received_from = forms.DateField(label="Received on or after", required=False, widget=GovukDateInput)
    received_to = forms.DateField(label="Received on or before", required=False, widget=GovukDateInput)
    needs_review = forms.BooleanField(label="Only comments with themes not yet checked", required=False)
    safeguarding = forms.BooleanField(label="Only comments flagged for safeguarding", required=False)

    def __init__(self, *args, area: LocalArea, administrator: bool, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["district"].choices = [("", "All districts")] + [(d, d) for d in insights.cached_districts(area)]
        if not administrator:
            del self.fields["safeguarding"]

    def clean(self):
        data = super().clean()
        start, end = data.get("received_from"), data.get("received_to")
        if start and end and end < start:
            self.add_error("received_to", "The end date must be the same as or after the start date")
        return data


YES, NO = "yes", "no"


class CommentReviewForm(GovukForm):
    """Confirm or reject each suggested theme, add themes, set the sentiment and link findings."""

    add_themes = forms.MultipleChoiceField(
        label="Add themes", choices=[], required=False, widget=forms.CheckboxSelectMultiple
    )
    sentiment = forms.ChoiceField(label="Sentiment", choices=Sentiment.choices, widget=forms.RadioSelect)
    findings = forms.ModelMultipleChoiceField(
        label="Improvement plan findings this comment is evidence for",
        queryset=Finding.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    def __init__(self, *args, comment: Comment, tags: list[CommentTag], **kwargs) -> None:
        self.comment = comment
        self.tags = {tag.theme: tag for tag in tags}
        super().__init__(*args, **kwargs)
        labels = dict(Theme.choices)
        tag_fields = {}
        for theme, tag in self.tags.items():
            if tag.rejected:
                state, initial = "A person said this theme does not apply.", NO
            elif tag.confirmed:
                state, initial = "Confirmed by a person.", YES
            else:
                state, initial = f"Suggested by the model, {round(100 * (tag.confidence or 0))}% confident.", None
            tag_fields[f"tag_{theme}"] = forms.ChoiceField(
                label=f"Is this comment about \u201c{labels.get(theme, theme)}\u201d?",
                help_text=state,
                choices=[(YES, "Yes, it is about this"), (NO, "No, it is not")],
                widget=forms.RadioSelect,
                required=False,
                initial=initial,
            )
        # The theme questions come first, in the order the page lists the tags.
        self.fields = {**tag_fields, **self.fields}
        self.fields["add_themes"].choices = [(k, v) for k, v in Theme.choices if k not in self.tags]
        if not self.fields["add_themes"].choices:
            del self.fields["add_themes"]
        self.fields["sentiment"].initial = comment.sentiment or None
        self.fields["sentiment"].help_text = (
            "Confirmed by a person." if comment.sentiment_confirmed else "Suggested by the model: saving confirms it."
        )
        self.fields["findings"].queryset = Finding.objects.filter(area=comment.area).order_by(
            "-inspection__start_date", "reference"
        )
        self.fields["findings"].label_from_instance = lambda f: f"{f.reference}: {f.title}"
        if not self.is_bound:
            self.initial["findings"] = list(comment.findings.values_list("pk", flat=True))

    def save(self, user) -> dict[str, int]:
        """Record the review; every changed tag records who confirmed or rejected it, and when."""
        data = self.cleaned_data
        now = timezone.now()
        changes = {"confirmed": 0, "rejected": 0, "added": 0}
        with transaction.atomic():
            for theme, tag in self.tags.items():
                answer = data.get(f"tag_{theme}")
                if answer == YES and (not tag.confirmed or tag.rejected):
                    tag.confirmed, tag.rejected = True, False
                    changes["confirmed"] += 1
                elif answer == NO and not tag.rejected:
                    tag.confirmed, tag.rejected = False, True
                    changes["rejected"] += 1
                else:
                    continue
                tag.confirmed_by, tag.confirmed_at = user, now
                tag._history_user = user
                tag.save(update_fields=["confirmed", "rejected", "confirmed_by", "confirmed_at"])
            for theme in data.get("add_themes") or []:
                tag = CommentTag(
                    comment=self.comment, theme=theme, confirmed=True, confirmed_by=user, confirmed_at=now
                )
                tag._history_user = user
                tag.save()
                changes["added"] += 1
            comment = self.comment
            if comment.sentiment != data["sentiment"] or not comment.sentiment_confirmed:
                comment.sentiment, comment.sentiment_confirmed = data["sentiment"], True
                comment._history_user = user
                comment.save(update_fields=["sentiment", "sentiment_confirmed"])
            comment.findings.set(data["findings"])
        insights.changed(self.comment.area)
        return changes


def _area_organisations(area: LocalArea):
    return Organisation.objects.filter(area=area).order_by("name")


def _area_actions(area: LocalArea):
    return Action.objects.filter(area=area).order_by("reference")


class CoproductionForm(GovukModelForm):
    class Meta:
        model = CoproductionActivity
        fields = ["title", "kind", "held_on", "summary", "organisations", "attendees_count", "actions"]
        widgets = {
            "kind": forms.RadioSelect,
            "held_on": GovukDateInput,
            "organisations": forms.CheckboxSelectMultiple,
            "actions": forms.CheckboxSelectMultiple,
            "attendees_count": forms.NumberInput(attrs={"class": "govuk-input govuk-input--width-4"}),
        }
        labels = {
            "held_on": "Date",
            "summary": "What happened and what was decided",
            "organisations": "Organisations that attended",
            "attendees_count": "Number of people who attended",
            "actions": "Improvement plan actions it relates to",
        }

    def __init__(self, *args, area: LocalArea, **kwargs) -> None:
        self.area = area
        super().__init__(*args, **kwargs)
        self.fields["kind"].choices = CoproductionActivity.Kind.choices
        self.fields["summary"].help_text = ""
        self.fields["organisations"].queryset = _area_organisations(area)
        self.fields["actions"].queryset = _area_actions(area)
        self.fields["actions"].label_from_instance = lambda a: f"{a.reference}: {a.title}"

    def clean_held_on(self):
        held_on = self.cleaned_data["held_on"]
        if held_on and held_on > timezone.localdate():
            raise forms.ValidationError("The date must be today or in the past: log activities once they happen")
        return held_on

    def save(self, commit: bool = True):
        self.instance.area = self.area
        return super().save(commit)


class YouSaidWeDidForm(GovukModelForm):
    class Meta:
        model = YouSaidWeDid
        fields = ["theme", "you_said", "we_did", "actions"]
        widgets = {"actions": forms.CheckboxSelectMultiple}
        labels = {
            "theme": "Theme",
            "you_said": "You said",
            "we_did": "We did",
            "actions": "Improvement plan actions that made the change",
        }

    def __init__(self, *args, area: LocalArea, **kwargs) -> None:
        self.area = area
        super().__init__(*args, **kwargs)
        self.fields["theme"].choices = [("", "No particular theme"), *Theme.choices]
        self.fields["you_said"].help_text = "What families told us, in plain English, as they would say it"
        self.fields["we_did"].help_text = "What changed as a result, and when"
        self.fields["actions"].queryset = _area_actions(area)
        self.fields["actions"].label_from_instance = lambda a: f"{a.reference}: {a.title}"

    def save(self, commit: bool = True):
        self.instance.area = self.area
        return super().save(commit)
