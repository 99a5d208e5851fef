"""Staff pages for parent carer voice: insights, comments and their themes, co-production, "You said, we did".

Members of the area read; administrators, editors and forum members confirm or correct themes
(``area.comment``); administrators and Parent Carer Forum members record co-production and draft "You said, we
did" entries (``area.coproduce``); administrators publish entries, review safeguarding alerts, read original
wording (only where the writer consented) and retrain the model (``area.manage``).
"""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.views import View
from django.views.generic import DetailView, FormView, ListView, TemplateView

from sendhub.accounts.mixins import AreaMixin
from sendhub.accounts.models import LocalArea
from sendhub.voice import coproduction, insights
from sendhub.voice.forms_staff import CommentFilterForm, CommentReviewForm, CoproductionForm, YouSaidWeDidForm
from sendhub.voice.models import Comment, CommentTag, CoproductionActivity, SystemPart, Theme, YouSaidWeDid
from sendhub.web import history
from sendhub.web.charts import Series, line_chart
from sendhub.web.views import FormPageMixin

PAGE_SIZE = 25
CHART_THEMES = 5  # the chart shows the most mentioned themes; the table beside it has every theme


class VoiceMixin(AreaMixin):
    @property
    def is_administrator(self) -> bool:
        return self.request.user.has_perm("area.manage", self.area)

    def get_breadcrumbs(self):
        return [*super().get_breadcrumbs(), ("Parent carer voice", self.area_url("voice:overview"))]

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["can_coproduce"] = self.request.user.has_perm("area.coproduce", self.area)
        return context


def _timeline_chart(timeline: insights.Timeline, rows: list[insights.ThemeRow], *, title: str, chart_id: str):
    labels = [p.label for p in timeline.periods]
    return line_chart(
        [Series(row.label, list(zip(labels, row.counts, strict=True))) for row in rows], title=title, chart_id=chart_id
    )


# Insights ----------------------------------------------------------------------------------------------


class OverviewView(VoiceMixin, TemplateView):
    template_name = "voice/staff/overview.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        today = timezone.localdate()
        overview = insights.overview(self.area, today=today)
        context["overview"] = overview
        context["chart_rows"] = overview.timeline.top(CHART_THEMES)
        context["chart"] = _timeline_chart(
            overview.timeline,
            context["chart_rows"],
            title=f"Comments on the {CHART_THEMES} most mentioned themes, by quarter",
            chart_id="themes-chart",
        )
        context["emerging_min_count"] = insights.EMERGING_MIN_COUNT
        context["threshold_percent"] = round(100 * insights.tag_threshold())
        if self.is_administrator:
            context["safeguarding_queue"] = insights.safeguarding_queue(self.area)
        return context

    def get_breadcrumbs(self):
        return AreaMixin.get_breadcrumbs(self)


class ThemeDetailView(VoiceMixin, TemplateView):
    template_name = "voice/staff/theme_detail.html"

    def get_context_data(self, **kwargs):
        theme = kwargs["theme"]
        if theme not in Theme.values:
            raise Http404("No such theme")
        context = super().get_context_data(**kwargs)
        today = timezone.localdate()
        data = insights.theme_page(self.area, theme, today=today)
        timeline = data.timeline
        row = timeline.rows[0]
        context.update(
            theme=theme,
            theme_label=Theme(theme).label,
            timeline=timeline,
            months=list(zip(timeline.periods, row.counts, strict=True)),
            total=data.total,
            chart=_timeline_chart(timeline, [row], title=f"Comments about {Theme(theme).label} by month",
                                  chart_id="theme-chart"),
            examples=data.examples,
            findings=data.findings,
            you_said_we_did=YouSaidWeDid.objects.filter(area=self.area, theme=theme).order_by("-published_on", "-pk"),
            comments_url=self.area_url("voice:comment-list") + f"?theme={theme}",
        )
        return context


# Comments ----------------------------------------------------------------------------------------------


class CommentListView(VoiceMixin, ListView):
    template_name = "voice/staff/comment_list.html"
    paginate_by = PAGE_SIZE

    def get_queryset(self):
        self.filter_form = CommentFilterForm(
            self.request.GET or None, area=self.area, administrator=self.is_administrator
        )
        filters = self.filter_form.cleaned_data if self.filter_form.is_valid() else {}
        return insights.comment_list(self.area, administrator=self.is_administrator, filters=filters)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["filter_form"] = self.filter_form
        context["theme_labels"] = dict(Theme.choices)
        context["threshold"] = insights.tag_threshold()
        return context


class CommentPageMixin(VoiceMixin):
    def load_comment(self) -> Comment:
        comments = insights.visible_comments(self.area, administrator=self.is_administrator)
        self.comment = get_object_or_404(
            comments.select_related("feedback", "answer_response__wave__survey", "question", "area"),
            pk=self.kwargs["pk"],
        )
        return self.comment


class CommentDetailView(CommentPageMixin, TemplateView):
    """The comment, its themes and sentiment; members who may comment confirm or correct them here."""

    template_name = "voice/staff/comment_detail.html"

    def tags(self) -> list[CommentTag]:
        return list(
            self.comment.tags.select_related("confirmed_by").order_by("rejected", "-confirmed", "-confidence")
        )

    def get(self, request, *args, **kwargs):
        self.load_comment()
        form = None
        if request.user.has_perm("area.comment", self.area):
            form = CommentReviewForm(comment=self.comment, tags=self.tags())
        return self.render_to_response(self.get_context_data(form=form))

    def post(self, request, *args, **kwargs):
        self.load_comment()
        if not request.user.has_perm("area.comment", self.area):
            raise PermissionDenied("Only administrators, editors and forum members can confirm or correct themes.")
        form = CommentReviewForm(request.POST, comment=self.comment, tags=self.tags())
        if not form.is_valid():
            return self.render_to_response(self.get_context_data(form=form))
        changes = form.save(request.user)
        done = [f"{n} {what}" for what, n in changes.items() if n]
        messages.success(request, "Themes saved" + (f": {', '.join(done)}" if done else ""))
        return HttpResponseRedirect(self.comment.get_absolute_url())

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        comment = self.comment
        tags = self.tags()
        context.update(
            comment=comment,
            tags=tags,
            threshold=insights.tag_threshold(),
            part_labels=dict(SystemPart.choices),
            show_original=self.is_administrator and bool(comment.original_text),
            linked_findings=list(comment.findings.select_related("inspection").order_by("reference")),
            history=history.merged(
                history.entries_for(comment),
                *[history.entries_for(tag, label=f"Theme: {tag.get_theme_display()}") for tag in tags],
            ),
        )
        return context

    def get_breadcrumbs(self):
        return [*super().get_breadcrumbs(), ("Comments", self.area_url("voice:comment-list"))]


class SafeguardingReviewedView(CommentPageMixin, View):
    """An administrator records that a flagged comment has been read and the safeguarding procedure followed."""

    area_permission = "area.manage"

    def post(self, request, *args, **kwargs):
        comment = self.load_comment()
        if comment.safeguarding and comment.safeguarding_reviewed_at is None:
            comment.safeguarding_reviewed_by, comment.safeguarding_reviewed_at = request.user, timezone.now()
            comment._history_user = request.user
            comment.save(update_fields=["safeguarding_reviewed_by", "safeguarding_reviewed_at"])
            messages.success(request, "Safeguarding alert marked as reviewed")
        return HttpResponseRedirect(_next_url(request, self.area_url("voice:overview")))


class RetrainView(VoiceMixin, View):
    """Retrain the area's theme model now from the comments staff have confirmed (also a scheduled task)."""

    area_permission = "area.manage"

    def post(self, request, *args, **kwargs):
        from sendhub.voice import training

        try:
            result = training.retrain(self.area)
        except Exception as exc:  # noqa: BLE001 - any training failure is reported to the administrator
            messages.error(request, f"The model was not retrained: {exc}")
        else:
            insights.changed(self.area)
            messages.success(request, _describe_training(result))
        return HttpResponseRedirect(_next_url(request, self.area_url("voice:overview")))


def _describe_training(result) -> str:
    size = getattr(result, "training_size", None)
    confirmed = getattr(result, "confirmed_examples", None)
    if size is not None:
        text = f"Model retrained on {size:,} comments"
        if confirmed is not None:
            text += f", {confirmed:,} of them confirmed by staff"
        metrics = getattr(result, "metrics", None) or {}
        if "macro_f1" in metrics:
            text += f" (macro-F1 {metrics['macro_f1']:.2f})"
        return text
    return f"Model retrained: {result}" if result else "Model retrained"


def _next_url(request, default: str) -> str:
    target = request.POST.get("next") or ""
    if target and url_has_allowed_host_and_scheme(target, {request.get_host()}, require_https=request.is_secure()):
        return target
    return default


# The Parent Carer Forum's page ----------------------------------------------------------------------------


class ForumView(VoiceMixin, TemplateView):
    """Where a forum member lands after signing in: their co-production, drafts and the plan's latest comments."""

    template_name = "voice/staff/forum.html"
    area_permission = "area.coproduce"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["forum"] = coproduction.forum_overview(self.area)
        return context


# Co-production -----------------------------------------------------------------------------------------


class CoproductionMixin(VoiceMixin):
    def get_breadcrumbs(self):
        return [*super().get_breadcrumbs(), ("Co-production", self.area_url("voice:coproduction-list"))]


class CoproductionListView(VoiceMixin, ListView):
    template_name = "voice/staff/coproduction_list.html"
    paginate_by = PAGE_SIZE

    def get_queryset(self):
        return (
            CoproductionActivity.objects.filter(area=self.area)
            .prefetch_related("organisations", "actions")
            .order_by("-held_on", "-pk")
        )


class CoproductionDetailView(CoproductionMixin, DetailView):
    template_name = "voice/staff/coproduction_detail.html"
    context_object_name = "activity"

    def get_queryset(self):
        return CoproductionActivity.objects.filter(area=self.area).prefetch_related("organisations", "actions")

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["history"] = history.entries_for(self.object, label="Activity")
        return context


class CoproductionFormMixin(FormPageMixin, CoproductionMixin):
    area_permission = "area.coproduce"  # administrators and the Parent Carer Forum
    form_class = CoproductionForm

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "area": self.area}

    def form_valid(self, form):
        activity = form.save()
        messages.success(self.request, f"\u201c{activity.title}\u201d saved")
        return HttpResponseRedirect(self.area_url("voice:coproduction-detail", activity.pk))

    def get_back_url(self):
        return self.area_url("voice:coproduction-list")


class CoproductionCreateView(CoproductionFormMixin, FormView):
    page_title = "Log a co-production activity"
    submit_label = "Save activity"


class CoproductionEditView(CoproductionFormMixin, FormView):
    submit_label = "Save changes"

    def get_form_kwargs(self):
        self.activity = get_object_or_404(CoproductionActivity, area=self.area, pk=self.kwargs["pk"])
        return {**super().get_form_kwargs(), "instance": self.activity}

    def get_page_title(self):
        return f"Edit \u201c{self.activity.title}\u201d"

    def get_back_url(self):
        return self.area_url("voice:coproduction-detail", self.activity.pk)


# You said, we did ----------------------------------------------------------------------------------------


class YsdMixin(VoiceMixin):
    def get_breadcrumbs(self):
        return [*super().get_breadcrumbs(), ("You said, we did", self.area_url("voice:ysd-list"))]


class YsdListView(VoiceMixin, ListView):
    template_name = "voice/staff/ysd_list.html"
    paginate_by = PAGE_SIZE

    def get_queryset(self):
        return YouSaidWeDid.objects.filter(area=self.area).prefetch_related("actions").order_by(
            "is_published", "-published_on", "-pk"
        )

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["public_url"] = self.area_url("you-said-we-did:index")
        return context


class YsdDetailView(YsdMixin, DetailView):
    template_name = "voice/staff/ysd_detail.html"
    context_object_name = "entry"

    def get_queryset(self):
        return YouSaidWeDid.objects.filter(area=self.area).prefetch_related("actions")

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["history"] = history.entries_for(self.object, label="You said, we did")
        context["public_url"] = self.area_url("you-said-we-did:index")
        return context


class YsdFormMixin(FormPageMixin, YsdMixin):
    area_permission = "area.coproduce"  # administrators and forum members draft; only administrators publish
    form_class = YouSaidWeDidForm

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "area": self.area}

    def form_valid(self, form):
        entry = form.save()
        if entry.is_published:
            note = ""
        elif self.is_administrator:
            note = ": publish it to show it on the public page"
        else:
            note = " as a draft: an area administrator publishes it on the public page"
        messages.success(self.request, "\u201cYou said, we did\u201d entry saved" + note)
        return HttpResponseRedirect(self.area_url("voice:ysd-detail", entry.pk))

    def get_back_url(self):
        return self.area_url("voice:ysd-list")


class YsdCreateView(YsdFormMixin, FormView):
    page_title = "Add a \u201cYou said, we did\u201d entry"
    submit_label = "Save entry"


class YsdEditView(YsdFormMixin, FormView):
    submit_label = "Save changes"
    page_title = "Edit \u201cYou said, we did\u201d entry"

    def get_form_kwargs(self):
        self.entry = get_object_or_404(YouSaidWeDid, area=self.area, pk=self.kwargs["pk"])
        if self.entry.is_published and not self.is_administrator:
            # A published entry is on the public page: changing it is publishing, which administrators do.
            raise PermissionDenied(
                "This entry is on the public page, so only an area administrator can change it. "
                "Ask an administrator to take it off the public page first."
            )
        return {**super().get_form_kwargs(), "instance": self.entry}

    def get_back_url(self):
        return self.area_url("voice:ysd-detail", self.entry.pk)


class YsdPublishView(YsdMixin, View):
    """POST ``publish`` to show the entry on the public page, ``unpublish`` to take it off."""

    area_permission = "area.manage"

    def post(self, request, *args, **kwargs):
        entry = get_object_or_404(YouSaidWeDid, area=self.area, pk=kwargs["pk"])
        if request.POST.get("publish") == "unpublish":
            coproduction.unpublish(entry, user=request.user)
            messages.success(request, "Entry taken off the public page")
        else:
            coproduction.publish(entry, user=request.user, today=timezone.localdate())
            messages.success(request, "Entry published on the public \u201cYou said, we did\u201d page")
        return HttpResponseRedirect(self.area_url("voice:ysd-detail", entry.pk))


class PublicYouSaidWeDidView(TemplateView):
    """The public page (no sign-in): what families told the partnership and what changed."""

    template_name = "voice/staff/ysd_public.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        area = get_object_or_404(LocalArea, slug=kwargs["area_slug"])
        context["area"] = area
        context["entries"] = coproduction.published(area)
        return context
