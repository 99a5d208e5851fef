"""The permission matrix: every URL of every app, visited by every kind of person.

The URLs are discovered from the URL configuration, so a new URL fails :func:`test_permission_matrix` (and
:func:`test_every_url_has_a_rule`) until it has an entry in ``RULES`` below saying how to build its arguments
and who may use it. The expectations follow ``sendhub/accounts/rules.py``:

* area pages need membership of the area (``area.view``): signed out -> sign-in page, outsider -> 403;
* management pages (``area.manage``) are for the area's administrators (and superusers) only;
* progress updates and milestones are for administrators and editors of the organisation owning the action;
* comments (and confirming a voice comment's themes) are for administrators, editors and forum members;
* co-production records and "You said, we did" drafts are for administrators and forum members
  (``area.coproduce``); publishing an entry is ``area.manage``;
* Local Offer listings are added and changed by administrators and the editors of the provider's partner
  organisation (``listing.propose``); approvals, data quality and problem reports are ``area.manage``;
* public pages (Local Offer search and service pages, "Have your say", "You said, we did", the ORUK API)
  are open to everybody, signed in or not.

Outcomes: ``allow`` is any 2xx or 3xx response that is not a redirect to the sign-in page (a form posted
empty answers 200 with its errors); ``deny`` is 403; ``login`` is a redirect to the sign-in page.

:func:`test_object_from_another_area_is_not_found` takes every URL with an object id and asks for an object
of another area (and, for nested ids, an object under another parent) through this area's address: 404.
The ORUK API takes no area (its ids are global and every area's published listings are public by design), so
it is not part of that test; its unknown ids are checked by :func:`test_oruk_unknown_id_is_a_json_not_found`.
"""

from __future__ import annotations

import hashlib
import importlib
import time as pytime
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from urllib.parse import urlsplit

import pytest
from django.core.cache import cache
from django.core.files.base import ContentFile
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.utils import timezone
from django.views.generic.edit import ProcessFormView

from sendhub.accounts.models import LocalArea, Membership, Organisation, Role, SignInLink
from sendhub.accounts.views import LINK_SIGNED_IN_KEY
from sendhub.directory.models import (
    DirectoryOrganisation,
    ListingChange,
    Location,
    ProblemReport,
    Service,
    ServiceAtLocation,
    Taxonomy,
    TaxonomyTerm,
)
from sendhub.outcomes.models import ManualMeasure, Sen2Return, SuccessMeasure
from sendhub.voice.models import Comment, CommentTag, CoproductionActivity, Question, Survey, Wave, YouSaidWeDid
from sendhub.voice.views_public import SESSION_FEEDBACK, SESSION_SURVEY
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
# Co-production and "You said, we did" drafts (area.coproduce): administrators and the Parent Carer Forum.
COPRODUCERS = frozenset({ADMINISTRATOR, FORUM_MEMBER, SUPERUSER})
# Local Offer listings (listing.propose): administrators, and editors of the partner organisation linked to the
# listing's provider (la_org in the world, so EDITOR; OTHER_EDITOR's health_org maintains no provider).
LISTING_EDITORS = frozenset({ADMINISTRATOR, EDITOR, SUPERUSER})
# A proposed listing change is seen by the editor who proposed it (EDITOR in the world) and administrators.
CHANGE_PROPOSER_OR_MANAGERS = frozenset({ADMINISTRATOR, EDITOR, SUPERUSER})

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

    # Local Offer directory.

    def provider(self, area: LocalArea, tag: str = MAIN) -> DirectoryOrganisation:
        """A provider linked to the owner organisation (la_org in the main area), whose editors maintain it."""
        return self._once(
            "provider",
            area,
            tag,
            lambda: DirectoryOrganisation.objects.create(
                area=area, partner=self.owner(area), name=f"{area.name} Families {tag}", description="A provider"
            ),
        )

    def listing(self, area: LocalArea, tag: str = MAIN) -> Service:
        """A published listing of the provider, at one location."""

        def build():
            service = Service.objects.create(
                area=area,
                organization=self.provider(area, tag),
                name=f"{area.name} Parent Support Group {tag}",
                description="A friendly group for parents.",
                is_published=True,
            )
            location = Location.objects.create(area=area, organization=service.organization, name="Community Centre")
            ServiceAtLocation.objects.create(service=service, location=location)
            return service

        return self._once("listing", area, tag, build)

    def service_at_location(self, area: LocalArea, tag: str = MAIN) -> ServiceAtLocation:
        return self._once("service_at_location", area, tag, lambda: self.listing(area, tag).service_at_locations.get())

    def listing_change(self, area: LocalArea, tag: str = MAIN) -> ListingChange:
        """A change to the listing, waiting for approval, proposed by EDITOR in the main area."""

        def build():
            proposer = self._request.getfixturevalue("editor_user") if area == self.area else UserFactory()
            listing = self.listing(area, tag)
            return ListingChange.objects.create(
                area=area, service=listing, proposed={"name": f"{listing.name} (renamed)"}, proposed_by=proposer
            )

        return self._once("listing_change", area, tag, build)

    def problem_report(self, area: LocalArea, tag: str = MAIN) -> ProblemReport:
        return self._once(
            "problem_report",
            area,
            tag,
            lambda: ProblemReport.objects.create(
                service=self.listing(area, tag), problem="address", details="The group moved."
            ),
        )

    def taxonomy_term(self, area: LocalArea, tag: str = MAIN) -> TaxonomyTerm:
        """National: taxonomies belong to no area."""

        def build():
            taxonomy = Taxonomy.objects.create(name=f"SEND needs {tag}", description="Needs")
            return TaxonomyTerm.objects.create(taxonomy=taxonomy, code="autism", name="Autism", description="Autism")

        return self._once("taxonomy_term", area, tag, build)

    # Parent carer voice.

    def survey(self, area: LocalArea, tag: str = MAIN) -> Survey:
        """A survey with one question and an open wave, so that families can answer it."""

        def build():
            survey = Survey.objects.create(area=area, title=f"Family survey {tag}", slug=f"{area.slug}-survey-{tag}")
            Question.objects.create(survey=survey, position=1, text="I feel listened to", kind=Question.Kind.LIKERT)
            Wave.objects.create(survey=survey, name="Spring 2026", status=Survey.Status.OPEN)
            return survey

        return self._once("survey", area, tag, build)

    def question(self, area: LocalArea, tag: str = MAIN) -> Question:
        return self._once("question", area, tag, lambda: self.survey(area, tag).questions.get())

    def wave(self, area: LocalArea, tag: str = MAIN) -> Wave:
        return self._once("wave", area, tag, lambda: self.survey(area, tag).waves.get())

    def comment(self, area: LocalArea, tag: str = MAIN, *, flagged: bool = False) -> Comment:
        """A comment from feedback, with a suggested theme; ``flagged`` for a safeguarding alert."""

        def build():
            comment = Comment.objects.create(
                area=area,
                source=Comment.Source.FEEDBACK,
                text="The EHC plan took a year.",
                original_text="Jo Bloggs: the EHC plan took a year.",
                received_at=timezone.make_aware(datetime.combine(date(2025, 3, 3), time(12))),
                sentiment="negative",
                sentiment_confidence=0.8,
                safeguarding=flagged,
                safeguarding_reasons=["self-harm"] if flagged else [],
            )
            CommentTag.objects.create(comment=comment, theme="ehc_timeliness", confidence=0.8)
            return comment

        return self._once("flagged_comment" if flagged else "comment", area, tag, build)

    def coproduction(self, area: LocalArea, tag: str = MAIN) -> CoproductionActivity:
        return self._once(
            "coproduction",
            area,
            tag,
            lambda: CoproductionActivity.objects.create(
                area=area,
                title=f"Transport workshop {tag}",
                kind=CoproductionActivity.Kind.WORKSHOP,
                held_on=date(2025, 2, 1),
                summary="Families and officers redesigned the transport application.",
            ),
        )

    def you_said_we_did(self, area: LocalArea, tag: str = MAIN) -> YouSaidWeDid:
        return self._once(
            "you_said_we_did",
            area,
            tag,
            lambda: YouSaidWeDid.objects.create(
                area=area, theme="transport", you_said="Forms were too long.", we_did="We shortened them."
            ),
        )


# The table ----------------------------------------------------------------------------------------------

Kwargs = Callable[[World, LocalArea, str], dict]
Session = Callable[[World, LocalArea, str], dict] | None


def no_kwargs(w: World, area: LocalArea, tag: str) -> dict:
    return {}


@dataclass(frozen=True)
class Rule:
    """How to build a URL's arguments (besides ``area_slug``) and, per HTTP method, each actor's outcome."""

    expect: Mapping[str, Mapping[str, str]]
    kwargs: Kwargs = no_kwargs
    # What the visitor's session holds before the request (e.g. the reference of the feedback they just sent).
    session: Session = None

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


def open_to_all(methods: tuple[str, ...] = ("get",), kwargs: Kwargs = no_kwargs, session: Session = None) -> Rule:
    return Rule({method: outcomes(SIGNED_IN, anonymous=ALLOW) for method in methods}, kwargs, session)


def nowhere(kwargs: Kwargs = no_kwargs) -> Rule:
    """A URL that answers 404 to everyone (e.g. the ORUK API's catch-all for unknown paths)."""
    return Rule({"get": dict.fromkeys(ACTORS, NOT_FOUND)}, kwargs)


def signed_in_only(methods: tuple[str, ...] = ("get",), session: Session = None) -> Rule:
    return Rule({method: outcomes(SIGNED_IN) for method in methods}, no_kwargs, session)


def just_signed_in_by_link(w: World, area: LocalArea, tag: str) -> dict:
    """The new-password page is only for someone who has just signed in by an emailed link."""
    return {LINK_SIGNED_IN_KEY: int(pytime.time())}


def sign_in_link_token(w: World, area: LocalArea, tag: str) -> dict:
    """A usable emailed link; asked for again (a fuzzing run builds the URL more than once), the same link, usable."""
    token = f"permission-matrix-{tag}"
    SignInLink.objects.update_or_create(
        token_hash=hashlib.sha256(token.encode()).hexdigest(),
        defaults={"user": UserFactory(), "expires_at": timezone.now() + timedelta(minutes=30), "used_at": None},
    )
    return {"token": token}


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


# Local Offer directory.


def with_provider(w: World, area: LocalArea, tag: str) -> dict:
    """No arguments, but a provider maintained by la_org must exist for EDITOR to add listings."""
    w.provider(area, tag)
    return {}


def listing_pk(w: World, area: LocalArea, tag: str) -> dict:
    return {"pk": w.listing(area, tag).pk}


def listing_change_pk(w: World, area: LocalArea, tag: str) -> dict:
    return {"pk": w.listing_change(area, tag).pk}


def problem_report_pk(w: World, area: LocalArea, tag: str) -> dict:
    return {"pk": w.problem_report(area, tag).pk}


# The ORUK API: ids are global (published listings of every area are public by design), no area_slug.


def oruk_service_id(w: World, area: LocalArea, tag: str) -> dict:
    return {"id": str(w.listing(area, tag).pk)}


def oruk_organization_id(w: World, area: LocalArea, tag: str) -> dict:
    return {"id": str(w.listing(area, tag).organization_id)}


def oruk_service_at_location_id(w: World, area: LocalArea, tag: str) -> dict:
    return {"id": str(w.service_at_location(area, tag).pk)}


def oruk_taxonomy_id(w: World, area: LocalArea, tag: str) -> dict:
    return {"id": str(w.taxonomy_term(area, tag).taxonomy_id)}


def oruk_taxonomy_term_id(w: World, area: LocalArea, tag: str) -> dict:
    return {"id": str(w.taxonomy_term(area, tag).pk)}


def oruk_unknown_path(w: World, area: LocalArea, tag: str) -> dict:
    return {"path": "no-such-endpoint"}


# Parent carer voice.


def survey_pk(w: World, area: LocalArea, tag: str) -> dict:
    return {"pk": w.survey(area, tag).pk}


def question_pks(w: World, area: LocalArea, tag: str) -> dict:
    return {"pk": w.survey(area, tag).pk, "question_pk": w.question(area, tag).pk}


def wave_pks(w: World, area: LocalArea, tag: str) -> dict:
    return {"pk": w.survey(area, tag).pk, "wave_pk": w.wave(area, tag).pk}


def survey_slug(w: World, area: LocalArea, tag: str) -> dict:
    return {"survey_slug": w.survey(area, tag).slug}


def feedback_sent_session(w: World, area: LocalArea, tag: str) -> dict:
    return {SESSION_FEEDBACK: "FB-ABCDEFGH"}


def survey_sent_session(w: World, area: LocalArea, tag: str) -> dict:
    return {SESSION_SURVEY: {"survey": w.survey(area, tag).pk, "ref": "FB-ABCDEFGH"}}


def theme_name(w: World, area: LocalArea, tag: str) -> dict:
    return {"theme": "ehc_timeliness"}


def comment_pk(w: World, area: LocalArea, tag: str) -> dict:
    return {"pk": w.comment(area, tag).pk}


def flagged_comment_pk(w: World, area: LocalArea, tag: str) -> dict:
    return {"pk": w.comment(area, tag, flagged=True).pk}


def coproduction_pk(w: World, area: LocalArea, tag: str) -> dict:
    return {"pk": w.coproduction(area, tag).pk}


def you_said_we_did_pk(w: World, area: LocalArea, tag: str) -> dict:
    return {"pk": w.you_said_we_did(area, tag).pk}


RULES: dict[str, Rule] = {
    # Public pages and the person's own account.
    "home": open_to_all(),
    "web:accessibility": open_to_all(),
    "web:healthz": open_to_all(),
    "accounts:sign-in": open_to_all(("get", "post")),
    "accounts:sign-in-link-request": open_to_all(("get", "post")),
    "accounts:sign-in-link": open_to_all(("get", "post"), sign_in_link_token),
    "accounts:new-password": signed_in_only(("get", "post"), session=just_signed_in_by_link),
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
    "area-admin:audit-log": area_page(MANAGERS),
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
    "outcomes:reconcile": area_page(MEMBERS),
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
    # Local Offer: public pages (no sign-in). The problem report form answers GET with a redirect to the
    # service page's form; POSTed empty it shows the service page with the form's errors.
    "directory:search": open_to_all(),
    "directory:service": open_to_all(kwargs=listing_pk),
    "directory:report": open_to_all(("get", "post"), listing_pk),
    "directory:report-sent": open_to_all(kwargs=listing_pk),
    # Local Offer: staff pages. Reading (area.view).
    "directory:listing-list": area_page(MEMBERS),
    "directory:coverage": area_page(MEMBERS),
    # Adding and changing listings (listing.propose): administrators publish, the provider's editors propose.
    "directory:listing-create": form_page(LISTING_EDITORS, with_provider),
    "directory:listing-edit": form_page(LISTING_EDITORS, listing_pk),
    # A proposed change, for the editor who proposed it and administrators.
    "directory:change-waiting": area_page(CHANGE_PROPOSER_OR_MANAGERS, listing_change_pk),
    # Approvals, data quality and problem reports (area.manage).
    "directory:approvals": area_page(MANAGERS),
    "directory:change-review": form_page(MANAGERS, listing_change_pk),
    "directory:data-quality": area_page(MANAGERS),
    "directory:problem-resolve": area_page(MANAGERS, problem_report_pk, methods=("post",)),
    # The ORUK API: public JSON for everyone; unknown paths answer a JSON 404. Its URLs take no area_slug
    # (ids are global), so test_object_from_another_area_is_not_found does not apply to them.
    "oruk:api_details": open_to_all(),
    "oruk:openapi": open_to_all(),
    "oruk:services": open_to_all(),
    "oruk:service": open_to_all(kwargs=oruk_service_id),
    "oruk:organizations": open_to_all(),
    "oruk:organization": open_to_all(kwargs=oruk_organization_id),
    "oruk:service_at_locations": open_to_all(),
    "oruk:service_at_location": open_to_all(kwargs=oruk_service_at_location_id),
    "oruk:taxonomies": open_to_all(),
    "oruk:taxonomy": open_to_all(kwargs=oruk_taxonomy_id),
    "oruk:taxonomy_terms": open_to_all(),
    "oruk:taxonomy_term": open_to_all(kwargs=oruk_taxonomy_term_id),
    "oruk:not_found": nowhere(oruk_unknown_path),
    # Parent carer voice: public pages (no sign-in). The "sent" pages are seen by whoever just sent something.
    "voice-public:index": open_to_all(),
    "voice-public:feedback": open_to_all(("get", "post")),
    "voice-public:feedback-sent": open_to_all(session=feedback_sent_session),
    "voice-public:survey": open_to_all(("get", "post"), survey_slug),
    "voice-public:survey-sent": open_to_all(kwargs=survey_slug, session=survey_sent_session),
    "you-said-we-did:index": open_to_all(),
    # Surveys: reading (area.view) and building and running them (area.manage).
    "surveys:list": area_page(MEMBERS),
    "surveys:detail": area_page(MEMBERS, survey_pk),
    "surveys:results": area_page(MEMBERS, survey_pk),
    "surveys:export-csv": area_page(MEMBERS, survey_pk),
    "surveys:create": form_page(MANAGERS),
    "surveys:edit": form_page(MANAGERS, survey_pk),
    "surveys:question-create": form_page(MANAGERS, survey_pk),
    "surveys:question-edit": form_page(MANAGERS, question_pks),
    "surveys:question-move": area_page(MANAGERS, question_pks, methods=("post",)),
    "surveys:question-delete": form_page(MANAGERS, question_pks),
    "surveys:wave-create": form_page(MANAGERS, survey_pk),
    "surveys:wave-status": area_page(MANAGERS, wave_pks, methods=("post",)),
    # Voice staff pages: reading (area.view); confirming or correcting themes (area.comment).
    "voice:overview": area_page(MEMBERS),
    "voice:theme-detail": area_page(MEMBERS, theme_name),
    "voice:comment-list": area_page(MEMBERS),
    "voice:comment-detail": Rule({"get": outcomes(MEMBERS), "post": outcomes(COMMENTERS)}, comment_pk),
    # Safeguarding alerts and retraining the model (area.manage).
    "voice:safeguarding-reviewed": area_page(MANAGERS, flagged_comment_pk, methods=("post",)),
    "voice:retrain": area_page(MANAGERS, methods=("post",)),
    # Co-production and "You said, we did": members read, administrators manage (area.manage).
    "voice:forum": area_page(COPRODUCERS),
    "voice:coproduction-list": area_page(MEMBERS),
    "voice:coproduction-detail": area_page(MEMBERS, coproduction_pk),
    "voice:coproduction-create": form_page(COPRODUCERS),
    "voice:coproduction-edit": form_page(COPRODUCERS, coproduction_pk),
    "voice:ysd-list": area_page(MEMBERS),
    "voice:ysd-detail": area_page(MEMBERS, you_said_we_did_pk),
    "voice:ysd-create": form_page(COPRODUCERS),
    "voice:ysd-edit": form_page(COPRODUCERS, you_said_we_did_pk),
    "voice:ysd-publish": area_page(MANAGERS, you_said_we_did_pk, methods=("post",)),
}

# Apps added later keep their rows in their own module (tests/permissions_<app>.py), each with a function
# ``rules()`` that returns its part of the table; it may use everything above (Rule, area_page, World._once...).
RULE_MODULES = (
    "tests.permissions_reports",
    "tests.permissions_governance",
    "tests.permissions_progress",
    "tests.permissions_operations",
    "tests.permissions_inspection",
    "tests.permissions_forecasting",
)
for _module_name in RULE_MODULES:
    try:
        _module = importlib.import_module(_module_name)
    except ModuleNotFoundError as error:
        if error.name != _module_name:
            raise
        continue
    RULES.update(_module.rules())


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
        # "measure" names a measure's definition and "theme" a voice theme (the same in every area), not an
        # object of the area.
        return tuple(sorted(self.kwargs - {"area_slug", "measure", "theme"}))

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
    return (
        f"URL pattern {name!r} ({DISCOVERED[name].route}) has no permission rule in {THIS_FILE} "
        f"(or in one of {', '.join(RULE_MODULES)})"
    )


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


def request_as(request, client_for, actor: str, method: str, path: str, session: dict | None = None):
    user = None if actor == ANONYMOUS else request.getfixturevalue(ACTOR_FIXTURES[actor])
    client = client_for(user)
    if session:
        store = client.session
        store.update(session)
        store.save()
    # Public forms are rate-limited per address, and every actor posts from the same one: start each request
    # with no count (the conftest also empties the cache around each test).
    cache.clear()
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
    session = rule.session(world, world.area, MAIN) if rule.session else None

    response = request_as(request, client_for, actor, method, path, session)

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
    for nested ids, each id alone from a sibling object in the same area (e.g. another action's milestone).

    URLs without ``area_slug`` are left out: the ORUK API's ids are global by design (it publishes the
    published listings of every area), so an id "from another area" is found there."""
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
    # The session this area's page would accept (e.g. answers just sent to this area's survey).
    session_for = RULES[url_name].session
    session = session_for(world, world.area, MAIN) if session_for else None

    response = request_as(request, client_for, actor, method, path, session)

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


# Parent carer voice: what administrators alone may read -----------------------------------------------------


@pytest.mark.parametrize("actor", ACTORS)
def test_safeguarding_alerts_and_original_wording_are_for_administrators_only(request, client_for, world, actor):
    """Inside pages every member may open, a comment flagged for safeguarding is not found (404) and the
    original, unredacted wording is not shown, except to the area's administrators (views_staff.py)."""
    area = world.area
    flagged = reverse("voice:comment-detail", args=[area.slug, world.comment(area, flagged=True).pk])
    ordinary = reverse("voice:comment-detail", args=[area.slug, world.comment(area).pk])
    expected = (
        {ANONYMOUS: LOGIN, OUTSIDER: DENY} | {a: NOT_FOUND for a in MEMBERS - MANAGERS} | dict.fromkeys(MANAGERS, ALLOW)
    )

    response = request_as(request, client_for, actor, "get", flagged)
    assert outcome_of(response) == expected[actor], f"GET {flagged} as {actor}: got {describe(response)}"

    response = request_as(request, client_for, actor, "get", ordinary)
    if actor in MEMBERS:
        shown = world.comment(area).original_text in response.content.decode()
        assert shown == (actor in MANAGERS), f"GET {ordinary} as {actor}: original wording shown is {shown}"


# The ORUK API: unknown ids ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "url_name", ["oruk:service", "oruk:organization", "oruk:service_at_location", "oruk:taxonomy", "oruk:taxonomy_term"]
)
@pytest.mark.parametrize("unknown_id", ["00000000-0000-4000-8000-000000000000", "not-a-uuid"])
def test_oruk_unknown_id_is_a_json_not_found(client, world, url_name, unknown_id):
    """The API is public and not area-scoped: an unknown (or malformed) id is a JSON 404, for anybody."""
    path = reverse(url_name, kwargs={"id": unknown_id})

    response = client.get(path)

    assert outcome_of(response) == NOT_FOUND, f"GET {path}: expected 404, got {describe(response)}"
    assert response["Content-Type"].startswith("application/json") and "error" in response.json()


@pytest.mark.parametrize("url_name", ["oruk:service", "oruk:organization", "oruk:service_at_location"])
def test_oruk_hides_unpublished_listings(client, world, url_name):
    """Only published listings are public: a draft (and its provider and places) is not found in the API."""
    area = world.area
    kwargs = RULES[url_name].kwargs(world, area, MAIN)
    Service.objects.filter(pk=world.listing(area).pk).update(is_published=False)
    path = reverse(url_name, kwargs=kwargs)

    response = client.get(path)

    assert outcome_of(response) == NOT_FOUND, f"GET {path}: expected 404, got {describe(response)}"
