"""Success measures: where a measure should be by now on a straight line from its baseline to its target."""

from __future__ import annotations

from datetime import date

# Within this share of the baseline-to-target gap behind the trajectory, a measure is "at risk"; further
# behind it is "off track".
AT_RISK_TOLERANCE = 0.10


def expected_value(
    *, baseline_value: float, baseline_date: date, target_value: float, target_date: date, on: date
) -> float:
    """The trajectory's value on ``on``: linear from baseline to target, flat before and after."""
    if on <= baseline_date:
        return baseline_value
    if on >= target_date:
        return target_value
    share = (on - baseline_date).days / (target_date - baseline_date).days
    return baseline_value + share * (target_value - baseline_value)


def trajectory_rag(
    *,
    baseline_value: float,
    baseline_date: date,
    target_value: float,
    target_date: date,
    direction: str,
    latest_value: float | None,
    latest_date: date | None,
) -> str | None:
    """'on_track', 'at_risk' or 'off_track' against the trajectory; None when there is no value yet."""
    if latest_value is None or latest_date is None:
        return None
    expected = expected_value(
        baseline_value=baseline_value,
        baseline_date=baseline_date,
        target_value=target_value,
        target_date=target_date,
        on=latest_date,
    )
    sign = 1 if direction == "higher" else -1
    shortfall = sign * (expected - latest_value)  # positive when behind the trajectory
    if shortfall <= 0:
        return "on_track"
    gap = abs(target_value - baseline_value) or abs(baseline_value) or 1.0
    return "at_risk" if shortfall <= AT_RISK_TOLERANCE * gap else "off_track"
