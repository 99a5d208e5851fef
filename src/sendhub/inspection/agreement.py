"""Agreement between two auditors who graded the same plans: percent agreement and Cohen's kappa.

Pure functions over pairs of grades. Cohen's kappa (Cohen 1960): kappa = (p_o - p_e) / (1 - p_e), where p_o is
the share of pairs that agree and p_e the agreement expected by chance from each auditor's own distribution of
grades, sum over grades g of p1(g) * p2(g). Unweighted: a 3 against a 4 is as much a disagreement as 1 against 4.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass


@dataclass(frozen=True)
class Agreement:
    pairs: int
    agreed: int
    percent: float | None  # 0-100, None with no pairs
    kappa: float | None  # None with no pairs, or when chance agreement is 1 (both auditors gave one grade only)

    @property
    def kappa_words(self) -> str:
        """Landis and Koch's (1977) bands, the usual plain reading of kappa."""
        k = self.kappa
        if k is None:
            return "Not enough variation to compute"
        if k < 0:
            return "Poor (less than chance)"
        for limit, words in ((0.2, "Slight"), (0.4, "Fair"), (0.6, "Moderate"), (0.8, "Substantial")):
            if k <= limit:
                return words
        return "Almost perfect"


def agreement(pairs: Sequence[tuple[int, int]]) -> Agreement:
    """Percent agreement and Cohen's kappa for ``pairs`` of (first auditor's grade, second auditor's grade)."""
    n = len(pairs)
    if n == 0:
        return Agreement(0, 0, None, None)
    agreed = sum(1 for a, b in pairs if a == b)
    p_o = agreed / n
    first, second = Counter(a for a, _ in pairs), Counter(b for _, b in pairs)
    p_e = sum((first[g] / n) * (second[g] / n) for g in set(first) | set(second))
    kappa = None if p_e == 1 else (p_o - p_e) / (1 - p_e)
    return Agreement(n, agreed, 100 * p_o, kappa)
