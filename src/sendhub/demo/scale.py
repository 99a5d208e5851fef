"""Scale the Lancashire demo up to a large county, for load tests (``sendhub demo scale --factor N``).

``--factor 10`` gives about 3,000 Local Offer listings, 20,000 comments (most from the feedback form), 20,000
survey responses (the extra ones in an open wave that families can answer), 300 improvement actions with their
milestones and progress updates, and a 20,000-person SEN2 return for the latest collection year. Each figure is
a *total* for the area, not an addition: running the command again with the same factor adds nothing, and a
larger factor adds only the difference. Like the demo, everything is invented and deterministic: each part
draws from its own seeded random stream, keyed by what the area held before, so the same starting data always
scales to the same content.

Writes go through the same paths as the demo loader:

* listings through the demo's directory builder (bulk inserts with history), then ``search.reindex`` so every
  new listing is searchable;
* comments through the redaction and safeguarding checks (memoised: the invented sentences repeat), with themes
  stored as the model's suggestions, as the demo does;
* survey waves through ``voice.surveys`` (one open wave at a time), answers with bulk inserts;
* actions and updates through ``improvement.services`` (versions, history, evidence), one at a time;
* the SEN2 return through ``outcomes.services.sen2_import``, which also computes the measures;
* then the theme model is trained if none is stored yet, and ``ANALYZE`` makes the database plan queries for the
  tables' new sizes.
"""

from __future__ import annotations

import random
import re
import tempfile
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from functools import lru_cache

from django.core.files.storage import default_storage
from django.db import transaction
from django.utils import timezone

from sendhub.accounts.models import LocalArea, Organisation, User
from sendhub.demo import directory as demo_directory
from sendhub.demo import lancashire
from sendhub.demo import outcomes as demo_outcomes
from sendhub.demo import voice as demo_voice
from sendhub.improvement.models import Action, Finding
from sendhub.outcomes.models import Sen2Return

SEED = 2026
SURVEY_SLUG = "parent-carer-experience"

# Per unit of --factor: factor 10 is the large county of issue 7.
LISTINGS_PER_FACTOR = 300
COMMENTS_PER_FACTOR = 2_000
RESPONSES_PER_FACTOR = 2_000
ACTIONS_PER_FACTOR = 30
SEN2_PERSONS_PER_FACTOR = 2_000

# How the extra actions' stories go, as shares (the demo's own plan has the same mix, roughly).
ACTION_PROFILES = (("run", 35), ("late", 18), ("soon", 14), ("done", 18), ("new", 8), ("held", 4), ("drop", 3))
# The open wave rates experience a little better again than the demo's second wave.
OPEN_WAVE_LIKERT = [7, 15, 24, 35, 19]
FREE_TEXT_CHANCE = 0.2  # per free-text question; most people skip them
RESPONDENTS = ("parent_carer", "young_person", "professional")
RESPONDENT_WEIGHTS = (80, 12, 8)
AGE_BANDS = ("0-4", "5-10", "11-15", "16-19", "20-25")
REFERENCE_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"


class ScaleError(Exception):
    """The demo cannot be scaled; the message says why."""


@dataclass(frozen=True)
class Targets:
    """Totals for the area after scaling."""

    listings: int
    comments: int
    responses: int
    actions: int
    sen2_persons: int

    @classmethod
    def for_factor(cls, factor: float) -> Targets:
        if not factor > 0:
            raise ScaleError("The factor must be more than 0")
        return cls(
            listings=round(LISTINGS_PER_FACTOR * factor),
            comments=round(COMMENTS_PER_FACTOR * factor),
            responses=round(RESPONSES_PER_FACTOR * factor),
            actions=round(ACTIONS_PER_FACTOR * factor),
            sen2_persons=round(SEN2_PERSONS_PER_FACTOR * factor),
        )


@dataclass
class ScaleSummary:
    added: dict[str, int] = field(default_factory=dict)
    totals: dict[str, int] = field(default_factory=dict)


def scale(
    area: LocalArea,
    targets: Targets,
    *,
    today: date | None = None,
    admin: User | None = None,
    say: Callable[[str], None] | None = None,
) -> ScaleSummary:
    """Grow the demo area to ``targets``. Each part commits on its own, so an interrupted run can be re-run."""
    if not lancashire.is_demo_area(area):
        raise ScaleError(f"The area '{area.slug}' was not built by the demo loader: only the demo can be scaled.")
    today = today or timezone.localdate()
    admin = admin or User.objects.get(email=lancashire.ADMIN_EMAIL)
    say = say or (lambda _message: None)
    summary = ScaleSummary()
    # Responses first: their free-text answers are comments too, and the comments part tops up to the total.
    for name, part in (
        ("listings", _listings),
        ("survey responses", _responses),
        ("comments", _comments),
        ("actions", _actions),
        ("SEN2 persons", _sen2),
    ):
        started = timezone.now()
        added = part(area, targets, today=today, admin=admin)
        summary.added[name] = added
        say(f"{name}: added {added:,} in {(timezone.now() - started).total_seconds():.1f}s")
    _theme_model(area)
    _analyze()
    summary.totals = totals(area)
    return summary


def _theme_model(area: LocalArea) -> None:
    """Make sure a theme model is stored, as the nightly ``sendhub voice retrain`` would have: otherwise the first
    feedback sent trains one inside its request (seconds), in every app server that gets there first."""
    from sendhub.voice import classifier

    classifier.current_model(area)


def _analyze() -> None:
    """Refresh the planner's statistics: after bulk inserts into fresh tables PostgreSQL still plans for empty
    ones (nested loops over thousands of rows turned a 20 ms search into seconds in the first load runs)."""
    from django.db import connection

    if connection.vendor in {"postgresql", "sqlite"}:
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")


def totals(area: LocalArea) -> dict[str, int]:
    from sendhub.directory.models import Service
    from sendhub.voice.models import Comment, Response

    current = Sen2Return.objects.filter(area=area, is_current=True).order_by("-collection_year").first()
    return {
        "listings": Service.objects.filter(area=area).count(),
        "comments": Comment.objects.filter(area=area).count(),
        "survey responses": Response.objects.filter(wave__survey__area=area).count(),
        "actions": Action.objects.filter(area=area).count(),
        "SEN2 persons (latest return)": current.person_count if current else 0,
    }


def _reference(rng: random.Random, prefix: str) -> str:
    return prefix + "".join(rng.choice(REFERENCE_ALPHABET) for _ in range(8))


def _moment(day: date, rng: random.Random) -> datetime:
    at = timezone.make_aware(datetime.combine(day, time(rng.randint(7, 22), rng.randint(0, 59))))
    return min(at, timezone.now() - timedelta(minutes=5))


# Local Offer ----------------------------------------------------------------------------------------------


class _ListingBuilder(demo_directory._Builder):
    """The demo's listing builder, adding to the providers and places the demo already made."""

    def __init__(self, area: LocalArea, today: date, admin: User, rng: random.Random) -> None:
        from sendhub.directory.models import DirectoryOrganisation

        super().__init__(area, today, admin)
        self.rng = rng
        self.providers = list(DirectoryOrganisation.objects.filter(area=area).order_by("name"))
        kinds_of = {name: kinds for name, _partner, kinds in demo_directory.PROVIDERS}
        self.by_kind = {}
        for provider in self.providers:
            for kind in sorted(kinds_of.get(provider.name, ())):
                self.by_kind.setdefault(kind, []).append(provider)


def _listings(area: LocalArea, targets: Targets, *, today: date, admin: User) -> int:
    from sendhub.directory import search, taxonomies
    from sendhub.directory.models import Service

    have = Service.objects.filter(area=area).count()
    missing = targets.listings - have
    if missing <= 0:
        return 0
    rng = random.Random(f"{SEED}:listings:{have}")
    builder = _ListingBuilder(area, today, admin, rng)
    if not builder.providers:
        raise ScaleError("The demo area has no Local Offer providers: run 'sendhub demo load' first.")
    taxonomies.ensure_taxonomies()
    needs = [code for code, _name in taxonomies.TAXONOMIES[taxonomies.NEED][2]]
    districts = list(demo_directory.TOWNS)
    names = set(Service.objects.filter(area=area).values_list("name", flat=True))
    for i in range(missing):
        district = districts[i % len(districts)]
        town = rng.choice(demo_directory.TOWNS[district])
        kind = rng.choice(demo_directory.KINDS)
        need = rng.choice(needs)
        # A real county's listings rarely share a name: tell repeats apart by where they meet.
        name = kind[1].format(town=town[0], need=demo_directory.NEED_WORDS[need])
        if name in names:
            name = f"{name} ({rng.choice(demo_directory.STREETS)})"
        if name in names:
            name = f"{name} {have + i}"
        names.add(name)
        builder.add_listing(district, town, kind, need, have + i, name=name)
    with transaction.atomic():
        builder.save_all()
    search.reindex(area=area)
    return missing


# Parent carer voice ---------------------------------------------------------------------------------------


@lru_cache(maxsize=4096)
def _cleaned(text: str) -> tuple[str, tuple[str, ...], tuple[str, ...]]:
    """(redacted text, kinds of personal data removed, safeguarding reasons), as ``record_comment`` finds them."""
    from sendhub.voice import redaction, safeguarding

    redacted = redaction.redact(text)
    return redacted.text, tuple(sorted(set(redacted.kinds))), tuple(safeguarding.concerns(text))


def _comment_text(rng: random.Random, progress: float, themes: list[str]) -> tuple[str, str, list[str]]:
    """(text, sentiment, parts of the system) for a comment on ``themes``, in the demo's words."""
    from sendhub.voice.models import Sentiment

    positive_chance = 0.15 + 0.45 * progress
    sentences, parts, votes = [], [], 0
    for theme in themes:
        theme_parts, _start, _end, negative, positive = demo_voice.THEMES[theme]
        good = theme == "praise" or (positive and rng.random() < positive_chance) or not negative
        sentences.append(rng.choice(positive if good else negative))
        votes += 1 if good else -1
        parts.extend(p for p in theme_parts[: rng.randint(1, len(theme_parts))] if p not in parts)
    text = rng.choice(demo_voice.OPENERS) + " ".join(sentences)
    sentiment = Sentiment.NEUTRAL if not votes else (Sentiment.POSITIVE if votes > 0 else Sentiment.NEGATIVE)
    return text[0].upper() + text[1:], sentiment, parts


def _comment(area, rng, *, text, sentiment, parts, received_at, district, source, **links):
    from sendhub.voice.models import Comment

    clean, kinds, concerns = _cleaned(text)
    return Comment(
        area=area, source=source, text=clean, redactions=list(kinds), received_at=received_at, district=district,
        parts=parts, sentiment=sentiment, sentiment_confidence=round(rng.uniform(0.55, 0.97), 2),
        safeguarding=bool(concerns), safeguarding_reasons=list(concerns), **links,
    )


def _tags(comments, planned, admin: User) -> list:
    """The classifier's suggested themes; staff have confirmed most of those older than four months."""
    from sendhub.voice.models import CommentTag

    now = timezone.now()
    tags = []
    for comment, themes in zip(comments, planned, strict=True):
        reviewed = (now - comment.received_at).days > 120
        for theme, confidence, confirmed in themes:
            confirmed = confirmed and reviewed
            tags.append(CommentTag(
                comment=comment, theme=theme, confidence=confidence, confirmed=confirmed,
                confirmed_by=admin if confirmed else None,
                confirmed_at=comment.received_at + timedelta(days=7) if confirmed else None,
            ))
    return tags


def _themes(rng: random.Random, progress: float) -> list[str]:
    weights = demo_voice._weights(progress)
    return list(dict.fromkeys(rng.choices(list(weights), weights=list(weights.values()), k=rng.choice((1, 1, 1, 2)))))


def _open_wave(area: LocalArea, today: date, admin: User):
    from sendhub.voice import surveys
    from sendhub.voice.models import Survey, Wave

    survey = Survey.objects.filter(area=area, slug=SURVEY_SLUG, is_template=False).first()
    if survey is None:
        raise ScaleError(f"The demo area has no '{SURVEY_SLUG}' survey: run 'sendhub demo load' first.")
    wave = surveys.open_wave_of(survey)
    if wave is not None:
        return survey, wave
    wave = Wave(survey=survey, name=f"Wave {survey.waves.count() + 1}: {today:%B %Y}")
    wave._history_user = admin
    wave.save()
    surveys.open_wave(wave)
    # Opened three weeks ago, so the answers below fall while it was open.
    opened = timezone.make_aware(datetime.combine(today - timedelta(days=21), time(9)))
    Wave.objects.filter(pk=wave.pk).update(opens_at=min(opened, timezone.now()))
    wave.refresh_from_db()
    return survey, wave


def _responses(area: LocalArea, targets: Targets, *, today: date, admin: User) -> int:
    from sendhub.voice.models import Answer, Comment, Question, Response

    have = Response.objects.filter(wave__survey__area=area).count()
    missing = targets.responses - have
    if missing <= 0:
        return 0
    rng = random.Random(f"{SEED}:responses:{have}")
    with transaction.atomic():
        survey, wave = _open_wave(area, today, admin)
        questions = list(survey.questions.all())
        span = max(60, int((timezone.now() - wave.opens_at).total_seconds()))
        rows = [
            Response(
                wave=wave, reference=_reference(rng, "SR-"),
                district=rng.choice(demo_voice.DISTRICTS) if rng.random() < 0.95 else "",
                respondent=rng.choices(RESPONDENTS, weights=RESPONDENT_WEIGHTS)[0],
            )
            for _ in range(missing)
        ]
        created = Response.objects.bulk_create(rows, batch_size=1000)
        if any(r.pk is None for r in created):  # databases that do not return ids from bulk inserts
            by_reference = dict(Response.objects.filter(wave=wave).values_list("reference", "pk"))
            for response in created:
                response.pk = by_reference[response.reference]
        answers, comments, planned = [], [], []
        for response in created:
            response.submitted_at = wave.opens_at + timedelta(seconds=rng.randint(0, span - 1))
            for question in questions:
                if question.kind == Question.Kind.FREE_TEXT:
                    if rng.random() < FREE_TEXT_CHANCE:
                        themes = _themes(rng, 1.0)
                        text, sentiment, parts = _comment_text(rng, 1.0, themes)
                        comments.append(_comment(
                            area, rng, text=text, sentiment=sentiment, parts=parts,
                            received_at=response.submitted_at, district=response.district,
                            source=Comment.Source.SURVEY, answer_response=response, question=question,
                        ))
                        planned.append([(t, round(rng.uniform(0.55, 0.97), 2), False) for t in themes])
                    continue
                value = demo_voice._answer(question, OPEN_WAVE_LIKERT, rng)
                if value is not None and (question.required or rng.random() < 0.9):
                    answers.append(Answer(response=response, question=question, value=value))
        Response.objects.bulk_update(created, ["submitted_at"], batch_size=1000)
        Answer.objects.bulk_create(answers, batch_size=2000)
        _save_comments(area, comments, planned, admin)
    return missing


def _save_comments(area: LocalArea, comments: list, planned: list, admin: User) -> None:
    from sendhub.voice.models import Comment, CommentTag

    created = Comment.objects.bulk_create(comments, batch_size=1000)
    if any(c.pk is None for c in created):
        raise ScaleError("This database does not return ids from bulk inserts; use PostgreSQL or SQLite 3.35+.")
    CommentTag.objects.bulk_create(_tags(created, planned, admin), batch_size=2000)


def _comments(area: LocalArea, targets: Targets, *, today: date, admin: User) -> int:
    """Feedback-form submissions over the last three years, each with its comment, up to the area's total."""
    from sendhub.voice.models import Comment, Feedback

    have = Comment.objects.filter(area=area).count()
    missing = targets.comments - have
    if missing <= 0:
        return 0
    rng = random.Random(f"{SEED}:comments:{have}")
    start = today - timedelta(days=demo_voice.DAYS)
    feedback, comments, planned = [], [], []
    for _ in range(missing):
        offset = int(demo_voice.DAYS * rng.random() ** 0.85)  # more lately: the form gets better known
        progress = offset / demo_voice.DAYS
        themes = _themes(rng, progress)
        text, sentiment, parts = _comment_text(rng, progress, themes)
        received = _moment(start + timedelta(days=offset), rng)
        district = rng.choice(demo_voice.DISTRICTS) if rng.random() < 0.93 else ""
        rating = {"positive": (4, 5), "negative": (1, 2)}.get(sentiment, (2, 4))
        feedback.append(Feedback(
            area=area, reference=_reference(rng, "FB-"), parts=parts, district=district,
            rating=rng.randint(*rating) if rng.random() < 0.8 else None,
            age_band=rng.choice(AGE_BANDS) if rng.random() < 0.7 else "",
            respondent=rng.choices(RESPONDENTS, weights=RESPONDENT_WEIGHTS)[0],
        ))
        comments.append(_comment(area, rng, text=text, sentiment=sentiment, parts=parts, received_at=received,
                                 district=district, source=Comment.Source.FEEDBACK))
        confirmed_chance = 0.7
        planned.append([(t, round(rng.uniform(0.55, 0.97), 2), rng.random() < confirmed_chance) for t in themes])
    with transaction.atomic():
        created = Feedback.objects.bulk_create(feedback, batch_size=1000)
        if any(f.pk is None for f in created):
            raise ScaleError("This database does not return ids from bulk inserts; use PostgreSQL or SQLite 3.35+.")
        for item, comment in zip(created, comments, strict=True):
            item.submitted_at = comment.received_at  # auto_now_add stamped "now" on insert
            comment.feedback = item
        Feedback.objects.bulk_update(created, ["submitted_at"], batch_size=1000)
        _save_comments(area, comments, planned, admin)
    return missing


# Improvement plan -----------------------------------------------------------------------------------------


def _plan_builder(area: LocalArea, today: date) -> lancashire._Builder:
    """The demo's plan builder, pointed at the people, organisations and findings the demo already made."""
    builder = lancashire._Builder(today)
    builder.area = area
    emails = {person[0]: key for key, person in lancashire.PEOPLE.items()}
    builder.users = {emails[u.email]: u for u in User.objects.filter(email__in=emails)}
    names = {spec[0]: key for key, spec in lancashire.ORGANISATIONS.items()}
    builder.orgs = {names[o.name]: o for o in Organisation.objects.filter(area=area, name__in=names)}
    builder.findings = {f.reference: f for f in Finding.objects.filter(area=area)}
    missing = {key for key in lancashire.PEOPLE if key not in builder.users} | {
        key for key in lancashire.ORGANISATIONS if key not in builder.orgs
    }
    if missing:
        raise ScaleError(f"The demo area is incomplete ({', '.join(sorted(missing))} missing): reload the demo.")
    return builder


def _next_number(area: LocalArea) -> int:
    numbers = [int(m.group(1)) for ref in Action.objects.filter(area=area).values_list("reference", flat=True)
               if (m := re.fullmatch(r"A(\d+)", ref))]
    # Leave room after the demo's own references, so scaled actions are easy to tell apart.
    return max([100, *numbers]) + 1


def _actions(area: LocalArea, targets: Targets, *, today: date, admin: User) -> int:
    have = Action.objects.filter(area=area).count()
    missing = targets.actions - have
    if missing <= 0:
        return 0
    builder = _plan_builder(area, today)
    first = _next_number(area)
    profiles, weights = zip(*ACTION_PROFILES, strict=True)
    plan = random.Random(f"{SEED}:actions:{have}")
    districts = demo_voice.DISTRICTS
    try:
        for i in range(missing):
            ref, title, owner, lead, findings, _profile, criteria = lancashire.CURRENT_ACTIONS[
                i % len(lancashire.CURRENT_ACTIONS)]
            district = districts[(i // len(lancashire.CURRENT_ACTIONS)) % len(districts)]
            reference = f"A{first + i}"
            profile = plan.choices(profiles, weights=weights)[0]
            builder.rng = random.Random(f"{SEED}:scale:{reference}")
            with transaction.atomic():
                start, due, end = builder.plan_dates(profile)
                action = builder.create_action(
                    reference, f"{title}: {district} locality", owner, lead, findings, start, due, criteria,
                    f"Locality delivery of {ref} in {district}, following the December 2024 inspection.", admin,
                )
                builder.add_milestones(action, profile, done_on=end if profile == "done" else None)
                builder.add_updates(action, profile, lancashire.GROUP_OF[findings[0]], end)
    except BaseException:
        # Evidence files of the action being built when it failed (its rows were rolled back).
        saved = set(_evidence_files(area))
        for name in builder.stored_files:
            if name not in saved:
                default_storage.delete(name)
        raise
    return missing


def _evidence_files(area: LocalArea) -> list[str]:
    from sendhub.improvement.models import Evidence

    return list(Evidence.objects.filter(action__area=area).exclude(file="").values_list("file", flat=True))


# Outcomes -------------------------------------------------------------------------------------------------


def _sen2(area: LocalArea, targets: Targets, *, today: date, admin: User) -> int:
    from sendhub.outcomes import services
    from sendhub.outcomes.sen2.generate import generate_sen2

    if targets.sen2_persons <= 0:
        return 0
    year = demo_outcomes.latest_collection_year(today)
    current = Sen2Return.objects.filter(area=area, collection_year=year, is_current=True).first()
    if current is not None and current.person_count >= targets.sen2_persons:
        return 0
    with tempfile.NamedTemporaryFile("w+b", suffix=".xml") as handle:
        with open(handle.name, "w", encoding="utf-8") as text:
            generate_sen2(text, persons=targets.sen2_persons, year=year, seed=SEED + year, la=area.la_code)
        handle.seek(0)
        result = services.sen2_import(
            stream=handle, filename=f"lancashire-sen2-{year}-scaled.xml", area=area, imported_by=admin
        )
    if result.sen2_return is None:
        problems = "; ".join(f"{e['path']}: {e['rule']}" for e in result.errors[:5])
        raise ScaleError(f"The generated SEN2 {year} return did not import: {problems}")
    return result.sen2_return.person_count

