"""Removing the demo area before `sendhub demo load` builds it again.

Apart from ``lancashire`` (which builds the plan that the other demo modules build on) because it deletes what
each of them built: here it may import them all without a cycle.
"""

from __future__ import annotations

from django.core.files.storage import default_storage
from django.db import transaction

from sendhub.accounts.models import Invitation, LocalArea, Membership, Organisation
from sendhub.demo import directory as demo_directory
from sendhub.demo import governance as demo_governance
from sendhub.demo.lancashire import DemoError, is_demo_area
from sendhub.improvement.models import (
    Action,
    Comment,
    Evidence,
    Finding,
    Inspection,
    Judgement,
    Milestone,
    ProgressUpdate,
)
from sendhub.outcomes.models import ManualMeasure, Sen2Return, SuccessMeasure
from sendhub.progress.models import ProgressPage, PublishedFinding, PublishedMeasure
from sendhub.reports.models import MonitoringReport, ReportSchedule, Risk


def delete_demo_area(area: LocalArea) -> None:
    """Delete everything in the demo area, including its uploaded evidence files. Demo users are kept."""
    if not is_demo_area(area):
        raise DemoError(
            f"The area '{area.slug}' was not created by the demo loader, so it will not be deleted. "
            "Remove or rename it first."
        )
    files = [name for name in Evidence.objects.filter(action__area=area).exclude(file="")
             .values_list("file", flat=True)]
    with transaction.atomic():
        # The directory's term links are not foreign keys, so they go explicitly.
        demo_directory.delete(area)
        # Board, reports and the public page refer to plan objects and organisations (some PROTECT): first.
        files += [name for report in MonitoringReport.objects.filter(area=area) for name in (report.pdf.name,
                  report.xlsx.name) if name]
        demo_governance.delete(area)  # with its papers' files
        for model in (PublishedFinding, PublishedMeasure, ProgressPage, ReportSchedule, Risk):
            model.objects.filter(area=area).delete()
        MonitoringReport.objects.filter(area=area).delete()  # a queryset delete: issued packs of the demo too
        # Outcomes first: partners' measures are owned (PROTECT) by the area's organisations.
        SuccessMeasure.objects.filter(area=area).delete()
        ManualMeasure.objects.filter(area=area).delete()
        Sen2Return.objects.filter(area=area).delete()
        Evidence.objects.filter(action__area=area).delete()
        Comment.objects.filter(action__area=area).delete()
        ProgressUpdate.objects.filter(action__area=area).delete()
        Milestone.objects.filter(action__area=area).delete()
        Action.objects.filter(area=area).delete()
        Judgement.objects.filter(finding__area=area).delete()
        Finding.objects.filter(area=area).delete()
        Inspection.objects.filter(area=area).delete()
        Invitation.objects.filter(area=area).delete()
        Membership.objects.filter(area=area).delete()
        Organisation.objects.filter(area=area).delete()
        area.delete()

        def delete_files() -> None:
            for name in files:
                default_storage.delete(name)

        # Only once the deletion is committed: a failed rebuild rolls back and keeps the old area whole.
        transaction.on_commit(delete_files)
