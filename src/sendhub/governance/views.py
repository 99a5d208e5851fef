"""Board pages. Views parse input with a form, call a service or selector, and render.

Every member of the area reads (``area.view``, so DfE and NHS England monitors see the whole record);
administrators write (``area.manage``). Once a meeting's minutes are approved its record is closed: the write
pages send the visitor back to the meeting with the reason (the services refuse too, whatever the page).
"""

from __future__ import annotations

from functools import cached_property

from django.contrib import messages
from django.http import FileResponse, Http404, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.utils import timezone
from django.views import View
from django.views.generic import FormView, ListView, TemplateView

from sendhub.accounts import audit
from sendhub.accounts.mixins import AreaMixin
from sendhub.governance import selectors, services
from sendhub.governance.forms import (
    ActionArisingForm,
    AgendaItemForm,
    ApproveMinutesForm,
    BoardForm,
    DecisionForm,
    MeetingForm,
    MinutesForm,
    PaperForm,
    PromoteForm,
)
from sendhub.governance.models import DEFAULT_BOARD_NAME, ActionArising, AgendaItem, Meeting, Paper, long_date
from sendhub.web import history
from sendhub.web.views import FormPageMixin

PAGE_SIZE = 25


class BoardMixin(AreaMixin):
    @cached_property
    def board(self):
        return selectors.board(self.area)

    def get_breadcrumbs(self):
        name = self.board.name if self.board else DEFAULT_BOARD_NAME
        return [*super().get_breadcrumbs(), (name, self.area_url("governance:meeting-list"))]


class MeetingMixin(BoardMixin):
    """Loads the meeting named in the URL, from this area only (an id from another area is a 404)."""

    @cached_property
    def meeting(self) -> Meeting:
        try:
            return selectors.meeting(self.area, self.kwargs["pk"])
        except Meeting.DoesNotExist:
            raise Http404("No such meeting in this area") from None

    @property
    def meeting_date(self) -> str:
        return long_date(self.meeting.held_on)

    def get_back_url(self) -> str:
        return self.meeting.get_absolute_url()

    def get_breadcrumbs(self):
        return [*super().get_breadcrumbs(), (f"Meeting, {self.meeting_date}", self.meeting.get_absolute_url())]


class OpenRecordMixin:
    """Write pages for a meeting's record: refused, with the reason, once the minutes are approved."""

    def closed_response(self):
        meeting = self.meeting  # type: ignore[attr-defined]
        if not meeting.minutes_are_approved:
            return None
        messages.error(
            self.request,  # type: ignore[attr-defined]
            f"The minutes of this meeting were approved at the {meeting.minutes_approved_at_meeting}: "
            "its record can no longer be changed",
        )
        return HttpResponseRedirect(meeting.get_absolute_url())

    def get(self, request, *args, **kwargs):
        return self.closed_response() or super().get(request, *args, **kwargs)  # type: ignore[misc]

    def post(self, request, *args, **kwargs):
        return self.closed_response() or super().post(request, *args, **kwargs)  # type: ignore[misc]


def refused(view: FormView, form, error: services.GovernanceError) -> HttpResponse:
    """Show a service's refusal on the form, on the field it is about if the form has it: nothing was saved."""
    form.add_error(error.field if error.field in form.fields else None, str(error))
    return view.form_invalid(form)


# Board and meetings ----------------------------------------------------------------------------------------


class MeetingListView(BoardMixin, ListView):
    """The board: its terms of reference, upcoming meetings and past meetings (paged)."""

    template_name = "governance/meeting_list.html"
    paginate_by = PAGE_SIZE
    context_object_name = "past_meetings"

    def get_queryset(self):
        return selectors.past_meetings(self.area, timezone.localdate())

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["board"] = self.board
        context["board_name"] = self.board.name if self.board else DEFAULT_BOARD_NAME
        context["upcoming_meetings"] = selectors.upcoming_meetings(self.area, timezone.localdate())
        context["history"] = history.entries_for(self.board, label="Board") if self.board else []
        return context

    def get_breadcrumbs(self):
        return AreaMixin.get_breadcrumbs(self)


class BoardEditView(FormPageMixin, BoardMixin, FormView):
    area_permission = "area.manage"
    form_class = BoardForm
    submit_label = "Save board"

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "area": self.area, "instance": services.board_for(self.area)}

    def get_page_title(self):
        return "Edit the board's details" if self.board else "Set up the board"

    def get_back_url(self):
        return self.area_url("governance:meeting-list")

    def form_valid(self, form):
        try:
            board = services.board_save(board=form.save(commit=False), saved_by=self.request.user)
        except services.GovernanceError as error:
            return refused(self, form, error)
        messages.success(self.request, f"{board.name} saved")
        return HttpResponseRedirect(board.get_absolute_url())


class MeetingDetailView(MeetingMixin, TemplateView):
    template_name = "governance/meeting_detail.html"

    @cached_property
    def meeting(self) -> Meeting:
        try:
            return selectors.meeting_detail(self.area, self.kwargs["pk"])
        except Meeting.DoesNotExist:
            raise Http404("No such meeting in this area") from None

    def get_context_data(self, **kwargs):
        meeting = self.meeting
        context = super().get_context_data(**kwargs)
        items = list(meeting.agenda_items.all())
        for item in items:
            item.measure_links = selectors.measure_links(self.area, item.measures)
            item.report_links = [selectors.report_link(report) for report in item.reports.all()]
        arising = list(meeting.actions_arising.all())
        context.update(
            meeting=meeting,
            agenda_items=items,
            papers=list(meeting.papers.all()),
            decisions=list(meeting.decisions.all()),
            actions_arising=arising,
            approved_minutes_of=list(meeting.minutes_approved.all()),
            record_open=not meeting.minutes_are_approved,
            can_write_minutes=(
                not meeting.minutes_are_approved
                and meeting.status != Meeting.Status.CANCELLED
                and meeting.held_on <= timezone.localdate()
            ),
            history=history.merged(
                history.entries_for(meeting, label="Meeting"),
                *[history.entries_for(i, label=f"Agenda item {i.position}: {i.title}") for i in items],
                *[history.entries_for(p, label=f"Paper: {p.title}") for p in meeting.papers.all()],
                *[history.entries_for(d, label="Decision") for d in meeting.decisions.all()],
                *[history.entries_for(a, label=f"Action arising: {a.title}") for a in arising],
                limit=80,
            ),
        )
        return context

    def get_breadcrumbs(self):
        return BoardMixin.get_breadcrumbs(self)


class MeetingCreateView(FormPageMixin, BoardMixin, FormView):
    area_permission = "area.manage"
    form_class = MeetingForm
    page_title = "Add a meeting"
    submit_label = "Save meeting"

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "board": self.board, "today": timezone.localdate()}

    def get_back_url(self):
        return self.area_url("governance:meeting-list")

    def form_valid(self, form):
        meeting = form.save(commit=False)
        if self.board is not None:
            meeting.board = self.board
        try:
            services.meeting_save(meeting=meeting, area=self.area, saved_by=self.request.user)
        except services.GovernanceError as error:
            return refused(self, form, error)
        messages.success(self.request, f"Meeting on {long_date(meeting.held_on)} saved")
        return HttpResponseRedirect(meeting.get_absolute_url())


class MeetingEditView(OpenRecordMixin, FormPageMixin, MeetingMixin, FormView):
    area_permission = "area.manage"
    form_class = MeetingForm
    submit_label = "Save changes"

    def get_form_kwargs(self):
        return {
            **super().get_form_kwargs(),
            "board": self.meeting.board,
            "today": timezone.localdate(),
            # A copy: the page's title and breadcrumbs keep the saved date while the form shows what was typed.
            "instance": selectors.meeting(self.area, self.meeting.pk),
        }

    def get_page_title(self):
        return f"Edit the meeting on {self.meeting_date}"

    def form_valid(self, form):
        meeting = form.save(commit=False)
        try:
            services.meeting_save(meeting=meeting, area=self.area, saved_by=self.request.user)
        except services.GovernanceError as error:
            return refused(self, form, error)
        messages.success(self.request, f"Meeting on {long_date(meeting.held_on)} saved")
        return HttpResponseRedirect(meeting.get_absolute_url())


# Agenda ----------------------------------------------------------------------------------------------------


class AgendaItemFormMixin(OpenRecordMixin, FormPageMixin, MeetingMixin):
    area_permission = "area.manage"
    form_class = AgendaItemForm

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "meeting": self.meeting}

    def form_valid(self, form):
        item = form.save(commit=False)
        data = form.cleaned_data
        try:
            services.agenda_item_save(
                item=item,
                findings=data["findings"],
                actions=data["actions"],
                reports=data["reports"],
                measures=data["measures"],
                saved_by=self.request.user,
            )
        except services.GovernanceError as error:
            return refused(self, form, error)
        messages.success(self.request, f"Agenda item {item.position}, \u201c{item.title}\u201d, saved")
        return HttpResponseRedirect(self.meeting.get_absolute_url() + "#agenda")


class AgendaItemCreateView(AgendaItemFormMixin, FormView):
    submit_label = "Save agenda item"

    def get_page_title(self):
        return f"Add an agenda item to the meeting on {self.meeting_date}"


class AgendaItemEditView(AgendaItemFormMixin, FormView):
    submit_label = "Save changes"

    @cached_property
    def item(self) -> AgendaItem:
        return get_object_or_404(AgendaItem, meeting=self.meeting, pk=self.kwargs["item_pk"])

    def get_form_kwargs(self):
        # A copy, so that the page's title keeps the saved item while the form shows what was typed.
        return {**super().get_form_kwargs(), "instance": AgendaItem.objects.get(pk=self.item.pk)}

    def get_page_title(self):
        return f"Edit agenda item {self.item.position} of the meeting on {self.meeting_date}"


# Papers ----------------------------------------------------------------------------------------------------


class PaperCreateView(OpenRecordMixin, FormPageMixin, MeetingMixin, FormView):
    area_permission = "area.manage"
    form_class = PaperForm
    multipart = True
    submit_label = "Upload paper"

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "meeting": self.meeting}

    def get_page_title(self):
        return f"Add a paper to the meeting on {self.meeting_date}"

    def form_valid(self, form):
        data = form.cleaned_data
        try:
            paper = services.paper_add(
                meeting=self.meeting,
                agenda_item=data["agenda_item"],
                title=data["title"],
                upload=data["file"],
                content_type=form.checked_file.content_type,
                added_by=self.request.user,
            )
        except services.GovernanceError as error:
            return refused(self, form, error)
        messages.success(self.request, f"Paper \u201c{paper.title}\u201d added")
        return HttpResponseRedirect(self.meeting.get_absolute_url() + "#papers")


class PaperDownloadView(MeetingMixin, View):
    """Board papers are served only to members of the area, never from a public URL."""

    def get(self, request, *args, **kwargs):
        paper = get_object_or_404(Paper, meeting=self.meeting, pk=kwargs["paper_pk"])
        audit.downloaded(request, self.area, f"Board paper: {paper.title}")
        response = FileResponse(
            paper.file.open("rb"),
            as_attachment=True,
            filename=paper.original_filename or paper.file.name.rsplit("/", 1)[-1],
            content_type=paper.content_type or "application/octet-stream",
        )
        response["X-Content-Type-Options"] = "nosniff"
        return response


# Decisions and actions arising ------------------------------------------------------------------------------


class DecisionCreateView(OpenRecordMixin, FormPageMixin, MeetingMixin, FormView):
    area_permission = "area.manage"
    form_class = DecisionForm
    submit_label = "Save decision"

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "meeting": self.meeting, "today": timezone.localdate()}

    def get_page_title(self):
        return f"Record a decision of the meeting on {self.meeting_date}"

    def form_valid(self, form):
        try:
            services.decision_record(decision=form.save(commit=False), recorded_by=self.request.user)
        except services.GovernanceError as error:
            return refused(self, form, error)
        messages.success(self.request, "Decision recorded")
        return HttpResponseRedirect(self.meeting.get_absolute_url() + "#decisions")


class ActionArisingFormMixin(FormPageMixin, MeetingMixin):
    area_permission = "area.manage"
    form_class = ActionArisingForm

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "meeting": self.meeting}

    def form_valid(self, form):
        try:
            arising = services.action_arising_save(arising=form.save(commit=False), saved_by=self.request.user)
        except services.GovernanceError as error:
            return refused(self, form, error)
        messages.success(self.request, f"Action arising \u201c{arising.title}\u201d saved")
        return HttpResponseRedirect(self.meeting.get_absolute_url() + "#actions-arising")


class ActionArisingCreateView(OpenRecordMixin, ActionArisingFormMixin, FormView):
    submit_label = "Save action arising"

    def get_page_title(self):
        return f"Record an action arising from the meeting on {self.meeting_date}"


class ActionArisingEditView(ActionArisingFormMixin, FormView):
    """Before the minutes are approved, everything can change; afterwards only the status (open or done)."""

    submit_label = "Save changes"

    @cached_property
    def arising(self) -> ActionArising:
        return get_object_or_404(ActionArising, meeting=self.meeting, pk=self.kwargs["arising_pk"])

    def get_form_kwargs(self):
        return {
            **super().get_form_kwargs(),
            "instance": ActionArising.objects.get(pk=self.arising.pk),  # a copy, as for agenda items
            "locked": self.meeting.minutes_are_approved,
        }

    def get_page_title(self):
        if self.meeting.minutes_are_approved:
            return f"Update the status of \u201c{self.arising.title}\u201d"
        return f"Edit the action arising \u201c{self.arising.title}\u201d"


class ActionArisingPromoteView(FormPageMixin, MeetingMixin, FormView):
    """Add an action arising to the improvement plan as a new action, once."""

    area_permission = "area.manage"
    form_class = PromoteForm
    template_name = "governance/promote.html"
    submit_label = "Add to the improvement plan"

    @cached_property
    def arising(self) -> ActionArising:
        return get_object_or_404(
            ActionArising.objects.select_related("owner", "agenda_item", "plan_action__area"),
            meeting=self.meeting,
            pk=self.kwargs["arising_pk"],
        )

    def already_promoted(self):
        if self.arising.plan_action_id is None:
            return None
        messages.error(
            self.request, f"\u201c{self.arising.title}\u201d is already in the improvement plan as "
            f"{self.arising.plan_action.reference}"
        )
        return HttpResponseRedirect(self.meeting.get_absolute_url() + "#actions-arising")

    def get(self, request, *args, **kwargs):
        return self.already_promoted() or super().get(request, *args, **kwargs)

    def post(self, request, *args, **kwargs):
        return self.already_promoted() or super().post(request, *args, **kwargs)

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "area": self.area}

    def get_page_title(self):
        return f"Add \u201c{self.arising.title}\u201d to the improvement plan"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        item = self.arising.agenda_item
        context["arising"] = self.arising
        context["findings"] = list(item.findings.order_by("reference")) if item else []
        context["start_date"] = min(self.meeting.held_on, self.arising.due_date)
        return context

    def form_valid(self, form):
        try:
            action = services.action_arising_promote(
                arising=self.arising, reference=form.cleaned_data["reference"], promoted_by=self.request.user
            )
        except services.GovernanceError as error:
            return refused(self, form, error)
        messages.success(self.request, f"Added to the improvement plan as action {action.reference}")
        return HttpResponseRedirect(action.get_absolute_url())


# Minutes ---------------------------------------------------------------------------------------------------


class MinutesEditView(FormPageMixin, MeetingMixin, FormView):
    """Write or correct the draft minutes. Approved minutes cannot be changed by anyone."""

    area_permission = "area.manage"
    form_class = MinutesForm
    submit_label = "Save draft minutes"

    def cannot_write(self):
        meeting, today = self.meeting, timezone.localdate()
        if meeting.minutes_are_approved:
            reason = f"These minutes were approved at the {meeting.minutes_approved_at_meeting}: nobody can change them"
        elif meeting.status == Meeting.Status.CANCELLED:
            reason = "This meeting was cancelled, so it has no minutes"
        elif meeting.held_on > today:
            reason = f"Minutes can be written once the meeting has taken place (on {self.meeting_date})"
        else:
            return None
        messages.error(self.request, reason)
        return HttpResponseRedirect(meeting.get_absolute_url() + "#minutes")

    def get(self, request, *args, **kwargs):
        return self.cannot_write() or super().get(request, *args, **kwargs)

    def post(self, request, *args, **kwargs):
        return self.cannot_write() or super().post(request, *args, **kwargs)

    def get_initial(self):
        return {"minutes": self.meeting.minutes}

    def get_page_title(self):
        return f"Minutes of the meeting on {self.meeting_date}"

    def form_valid(self, form):
        try:
            services.minutes_record(
                meeting=self.meeting,
                minutes=form.cleaned_data["minutes"],
                recorded_by=self.request.user,
                today=timezone.localdate(),
            )
        except services.GovernanceError as error:
            return refused(self, form, error)
        messages.success(self.request, "Draft minutes saved: approve them at the next meeting")
        return HttpResponseRedirect(self.meeting.get_absolute_url() + "#minutes")


class MinutesApproveView(FormPageMixin, MeetingMixin, FormView):
    """Approve a meeting's draft minutes at a later meeting of the board."""

    area_permission = "area.manage"
    form_class = ApproveMinutesForm
    template_name = "governance/minutes_approve.html"
    submit_label = "Approve minutes"

    def cannot_approve(self):
        meeting = self.meeting
        if meeting.minutes_are_approved:
            reason = f"These minutes were already approved at the {meeting.minutes_approved_at_meeting}"
        elif meeting.minutes_status != Meeting.MinutesStatus.DRAFT:
            reason = "Write the minutes before approving them"
        else:
            return None
        messages.error(self.request, reason)
        return HttpResponseRedirect(meeting.get_absolute_url() + "#minutes")

    def get(self, request, *args, **kwargs):
        return self.cannot_approve() or super().get(request, *args, **kwargs)

    def post(self, request, *args, **kwargs):
        return self.cannot_approve() or super().post(request, *args, **kwargs)

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "meeting": self.meeting, "today": timezone.localdate()}

    def get_page_title(self):
        return f"Approve the minutes of the meeting on {self.meeting_date}"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["meeting"] = self.meeting
        return context

    def form_valid(self, form):
        try:
            services.minutes_approve(
                meeting=self.meeting,
                at_meeting=form.cleaned_data["at_meeting"],
                approved_by=self.request.user,
                today=timezone.localdate(),
            )
        except services.GovernanceError as error:
            return refused(self, form, error)
        messages.success(
            self.request, f"Minutes approved at the meeting on {long_date(form.cleaned_data['at_meeting'].held_on)}"
        )
        return HttpResponseRedirect(self.meeting.get_absolute_url() + "#minutes")
