"""Forms for the Local Offer directory. Each rule's message names the field and says what to do."""

from __future__ import annotations

from datetime import date

from django import forms

from sendhub.accounts.models import LocalArea
from sendhub.directory import geo, schedules, taxonomies
from sendhub.directory.models import DirectoryOrganisation, ProblemReport
from sendhub.directory.services import district_for
from sendhub.directory.weblinks import validate_web_url
from sendhub.web.forms import GovukDateInput, GovukForm

DAYS = list(zip(schedules.DAYS, schedules.DAY_NAMES, strict=True))  # ("MO", "Monday"), ...
DAY_NAMES = dict(DAYS)
MILES = [("", "Any distance"), ("1", "1 mile"), ("2", "2 miles"), ("3", "3 miles"), ("5", "5 miles"),
         ("10", "10 miles"), ("20", "20 miles")]
KM_PER_MILE = 1.609344

PROBLEMS = [
    ("closed", "The service has closed or stopped running"),
    ("contact", "The phone number, email or website is wrong"),
    ("times", "The days or times are wrong"),
    ("address", "The address or map location is wrong"),
    ("description", "The description or who it is for is wrong"),
    ("other", "Something else"),
]
PROBLEM_NAMES = dict(PROBLEMS)


def term_choices(key: str, blank: str | None = None) -> list[tuple[str, str]]:
    choices = [(t.code, t.name) for t in taxonomies.terms(key)]
    return [("", blank), *choices] if blank is not None else choices


# Public search ----------------------------------------------------------------------------------------


class SearchForm(GovukForm):
    """The public search. A GET form: every value lives in the query string, so results can be bookmarked."""

    q = forms.CharField(label="Keywords", required=False, max_length=200,
                        help_text="For example, autism support group or swimming")
    type = forms.ChoiceField(label="Type of service", required=False)
    need = forms.ChoiceField(label="Need or disability", required=False)
    age = forms.ChoiceField(label="Age group", required=False)
    day = forms.ChoiceField(label="Day of the week", required=False, choices=[("", "Any day"), *DAYS])
    free = forms.BooleanField(label="Free services only", required=False)
    near = forms.CharField(label="Near", required=False, max_length=100,
                           help_text="A postcode (PR1 2HE), postcode district (PR1) or town (Chorley)")
    miles = forms.ChoiceField(label="Distance", required=False, choices=MILES)
    sort = forms.ChoiceField(label="Sort by", required=False, initial="relevance",
                             choices=[("relevance", "Best match"), ("distance", "Nearest first")],
                             help_text="Best match lists services with all your words first, nearest first among "
                                       "equally good matches")

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["type"].choices = term_choices(taxonomies.SERVICE_TYPE, "Any type")
        self.fields["need"].choices = term_choices(taxonomies.NEED, "Any need")
        self.fields["age"].choices = term_choices(taxonomies.AGE_GROUP, "Any age")
        self.fields["q"].widget.attrs.update({"class": "govuk-input", "type": "search"})
        self.fields["near"].widget.attrs.update({"class": "govuk-input govuk-input--width-20",
                                                 "autocomplete": "postal-code"})
        self.fields["miles"].widget.attrs["class"] = "govuk-select"

    def clean(self):
        data = super().clean()
        if data.get("sort") == "distance" and not (data.get("near") or "").strip():
            self.add_error("near", "Enter a postcode, postcode district or town to sort by distance")
        if data.get("miles") and not (data.get("near") or "").strip():
            self.add_error("near", "Enter a postcode, postcode district or town to search within a distance")
        return data


# Report a problem -------------------------------------------------------------------------------------


class ProblemReportForm(GovukForm):
    """Report a problem with a listing. ``website`` is a honeypot: hidden from people, filled by spam robots."""

    problem = forms.ChoiceField(label="What is wrong?", choices=PROBLEMS, widget=forms.RadioSelect,
                                error_messages={"required": "Select what is wrong with the listing"})
    details = forms.CharField(label="Tell us what is wrong", max_length=2000, widget=forms.Textarea(attrs={"rows": 4}),
                              help_text="Do not include personal or medical information",
                              error_messages={"required": "Enter what is wrong with the listing"})
    email = forms.EmailField(label="Your email address", required=False,
                             help_text="Only if you would like us to tell you when it is fixed",
                             error_messages={"invalid": "Enter an email address in the correct format, "
                                                        "like name@example.com"})
    website = forms.CharField(label="Leave this field empty", required=False)

    def visible_fields(self):
        return [f for f in super().visible_fields() if f.name != "website"]

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["website"].widget.attrs.update({"tabindex": "-1", "autocomplete": "off", "class": ""})
        self.fields["email"].widget.attrs["autocomplete"] = "email"

    @property
    def is_spam(self) -> bool:
        return bool((self.cleaned_data.get("website") or "").strip())


# Staff: listings --------------------------------------------------------------------------------------


class ListingFilterForm(GovukForm):
    q = forms.CharField(label="Name contains", required=False, max_length=100)
    need = forms.ChoiceField(label="Need", required=False)
    district = forms.ChoiceField(label="District", required=False)
    review = forms.ChoiceField(label="Review", required=False, choices=[
        ("", "Any"), ("overdue", "Review date passed"), ("soon", "Review due within 14 days")])

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["need"].choices = term_choices(taxonomies.NEED, "Any need")
        self.fields["district"].choices = term_choices(taxonomies.DISTRICT, "Any district")


TIME_HELP = "Use the 24-hour clock, for example 09:30 or 18:00"


class ListingForm(GovukForm):
    """One listing with its main location, schedule, contact, cost and terms."""

    name = forms.CharField(label="Name of the service", max_length=255,
                           error_messages={"required": "Enter the name of the service"})
    organization = forms.ModelChoiceField(label="Provider", queryset=DirectoryOrganisation.objects.none(),
                                          empty_label="Choose a provider",
                                          error_messages={"required": "Choose the provider"})
    description = forms.CharField(label="What it is", widget=forms.Textarea(attrs={"rows": 5}),
                                  error_messages={"required": "Enter what the service is"})
    eligibility_description = forms.CharField(label="Who it is for", required=False,
                                              widget=forms.Textarea(attrs={"rows": 3}),
                                              help_text="In plain words, for example: families of children "
                                                        "with a diagnosis or waiting for assessment")
    minimum_age = forms.IntegerField(label="Youngest age (years)", required=False, min_value=0, max_value=120)
    maximum_age = forms.IntegerField(label="Oldest age (years)", required=False, min_value=0, max_value=120)
    service_types = forms.MultipleChoiceField(label="Type of service", widget=forms.CheckboxSelectMultiple,
                                              error_messages={"required": "Select at least one type of service"})
    needs = forms.MultipleChoiceField(label="Needs it supports", widget=forms.CheckboxSelectMultiple,
                                      required=False)
    age_groups = forms.MultipleChoiceField(label="Age groups", widget=forms.CheckboxSelectMultiple,
                                           required=False)
    is_free = forms.BooleanField(label="It is free to use", required=False)
    fees_description = forms.CharField(label="Cost", required=False, max_length=255,
                                       help_text="For example, £3 a session, siblings free")
    url = forms.URLField(label="Website", required=False, max_length=500, assume_scheme="https")
    email = forms.EmailField(label="Email address", required=False)
    phone = forms.CharField(label="Phone number", required=False, max_length=40)
    location_name = forms.CharField(label="Venue name", required=False, max_length=255)
    address_1 = forms.CharField(label="Address line 1", max_length=255,
                                error_messages={"required": "Enter the first line of the address"})
    address_2 = forms.CharField(label="Address line 2", required=False, max_length=255)
    city = forms.CharField(label="Town or city", max_length=100,
                           error_messages={"required": "Enter the town or city"})
    postcode = forms.CharField(label="Postcode", max_length=10,
                               error_messages={"required": "Enter the postcode"})
    accessibility = forms.CharField(label="Accessibility of the venue", required=False,
                                    widget=forms.Textarea(attrs={"rows": 2}),
                                    help_text="For example, step-free access, accessible toilet, quiet room")
    days = forms.MultipleChoiceField(label="Days it runs or meets", widget=forms.CheckboxSelectMultiple,
                                     choices=DAYS, required=False)
    frequency = forms.ChoiceField(label="How often", widget=forms.RadioSelect, required=False, initial="WEEKLY",
                                  choices=[("WEEKLY", "Every week"), ("MONTHLY", "Once a month")])
    week_of_month = forms.ChoiceField(label="Which week of the month", required=False, help_text="Monthly only",
                                      choices=[("", "Not monthly"), ("1", "First"), ("2", "Second"),
                                               ("3", "Third"), ("4", "Fourth"), ("-1", "Last")])
    opens_at = forms.TimeField(label="Starts at", required=False, help_text=TIME_HELP,
                               error_messages={"invalid": "Enter a start time like 09:30"})
    closes_at = forms.TimeField(label="Ends at", required=False, help_text=TIME_HELP,
                                error_messages={"invalid": "Enter an end time like 18:00"})
    review_by = forms.DateField(label="Review by", widget=GovukDateInput,
                                help_text="The date by which the listing must be checked again",
                                error_messages={"required": "Enter the date by which the listing must be reviewed",
                                                "invalid": "Enter the review date as a real date"})

    SECTIONS = [
        ("About the service", ["name", "organization", "description", "eligibility_description"]),
        ("Who it is for", ["minimum_age", "maximum_age", "service_types", "needs", "age_groups"]),
        ("Cost and contact", ["is_free", "fees_description", "url", "email", "phone"]),
        ("Where", ["location_name", "address_1", "address_2", "city", "postcode", "accessibility"]),
        ("When", ["days", "frequency", "week_of_month", "opens_at", "closes_at"]),
        ("Keeping it up to date", ["review_by"]),
    ]

    def __init__(self, *args, area: LocalArea, organisations=None, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.area = area
        self.fields["organization"].queryset = (
            organisations if organisations is not None
            else DirectoryOrganisation.objects.filter(area=area)
        ).order_by("name")
        self.fields["service_types"].choices = term_choices(taxonomies.SERVICE_TYPE)
        self.fields["needs"].choices = term_choices(taxonomies.NEED)
        self.fields["age_groups"].choices = term_choices(taxonomies.AGE_GROUP)
        for name in ("minimum_age", "maximum_age"):
            self.fields[name].widget.attrs["class"] = "govuk-input govuk-input--width-3"
        for name in ("opens_at", "closes_at"):
            self.fields[name].widget.attrs["class"] = "govuk-input govuk-input--width-5"
        self.fields["postcode"].widget.attrs.update({"class": "govuk-input govuk-input--width-10",
                                                     "autocomplete": "postal-code"})
        self.resolved = None

    def sections(self):
        return [(title, [self[name] for name in names]) for title, names in self.SECTIONS]

    def clean_url(self) -> str:
        # Django's URLField also allows ftp: the page links the address and our API republishes it.
        url = self.cleaned_data["url"]
        validate_web_url(url)
        return url

    def clean_postcode(self) -> str:
        return " ".join((self.cleaned_data.get("postcode") or "").upper().split())

    def clean(self):
        data = super().clean()
        low, high = data.get("minimum_age"), data.get("maximum_age")
        if low is not None and high is not None and high < low:
            self.add_error("maximum_age", "The oldest age must be the same as or more than the youngest age")
        opens, closes = data.get("opens_at"), data.get("closes_at")
        if opens and closes and closes <= opens:
            self.add_error("closes_at", "The end time must be after the start time")
        if (opens or closes) and not data.get("days"):
            self.add_error("days", "Select the days it runs, or leave the times empty")
        if data.get("frequency") == "MONTHLY" and data.get("days") and not data.get("week_of_month"):
            self.add_error("week_of_month", "Select which week of the month it meets")
        if data.get("is_free") and data.get("fees_description"):
            self.add_error("fees_description", "Leave the cost empty for a free service, or untick free")
        postcode = data.get("postcode")
        if postcode and "postcode" not in self.errors:
            try:
                self.resolved = geo.resolve_place(postcode, area=self.area)
            except geo.PlaceNotFound as exc:
                self.add_error("postcode", place_message(exc))
        return data

    def listing_data(self) -> dict:
        """The cleaned values as plain JSON (what a ListingChange stores and services.save_listing applies)."""
        data = self.cleaned_data
        lat = self.resolved.latitude if self.resolved else None
        lon = self.resolved.longitude if self.resolved else None

        def text(name: str) -> str:
            return (data.get(name) or "").strip()

        def hhmm(value) -> str:
            return value.strftime("%H:%M") if value else ""

        review_by: date | None = data.get("review_by")
        return {
            "name": text("name"),
            "organization": str(data["organization"].pk),
            "description": text("description"),
            "eligibility_description": text("eligibility_description"),
            "minimum_age": data.get("minimum_age"),
            "maximum_age": data.get("maximum_age"),
            "service_types": list(data.get("service_types") or []),
            "needs": list(data.get("needs") or []),
            "age_groups": list(data.get("age_groups") or []),
            "is_free": bool(data.get("is_free")),
            "fees_description": text("fees_description"),
            "url": text("url"),
            "email": text("email"),
            "phone": text("phone"),
            "location_name": text("location_name"),
            "address_1": text("address_1"),
            "address_2": text("address_2"),
            "city": text("city"),
            "postcode": data.get("postcode") or "",
            "latitude": lat,
            "longitude": lon,
            "district": district_for(self.area, lat, lon, data.get("postcode") or ""),
            "accessibility": text("accessibility"),
            "days": [d for d, _ in DAYS if d in (data.get("days") or [])],
            "frequency": (data.get("frequency") or "WEEKLY") if data.get("days") else "",
            "week_of_month": data.get("week_of_month") or "" if data.get("frequency") == "MONTHLY" else "",
            "opens_at": hhmm(data.get("opens_at")),
            "closes_at": hhmm(data.get("closes_at")),
            "review_by": review_by.isoformat() if review_by else "",
        }


def place_message(exc: Exception) -> str:
    """geo.PlaceNotFound's message already names its suggestion (e.g. "... try the first part, PR1")."""
    return getattr(exc, "message", None) or str(exc) or "We could not find that place"


# Staff: approvals, problems, coverage -----------------------------------------------------------------


class RejectForm(GovukForm):
    note = forms.CharField(label="Why are you rejecting this change?", widget=forms.Textarea(attrs={"rows": 3}),
                           help_text="The editor who proposed it will see this note",
                           error_messages={"required": "Enter why you are rejecting the change"})


class ResolveProblemForm(GovukForm):
    status = forms.ChoiceField(choices=[(ProblemReport.Status.RESOLVED, "Resolved"),
                                        (ProblemReport.Status.DISMISSED, "Dismissed")])


COVERAGE_KM = [("5", "5 km"), ("10", "10 km"), ("15", "15 km"), ("20", "20 km"), ("30", "30 km")]


class CoverageForm(GovukForm):
    km = forms.TypedChoiceField(label="Distance from the district centre", choices=COVERAGE_KM, coerce=int,
                                required=False, initial="10")
