"""Survey logic: building surveys (from scratch or a standard template), running waves, storing responses,
and the results (distributions, trust index, wave-on-wave change with a 95% confidence interval, district
breakdown, CSV export).

Trust index
    Each respondent's trust score is the mean of their answers (1 to 5) to the survey's trust questions that they
    answered, rescaled to 0-100: ``(mean - 1) / 4 * 100``. So 0 means "strongly disagree" to every trust question,
    50 the neutral point and 100 "strongly agree" to all of them. A wave's trust index is the mean of its
    respondents' trust scores (respondents who answered no trust question are left out). Averaging per respondent
    first means a person who answered four trust questions does not count four times, and the statistics below
    treat respondents (not answers) as independent.

Confidence intervals
    Normal approximation. For a wave, the mean's 95% interval is ``mean ± 1.96 × s / √n`` with ``s`` the sample
    standard deviation (n - 1). For the change between two waves (different people, independent samples) it is
    ``(m2 - m1) ± 1.96 × √(s1²/n1 + s2²/n2)`` (Welch's standard error). The same is used for each Likert question's
    mean (on the 1-5 scale) and for the trust index (on the 0-100 scale). With fewer than 2 respondents in a wave
    there is no interval. A change is called significant when its interval does not include 0.
"""

from __future__ import annotations

import csv
import io
import math
import secrets
from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from django.db import IntegrityError, transaction
from django.db.models import Count, F, Max
from django.utils import timezone
from django.utils.text import slugify

from sendhub.accounts.models import LocalArea
from sendhub.voice import services
from sendhub.voice.models import Answer, Comment, Question, Respondent, Response, Survey, Wave
from sendhub.voice.templates_data import STANDARD_TEMPLATES

Z_95 = 1.959963984540054
LIKERT_LABELS = {
    1: "Strongly disagree",
    2: "Disagree",
    3: "Neither agree nor disagree",
    4: "Agree",
    5: "Strongly agree",
}
YES_NO_LABELS = {True: "Yes", False: "No"}
MAX_FREE_TEXT = 5000
NOT_GIVEN = "Not given"
# Waves in the order they ran; waves never opened come last (SQLite and PostgreSQL sort NULLs differently).
WAVE_ORDER = (F("opens_at").asc(nulls_last=True), "pk")


class SurveyError(Exception):
    """A survey change that is not allowed; the message says why and what to do."""


class AlreadySubmitted(Exception):
    """The one-time reference in the form has been used: the answers were stored already."""


# Districts ----------------------------------------------------------------------------------------------


def district_names() -> list[str]:
    """The districts people choose from: the directory's shipped district taxonomy, in its order."""
    try:
        from sendhub.directory.taxonomies import DISTRICT, TAXONOMIES
    except ImportError:  # pragma: no cover - the directory app ships with SEND Hub
        return []
    return [name for _, name in TAXONOMIES.get(DISTRICT, ("", "", []))[2]]


# Building -----------------------------------------------------------------------------------------------


def unique_slug(area: LocalArea, title: str, *, exclude: int | None = None) -> str:
    base = (slugify(title) or "survey")[:70].strip("-") or "survey"
    taken = set(
        Survey.objects.filter(area=area, slug__startswith=base).exclude(pk=exclude).values_list("slug", flat=True)
    )
    slug, n = base, 2
    while slug in taken:
        slug, n = f"{base}-{n}", n + 1
    return slug


SLUG_ATTEMPTS = 5


def _survey_create_with_free_slug(*, area: LocalArea, title: str, **fields) -> Survey:
    """Create the survey under the first free slug. Two people creating surveys of the same title at once both read
    the slug as free; the database constraint lets one win, and the other takes the next free slug."""
    for _attempt in range(SLUG_ATTEMPTS):
        slug = unique_slug(area, title)
        try:
            with transaction.atomic():
                return Survey.objects.create(area=area, title=title, slug=slug, **fields)
        except IntegrityError:
            if not Survey.objects.filter(area=area, slug=slug).exists():
                raise  # not the slug race: let the real problem surface
    raise SurveyError(f"Could not find a free web address for a survey titled {title!r}; try again.")


def template_choices(area: LocalArea) -> list[tuple[str, str]]:
    """What a new survey can start from: the standard templates, then the area's own surveys marked as templates."""
    choices = [(f"standard:{key}", t["title"]) for key, t in STANDARD_TEMPLATES.items()]
    choices += [
        (f"survey:{s.pk}", f"{s.title} (this area's template)")
        for s in Survey.objects.filter(area=area, is_template=True)
    ]
    return choices


@transaction.atomic
def create_survey(
    area: LocalArea,
    *,
    title: str,
    welcome_text: str = "",
    privacy_text: str = "",
    template: str = "",
    user=None,
) -> Survey:
    """A new survey, empty or with the questions (and any blank welcome or privacy text) of a template.

    ``template`` is ``standard:<key>`` (templates_data.STANDARD_TEMPLATES) or ``survey:<pk>`` (a survey of the
    same area marked as a template).
    """
    questions: list[dict] = []
    if template.startswith("standard:"):
        data = STANDARD_TEMPLATES[template.split(":", 1)[1]]
        welcome_text = welcome_text or data["welcome_text"]
        privacy_text = privacy_text or data["privacy_text"]
        questions = data["questions"]
    elif template.startswith("survey:"):
        source = Survey.objects.get(area=area, is_template=True, pk=int(template.split(":", 1)[1]))
        welcome_text = welcome_text or source.welcome_text
        privacy_text = privacy_text or source.privacy_text
        questions = [
            {
                "text": q.text,
                "hint": q.hint,
                "kind": q.kind,
                "choices": q.choices,
                "required": q.required,
                "trust": q.is_trust_question,
            }
            for q in source.questions.all()
        ]
    elif template:
        raise SurveyError(f"Unknown template {template!r}")
    survey = _survey_create_with_free_slug(
        area=area, title=title, welcome_text=welcome_text, privacy_text=privacy_text, created_by=user
    )
    Question.objects.bulk_create(
        Question(
            survey=survey,
            position=n,
            text=q["text"],
            hint=q.get("hint", ""),
            kind=q["kind"],
            choices=list(q.get("choices", [])),
            required=q.get("required", True),
            is_trust_question=q.get("trust", False),
        )
        for n, q in enumerate(questions, start=1)
    )
    return survey


def next_position(survey: Survey) -> int:
    return (survey.questions.aggregate(m=Max("position"))["m"] or 0) + 1


@transaction.atomic
def move_question(question: Question, direction: str) -> bool:
    """Swap a question with its neighbour above ("up") or below ("down"); False when it is already at the end."""
    siblings = Question.objects.select_for_update().filter(survey_id=question.survey_id)
    if direction == "up":
        other = siblings.filter(position__lt=question.position).order_by("-position").first()
    else:
        other = siblings.filter(position__gt=question.position).order_by("position").first()
    if other is None:
        return False
    mine, theirs = question.position, other.position
    parking = (siblings.aggregate(m=Max("position"))["m"] or 0) + 1  # (survey, position) is unique: park first
    Question.objects.filter(pk=question.pk).update(position=parking)
    Question.objects.filter(pk=other.pk).update(position=mine)
    Question.objects.filter(pk=question.pk).update(position=theirs)
    question.position = theirs
    return True


@transaction.atomic
def delete_question(question: Question) -> None:
    """Delete a question nobody has answered, and close the gap in the numbering."""
    if question_has_answers(question):
        raise SurveyError("This question has answers, so it cannot be deleted. Make it optional instead.")
    survey_id = question.survey_id
    question.delete()
    # Renumber 1..n in ascending order: each move is to a lower or equal number, so none collides.
    for n, q in enumerate(Question.objects.filter(survey_id=survey_id).order_by("position"), start=1):
        if q.position != n:
            Question.objects.filter(pk=q.pk).update(position=n)


def question_has_answers(question: Question) -> bool:
    return Answer.objects.filter(question=question).exists() or Comment.objects.filter(question=question).exists()


# Waves --------------------------------------------------------------------------------------------------


def open_wave_of(survey: Survey) -> Wave | None:
    return survey.waves.filter(status=Survey.Status.OPEN).first()


def open_wave(wave: Wave) -> None:
    survey = wave.survey
    if wave.status == Survey.Status.OPEN:
        return
    if not survey.questions.exists():
        raise SurveyError("Add at least one question before you open a wave.")
    if survey.is_template:
        raise SurveyError("This survey is a template: copy it into a new survey to run it.")
    current = open_wave_of(survey)
    if current is not None:
        raise SurveyError(f"Close \u201c{current.name}\u201d before you open another wave: one wave runs at a time.")
    wave.status = Survey.Status.OPEN
    wave.opens_at = timezone.now()
    wave.closes_at = None
    wave.save(update_fields=["status", "opens_at", "closes_at"])


def close_wave(wave: Wave) -> None:
    if wave.status != Survey.Status.OPEN:
        raise SurveyError("Only an open wave can be closed.")
    wave.status = Survey.Status.CLOSED
    wave.closes_at = timezone.now()
    wave.save(update_fields=["status", "closes_at"])


# Responses ----------------------------------------------------------------------------------------------


def new_reference() -> str:
    """A response reference, like Feedback's but starting "SR-"; made when the form is shown (see forms_public)."""
    alphabet = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"
    return "SR-" + "".join(secrets.choice(alphabet) for _ in range(8))


def submit_response(
    wave: Wave,
    *,
    reference: str,
    answers: dict[Question, object],
    district: str = "",
    respondent: str = "",
) -> Response:
    """Store one person's answers. Free text goes through ``services.record_comment`` (redacted, flagged, tagged).

    The reference was issued with the form, and references are unique: sending the same form twice stores
    nothing the second time and raises ``AlreadySubmitted``.
    """
    if Response.objects.filter(reference=reference).exists():
        raise AlreadySubmitted(reference)
    try:
        with transaction.atomic():
            response = Response.objects.create(wave=wave, reference=reference, district=district, respondent=respondent)
            rows = []
            for question, value in answers.items():
                if value in (None, "", []):
                    continue
                if question.kind == Question.Kind.FREE_TEXT:
                    services.record_comment(
                        area=wave.survey.area,
                        text=str(value),
                        source="survey",
                        received_at=response.submitted_at,
                        district=district,
                        response=response,
                        question=question,
                    )
                else:
                    rows.append(Answer(response=response, question=question, value=value))
            Answer.objects.bulk_create(rows)
    except IntegrityError:
        if Response.objects.filter(reference=reference).exists():  # the same form sent twice at the same moment
            raise AlreadySubmitted(reference) from None
        raise
    return response


# Statistics ---------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Estimate:
    """A mean with its 95% confidence interval (None when n < 2)."""

    n: int
    mean: float
    low: float | None
    high: float | None
    sd: float | None

    @property
    def se(self) -> float | None:
        return None if self.sd is None else self.sd / math.sqrt(self.n)

    def text(self, places: int) -> str:
        if self.low is None or self.high is None:
            return f"{self.mean:.{places}f} (too few answers for an interval)"
        return f"{self.mean:.{places}f} (95% CI {self.low:.{places}f} to {self.high:.{places}f})"

    @property
    def as_score(self) -> str:
        """On the 1-5 scale, 2 decimal places."""
        return self.text(2)

    @property
    def as_index(self) -> str:
        """On the 0-100 scale, 1 decimal place."""
        return self.text(1)


@dataclass(frozen=True)
class Change:
    """The difference between two waves' means (later minus earlier) with its 95% confidence interval."""

    difference: float
    low: float | None
    high: float | None

    @property
    def significant(self) -> bool:
        return self.low is not None and self.high is not None and (self.low > 0 or self.high < 0)

    @property
    def direction(self) -> str:
        return "rise" if self.difference > 0 else "fall" if self.difference < 0 else "no change"

    def text(self, places: int) -> str:
        if self.low is None or self.high is None:
            return f"{self.difference:+.{places}f} (too few answers for an interval)"
        verdict = f"significant {self.direction}" if self.significant else "not significant"
        return f"{self.difference:+.{places}f} (95% CI {self.low:+.{places}f} to {self.high:+.{places}f}), {verdict}"

    @property
    def as_score(self) -> str:
        return self.text(2)

    @property
    def as_index(self) -> str:
        return self.text(1)


def estimate(values: Sequence[float]) -> Estimate | None:
    n = len(values)
    if n == 0:
        return None
    mean = sum(values) / n
    if n < 2:
        return Estimate(n=n, mean=mean, low=None, high=None, sd=None)
    sd = math.sqrt(sum((v - mean) ** 2 for v in values) / (n - 1))
    half = Z_95 * sd / math.sqrt(n)
    return Estimate(n=n, mean=mean, low=mean - half, high=mean + half, sd=sd)


def change(before: Estimate | None, after: Estimate | None) -> Change | None:
    if before is None or after is None:
        return None
    difference = after.mean - before.mean
    if before.se is None or after.se is None:
        return Change(difference=difference, low=None, high=None)
    half = Z_95 * math.sqrt(before.se**2 + after.se**2)
    return Change(difference=difference, low=difference - half, high=difference + half)


def trust_score(likert_answers: Iterable[int]) -> float | None:
    """One respondent's trust score, 0-100, from their answers (1-5) to the trust questions."""
    values = list(likert_answers)
    if not values:
        return None
    return (sum(values) / len(values) - 1) / 4 * 100


# Results ------------------------------------------------------------------------------------------------


@dataclass
class OptionRow:
    label: str
    counts: list[int]
    percents: list[float | None]

    @property
    def cells(self) -> list[tuple[int, float | None]]:
        return list(zip(self.counts, self.percents, strict=True))


@dataclass
class QuestionResult:
    question: Question
    answered: list[int]
    options: list[OptionRow] = field(default_factory=list)
    means: list[Estimate | None] = field(default_factory=list)
    agree: list[float | None] = field(default_factory=list)  # % answering Agree or Strongly agree
    changes: list[Change | None] = field(default_factory=list)  # changes[i]: wave i-1 to wave i (None for i=0)

    @property
    def is_free_text(self) -> bool:
        return self.question.kind == Question.Kind.FREE_TEXT

    @property
    def is_likert(self) -> bool:
        return self.question.kind == Question.Kind.LIKERT


@dataclass
class WaveResult:
    wave: Wave
    responses: int
    trust: Estimate | None
    trust_change: Change | None  # from the previous wave


@dataclass
class DistrictRow:
    district: str
    responses: list[int]
    trust: list[Estimate | None]

    @property
    def cells(self) -> list[tuple[int, Estimate | None]]:
        return list(zip(self.responses, self.trust, strict=True))


@dataclass
class SurveyResults:
    survey: Survey
    waves: list[WaveResult]
    questions: list[QuestionResult]
    districts: list[DistrictRow]
    trust_questions: list[Question]

    @property
    def total_responses(self) -> int:
        return sum(w.responses for w in self.waves)

    @property
    def likert_rows(self) -> list[tuple[QuestionResult, list[tuple]]]:
        """Per Likert question, per wave: (wave, answered, mean, % agree, change from the previous wave)."""
        return [
            (q, list(zip(self.waves, q.answered, q.means, q.agree, q.changes, strict=True)))
            for q in self.questions
            if q.is_likert
        ]


def _option_labels(question: Question) -> list[tuple[object, str]]:
    if question.kind == Question.Kind.LIKERT:
        return list(LIKERT_LABELS.items())
    if question.kind == Question.Kind.YES_NO:
        return list(YES_NO_LABELS.items())
    return [(c, c) for c in question.choices]


def _percent(part: int, whole: int) -> float | None:
    return part / whole * 100 if whole else None


def results(survey: Survey) -> SurveyResults:
    """Everything the results page shows, computed from the stored answers (one query for answers)."""
    waves = list(survey.waves.annotate(n=Count("responses")).order_by(*WAVE_ORDER))
    questions = list(survey.questions.all())
    trust_questions = [q for q in questions if q.is_trust_question and q.kind == Question.Kind.LIKERT]
    wave_index = {w.pk: i for i, w in enumerate(waves)}
    responses = list(Response.objects.filter(wave__survey=survey).values_list("pk", "wave_id", "district"))
    response_wave = {pk: wave_index[wave_id] for pk, wave_id, _ in responses}
    answers: dict[int, dict[int, list]] = defaultdict(lambda: defaultdict(list))  # question -> wave -> values
    trust_answers: dict[int, list[int]] = defaultdict(list)  # response -> trust answers
    trust_ids = {q.pk for q in trust_questions}
    for response_id, question_id, value in Answer.objects.filter(response__wave__survey=survey).values_list(
        "response_id", "question_id", "value"
    ):
        answers[question_id][response_wave[response_id]].append(value)
        if question_id in trust_ids and isinstance(value, int):
            trust_answers[response_id].append(value)
    free_text = Counter(
        (question_id, response_wave[response_id])
        for response_id, question_id in Comment.objects.filter(
            answer_response__wave__survey=survey, question__isnull=False
        ).values_list("answer_response_id", "question_id")
    )
    scores: dict[int, float] = {}
    for response_id, values in trust_answers.items():
        score = trust_score(values)
        if score is not None:
            scores[response_id] = score

    wave_results: list[WaveResult] = []
    for i, wave in enumerate(waves):
        trust = estimate([s for r, s in scores.items() if response_wave[r] == i])
        previous = wave_results[-1].trust if wave_results else None
        wave_results.append(
            WaveResult(wave=wave, responses=wave.n, trust=trust, trust_change=change(previous, trust) if i else None)
        )

    question_results = [
        QuestionResult(question=q, answered=[free_text[(q.pk, i)] for i in range(len(waves))])
        if q.kind == Question.Kind.FREE_TEXT
        else _question_result(q, answers.get(q.pk, {}), len(waves))
        for q in questions
    ]
    return SurveyResults(
        survey=survey,
        waves=wave_results,
        questions=question_results,
        districts=_district_rows(responses, response_wave, scores, len(waves)),
        trust_questions=trust_questions,
    )


def _question_result(question: Question, per_wave: dict[int, list], wave_count: int) -> QuestionResult:
    """One closed question's answers by wave: each option's count and share, and for Likert the mean and % agree."""
    answered = [len(per_wave.get(i, [])) for i in range(wave_count)]
    result = QuestionResult(question=question, answered=answered)
    for key, label in _option_labels(question):
        if question.kind == Question.Kind.MULTIPLE:
            counts = [sum(1 for v in per_wave.get(i, []) if key in (v or [])) for i in range(wave_count)]
        else:
            counts = [sum(1 for v in per_wave.get(i, []) if v == key) for i in range(wave_count)]
        percents = [_percent(c, a) for c, a in zip(counts, answered, strict=True)]
        result.options.append(OptionRow(label=label, counts=counts, percents=percents))
    if question.kind == Question.Kind.LIKERT:
        result.means = [estimate([v for v in per_wave.get(i, []) if isinstance(v, int)]) for i in range(wave_count)]
        result.agree = [
            _percent(sum(1 for v in per_wave.get(i, []) if v in (4, 5)), answered[i]) for i in range(wave_count)
        ]
        result.changes = [change(result.means[i - 1], result.means[i]) if i else None for i in range(wave_count)]
    return result


def _district_rows(
    responses: list[tuple[int, int, str]], response_wave: dict[int, int], scores: dict[int, float], wave_count: int
) -> list[DistrictRow]:
    """Responses and trust by district and wave, districts in the area's order, "not given" last."""
    by_district: dict[str, list[int]] = defaultdict(list)
    for pk, _, district in responses:
        by_district[district or NOT_GIVEN].append(pk)
    order = {name: n for n, name in enumerate(district_names())}
    return [
        DistrictRow(
            district=district,
            responses=[sum(1 for r in by_district[district] if response_wave[r] == i) for i in range(wave_count)],
            trust=[
                estimate([scores[r] for r in by_district[district] if response_wave[r] == i and r in scores])
                for i in range(wave_count)
            ],
        )
        for district in sorted(by_district, key=lambda d: (d == NOT_GIVEN, order.get(d, len(order)), d))
    ]


# CSV export ---------------------------------------------------------------------------------------------

# Spreadsheet programs run cells starting with these as formulas: a CSV must not carry a live formula.
_FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")


def _safe(value) -> str:
    text = "" if value is None else str(value)
    return "'" + text if text.startswith(_FORMULA_PREFIXES) else text


def format_answer(question: Question, value) -> str:
    if value is None:
        return ""
    if question.kind == Question.Kind.YES_NO:
        return YES_NO_LABELS.get(value, str(value))
    if question.kind == Question.Kind.MULTIPLE:
        return "; ".join(str(v) for v in value)
    return str(value)


SAFEGUARDING_WITHHELD = "[Withheld: flagged for safeguarding review; administrators can see it]"


def export_csv(survey: Survey, *, include_safeguarding: bool = False) -> str:
    """One row per response, one column per question. Free text is the redacted comment, never the original.

    Comments flagged for safeguarding are for the area's administrators only: others get a placeholder.
    """
    questions = list(survey.questions.all())
    respondent_labels = dict(Respondent.choices)
    values: dict[tuple[int, int], object] = {
        (r, q): v
        for r, q, v in Answer.objects.filter(response__wave__survey=survey).values_list(
            "response_id", "question_id", "value"
        )
    }
    texts = {
        (r, q): t if include_safeguarding or not flagged else SAFEGUARDING_WITHHELD
        for r, q, t, flagged in Comment.objects.filter(
            answer_response__wave__survey=survey, question__isnull=False
        ).values_list("answer_response_id", "question_id", "text", "safeguarding")
    }
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(
        ["Reference", "Wave", "Submitted at", "District", "Respondent", *[_safe(q.text) for q in questions]]
    )
    responses = (
        Response.objects.filter(wave__survey=survey)
        .select_related("wave")
        .order_by(F("wave__opens_at").asc(nulls_last=True), "wave_id", "submitted_at", "pk")
    )
    for response in responses:
        row = [
            response.reference,
            response.wave.name,
            timezone.localtime(response.submitted_at).strftime("%Y-%m-%d %H:%M"),
            response.district,
            respondent_labels.get(response.respondent, ""),
        ]
        for q in questions:
            if q.kind == Question.Kind.FREE_TEXT:
                row.append(texts.get((response.pk, q.pk), ""))
            else:
                row.append(format_answer(q, values.get((response.pk, q.pk))))
        writer.writerow([_safe(v) for v in row])
    return buffer.getvalue()
