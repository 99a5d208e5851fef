"""The sufficiency forecast in plain words, for the public page and the monitoring pack. Pure: no database."""

from __future__ import annotations

from dataclasses import dataclass


def about(value: float) -> int:
    """A rounded figure to say "about" of: nearest 10 from 100, nearest 5 below."""
    step = 10 if abs(value) >= 100 else 5
    return int(round(value / step) * step)


@dataclass(frozen=True)
class SufficiencySummary:
    area_name: str
    origin: int
    year: int
    special_now: float
    special_then: float
    state_demand_then: float
    state_places_then: int | None

    @property
    def more(self) -> int:
        return about(self.special_then - self.special_now)

    @property
    def shortfall(self) -> int | None:
        if self.state_places_then is None:
            return None
        return about(self.state_demand_then - self.state_places_then)

    @property
    def sentences(self) -> list[str]:
        change = self.more
        if change > 0:
            first = (
                f"We expect about {change:,} more children and young people to need a special school place by "
                f"January {self.year} than in January {self.origin} (about {about(self.special_then):,} in all)."
            )
        elif change < 0:
            first = (
                f"We expect about {-change:,} fewer children and young people to need a special school place "
                f"by January {self.year} than in January {self.origin} (about {about(self.special_then):,} in "
                f"all)."
            )
        else:
            first = (
                f"We expect about as many children and young people to need a special school place in January "
                f"{self.year} as in January {self.origin} (about {about(self.special_then):,})."
            )
        if self.shortfall is None:
            second = (
                "We have not yet published how many places our special schools, resourced provision and SEN "
                "units will have, so we cannot yet say how we plan to meet it."
            )
        elif self.shortfall > 0:
            second = (
                f"Our special schools, resourced provision and SEN units are planned to have "
                f"{self.state_places_then:,} places then: about {self.shortfall:,} fewer than the children we "
                f"expect to need one, so this is how many more places we need to plan for."
            )
        else:
            second = (
                f"Our special schools, resourced provision and SEN units are planned to have "
                f"{self.state_places_then:,} places then, enough for the children we expect to need one."
            )
        return [first, second]


def plain_summary(
    *,
    area_name: str,
    origin: int,
    year: int,
    special: dict[int, float],
    state_demand: dict[int, float],
    state_places: dict[int, int | None],
) -> SufficiencySummary | None:
    """The summary for January ``year``; None when the forecast does not reach it or the origin has no figure."""
    if origin not in special or year not in special or year not in state_demand:
        return None
    return SufficiencySummary(
        area_name, origin, year, special[origin], special[year], state_demand[year], state_places.get(year)
    )
