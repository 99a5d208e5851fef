"""Reading SEND Hub's pages and making realistic input for the load scenario.

Kept apart from ``locustfile.py`` because importing locust monkey-patches the whole process with gevent: the test
suite imports this module, never the locustfile (which it only runs in a subprocess).
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from html.parser import HTMLParser
from urllib.parse import urlsplit

ALLOWED_HOSTS = frozenset({"127.0.0.1", "localhost", "::1"})

# What families type: plain words, SEND shorthand, misspellings, and nothing at all (browsing by filter).
KEYWORDS = [
    "", "", "", "autism", "autism support group", "asd parents", "austism", "adhd", "ADHD coffee morning",
    "speech therapy", "speech and language", "dyslexia", "dislexia", "swimming", "sensory play", "short breaks",
    "respite", "holiday club", "travel training", "down syndrome", "mental health", "send advice",
    "ehcp help", "preparing for adulthood", "youth club", "wheelchair", "social group", "homework club",
]
# Full postcodes (found through their district when the full postcode file is not loaded), districts and towns.
PLACES = ["", "", "PR1", "PR1 2HE", "BB11", "LA1", "FY8", "PR25", "L39", "Chorley", "Lancaster", "Burnley",
          "Skelmersdale", "Preston", "Morecambe", "Fleetwood", "Clitheroe"]
TYPES = ["", "", "", "support-group", "information-advice", "health-service", "short-breaks", "leisure",
         "education", "therapy", "training"]
NEEDS = ["", "", "", "autism", "adhd", "slcn", "semh", "learning-disability", "physical", "sensory"]
AGES = ["", "", "", "0-4", "5-10", "11-15", "16-19", "parents-carers"]
DAYS = ["", "", "", "", "SA", "MO", "WE"]
MILES = ["1", "3", "5", "10", "20"]

FEEDBACK = [
    "We waited months for the EHC plan and nobody rang us back.",
    "The SENCO at our school has been brilliant this year, our son is much happier.",
    "The autism assessment waiting list is far too long and there is no help meanwhile.",
    "The new Local Offer pages helped me find a Saturday club for my daughter.",
    "Transport to school changed drivers every week and it upset him a lot.",
    "Thank you to the caseworker who explained the annual review so clearly.",
]
UPDATES = [
    "Caseload reviewed with the team this week; two cases escalated to the panel.",
    "Training session delivered to 24 staff; feedback forms collected.",
    "Data for last month checked and shared with the Improvement Board.",
    "Met the Parent Carer Forum to agree the next steps and the communication plan.",
]
HONEYPOT = "website"  # hidden from people; a filled one marks a robot (sendhub.voice.forms_public)


def check_host(url: str) -> str:
    """The host of ``url`` if it is this machine; otherwise ValueError (the load goes nowhere else)."""
    host = urlsplit(url or "").hostname
    if host not in ALLOWED_HOSTS:
        raise ValueError(f"Refusing to load-test {url!r}: only http://127.0.0.1 or http://localhost")
    return host


@dataclass
class Form:
    """One POST form: where it posts, its hidden values and the choices a person can make."""

    action: str
    hidden: dict[str, str] = field(default_factory=dict)
    radios: dict[str, list[str]] = field(default_factory=dict)
    checked: dict[str, str] = field(default_factory=dict)
    checkboxes: dict[str, list[str]] = field(default_factory=dict)
    selects: dict[str, list[str]] = field(default_factory=dict)
    textareas: dict[str, str] = field(default_factory=dict)


class _FormParser(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.forms: list[Form] = []
        self._form: Form | None = None
        self._select: str | None = None
        self._textarea: str | None = None

    def handle_starttag(self, tag, attrs):
        a = {k: v or "" for k, v in attrs}
        if tag == "form" and a.get("method", "").lower() == "post":
            self._form = Form(action=a.get("action", ""))
            self.forms.append(self._form)
            return
        form, name = self._form, a.get("name", "")
        if form is None or not name and tag != "option":
            return
        if tag == "input":
            kind = a.get("type", "text").lower()
            if kind == "hidden":
                form.hidden[name] = a.get("value", "")
            elif kind == "radio":
                form.radios.setdefault(name, []).append(a.get("value", ""))
                if "checked" in a:
                    form.checked[name] = a.get("value", "")
            elif kind == "checkbox":
                form.checkboxes.setdefault(name, []).append(a.get("value", "on"))
        elif tag == "select":
            self._select = name
            form.selects[name] = []
        elif tag == "option" and self._select and a.get("value"):
            form.selects[self._select].append(a["value"])
        elif tag == "textarea":
            self._textarea = name
            form.textareas[name] = ""

    def handle_data(self, data):
        if self._form is not None and self._textarea:
            self._form.textareas[self._textarea] += data

    def handle_endtag(self, tag):
        if tag == "select":
            self._select = None
        elif tag == "textarea":
            self._textarea = None
        elif tag == "form":
            self._form = None


def find_form(html: str, action: str = "") -> Form | None:
    """The first POST form whose action contains ``action`` (the page's header has a sign-out form too)."""
    parser = _FormParser()
    parser.feed(html)
    return next((f for f in parser.forms if action in f.action and "sign-out" not in f.action), None)


def search_query(rng: random.Random) -> dict[str, str]:
    """A family's Local Offer search: keywords and/or filters, often near a postcode, district or town."""
    params = {"q": rng.choice(KEYWORDS), "type": rng.choice(TYPES), "need": rng.choice(NEEDS),
              "age": rng.choice(AGES), "day": rng.choice(DAYS), "near": rng.choice(PLACES)}
    if rng.random() < 0.15:
        params["free"] = "on"
    if params["near"]:
        if rng.random() < 0.6:
            params["miles"] = rng.choice(MILES)
        if rng.random() < 0.5:
            params["sort"] = "distance"
    if rng.random() < 0.1:
        params["page"] = "2"
    return {k: v for k, v in params.items() if v}


def search_name(query: dict[str, str]) -> str:
    """The endpoint name a search is reported under (one per kind of search, not per query)."""
    if "near" in query:
        return "search: near a place" + (" + keywords" if "q" in query else "")
    if "q" in query:
        return "search: keywords" + (" + filters" if len(query) > 1 else "")
    return "search: filters only" if query else "search: start page"


def feedback_answers(form: Form, rng: random.Random) -> dict[str, object]:
    """What a parent sends with "Tell us about your experience" (no contact details, the honeypot left empty)."""
    data: dict[str, object] = {
        **form.hidden,
        "text": rng.choice(FEEDBACK),
        "respondent": "parent_carer",
        "rating": str(rng.randint(1, 5)),
        "parts": rng.sample(["ehc", "school", "health", "social_care", "local_offer"], rng.randint(1, 2)),
    }
    if form.selects.get("district"):
        data["district"] = rng.choice(form.selects["district"])
    data.pop(HONEYPOT, None)
    return data


def survey_answers(form: Form, rng: random.Random) -> dict[str, object]:
    """Answers to every question of a survey form (its fields are q<pk>), a few optional ones left out."""
    data: dict[str, object] = dict(form.hidden)
    for name, values in form.radios.items():
        if name.startswith("q") or rng.random() < 0.9:
            data[name] = rng.choice(values)
    for name, values in form.checkboxes.items():
        data[name] = rng.sample(values, rng.randint(1, min(2, len(values))))
    for name, values in form.selects.items():
        data[name] = rng.choice(values)
    for name in form.textareas:
        if rng.random() < 0.3:
            data[name] = rng.choice(FEEDBACK)
    data.pop(HONEYPOT, None)
    return data


def update_answers(form: Form, rng: random.Random) -> dict[str, object]:
    """A progress update that keeps the action's status and RAG (and so needs no new reason)."""
    return {
        **form.hidden,
        "status": form.checked.get("status") or "in_progress",
        "rag": form.checked.get("rag") or "on_track",
        "rag_reason": form.textareas.get("rag_reason", "").strip() or "Reviewed at the weekly check-in.",
        "commentary": rng.choice(UPDATES),
    }
