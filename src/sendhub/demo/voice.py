"""Parent carer voice for the Lancashire demo: about 2,000 invented comments over three years, two waves of the
standard parent carer survey, co-production with the Parent Carer Forum and "You said, we did".

Everything here is invented and contains no personal data. Themes shift as the improvement plan progresses:
complaints about EHC plan timeliness and communication are common three years ago and fall; praise rises; health
waiting lists stay stubborn. Comments and their themes are written with bulk inserts (the demo's themes are
stored directly as the model's suggestions, with a confidence; older ones are mostly confirmed by staff), so the
whole voice demo loads in a few seconds. Deterministic: ``random.Random(2026)``.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta

from django.db import transaction
from django.utils import timezone

from sendhub.accounts.models import LocalArea, Organisation, User
from sendhub.improvement.models import Action, Finding
from sendhub.voice.models import (
    Answer,
    Comment,
    CommentTag,
    CoproductionActivity,
    Question,
    Response,
    Sentiment,
    Survey,
    Wave,
    YouSaidWeDid,
)

SEED = 2026
COMMENTS = 2000
DAYS = 3 * 365
DISTRICTS = [
    "Burnley", "Chorley", "Fylde", "Hyndburn", "Lancaster", "Pendle", "Preston", "Ribble Valley", "Rossendale",
    "South Ribble", "West Lancashire", "Wyre",
]  # fmt: skip
RESPONDENT_WEIGHTS = (("parent_carer", 80), ("young_person", 12), ("professional", 8))

# theme: (parts of the system, weight three years ago, weight now, negative phrases, positive phrases)
THEMES: dict[str, tuple[list[str], float, float, list[str], list[str]]] = {
    "ehc_timeliness": (["ehc"], 34, 5, [
        "We have been waiting over 30 weeks for the EHC plan and nobody can tell us when it will be finished.",
        "The assessment went past 20 weeks and we only found out when we chased it.",
        "Our annual review was held in March and we still have not had the amended plan.",
        "The draft plan came so late that the school place for September was not sorted.",
        "Every deadline for the plan was missed and we had to go to the MP.",
    ], [
        "The plan arrived within the 20 weeks and the caseworker kept us updated throughout.",
        "The annual review paperwork came back quickly this year, a big improvement.",
    ]),
    "ehc_quality": (["ehc"], 14, 8, [
        "The plan was full of mistakes and parts of it were copied from another child.",
        "The outcomes in the plan are so vague that school say they cannot use them.",
        "There was no health or social care advice in the plan at all.",
        "The plan does not say how many hours of support my son gets.",
    ], [
        "The new plan actually sounds like my daughter, her views are at the front of it.",
        "The outcomes are specific and school are working to them.",
    ]),
    "communication": (["ehc", "other"], 22, 8, [
        "Nobody answers the phone at the SEND team and emails go unanswered for weeks.",
        "We feel ignored, like we are a nuisance for asking questions.",
        "Our caseworker changed three times in a year and nobody told us.",
        "We were never asked what we thought before the decision was made.",
    ], [
        "The caseworker rang me back the same day and explained everything clearly.",
        "We were listened to at the meeting and it felt like a real partnership.",
    ]),
    "health_waiting": (["health"], 16, 14, [
        "We have waited nearly two years for an autism assessment with no support in the meantime.",
        "The ADHD waiting list is over 18 months and school will not help without a diagnosis.",
        "Speech and language therapy was stopped and we are back on the waiting list.",
        "CAMHS turned us away and told us to go back to the GP.",
    ], [
        "The waiting well workshop was helpful and we had a named person to contact.",
        "We finally had the assessment and the team were lovely with our son.",
    ]),
    "school_inclusion": (["school"], 10, 9, [
        "Our daughter is on a part-time timetable and has been for months.",
        "School keep ringing me to collect him early, he is missing so much learning.",
        "He was excluded again and nobody looked at why he was struggling.",
    ], [
        "School have made a quiet space and a movement break plan and it has transformed his days.",
        "The SENCO is brilliant and our son is happy and included.",
    ]),
    "specialist_places": (["school", "ehc"], 9, 7, [
        "There are no special school places near us so she travels over an hour each way.",
        "Every special school we asked said they were full.",
        "He has been out of school for months waiting for a suitable place.",
    ], [
        "The new resourced base at the local secondary has been a lifeline.",
    ]),
    "transition": (["ehc", "social_care"], 7, 7, [
        "Nobody has talked to us about what happens when she turns 18.",
        "The move to college was planned far too late and it fell apart.",
        "Adult services do not seem to know anything about him.",
    ], [
        "The preparing for adulthood review started at 14 and we felt ready for college.",
    ]),
    "transport": (["school", "other"], 6, 6, [
        "The school taxi changes driver every week and it really upsets our son.",
        "Transport was only confirmed the day before term started.",
    ], [
        "The transport team sorted a consistent driver and escort, thank you.",
    ]),
    "short_breaks": (["social_care"], 6, 5, [
        "We were told we do not meet the threshold for short breaks even though we are exhausted.",
        "The holiday scheme had no places for children with complex needs.",
    ], [
        "The short breaks club has given us our first evenings off in years.",
    ]),
    "information": (["local_offer"], 10, 5, [
        "I could not find anything useful on the Local Offer website.",
        "Nobody told us what support was available while we waited.",
        "The information about what to expect from an assessment is confusing.",
    ], [
        "The new while you wait pages on the Local Offer told us exactly where to go.",
        "The family drop-in was really useful, we left with a list of things to try.",
    ]),
    "praise": (["school", "health", "ehc"], 4, 22, [], [
        "Thank you to the SEND team, things have really changed for our family this year.",
        "The Parent Carer Forum has been amazing and we feel part of things now.",
        "Our caseworker has been fantastic, so supportive and honest.",
        "The staff at the special school are incredible.",
    ]),
}
SAFEGUARDING = [
    (3, "I am at breaking point and I do not know how much longer I can keep him safe at home.", ["risk at home"]),
    (9, "My daughter has started hurting herself again and we have had no help from anyone.", ["self-harm"]),
    (16, "There is no respite and some nights I feel I cannot cope with his violence towards his sister.",
     ["violence"]),
]
OPENERS = ["", "", "", "As a parent, ", "Honestly, ", "I just want to say ", "To be fair, "]


@dataclass
class VoiceSummary:
    counts: dict[str, int] = field(default_factory=dict)
    trust: list[tuple[str, float]] = field(default_factory=list)  # (wave name, trust index 0-100)


def load(area: LocalArea, *, today: date, admin: User | None = None) -> VoiceSummary:
    """Add the voice demo to the Lancashire demo area (call after the plan is built)."""
    rng = random.Random(SEED)
    admin = admin or User.objects.filter(memberships__area=area, memberships__role="administrator").first()
    summary = VoiceSummary()
    with transaction.atomic():
        summary.counts["comments"] = _comments(area, today=today, rng=rng, admin=admin)
        summary.trust = _surveys(area, today=today, rng=rng, admin=admin)
        summary.counts["co-production activities"] = _coproduction(area, today=today, admin=admin)
        summary.counts["you said, we did"] = _you_said_we_did(area, today=today, admin=admin)
    summary.counts["survey responses"] = Response.objects.filter(wave__survey__area=area).count()
    return summary


def _at(day: date, rng: random.Random) -> datetime:
    moment = timezone.make_aware(datetime.combine(day, time(rng.randint(7, 22), rng.randint(0, 59))))
    return min(moment, timezone.now() - timedelta(minutes=5))


def _weights(progress: float) -> dict[str, float]:
    return {theme: start + (end - start) * progress for theme, (_, start, end, _, _) in THEMES.items()}


def _redactor():
    try:
        from sendhub.voice import redaction
    except ImportError:  # the redaction module is optional for the demo: its texts hold no personal data
        return None
    return redaction.redact


def _comments(area: LocalArea, *, today: date, rng: random.Random, admin: User | None) -> int:
    redact = _redactor()
    start = today - timedelta(days=DAYS)
    rows: list[Comment] = []
    planned_tags: list[list[tuple[str, float, bool]]] = []
    for _ in range(COMMENTS):
        # Slightly more comments lately: the feedback form gets better known.
        offset = int(DAYS * rng.random() ** 0.85)
        day = start + timedelta(days=offset)
        progress = offset / DAYS
        weights = _weights(progress)
        themes = rng.choices(list(weights), weights=list(weights.values()), k=rng.choice((1, 1, 1, 2)))
        themes = list(dict.fromkeys(themes))
        positive_chance = 0.15 + 0.45 * progress
        sentences, parts, positive_votes = [], [], 0
        for theme in themes:
            theme_parts, _, _, negative, positive = THEMES[theme]
            good = theme == "praise" or (positive and rng.random() < positive_chance) or not negative
            sentences.append(rng.choice(positive if good else negative))
            positive_votes += 1 if good else -1
            parts.extend(p for p in theme_parts[: rng.randint(1, len(theme_parts))] if p not in parts)
        text = rng.choice(OPENERS) + " ".join(sentences)
        text = text[0].upper() + text[1:]
        sentiment = Sentiment.NEUTRAL
        if positive_votes:
            sentiment = Sentiment.POSITIVE if positive_votes > 0 else Sentiment.NEGATIVE
        redacted = redact(text) if redact else None
        age_days = (today - day).days
        rows.append(
            Comment(
                area=area,
                source=Comment.Source.FEEDBACK if rng.random() < 0.7 else Comment.Source.SURVEY,
                text=redacted.text if redacted else text,
                redactions=sorted(set(redacted.kinds)) if redacted else [],
                received_at=_at(day, rng),
                district=rng.choice(DISTRICTS) if rng.random() < 0.93 else "",
                parts=parts,
                sentiment=sentiment,
                sentiment_confidence=round(rng.uniform(0.55, 0.97), 2),
                sentiment_confirmed=age_days > 120 and rng.random() < 0.5,
            )
        )
        confirmed_chance = 0.7 if age_days > 120 else 0.15
        tags = [(theme, round(rng.uniform(0.55, 0.97), 2), rng.random() < confirmed_chance) for theme in themes]
        if rng.random() < 0.08:  # a wrong suggestion, usually rejected once a person has looked
            wrong = rng.choice([t for t in THEMES if t not in themes])
            tags.append((wrong, round(rng.uniform(0.5, 0.65), 2), False))
        planned_tags.append(tags)
    for days_ago, text, reasons in SAFEGUARDING:  # a few recent comments for the safeguarding queue
        rows.append(Comment(area=area, source=Comment.Source.FEEDBACK, text=text, received_at=_at(today - timedelta(
            days=days_ago), rng), district=rng.choice(DISTRICTS), parts=["social_care"], sentiment=Sentiment.NEGATIVE,
            sentiment_confidence=0.9, safeguarding=True, safeguarding_reasons=reasons))
        planned_tags.append([("short_breaks", 0.71, False)])
    created = Comment.objects.bulk_create(rows, batch_size=500)
    if any(c.pk is None for c in created):  # databases that do not return ids from bulk inserts
        created = list(Comment.objects.filter(area=area).order_by("received_at", "pk"))
    now = timezone.now()
    tags: list[CommentTag] = []
    for comment, planned in zip(created, planned_tags, strict=True):
        reviewed = (now - comment.received_at).days > 120
        for n, (theme, confidence, confirmed) in enumerate(planned):
            wrong = n == len(planned) - 1 and n > 0 and confidence < 0.66 and not confirmed
            rejected = wrong and reviewed
            tags.append(
                CommentTag(
                    comment=comment,
                    theme=theme,
                    confidence=confidence,
                    confirmed=confirmed and not rejected,
                    rejected=rejected,
                    confirmed_by=admin if (confirmed or rejected) else None,
                    confirmed_at=comment.received_at + timedelta(days=7) if (confirmed or rejected) else None,
                )
            )
    CommentTag.objects.bulk_create(tags, batch_size=1000)
    _link_findings(area, created, planned_tags)
    return len(created)


FINDING_FOR_THEME = {"ehc_timeliness": "PA2", "ehc_quality": "PA2", "health_waiting": "PA3",
                     "communication": "AFI1", "information": "AFI1", "transition": "AFI2"}


def _link_findings(area: LocalArea, comments: list[Comment], planned_tags) -> None:
    references = set(FINDING_FOR_THEME.values())
    findings = {f.reference: f for f in Finding.objects.filter(area=area, reference__in=references)}
    through = Comment.findings.through
    links, seen = [], set()
    for comment, planned in zip(comments, planned_tags, strict=True):
        for theme, _, confirmed in planned:
            finding = findings.get(FINDING_FOR_THEME.get(theme, ""))
            negative = comment.sentiment == Sentiment.NEGATIVE
            if confirmed and finding and negative and (comment.pk, finding.pk) not in seen:
                seen.add((comment.pk, finding.pk))
                links.append(through(comment_id=comment.pk, finding_id=finding.pk))
    through.objects.bulk_create(links, batch_size=1000)


# Surveys ------------------------------------------------------------------------------------------------

FALLBACK_SURVEY = {
    "title": "Parent carer experience survey",
    "welcome_text": "Tell us about your family's experience of SEND support over the last 12 months.",
    "privacy_text": "Your answers are anonymous. Names and contact details are removed before anyone reads them.",
    "questions": [
        {"text": "I feel listened to", "kind": "likert", "trust": True},
        {"text": "I trust the local area to meet my child's needs", "kind": "likert", "trust": True},
        {"text": "When I raise a concern, it is taken seriously", "kind": "likert", "trust": True},
        {"text": "I know where to find information about support for my child", "kind": "likert"},
        {"text": "Does your child have an education, health and care (EHC) plan?", "kind": "yes_no",
         "required": False},
        {"text": "Is there anything else you would like to tell us?", "kind": "free_text", "required": False},
    ],
}


def _standard_survey() -> dict:
    try:
        from sendhub.voice.templates_data import STANDARD_TEMPLATES
    except ImportError:
        return FALLBACK_SURVEY
    return STANDARD_TEMPLATES.get("parent-carer-experience", FALLBACK_SURVEY)


# Likert answer weights (1 strongly disagree .. 5 strongly agree) in each wave: trust rises.
WAVE_LIKERT = ([22, 30, 22, 18, 8], [9, 18, 25, 32, 16])


def _surveys(area: LocalArea, *, today: date, rng: random.Random, admin: User | None) -> list[tuple[str, float]]:
    spec = _standard_survey()
    survey = Survey(area=area, title=spec["title"], slug="parent-carer-experience",
                    welcome_text=spec.get("welcome_text", ""), privacy_text=spec.get("privacy_text", ""),
                    created_by=admin)
    survey._history_user = admin
    # Histories are dated when things happened, so "as at" monitoring packs see the survey as it was then.
    survey._history_date = _history_moment(today - timedelta(days=400))
    survey.save()
    questions = []
    for position, q in enumerate(spec["questions"], start=1):
        question = Question(survey=survey, position=position, text=q["text"], hint=q.get("hint", ""), kind=q["kind"],
                            choices=q.get("choices", []), required=q.get("required", True),
                            is_trust_question=bool(q.get("trust")))
        question._history_user = admin
        question._history_date = survey._history_date
        question.save()
        questions.append(question)
    first_close = today - timedelta(days=330)
    second_close = today - timedelta(days=40)
    waves = [
        (f"Wave 1: {first_close:%B %Y}", first_close, 140, WAVE_LIKERT[0]),
        (f"Wave 2: {second_close:%B %Y}", second_close, 175, WAVE_LIKERT[1]),
    ]
    trust = []
    for name, closes_on, responses, likert in waves:
        opens = timezone.make_aware(datetime.combine(closes_on - timedelta(days=42), time(9)))
        wave = Wave(survey=survey, name=name, status=Survey.Status.CLOSED, opens_at=opens,
                    closes_at=timezone.make_aware(datetime.combine(closes_on, time(17))))
        wave._history_user = admin
        wave._history_date = _history_moment(closes_on + timedelta(days=1))
        wave.save()
        created = Response.objects.bulk_create(
            Response(wave=wave, district=rng.choice(DISTRICTS),
                     respondent=rng.choices(*zip(*RESPONDENT_WEIGHTS, strict=True))[0])
            for _ in range(responses)
        )
        if any(r.pk is None for r in created):
            created = list(Response.objects.filter(wave=wave))
        answers, trust_values = [], []
        for response in created:
            for question in questions:
                value = _answer(question, likert, rng)
                if value is None:
                    continue
                answers.append(Answer(response=response, question=question, value=value))
                if question.is_trust_question:
                    trust_values.append(value)
        Answer.objects.bulk_create(answers, batch_size=1000)
        # Submitted over the weeks the wave was open (auto_now_add set "now" on insert).
        for response in created:
            response.submitted_at = opens + timedelta(minutes=rng.randint(0, 42 * 24 * 60))
        Response.objects.bulk_update(created, ["submitted_at"], batch_size=500)
        trust.append((name, round(100 * (sum(trust_values) / len(trust_values) - 1) / 4, 1)))
    return trust


def _history_moment(on: date) -> datetime:
    return min(timezone.make_aware(datetime.combine(on, time(9))), timezone.now() - timedelta(minutes=5))


def _answer(question: Question, likert: list[int], rng: random.Random):
    if question.kind == Question.Kind.LIKERT:
        return rng.choices([1, 2, 3, 4, 5], weights=likert)[0]
    if question.kind == Question.Kind.YES_NO:
        return rng.random() < 0.7
    if question.kind == Question.Kind.SINGLE and question.choices:
        shift = likert[3] + likert[4] > 40  # the later wave rates experience better
        weights = [10, 25, 30, 22, 13] if shift else [4, 14, 27, 32, 23]
        return rng.choices(question.choices, weights=weights[: len(question.choices)])[0]
    if question.kind == Question.Kind.MULTIPLE and question.choices:
        return rng.sample(question.choices, rng.randint(1, min(3, len(question.choices))))
    return None  # free text answers are comments, loaded above


# Co-production and You said, we did ----------------------------------------------------------------------

# (days ago, kind, title, summary, organisation keys, attendees, action references)
COPRODUCTION = [
    (700, "workshop", "EHC plan template co-design workshop",
     "Parents and caseworkers rewrote the plan template section by section. Decided: the child's views and "
     "aspirations come first; every outcome must say who does what by when.", ["pcf", "lcc"], 24, ["A27"]),
    (640, "meeting", "Parent Carer Forum and SEND leaders quarterly meeting",
     "The Forum raised unanswered emails as the top concern. Agreed a five-working-day response standard.",
     ["pcf", "lcc", "icb"], 18, ["A47"]),
    (600, "review", "Co-produced review of the joint SEND strategy draft",
     "Forum members reviewed the draft strategy; 14 changes accepted, including a commitment on waiting well.",
     ["pcf", "lcc", "icb"], 12, ["A13"]),
    (560, "workshop", "Waiting well: what families need while they wait",
     "Families on the ADHD and autism pathways described what would help. Decided: a named contact and "
     "workshops for every waiting family.", ["pcf", "icb", "community"], 31, ["A37", "A38"]),
    (520, "survey", "Parent carer experience survey: designing the questions",
     "The Forum chose the trust questions and tested the survey with ten parents.", ["pcf", "lcc"], 10, []),
    (470, "meeting", "SEND Improvement Board: Forum co-chair report",
     "The Forum co-chair reported families' views on the backlog of assessments; the Board asked for monthly "
     "progress figures.", ["pcf", "lcc", "icb"], 16, ["A23", "A11"]),
    (420, "workshop", "Local Offer relaunch: testing the new pages with families",
     "Twenty families tested the 'while you wait' pages. Decided: plainer headings and a printable checklist.",
     ["pcf", "lcc", "sendiass"], 20, ["A45"]),
    (380, "review", "Annual review paperwork: co-produced review",
     "Parents and SENCOs simplified the annual review forms from 14 pages to 6.", ["pcf", "special", "lcc"], 15,
     ["A26", "A34"]),
    (330, "meeting", "Preparing for adulthood: young people's panel",
     "Young people said planning starts too late. Agreed: preparing for adulthood reviews from Year 9.",
     ["pcf", "colleges", "lcc"], 14, ["A32"]),
    (280, "workshop", "Short breaks offer: family workshop",
     "Families described gaps in holiday provision for children with complex needs; commissioning to review.",
     ["pcf", "social", "icb"], 22, []),
    (230, "meeting", "Parent Carer Forum and SEND leaders quarterly meeting",
     "Reviewed 'You said, we did' for the quarter and agreed the next three priorities.", ["pcf", "lcc", "icb"],
     19, ["A46"]),
    (180, "survey", "Parent carer experience survey: results workshop",
     "The Forum and leaders discussed the survey results together; trust has risen but health waits remain the "
     "biggest worry.", ["pcf", "lcc", "icb"], 17, ["A46"]),
    (130, "workshop", "Neurodevelopmental pathway: single point of access feedback",
     "Families gave feedback on the new referral route; decided to add text message updates.",
     ["pcf", "community", "icb"], 26, ["A36"]),
    (75, "review", "Co-produced review of the SEND data dashboard",
     "Forum members chose the four measures families most want to see published.", ["pcf", "lcc"], 8, ["A14"]),
    (30, "meeting", "District family drop-in planning",
     "Agreed dates and venues for termly drop-ins in every district, with SENDIASS and health at each.",
     ["pcf", "lcc", "sendiass"], 11, ["A48"]),
]

# (theme, you said, we did, action references, published days ago or None for a draft)
YOU_SAID_WE_DID = [
    ("communication", "You told us emails and calls to the SEND team went unanswered for weeks.",
     "We set a five-working-day response standard for caseworkers and report how often we meet it every month.",
     ["A47"], 600),
    ("ehc_quality", "You said EHC plans did not sound like your child and the outcomes were vague.",
     "We co-designed a new plan template with the Parent Carer Forum: your child's views come first and every "
     "outcome says who does what by when.", ["A27"], 560),
    ("ehc_timeliness", "You said assessments took far longer than 20 weeks and nobody told you why.",
     "We recruited 12 more plan writers and review every assessment at week 14 so delays are caught early.",
     ["A22", "A24"], 420),
    ("health_waiting", "You told us there was no support while waiting for an autism or ADHD assessment.",
     "Every family on the waiting list is now offered a waiting well workshop and a named contact.",
     ["A37", "A38"], 380),
    ("information", "You said the Local Offer was hard to use and did not tell you what to do while you wait.",
     "We relaunched the Local Offer with 'while you wait' pages that families tested with us.", ["A45"], 300),
    ("transition", "Young people told us planning for adulthood started too late.",
     "Preparing for adulthood reviews now start in Year 9, and colleges join them.", ["A32"], 200),
    ("short_breaks", "You said there were no holiday places for children with complex needs.",
     "We are reviewing the short breaks offer with families and will publish what changes by the summer.",
     [], None),
    ("health_waiting", "You said waiting times were a mystery.",
     "We will publish neurodevelopmental waiting times on the Local Offer every month.", ["A41"], None),
]


def _coproduction(area: LocalArea, *, today: date, admin: User | None) -> int:
    orgs = _organisations(area)
    actions = {a.reference: a for a in Action.objects.filter(area=area)}
    for days_ago, kind, title, summary, org_keys, attendees, refs in COPRODUCTION:
        activity = CoproductionActivity(area=area, title=title, kind=kind, held_on=today - timedelta(days=days_ago),
                                        summary=summary, attendees_count=attendees)
        activity._history_user = admin
        activity._history_date = _history_moment(activity.held_on)
        activity.save()
        activity.organisations.set([orgs[k] for k in org_keys if k in orgs])
        activity.actions.set([actions[r] for r in refs if r in actions])
    return len(COPRODUCTION)


def _you_said_we_did(area: LocalArea, *, today: date, admin: User | None) -> int:
    actions = {a.reference: a for a in Action.objects.filter(area=area)}
    for theme, you_said, we_did, refs, days_ago in YOU_SAID_WE_DID:
        entry = YouSaidWeDid(area=area, theme=theme, you_said=you_said, we_did=we_did,
                             is_published=days_ago is not None,
                             published_on=today - timedelta(days=days_ago) if days_ago is not None else None)
        entry._history_user = admin
        entry._history_date = _history_moment(entry.published_on or today - timedelta(days=10))
        entry.save()
        entry.actions.set([actions[r] for r in refs if r in actions])
    return len(YOU_SAID_WE_DID)


ORGANISATION_NAMES = {
    "lcc": "Lancashire County Council",
    "icb": "NHS Lancashire and South Cumbria ICB",
    "pcf": "Lancashire Parent Carer Forum",
    "special": "Lancashire Special Schools Partnership (demonstration)",
    "colleges": "Lancashire Post-16 Colleges Group (demonstration)",
    "community": "Lancashire Children's Community Health Services (demonstration)",
    "social": "Lancashire Children with Disabilities Social Care (demonstration)",
    "sendiass": "Lancashire SEND Information, Advice and Support Service (demonstration)",
}


def _organisations(area: LocalArea) -> dict[str, Organisation]:
    by_name = {o.name: o for o in Organisation.objects.filter(area=area)}
    return {key: by_name[name] for key, name in ORGANISATION_NAMES.items() if name in by_name}
