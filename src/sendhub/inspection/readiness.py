"""Is each criterion of the self-evaluation ready to show inspectors? Pure: takes what the selectors read."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta


@dataclass(frozen=True)
class EvidenceState:
    kind: str
    label: str
    dated: date | None  # the date of the latest information it holds
    value: str = ""  # e.g. the measure's latest value
    url: str | None = None
    missing: bool = False  # the thing linked no longer has any information (e.g. a measure with no values)
    link_pk: int | None = None
    fresh_days: int | None = None  # how long this kind stays current, when not the self-evaluation's setting


@dataclass
class CriterionReadiness:
    code: str
    text: str
    grade: str
    evidence: list[EvidenceState] = field(default_factory=list)
    stale: list[EvidenceState] = field(default_factory=list)
    issues: list[str] = field(default_factory=list)

    @property
    def ready(self) -> bool:
        return not self.issues


def assess(
    *,
    code: str,
    text: str,
    grade: str,
    reasoning: str,
    review_date: date | None,
    evidence: list[EvidenceState],
    partner_grades: dict[str, str],
    today: date,
    stale_after_days: int,
) -> CriterionReadiness:
    """What is missing or stale for one criterion, in plain words, most serious first."""
    result = CriterionReadiness(code, text, grade, evidence)
    if not grade:
        result.issues.append("No judgement recorded")
    if not reasoning.strip():
        result.issues.append("No reasoning for the judgement")
    if not evidence:
        result.issues.append("No evidence linked")
    for item in evidence:
        if item.missing or item.dated is None:
            result.issues.append(f"{item.label}: no information recorded")
        elif item.dated < today - timedelta(days=item.fresh_days or stale_after_days):
            result.stale.append(item)
            result.issues.append(f"{item.label}: stale, latest information {item.dated:%-d %B %Y}")
    if review_date is None:
        result.issues.append("No review date set")
    elif review_date < today:
        result.issues.append(f"Review date passed ({review_date:%-d %B %Y})")
    grades = {g for g in partner_grades.values() if g}
    if len(grades) > 1 or (grades and grade and grades != {grade}):
        result.issues.append("Partners' views differ from each other or from the partnership's judgement")
    return result
