"""Benchmark: the parent carer voice insight pages over 50,000 comments.

Builds a fresh SQLite database (or uses DATABASE_URL), writes 50,000 comments with about 1.6 themes each
directly into the database (bulk inserts: no classifier), then renders each voice page through Django's full
request/response stack as the area administrator and prints the median and 95th percentile times and the query
counts. Target (issue 5): every insight page renders in under 300 ms.

    .venv/bin/python bench/voice_insights.py [--comments 50000] [--repeat 20]
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
import sys
import tempfile
import time
from datetime import date, datetime, timedelta

os.environ.setdefault("SENDHUB_DATA_DIR", tempfile.mkdtemp(prefix="sendhub-bench-"))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "sendhub.settings")
os.environ.setdefault("SENDHUB_ALLOW_DEV_SECRET", "1")  # a benchmark, not a server: the development key is fine
os.environ.setdefault("SENDHUB_MANIFEST_STATIC", "false")
sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))  # for tests.voice's URLs

import django  # noqa: E402

django.setup()

from django.conf import settings  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext, setup_test_environment  # noqa: E402
from django.urls import clear_url_caches, reverse  # noqa: E402
from django.utils import timezone  # noqa: E402

DISTRICTS = [
    "Burnley", "Chorley", "Fylde", "Hyndburn", "Lancaster", "Pendle", "Preston", "Ribble Valley", "Rossendale",
    "South Ribble", "West Lancashire", "Wyre",
]  # fmt: skip
SENTENCES = [
    "We have waited months for the EHC plan and nobody tells us anything.",
    "The school has been brilliant with our son this term.",
    "The autism assessment waiting list is far too long.",
    "Transport to college keeps changing and it upsets my daughter.",
    "I could not find anything about short breaks on the Local Offer.",
    "The caseworker called me back the same day, thank you.",
    "Our plan was full of mistakes and copied from someone else's.",
    "There are no specialist places near us so he travels an hour each way.",
    "Moving to adult services has been a nightmare.",
    "Nobody answers emails and we feel ignored.",
]


def generate(area, *, comments: int, today: date, seed: int = 50) -> None:
    """Write ``comments`` comments with themes straight into the database (bulk inserts)."""
    from sendhub.voice.models import Comment, CommentTag, Sentiment, SystemPart, Theme

    rng = random.Random(seed)
    themes, parts, sentiments = list(Theme.values), list(SystemPart.values), list(Sentiment.values)
    start = timezone.make_aware(datetime.combine(today - timedelta(days=3 * 365), datetime.min.time()))
    span = 3 * 365 * 24 * 3600
    batch = 5000
    for offset in range(0, comments, batch):
        size = min(batch, comments - offset)
        rows = [
            Comment(
                area=area,
                source=Comment.Source.FEEDBACK,
                text=" ".join(rng.sample(SENTENCES, rng.randint(1, 3))),
                received_at=start + timedelta(seconds=rng.randrange(span)),
                district=rng.choice(DISTRICTS) if rng.random() > 0.05 else "",
                parts=rng.sample(parts, rng.randint(1, 2)),
                sentiment=rng.choice(sentiments),
                sentiment_confidence=round(rng.uniform(0.4, 0.99), 2),
                safeguarding=rng.random() < 0.002,
            )
            for _ in range(size)
        ]
        Comment.objects.bulk_create(rows, batch_size=1000)
        ids = list(Comment.objects.filter(area=area).order_by("-pk").values_list("pk", flat=True)[:size])
        tags = []
        for pk in ids:
            for theme in rng.sample(themes, rng.choice((1, 1, 2, 2, 3))):
                roll = rng.random()
                tags.append(
                    CommentTag(
                        comment_id=pk,
                        theme=theme,
                        confidence=round(rng.uniform(0.3, 0.99), 2),
                        confirmed=roll < 0.1,
                        rejected=0.1 <= roll < 0.13,
                    )
                )
        CommentTag.objects.bulk_create(tags, batch_size=2000)


def time_page(client: Client, url: str, repeat: int) -> tuple[float, float, int, int]:
    client.get(url)  # warm up: template compilation and caches
    times = []
    for _ in range(repeat):
        started = time.perf_counter()
        response = client.get(url)
        times.append((time.perf_counter() - started) * 1000)
    assert response.status_code == 200, (url, response.status_code)
    with CaptureQueriesContext(connection) as queries:
        client.get(url)
    times.sort()
    p95 = times[min(len(times) - 1, int(round(0.95 * (len(times) - 1))))]
    return statistics.median(times), p95, len(queries), len(response.content)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--comments", type=int, default=50_000)
    parser.add_argument("--repeat", type=int, default=20)
    args = parser.parse_args()
    setup_test_environment()
    call_command("migrate", verbosity=0)

    import tests.voice  # noqa: F401 - the project's URLs plus the voice pages, until sendhub/urls.py mounts them

    settings.ROOT_URLCONF = "tests.voice"
    clear_url_caches()

    from sendhub.accounts.models import LocalArea, Membership, Organisation, Role, User
    from sendhub.improvement.models import Finding, Inspection
    from sendhub.voice.models import Comment, CommentTag

    area, _ = LocalArea.objects.get_or_create(
        slug="bench-voice", defaults={"name": "Bench Voice", "la_code": "B01", "ons_code": "E99999999"}
    )
    org, _ = Organisation.objects.get_or_create(area=area, name="Bench Council")
    admin, _ = User.objects.get_or_create(email="bench-voice@example.org", defaults={"full_name": "Bench Admin"})
    Membership.objects.get_or_create(user=admin, area=area, defaults={"role": Role.ADMINISTRATOR, "organisation": org})
    inspection = Inspection.objects.create(
        area=area, framework="2023", kind="full", start_date=date(2024, 3, 4), end_date=date(2024, 3, 8)
    )
    Finding.objects.create(
        area=area, inspection=inspection, kind="priority_action", reference="PA1", title="EHC plans", text="."
    )
    today = timezone.localdate()
    if not Comment.objects.filter(area=area).exists():
        started = time.perf_counter()
        generate(area, comments=args.comments, today=today)
        print(f"Generated {Comment.objects.filter(area=area).count():,} comments and "
              f"{CommentTag.objects.filter(comment__area=area).count():,} tags in "
              f"{time.perf_counter() - started:.1f}s ({connection.vendor})")

    client = Client()
    client.force_login(admin)
    comment = Comment.objects.filter(area=area, safeguarding=False).order_by("-received_at").first()
    slug = area.slug
    pages = {
        "Voice overview": reverse("voice:overview", args=[slug]),
        "Comments (page 1)": reverse("voice:comment-list", args=[slug]),
        "Comments, theme + needs review": reverse("voice:comment-list", args=[slug])
        + "?theme=ehc_timeliness&needs_review=on",
        "Comments, page 200": reverse("voice:comment-list", args=[slug]) + "?page=200",
        "Comment page": reverse("voice:comment-detail", args=[slug, comment.pk]),
        "Theme page": reverse("voice:theme-detail", args=[slug, "ehc_timeliness"]),
        "Co-production log": reverse("voice:coproduction-list", args=[slug]),
        "You said, we did (staff)": reverse("voice:ysd-list", args=[slug]),
        "You said, we did (public)": reverse("you-said-we-did:index", args=[slug]),
    }
    print(f"{'Page':34} {'median ms':>10} {'p95 ms':>8} {'queries':>8} {'KB':>6}")
    worst = 0.0
    for name, url in pages.items():
        median, p95, queries, size = time_page(client, url, args.repeat)
        worst = max(worst, median)
        print(f"{name:34} {median:10.1f} {p95:8.1f} {queries:8d} {size / 1024:6.0f}")
    print(f"Slowest median: {worst:.1f} ms (target < 300 ms)")
    return 0 if worst < 300 else 1


if __name__ == "__main__":
    sys.exit(main())
