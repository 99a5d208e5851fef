"""``sendhub demo load``: load the Lancashire demonstration area (real inspection history, invented plan)."""

from __future__ import annotations

import time
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.db import DatabaseError, transaction
from django.utils import timezone

from sendhub.accounts.models import User
from sendhub.demo import directory as demo_directory
from sendhub.demo import governance as demo_governance
from sendhub.demo import inspection as demo_inspection
from sendhub.demo import lancashire
from sendhub.demo import outcomes as demo_outcomes
from sendhub.demo import progress as demo_progress
from sendhub.demo import reports as demo_reports
from sendhub.demo import reset as demo_reset
from sendhub.demo import sufficiency as demo_sufficiency
from sendhub.demo import voice as demo_voice
from sendhub.web.context_processors import demo_marker


class Command(BaseCommand):
    help = (
        "Load the Lancashire demonstration area: its real inspection history and an invented improvement plan, "
        "people in every role (shared password) and about 300 progress updates. Does nothing if the demo is "
        "already loaded, unless --reset is given."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--reset",
            action="store_true",
            help="Delete the demo area and everything in it (including uploaded evidence), then build it again.",
        )
        parser.add_argument(
            "--sen2-persons",
            type=int,
            default=20000,
            help="People in each generated SEN2 return (two returns are loaded; 0 loads none). Default 20000.",
        )
        parser.add_argument(
            "--dfe-release",
            default=str(demo_outcomes.DFE_RELEASE),
            help="DfE 'Education, health and care plans' release zip to load for benchmarking ('none' to skip). "
            "Default: the copy in ../shared/data when present.",
        )

    def handle(self, *args, reset: bool = False, **options):
        started = time.monotonic()
        if options["sen2_persons"] < 0:
            raise CommandError("--sen2-persons must be 0 or more")
        try:
            existing = lancashire.demo_area()
            if existing is not None:
                if not lancashire.is_demo_area(existing):
                    lancashire.check_can_build()  # raises DemoError, explaining the clash
                if not reset:
                    self.stdout.write("Lancashire demo already loaded; use --reset to rebuild it")
                    return
                with transaction.atomic():  # delete and rebuild together, or not at all
                    demo_reset.delete_demo_area(existing)
                    summary = lancashire.build()
                self.stdout.write("Deleted the existing Lancashire demo area and built it again.")
            else:
                summary = lancashire.build()
            admin = User.objects.get(email=lancashire.ADMIN_EMAIL)
            directory = demo_directory.load(summary.area, admin=admin)
            release = None if options["dfe_release"].lower() == "none" else Path(options["dfe_release"])
            outcomes = demo_outcomes.load(
                summary.area,
                today=timezone.localdate(),
                persons=options["sen2_persons"],
                dfe_release=release,
                admin=admin,
            )
            voice = demo_voice.load(summary.area, today=timezone.localdate(), admin=admin)
            board = demo_governance.build(summary.area, timezone.localdate(), admin)
            inspection = demo_inspection.build(summary.area, timezone.localdate(), admin)
            progress_page = demo_progress.build(summary.area, timezone.localdate(), admin)
            reports = demo_reports.build(summary.area, timezone.localdate(), admin)
            sufficiency = demo_sufficiency.load(summary.area, admin=admin)
        except (lancashire.DemoError, RuntimeError) as exc:
            raise CommandError(str(exc)) from exc
        except DatabaseError as exc:
            missing_table = "no such table" in str(exc) or "does not exist" in str(exc)
            hint = " The database is not set up: run 'sendhub migrate' first." if missing_table else ""
            raise CommandError(f"Could not load the demo (nothing was saved): {exc}.{hint}") from exc

        # With SENDHUB_DEMO_BANNER=auto (the default) pages show the "Demonstration data" banner from now on.
        demo_marker().write_text(f"Lancashire demo loaded {timezone.now():%Y-%m-%d %H:%M}\n", encoding="utf-8")
        seconds = time.monotonic() - started
        if options.get("verbosity", 1) == 0:
            return
        counts = ", ".join(f"{n} {name}" for name, n in summary.counts.items())
        self.stdout.write(self.style.SUCCESS(f"Loaded the Lancashire demo in {seconds:.1f}s: {counts}."))
        self.stdout.write(f"  Local Offer: {directory.counts}")
        self.stdout.write(f"  Parent carer voice: {voice.counts}")
        self.stdout.write(f"  Partnership board: {board}")
        self.stdout.write(f"  Inspection readiness: {inspection}")
        self.stdout.write(f"  Public progress page: {progress_page}")
        self.stdout.write(f"  Monitoring reports: {reports}")
        self.stdout.write(f"  Sufficiency: {sufficiency}")
        for line in [*outcomes.returns, outcomes.dfe, *outcomes.notes]:
            if line:
                self.stdout.write(f"  Outcomes: {line}")
        self.stdout.write("")
        self.stdout.write("Demo logins (every demo account uses the same password):")
        rows = [("Role", "Email", "Password")]
        rows += [(login.role, login.email, lancashire.DEMO_PASSWORD) for login in summary.logins]
        widths = [max(len(row[i]) for row in rows) for i in range(3)]
        for i, row in enumerate(rows):
            self.stdout.write("  " + "  ".join(cell.ljust(width) for cell, width in zip(row, widths, strict=True)))
            if i == 0:
                self.stdout.write("  " + "  ".join("-" * width for width in widths))
        self.stdout.write("")
        self.stdout.write("More demo accounts, same password: " + ", ".join(summary.other_emails) + ".")
        self.stdout.write("")
        self.stdout.write(
            "To look round, start the web server with the same settings (SENDHUB_DATA_DIR, DATABASE_URL) as this\n"
            "command; it cannot know which port the server will use:\n"
            "  SENDHUB_DEBUG=1 sendhub runserver         serves http://127.0.0.1:8000/ (Django's default port)\n"
            "  SENDHUB_DEBUG=1 sendhub runserver 8123    serves http://127.0.0.1:8123/ (any free port)\n"
            f"Families start at / ; staff sign in at /accounts/sign-in/ ; the demo area is /areas/{summary.area.slug}/."
        )
