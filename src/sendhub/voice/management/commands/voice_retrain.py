"""sendhub voice retrain: train new theme and sentiment models from the seed set and staff-confirmed tags."""

from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError
from django.db.models import Q

from sendhub.voice.backends import BackendUnavailable


class Command(BaseCommand):
    help = (
        "Retrain the comment classifier: for one area (--area), or for every area with reviewed comments plus the "
        "global default. Uses the shipped seed comments and the tags staff confirmed, rejected or added. Safe to "
        "schedule (e.g. nightly)."
    )

    def add_arguments(self, parser):
        parser.add_argument("--area", help="LA code, ONS code or slug; without it every area is retrained")
        parser.add_argument("--backend", choices=["tfidf", "embeddings"], help="Default: SENDHUB_VOICE_BACKEND")

    def handle(self, *args, **options):
        from sendhub.accounts.models import LocalArea
        from sendhub.accounts.selectors import resolve_area
        from sendhub.voice import classifier, training

        backend = options["backend"]
        if options["area"]:
            area = resolve_area(options["area"])
            if area is None:
                raise CommandError(f"No area with LA code, ONS code or slug {options['area']!r}.")
            areas = [area]
        else:
            reviewed = Q(comments__tags__confirmed=True) | Q(comments__tags__rejected=True)
            reviewed |= Q(comments__sentiment_confirmed=True)
            areas = [None, *LocalArea.objects.filter(reviewed).distinct().order_by("name")]
        try:
            for area in areas:
                model = training.retrain(area, backend=backend)
                label = area.name if area else "Global default"
                f1 = model.metrics.get("validation_f1", {})
                mean = sum(f1.values()) / len(f1) if f1 else 0.0
                self.stdout.write(
                    f"{label}: {model.backend} model #{model.pk} trained on {model.training_size} comments "
                    f"({model.confirmed_examples} reviewed by staff); validation macro-F1 {mean:.2f}"
                )
        except BackendUnavailable as error:
            raise CommandError(str(error)) from error
        classifier.clear_cache()
