"""Safeguarding: does a comment suggest a risk of harm to a child, a young person or the writer?

``concerns(text)`` returns the categories of concern it found (e.g. ``["self_harm", "physical_harm"]``), never
the matching words, so the reasons can be stored and emailed without repeating the comment. It is a curated
list of phrases run over normalised text (lower case, straight apostrophes, common misspellings and missing
apostrophes fixed), with simple negation: "he has never been hit" does not count, "no signs of self-harm" does
not count, but "no food in the house" does. It errs on the side of flagging: a person reads every flagged comment
(services.alert_safeguarding), while a missed one may be a child at risk.
"""

from __future__ import annotations

import re

SELF_HARM = "self_harm"
SUICIDE = "suicide"
PHYSICAL_HARM = "physical_harm"
ABUSE = "abuse"
NEGLECT = "neglect"
UNSAFE_AT_HOME = "unsafe_at_home"
CARER_CRISIS = "carer_crisis"
RESTRAINT = "restraint"
MISSING = "missing"
EXPLOITATION = "exploitation"

CATEGORY_LABELS = {
    SELF_HARM: "Self-harm",
    SUICIDE: "Suicidal thoughts",
    PHYSICAL_HARM: "Being hit or hurt",
    ABUSE: "Abuse",
    NEGLECT: "Neglect or basic needs not met",
    UNSAFE_AT_HOME: "Not safe at home",
    CARER_CRISIS: "Parent or carer in crisis",
    RESTRAINT: "Restraint or injury at school or in care",
    MISSING: "Going missing",
    EXPLOITATION: "Exploitation",
}

_PERSON = (
    r"(?:him|her|them|me|us|my\s+\w+|our\s+\w+|his\s+\w+|her\s+\w+|the\s+(?:kids|children|baby|little\s+one)|"
    r"the\s+other\s+\w+|[a-z]+self)"
)
_HARM_VERB = r"(?:hit|hits|hitting|punch(?:es|ed|ing)?|kick(?:s|ed|ing)?|slap(?:s|ped|ping)?|beat(?:s|ing|en)?|" \
    r"strangl\w*|chok(?:es|ed|ing)|throttl\w*|bit(?:e|es|ing|ten)|smack(?:s|ed|ing)?|" \
    r"attack(?:s|ed|ing)?|assault(?:s|ed|ing)?|threaten(?:s|ed|ing)?\s+to\s+(?:kill|hurt|hit|stab))"

# (category, pattern, negatable). Patterns run on normalised text; \b boundaries are added around each.
PHRASES: list[tuple[str, str, bool]] = [
    # Self-harm
    (SELF_HARM, r"self[\s-]?harm\w*", True),
    (SELF_HARM, r"(?:cut|cuts|cutting|burn|burns|burning|scratch\w*)\s+(?:him|her|them|my)sel(?:f|ves)", True),
    (SELF_HARM, r"(?:hurt|hurts|hurting|harm|harms|harming|injur\w+)\s+(?:him|her|them|my)sel(?:f|ves)", True),
    (SELF_HARM, r"bang(?:s|ing)?\s+(?:his|her|their|my)\s+head", True),
    (SELF_HARM, r"head[\s-]?bang\w*", True),
    (SELF_HARM, r"(?:took|taken|take|takes|taking)\s+an?\s+overdose|overdos\w+", True),
    (SELF_HARM, r"not\s+eating\s+at\s+all|stopped\s+eating|starving\s+(?:him|her|them)sel(?:f|ves)", False),
    # Suicide
    (SUICIDE, r"suicid\w*", True),
    (SUICIDE, r"(?:kill|killing|kills|end|ending)\s+(?:him|her|them|my)sel(?:f|ves)", True),
    (SUICIDE, r"(?:take|taking|end|ending)\s+(?:his|her|their|my)\s+own\s+life", True),
    (SUICIDE, r"want(?:s|ed)?\s+to\s+die|wish(?:es|ed)?\s+(?:he|she|they|i)\s+(?:was|were)\s+"
     r"(?:dead|not\s+here)", True),
    (SUICIDE, r"(?:doesn't|don't|does\s+not|do\s+not)\s+want\s+to\s+(?:be\s+alive|live|be\s+here\s+any\s*more)", False),
    (SUICIDE, r"better\s+off\s+(?:dead|without\s+(?:me|him|her))|no\s+(?:reason|point)\s+(?:to|in)\s+living", False),
    (SUICIDE, r"(?:can't|cannot)\s+go\s+on(?:\s+like\s+this)?(?!\s+(?:the|a|an|trips?|holiday|residential|school)\b)",
     False),
    # Being hit or hurt
    (PHYSICAL_HARM, rf"{_HARM_VERB}\s+{_PERSON}(?!\s+with\b)", True),
    (PHYSICAL_HARM, r"(?:he|she|they|someone|somebody|staff|a\s+member\s+of\s+staff|a\s+teacher|dad|mum|"
     r"(?:his|her|my|their)\s+\w+)\s+(?:\w+\s+)?hurt(?:s|ing)?\s+(?:him|her|them|me|us|my\s+\w+)", True),
    (PHYSICAL_HARM, r"(?:been|being|was|were|got|gets|getting|is|are)\s+(?:repeatedly\s+|badly\s+)?"
     r"(?:hit|punched|kicked|slapped|beaten|beaten\s+up|hurt|assaulted|attacked|strangled|choked|bitten|smacked|"
     r"pushed\s+down\s+the\s+stairs|thrown)", True),
    (PHYSICAL_HARM, r"bruis\w+|black\s+eye|broken\s+(?:arm|wrist|nose|rib|ribs|bone)|burn\s+marks?|marks\s+on\s+"
     r"(?:his|her|their)\s+(?:body|arms|legs|neck|face)", True),
    (PHYSICAL_HARM, r"violen(?:t|ce)\s+(?:at\s+home|towards?\s+(?:me|him|her|us|his|her)|to\s+(?:me|him|her))|"
     r"domestic\s+(?:violence|abuse)", True),
    # Abuse
    (ABUSE, r"abus(?:e|ed|es|ing|ive)(?!\s+of\s+(?:power|process|position|the\s+system))", True),
    (ABUSE, r"sexual(?:ly)?\s+(?:assault\w*|touch\w*|abus\w*)|touch(?:ed|ing)\s+(?:him|her|them)\s+inappropriately|"
     r"inappropriate(?:ly)?\s+touch\w*|groom(?:ed|ing)|indecent", True),
    (ABUSE, r"(?:locked|locks|locking)\s+(?:him|her|them|me)\s+in|shut\s+in\s+a\s+(?:room|cupboard)", True),
    # Neglect
    (NEGLECT, r"no\s+food|not\s+(?:been\s+)?(?:fed|feeding)|(?:nothing|no\s+money)\s+(?:to|for)\s+(?:eat|food)|"
     r"going\s+hungry|goes\s+hungry|(?:is|are|was|were)\s+hungry\s+all\s+the\s+time|food\s*bank", False),
    (NEGLECT, r"no\s+(?:heating|electric|electricity|gas)|can't\s+afford\s+(?:food|to\s+eat|heating)", False),
    (NEGLECT, r"(?:left|leave|leaves|leaving)\s+(?:him|her|them|alone)\s+(?:alone|on\s+(?:his|her|their)\s+own|"
     r"for\s+hours|all\s+day|unsupervised)|left\s+unsupervised|neglect\w*", True),
    (NEGLECT, r"(?:sitting|sat|left)\s+in\s+(?:a\s+)?(?:soiled|dirty|wet)\s+(?:nappy|nappies|pad|pads|clothes)", True),
    (NEGLECT, r"(?:no|without)\s+(?:his|her|their)\s+(?:medication|meds|insulin|epipen|inhaler)\s+"
     r"(?:for|all)\s+\w+|(?:not\s+given|wasn't\s+given|didn't\s+(?:get|have))\s+(?:his|her|their)\s+"
     r"(?:medication|meds|insulin|epipen|inhaler|seizure\s+medication)", True),
    (NEGLECT, r"(?:homeless|sofa\s+surfing|sleeping\s+(?:rough|in\s+the\s+car)|nowhere\s+to\s+(?:live|sleep))", True),
    # Unsafe at home
    (UNSAFE_AT_HOME, r"(?:not|isn't|is\s+not|(?:don't|doesn't|do\s+not|does\s+not|never)\s+feels?)\s+safe\s+"
     r"(?:at\s+home|in\s+(?:the|our|my)\s+(?:house|home))|unsafe\s+(?:at\s+home|in\s+the\s+house)", False),
    (UNSAFE_AT_HOME, r"(?:scared|frightened|afraid|terrified)\s+(?:to\s+go\s+home|of\s+(?:his|her|my|their)\s+"
     r"(?:dad|mum|father|mother|stepdad|stepmum|step-dad|step-mum|partner|husband|wife|brother|sister)|"
     r"(?:at|to\s+be\s+at)\s+home)", True),
    (UNSAFE_AT_HOME, r"(?:he|she|they)\s+(?:hurts|hits|attacks|kicks|punches)\s+(?:her|him|them|me|us)", True),
    (UNSAFE_AT_HOME, r"(?:my|her|his|their)\s+(?:partner|ex|husband|stepdad|step-dad)\s+(?:is\s+)?"
     r"(?:violent|dangerous|threaten\w*)", True),
    (UNSAFE_AT_HOME, r"(?:is|are|feel|feels|am)\s+(?:in\s+danger|at\s+risk\s+of\s+harm)|"
     r"(?:someone|somebody)\s+(?:is\s+)?going\s+to\s+get\s+(?:hurt|killed)", True),
    # Parent or carer in crisis
    (CARER_CRISIS, r"(?:can't|cannot|couldn't)\s+cope\s+(?:any\s*more|much\s+longer|with\s+(?:this|it|him|her|them)\s+"
     r"any\s*more)|(?:\bi|\bwe|i'm|i\s+am|we're|we\s+are)\s+(?:\w+\s+){0,2}?(?:can't|cannot|couldn't)\s+cope", False),
    (CARER_CRISIS, r"not\s+coping|(?:at|reached|past)\s+(?:breaking|crisis)\s+point|"
     r"(?:at|reached)\s+the\s+end\s+of\s+my\s+tether|falling\s+apart|breakdown|break\s+down\s+completely", False),
    (CARER_CRISIS, r"(?:can't|cannot)\s+keep\s+(?:him|her|them|my\s+\w+|us|the\s+family)\s+safe|"
     r"(?:can't|cannot)\s+keep\s+(?:him|her|them)\s+safe\s+any\s*more", False),
    (CARER_CRISIS, r"(?:give|giving|put)\s+(?:him|her|them)\s+(?:up|into\s+care)|(?:going|go)\s+into\s+care|"
     r"relinquish\w*\s+(?:care|him|her)", True),
    # Restraint and injuries at school or in care
    (RESTRAINT, r"restrain(?:ed|t|ts|ing)?|held\s+down|held\s+(?:him|her|them)\s+(?:face\s+down|down)|"
     r"face\s+down|pinned\s+(?:down|to\s+the\s+(?:floor|ground|wall))|"
     r"dragged\s+(?:him|her|them)?|physical\s+intervention|(?:put|locked|shut)\s+in\s+(?:a|the)\s+"
     r"(?:isolation\s+)?(?:room|booth|cupboard)\s+(?:alone|on\s+(?:his|her)\s+own|and\s+locked)", True),
    (RESTRAINT, r"(?:came|come|comes|coming)\s+home\s+(?:from\s+school\s+)?(?:with|covered\s+in)\s+"
     r"(?:bruises|injuries|marks|cuts|scratches|a\s+(?:bump|cut|mark|injury))", True),
    # Going missing
    (MISSING, r"(?:went|go|goes|going|gone|been)\s+missing|found\s+by\s+(?:the\s+)?police|"
     r"walked\s+out\s+of\s+school|run(?:s|ning)?\s+away|ran\s+away|absconded|abscond\w*|"
     r"missing\s+from\s+(?:home|school|care)|reported\s+(?:him|her|them)\s+missing|"
     r"(?:left|leaves|walked\s+out\s+of)\s+(?:the\s+)?school\s+(?:site|grounds|building)\s+(?:alone|on\s+(?:his|her)\s+own)|"
     r"found\s+(?:him|her|them)\s+(?:wandering|on\s+the\s+(?:road|motorway|railway))", True),
    # Exploitation
    (EXPLOITATION, r"county\s+lines|exploit(?:ed|ing|ation)|drug\s+deal\w*|carrying\s+(?:a\s+)?knife|"
     r"older\s+(?:men|boys|lads)\s+(?:giving|buying)|(?:being|was|is)\s+groomed", True),
]

_NEGATION = re.compile(
    r"(?:\bnot\b|\bnever\b|\bno\b|n't\b|\bwithout\b|\bnobody\b|\bno\s+one\b|\bno\s+longer\b|\bnone\b|"
    r"\bno\s+signs?\s+of\b|\bno\s+history\s+of\b|\bno\s+risk\s+of\b)"
)
_COMPILED = [(category, re.compile(rf"\b(?:{pattern})\b"), negatable) for category, pattern, negatable in PHRASES]

_FIXES = [
    (r"[‘’`´]", "'"),
    (r"[“”]", '"'),
    (r"\bcant\b", "can't"),
    (r"\bcan not\b", "cannot"),
    (r"\bdont\b", "don't"),
    (r"\bdoesnt\b", "doesn't"),
    (r"\bisnt\b", "isn't"),
    (r"\bwont\b", "won't"),
    (r"\bwasnt\b", "wasn't"),
    (r"\bdidnt\b", "didn't"),
    (r"\bcouldnt\b", "couldn't"),
    (r"\bim\b", "i'm"),
    (r"\bselfharm", "self-harm"),
    (r"\bself harm", "self-harm"),
    (r"\bsucide|\bsuicde|\bsuiside|\bsuacide", "suicide"),
    (r"\bcopeing\b|\bcoap\b", "cope"),
    (r"\banymore\b", "any more"),
    (r"\bhurted\b", "hurt"),
    (r"\bbruses\b|\bbrusies\b", "bruises"),
    (r"\brestrianed\b|\brestraned\b", "restrained"),
    (r"\bthier\b", "their"),
    (r"\s+", " "),
]
_FIXES_COMPILED = [(re.compile(a), b) for a, b in _FIXES]


def normalise(text: str) -> str:
    text = (text or "").lower()
    for pattern, replacement in _FIXES_COMPILED:
        text = pattern.sub(replacement, text)
    return text.strip()


def _negated(text: str, start: int) -> bool:
    """Is the phrase starting at ``start`` negated by a word shortly before it, in the same clause?"""
    window = text[max(0, start - 40) : start]
    window = re.split(r"[.;!?,]|\bbut\b|\bhowever\b|\bthough\b|\band\b", window)[-1]
    words = window.split()[-4:]
    return bool(_NEGATION.search(" ".join(words)))


def concerns(text: str) -> list[str]:
    """The categories of safeguarding concern in ``text`` (sorted, no duplicates); empty if none."""
    normalised = normalise(text)
    if not normalised:
        return []
    found: set[str] = set()
    for category, pattern, negatable in _COMPILED:
        if category in found:
            continue
        for match in pattern.finditer(normalised):
            if negatable and _negated(normalised, match.start()):
                continue
            found.add(category)
            break
    return sorted(found)
