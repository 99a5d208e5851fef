from __future__ import annotations

from django import forms

from sendhub.forecasting.capacity import FIRST_YEAR, LAST_YEAR, MAX_PLACES
from sendhub.forecasting.models import PlacementGroup
from sendhub.forecasting.scenarios import ScenarioInputs
from sendhub.web.forms import GovukForm

MAX_RESOURCED_PCT = 100
MAX_INDEPENDENT_PER_YEAR = 1000


class ScenarioForm(GovukForm):
    """The scenario chosen on the sufficiency page (a GET form: the address can be shared)."""

    resourced_pct = forms.IntegerField(
        label="Percentage of new plans that would need a special school, met in resourced provision instead",
        help_text=f"A whole number from 0 to {MAX_RESOURCED_PCT}, for example 10",
        required=False,
        min_value=0,
        max_value=MAX_RESOURCED_PCT,
        error_messages={
            "invalid": "Enter the percentage as a whole number, for example 10",
            "min_value": "The percentage must be 0 or more",
            "max_value": f"The percentage must be {MAX_RESOURCED_PCT} or less",
        },
    )
    independent_per_year = forms.IntegerField(
        label="Fewer independent special school placements each year",
        help_text=f"A whole number of children from 0 to {MAX_INDEPENDENT_PER_YEAR}, for example 25",
        required=False,
        min_value=0,
        max_value=MAX_INDEPENDENT_PER_YEAR,
        error_messages={
            "invalid": "Enter the number of children as a whole number, for example 25",
            "min_value": "The number of children must be 0 or more",
            "max_value": f"The number of children must be {MAX_INDEPENDENT_PER_YEAR} or less",
        },
    )
    timeliness = forms.BooleanField(
        label="20-week timeliness reaches England's",
        required=False,
    )

    def inputs(self) -> ScenarioInputs:
        """The chosen scenario; the baseline when the form has errors."""
        if not self.is_valid():
            return ScenarioInputs()
        data = self.cleaned_data
        return ScenarioInputs(
            resourced_pct=float(data.get("resourced_pct") or 0),
            independent_per_year=int(data.get("independent_per_year") or 0),
            timeliness_to_england=bool(data.get("timeliness")),
        )


class CapacityForm(GovukForm):
    year = forms.IntegerField(
        label="January the places are for",
        help_text="For example 2026 for the academic year 2025 to 2026",
        min_value=FIRST_YEAR,
        max_value=LAST_YEAR,
        error_messages={
            "required": "Enter the January the places are for, for example 2026",
            "invalid": "Enter the year as four digits, for example 2026",
            "min_value": f"The year must be {FIRST_YEAR} or later",
            "max_value": f"The year must be {LAST_YEAR} or earlier",
        },
    )
    group = forms.ChoiceField(
        label="Type of provision",
        choices=PlacementGroup.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Choose the type of provision"},
    )
    places = forms.IntegerField(
        label="Places",
        min_value=0,
        max_value=MAX_PLACES,
        error_messages={
            "required": "Enter the number of places",
            "invalid": "Enter the number of places as a whole number, for example 120",
            "min_value": "The number of places must be 0 or more",
            "max_value": f"The number of places must be {MAX_PLACES:,} or fewer",
        },
    )
    note = forms.CharField(
        label="Note (optional)",
        required=False,
        max_length=300,
        help_text="For example which schools the places are in, or a planned expansion",
        error_messages={"max_length": "The note must be 300 characters or fewer"},
    )
