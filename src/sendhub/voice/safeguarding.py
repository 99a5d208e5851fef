"""Safeguarding: does a comment suggest a risk of harm to a child, a young person or the writer?

``concerns(text)`` returns the categories of concern it found (e.g. ``["self_harm", "physical_harm"]``), never
the matching words, so the reasons can be stored and emailed without repeating the comment. It is a curated
list of phrases run over normalised text (lower case, straight apostrophes, common misspellings and missing
apostrophes fixed), with three checks that keep ordinary complaints from raising alarms:

- **Negation reaches only the phrase it governs.** A negation word ("not", "never", "no", "n't", "nobody",
  "without", ...) clears a phrase only when it is in the phrase's own clause and the words between them are
  auxiliaries or fillers ("has never been hit", "no signs of self-harm", "didn't need to hold him down"). Any other
  word in between means the negation belongs to something else: "Nobody knows he self-harms", "School won't help
  he self-harms", "Without help she will self-harm", "not only does he self-harm" are all flagged. Phrases marked
  not negatable ("no food in the house") are flagged whatever comes before.
- **Other senses of the words** ("funding cuts hit us hard", "the process dragged on", "a breakdown of costs",
  "a talk about online grooming") are excluded by ``EXCLUSIONS``: a phrase inside an exclusion does not count.
- **A past concern the writer says is over** ("she used to self-harm but hasn't for two years") does not count
  when its sentence names the past and the resolution and nothing suggests it is back ("again", "still", ...).

It errs on the side of flagging: a person reads every flagged comment (services.alert_safeguarding), while a
missed one may be a child at risk. ``docs/voice-evaluation.md`` gives recall and false-positive rate on the
labelled set in ``tests/data/voice_safeguarding.jsonl`` (``sendhub voice evaluate``).
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

_KIN = (
    r"(?:son|daughter|child|children|kids?|boy|girl|lad|lass|baby|brother|sister|mum|mam|dad|husband|wife|partner|"
    r"grandson|granddaughter|nephew|niece|friend|little\s+one|youngest|eldest|stepson|stepdaughter)"
)
_PERSON = (
    rf"(?:him|her|them|me|us|(?:my|our|his|her|their)\s+(?:\w+\s+)?{_KIN}|the\s+(?:kids|children|baby|little\s+one)|"
    r"the\s+other\s+\w+|[a-z]+self)"
)
_HARM_VERB = (
    r"(?:hit|hits|hitting|punch(?:es|ed|ing)?|kick(?:s|ed|ing)?|slap(?:s|ped|ping)?|beat(?:s|ing|en)?|"
    r"strangl\w*|chok(?:es|ed|ing)|throttl\w*|bit(?:e|es|ing|ten)|smack(?:s|ed|ing)?|grabb(?:ed|ing)|"
    r"attack(?:s|ed|ing)?|assault(?:s|ed|ing)?|threaten(?:s|ed|ing)?\s+to\s+(?:kill|hurt|hit|stab))"
)
_REFLEXIVE = r"(?:him|her|them|my|your|our)sel(?:f|ves)"

# (category, pattern, negatable). Patterns run on normalised text; \b boundaries are added around each.
PHRASES: list[tuple[str, str, bool]] = [
    # Self-harm
    (SELF_HARM, r"self[\s-]?harm\w*", True),
    (SELF_HARM, rf"(?:cut|cuts|cutting|burn|burns|burning|scratch\w*|bit(?:e|es|ing)|punch\w*|hit|hits|hitting)\s+"
     rf"{_REFLEXIVE}", True),
    (SELF_HARM, rf"(?:hurt|hurts|hurting|harm|harms|harming|injur\w+)\s+{_REFLEXIVE}", True),
    (SELF_HARM, r"(?:cuts|cutting|cut|scratches|burns)\s+(?:on|to|all\s+over)\s+(?:her|his|their|my)\s+"
     r"(?:arms?|legs?|wrists?|thighs?|stomach|body|skin)|cutting\s+(?:her|his|their)\s+(?:arms?|legs?|wrists?)|"
     r"found\s+cuts", True),
    (SELF_HARM, r"(?:he|she|they|he's|she's|they're)\s+(?:has\s+|had\s+|is\s+|was\s+|been\s+|started\s+|keeps\s+|"
     r"still\s+|also\s+)*(?:cutting|cuts)(?=\s*(?:[,.;!?]|$|again|every|at\s+night|until|and\s+(?:he|she)))", True),
    (SELF_HARM, r"bang(?:s|ing)?\s+(?:his|her|their|my)\s+head", True),
    (SELF_HARM, r"(?:bit(?:e|es|ing)|scratch(?:es|ed|ing)?|claw(?:s|ed|ing)?)\s+(?:his|her|their|my)\s+own\s+"
     r"(?:arms?|hands?|wrists?|fingers?|skin)", True),
    (SELF_HARM, r"head[\s-]?bang\w*", True),
    (SELF_HARM, r"(?:took|taken|take|takes|taking)\s+an?\s+overdose|overdos\w+|swallow(?:ed|s)?\s+(?:\w+\s+){0,3}"
     r"(?:tablets|pills|paracetamol|bleach)", True),
    (SELF_HARM, r"pick(?:s|ing)?\s+(?:her|his|their|my)\s+skin\s+(?:till|until)|"
     r"pulls?\s+(?:her|his)\s+hair\s+out", True),
    (SELF_HARM, r"not\s+eating\s+at\s+all|stopped\s+eating|starving\s+(?:him|her|them)sel(?:f|ves)", False),
    # Suicide
    (SUICIDE, r"suicid\w*", True),
    (SUICIDE, rf"(?:kill|killing|kills|end|ending|hang|hanging|hanged|strangl\w*)\s+{_REFLEXIVE}", True),
    (SUICIDE, r"(?:take|taking|end|ending)\s+(?:his|her|their|my)\s+(?:own\s+)?life|end(?:ing)?\s+it\s+all", True),
    (SUICIDE, r"want(?:s|ed)?\s+to\s+die|wish(?:es|ed)?\s+(?:he|she|they|i)\s+(?:was|were)\s+"
     r"(?:dead|not\s+here)", True),
    (SUICIDE, r"(?:doesn't|don't|does\s+not|do\s+not)\s+want\s+to\s+(?:be\s+alive|live|be\s+here\s+any\s*more|"
     r"wake\s+up)", False),
    (SUICIDE, r"better\s+off\s+(?:dead|without\s+(?:me|him|her))|no\s+(?:reason|point)\s+(?:to|in)?\s*living", False),
    (SUICIDE, r"(?:can't|cannot)\s+(?:go|carry)\s+on(?:\s+like\s+this)?(?!\s+(?:the|a|an|trips?|holiday|residential|"
     r"school|with\s+the)\b)", False),
    (SUICIDE, r"(?:suicide|goodbye)\s+note|note\s+saying\s+goodbye|(?:going|threaten\w*|wants?)\s+to\s+jump|"
     r"said\s+(?:she|he|they)\s+(?:was|were|would)\s+(?:going\s+to\s+)?jump", True),
    # Being hit or hurt
    (PHYSICAL_HARM, rf"{_HARM_VERB}\s+{_PERSON}(?!\s+(?:with|at)\b)", True),
    (PHYSICAL_HARM, r"(?:he|she|they|someone|somebody|staff|a\s+member\s+of\s+staff|a\s+teacher|dad|mum|"
     r"(?:his|her|my|their)\s+\w+)\s+(?:\w+\s+)?hurt(?:s|ing)?\s+(?:him|her|them|me|us|my\s+\w+)", True),
    (PHYSICAL_HARM, r"(?:been|being|was|were|got|gets|getting|is|are)\s+(?:repeatedly\s+|badly\s+)?"
     r"(?:hit|punched|kicked|slapped|beaten|beaten\s+up|hurt|assaulted|attacked|strangled|choked|bitten|smacked|"
     r"pushed\s+down\s+the\s+stairs|thrown)(?!\s+(?:and\s+miss|that|when|by\s+what|from\s+pillar|out\s+of))", True),
    (PHYSICAL_HARM, rf"(?:pushed|shoved|threw|thrown)\s+{_PERSON}\s+(?:into|against|down|over|across|onto)", True),
    (PHYSICAL_HARM, r"bruis(?:e|es|ed)\b|bruising\s+(?:on|to|all\s+over|round|around)|black\s+eye|"
     r"(?:broken|broke)\s+(?:(?:my|his|her|their)\s+)?(?:arm|wrist|nose|rib|ribs|bone|jaw|finger)|burn\s+marks?|"
     r"marks\s+on\s+(?:his|her|their|my)\s+(?:body|arms|legs|neck|face)|left\s+marks", True),
    (PHYSICAL_HARM, r"violen(?:t|ce)\s+(?:at\s+home|towards?\s+(?:me|him|her|us|his|her)|to\s+(?:me|him|her))|"
     r"domestic\s+(?:violence|abuse)|threaten(?:ed|s|ing)?\s+to\s+(?:kill|stab|hurt)", True),
    # Abuse
    (ABUSE, r"abus(?:e|ed|es|ing|ive)(?!\s+(?:of\s+(?:power|process|position|the\s+system)|the\s+goodwill|goodwill))",
     True),
    (ABUSE, r"sexual(?:ly)?\s+(?:assault\w*|touch\w*|abus\w*|things|stuff|pictures|photos|messages)|"
     r"touch(?:ed|es|ing)\s+(?:him|her|them)\b(?!\s+(?:deeply|so\s+much|things|stuff|toys|work|phone|food|hair|bag))|inappropriate(?:ly)?\s+touch\w*|"
     r"touch(?:es|ed)\s+(?:her|his)\s+(?:legs?|bottom|chest|private)|groom(?:ed|ing)|indecent", True),
    (ABUSE, r"(?:lock|locked|locks|locking|shut|shuts)\s+(?:him|her|them|me)\s+in|"
     r"shut\s+in\s+a\s+(?:room|cupboard)", True),
    (ABUSE, r"sen(?:t|ds)\s+(?:her|him)\s+(?:pictures|photos|images)|(?:older|grown)\s+man\s+(?:\w+\s+){0,3}"
     r"(?:wants?\s+to\s+meet|messag\w+)|wants?\s+to\s+meet\s+(?:her|him)", True),
    # Neglect
    (NEGLECT, r"no\s+food\s+(?:in|at|for|left|to)|(?:there's|there\s+is|we\s+have|we've\s+got|had)\s+no\s+food|"
     r"not\s+(?:been\s+)?(?:fed|feeding)|(?:nothing|no\s+money)\s+(?:to|for)\s+(?:eat|food)|"
     r"go(?:es|ing)?\s+(?:to\s+(?:bed|school)\s+)?hungry|(?:bed|school)\s+hungry|"
     r"(?:is|are|was|were)\s+hungry\s+all\s+the\s+time", False),
    (NEGLECT, r"food\s*banks?", True),
    (NEGLECT, r"no\s+(?:heating|electric|electricity|gas)|can't\s+afford\s+(?:food|to\s+eat|heating)", False),
    (NEGLECT, r"(?:left|leave|leaves|leaving)\s+(?:him|her|them|alone)\s+(?:alone|on\s+(?:his|her|their)\s+own|"
     r"for\s+hours|all\s+day|unsupervised)|left\s+unsupervised|neglect\w*|(?:leaves|left)\s+(?:him|her|them)\s+on\s+"
     r"(?:his|her|their)\s+own\s+for", True),
    (NEGLECT, r"(?:sitting|sat|left)\s+(?:alone\s+)?in\s+(?:a\s+)?(?:soiled|dirty|wet)\s+(?:nappy|nappies|pad|pads|"
     r"clothes)", True),
    (NEGLECT, r"(?:no|without)\s+(?:his|her|their)\s+(?:medication|meds|insulin|epipen|inhaler)\s+"
     r"(?:for|all)\s+\w+|(?:not\s+(?:been\s+)?given|wasn't\s+given|didn't\s+(?:get|have)|forg(?:ot|otten|et))\s+"
     r"(?:his|her|their)\s+(?:\w+\s+)?(?:medication|meds|insulin|epipen|inhaler)", True),
    (NEGLECT, r"(?:homeless|sofa\s+surfing|sleeping\s+(?:rough|in\s+the\s+car)|nowhere\s+to\s+(?:live|sleep))", True),
    # Unsafe at home
    (UNSAFE_AT_HOME, r"(?:not|isn't|is\s+not|(?:don't|doesn't|do\s+not|does\s+not|never)\s+feels?)\s+safe\s+"
     r"(?:at\s+home|in\s+(?:the|our|my|his|her)\s+(?:own\s+)?(?:house|home))", False),
    (UNSAFE_AT_HOME, r"unsafe\s+(?:at\s+home|in\s+the\s+house)", True),
    (UNSAFE_AT_HOME, r"(?:scared|frightened|afraid|terrified)\s+(?:to\s+go\s+home|of\s+(?:his|her|my|their)\s+"
     r"(?:dad|mum|father|mother|stepdad|stepmum|step-dad|step-mum|partner|husband|wife|brother|sister|ex)|"
     r"(?:at|to\s+be\s+at)\s+home)", True),
    (UNSAFE_AT_HOME, r"(?:he|she|they)\s+(?:hurts|hits|attacks|kicks|punches)\s+(?:her|him|them|me|us)", True),
    (UNSAFE_AT_HOME, r"(?:my|her|his|their|older)\s+(?:partner|ex|husband|stepdad|step-dad|brother|dad|father)\s+"
     r"(?:is\s+)?(?:violent|dangerous|threaten\w*)|threaten(?:s|ed|ing)\s+(?:us|me|my\s+\w+)", True),
    (UNSAFE_AT_HOME, r"(?:is|are|feel|feels|am|we're|i'm|they're|he's|she's)\s+(?:in\s+danger|at\s+risk\s+of\s+harm)|"
     r"(?:someone|somebody|someone's|somebody's)\s+(?:is\s+)?going\s+to\s+get\s+(?:\w+\s+)?(?:hurt|killed)|"
     r"can't\s+protect\s+(?:her|him|them|my\s+\w+)", True),
    # Parent or carer in crisis
    (CARER_CRISIS, r"(?:can't|cannot|couldn't)\s+cope\s+(?:any\s*more|much\s+longer|with\s+(?:this|it|him|her|them)\s+"
     r"any\s*more)|(?:\bi|\bwe|i'm|i\s+am|we're|we\s+are|dad|mum|husband|wife|partner)\s+(?:\w+\s+){0,2}?"
     r"(?:can't|cannot|couldn't)\s+cope(?!\s+with\s+(?:the\s+)?(?:noise|change|crowds|paperwork))|"
     r"how\s+(?:much\s+)?longer\s+(?:i|we)\s+can\s+(?:cope|go\s+on|carry\s+on|do\s+this)", False),
    (CARER_CRISIS, r"not\s+coping|(?:at|reached)\s+the\s+end\s+of\s+my\s+tether|falling\s+apart|"
     r"break\s+down\s+completely", False),
    (CARER_CRISIS, r"(?:at|reached|past)\s+(?:breaking|crisis)\s+point|in\s+crisis|"
     r"breakdown(?!\s+of\b)|(?:having|had)\s+a\s+breakdown", True),
    (CARER_CRISIS, r"(?:can't|cannot)\s+keep\s+(?:him|her|them|my\s+\w+|us|the\s+family)\s+safe|"
     r"(?:can't|cannot)\s+keep\s+(?:him|her|them)\s+safe\s+any\s*more", False),
    (CARER_CRISIS, r"(?:give|giving|put|take|taking)\s+(?:him|her|them)\s+(?:up|into\s+care)|"
     r"(?:going|go)\s+into\s+care|"
     r"relinquish\w*\s+(?:care|him|her)", True),
    # Restraint and injuries at school or in care
    (RESTRAINT, r"restrain(?:ed|t|ts|ing)?|held\s+down|(?:held|hold|holding)\s+(?:him|her|them)\s+(?:face\s+down|down)|"
     r"face\s+down|pinned\s+(?:(?:him|her|them)\s+)?(?:down|to\s+the\s+(?:floor|ground|wall))|"
     r"sat\s+on\s+(?:him|her|them)|"
     r"dragged\s+(?:him|her|them)(?!\s+(?:feet|into\s+an?\s+argument))|"
     r"(?:was|were|been|being|got|gets)\s+dragged\s+(?:out|along|across|down|off|by|from|up|through)|"
     r"physical\s+intervention(?!\s+(?:plans?|polic\w+|training))|"
     r"(?:put|locked|shut)\s+(?:(?:him|her|them)\s+)?in\s+(?:a|the)\s+(?:isolation\s+)?(?:room|booth|cupboard)\s+"
     r"(?:alone|on\s+(?:his|her)\s+own|and\s+locked|for\s+\w+\s+hours?)", True),
    (RESTRAINT, r"(?:came|come|comes|coming)\s+home\s+(?:from\s+school\s+)?(?:with|covered\s+in)\s+"
     r"(?:bruises|injuries|marks|cuts|scratches|a\s+(?:bump|cut|mark|injury))", True),
    # Going missing
    (MISSING, r"(?:went|go|goes|going|gone|been)\s+missing(?!\s+out\b)|found\s+by\s+(?:the\s+)?police|"
     r"walked\s+out\s+of\s+school|run(?:s|ning)?\s+away|ran\s+away|ran\s+off|runs\s+off|absconded|abscond\w*|"
     r"missing\s+from\s+(?:home|school|care)|report(?:ed)?\s+(?:him|her|them)\s+missing|"
     r"(?:left|leaves|walked\s+out\s+of)\s+(?:the\s+)?school\s+(?:site|grounds|building)\s+(?:alone|on\s+(?:his|her)\s+own)|"
     r"found\s+(?:(?:him|her|them)\s+)?(?:wandering|on\s+the\s+(?:road|motorway|railway))|"
     r"found\s+(?:\w+\s+){0,2}by\s+the\s+(?:canal|river|motorway|railway|main\s+road)|"
     r"climb(?:s|ed|ing)?\s+out\s+(?:of\s+)?(?:his|her|their|the)\s+(?:bedroom\s+)?window", True),
    # Exploitation
    (EXPLOITATION, r"county\s+lines|exploit(?:ed|ing|ation)|drugs?\s+deal\w*|(?:deal|dealing|carry|carrying)\s+drugs|"
     r"carrying\s+(?:a\s+)?knife|older\s+(?:men|boys|lads)\s+(?:are\s+)?(?:giving|buying|picking)|"
     r"(?:picked\s+up|collected)\s+by\s+(?:some\s+)?(?:older|adult)\s+\w+|(?:being|was|is)\s+groomed|"
     r"(?:comes|came|coming)\s+home\s+with\s+(?:money|cash|a\s+new\s+phone|new\s+phones?|new\s+trainers)", True),
]

# A phrase inside one of these (other senses of the same words) does not count.
EXCLUSIONS = [
    r"(?:cuts?|news|costs?|cost\s+of\s+living|it|this|that|bills?|rises?|changes?|decision|loss|reality|panel)\s+"
    r"(?:has\s+|have\s+|really\s+)?hit\s+(?:\w+\s+)?(?:us|me|him|her|them|families|people)(?:\s+\w+)?",
    r"hit\s+(?:us|me|him|her|them)\s+like",
    r"hit\s+and\s+miss|hit\s+(?:the\s+)?(?:roof|ceiling|target|wall|kerb|bottom)",
    r"beat(?:s|en)?\s+(?:his|her|my|their)\s+(?:personal\s+best|record|time)|beat\w*\s+(?:me|us)\s+at",
    r"(?:running|ran|run|runs)\s+away\s+(?:from\s+(?:their|the|our|his|her)\s+(?:responsibilit\w+|problems?|duty)|"
    r"with\s+the\s+idea|from\s+(?:loud\s+)?noises?)",
    r"exploit\w*\s+(?:of\s+)?(?:a\s+|the\s+|every\s+)?(?:loophole\w*|opportunit\w+|system|situation)",
    r"held\s+down\s+(?:the\s+road|a\s+job)|restraint\s+shown|(?:very\s+)?restrained\s+in\s+(?:what|how)|"
    r"showed\s+(?:great\s+)?restraint",
    r"(?:kicked|kicking)\s+(?:\w+\s+)?(?:from\s+pillar|out\s+of\s+(?:the|his|her)\s+(?:holiday|club|group|class))",
    r"(?:kicks|kicked|kicking)\s+off",
    r"(?:a\s+bit|bit)\s+bruised|bruised\s+from\s+(?:football|rugby|sport|playing|falling)",
    r"choked\s+(?:up|when|reading)",
    r"bang\w*\s+(?:my|your|our|his|her)\s+head\s+(?:against|on)\s+(?:a|the)\s+brick\s+wall",
    r"(?:talk|session|training|awareness|assembly|workshop|lesson|evening)s?\s+(?:\w+\s+){0,2}(?:about|on)\s+"
    r"(?:online\s+)?(?:grooming|county\s+lines|exploitation)|county\s+lines\s+(?:awareness|session|talk|training)",
    r"groom(?:ing|ed)\s+(?:the\s+)?(?:dog|pony|horse|cat|animals?)",
    r"overdos\w+\s+on\s+(?:screen|sugar|chocolate|tv|games)",
    r"crisis\s+team",
]

_NEGATION = re.compile(
    r"\b(?:not|never|no|without|nobody|nobody's|none|neither|nor)\b|n't\b|\bno\s+one\b|\bno\s+longer\b"
)
# Words that may stand between a negation and the phrase it governs ("has never been", "no signs of",
# "didn't need to", "haven't had any"). Anything else means the negation is about something else.
_BRIDGE = frozenset(
    "has have had been be being is was were are am do does did ever once really actually even yet any more longer "
    "signs sign of history risk evidence thoughts felt feel feels used the a an to need needed needs got gets get "
    "him her them at all so much "
    "truly currently".split()
)
_LEAD_NEGATION = re.compile(
    r"\b(?:none\s+of\s+(?:the\s+)?\w+|neither\s+of\s+(?:them|us|the\s+\w+)|at\s+no\s+point\s+(?:was|were|has|had|did)"
    r"\s+(?:he|she|they|i|we)|not\s+once\s+(?:has|have|had|did|was|were)\s+(?:he|she|they|i|we))\b"
)
_PAST = re.compile(
    r"\b(?:used\s+to|years?\s+ago|a\s+year\s+ago|last\s+(?:year|summer|spring|autumn|winter)|in\s+year\s+\d+|"
    r"when\s+(?:he|she|they|i)\s+(?:was|were)\s+(?:younger|little|small)|back\s+in|at\s+\d{1,2}\b|previous|"
    r"old\s+school|in\s+the\s+past|years\s+back)"
)
_RESOLVED = re.compile(
    r"\b(?:(?:has|have|had)\s+)?stopped|hasn't\s+(?:for|since)|not\s+any\s+more|no\s+longer|behind\s+(?:us|her|him)|"
    r"never\s+happened\s+again|never\s+has|(?:is|are|she's|he's|i'm|we're|she\s+is|he\s+is)\s+(?:\w+\s+)?"
    r"(?:doing\s+)?(?:really\s+)?(?:well|fine|better|settled|thriving)\b|well\s+now|loves\s+it|turned\s+out|"
    r"investigated|closed|found\s+us|much\s+better\s+place|changed\s+everything|support\s+since|"
    r"(?:she's|he's)\s+\d+\s+now|fighting\s+fit|thankfully\s+not"
)
_RECURRENCE = re.compile(
    r"(?<!never\s)(?<!happened\s)\bagain\b|\bstill\b|\brecently\b|\bstarted\b|\bthis\s+(?:week|month|term)\b|"
    r"\blast\s+(?:night|week)\b|\bworse\b|\bback\s+to\b"
)
_COMPILED = [(category, re.compile(rf"\b(?:{pattern})\b"), negatable) for category, pattern, negatable in PHRASES]
_EXCLUSIONS = re.compile(rf"\b(?:{'|'.join(f'(?:{e})' for e in EXCLUSIONS)})\b")
_CLAUSE_BREAK = re.compile(r"[.;!?,:]|\bbut\b|\bhowever\b|\bthough\b|\band\b|\bwho\b|\bwhich\b|\bbecause\b")
_SENTENCE_BREAK = re.compile(r"[.;!?]")

_WORD_FIXES = {
    "cant": "can't",
    "dont": "don't",
    "doesnt": "doesn't",
    "isnt": "isn't",
    "wont": "won't",
    "wasnt": "wasn't",
    "didnt": "didn't",
    "couldnt": "couldn't",
    "hasnt": "hasn't",
    "havent": "haven't",
    "im": "i'm",
    "copeing": "cope",
    "coap": "cope",
    "anymore": "any more",
    "hurted": "hurt",
    "bruses": "bruises",
    "brusies": "bruises",
    "restrianed": "restrained",
    "restraned": "restrained",
    "thier": "their",
}
_FIXES = [
    (r"[‘’`´]", "'"),
    (r"[“”]", '"'),
    (r"\bcan not\b", "cannot"),
    (r"\bself\s?harm", "self-harm"),
    (r"\bsucide|\bsuicde|\bsuiside|\bsuacide", "suicide"),
    (r"\s+", " "),
]
_FIXES_COMPILED = [(re.compile(a), b) for a, b in _FIXES]
_WORD_FIX = re.compile(rf"\b(?:{'|'.join(_WORD_FIXES)})\b")


def normalise(text: str) -> str:
    """Lower case, straight quotes, single spaces, and common misspellings and missing apostrophes fixed."""
    text = (text or "").lower()
    for pattern, replacement in _FIXES_COMPILED:
        text = pattern.sub(replacement, text)
    text = _WORD_FIX.sub(lambda match: _WORD_FIXES[match.group(0)], text)
    return text.strip()


def _negated(text: str, start: int) -> bool:
    """Is the phrase starting at ``start`` negated by a word that governs it, in the same clause?

    The clause is cut at punctuation and at "but", "and", "however", "though", "who", "which", "because". A
    negation governs the phrase only when every word between them is a bridge word (``_BRIDGE``): "has never
    been hit", "no signs of self-harm". "Nobody knows he self-harms" is not negated ("knows he" is not a bridge).
    """
    window = _CLAUSE_BREAK.split(text[max(0, start - 60) : start])[-1]
    lead = list(_LEAD_NEGATION.finditer(window))
    if lead and not [w for w in window[lead[-1].end() :].split() if w not in _BRIDGE]:
        return True
    last = None
    for match in _NEGATION.finditer(window):
        if match.group(0) == "not" and window[match.end() :].lstrip().startswith("only"):
            continue  # "not only does he self-harm" adds, it does not deny
        last = match
    if last is None:
        return False
    between = re.sub(r"\b\w+\s+or\b", " ", window[last.end() :])  # "never been excluded or restrained"
    return not [word for word in between.split() if word not in _BRIDGE]


def _excluded(spans: list[tuple[int, int]], start: int, end: int) -> bool:
    return any(a <= start and end <= b for a, b in spans)


def _resolved(text: str, start: int, end: int) -> bool:
    """Does the phrase's sentence say this is a past concern that is over, with nothing saying it is back?"""
    breaks = [m.end() for m in _SENTENCE_BREAK.finditer(text, 0, start)]
    sentence_start = breaks[-1] if breaks else 0
    following = _SENTENCE_BREAK.search(text, end)
    sentence = text[sentence_start : following.start() if following else len(text)]
    after = text[end : end + 40]
    stopped_right_after = re.match(r"\s+(?:has\s+|had\s+)?(?:completely\s+)?stopped\b", after)
    if _RECURRENCE.search(sentence):
        return False
    return bool(stopped_right_after) or bool(_PAST.search(sentence) and _RESOLVED.search(sentence))


def concerns(text: str) -> list[str]:
    """The categories of safeguarding concern in ``text`` (sorted, no duplicates); empty if none."""
    normalised = normalise(text)
    if not normalised:
        return []
    spans = [match.span() for match in _EXCLUSIONS.finditer(normalised)]
    found: set[str] = set()
    for category, pattern, negatable in _COMPILED:
        if category in found:
            continue
        for match in pattern.finditer(normalised):
            if spans and _excluded(spans, *match.span()):
                continue
            if negatable and _negated(normalised, match.start()):
                continue
            if _resolved(normalised, *match.span()):
                continue
            found.add(category)
            break
    return sorted(found)
