"""``sendhub demo scale --factor N``: grow the loaded Lancashire demo to a large county, for load tests."""

from __future__ import annotations

import time

from django.core.management.base import BaseCommand, CommandError
from django.db import DatabaseError

from sendhub.demo import lancashire, scale


class Command(BaseCommand):
    help = (
        "Grow the Lancashire demo (load it first with 'sendhub demo load') to a large county: per unit of "
        f"--factor, {scale.LISTINGS_PER_FACTOR:,} Local Offer listings, {scale.COMMENTS_PER_FACTOR:,} comments, "
        f"{scale.RESPONSES_PER_FACTOR:,} survey responses, {scale.ACTIONS_PER_FACTOR} actions and a "
        f"{scale.SEN2_PERSONS_PER_FACTOR:,}-person SEN2 return. The figures are totals: running it again adds "
        "nothing. Deterministic."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--factor",
            type=float,
            default=10.0,
            help="Size as a multiple of the units above. Default 10: 3,000 listings, 20,000 comments and survey "
            "responses, 300 actions, a 20,000-person SEN2 return.",
        )

    def handle(self, *args, factor: float = 10.0, **options):
        started = time.monotonic()
        quiet = options.get("verbosity", 1) == 0
        try:
            targets = scale.Targets.for_factor(factor)
            area = lancashire.demo_area()
            if area is None:
                raise scale.ScaleError("The Lancashire demo is not loaded: run 'sendhub demo load' first.")
            summary = scale.scale(area, targets, say=None if quiet else self.stdout.write)
        except scale.ScaleError as exc:
            raise CommandError(str(exc)) from exc
        except DatabaseError as exc:
            raise CommandError(f"Could not scale the demo: {exc}") from exc
        if quiet:
            return
        totals = ", ".join(f"{n:,} {name}" for name, n in summary.totals.items())
        seconds = time.monotonic() - started
        self.stdout.write(self.style.SUCCESS(f"Scaled the Lancashire demo (factor {factor:g}) in {seconds:.1f}s: "
                                             f"{totals}."))
