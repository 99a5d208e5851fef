"""Surveys: building, template surveys, waves, public answers (validation, closed, double submit), results
(counts, distributions, trust index, confidence intervals, districts) and the CSV export."""

from __future__ import annotations

import csv
import io
import math
import statistics

import pytest
from bs4 import BeautifulSoup
from django.urls import reverse

from sendhub.voice import surveys
from sendhub.voice.models import Answer, Comment, Question, Response, Survey, Wave
from sendhub.voice.templates_data import STANDARD_TEMPLATES
from tests.voice import use_record_comment

pytestmark = pytest.mark.urls("tests.voice")


@pytest.fixture(autouse=True)
def _record_comment(request, monkeypatch):
    use_record_comment(request, monkeypatch)


def surveys_url(area, name, *args) -> str:
    return reverse(f"surveys:{name}", args=[area.slug, *args])


def public_url(survey, name="survey") -> str:
    return reverse(f"voice-public:{name}", args=[survey.area.slug, survey.slug])


def hidden_fields(response) -> dict:
    soup = BeautifulSoup(response.content, "html.parser")
    return {i["name"]: i.get("value", "") for i in soup.select("form input[type=hidden]")}


def error_summary(response) -> dict[str, str]:
    soup = BeautifulSoup(response.content, "html.parser")
    return {a["href"]: a.get_text(" ", strip=True) for a in soup.select(".govuk-error-summary a")}


def make_survey(area, *questions: dict, title="Family survey") -> Survey:
    survey = Survey.objects.create(area=area, title=title, slug=surveys.unique_slug(area, title))
    for n, q in enumerate(questions, start=1):
        Question.objects.create(
            survey=survey,
            position=n,
            text=q["text"],
            kind=q.get("kind", Question.Kind.LIKERT),
            choices=q.get("choices", []),
            required=q.get("required", True),
            is_trust_question=q.get("trust", False),
        )
    return survey


def open_survey(area, *questions: dict) -> tuple[Survey, Wave]:
    survey = make_survey(area, *questions)
    wave = Wave.objects.create(survey=survey, name="Spring 2026")
    surveys.open_wave(wave)
    return survey, wave


# Building -----------------------------------------------------------------------------------------------


def test_standard_templates_ship_with_trust_questions():
    assert {"Parent carer experience survey", "Young people's voice"} <= {
        t["title"] for t in STANDARD_TEMPLATES.values()
    }
    parent = STANDARD_TEMPLATES["parent-carer-experience"]
    trust = [q["text"] for q in parent["questions"] if q.get("trust")]
    assert "I feel listened to" in trust and "I trust the local area to meet my child's needs" in trust
    for template in STANDARD_TEMPLATES.values():
        kinds = {q["kind"] for q in template["questions"]}
        assert all(q["kind"] == "likert" for q in template["questions"] if q.get("trust"))
        assert kinds <= set(Question.Kind.values)
        assert template["privacy_text"] and template["welcome_text"]


def test_an_administrator_creates_a_survey_from_a_template(client_for, admin_user, area):
    client = client_for(admin_user)
    form = client.get(surveys_url(area, "create"))
    assert form.status_code == 200 and "Parent carer experience survey" in form.content.decode()
    response = client.post(
        surveys_url(area, "create"),
        {"title": "Parent carer survey 2026", "template": "standard:parent-carer-experience"},
    )
    survey = Survey.objects.get()
    assert response.status_code == 302 and response["Location"] == surveys_url(area, "detail", survey.pk)
    assert survey.slug == "parent-carer-survey-2026" and survey.created_by == admin_user
    template = STANDARD_TEMPLATES["parent-carer-experience"]
    assert [q.text for q in survey.questions.all()] == [q["text"] for q in template["questions"]]
    assert [q.position for q in survey.questions.all()] == list(range(1, len(template["questions"]) + 1))
    assert survey.questions.filter(is_trust_question=True).count() == 4
    assert survey.privacy_text == template["privacy_text"]
    page = client.get(surveys_url(area, "detail", survey.pk))
    assert page.status_code == 200 and "I feel listened to" in page.content.decode()
    # A second survey with the same title gets its own address.
    client.post(surveys_url(area, "create"), {"title": "Parent carer survey 2026", "template": "blank"})
    assert Survey.objects.filter(slug="parent-carer-survey-2026-2", questions__isnull=True).exists()


def test_an_area_survey_marked_as_a_template_can_be_copied(admin_user, area):
    source = make_survey(area, {"text": "I feel listened to", "trust": True}, title="Our own template")
    source.is_template = True
    source.save()
    copy = surveys.create_survey(area, title="Copy", template=f"survey:{source.pk}", user=admin_user)
    assert [(q.text, q.is_trust_question) for q in copy.questions.all()] == [("I feel listened to", True)]
    assert f"survey:{source.pk}" in dict(surveys.template_choices(area))


def test_building_questions(client_for, admin_user, area):
    client = client_for(admin_user)
    survey = make_survey(area)
    add = surveys_url(area, "question-create", survey.pk)
    bad = client.post(add, {"text": "Which school?", "kind": "single", "choices_text": "Only one", "required": "on"})
    assert error_summary(bad) == {"#id_choices_text": "Enter at least 2 options, one on each line"}
    bad = client.post(add, {"text": "Any comments?", "kind": "free_text", "is_trust_question": "on"})
    assert "#id_is_trust_question" in error_summary(bad)
    missing = client.post(add, {"text": ""})
    assert set(error_summary(missing)) == {"#id_text", "#id_kind"}
    assert (
        client.post(
            add, {"text": "I feel listened to", "kind": "likert", "required": "on", "is_trust_question": "on"}
        ).status_code
        == 302
    )
    assert (
        client.post(
            add, {"text": "Which services?", "kind": "multiple", "choices_text": "School\n\nHealth\nSocial care\n"}
        ).status_code
        == 302
    )
    assert client.post(add, {"text": "Anything else?", "kind": "free_text"}).status_code == 302
    first, second, third = survey.questions.all()
    assert (first.position, first.is_trust_question, first.required) == (1, True, True)
    assert (second.choices, second.required) == (["School", "Health", "Social care"], False)

    edit = client.post(
        surveys_url(area, "question-edit", survey.pk, second.pk),
        {
            "text": "Which services have you used?",
            "kind": "multiple",
            "choices_text": "School\nHealth",
            "hint": "Select all that apply",
        },
    )
    assert edit.status_code == 302
    second.refresh_from_db()
    assert (second.text, second.choices, second.hint) == (
        "Which services have you used?",
        ["School", "Health"],
        "Select all that apply",
    )

    client.post(surveys_url(area, "question-move", survey.pk, third.pk), {"direction": "up"})
    assert [q.text for q in survey.questions.all()] == [
        "I feel listened to",
        "Anything else?",
        "Which services have you used?",
    ]
    client.post(surveys_url(area, "question-move", survey.pk, first.pk), {"direction": "down"})
    assert [q.pk for q in survey.questions.all()] == [third.pk, first.pk, second.pk]
    client.post(surveys_url(area, "question-move", survey.pk, third.pk), {"direction": "up"})  # already first
    assert [q.position for q in survey.questions.all()] == [1, 2, 3]

    confirm = client.get(surveys_url(area, "question-delete", survey.pk, first.pk))
    assert confirm.status_code == 200
    assert client.post(surveys_url(area, "question-delete", survey.pk, first.pk)).status_code == 302
    assert [(q.pk, q.position) for q in survey.questions.all()] == [(third.pk, 1), (second.pk, 2)]


def test_answered_questions_keep_their_type_and_cannot_be_deleted(client_for, admin_user, area):
    survey, wave = open_survey(area, {"text": "I feel listened to"})
    question = survey.questions.get()
    response = Response.objects.create(wave=wave)
    Answer.objects.create(response=response, question=question, value=4)
    client = client_for(admin_user)
    changed = client.post(
        surveys_url(area, "question-edit", survey.pk, question.pk),
        {"text": "I feel listened to", "kind": "yes_no", "required": "on"},
    )
    assert "#id_kind" in error_summary(changed)
    client.post(surveys_url(area, "question-delete", survey.pk, question.pk))
    assert Question.objects.filter(pk=question.pk).exists() and Answer.objects.count() == 1


def test_who_may_build_and_who_may_read(client_for, viewer_user, admin_user, outsider, area):
    survey = make_survey(area, {"text": "I feel listened to"})
    viewer = client_for(viewer_user)
    assert viewer.get(surveys_url(area, "list")).status_code == 200
    assert viewer.get(surveys_url(area, "results", survey.pk)).status_code == 200
    assert viewer.get(surveys_url(area, "export-csv", survey.pk)).status_code == 200
    assert viewer.get(surveys_url(area, "create")).status_code == 403
    assert (
        viewer.post(surveys_url(area, "question-create", survey.pk), {"text": "x", "kind": "likert"}).status_code == 403
    )
    assert "Add a question" not in viewer.get(surveys_url(area, "detail", survey.pk)).content.decode()
    assert client_for(outsider).get(surveys_url(area, "results", survey.pk)).status_code == 403
    assert client_for().get(surveys_url(area, "list")).status_code == 302  # to sign in
    other_survey = make_survey(outsider.memberships.get().area, title="Theirs")
    assert client_for(admin_user).get(surveys_url(area, "detail", other_survey.pk)).status_code == 404


# Waves --------------------------------------------------------------------------------------------------


def test_waves_open_and_close(client_for, admin_user, area):
    client = client_for(admin_user)
    survey = make_survey(area)
    assert client.post(surveys_url(area, "wave-create", survey.pk), {"name": "Spring 2026"}).status_code == 302
    duplicate = client.post(surveys_url(area, "wave-create", survey.pk), {"name": "spring 2026"})
    assert "#id_name" in error_summary(duplicate)
    spring = survey.waves.get()
    status = surveys_url(area, "wave-status", survey.pk, spring.pk)

    page = client.post(status, {"action": "open"}, follow=True)
    assert "Add at least one question before you open a wave" in page.content.decode()
    spring.refresh_from_db()
    assert spring.status == Survey.Status.DRAFT

    Question.objects.create(survey=survey, position=1, text="I feel listened to", kind="likert")
    client.post(status, {"action": "open"})
    spring.refresh_from_db()
    assert spring.status == Survey.Status.OPEN and spring.opens_at is not None
    detail = client.get(surveys_url(area, "detail", survey.pk)).content.decode()
    assert "http://testserver" + public_url(survey) in detail

    autumn = Wave.objects.create(survey=survey, name="Autumn 2026")
    page = client.post(surveys_url(area, "wave-status", survey.pk, autumn.pk), {"action": "open"}, follow=True)
    assert "before you open another wave" in page.content.decode()
    autumn.refresh_from_db()
    assert autumn.status == Survey.Status.DRAFT

    client.post(status, {"action": "close"})
    spring.refresh_from_db()
    assert spring.status == Survey.Status.CLOSED and spring.closes_at is not None
    client.post(surveys_url(area, "wave-status", survey.pk, autumn.pk), {"action": "open"})
    autumn.refresh_from_db()
    assert autumn.status == Survey.Status.OPEN


# Answering ----------------------------------------------------------------------------------------------

QUESTIONS = (
    {"text": "I feel listened to", "trust": True},
    {"text": "Does your child have an EHC plan?", "kind": "yes_no", "required": False},
    {"text": "Which services?", "kind": "multiple", "choices": ["School", "Health", "Social care"]},
    {"text": "Overall rating", "kind": "single", "choices": ["Good", "Poor"], "required": False},
    {"text": "What would make things better?", "kind": "free_text", "required": False},
)


def test_answers_are_stored_with_free_text_redacted(client, area):
    survey, wave = open_survey(area, *QUESTIONS)
    q = {x.text: x for x in survey.questions.all()}
    page = client.get(public_url(survey))
    assert page.status_code == 200 and "I feel listened to" in page.content.decode()
    data = {
        **hidden_fields(page),
        f"q{q['I feel listened to'].pk}": "4",
        f"q{q['Does your child have an EHC plan?'].pk}": "yes",
        f"q{q['Which services?'].pk}": ["School", "Social care"],
        f"q{q['What would make things better?'].pk}": "Ring me on 07700 900982, ask for Jack Smith",
        "district": "Preston",
        "respondent": "parent_carer",
    }
    sent = client.post(public_url(survey), data)
    assert sent.status_code == 302 and sent["Location"] == public_url(survey, "survey-sent")
    response = Response.objects.get()
    assert (response.wave, response.district, response.respondent) == (wave, "Preston", "parent_carer")
    values = {a.question.text: a.value for a in response.answers.select_related("question")}
    assert values == {
        "I feel listened to": 4,
        "Does your child have an EHC plan?": True,
        "Which services?": ["School", "Social care"],
    }
    comment = Comment.objects.get()
    assert (comment.source, comment.answer_response, comment.question) == (
        "survey",
        response,
        q["What would make things better?"],
    )
    assert "07700" not in comment.text and "Jack" not in comment.text and comment.original_text == ""
    confirmation = client.get(sent["Location"])
    assert response.reference in confirmation.content.decode()


def test_a_missing_required_answer_is_linked_from_the_error_summary(client, area):
    survey, _ = open_survey(area, *QUESTIONS)
    q = {x.text: x for x in survey.questions.all()}
    page = client.get(public_url(survey))
    response = client.post(public_url(survey), {**hidden_fields(page), f"q{q['Which services?'].pk}": "Health"})
    assert response.status_code == 200
    target = f"#id_q{q['I feel listened to'].pk}"
    assert error_summary(response) == {target: "I feel listened to: Select how much you agree or disagree"}
    soup = BeautifulSoup(response.content, "html.parser")
    assert soup.select_one(target) is not None  # the link goes to the question's radios
    group = soup.select_one(target).find_parent(class_="govuk-form-group")
    assert "govuk-form-group--error" in group["class"]
    assert not Response.objects.exists()
    # Multiple choice questions say so too.
    response = client.post(public_url(survey), {**hidden_fields(page), f"q{q['I feel listened to'].pk}": "3"})
    assert error_summary(response) == {f"#id_q{q['Which services?'].pk}": "Which services?: Select at least one answer"}


def test_an_invalid_choice_and_oversize_text_are_refused(client, area):
    survey, _ = open_survey(area, *QUESTIONS)
    q = {x.text: x for x in survey.questions.all()}
    page = client.get(public_url(survey))
    response = client.post(
        public_url(survey),
        {
            **hidden_fields(page),
            f"q{q['I feel listened to'].pk}": "9",
            f"q{q['Which services?'].pk}": "School",
            f"q{q['What would make things better?'].pk}": "x" * 5001,
        },
    )
    summary = error_summary(response)
    assert set(summary) == {f"#id_q{q['I feel listened to'].pk}", f"#id_q{q['What would make things better?'].pk}"}
    assert "5,000 characters or fewer" in summary[f"#id_q{q['What would make things better?'].pk}"]
    assert not Response.objects.exists()


def test_a_closed_survey_says_so(client, client_for, admin_user, area):
    survey, wave = open_survey(area, *QUESTIONS)
    page = client.get(public_url(survey))
    surveys.close_wave(wave)
    for response in (client.get(public_url(survey)), client.post(public_url(survey), hidden_fields(page))):
        assert response.status_code == 410
        assert "This survey is closed" in response.content.decode()
    assert not Response.objects.exists()
    draft = make_survey(area, {"text": "Never opened"}, title="Draft survey")
    assert client.get(public_url(draft)).status_code == 410
    assert client.get(reverse("voice-public:survey", args=[area.slug, "no-such-survey"])).status_code == 404


def test_the_same_answers_sent_twice_are_stored_once(client, area):
    survey, _ = open_survey(area, {"text": "I feel listened to"}, {"text": "Tell us more", "kind": "free_text"})
    first, second = survey.questions.all()
    data = {**hidden_fields(client.get(public_url(survey))), f"q{first.pk}": "5", f"q{second.pk}": "Thank you"}
    assert client.post(public_url(survey), data).status_code == 302
    again = client.post(public_url(survey), data)
    assert again.status_code == 200
    assert "You have already sent your answers" in again.content.decode()
    assert Response.objects.count() == 1 and Answer.objects.count() == 1 and Comment.objects.count() == 1
    assert Response.objects.get().reference in again.content.decode()


def test_a_token_for_another_wave_is_refused(client, area):
    survey, wave = open_survey(area, {"text": "I feel listened to"})
    question = survey.questions.get()
    data = {**hidden_fields(client.get(public_url(survey))), f"q{question.pk}": "5"}
    surveys.close_wave(wave)
    surveys.open_wave(Wave.objects.create(survey=survey, name="Autumn"))
    response = client.post(public_url(survey), data)
    assert "#form-non-field-errors" in error_summary(response)
    assert not Response.objects.exists()


def test_survey_spam_protection(client, area, settings):
    survey, _ = open_survey(area, {"text": "I feel listened to"})
    question = survey.questions.get()
    trap = {**hidden_fields(client.get(public_url(survey))), f"q{question.pk}": "5", "website": "spam"}
    response = client.post(public_url(survey), trap)
    assert response.status_code == 302 and "Answers sent" in client.get(response["Location"]).content.decode()
    assert not Response.objects.exists()
    for _ in range(4):
        data = {**hidden_fields(client.get(public_url(survey))), f"q{question.pk}": "4"}
        assert client.post(public_url(survey), data).status_code == 302
    data = {**hidden_fields(client.get(public_url(survey))), f"q{question.pk}": "4"}
    limited = client.post(public_url(survey), data)
    assert limited.status_code == 429 and "Too many forms sent" in limited.content.decode()
    assert Response.objects.count() == 4


def test_open_surveys_are_listed_on_the_have_your_say_page(client, area):
    survey, _ = open_survey(area, {"text": "I feel listened to"})
    make_survey(area, {"text": "Hidden"}, title="Not open")
    page = client.get(reverse("voice-public:index", args=[area.slug])).content.decode()
    assert public_url(survey) in page and "Not open" not in page


# Results ------------------------------------------------------------------------------------------------


@pytest.fixture
def two_waves(area):
    """Two waves answered by hand: trust rises from 33.3 to 84.4."""
    survey = make_survey(
        area,
        {"text": "I feel listened to", "trust": True},
        {"text": "I trust the local area to meet my child's needs", "trust": True},
        {"text": "I know where to find information"},
        {"text": "EHC plan?", "kind": "yes_no", "required": False},
        {"text": "Services", "kind": "multiple", "choices": ["School", "Health"]},
        {"text": "Anything else?", "kind": "free_text", "required": False},
    )
    t1, t2, info, ehc, services_q, free = survey.questions.all()
    first = Wave.objects.create(survey=survey, name="Spring")
    surveys.open_wave(first)
    surveys.close_wave(first)
    second = Wave.objects.create(survey=survey, name="Autumn")
    surveys.open_wave(second)
    rows = {
        first: [  # (t1, t2, info, ehc, services, district)
            (2, 2, 1, True, ["School"], "Preston"),
            (3, 1, 2, False, ["School", "Health"], "Preston"),
            (4, 2, 3, True, ["Health"], "Burnley"),
            (None, None, 5, None, ["School"], ""),  # answered no trust question: not in the trust index
        ],
        second: [
            (4, 4, 4, True, ["School"], "Preston"),
            (5, 4, 5, True, ["Health"], "Burnley"),
            (3, 5, 4, False, ["School"], "Burnley"),
            (5, 5, 5, None, ["School", "Health"], "Wyre"),
        ],
    }
    for wave, answers in rows.items():
        for a, b, c, d, e, district in answers:
            response = Response.objects.create(wave=wave, district=district, respondent="parent_carer")
            for question, value in ((t1, a), (t2, b), (info, c), (ehc, d), (services_q, e)):
                if value is not None:
                    Answer.objects.create(response=response, question=question, value=value)
    Comment.objects.create(
        area=area,
        source="survey",
        answer_response=Response.objects.filter(wave=second).first(),
        question=free,
        text='=HYPERLINK("http://x") [NAME] was great',
        received_at=second.opens_at,
    )
    return survey, first, second


def welch(before: list[float], after: list[float]) -> tuple[float, float, float]:
    diff = statistics.mean(after) - statistics.mean(before)
    se = math.sqrt(statistics.variance(before) / len(before) + statistics.variance(after) / len(after))
    return diff, diff - 1.959963984540054 * se, diff + 1.959963984540054 * se


def test_results_numbers(two_waves):
    survey, first, second = two_waves
    result = surveys.results(survey)
    assert [(w.wave.name, w.responses) for w in result.waves] == [("Spring", 4), ("Autumn", 4)]
    assert [q.text for q in result.trust_questions] == [
        "I feel listened to",
        "I trust the local area to meet my child's needs",
    ]

    # Trust: each person's mean of the trust answers, rescaled (mean - 1) / 4 * 100, then averaged.
    spring_scores = [25.0, 25.0, 50.0]  # means 2, 2, 3
    autumn_scores = [75.0, 87.5, 75.0, 100.0]  # means 4, 4.5, 4, 5
    spring, autumn = result.waves[0].trust, result.waves[1].trust
    assert spring.n == 3 and spring.mean == pytest.approx(100 / 3)
    assert autumn.n == 4 and autumn.mean == pytest.approx(84.375)
    half = 1.959963984540054 * statistics.stdev(spring_scores) / math.sqrt(3)
    assert (spring.low, spring.high) == (pytest.approx(100 / 3 - half), pytest.approx(100 / 3 + half))
    change = result.waves[1].trust_change
    diff, low, high = welch(spring_scores, autumn_scores)
    assert change.difference == pytest.approx(84.375 - 100 / 3)
    assert (change.low, change.high) == (pytest.approx(low), pytest.approx(high))
    assert change.low == pytest.approx(30.94, abs=0.01) and change.high == pytest.approx(71.15, abs=0.01)
    assert change.significant and result.waves[0].trust_change is None

    by_text = {q.question.text: q for q in result.questions}
    listened = by_text["I feel listened to"]
    assert listened.answered == [3, 4]
    assert [(o.label, o.counts) for o in listened.options] == [
        ("Strongly disagree", [0, 0]),
        ("Disagree", [1, 0]),
        ("Neither agree nor disagree", [1, 1]),
        ("Agree", [1, 1]),
        ("Strongly agree", [0, 2]),
    ]
    assert listened.means[0].mean == pytest.approx(3.0) and listened.means[1].mean == pytest.approx(4.25)
    assert listened.agree == [pytest.approx(100 / 3), pytest.approx(75.0)]
    diff, low, high = welch([2, 3, 4], [4, 5, 3, 5])
    assert listened.changes[0] is None
    assert (listened.changes[1].difference, listened.changes[1].low, listened.changes[1].high) == (
        pytest.approx(diff),
        pytest.approx(low),
        pytest.approx(high),
    )
    assert not listened.changes[1].significant  # the interval includes 0

    ehc = by_text["EHC plan?"]
    assert [(o.label, o.counts) for o in ehc.options] == [("Yes", [2, 2]), ("No", [1, 1])]
    assert ehc.answered == [3, 3] and ehc.options[0].percents == [pytest.approx(200 / 3), pytest.approx(200 / 3)]
    services_result = by_text["Services"]
    assert [(o.label, o.counts) for o in services_result.options] == [("School", [3, 3]), ("Health", [2, 2])]
    assert by_text["Anything else?"].answered == [0, 1]

    districts = {row.district: row for row in result.districts}
    assert list(districts) == ["Burnley", "Preston", "Wyre", "Not given"]  # the district list's order
    assert districts["Preston"].responses == [2, 1] and districts["Burnley"].responses == [1, 2]
    assert districts["Preston"].trust[0].mean == pytest.approx(25.0)
    assert districts["Burnley"].trust[1].mean == pytest.approx((87.5 + 75.0) / 2)
    assert districts["Not given"].responses == [1, 0] and districts["Not given"].trust[0] is None


def test_confidence_interval_needs_two_people():
    single = surveys.estimate([4])
    assert single.low is None and single.text(2) == "4.00 (too few answers for an interval)"
    assert surveys.change(single, surveys.estimate([5, 5])).low is None
    assert surveys.estimate([]) is None
    assert surveys.trust_score([1, 1]) == 0 and surveys.trust_score([5]) == 100 and surveys.trust_score([3]) == 50


def test_the_results_page(client_for, viewer_user, area, two_waves):
    survey, _, _ = two_waves
    page = client_for(viewer_user).get(surveys_url(area, "results", survey.pk))
    assert page.status_code == 200
    html = page.content.decode()
    soup = BeautifulSoup(html, "html.parser")
    assert soup.select_one("svg.sendhub-chart[role=img]") is not None
    trust_table = soup.find("caption", string="Trust index by wave").find_parent("table")
    assert [td.get_text(strip=True) for td in trust_table.select("tbody td")] == ["33.3", "3", "84.4", "4"]
    assert "+51.0 (95% CI +30.9 to +71.1), significant rise" in html
    assert "Burnley" in html and "Not given" in html


def test_the_csv_export(client_for, viewer_user, area, two_waves):
    survey, first, second = two_waves
    response = client_for(viewer_user).get(surveys_url(area, "export-csv", survey.pk))
    assert response.status_code == 200 and response["Content-Type"].startswith("text/csv")
    assert response["Content-Disposition"].startswith(f'attachment; filename="{area.slug}-{survey.slug}-')
    from sendhub.accounts.models import AuditEvent

    export = AuditEvent.objects.get(kind="exported")
    assert (export.user, export.area, export.what) == (viewer_user, area, f"Survey answers: {survey.title}")
    rows = list(csv.reader(io.StringIO(response.content.decode())))
    assert rows[0] == [
        "Reference",
        "Wave",
        "Submitted at",
        "District",
        "Respondent",
        "I feel listened to",
        "I trust the local area to meet my child's needs",
        "I know where to find information",
        "EHC plan?",
        "Services",
        "Anything else?",
    ]
    assert len(rows) == 9
    assert [r[1] for r in rows[1:]] == ["Spring"] * 4 + ["Autumn"] * 4
    first_row = next(r for r in rows if r[0] == Response.objects.filter(wave=first).order_by("pk").first().reference)
    assert first_row[3:] == ["Preston", "A parent or carer", "2", "2", "1", "Yes", "School", ""]
    no_trust = next(r for r in rows[1:5] if r[5] == "")
    assert no_trust[5:10] == ["", "", "5", "", "School"]
    commented = Comment.objects.get().answer_response.reference
    row = next(r for r in rows if r[0] == commented)
    assert row[-1] == '\'=HYPERLINK("http://x") [NAME] was great'  # redacted text, formula guarded
    assert any(r[9] == "School; Health" for r in rows[1:])


def test_every_staff_page_renders(client_for, admin_user, area, two_waves):
    survey, first, _ = two_waves
    client = client_for(admin_user)
    question = survey.questions.first()
    for url in (
        surveys_url(area, "list"),
        surveys_url(area, "detail", survey.pk),
        surveys_url(area, "edit", survey.pk),
        surveys_url(area, "question-create", survey.pk),
        surveys_url(area, "question-edit", survey.pk, question.pk),
        surveys_url(area, "question-delete", survey.pk, question.pk),
        surveys_url(area, "wave-create", survey.pk),
        surveys_url(area, "results", survey.pk),
    ):
        assert client.get(url).status_code == 200, url
    edited = client.post(
        surveys_url(area, "edit", survey.pk),
        {"title": "Renamed survey", "welcome_text": "Hello", "privacy_text": "We keep answers 3 years"},
    )
    assert edited.status_code == 302
    survey.refresh_from_db()
    assert survey.title == "Renamed survey" and survey.slug == "family-survey"  # published links keep working


def test_the_csv_export_withholds_safeguarding_comments_from_all_but_administrators(
    client_for, viewer_user, admin_user, area, two_waves
):
    survey, _, _ = two_waves
    comment = Comment.objects.get()
    comment.safeguarding = True
    comment.save()

    def last_column(user) -> set[str]:
        rows = list(
            csv.reader(io.StringIO(client_for(user).get(surveys_url(area, "export-csv", survey.pk)).content.decode()))
        )
        return {r[-1] for r in rows[1:]} - {""}

    assert last_column(viewer_user) == {"[Withheld: flagged for safeguarding review; administrators can see it]"}
    assert last_column(admin_user) == {'\'=HYPERLINK("http://x") [NAME] was great'}


@pytest.mark.django_db
def test_two_surveys_of_one_title_created_at_once_both_get_a_web_address(area, admin_user, monkeypatch):
    """The second person read the slug as free before the first saved: the constraint fires, the next slug is used."""
    first = surveys.create_survey(area, title="Parent survey", user=admin_user)
    real_unique_slug = surveys.unique_slug
    stale = iter(["parent-survey"])  # what the second person's read saw, before the first survey existed

    def racing_unique_slug(area_, title, **kwargs):
        return next(stale, None) or real_unique_slug(area_, title, **kwargs)

    monkeypatch.setattr(surveys, "unique_slug", racing_unique_slug)
    second = surveys.create_survey(area, title="Parent survey", user=admin_user)
    assert (first.slug, second.slug) == ("parent-survey", "parent-survey-2")
