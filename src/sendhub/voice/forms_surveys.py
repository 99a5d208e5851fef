"""Staff forms for building and running surveys."""

from __future__ import annotations

from django import forms

from sendhub.accounts.models import LocalArea
from sendhub.voice.models import Question, Survey, Wave
from sendhub.voice.surveys import next_position, question_has_answers, template_choices, unique_slug
from sendhub.web.forms import GovukForm, GovukModelForm

_TEXT_HINTS = {
    "welcome_text": "Shown at the top of the survey: who it is for, what it is about and how long it takes",
    "privacy_text": (
        "What you keep, that personal details are removed from free text, who sees the answers and how long you "
        "keep them"
    ),
}


class SurveyCreateForm(GovukForm):
    title = forms.CharField(label="Title", max_length=200, error_messages={"required": "Enter a title"})
    template = forms.ChoiceField(
        label="Start from",
        widget=forms.RadioSelect,
        error_messages={"required": "Select a template, or start with no questions"},
    )
    welcome_text = forms.CharField(
        label="Welcome text",
        widget=forms.Textarea(attrs={"rows": 3}),
        required=False,
        help_text=_TEXT_HINTS["welcome_text"] + ". Leave empty to use the template's.",
    )
    privacy_text = forms.CharField(
        label="Privacy notice",
        widget=forms.Textarea(attrs={"rows": 4}),
        required=False,
        help_text=_TEXT_HINTS["privacy_text"] + ". Leave empty to use the template's.",
    )

    def __init__(self, *args, area: LocalArea, **kwargs) -> None:
        self.area = area
        super().__init__(*args, **kwargs)
        self.fields["template"].choices = [("blank", "No questions: I will add my own"), *template_choices(area)]
        self.fields["template"].initial = "blank"


class SurveyEditForm(GovukModelForm):
    class Meta:
        model = Survey
        fields = ["title", "welcome_text", "privacy_text", "is_template"]
        labels = {
            "privacy_text": "Privacy notice",
            "is_template": "Others in this area can start surveys from this one",
        }
        help_texts = {**_TEXT_HINTS, "is_template": "A template cannot be opened for answers itself"}
        widgets = {"welcome_text": forms.Textarea(attrs={"rows": 3}), "privacy_text": forms.Textarea(attrs={"rows": 4})}

    def clean_is_template(self):
        value = self.cleaned_data["is_template"]
        if value and self.instance.pk and self.instance.waves.filter(status=Survey.Status.OPEN).exists():
            raise forms.ValidationError("Close the open wave before you make this survey a template")
        return value

    def save(self, commit: bool = True) -> Survey:
        survey = super().save(commit=False)
        if "title" in self.changed_data and not survey.waves.exists():
            survey.slug = unique_slug(survey.area, survey.title, exclude=survey.pk)  # keep published links working
        if commit:
            survey.save()
        return survey


class QuestionForm(GovukModelForm):
    choices_text = forms.CharField(
        label="Options",
        required=False,
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text="For choose-one and choose-any questions: one option on each line, at least 2",
    )

    class Meta:
        model = Question
        fields = ["text", "hint", "kind", "required", "is_trust_question"]
        labels = {
            "text": "Question",
            "hint": "Hint",
            "kind": "Type of answer",
            "required": "People must answer this question",
            "is_trust_question": "Count this question towards the trust index",
        }
        help_texts = {
            "hint": "Optional help shown under the question",
            "is_trust_question": "Only for agree-or-disagree questions, like \u201cI feel listened to\u201d",
        }
        widgets = {"kind": forms.RadioSelect}

    def __init__(self, *args, survey: Survey, **kwargs) -> None:
        self.survey = survey
        super().__init__(*args, **kwargs)
        self.fields["kind"].choices = Question.Kind.choices
        self.fields["text"].error_messages["required"] = "Enter the question"
        self.fields["kind"].error_messages["required"] = "Select the type of answer"
        if self.instance.pk:
            self.initial["choices_text"] = "\n".join(self.instance.choices)
        else:
            self.initial.setdefault("required", True)
        self.order_fields(["text", "hint", "kind", "choices_text", "required", "is_trust_question"])

    def clean(self):
        data = super().clean()
        kind = data.get("kind")
        options = [line.strip() for line in (data.get("choices_text") or "").splitlines() if line.strip()]
        if kind in (Question.Kind.SINGLE, Question.Kind.MULTIPLE):
            if len(options) < 2:
                self.add_error("choices_text", "Enter at least 2 options, one on each line")
            elif len(set(options)) != len(options):
                self.add_error("choices_text", "Enter each option only once")
            elif any(len(o) > 200 for o in options):
                self.add_error("choices_text", "Each option must be 200 characters or fewer")
        else:
            options = []
        data["choices"] = options
        if data.get("is_trust_question") and kind and kind != Question.Kind.LIKERT:
            self.add_error("is_trust_question", "Only agree-or-disagree questions can count towards the trust index")
        if self.instance.pk and kind and question_has_answers(self.instance):
            if kind != self.instance.kind:
                self.add_error("kind", "People have answered this question, so its type of answer cannot change")
            elif options and set(self.instance.choices) - set(options):
                self.add_error(
                    "choices_text", "People have chosen these options: you can add options but not remove them"
                )
        return data

    def save(self, commit: bool = True) -> Question:
        question = super().save(commit=False)
        question.survey = self.survey
        question.choices = self.cleaned_data["choices"]
        if not question.pk:
            question.position = next_position(self.survey)
        if commit:
            question.save()
        return question


class WaveForm(GovukModelForm):
    class Meta:
        model = Wave
        fields = ["name"]
        labels = {"name": "Name of the wave"}
        help_texts = {"name": "For example \u201cSpring 2026\u201d"}

    def __init__(self, *args, survey: Survey, **kwargs) -> None:
        self.survey = survey
        super().__init__(*args, **kwargs)
        self.fields["name"].error_messages["required"] = "Enter a name for the wave"

    def clean_name(self):
        name = self.cleaned_data["name"].strip()
        if self.survey.waves.filter(name__iexact=name).exclude(pk=self.instance.pk).exists():
            raise forms.ValidationError("This survey already has a wave with that name")
        return name
