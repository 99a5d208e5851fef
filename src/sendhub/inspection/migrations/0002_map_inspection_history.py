"""Map the inspection history recorded before frameworks were data, so every record keeps its meaning.

* A "revisit" is a 2016-framework activity and a "monitoring inspection" a current-framework one: a record
  filed under the other framework's word takes its own framework's word (same event, right name).
* Each inspection result gets the plans it required, with their clocks, and the inspection activity it made
  due: a 2016 inspection with areas of significant weakness -> written statement of action (and a revisit); a
  2016 revisit with insufficient progress -> accelerated progress plan; a current-framework full inspection ->
  by outcome (outcome 3: priority action plan, updated strategic plan, monitoring inspection, reinspection).
  A plan whose deadline passed before this migration is recorded as submitted (the history predates SEND Hub's
  record of it; the date it went in is not known, so it is left blank).

Reversing removes what this added and leaves the inspection kinds as they now are.
"""

from django.db import migrations
from django.utils import timezone

from sendhub.inspection import frameworks


def forwards(apps, schema_editor):
    Inspection = apps.get_model("improvement", "Inspection")
    Judgement = apps.get_model("improvement", "Judgement")
    RequiredPlan = apps.get_model("inspection", "RequiredPlan")
    ExpectedActivity = apps.get_model("inspection", "ExpectedActivity")
    today = timezone.localdate()

    Inspection.objects.filter(framework=frameworks.F2016, kind="monitoring").update(kind="revisit")
    Inspection.objects.filter(framework=frameworks.CURRENT, kind="revisit").update(kind="monitoring")

    for inspection in Inspection.objects.order_by("start_date"):
        weaknesses = inspection.findings.filter(kind="significant_weakness").count()
        not_sufficient = Judgement.objects.filter(
            inspection=inspection, outcome="not_sufficient_progress"
        ).count()
        requirements = frameworks.required_plans(
            inspection.framework,
            inspection.kind,
            outcome=inspection.outcome,
            significant_weaknesses=weaknesses,
            not_sufficient=not_sufficient,
            published=inspection.published_date,
        )
        for requirement in requirements:
            past = requirement.due_date is not None and requirement.due_date < today
            RequiredPlan.objects.get_or_create(
                inspection=inspection,
                kind=requirement.plan.kind,
                defaults={
                    "area_id": inspection.area_id,
                    "due_date": requirement.due_date,
                    "remind_days": requirement.plan.remind_days,
                    "status": "submitted" if past or inspection.framework == frameworks.F2016 else "not_started",
                },
            )
        activities = frameworks.expected_activities(
            inspection.framework,
            inspection.kind,
            outcome=inspection.outcome,
            published=inspection.published_date,
            wsoa_plan=any(r.plan.kind == "wsoa" for r in requirements),
        )
        for rule, expected_by in activities:
            held = (
                Inspection.objects.filter(
                    area_id=inspection.area_id,
                    framework=inspection.framework,
                    kind=rule.kind,
                    start_date__gt=inspection.start_date,
                )
                .order_by("start_date")
                .first()
            )
            ExpectedActivity.objects.get_or_create(
                follows=inspection,
                kind=rule.kind,
                defaults={
                    "area_id": inspection.area_id,
                    "framework": inspection.framework,
                    "expected_by": expected_by,
                    "held_as": held,
                    "note": rule.basis,
                },
            )


def backwards(apps, schema_editor):
    apps.get_model("inspection", "RequiredPlan").objects.all().delete()
    apps.get_model("inspection", "ExpectedActivity").objects.all().delete()


class Migration(migrations.Migration):
    dependencies = [
        ("inspection", "0001_initial"),
        ("improvement", "0002_framework_labels_engagement"),
    ]

    operations = [migrations.RunPython(forwards, backwards)]
