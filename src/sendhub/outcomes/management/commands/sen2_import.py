"""sendhub sen2 import FILE --area CODE [--allow-shrink]: import a SEN2 XML return and compute its measures."""

from __future__ import annotations

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.db.models import Q

from sendhub.accounts.models import LocalArea
from sendhub.outcomes.sen2.summary import plural, warnings_summary

PROGRESS_STEP = 5000


def describe(problem: dict) -> str:
    """One problem as a line: ``Person 12 (Message/Persons/Person[12]/...): rule``."""
    position, path, rule = problem.get("position", 0), problem.get("path", ""), problem.get("rule", "")
    if position:
        return f"Person {position} ({path}): {rule}"
    if path.startswith("Message/Header"):
        return f"Header ({path}): {rule}"
    line = problem.get("line")
    return f"File{f' (line {line})' if line else ''}: {rule}"


class Command(BaseCommand):
    help = (
        "Import a SEN2 person-level XML return for an area (its LA code, e.g. 888, or its slug) and compute its "
        "measures. A file with any error imports nothing; the errors are listed with the person, element and rule. "
        "A return with no persons, or fewer than half the persons of the area's current return for its year, is "
        "refused unless --allow-shrink is given."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", help="The SEN2 XML file")
        parser.add_argument("--area", required=True, help="The area's LA code (e.g. 888) or slug (e.g. lancashire)")
        parser.add_argument(
            "--allow-shrink",
            action="store_true",
            help="Import the return even if it has no persons, or fewer than half the persons of the current return "
            "it supersedes (whose person-level records are then deleted)",
        )

    def _progress(self, options):
        """With ``-v 2``, a line on stderr each time another ``PROGRESS_STEP`` persons are written (big files take
        a while); they are committed, or all discarded, at the end."""
        if options["verbosity"] < 2:
            return None
        reported = 0

        def progress(persons: int) -> None:
            nonlocal reported
            if persons - reported >= PROGRESS_STEP:
                reported = persons
                self.stderr.write(f"Written {persons:,} persons so far…")

        return progress

    def handle(self, *args, **options):
        from sendhub.outcomes.services import sen2_import

        code = options["area"].strip()
        area = LocalArea.objects.filter(Q(la_code__iexact=code) | Q(slug__iexact=code)).first()
        if area is None:
            raise CommandError(f"No area has LA code or slug {code!r}. Areas are added with 'sendhub area create'.")
        path = Path(options["file"])
        if not path.is_file():
            raise CommandError(f"No such file: {path}")
        with path.open("rb") as stream:
            result = sen2_import(
                stream=stream,
                filename=path.name,
                area=area,
                progress=self._progress(options),
                allow_shrink=options["allow_shrink"],
            )
        counts = result.counts
        if result.sen2_return is not None:
            self.stdout.write(
                self.style.SUCCESS(
                    f"Imported {path.name} for {area.name} (SEN2 {result.sen2_return.collection_year}): "
                    f"{counts.get('persons', 0)} persons, {counts.get('requests', 0)} requests, "
                    f"{counts.get('active_plans', 0)} active plans, in {result.seconds:.1f} s; "
                    f"{warnings_summary(result.warnings, result.warning_count)}."
                )
            )
        for warning in result.warnings:
            self.stdout.write(f"Warning: {describe(warning)}")
        if result.warning_count > len(result.warnings):
            self.stdout.write(f"… and {result.warning_count - len(result.warnings)} more warnings")
        if result.shrink is not None:
            raise CommandError(
                f"{path.name} was not imported. {result.shrink.message} To import it anyway, run the command again "
                "with --allow-shrink."
            )
        if result.sen2_return is None:
            self.stderr.write(
                f"{path.name} was not imported: {plural(result.error_count, 'error')} and "
                f"{warnings_summary(result.warnings, result.warning_count)} ({result.seconds:.1f} s). "
                "Nothing was stored."
            )
            for error in result.errors:
                self.stderr.write(describe(error))
            if result.error_count > len(result.errors):
                self.stderr.write(f"… and {result.error_count - len(result.errors)} more errors")
            raise CommandError(f"{result.error_count} error(s): the file was not imported")
