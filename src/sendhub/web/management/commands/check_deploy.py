"""`sendhub check-deploy`: Django's deployment checks and ours, each failure explained, non-zero exit if any."""

from __future__ import annotations

from django.core import checks
from django.core.management.base import BaseCommand, CommandError
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

# What Django's own deployment warnings mean for SEND Hub, and which of our variables fixes each.
DJANGO_FIXES = {
    "security.W004": "Set SENDHUB_HSTS_SECONDS (default one year when DEBUG is off).",
    "security.W005": "Set SENDHUB_HSTS_INCLUDE_SUBDOMAINS=true once every subdomain is served over HTTPS only.",
    "security.W008": "Set SENDHUB_SSL_REDIRECT=true, or redirect at the load balancer and add security.W008 to "
                     "SENDHUB_SILENCED_CHECKS.",
    "security.W009": "Set SENDHUB_SECRET_KEY to 50+ random characters.",
    "security.W012": "Set SENDHUB_SECURE_COOKIES=true (the default when DEBUG is off).",
    "security.W016": "Set SENDHUB_SECURE_COOKIES=true (the default when DEBUG is off).",
    "security.W018": "Unset SENDHUB_DEBUG: DEBUG shows code and settings to anyone who triggers an error.",
    "security.W020": "Set SENDHUB_ALLOWED_HOSTS to the public host name(s).",
}


class Command(BaseCommand):
    help = "Check that this deployment is safe to serve: Django's deployment checks plus SEND Hub's own."

    def add_arguments(self, parser):
        parser.add_argument("--fail-level", choices=["ERROR", "WARNING"], default="WARNING",
                            help="Exit non-zero at this level or above (default WARNING)")

    def handle(self, *args, **options):
        messages = checks.run_checks(include_deployment_checks=True, databases=["default"])
        messages += self._pending_migrations()
        serious = [m for m in messages if m.level >= checks.WARNING and not m.is_silenced()]
        if not serious:
            self.stdout.write(self.style.SUCCESS("All deployment checks passed."))
            return
        for message in sorted(serious, key=lambda m: (-m.level, m.id or "")):
            label = "ERROR" if message.level >= checks.ERROR else "WARNING"
            self.stdout.write(f"{label} {message.id}: {message.msg}")
            fix = message.hint or DJANGO_FIXES.get(message.id or "")
            if fix:
                self.stdout.write(f"    How to fix: {fix}")
        errors = sum(1 for m in serious if m.level >= checks.ERROR)
        warnings = len(serious) - errors
        summary = f"{errors} error(s), {warnings} warning(s)."
        fail_at = checks.ERROR if options["fail_level"] == "ERROR" else checks.WARNING
        if any(m.level >= fail_at for m in serious):
            raise CommandError(f"Deployment checks failed: {summary}")
        self.stdout.write(summary)

    @staticmethod
    def _pending_migrations() -> list[checks.CheckMessage]:
        executor = MigrationExecutor(connection)
        plan = executor.migration_plan(executor.loader.graph.leaf_nodes())
        if plan:
            return [checks.Error(
                f"{len(plan)} database migration(s) not applied.",
                hint="Run `sendhub migrate` before starting the app servers. See docs/deploy.md, 'Upgrading'.",
                id="sendhub.E010",
            )]
        return []
