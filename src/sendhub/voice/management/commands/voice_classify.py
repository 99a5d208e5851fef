"""sendhub voice classify: redact, flag and tag comments read from stdin, one per line."""

from __future__ import annotations

import json
import sys

from django.core.management.base import BaseCommand, CommandError

from sendhub.voice.backends import BackendUnavailable


class Command(BaseCommand):
    help = (
        "Read comments from standard input, one per line; redact personal data, check for safeguarding concerns "
        "and tag themes and sentiment. Prints a table, or with --json a list of "
        '{"text": redacted_text, "themes": [keys], "sentiment": key, "safeguarding": bool}; sentiment is one of '
        "negative, mixed, neutral, positive, and a comment is tagged praise only when it is positive or mixed."
    )

    stealth_options = ("stdin",)

    def add_arguments(self, parser):
        parser.add_argument("--json", action="store_true", help="Print a JSON list instead of a table")
        parser.add_argument("--area", help="Use this area's trained model (LA code, ONS code or slug)")

    def handle(self, *args, **options):
        from sendhub.accounts.selectors import resolve_area
        from sendhub.voice import classifier, redaction, safeguarding

        area = None
        if options["area"]:
            area = resolve_area(options["area"])
            if area is None:
                raise CommandError(f"No area with LA code, ONS code or slug {options['area']!r}.")
        stdin = options.get("stdin") or sys.stdin
        lines = [line.strip() for line in stdin.read().splitlines()]
        lines = [line for line in lines if line]
        redacted = [redaction.redact(line).text for line in lines]
        try:
            predictions = classifier.classify(redacted, area=area) if lines else []
        except BackendUnavailable as error:
            raise CommandError(str(error)) from error
        results = [
            {
                "text": text,
                "themes": list(prediction.themes),
                "sentiment": prediction.sentiment,
                "safeguarding": bool(safeguarding.concerns(original)) or prediction.safeguarding,
            }
            for original, text, prediction in zip(lines, redacted, predictions, strict=True)
        ]
        if options["json"]:
            self.stdout.write(json.dumps(results, indent=2, ensure_ascii=False))
            return
        if not results:
            self.stdout.write("No comments on standard input.")
            return
        for number, result in enumerate(results, start=1):
            flag = "  SAFEGUARDING" if result["safeguarding"] else ""
            self.stdout.write(f"{number}. {result['text']}")
            themes = ", ".join(result["themes"]) or "(no theme)"
            self.stdout.write(f"   themes: {themes} | sentiment: {result['sentiment']}{flag}")
