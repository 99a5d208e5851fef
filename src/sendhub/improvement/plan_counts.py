"""The plan's action counts, one definition for every page that states them (the dashboard, monitoring packs).

A pure calculation over (status, RAG, due date) facts, so the live dashboard and a pack read from the audit
history as at a date count the same way: an action is open unless complete or cancelled, overdue when open and
due before the day, and the RAG counts cover open actions only.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date

CLOSED = frozenset({"complete", "cancelled"})


@dataclass(frozen=True)
class PlanCounts:
    total: int
    open: int
    overdue: int
    by_status: dict[str, int]
    open_by_rag: dict[str, int]


def plan_counts(actions: Iterable[tuple[str, str, date | None]], *, on: date) -> PlanCounts:
    """Counts over (status, rag, due date) of every action in the plan on ``on``."""
    by_status: Counter[str] = Counter()
    by_rag: Counter[str] = Counter()
    overdue = 0
    for status, rag, due in actions:
        by_status[status] += 1
        if status in CLOSED:
            continue
        by_rag[rag] += 1
        if due is not None and due < on:
            overdue += 1
    total = sum(by_status.values())
    return PlanCounts(total=total, open=sum(by_rag.values()), overdue=overdue, by_status=dict(by_status),
                      open_by_rag=dict(by_rag))
