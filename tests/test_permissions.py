"""The permission matrix: every URL of every app, visited by every kind of person.

The URLs are discovered from the URL configuration, so a new URL fails :func:`test_permission_matrix` (and
:func:`test_every_url_has_a_rule`) until it has an entry in ``RULES`` below saying how to build its arguments
and who may use it. The expectations follow ``sendhub/accounts/rules.py``:

* area pages need membership of the area (``area.view``): signed out -> sign-in page, outsider -> 403;
* management pages (``area.manage``) are for the area's administrators (and superusers) only;
* progress updates and milestones are for administrators and editors of the organisation owning the action;
* comments are for administrators, editors and forum members.

Outcomes: ``allow`` is any 2xx or 3xx response that is not a redirect to the sign-in page (a form posted
empty answers 200 with its errors); ``deny`` is 403; ``login`` is a redirect to the sign-in page.

:func:`test_object_from_another_area_is_not_found` takes every URL with an object id and asks for an object
of another area (and, for nested ids, an object under another parent) through this area's address: 404.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from datetime import date
from urllib.parse import urlsplit

import pytest
from django.core.files.base import ContentFile
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.views.generic.edit import ProcessFormView

from sendhub.accounts.models import LocalArea, Membership, Organisation, Role
from sendhub.outcomes.models import ManualMeasure, Sen2Return, SuccessMeasure
from tests.factories import (
    ActionFactory,
    EvidenceFactory,
    FindingFactory,
    InspectionFactory,
    InvitationFactory,
    MilestoneFactory,
    OrganisationFactory,
    UserFactory,
    member,
)

THIS_FILE = "tests/test_permissions.py"
HTTP_METHODS = ("get", "post", "put", "patch", "delete")

# Actors --------------------------------------------------------------------------------------------------

ANONYMOUS = "anonymous"
ADMINISTRATOR = "administrator"
EDITOR = "editor"  # an editor of la_org, which owns the actions in the world
OTHER_EDITOR = "other_editor"  # an editor of another organisation (health_org) in the same area
FORUM_MEMBER = "forum_member"
MONITOR = "monitor"  # DfE, a national organisation
VIEWER = "viewer"
OUTSIDER = "outsider"  # the administrator of another area
SUPERUSER = "superuser"

ACTORS = (ANONYMOUS, ADMINISTRATOR, EDITOR, OTHER_EDITOR, FORUM_MEMBER, MONITOR, VIEWER, OUTSIDER, SUPERUSER)
SIGNED_IN = frozenset(ACTORS) - {ANONYMOUS}
MEMBERS = frozenset({ADMINISTRATOR, EDITOR, OTHER_EDITOR, FORUM_MEMBER, MONITOR, VIEWER, SUPERUSER})
MANAGERS = frozenset({ADMINISTRATOR, SUPERUSER})
ACTION_UPDATERS = frozenset({ADMINISTRATOR, EDITOR, SUPERUSER})
COMMENTERS = frozenset({ADMINISTRATOR, EDITOR, OTHER_EDITOR, FORUM_MEMBER, SUPERUSER})

ACTOR_FIXTURES = {
    ADMINISTRATOR: "admin_user",
    EDITOR: "editor_user",
    OTHER_EDITOR: "other_editor_user",
    FORUM_MEMBER: "forum_user",
    MONITOR: "monitor_user",
    VIEWER: "viewer_user",
    OUTSIDER: "outsider",
    SUPERUSER: "superuser",
}

# Outcomes ------------------------------------------------------------------------------------------------

ALLOW = "allow"
DENY = "deny"
LOGIN = "login"
NOT_FOUND = "not found"


def outcome_of(response) -> str:
    status = response.status_code
    if status in (301, 302, 303, 307, 308):
        location = urlsplit(response["Location"]).path
        return LOGIN if location == reverse("accounts:sign-in") else ALLOW
    if status == 403:
        return DENY
    if status == 404:
        return NOT_FOUND
    if 200 <= status < 300:
        return ALLOW
    return f"unexpected status {status}"


# The world: objects built on demand, in either area ------------------------------------------------------

MAIN = "main"
SIBLING = "sibling"  # a second object of the same kind in the same area, under another parent


class World:
    """Builds, once per test and only when asked, the objects a URL needs.

    ``w.action(area)`` is an action of ``area`` (owned by la_org in the main area, so its editor may update
    it); ``w.action(area, SIBLING)`` is a second one. Objects are cached per (kind, area, tag).
    """

    def __init__(self, request: pytest.FixtureRequest) -> None:
        self._request = request
        self._cache: dict[tuple[str, int, str], object] = {}

    @property
    def area(self) -> LocalArea:
        return self._request.getfixturevalue("area")

    @property
    def other_area(self) -> LocalArea:
        return self._request.getfixturevalue("other_area")

    def _once(self, kind: str, area: LocalArea, tag: str, build: Callable[[], object]):
        key = (kind, area.pk, tag)
        if key not in self._cache:
            self._cache[key] = build()
        return self._cache[key]

    def owner(self, area: LocalArea) -> Organisation:
        if area == self.area:
            return self._request.getfixturevalue("la_org")
        return self._once("owner", area, MAIN, lambda: OrganisationFactory(area=area, name=f"{area.name} Council"))

    def inspection(self, area: LocalArea, tag: str = MAIN):
        def build():
            inspection = InspectionFactory(area=area)
            inspection.report_file.save("report.pdf", ContentFile(b"%PDF-1.4\n%%EOF\n"))
            return inspection

        return self._once("inspection", area, tag, build)

    def finding(self, area: LocalArea, tag: str = MAIN):
        return self._once("finding", area, tag, lambda: FindingFactory(inspection=self.inspection(area, tag)))

    def action(self, area: LocalArea, tag: str = MAIN):
        return self._once("action", area, tag, lambda: ActionFactory(area=area, owner=self.owner(area)))

    def milestone(self, area: LocalArea, tag: str = MAIN):
        return self._once("milestone", area, tag, lambda: MilestoneFactory(action=self.action(area, tag)))

    def evidence(self, area: LocalArea, tag: str = MAIN):
        """File evidence, so that downloading it answers 200 with the file."""

        def build():
            evidence = EvidenceFactory.build(
                action=self.action(area, tag),
                url="",
                added_by=UserFactory(),
                original_filename="minutes.pdf",
                content_type="application/pdf",
            )
            evidence.file.save("minutes.pdf", ContentFile(b"%PDF-1.4\n%%EOF\n"), save=True)
            return evidence

        return self._once("evidence", area, tag, build)

    def membership(self, area: LocalArea, tag: str = MAIN) -> Membership:
        """Someone else's membership (a viewer's), to edit or remove."""
        return self._once(
            "membership", area, tag, lambda: Membership.objects.get(user=member(area, Role.VIEWER), area=area)
        )

    def invitation(self, area: LocalArea, tag: str = MAIN):
        """A usable invitation to a person who has no account yet."""
        return self._once("invitation", area, tag, lambda: InvitationFactory(area=area))

    def organisation(self, area: LocalArea, tag: str = MAIN) -> Organisation:
        return self._once("organisation", area, tag, lambda: OrganisationFactory(area=area))

    def sen2_return(self, area: LocalArea, tag: str = MAIN) -> Sen2Return:
        return self._once(
            "sen2_return",
            area,
            tag,
            lambda: Sen2Return.objects.create(
                area=area,
                collection_year=2025 if tag == MAIN else 2024,
                reference_date=date(2025, 1, 16),
                filename="sen2.xml",
                checksum="0" * 64,
            ),
        )

    def manual_measure(self, area: LocalArea, tag: str = MAIN) -> ManualMeasure:
        """A measure reported by the owner organisation (la_org in the main area, whose editor records it)."""
        return self._once(
            "manual_measure",
            area,
            tag,
            lambda: ManualMeasure.objects.create(
                area=area,
                key=f"wait-{tag}",
                name="Autism assessment wait",
                unit="weeks",
                direction="lower",
                owner=self.owner(area),
            ),
        )

    def success_measure(self, area: LocalArea, tag: str = MAIN) -> SuccessMeasure:
        return self._once(
            "success_measure",
            area,
            tag,
            lambda: SuccessMeasure.objects.create(
                area=area,
                measure="PC_plans_issued_20_weeks_ex",
                action=self.action(area, tag),
                direction="higher",
                baseline_value=17.3,
                baseline_date=date(2025, 1, 1),
                target_value=60,
                target_date=date(2027, 1, 1),
            ),
        )


# The table ----------------------------------------------------------------------------------------------

Kwargs = Callable[[World, LocalArea, str], dict]


def no_kwargs(w: World, area: LocalArea, tag: str) -> dict:
    return {}


@dataclass(frozen=True)
class Rule:
    """How to build a URL's arguments (besides ``area_slug``) and, per HTTP method, each actor's outcome."""

    expect: Mapping[str, Mapping[str, str]]
    kwargs: Kwargs = no_kwargs

    @property
    def methods(self) -> tuple[str, ...]:
        return tuple(self.expect)


def outcomes(allowed: frozenset[str], *, anonymous: str = LOGIN) -> dict[str, str]:
    """``allowed`` actors get ALLOW, an anonymous visitor gets ``anonymous`` and everyone else DENY."""
    return {actor: ALLOW if actor in allowed else DENY for actor in ACTORS} | {ANONYMOUS: anonymous}


def area_page(allowed: frozenset[str], kwargs: Kwargs = no_kwargs, methods: tuple[str, ...] = ("get",)) -> Rule:
    return Rule({method: outcomes(allowed) for method in methods}, kwargs)


def form_page(allowed: frozenset[str], kwargs: Kwargs = no_kwargs) -> Rule:
    """A page with a form: GET shows it, POST (sent empty here) validates it."""
    return area_page(allowed, kwargs, methods=("get", "post"))


def open_to_all(methods: tuple[str, ...] = ("get",), kwargs: Kwargs = no_kwargs) -> Rule:
    return Rule({method: outcomes(SIGNED_IN, anonymous=ALLOW) for method in methods}, kwargs)


def signed_in_only(methods: tuple[str, ...] = ("get",)) -> Rule:
    return Rule({method: outcomes(SIGNED_IN) for method in methods})


def inspection_pk(w: World, area: LocalArea, tag: str) -> dict:
    return {"pk": w.inspection(area, tag).pk}


def finding_pk(w: World, area: LocalArea, tag: str) -> dict:
    return {"pk": w.finding(area, tag).pk}


def action_pk(w: World, area: LocalArea, tag: str) -> dict:
    return {"pk": w.action(area, tag).pk}


def milestone_pks(w: World, area: LocalArea, tag: str) -> dict:
    return {"pk": w.action(area, tag).pk, "milestone_pk": w.milestone(area, tag).pk}


def evidence_pks(w: World, area: LocalArea, tag: str) -> dict:
    return {"pk": w.action(area, tag).pk, "evidence_pk": w.evidence(area, tag).pk}


def membership_pk(w: World, area: LocalArea, tag: str) -> dict:
    return {"pk": w.membership(area, tag).pk}


def invitation_pk(w: World, area: LocalArea, tag: str) -> dict:
    return {"pk": w.invitation(area, tag).pk}


def invitation_token(w: World, area: LocalArea, tag: str) -> dict:
    return {"token": w.invitation(area, tag).token}


def organisation_pk(w: World, area: LocalArea, tag: str) -> dict:
    return {"pk": w.organisation(area, tag).pk}


def sen2_return_pk(w: World, area: LocalArea, tag: str) -> dict:
    return {"pk": w.sen2_return(area, tag).pk}


def manual_measure_pk(w: World, area: LocalArea, tag: str) -> dict:
    return {"pk": w.manual_measure(area, tag).pk}


def success_measure_pk(w: World, area: LocalArea, tag: str) -> dict:
    return {"pk": w.success_measure(area, tag).pk}


def measure_name(w: World, area: LocalArea, tag: str) -> dict:
    return {"measure": "PC_plans_issued_20_weeks_ex"}


RULES: dict[str, Rule] = {
    # Public pages and the person's own account.
    "web:home": open_to_all(),
    "web:accessibility": open_to_all(),
    "accounts:sign-in": open_to_all(("get", "post")),
    "accounts:sign-out": open_to_all(("post",)),
    "accounts:two-factor": signed_in_only(("get", "post")),
    "accounts:profile": signed_in_only(),
    "accounts:password-change": signed_in_only(("get", "post")),
    "accounts:invitation-accept": Rule(
        {
            "get": outcomes(SIGNED_IN, anonymous=ALLOW),
            # Accepting while signed in as somebody other than the invitee is refused (403) by design.
            "post": outcomes(frozenset(), anonymous=ALLOW),
        },
        invitation_token,
    ),
    # Improvement plan: reading (area.view).
    "improvement:dashboard": area_page(MEMBERS),
    "improvement:inspection-list": area_page(MEMBERS),
    "improvement:inspection-detail": area_page(MEMBERS, inspection_pk),
    "improvement:inspection-report": area_page(MEMBERS, inspection_pk),
    "improvement:finding-list": area_page(MEMBERS),
    "improvement:finding-detail": area_page(MEMBERS, finding_pk),
    "improvement:action-list": area_page(MEMBERS),
    "improvement:action-detail": area_page(MEMBERS, action_pk),
    "improvement:evidence-download": area_page(MEMBERS, evidence_pks),
    "improvement:my-actions": area_page(MEMBERS),
    "improvement:export-csv": area_page(MEMBERS),
    "improvement:export-xlsx": area_page(MEMBERS),
    # Improvement plan: managing (area.manage).
    "improvement:inspection-create": form_page(MANAGERS),
    "improvement:inspection-edit": form_page(MANAGERS, inspection_pk),
    "improvement:finding-create": form_page(MANAGERS, inspection_pk),
    "improvement:finding-edit": form_page(MANAGERS, finding_pk),
    "improvement:judgement-create": form_page(MANAGERS, finding_pk),
    "improvement:action-create": form_page(MANAGERS),
    "improvement:action-edit": form_page(MANAGERS, action_pk),
    # Improvement plan: updating an action (action.update) and commenting (area.comment).
    "improvement:update-create": form_page(ACTION_UPDATERS, action_pk),
    "improvement:milestone-create": form_page(ACTION_UPDATERS, action_pk),
    "improvement:milestone-edit": form_page(ACTION_UPDATERS, milestone_pks),
    "improvement:comment-create": form_page(COMMENTERS, action_pk),
    # Area administration.
    "area-admin:people": area_page(MEMBERS),
    "area-admin:invite": form_page(MANAGERS),
    "area-admin:membership-edit": form_page(MANAGERS, membership_pk),
    "area-admin:membership-remove": form_page(MANAGERS, membership_pk),
    "area-admin:invitation-cancel": area_page(MANAGERS, invitation_pk, methods=("post",)),
    "area-admin:organisation-list": area_page(MEMBERS),
    "area-admin:organisation-create": form_page(MANAGERS),
    "area-admin:organisation-edit": form_page(MANAGERS, organisation_pk),
    # Outcomes: reading (area.view).
    "outcomes:dashboard": area_page(MEMBERS),
    "outcomes:measure-detail": area_page(MEMBERS, measure_name),
    "outcomes:deadlines": area_page(MEMBERS),
    "outcomes:benchmarks": area_page(MEMBERS),
    "outcomes:return-list": area_page(MEMBERS),
    "outcomes:return-detail": area_page(MEMBERS, sen2_return_pk),
    "outcomes:manual-measure-list": area_page(MEMBERS),
    # A partner's measure: everyone reads it; its owner organisation's editors and administrators record it.
    "outcomes:manual-measure-detail": Rule(
        {"get": outcomes(MEMBERS), "post": outcomes(ACTION_UPDATERS)}, manual_measure_pk
    ),
    "outcomes:manual-measure-upload": form_page(ACTION_UPDATERS, manual_measure_pk),
    # Outcomes: managing (area.manage).
    "outcomes:return-upload": form_page(MANAGERS),
    "outcomes:manual-measure-create": form_page(MANAGERS),
    "outcomes:action-success-measure-create": form_page(MANAGERS, action_pk),
    "outcomes:finding-success-measure-create": form_page(MANAGERS, finding_pk),
    "outcomes:success-measure-remove": area_page(MANAGERS, success_measure_pk, methods=("post",)),
}


# URL discovery -------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class DiscoveredUrl:
    name: str  # with namespaces, e.g. "improvement:action-detail"
    route: str  # the full route, e.g. "areas/<slug:area_slug>/actions/<int:pk>/"
    kwargs: frozenset[str]
    view_class: type | None

    @property
    def object_kwargs(self) -> tuple[str, ...]:
        """The URL's arguments that pick out an object inside the area."""
        # "measure" names a measure's definition (the same in every area), not an object of the area.
        return tuple(sorted(self.kwargs - {"area_slug", "measure"}))

    @property
    def view_methods(self) -> tuple[str, ...] | None:
        if self.view_class is None:
            return None
        allowed = self.view_class.http_method_names
        return tuple(
            m
            for m in HTTP_METHODS
            if m in allowed
            and hasattr(self.view_class, m)
            # Django's form views answer PUT with their POST handler: testing POST covers it.
            and not (m == "put" and getattr(self.view_class, m) is ProcessFormView.put)
        )


def discover_urls(patterns=None, prefix: str = "", namespace: str = "", kwargs=frozenset()) -> Iterator[DiscoveredUrl]:
    """Every URL pattern reachable from the root URLconf, with its full name, route and arguments."""
    for pattern in get_resolver().url_patterns if patterns is None else patterns:
        route = prefix + str(pattern.pattern)
        names = kwargs | frozenset(pattern.pattern.regex.groupindex)
        if isinstance(pattern, URLResolver):
            inner = f"{namespace}{pattern.namespace}:" if pattern.namespace else namespace
            yield from discover_urls(pattern.url_patterns, route, inner, names)
        elif isinstance(pattern, URLPattern):
            name = f"{namespace}{pattern.name}" if pattern.name else f"<unnamed route {route!r}>"
            yield DiscoveredUrl(name, route, names, getattr(pattern.callback, "view_class", None))


DISCOVERED_LIST = list(discover_urls())
DISCOVERED = {url.name: url for url in DISCOVERED_LIST}


def missing_rule_message(name: str) -> str:
    return f"URL pattern {name!r} ({DISCOVERED[name].route}) has no permission rule in {THIS_FILE}"


# Fixtures -----------------------------------------------------------------------------------------------


@pytest.fixture(autouse=True)
def _no_second_factor(settings):
    settings.SENDHUB_REQUIRE_2FA_FOR_ADMINS = False


@pytest.fixture
def other_editor_user(area, health_org):
    """An editor for health_org, which owns none of the world's actions."""
    return member(area, Role.EDITOR, health_org, full_name="Hal Health", email="hal@example.org")


@pytest.fixture
def superuser(db):
    return UserFactory(full_name="Sam Superuser", email="sam@example.org", is_superuser=True, is_staff=True)


@pytest.fixture
def world(request, db) -> World:
    return World(request)


def url_for(world: World, url: DiscoveredUrl, kwargs: dict) -> str:
    if "area_slug" in url.kwargs:
        kwargs = {"area_slug": world.area.slug, **kwargs}
    assert set(kwargs) == set(url.kwargs), (
        f"{THIS_FILE}: the rule for {url.name!r} builds {sorted(kwargs)}, the URL takes {sorted(url.kwargs)}"
    )
    return reverse(url.name, kwargs=kwargs)


def request_as(request, client_for, actor: str, method: str, path: str):
    user = None if actor == ANONYMOUS else request.getfixturevalue(ACTOR_FIXTURES[actor])
    client = client_for(user)
    # Forms are posted empty: the permission check comes first, then the form answers with its errors.
    return getattr(client, method)(path)


def describe(response) -> str:
    where = response.get("Location", "")
    return f"{response.status_code}{' -> ' + where if where else ''}"


# The matrix ---------------------------------------------------------------------------------------------


def matrix_cases() -> list:
    return list(_matrix_cases())


def _matrix_cases() -> Iterator:
    for name in sorted(DISCOVERED):
        rule = RULES.get(name)
        if rule is None:
            yield pytest.param(name, "-", "-", id=f"{name}-NO-RULE")
            continue
        for method in rule.methods:
            for actor in ACTORS:
                yield pytest.param(name, method, actor, id=f"{name}-{method.upper()}-{actor}")


@pytest.mark.parametrize(("url_name", "method", "actor"), matrix_cases())
def test_permission_matrix(request, client_for, world, url_name, method, actor):
    if url_name not in RULES:
        pytest.fail(missing_rule_message(url_name))
    rule = RULES[url_name]
    url = DISCOVERED[url_name]
    path = url_for(world, url, rule.kwargs(world, world.area, MAIN))
    expected = rule.expect[method][actor]

    response = request_as(request, client_for, actor, method, path)

    assert outcome_of(response) == expected, (
        f"{method.upper()} {path} as {actor}: expected {expected}, got {outcome_of(response)} ({describe(response)})"
    )
    if expected == LOGIN:
        assert "next=" in response["Location"], f"{path}: the sign-in redirect does not come back here"


def test_every_url_has_a_rule():
    discovered = set(DISCOVERED)
    names = [url.name for url in DISCOVERED_LIST]
    problems = [
        f"URL name {name!r} is used by more than one pattern" for name in sorted(set(names)) if names.count(name) > 1
    ]
    problems += [missing_rule_message(name) for name in sorted(discovered - set(RULES))]
    problems += [
        f"{THIS_FILE} has a rule for {name!r}, but no URL pattern has that name"
        for name in sorted(set(RULES) - discovered)
    ]
    for name in sorted(discovered & set(RULES)):
        rule, url = RULES[name], DISCOVERED[name]
        if set(rule.methods) - {"get", "post"} or (url.view_methods is not None and rule.methods != url.view_methods):
            problems.append(f"{name!r}: the rule tests {rule.methods}, the view answers {url.view_methods}")
        for method, by_actor in rule.expect.items():
            if set(by_actor) != set(ACTORS):
                problems.append(f"{name!r} {method.upper()}: expectations for {sorted(by_actor)}, not every actor")
    assert not problems, "\n".join(problems)


# Objects of another area --------------------------------------------------------------------------------


def cross_area_cases() -> list:
    return list(_cross_area_cases())


def _cross_area_cases() -> Iterator:
    """Every area URL with object ids: all ids from the other area; each id alone from the other area; and,
    for nested ids, each id alone from a sibling object in the same area (e.g. another action's milestone)."""
    for name, url in sorted(DISCOVERED.items()):
        if "area_slug" not in url.kwargs or not url.object_kwargs:
            continue
        methods = RULES[name].methods if name in RULES else ("get",)
        variants = [("other-area", url.object_kwargs)]
        if len(url.object_kwargs) > 1:
            variants += [("other-area", (key,)) for key in url.object_kwargs]
            variants += [("sibling", (key,)) for key in url.object_kwargs]
        for source, keys in variants:
            for method in methods:
                for actor in (ADMINISTRATOR, SUPERUSER):
                    case_id = f"{name}-{method.upper()}-{actor}-{'+'.join(keys)}-from-{source}"
                    yield pytest.param(name, method, actor, source, keys, id=case_id)


@pytest.mark.parametrize(("url_name", "method", "actor", "source", "keys"), cross_area_cases())
def test_object_from_another_area_is_not_found(request, client_for, world, url_name, method, actor, source, keys):
    if url_name not in RULES:
        pytest.fail(missing_rule_message(url_name))
    build = RULES[url_name].kwargs
    kwargs = build(world, world.area, MAIN)
    elsewhere = build(world, world.other_area, MAIN) if source == "other-area" else build(world, world.area, SIBLING)
    kwargs |= {key: elsewhere[key] for key in keys}
    path = url_for(world, DISCOVERED[url_name], kwargs)

    response = request_as(request, client_for, actor, method, path)

    assert response.status_code == 404, (
        f"{method.upper()} {path} as {actor} ({', '.join(keys)} from {source}): expected 404, got {describe(response)}"
    )


@pytest.mark.parametrize("method", RULES["area-admin:organisation-edit"].methods)
def test_national_organisation_cannot_be_edited_through_an_area(client_for, admin_user, area, dfe_org, method):
    """DfE and NHS England belong to no area, so no area administrator may change them."""
    path = reverse("area-admin:organisation-edit", args=[area.slug, dfe_org.pk])

    response = getattr(client_for(admin_user), method)(path, {"name": "Renamed", "kind": "dfe"})

    assert response.status_code == 404, f"{method.upper()} {path}: expected 404, got {describe(response)}"
    dfe_org.refresh_from_db()
    assert dfe_org.name == "Department for Education"
