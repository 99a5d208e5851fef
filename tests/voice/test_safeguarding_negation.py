"""Negation in the safeguarding detector reaches only as far as its own clause.

``safeguarding._negated`` looks at the few words before a phrase, *after* cutting them at the last clause break
(``.``, ``;``, ``!``, ``?``, ``,``, "but", "however", "though", "and"). So "School won't help, he self-harms" is
flagged: the "won't" belongs to the clause about the school, not to the self-harm. Without that cut the
detector would read "won't help, he self-harms" as a denial and stay silent about a child at risk. A negation
inside the phrase's own clause ("he has never self-harmed", "no signs of self-harm") still clears it, as the
module docstring says; phrases marked not negatable ("no food in the house") are flagged whatever comes before.
"""

from __future__ import annotations

import pytest

from sendhub.voice import safeguarding
from sendhub.voice.safeguarding import SELF_HARM, concerns

# A negated clause, then a clause break, then a phrase that must raise its concern.
AFTER_A_NEGATED_CLAUSE = [
    # The example, and each negation word the detector knows, each with a comma.
    ("School won't help, he self-harms", SELF_HARM),
    ("CAMHS doesn't listen, she cuts herself", SELF_HARM),
    ("They never ring back, he talks about suicide", "suicide"),
    ("It is not fair, he was hit by another pupil", "physical_harm"),
    ("There is no support, she wants to die", "suicide"),
    ("Nobody listens, he is being hit at school", "physical_harm"),
    ("We have had no help without a fight, she self-harms", SELF_HARM),
    ("School will not do anything, she is hurting herself", SELF_HARM),
    ("I can't get a reply, he bangs his head until it bleeds", SELF_HARM),
    # "but", "and", "however", "though" with no comma at all.
    ("School won't help but he self-harms", SELF_HARM),
    ("The GP doesn't see it but she has been cutting herself", SELF_HARM),
    ("They won't come and he self-harms", SELF_HARM),
    ("He is not sleeping however he self-harms most nights", SELF_HARM),
    ("She isn't violent though she self-harms", SELF_HARM),
    # Sentence ends: full stop, semicolon, exclamation and question marks.
    ("The council won't answer. He self-harms every day.", SELF_HARM),
    ("We don't get respite; she has taken an overdose", SELF_HARM),
    ("Nobody came! He went missing again", "missing"),
    ("Why won't anyone help? He is self harming", SELF_HARM),
    # Written as parents write it: no apostrophe, curly apostrophes, capitals, "self harm" apart.
    ("School wont help, he self harms", SELF_HARM),
    ("School won\u2019t help, he self-harms", SELF_HARM),
    ("SCHOOL WON'T HELP, HE SELF-HARMS", SELF_HARM),
]


@pytest.mark.parametrize(("text", "category"), AFTER_A_NEGATED_CLAUSE)
def test_a_phrase_after_a_negated_clause_is_flagged(text, category):
    assert category in concerns(text), f"{text!r} should raise {category}"


@pytest.mark.parametrize(("text", "category"), AFTER_A_NEGATED_CLAUSE)
def test_the_negation_is_cut_at_the_clause_break(text, category):
    """The same, at the level of ``_negated``: the match's own clause has no negation word."""
    normalised = safeguarding.normalise(text)
    match = next(
        found
        for c, pattern, negatable in safeguarding._COMPILED
        if c == category and negatable and (found := pattern.search(normalised))
    )
    assert not safeguarding._negated(normalised, match.start()), normalised


# A negation in the phrase's own clause, shortly before it: the phrase does not count.
GENUINELY_NEGATED = [
    "He has never self-harmed.",
    "She doesn't self-harm, thankfully.",
    "There are no signs of self-harm.",
    "No history of self-harm or anything like that.",
    "He is not suicidal, just very low.",
    "She has never been hit at school.",
    "He was never restrained at his last school.",
    "Our son has not gone missing since the new plan.",
    "He does not bang his head any more.",
    # After a break, the negation of the phrase's *own* clause still counts.
    "School won't help, but he has never self-harmed.",
    "The taxi is late again and she doesn't self-harm.",
    "CAMHS closed the case; there is no risk of self-harm now.",
]


def phrase_matches(text: str) -> list[str]:
    """The categories whose phrases occur in ``text``, before any negation is considered."""
    normalised = safeguarding.normalise(text)
    return sorted({category for category, pattern, _ in safeguarding._COMPILED if pattern.search(normalised)})


@pytest.mark.parametrize("text", GENUINELY_NEGATED)
def test_a_phrase_negated_in_its_own_clause_is_not_flagged(text):
    assert phrase_matches(text), f"{text!r} must hold a phrase, or this test proves nothing"
    assert concerns(text) == [], text


# A negation more than four words before the phrase (or 40 characters), in the same clause, does not reach it.
FAR_NEGATION = [
    ("Not one of them ever saw that she self-harms", SELF_HARM),
    ("No one at school knew he self-harmed", SELF_HARM),
    ("Nobody at the school has ever really understood that she self-harms", SELF_HARM),
]


@pytest.mark.parametrize(("text", "category"), FAR_NEGATION)
def test_a_negation_far_before_the_phrase_does_not_clear_it(text, category):
    assert category in concerns(text)


# Phrases the detector never lets a negation clear ("negatable" False): a missing thing is the concern.
NOT_NEGATABLE = [
    ("There is no food in the house.", "neglect"),
    ("We have no heating and can't afford food.", "neglect"),
    ("She does not feel safe at home.", "unsafe_at_home"),
    ("I can't cope any more, nobody helps.", "carer_crisis"),
    ("He doesn't want to live.", "suicide"),
    ("I am not coping at all.", "carer_crisis"),
]


@pytest.mark.parametrize(("text", "category"), NOT_NEGATABLE)
def test_phrases_about_something_missing_are_flagged_despite_a_negation(text, category):
    assert category in concerns(text)


def test_the_same_phrase_negated_and_not_in_one_comment():
    """One clause denies, the next reports: the comment is flagged (the detector errs on the side of flagging)."""
    assert concerns("He has never been hit by staff, but his brother punches him every day.") == ["physical_harm"]
    assert concerns("She doesn't self-harm at school. At home she cuts herself.") == [SELF_HARM]
    assert concerns("She doesn't self-harm at school and she is happy there.") == []
