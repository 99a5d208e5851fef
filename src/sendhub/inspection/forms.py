"""Forms for inspection readiness: parse and check input; the services do the writes."""

from __future__ import annotations

from django import forms

from sendhub.accounts.models import LocalArea
from sendhub.inspection.models import EvidenceLink, Grade, RequiredPlan
from sendhub.web.forms import GovukDateInput, GovukForm

GRADE_CHOICES = [("", "Not yet judged"), *Grade.choices]


class PlanForm(GovukForm):
    status = forms.ChoiceField(choices=RequiredPlan.Status.choices, widget=forms.RadioSelect)
    due_date = forms.DateField(
        label="Due date", required=False, widget=GovukDateInput,
        help_text="Worked out from the report's publication date; change it if the inspectorate or DfE set another",
    )
    submitted_on = forms.DateField(label="Date submitted", required=False, widget=GovukDateInput)
    note = forms.CharField(label="Note", required=False, widget=forms.Textarea(attrs={"rows": 3}))


class ActivityForm(GovukForm):
    scheduled_for = forms.DateField(
        label="Date notified or agreed", required=False, widget=GovukDateInput,
        help_text="Leave empty until the inspectorate notifies the partnership",
    )
    note = forms.CharField(label="Note", required=False, widget=forms.Textarea(attrs={"rows": 3}))


class SelfEvaluationForm(GovukForm):
    title = forms.CharField(max_length=200, error_messages={"required": "Enter a title"})
    prepared_on = forms.DateField(
        label="Date prepared", widget=GovukDateInput, error_messages={"required": "Enter the date prepared"}
    )


class EntryForm(GovukForm):
    grade = forms.ChoiceField(
        label="The partnership's judgement", choices=GRADE_CHOICES, required=False, widget=forms.RadioSelect,
        help_text="Which inspection outcome the evidence for this criterion points to",
    )
    reasoning = forms.CharField(label="Reasoning", required=False, widget=forms.Textarea(attrs={"rows": 5}))
    gaps = forms.CharField(
        label="Gaps and what we are doing about them", required=False, widget=forms.Textarea(attrs={"rows": 4})
    )
    review_date = forms.DateField(label="Review date", required=False, widget=GovukDateInput)


class PartnerViewForm(GovukForm):
    grade = forms.ChoiceField(
        label="Your judgement", widget=forms.RadioSelect, required=False,
        choices=[("", "No separate view (remove it)"), *Grade.choices],
    )
    reasoning = forms.CharField(label="Why", required=False, widget=forms.Textarea(attrs={"rows": 4}))


def evidence_choices(area: LocalArea) -> list[tuple[str, list[tuple[str, str]]]]:
    """Every piece of evidence in the area that can be linked, grouped by kind, as "kind:value" choices."""
    from sendhub.governance.models import Decision
    from sendhub.improvement.models import Action, Evidence
    from sendhub.inspection.models import AuditRound
    from sendhub.outcomes.measures import MEASURES
    from sendhub.outcomes.models import ManualMeasure
    from sendhub.voice.models import CoproductionActivity, Theme

    k = EvidenceLink.Kind
    groups = [
        (k.MEASURE, [(f"measure:{m.name}", m.title) for m in MEASURES.values()]),
        (k.MANUAL_MEASURE, [(f"manual_measure:{m.pk}", m.name) for m in ManualMeasure.objects.filter(area=area)]),
        (k.ACTION, [(f"action:{a.pk}", str(a)) for a in Action.objects.filter(area=area)]),
        (k.EVIDENCE, [(f"evidence:{e.pk}", f"{e.action.reference}: {e.title}")
                      for e in Evidence.objects.filter(action__area=area).select_related("action")]),
        (k.VOICE_THEME, [(f"voice_theme:{value}", label) for value, label in Theme.choices]),
        (k.COPRODUCTION, [(f"coproduction:{c.pk}", f"{c.title} ({c.held_on:%-d %b %Y})")
                          for c in CoproductionActivity.objects.filter(area=area)]),
        (k.DECISION, [(f"decision:{d.pk}", f"{d.decided_on:%-d %b %Y}: {d}")
                      for d in Decision.objects.filter(meeting__board__area=area).order_by("-decided_on")]),
        (k.AUDIT_ROUND, [(f"audit_round:{r.pk}", r.title) for r in AuditRound.objects.filter(area=area)]),
    ]
    return [(kind.label, options) for kind, options in groups if options]


class EvidenceLinkForm(GovukForm):
    evidence = forms.ChoiceField(label="Evidence", error_messages={"required": "Select the evidence to link"})
    note = forms.CharField(label="What it shows", max_length=300, required=False)

    def __init__(self, *args, area: LocalArea, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.area = area
        self.fields["evidence"].choices = [("", "Select the evidence"), *evidence_choices(area)]

    def clean_evidence(self):
        """(kind, target): a model object of this area, or a measure name or theme."""
        from django.apps import apps

        kind, _, value = self.cleaned_data["evidence"].partition(":")
        if kind in (EvidenceLink.Kind.MEASURE, EvidenceLink.Kind.VOICE_THEME):
            return kind, value
        model = EvidenceLink._meta.get_field(EvidenceLink.TARGETS[kind]).related_model
        model = apps.get_model(model) if isinstance(model, str) else model
        try:
            return kind, model.objects.get(pk=int(value))
        except (ValueError, model.DoesNotExist):
            raise forms.ValidationError("Select the evidence to link") from None
