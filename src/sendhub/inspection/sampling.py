"""Drawing an audit sample: a stratified random sample of plans, by cohort (new or reviewed), need and team.

Pure: takes the candidate plans (pseudonymous references with their strata) and a seed, so the same round drawn
again gives the same sample. Each cohort gets ceil(share x its size) plans (">= 5% of new plans and of reviewed
plans"), allocated to its need-and-team strata in proportion to their sizes (largest remainder), then drawn at
random within each stratum: proportional stratified sampling, so no group is over- or under-represented by more
than one plan, without a plan for every tiny stratum (which would inflate the sample far past the share);
then ceil(double share x sample size) of the drawn plans, picked at random, are marked to be audited twice.
"""

from __future__ import annotations

import math
import random
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass


@dataclass(frozen=True)
class Candidate:
    reference: str
    cohort: str  # "new" or "reviewed"
    need: str
    team: str


@dataclass(frozen=True)
class Drawn:
    candidate: Candidate
    double: bool


def _allocate(total: int, sizes: dict[tuple[str, str, str], int]) -> dict[tuple[str, str, str], int]:
    """Split ``total`` over strata in proportion to their sizes, whole numbers by largest remainder (Hamilton)."""
    population = sum(sizes.values())
    quotas = {key: total * size / population for key, size in sizes.items()}
    shares = {key: math.floor(q) for key, q in quotas.items()}
    left = total - sum(shares.values())
    for key in sorted(quotas, key=lambda k: (-(quotas[k] - shares[k]), k))[:left]:
        shares[key] += 1
    return shares


def stratified_sample(
    candidates: Iterable[Candidate], *, percent: float, double_percent: float, seed: int
) -> list[Drawn]:
    if not 0 < percent <= 100:
        raise ValueError("The sample share must be more than 0% and at most 100%")
    if not 0 <= double_percent <= 100:
        raise ValueError("The share audited twice must be between 0% and 100%")
    rng = random.Random(seed)
    strata: dict[tuple[str, str, str], list[Candidate]] = defaultdict(list)
    seen: set[str] = set()
    for c in sorted(candidates, key=lambda c: (c.cohort != "new", c.reference)):
        if c.reference in seen:
            continue
        seen.add(c.reference)
        strata[(c.cohort, c.need, c.team)].append(c)
    chosen: list[Candidate] = []
    for cohort in sorted({key[0] for key in strata}):
        sizes = {key: len(members) for key, members in strata.items() if key[0] == cohort}
        total = math.ceil(sum(sizes.values()) * percent / 100)
        for key, take in sorted(_allocate(total, sizes).items()):
            chosen.extend(rng.sample(sorted(strata[key], key=lambda c: c.reference), take))
    doubles = set(rng.sample(range(len(chosen)), math.ceil(len(chosen) * double_percent / 100)))
    return [Drawn(c, i in doubles) for i, c in enumerate(chosen)]
