"""Every form, posted with hostile values by someone allowed to post it: a clear message or a success.

The forms are discovered, not listed: every URL of the URL configuration whose permission rule
(tests/test_permissions.py) accepts POST is a case, posted by an actor the rule allows, with the URL's
arguments built by the permission matrix's world. The fields come from the form as the page renders it (the
form that posts to the URL, on the URL's own page or, for a POST-only URL such as "publish", on the page that
shows its button), so a new field or a new form is fuzzed without a change here.

Each example starts from plausible values for every field and breaks some of them (hostile text, 100,000
characters, NULs, RTL overrides, 30 February, numbers past 64 bits, wrong choices, another area's ids,
several values for one field, missing fields, files of the wrong type or empty), or breaks them all. The
answer must be:

- a redirect (it worked), or
- 200 with a GOV.UK error summary naming what is wrong, and nothing stored: no table's rows changed and no
  file written, or
- another 4xx page (e.g. a stale version), with nothing stored either;

never a server error. Each example runs in a savepoint that is rolled back, so examples do not see each
other's successes. GET forms (filters and searches) are fuzzed the same way through their query strings.
"""

from __future__ import annotations

import inspect
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date, timedelta
from urllib.parse import urlencode, urlsplit

import pytest
from bs4 import BeautifulSoup
from django.core.cache import cache
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.test import Client
from django.urls import reverse
from hypothesis import given
from hypothesis import strategies as st

from tests import test_permissions as tp
from tests.fuzz import hostile
from tests.fuzz.conftest import STATS, db_fingerprint, fingerprint_changes, fuzz_settings, media_files
from tests.outcomes.test_sen2_parser import person_xml, sen2_xml

pytestmark = pytest.mark.django_db

REDIRECTS = frozenset({301, 302, 303, 307, 308})
# Who posts: a visitor for public forms (they face the internet), otherwise the most ordinary permitted role.
ACTOR_PREFERENCE = (tp.ANONYMOUS, tp.ADMINISTRATOR, tp.EDITOR, tp.FORUM_MEMBER, tp.SUPERUSER)
POST_EXAMPLES = 10
GET_EXAMPLES = 3
# How many pages of the app to search for the button of a POST-only URL before reading the view's source.
HOST_PAGES = 4


# Forms as rendered ------------------------------------------------------------------------------------------


@dataclass
class Field:
    name: str
    kind: str  # text, textarea, email, url, number, date, time, password, hidden, checkbox, radio, select, file
    options: list[str] = field(default_factory=list)
    value: str = ""
    multiple: bool = False
    maxlength: int | None = None
    minimum: str | None = None
    maximum: str | None = None
    accept: str = ""
    position: int = 0  # among the form's fields of the same kind: dates and times are given in this order
    required: bool = False  # from the form class, where the page does not say (a group of checkboxes)


@dataclass
class Form:
    page: str  # where the form was found
    method: str
    fields: list[Field]

    @property
    def multipart(self) -> bool:
        return any(f.kind == "file" for f in self.fields)


def _int(text: str | None) -> int | None:
    return int(text) if text and text.isdigit() else None


def parse_form(element) -> list[Field]:
    fields: dict[str, Field] = {}
    for tag in element.find_all(["input", "select", "textarea"]):
        name = tag.get("name")
        if not name or name == "csrfmiddlewaretoken" or tag.has_attr("disabled"):
            continue
        if tag.name == "select":
            options = [o.get("value", o.get_text()) for o in tag.find_all("option")]
            fields[name] = Field(name, "select", options, multiple=tag.has_attr("multiple"))
            continue
        if tag.name == "textarea":
            fields[name] = Field(name, "textarea", value=tag.get_text(), maxlength=_int(tag.get("maxlength")))
            continue
        kind = (tag.get("type") or "text").lower()
        if kind in ("submit", "button", "reset", "image"):
            # A named button is a value the view may read (e.g. decision=approve).
            if tag.get("value") is not None:
                fields.setdefault(name, Field(name, "radio")).options.append(tag["value"])
            continue
        if kind in ("radio", "checkbox"):
            existing = fields.setdefault(name, Field(name, kind, multiple=kind == "checkbox"))
            existing.options.append(tag.get("value", "on"))
            continue
        fields[name] = Field(
            name,
            kind,
            value=tag.get("value", ""),
            maxlength=_int(tag.get("maxlength")),
            minimum=tag.get("min"),
            maximum=tag.get("max"),
            accept=tag.get("accept", ""),
        )
    return list(fields.values())


def forms_on(html: str, page: str) -> Iterator[tuple[str, str, list[Field]]]:
    """(action path, method, fields) for each form of a page."""
    soup = BeautifulSoup(html, "html.parser")
    for element in soup.find_all("form"):
        action = urlsplit(element.get("action") or page).path or page
        yield action, (element.get("method") or "get").lower(), parse_form(element)


# Plausible values: what a careful person would type --------------------------------------------------------

PLAUSIBLE_DATES = ("2025-01-15", "2025-03-31", "2025-06-30", "2024-09-01")
PLAUSIBLE_FROM = date(2025, 9, 1)


def _plausible_file(accept: str) -> tuple[str, bytes, str]:
    if ".xml" in accept:
        return "sen2.xml", sen2_xml(person_xml()), "application/xml"
    if ".csv" in accept:
        return "values.csv", b"period_end,value,note\n2025-01-31,12.5,First\n2025-02-28,11,\n", "text/csv"
    return "minutes.pdf", hostile.PDF, "application/pdf"


def plausible(f: Field) -> st.SearchStrategy:
    """A strategy for a value the form should accept (a list of values, or a file tuple for file fields)."""
    if f.kind == "hidden":
        return st.just([f.value])
    if f.kind in ("radio", "select"):
        options = [o for o in f.options if o] or f.options or [""]
        if f.multiple:
            return st.lists(st.sampled_from(options), max_size=2, unique=True)
        return st.sampled_from(options).map(lambda o: [o])
    if f.kind == "checkbox":
        return st.lists(st.sampled_from(f.options), min_size=int(f.required), max_size=2, unique=True)
    if f.kind == "file":
        return st.just(_plausible_file(f.accept))
    if f.kind == "email":
        return st.sampled_from(["fuzz@example.org", "a+b@example.co.uk"]).map(lambda v: [v])
    if f.kind == "url":
        return st.sampled_from(["https://example.org/x", "example.org", "http://127.0.0.1/"]).map(lambda v: [v])
    if f.kind == "number":
        low = (_int(f.minimum) or 1) + f.position  # a minimum before its maximum
        return st.just([str(low)])
    if f.kind == "date":
        # In the order the form asks for them, as forms want (start before end, period before "as at"), and after
        # the world's own dates (an action's start, a meeting), yet in the past.
        in_order = (PLAUSIBLE_FROM + timedelta(days=30 * f.position)).isoformat()
        return st.sampled_from([in_order] * 8 + list(PLAUSIBLE_DATES)).map(lambda v: [v])
    if f.kind == "slug":
        return st.sampled_from(["fuzz-key", "wait_weeks", "a1"]).map(lambda v: [v])
    if f.kind == "time":
        return st.just([f"{9 + 3 * f.position:02d}:30"])
    if "postcode" in f.name:
        return st.sampled_from(["PR1 2HE", "pr1 2he", "PR1"]).map(lambda v: [v])
    if f.kind == "password":
        return st.just(["correct horse battery staple 42"])
    text = hostile.plausible_text()
    if f.maxlength:
        text = text.map(lambda s, n=f.maxlength: s[:n] or "x")
    return text.map(lambda v: [v])


# Hostile values ------------------------------------------------------------------------------------------------

RAW_BYTES = (b"\xff\xfe\xfd", b"caf\xe9", b"\xc3(", b"\xed\xa0\x80", b"\xf4\x90\x80\x80", b"%00", b"\x00")


def hostile_value(f: Field, foreign_ids: list[str]) -> st.SearchStrategy:
    """A strategy for what a robot or a confused person might send instead; ``None`` means "leave it out"."""
    if f.kind == "file":
        return st.one_of(hostile.hostile_file(), st.just(None), hostile.hostile_text(long=False).map(lambda v: [v]))
    by_kind = {
        "number": hostile.hostile_number(),
        "date": hostile.hostile_date(),
        "time": hostile.hostile_time(),
    }
    scalar = st.one_of(by_kind.get(f.kind, hostile.hostile_text()), hostile.hostile_scalar())
    options = [st.just(None), scalar.map(lambda v: [v]), st.lists(scalar, min_size=2, max_size=4)]
    options.append(st.sampled_from(RAW_BYTES).map(lambda v: [v]))
    if f.options or f.kind in ("select", "radio", "checkbox", "hidden"):
        wrong = st.sampled_from(["not-a-choice", "999999999", "-1", "0", "", "None", *foreign_ids])
        options.append(st.lists(wrong, min_size=1, max_size=3))
        if f.options:
            options.append(st.lists(st.sampled_from(f.options), min_size=2, max_size=5))  # repeats included
    return st.one_of(*options)


@st.composite
def submissions(draw, fields: list[Field], foreign_ids: list[str]) -> dict:
    """Field name -> list of values (str or bytes) or a file (name, bytes, content type)."""
    values = {f.name: draw(plausible(f)) for f in fields}
    mode = draw(st.sampled_from(["some", "some", "all", "valid", "valid", "extra"]))
    if mode == "valid":
        return values
    if mode == "extra":
        values[draw(st.sampled_from(["id", "area", "pk", "is_superuser", "__proto__", "x" * 300]))] = [
            draw(hostile.hostile_scalar())
        ]
        return values
    if fields:
        chosen = fields if mode == "all" else draw(st.lists(st.sampled_from(fields), min_size=1, max_size=3))
        for f in chosen:
            value = draw(hostile_value(f, foreign_ids))
            if value is None:
                values.pop(f.name, None)
            else:
                values[f.name] = value
    return values


def encode(values: dict) -> tuple[str, bytes | dict]:
    """The request body: urlencoded by hand (so raw, non-UTF-8 bytes survive), or multipart with files."""
    if any(isinstance(v, tuple) for v in values.values()):
        data: dict = {}
        for name, value in values.items():
            if isinstance(value, tuple):
                file_name, content, content_type = value
                data[name] = SimpleUploadedFile(file_name, content, content_type=content_type)
            else:
                data[name] = [v.decode("utf-8", "replace") if isinstance(v, bytes) else v for v in value]
        return "multipart", data
    pairs = [(name, v) for name, vs in values.items() for v in vs]
    return "urlencoded", urlencode(pairs).encode("ascii")


def describe(values: dict) -> str:
    def short(v):
        if isinstance(v, tuple):
            return f"<file {v[0][:40]!r}, {len(v[1])} bytes, {v[2]!r}>"
        text = repr(v)
        return text if len(text) < 80 else f"{text[:60]}... ({len(v)} chars)"

    return ", ".join(f"{k[:30]}=[{', '.join(short(x) for x in (v if isinstance(v, list) else [v]))}]"
                     for k, v in values.items())


# Cases ---------------------------------------------------------------------------------------------------------


def actor_for(rule: tp.Rule, method: str) -> str | None:
    allowed = [a for a in ACTOR_PREFERENCE if rule.expect.get(method, {}).get(a) == tp.ALLOW]
    return allowed[0] if allowed else None


def post_cases() -> list:
    return [
        pytest.param(name, id=name)
        for name in sorted(tp.DISCOVERED)
        if name in tp.RULES and "post" in tp.RULES[name].methods and actor_for(tp.RULES[name], "post")
    ]


def client_as(request, actor: str, session: dict | None) -> Client:
    client = Client()
    if actor != tp.ANONYMOUS:
        client.force_login(request.getfixturevalue(tp.ACTOR_FIXTURES[actor]))
    if session:
        store = client.session
        store.update(session)
        store.save()
    return client


def build_path(world, name: str) -> tuple[str, dict | None]:
    rule = tp.RULES[name]
    path = tp.url_for(world, tp.DISCOVERED[name], rule.kwargs(world, world.area, tp.MAIN))
    session = rule.session(world, world.area, tp.MAIN) if rule.session else None
    return path, session


def host_pages(world, name: str, actor: str) -> Iterator[str]:
    """Pages that may show the form posting to ``name``: its own page, then the pages of the same app for the same
    object (a wave's status button is on its survey's page)."""
    url = tp.DISCOVERED[name]
    if "get" in tp.RULES[name].methods:
        yield build_path(world, name)[0]
        return
    namespace = name.split(":")[0]
    candidates = sorted(
        (other for other, u in tp.DISCOVERED.items()
         if other != name and other.split(":")[0] == namespace and other in tp.RULES
         and u.kwargs <= url.kwargs and tp.RULES[other].expect.get("get", {}).get(actor) == tp.ALLOW),
        key=lambda other: (-len(tp.DISCOVERED[other].kwargs), other),
    )
    for other in candidates[:HOST_PAGES]:
        yield build_path(world, other)[0]


# What a view reads from the POST body, and the values it compares them with (e.g. decision == "approve").
_POST_READ = re.compile(r"""request\.POST\.get\(\s*["']([A-Za-z_]+)["'][^)]*\)(?:\s*==\s*["']([^"']*)["'])?""")


def fields_read_by(view_class) -> list[Field]:
    """The POST fields a view reads, from its source: for buttons that only some states of a page show."""
    found: dict[str, Field] = {}
    for klass in view_class.__mro__ if view_class else ():
        if not klass.__module__.startswith("sendhub."):
            continue
        try:
            source = inspect.getsource(klass)
        except (OSError, TypeError):
            continue
        for name, value in _POST_READ.findall(source):
            spec = found.setdefault(name, Field(name, "text"))
            if value:
                spec.kind = "radio"
                spec.options.append(value)
    return list(found.values())


def _kind_of(field) -> str | None:
    from django import forms

    for klass, kind in ((forms.DateTimeField, None), (forms.DateField, "date"), (forms.TimeField, "time"),
                        (forms.IntegerField, "number"), (forms.EmailField, "email"), (forms.URLField, "url"),
                        (forms.SlugField, "slug")):
        if isinstance(field, klass):
            return kind
    return None


def refine(form: Form, view_class) -> Form:
    """Field types from the view's form class where the page renders a plain text box (a date typed as text):
    the page gives the names and choices, the form class what each field must hold."""
    base_fields = getattr(getattr(view_class, "form_class", None), "base_fields", {})
    counters: dict[str, int] = {}
    for f in form.fields:
        declared = base_fields.get(f.name)
        if f.kind == "text" and (kind := _kind_of(declared)):
            f.kind = kind
        f.required = bool(getattr(declared, "required", False))
        f.position = counters.get(f.kind, 0)
        counters[f.kind] = f.position + 1
    return form


def find_form(request, world, name: str, actor: str) -> Form:
    path, session = build_path(world, name)
    client = client_as(request, actor, session)
    for page in host_pages(world, name, actor):
        cache.clear()
        # Some form pages send a GET to the page that shows the form (a problem report, on the service's page).
        response = client.get(page, follow=True)
        if response.status_code != 200 or "html" not in response.get("Content-Type", ""):
            continue
        page = response.request["PATH_INFO"]
        for action, method, fields in forms_on(response.content.decode(), page):
            if action == path and method == "post":
                return refine(Form(page, method, fields), tp.DISCOVERED[name].view_class)
    if "get" in tp.RULES[name].methods:
        pytest.fail(f"{name}: its page {path} has no form that posts to it")
    return Form("(the view's source)", "post", fields_read_by(tp.DISCOVERED[name].view_class))


def _complete_proposal(world) -> None:
    """The permission matrix's proposed change holds only a new name; a real one (ListingForm.listing_data)
    holds every field of the listing, which approving it applies."""
    from sendhub.directory.models import ListingChange

    change = world.listing_change(world.area)
    listing = change.service
    proposed = {
        "name": f"{listing.name} (renamed)", "organization": str(listing.organization_id),
        "description": listing.description, "eligibility_description": "", "minimum_age": 0, "maximum_age": 25,
        "service_types": [], "needs": [], "age_groups": [], "is_free": True, "fees_description": "", "url": "",
        "email": "", "phone": "", "location_name": "Community Centre", "address_1": "1 Fishergate", "address_2": "",
        "city": "Preston", "postcode": "PR1 2HE", "latitude": None, "longitude": None, "district": "",
        "accessibility": "", "days": [], "frequency": "", "week_of_month": "", "opens_at": "", "closes_at": "",
        "review_by": "2027-01-31",
    }
    ListingChange.objects.filter(pk=change.pk).update(proposed=proposed)


def _later_inspection(world) -> None:
    """A revisit after the finding's inspection: the only inspections a judgement may name."""
    from tests.factories import InspectionFactory

    finding = world.finding(world.area)
    InspectionFactory(area=world.area, start_date=finding.inspection.start_date + timedelta(days=400))


def _local_offer_terms(world) -> None:
    """The Local Offer's taxonomies (types of service are required) and a postcode the form can place."""
    from sendhub.directory import taxonomies
    from sendhub.directory.models import Postcode

    taxonomies.ensure_taxonomies()
    Postcode.objects.get_or_create(postcode="PR1 2HE", defaults={"latitude": 53.759, "longitude": -2.698})


# Worlds the permission matrix builds just far enough for its own checks, completed for a real submission.
PREPARE = {
    "directory:change-review": _complete_proposal,
    "directory:listing-create": _local_offer_terms,
    "directory:listing-edit": _local_offer_terms,
    "improvement:judgement-create": _later_inspection,
}


def foreign_ids(world) -> list[str]:
    """Ids of another area's objects, which no form of this area may accept."""
    other = world.other_area
    return [str(world.action(other).pk), str(world.finding(other).pk), str(world.owner(other).pk)]


def error_summary_problems(html: str) -> str | None:
    """Why the page is not a clear refusal (None when it shows a GOV.UK error summary with a message)."""
    soup = BeautifulSoup(html, "lxml")
    summary = soup.select_one(".govuk-error-summary")
    if summary is None:
        return "no GOV.UK error summary on the page"
    items = summary.select(".govuk-error-summary__list li")
    if not any(li.get_text(strip=True) for li in items):
        return "the error summary lists no problem"
    # Each problem links to what it is about (the field, or the list of problems in a file).
    for li in items:
        link = li.find("a", href=True)
        target = link["href"][1:] if link is not None and link["href"].startswith("#") else ""
        if not target or soup.find(id=target) is None:
            return f"the error summary's {li.get_text(' ', strip=True)[:80]!r} links to nothing on the page"
    return None


def check_answer(response, values: dict, before: dict, files_before: set[str], login_path: str) -> None:
    status = response.status_code
    sent = describe(values)
    assert status < 500, f"server error {status} for {sent}"
    if status in REDIRECTS:
        location = urlsplit(response["Location"]).path
        assert location != login_path, f"redirected to sign-in: the permitted actor was refused for {sent}"
        return
    changes = fingerprint_changes(before, db_fingerprint())
    assert not changes, f"answered {status} but stored: {'; '.join(changes)} for {sent}"
    written = media_files() - files_before
    assert not written, f"answered {status} but wrote files {sorted(written)} for {sent}"
    if status == 200:
        problem = error_summary_problems(response.content.decode())
        assert problem is None, f"answered 200 with {problem} for {sent}"
    else:
        assert 400 <= status < 500, f"unexpected status {status} for {sent}"


@pytest.mark.parametrize("url_name", post_cases())
def test_form_answers_hostile_input_with_a_message_or_a_success(request, settings, world, url_name):
    # Small limits, so that a file over them costs kilobytes, not the 10MB and 500MB of production.
    settings.SENDHUB_MAX_UPLOAD_BYTES = 16 * 1024
    settings.SENDHUB_MAX_SEN2_BYTES = 64 * 1024
    rule = tp.RULES[url_name]
    actor = actor_for(rule, "post")
    # Objects that forms offer as choices (an action answers findings): without them a choice field renders
    # no options, and no example could succeed.
    world.finding(world.area)
    world.action(world.area)
    if url_name in PREPARE:
        PREPARE[url_name](world)
    form = find_form(request, world, url_name, actor)
    path, session = build_path(world, url_name)
    others = foreign_ids(world)
    login_path = reverse("accounts:sign-in")

    @fuzz_settings(POST_EXAMPLES)
    @given(values=submissions(form.fields, others))
    def post(values):
        cache.clear()  # rate limits count per address; every example comes from the same one
        with transaction.atomic():
            client = client_as(request, actor, session)
            before, files_before = db_fingerprint(), media_files()
            kind, body = encode(values)
            if kind == "multipart":
                response = client.post(path, body)
            else:
                response = client.generic("POST", path, body, content_type="application/x-www-form-urlencoded")
            check_answer(response, values, before, files_before, login_path)
            succeeded = response.status_code in REDIRECTS
            STATS[url_name]["succeeded" if succeeded else f"refused {response.status_code}"] += 1
            transaction.set_rollback(True)

    post()


# GET forms: filters and searches ---------------------------------------------------------------------------

# Query parameters that views read directly from request.GET (not through a rendered form).
_GET_PARAM = re.compile(r"""request\.GET\.get\(\s*["']([a-z_]+)["']""")


def get_params_read_by(view_class) -> set[str]:
    if view_class is None:
        return set()
    try:
        source = inspect.getsource(inspect.getmodule(view_class))
    except (OSError, TypeError):
        return set()
    return set(_GET_PARAM.findall(source))


def get_cases() -> list:
    cases = []
    for name in sorted(tp.DISCOVERED):
        rule = tp.RULES.get(name)
        if rule is None or "get" not in rule.methods or name.startswith("oruk:"):
            continue  # the ORUK API has its own fuzz test (test_api.py)
        if actor_for(rule, "get") is None:
            continue
        cases.append(pytest.param(name, id=name))
    return cases


@pytest.mark.parametrize("url_name", get_cases())
def test_page_query_string_answers_with_a_page_never_a_server_error(request, world, url_name):
    """Every page, asked with hostile values in its GET form fields and the parameters its view reads."""
    rule = tp.RULES[url_name]
    actor = actor_for(rule, "get")
    path, session = build_path(world, url_name)
    client = client_as(request, actor, session)
    cache.clear()
    response = client.get(path)
    fields: dict[str, Field] = {}
    if response.status_code == 200 and "html" in response.get("Content-Type", ""):
        for action, method, found in forms_on(response.content.decode(), path):
            if method == "get" and action == path:
                fields |= {f.name: f for f in found}
    names = set(fields) | get_params_read_by(tp.DISCOVERED[url_name].view_class)
    examples = GET_EXAMPLES if names else 1
    # Pages that read no parameter still get some: they must ignore what they do not know.
    specs = [fields.get(n, Field(n, "text")) for n in sorted(names or {"page", "q"})]
    others = foreign_ids(world)

    @fuzz_settings(examples)
    @given(values=submissions(specs, others))
    def get(values):
        cache.clear()
        pairs = [(k, v) for k, vs in values.items() if not isinstance(vs, tuple) for v in vs]
        response = client.get(f"{path}?{urlencode(pairs)}")
        assert response.status_code < 500, f"server error {response.status_code} for {describe(values)}"
        assert response.status_code in {200, *REDIRECTS, 400, 404}, (
            f"unexpected status {response.status_code} for {describe(values)}"
        )

    get()


def test_dates_in_this_file_are_plausible():
    """The plausible dates must stay in the past, or forms that refuse future dates would never succeed."""
    assert all(date.fromisoformat(d) < date.today() for d in PLAUSIBLE_DATES)
    assert PLAUSIBLE_FROM + timedelta(days=30 * 6) < date.today()
