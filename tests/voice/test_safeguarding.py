"""Safeguarding phrases raise concerns (categories, not text); ordinary complaints and negations do not."""

from __future__ import annotations

import pytest

from sendhub.voice.safeguarding import concerns

POSITIVE = [
    ("My son has started self harming and CAMHS won't see him.", "self_harm"),
    ("she has been selfharming since Christmas", "self_harm"),
    ("He keeps banging his head on the wall", "self_harm"),
    ("She keeps saying she wants to die.", "suicide"),
    ("he talks about killing himself", "suicide"),
    ("worried about sucide", "suicide"),
    ("he hurts her when he is angry", "unsafe_at_home"),
    ("his brother punches him every day", "physical_harm"),
    ("A member of staff hurt my son", "physical_harm"),
    ("He came home with bruises on his arms", "physical_harm"),
    ("He was held down by two members of staff.", "restraint"),
    ("They restrained him face down", "restraint"),
    ("There is no food in the house until payday.", "neglect"),
    ("We had to use a food bank this winter.", "neglect"),
    ("He is left alone for hours", "neglect"),
    ("I cant cope anymore", "carer_crisis"),
    ("I am at breaking point", "carer_crisis"),
    ("I'm not coping and nobody listens", "carer_crisis"),
    ("She does not feel safe at home", "unsafe_at_home"),
    ("My daughter went missing twice last month.", "missing"),
    ("He ran away from school", "missing"),
    ("I think he is being groomed by older boys", "exploitation"),
    ("he was sexually abused", "abuse"),
    ("They held him face down on the floor.", "restraint"),
    ("He walked out of school and was found by the police.", "missing"),
    ("CAMHS said she's not unwell enough. She stopped eating.", "self_harm"),
    ("I can't go on like this", "suicide"),
]
NEGATIVE = [
    "He has never been hit by staff, I want to be clear.",
    "No signs of self-harm but she is very anxious.",
    "The wait is killing me, 18 months for an ADHD assessment.",
    "The school has been brilliant, thank you.",
    "The abuse of process by the council is shocking.",
    "The panel hit us with another refusal.",
    "It really hurt him being excluded from the trip.",
    "The taxi was late again and nobody rang.",
    "We are waiting for a special school place.",
    "The school says it can't cope with him and wants him to leave.",
    "She can't go on the trip because there are not enough staff.",
    "",
]


@pytest.mark.parametrize(("text", "category"), POSITIVE)
def test_phrases_raise_a_concern(text, category):
    assert category in concerns(text)


@pytest.mark.parametrize("text", NEGATIVE)
def test_ordinary_comments_and_negations_do_not(text):
    assert concerns(text) == []


def test_reasons_are_categories_not_text():
    found = concerns("He came home with bruises after being restrained and now he's self-harming")
    assert found == sorted(set(found))
    assert set(found) >= {"physical_harm", "restraint", "self_harm"}
    assert all(" " not in reason for reason in found)


def test_curly_apostrophes_and_case_are_normalised():
    assert concerns("I CAN’T COPE ANY MORE") == ["carer_crisis"]
