"""The readability hint: Flesch scores, long sentences and words, unexplained short forms (pure functions), and
the staff hints built on it (which also warn about anything that looks personal)."""

from __future__ import annotations

import pytest

from sendhub.progress import readability
from sendhub.progress.wording import hint_for, looks_personal

EASY = "We are working on this. We want every plan to be ready on time. We will tell you how we get on."
HARD = (
    "Leaders in the local authority and the integrated care board should work together to improve shared "
    "strategic governance, oversight, joint commissioning and planning, so that they understand and meet the "
    "needs of children and young people with special educational needs and disabilities across the county."
)


@pytest.mark.parametrize(
    ("word", "expected"),
    [
        ("the", 1),
        ("make", 1),
        ("used", 1),
        ("table", 2),
        ("people", 2),
        ("wanted", 2),
        ("boxes", 2),
        ("children", 2),
        ("families", 3),
        ("assessment", 3),
        ("education", 4),
        ("communication", 5),
        ("20", 1),
        ("20-week", 2),
    ],
)
def test_syllables_by_rule_of_thumb(word, expected):
    assert readability.syllables(word) == expected


def test_the_flesch_formulas():
    # 100 words in 5 sentences with 150 syllables: 206.835 - 1.015 x 20 - 84.6 x 1.5
    assert readability.reading_ease(100, 5, 150) == pytest.approx(59.635)
    # grade 0.39 x 20 + 11.8 x 1.5 - 15.59 = 9.91, so a reading age of about 15
    assert readability.reading_age(100, 5, 150) == 15
    assert readability.reading_age(10, 5, 10) == 5  # never below 5


def test_short_sentences_of_everyday_words_read_easily():
    result = readability.check(EASY)

    assert result.sentences == 3 and result.words == 22
    assert result.reading_ease >= 80 and result.reading_age <= 11
    assert result.is_easy and result.problems == ()


def test_one_long_sentence_of_long_words_is_hard_to_read():
    result = readability.check(HARD)

    assert result.sentences == 1 and result.average_sentence_words > readability.MAX_AVERAGE_SENTENCE_WORDS
    assert result.reading_ease < readability.MIN_READING_EASE and result.reading_age > 11
    assert result.problems[:2] == (readability.HARD_TO_READ, readability.LONG_SENTENCES)
    assert readability.LONG_WORDS in result.problems
    # distinct, in the order first used
    assert result.long_words == ("authority", "integrated", "commissioning", "educational", "disabilities")


def test_one_overlong_sentence_among_short_ones_is_pointed_out():
    long_one = " ".join(["we will help"] * 11) + "."
    text = f"{long_one} " + " ".join(["We help."] * 6)

    result = readability.check(text)

    assert result.longest_sentence_words == 33 and result.average_sentence_words <= 20
    assert readability.LONG_SENTENCE in result.problems and readability.LONG_SENTENCES not in result.problems


def test_sentences_end_at_stops_and_line_breaks():
    assert readability.sentences_in("One. Two! Three?\nFour\n\nFive") == ["One.", "Two!", "Three?", "Four", "Five"]
    assert readability.sentences_in("  \n. ") == []


def test_unexplained_short_forms_are_pointed_out_but_explained_and_familiar_ones_are_not():
    result = readability.check("The ICB and the LA met. The NHS and your GP help. The ICB will write.")
    assert result.abbreviations == ("ICB", "LA")

    explained = "The integrated care board (ICB) pays for health care. An LA is a council."
    assert readability.check(explained).abbreviations == ()
    assert readability.check("SEND support is for you.", known_abbreviations={"SEND"}).abbreviations == ()
    assert readability.check("Our GPs can help.").abbreviations == ()


def test_short_and_empty_text_get_no_score():
    title = readability.check("Leaders working together better")
    assert title.reading_ease is None and title.reading_age is None and title.is_easy

    empty = readability.check("")
    assert empty.words == 0 and empty.problems == () and empty.reading_ease is None


def test_staff_hint_says_what_to_change_and_gives_the_score():
    hard = hint_for(HARD)
    assert not hard.is_easy
    assert hard.score.startswith("Reading ease ") and "reading age about" in hard.score
    assert any("hard to read" in message for message in hard.messages)
    assert any("Sentences have 45 words on average. Aim for 20 or fewer." in message for message in hard.messages)

    easy = hint_for(EASY)
    assert easy.is_easy and easy.messages == []
    assert hint_for("Leaders working together").score == "Too short for a reading score."
    assert hint_for("").score == "No words yet."


def test_staff_hint_warns_about_personal_details_but_not_about_partner_names():
    assert looks_personal("Ask Sarah Jones on 01772 123456 about it.")
    assert any("personal details" in m for m in hint_for("Email jo.bloggs@example.org for help.").messages)
    assert not looks_personal("Co-produce the strategy with the Parent Carer Forum")
    assert not looks_personal("Agree the plan with Lancashire Carers Together", ["Lancashire Carers Together"])
