"""Demo monitoring reports: a risks register, a six-monthly schedule, the last issued stocktake pack and a draft.

Invented content, written to be realistic for a partnership after a "widespread and systemic failings" outcome.
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta

from django.utils import timezone

from sendhub.accounts.models import LocalArea, Organisation, User
from sendhub.improvement.models import Finding
from sendhub.reports import services
from sendhub.reports.models import ReportSchedule, Risk

# reference, kind, title, description, owner (name contains), likelihood, impact, mitigation, findings, days ago
RISKS = [
    ("R1", "risk", "Not enough educational psychologists to meet the 6-week advice deadline",
     "Vacancies and rising requests mean psychological advice arrives late, which delays EHC plans.",
     "County Council", 4, 5, "Locum cover agreed to March; a grow-your-own trainee scheme; advice triage.",
     ["PA2"], 300),
    ("R2", "risk", "Special school places run out before September",
     "Demand for specialist places is rising faster than the capital programme can add them.",
     "County Council", 4, 4, "Sufficiency plan refreshed; two resourced provisions opening; placements panel "
     "reviews every request weekly.", ["PA1"], 280),
    ("R3", "issue", "Neurodevelopmental assessment waits above 100 weeks in two districts",
     "Referrals exceed clinic capacity; families wait over two years in Burnley and Pendle.",
     "ICB", 5, 4, "Independent-sector capacity commissioned; single pathway and waiting-well offer.",
     ["PA3"], 260),
    ("R4", "risk", "Families lose trust if communication does not improve",
     "The 2024 inspection found families were not kept informed; complaints about contact remain high.",
     "County Council", 3, 4, "Named case officer for every family; monthly Local Offer updates; forum "
     "co-production of letters.", ["AFI1"], 240),
    ("R5", "risk", "Case management system migration disrupts SEN2 reporting",
     "The move to a new case system in spring could leave data gaps for the January return.",
     "County Council", 2, 3, "Parallel running for three months; data quality checks in SEND Hub.", [], 150),
    ("R6", "risk", "Post-16 transition plans not ready before Year 11 ends",
     "Annual reviews in Year 9 and Year 11 do not always include preparation for adulthood outcomes.",
     "County Council", 3, 3, "Transition protocol agreed with colleges; PfA champions in special schools.",
     ["AFI2"], 120),
]


def _moment(day: date) -> datetime:
    return min(timezone.make_aware(datetime.combine(day, time(9))), timezone.now() - timedelta(minutes=5))


def build(area: LocalArea, today: date, admin: User) -> dict[str, int]:
    organisations = list(Organisation.objects.filter(area=area))
    findings = {f.reference: f for f in Finding.objects.filter(area=area)}
    for reference, kind, title, description, owner_hint, likelihood, impact, mitigation, refs, days_ago in RISKS:
        owner = next(o for o in organisations if owner_hint in o.name)
        risk = Risk(area=area, reference=reference, kind=kind, title=title, description=description, owner=owner,
                    likelihood=likelihood, impact=impact, mitigation=mitigation,
                    review_date=today + timedelta(days=30 + 7 * len(reference)))
        risk._history_user = admin
        risk._history_date = _moment(today - timedelta(days=days_ago))
        risk.save()
        risk.findings.set([findings[r] for r in refs if r in findings])
    # Six-monthly stocktakes: the last pack is as at the end of the last half-year (31 March or 30 September).
    half_year_end = date(today.year, 9, 30) if today >= date(today.year, 10, 1) else (
        date(today.year, 3, 31) if today >= date(today.year, 4, 1) else date(today.year - 1, 9, 30))
    start = services.add_months(half_year_end + timedelta(days=1), -6)
    issued = services.create_draft(area=area, title=services.default_title(start, half_year_end), period_start=start,
                                   period_end=half_year_end, as_at=half_year_end, created_by=admin)
    # Separation of duties: sent for review, signed off and issued by three different administrators.
    others = list(User.objects.filter(memberships__area=area, memberships__role="administrator", is_active=True)
                  .exclude(pk=admin.pk).order_by("email")[:2])
    signer = others[0] if others else admin
    issuer = others[1] if len(others) > 1 else admin
    reason = "" if len({admin.pk, signer.pk, issuer.pk}) == 3 else "Demo area with fewer than three administrators"
    services.submit_for_review(report=issued, expected_version=issued.version, by=admin)
    services.sign_off(report=issued, expected_version=issued.version, by=signer, override_reason=reason)
    services.issue(report=issued, expected_version=issued.version, by=issuer, override_reason=reason)
    as_at = today - timedelta(days=1)
    draft_start = half_year_end + timedelta(days=1)
    services.create_draft(area=area, title=f"Monitoring pack: {draft_start:%B %Y} to date (draft)",
                          period_start=draft_start, period_end=as_at, as_at=as_at, created_by=admin)
    ReportSchedule.objects.create(area=area, every_months=6, period_months=6,
                                  next_run_on=services.add_months(half_year_end + timedelta(days=1), 6))
    return {"risks": len(RISKS), "monitoring packs": 2}
