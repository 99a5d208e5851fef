"""Local Offer pages: the public search and service pages (no sign-in, no JavaScript needed), and the staff
pages that keep listings true (listings, edits that wait for approval, approvals, data quality, coverage).

Views parse input with a form, call a service or selector, and render.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import Q
from django.http import HttpResponseRedirect
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils import timezone
from django.views import View
from django.views.generic import FormView, ListView, TemplateView
from django_ratelimit.core import is_ratelimited

from sendhub.accounts.mixins import AreaMixin
from sendhub.accounts.models import LocalArea, Role
from sendhub.accounts.rules import membership_for, role_in
from sendhub.directory import geo, schedules, search, selectors, services, taxonomies, weblinks
from sendhub.directory.forms import (
    DAY_NAMES,
    KM_PER_MILE,
    PROBLEM_NAMES,
    CoverageForm,
    ListingFilterForm,
    ListingForm,
    ProblemReportForm,
    RejectForm,
    SearchForm,
    place_message,
)
from sendhub.directory.models import (
    DirectoryOrganisation,
    ListingChange,
    ProblemReport,
    Schedule,
    Service,
    ServiceAtLocation,
)

PER_PAGE = 20
MAX_PAGE = 10_000  # 200,000 listings: far more than any Local Offer holds
STAFF_PAGE_SIZE = 25
REPORT_RATE = "5/h"

# How a search summary names a service type: (one, many).
TYPE_NOUNS = {
    "support-group": ("support group", "support groups"),
    "information-advice": ("information and advice service", "information and advice services"),
    "health-service": ("health service", "health services"),
    "short-breaks": ("short break", "short breaks"),
    "education": ("education service", "education services"),
    "leisure": ("leisure activity", "leisure activities"),
    "transport": ("transport service", "transport services"),
    "social-care": ("social care service", "social care services"),
    "training": ("training course for parents and carers", "training courses for parents and carers"),
    "employment": ("employment and adulthood service", "employment and adulthood services"),
    "therapy": ("therapy service", "therapy services"),
    "childcare": ("childcare provider", "childcare providers"),
}


def _lower_first(name: str) -> str:
    """'Autism' -> 'autism'; acronyms ('ADHD') stay as they are."""
    return name if name[:2].isupper() else name[:1].lower() + name[1:]


def _term_name(key: str, code: str) -> str:
    return next((name for c, name in taxonomies.TAXONOMIES[key][2] if c == code), code)


def when_text(moment: datetime | None) -> str:
    """'Tuesday 3 March, 10am'."""
    if moment is None:
        return ""
    return f"{moment:%A} {moment.day} {moment:%B}, {schedules.format_time(moment.time())}"


def miles(km: float | None) -> float | None:
    return None if km is None else km / KM_PER_MILE


def osm_link(latitude: float, longitude: float) -> str:
    return f"https://www.openstreetmap.org/?mlat={latitude:.5f}&mlon={longitude:.5f}#map=16/{latitude:.5f}/{longitude:.5f}"


class PublicAreaMixin:
    """A public Local Offer page: the area comes from the URL; nobody needs to sign in."""

    area: LocalArea

    def dispatch(self, request, *args, **kwargs):
        self.area = get_object_or_404(LocalArea, slug=kwargs["area_slug"])
        return super().dispatch(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["area"] = self.area
        context["breadcrumbs"] = self.get_breadcrumbs()
        return context

    def search_url(self) -> str:
        return reverse("directory:search", args=[self.area.slug])

    def get_breadcrumbs(self):
        return [("Home", "/"), (f"{self.area.name} Local Offer", self.search_url())]


# Public search ----------------------------------------------------------------------------------------


@dataclass
class Result:
    service: Service
    miles: float | None
    next_meeting: datetime | None
    terms: dict
    district: str
    partial_match: bool = False  # matches only some of the keywords: labelled, and ranked after the full matches

    @property
    def next_meeting_text(self) -> str:
        return when_text(self.next_meeting)


def search_summary(total: int, data: dict, place) -> str:
    """'3 support groups for autism within 5 miles of PR1', from the active filters."""
    one, many = TYPE_NOUNS.get(data.get("type") or "", ("service", "services"))
    parts = [f"{total:,} {one if total == 1 else many}"]
    if data.get("need"):
        parts.append(f"for {_lower_first(_term_name(taxonomies.NEED, data['need']))}")
    age = data.get("age")
    if age in taxonomies.AGE_RANGES:
        low, high = taxonomies.AGE_RANGES[age]
        parts.append(f"for ages {low} to {high}")
    elif age:
        parts.append(f"for {_lower_first(_term_name(taxonomies.AGE_GROUP, age))}")
    if data.get("free"):
        parts.append("that are free")
    if data.get("day"):
        parts.append(f"on {DAY_NAMES[data['day']]}s")
    if place is not None:
        if data.get("miles"):
            unit = "mile" if data["miles"] == "1" else "miles"
            parts.append(f"within {data['miles']} {unit} of {place.label}")
        else:
            parts.append(f"near {place.label}")
    if (data.get("q") or "").strip():
        parts.append(f"matching \u201c{data['q'].strip()}\u201d")
    return " ".join(parts)


def page_number(raw: str | None) -> int:
    """The page asked for: 1 when it is not a whole number from 1, and at most MAX_PAGE (a larger number would
    overflow the database's offset arithmetic, and no search has that many pages anyway)."""
    text = (raw or "").strip()
    if not (text.isascii() and text.isdigit()):
        return 1
    if len(text) > len(str(MAX_PAGE)):  # never int() a number thousands of digits long
        return MAX_PAGE
    return max(1, min(int(text), MAX_PAGE))


class SearchView(PublicAreaMixin, TemplateView):
    template_name = "directory/search.html"

    def get_breadcrumbs(self):
        return [("Home", "/")]

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        params = self.request.GET
        form = SearchForm(params or None)
        context["form"] = form
        searched = bool(params) and form.is_valid()
        if params and not searched:
            return context
        data = form.cleaned_data if searched else {}
        place = None
        if (data.get("near") or "").strip():
            try:
                place = geo.resolve_place(data["near"], area=self.area)
            except geo.PlaceNotFound as exc:
                form.add_error("near", place_message(exc))
                return context
        radius_km = float(data["miles"]) * KM_PER_MILE if data.get("miles") and place else None
        sort = "distance" if data.get("sort") == "distance" and place else "relevance"
        criteria = dict(
            area=self.area,
            text=(data.get("q") or "").strip(),
            service_type=data.get("type") or None,
            need=data.get("need") or None,
            age=data.get("age") or None,
            free=bool(data.get("free")),
            day=data.get("day") or None,
            near=place.point if place else None,
            radius_km=radius_km,
            sort=sort,
            per_page=PER_PAGE,
        )
        found = search.search_services(**criteria, page=page_number(params.get("page")))
        if found.page > found.pages:
            # Past the last page (an old link, or a made-up number): the last page, as Paginator.get_page gives.
            found = search.search_services(**criteria, page=found.pages)
        ids = [hit.service.pk for hit in found.hits]
        terms = selectors.terms_by_service(ids)
        context.update(
            searched=searched,
            place=place,
            total=found.total,
            summary=search_summary(found.total, data, place),
            results=[
                Result(
                    service=hit.service,
                    miles=miles(hit.distance_km),
                    next_meeting=hit.next_meeting,
                    terms=terms.get(hit.service.pk) or selectors.empty_terms(),
                    district=hit.district,
                    partial_match=hit.partial_match,
                )
                for hit in found.hits
            ],
            order=found.order,
            page_obj=Paginator(range(found.total), PER_PAGE).get_page(found.page) if found.total else None,
        )
        return context


# Service page and problem reports ---------------------------------------------------------------------


def public_service(area: LocalArea, pk) -> Service:
    return get_object_or_404(
        Service.objects.select_related("organization", "area").exclude(status=Service.Status.DEFUNCT),
        area=area, pk=pk, is_published=True,
    )


class ServiceView(PublicAreaMixin, TemplateView):
    template_name = "directory/service.html"
    form: ProblemReportForm | None = None

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        service = public_service(self.area, kwargs["pk"])
        sals = list(
            ServiceAtLocation.objects.filter(service=service)
            .select_related("location")
            .prefetch_related("location__addresses", "location__accessibility", "location__phones")
            .order_by("location__name", "id")
        )
        rules = list(
            Schedule.objects.filter(Q(service=service) | Q(service_at_location__service=service))
            .distinct()
            .order_by("opens_at", "id")
        )
        context.update(
            service=service,
            # Only an http(s) address is linked: one stored before imports checked them could be javascript:.
            website=weblinks.web_url_or_blank(service.url),
            locations=[
                {
                    "location": sal.location,
                    "addresses": list(sal.location.addresses.all()),
                    "accessibility": list(sal.location.accessibility.all()),
                    "map_url": osm_link(sal.location.latitude, sal.location.longitude)
                    if sal.location.latitude is not None and sal.location.longitude is not None
                    else "",
                }
                for sal in sals
            ],
            schedules=[schedules.describe(s) for s in rules],
            next_meeting=when_text(schedules.next_meeting(service, timezone.now())) if rules else "",
            phones=list(service.phones.all()),
            contacts=list(service.contacts.prefetch_related("phones")),
            cost_options=[c for c in service.cost_options.all() if c.option not in {"", "Free"}],
            terms=selectors.terms_by_service([service.pk])[service.pk],
            form=self.form or ProblemReportForm(),
            report_url=reverse("directory:report", args=[self.area.slug, service.pk]),
        )
        return context


class ReportProblemView(PublicAreaMixin, View):
    """POST only: the form lives on the service page. Rate-limited per address; a filled honeypot is thanked
    and dropped."""

    def get(self, request, *args, **kwargs):
        service = public_service(self.area, kwargs["pk"])
        return HttpResponseRedirect(service.get_absolute_url() + "#report-a-problem")

    def post(self, request, *args, **kwargs):
        service = public_service(self.area, kwargs["pk"])
        rate = getattr(settings, "SENDHUB_REPORT_RATE", REPORT_RATE)
        if is_ratelimited(request, group="directory:report", key="ip", rate=rate, method="POST", increment=True):
            return render(request, "directory/rate_limited.html",
                          {"service": service, "area": self.area}, status=429)
        form = ProblemReportForm(request.POST)
        if not form.is_valid():
            view = ServiceView(request=request, args=args, kwargs=kwargs, form=form, area=self.area)
            return render(request, ServiceView.template_name, view.get_context_data(**kwargs))
        if not form.is_spam:
            services.report_problem(
                service=service,
                problem=form.cleaned_data["problem"],
                details=form.cleaned_data["details"],
                email=form.cleaned_data.get("email") or "",
            )
        return HttpResponseRedirect(reverse("directory:report-sent", args=[self.area.slug, service.pk]))


class ReportSentView(PublicAreaMixin, TemplateView):
    template_name = "directory/report_sent.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["service"] = public_service(self.area, kwargs["pk"])
        return context


# Staff: listings --------------------------------------------------------------------------------------


def editable_organisations(user, area: LocalArea):
    """The providers whose listings this person may create or change (publish or propose)."""
    providers = DirectoryOrganisation.objects.filter(area=area)
    if user.has_perm("area.manage", area):
        return providers
    if role_in(user, area) != Role.EDITOR:
        return providers.none()
    membership = membership_for(user, area)
    if membership is None or membership.organisation_id is None:
        return providers.none()
    return providers.filter(partner_id=membership.organisation_id)


class DirectoryStaffMixin(AreaMixin):
    def get_breadcrumbs(self):
        return [*super().get_breadcrumbs(), ("Local Offer listings", self.area_url("directory:listing-list"))]


class ListingListView(DirectoryStaffMixin, ListView):
    template_name = "directory/listing_list.html"
    paginate_by = STAFF_PAGE_SIZE

    def get_queryset(self):
        self.filter_form = ListingFilterForm(self.request.GET or None)
        filters = self.filter_form.cleaned_data if self.filter_form.is_valid() else {}
        return selectors.listing_list(self.area, filters, today=timezone.localdate())

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        user = self.request.user
        context.update(
            filter_form=self.filter_form,
            today=timezone.localdate(),
            pending_ids=selectors.pending_service_ids(self.area),
            editable_ids={s.pk for s in context["object_list"] if user.has_perm("listing.propose", s)},
            can_create=editable_organisations(user, self.area).exists(),
            pending_count=selectors.pending_changes(self.area).count() if context["can_manage"] else 0,
        )
        return context

    def get_breadcrumbs(self):
        return AreaMixin.get_breadcrumbs(self)


class ListingFormMixin(DirectoryStaffMixin):
    template_name = "directory/listing_form.html"
    form_class = ListingForm
    service: Service | None = None

    def get_form_kwargs(self):
        self.organisations = editable_organisations(self.request.user, self.area)
        return {**super().get_form_kwargs(), "area": self.area, "organisations": self.organisations}

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        publishes = self.publishes()
        context.update(
            page_title=self.page_title(),
            service=self.service,
            publishes=publishes,
            submit_label="Save and publish" if publishes else "Send for approval",
            back_url=self.service.get_absolute_url() if self.service else self.area_url("directory:listing-list"),
            pending=self.service is not None and ListingChange.objects.filter(
                service=self.service, status=ListingChange.Status.PENDING).exists(),
        )
        return context

    def publishes(self, organisation=None) -> bool:
        """Whether saving publishes at once (administrators) rather than waiting for approval."""
        user = self.request.user
        if organisation is not None:
            return user.has_perm("listing.publish", Service(area=self.area, organization=organisation))
        if self.service is not None:
            return user.has_perm("listing.publish", self.service)
        return user.has_perm("area.manage", self.area)

    def form_valid(self, form):
        data = form.listing_data()
        organisation = form.cleaned_data["organization"]
        user = self.request.user
        probe = Service(area=self.area, organization=organisation)
        if self.service is not None and not user.has_perm("listing.propose", self.service):
            raise PermissionDenied("You cannot change this listing")
        if self.publishes(organisation) and self.publishes():
            service = services.save_listing(area=self.area, data=data, user=user, service=self.service)
            messages.success(self.request, f"{service.name} is published")
            return HttpResponseRedirect(service.get_absolute_url())
        if not user.has_perm("listing.propose", probe):
            raise PermissionDenied("You cannot propose listings for this provider")
        change = services.propose_change(area=self.area, data=data, user=user, service=self.service)
        return HttpResponseRedirect(self.area_url("directory:change-waiting", change.pk))


class ListingCreateView(ListingFormMixin, FormView):
    def get_form_kwargs(self):
        kwargs = super().get_form_kwargs()
        if not self.organisations.exists():
            raise PermissionDenied("Only administrators and providers' editors can add listings")
        return kwargs

    def get_initial(self):
        initial = super().get_initial()
        if self.organisations.count() == 1:
            initial["organization"] = self.organisations.first()
        initial["frequency"] = "WEEKLY"
        return initial

    def page_title(self):
        return "Add a listing"


class ListingEditView(ListingFormMixin, FormView):
    def get_form_kwargs(self):
        self.service = get_object_or_404(Service.objects.select_related("organization"), area=self.area,
                                         pk=self.kwargs["pk"])
        if not self.request.user.has_perm("listing.propose", self.service):
            raise PermissionDenied("Only administrators and the provider's editors can change this listing")
        kwargs = super().get_form_kwargs()
        if not self.request.user.has_perm("area.manage", self.area):
            kwargs["organisations"] = self.organisations | DirectoryOrganisation.objects.filter(
                pk=self.service.organization_id)
        return kwargs

    def get_initial(self):
        return services.form_initial(services.listing_data(self.service))

    def page_title(self):
        return f"Edit {self.service.name}"


class ChangeWaitingView(DirectoryStaffMixin, TemplateView):
    template_name = "directory/change_waiting.html"

    def get_context_data(self, **kwargs):
        change = get_object_or_404(ListingChange.objects.select_related("service"), area=self.area, pk=kwargs["pk"])
        if change.proposed_by_id != self.request.user.pk and not self.request.user.has_perm("area.manage", self.area):
            raise PermissionDenied("This is someone else's change")
        context = super().get_context_data(**kwargs)
        context["change"] = change
        context["name"] = change.proposed.get("name") or (change.service.name if change.service else "")
        return context


# Staff: approvals -------------------------------------------------------------------------------------


def change_diff(change: ListingChange) -> list[dict]:
    before = services.listing_data(change.service) if change.service else None
    return services.diff(before, change.proposed)


class ApprovalsView(DirectoryStaffMixin, TemplateView):
    template_name = "directory/approvals.html"
    area_permission = "area.manage"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        changes = list(selectors.pending_changes(self.area))
        context["changes"] = [{"change": c, "diff": change_diff(c)} for c in changes]
        context["recent"] = list(
            ListingChange.objects.filter(area=self.area).exclude(status=ListingChange.Status.PENDING)
            .select_related("service", "proposed_by", "reviewed_by").order_by("-reviewed_at", "-pk")[:10]
        )
        return context


class ChangeReviewView(DirectoryStaffMixin, TemplateView):
    template_name = "directory/change_review.html"
    area_permission = "area.manage"

    def get_change(self) -> ListingChange:
        return get_object_or_404(
            ListingChange.objects.select_related("service", "proposed_by"), area=self.area, pk=self.kwargs["pk"]
        )

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        change = self.get_change()
        context.update(change=change, diff=change_diff(change),
                       name=change.proposed.get("name") or (change.service.name if change.service else ""))
        context.setdefault("form", RejectForm())
        return context

    def post(self, request, *args, **kwargs):
        change = self.get_change()
        try:
            if request.POST.get("decision") == "approve":
                service = services.approve_change(change, user=request.user)
                messages.success(request, f"Change approved: {service.name} is published")
                return HttpResponseRedirect(self.area_url("directory:approvals"))
            form = RejectForm(request.POST)
            if not form.is_valid():
                return self.render_to_response(self.get_context_data(form=form, **kwargs))
            services.reject_change(change, user=request.user, note=form.cleaned_data["note"])
            messages.success(request, "Change rejected: the listing is unchanged")
        except services.ChangeNotPending as exc:
            messages.info(request, str(exc))
        return HttpResponseRedirect(self.area_url("directory:approvals"))

    def get_breadcrumbs(self):
        return [*super().get_breadcrumbs(), ("Approvals", self.area_url("directory:approvals"))]


# Staff: data quality and coverage ---------------------------------------------------------------------


class DataQualityView(DirectoryStaffMixin, TemplateView):
    template_name = "directory/data_quality.html"
    area_permission = "area.manage"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        today = timezone.localdate()
        context.update(
            today=today,
            stale=selectors.stale_listings(self.area, today),
            missing=selectors.missing_fields(self.area),
            duplicates=selectors.possible_duplicates(self.area),
            problems=list(selectors.open_problem_reports(self.area)),
            problem_names=PROBLEM_NAMES,
        )
        return context


class ProblemResolveView(DirectoryStaffMixin, View):
    area_permission = "area.manage"

    def post(self, request, *args, **kwargs):
        report = get_object_or_404(ProblemReport, service__area=self.area, pk=kwargs["pk"])
        status = request.POST.get("status")
        if status not in {ProblemReport.Status.RESOLVED, ProblemReport.Status.DISMISSED}:
            messages.info(request, "Choose whether the problem is resolved or dismissed")
        else:
            services.resolve_problem(report, user=request.user, status=status)
            word = "resolved" if status == ProblemReport.Status.RESOLVED else "dismissed"
            messages.success(request, f"Problem with {report.service.name} {word}")
        return HttpResponseRedirect(self.area_url("directory:data-quality") + "#problems")


class CoverageView(DirectoryStaffMixin, TemplateView):
    template_name = "directory/coverage.html"
    area_permission = "area.view"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        form = CoverageForm(self.request.GET or None)
        km = 10
        if form.is_valid() and form.cleaned_data.get("km"):
            km = form.cleaned_data["km"]
        needs, rows = selectors.coverage(self.area, km)
        context.update(form=form, km=km, needs=needs, rows=rows,
                       gaps=sum(1 for r in rows for c in r.cells if not c.covered))
        return context
