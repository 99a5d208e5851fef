"""Issue 17: a negation clears a safeguarding phrase only when it governs it, with or without a comma; other senses
of the words and past concerns the writer says are over do not raise alarms."""

from __future__ import annotations

import pytest

from sendhub.voice import safeguarding
from sendhub.voice.safeguarding import concerns

# The misses, and more where the negation belongs to another verb or is "not only".
MUST_FLAG = [
    ("Nobody knows he self-harms", "self_harm"),
    ("not only does he self-harm, he has stopped sleeping", "self_harm"),
    ("Without help she will self-harm", "self_harm"),
    ("School won't help he self-harms", "self_harm"),
    ("CAMHS don't care she cuts herself every night", "self_harm"),
    ("Nobody realises she's suicidal", "suicide"),
    ("No one believes me he is being hit at school", "physical_harm"),
    ("I can't stop him harming himself", "self_harm"),
    ("They never noticed she was restrained", "restraint"),
    ("Nobody has asked how he's coping with the self-harm", "self_harm"),
    ("If no one helps he will self harm", "self_harm"),
]


@pytest.mark.parametrize(("text", "category"), MUST_FLAG)
def test_a_negation_that_governs_another_verb_does_not_clear_the_phrase(text, category):
    assert category in concerns(text), text


GOVERNED = [
    "He has never self-harmed.",
    "She doesn't self harm.",
    "There is no history of self-harm.",
    "They didn't need to hold him down, his key worker calmed him.",
    "Neither of them has ever been hit at school.",
    "At no point was he left unsupervised.",
    "She has never been excluded or restrained.",
    "He has no thoughts of suicide, CAMHS assessed him.",
]


@pytest.mark.parametrize("text", GOVERNED)
def test_a_negation_that_governs_the_phrase_clears_it(text):
    assert concerns(text) == [], text


OTHER_SENSES_AND_PAST = [
    "The funding cuts hit us hard.",
    "The process dragged on for months.",
    "A breakdown of the provision by hours would help.",
    "School did a talk about online grooming which I thought was good.",
    "He kicked off in assembly and got sent home.",
    "It's like banging my head against a brick wall with the council.",
    "She used to self harm but she hasn't for two years and is doing really well.",
    "His self-harm stopped completely once he got the right school place.",
    "Last year we were homeless but the council found us a house.",
]


@pytest.mark.parametrize("text", OTHER_SENSES_AND_PAST)
def test_other_senses_and_past_concerns_that_are_over_are_not_flagged(text):
    assert concerns(text) == [], text


@pytest.mark.parametrize(
    "text",
    [
        "She used to self harm and it has started again.",
        "He used to run away from school and he still does.",
        "Last year he took an overdose and this week he said he wants to die.",
    ],
)
def test_a_past_concern_that_is_back_is_flagged(text):
    assert concerns(text), text


def test_negation_scope_is_a_pure_function_of_the_words_between():
    text = safeguarding.normalise("nobody knows he self-harms")
    assert not safeguarding._negated(text, text.index("self-harms"))
    text = safeguarding.normalise("he has never self-harmed")
    assert safeguarding._negated(text, text.index("self-harmed"))
