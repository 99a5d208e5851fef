"""Staff forms for the public progress page. Every error names the field and says how to fix it."""

from __future__ import annotations

from django import forms

from sendhub.accounts.models import LocalArea
from sendhub.outcomes.measures import MEASURES
from sendhub.progress.models import (
    EXPLANATION_MAX,
    PLAIN_SUMMARY_MAX,
    PLAIN_TITLE_MAX,
    ProgressPage,
    PublishedFinding,
    PublishedMeasure,
)
from sendhub.web.forms import GovukModelForm

_POSITION_ERRORS = {
    "invalid": "Enter the order as a whole number, like 1 or 2",
    "min_value": "Enter the order as 0 or more",
}


def _optional_position(form: forms.ModelForm) -> None:
    """Most pages keep the default order, so the box may be left empty (it then means 0)."""
    field = form.fields["position"]
    field.required = False
    field.error_messages.update(_POSITION_ERRORS)
    field.widget.attrs["class"] = "govuk-input govuk-input--width-3"


class ProgressPageForm(GovukModelForm):
    # Declared so that a web address typed without a scheme is taken as https (and Django's warning about its
    # changing default is settled).
    contact_url = forms.URLField(
        label="Contact link",
        required=False,
        max_length=500,
        assume_scheme="https",
        help_text="A web page where families can contact you, like https://www.example.org/contact",
        error_messages={"invalid": "Enter a web address in the right format, like https://www.example.org"},
    )

    class Meta:
        model = ProgressPage
        fields = ["introduction", "how_to_get_involved", "contact_email", "contact_url", "is_published"]
        widgets = {
            "introduction": forms.Textarea(attrs={"rows": 5}),
            "how_to_get_involved": forms.Textarea(attrs={"rows": 5}),
        }
        help_texts = {
            "contact_email": "Where families can write to the partnership about this page",
            "is_published": "Anyone can then read the page without signing in",
        }
        error_messages = {
            "introduction": {"required": "Write an introduction that says what this page is for"},
            "how_to_get_involved": {"required": "Say how families and young people can get involved"},
            "contact_email": {"invalid": "Enter an email address in the right format, like name@example.org"},
        }

    def clean(self):
        cleaned = super().clean()
        has_contact = cleaned.get("contact_email") or cleaned.get("contact_url")
        contact_errors = self.has_error("contact_email") or self.has_error("contact_url")
        if cleaned.get("is_published") and not has_contact and not contact_errors:
            self.add_error("contact_email", "Give an email address or a contact link before you publish the page")
        return cleaned


class FindingWordsForm(GovukModelForm):
    class Meta:
        model = PublishedFinding
        fields = ["plain_title", "plain_summary", "what_we_have_done", "is_published", "position"]
        widgets = {
            "plain_summary": forms.Textarea(attrs={"rows": 6}),
            "what_we_have_done": forms.Textarea(attrs={"rows": 4}),
        }
        help_texts = {
            "plain_title": "A short title a 10-year-old would understand, like \u201cMaking EHC plans on time\u201d",
        }
        error_messages = {
            "plain_title": {
                "required": "Write a title in plain words",
                "max_length": f"The title must be {PLAIN_TITLE_MAX} characters or fewer",
            },
            "plain_summary": {"required": "Say what this finding means, in plain words"},
        }

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        _optional_position(self)

    def clean_plain_summary(self) -> str:
        text = self.cleaned_data["plain_summary"]
        if len(text) > PLAIN_SUMMARY_MAX:
            raise forms.ValidationError(
                f"Keep \u201cwhat this means\u201d to {PLAIN_SUMMARY_MAX:,} characters or fewer "
                f"(it has {len(text):,})"
            )
        return text

    def clean_position(self) -> int:
        return self.cleaned_data.get("position") or 0


def measure_choices() -> list[tuple[str, str]]:
    """Every registry measure by title; those DfE publishes say so, since only they show England's figure."""
    choices = [
        (m.name, f"{m.title} (with England\u2019s figure)" if m.dfe_column else m.title) for m in MEASURES.values()
    ]
    return [("", "Choose a measure"), *sorted(choices, key=lambda c: c[1].casefold())]


class PublishedMeasureForm(GovukModelForm):
    measure = forms.ChoiceField(
        label="Measure",
        error_messages={
            "required": "Choose the measure to show",
            "invalid_choice": "Choose a measure from the list",
        },
    )

    class Meta:
        model = PublishedMeasure
        fields = ["measure", "plain_explanation", "is_published", "position"]
        error_messages = {
            "plain_explanation": {
                "required": "Write one line that says what the number means",
                "max_length": f"Keep the explanation to {EXPLANATION_MAX} characters or fewer",
            },
        }

    def __init__(self, *args, area: LocalArea, **kwargs) -> None:
        self.area = area
        super().__init__(*args, **kwargs)
        self.fields["measure"].choices = measure_choices()
        _optional_position(self)

    def clean_measure(self) -> str:
        name = self.cleaned_data["measure"]
        taken = PublishedMeasure.objects.filter(area=self.area, measure=name).exclude(pk=self.instance.pk)
        if taken.exists():
            raise forms.ValidationError("This measure is already on the page: edit it there instead")
        return name

    def clean_position(self) -> int:
        return self.cleaned_data.get("position") or 0
