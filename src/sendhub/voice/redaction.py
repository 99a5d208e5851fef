"""Redact personal data from free text before it is stored for analysis.

``redact(text)`` replaces people's names, emails, UK phone numbers, postcodes, street addresses and dates of
birth with placeholders (``[NAME]``, ``[EMAIL]``, ``[PHONE]``, ``[POSTCODE]``, ``[ADDRESS]``, ``[DOB]``) and
says which kinds it removed. It is rule based (regular expressions and a shipped list of common UK forenames
and surnames), so it runs offline and fast, and it is deliberately tuned to leave ordinary words, months, place
names and diagnoses alone: a capitalised word is only taken for a name in a person context (after a title such
as "Mrs" or "Dr", after "my son", "his teacher", "my name is", in a sign-off) or when it is an unambiguous
common forename.

Titles are kept ("Dr [NAME]") because they say who the comment is about (a doctor, a teacher) without saying
who it is; the word "born" is kept before a date of birth for the same reason.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

NAME, EMAIL, PHONE, POSTCODE, ADDRESS, DOB = "name", "email", "phone", "postcode", "address", "dob"
PLACEHOLDERS = {
    NAME: "[NAME]",
    EMAIL: "[EMAIL]",
    PHONE: "[PHONE]",
    POSTCODE: "[POSTCODE]",
    ADDRESS: "[ADDRESS]",
    DOB: "[DOB]",
}


@dataclass
class Redacted:
    text: str
    kinds: list[str] = field(default_factory=list)


# Common UK forenames that are not also ordinary English words, months or verbs. Ambiguous ones ("Will",
# "May", "Grace", "Mark", "Rose") are in AMBIGUOUS_FORENAMES: they count as names only in a person context.
FORENAMES = set(
    """
    Aaron Abbie Abdul Abigail Adam Adrian Ahmed Aiden Aisha Alan Albert Alex Alexander Alexandra Alfie Alice Alisha
    Alison Amber Amelia Amir Amy Andrea Andrew Angela Anna Anne Annie Anthony Archie Arthur Ashley Aurora Ava Barbara
    Ben Benjamin Beth Bethany Billy Bobby Bradley Brandon Brian Callum Cameron Caroline Carl Carol Catherine Charles
    Charlie Charlotte Chloe Chris Christine Christopher Claire Clare Connor Craig Daisy Daniel Danny Darren David Dean
    Debbie Deborah Denise Dylan Edward Eleanor Elijah Elizabeth Ella Ellie Emily Emma Ethan Eva Evie Farah Fatima
    Finley Finn Florence Freddie Freya Gary Gemma George Georgia Graham Hamza Hannah Harley Harper Harriet Harrison
    Harry Harvey Hassan Hayley Heather Helen Henry Holly Ibrahim Imogen Isaac Isabel Isabella Isabelle Isla Jack
    Jackson Jacob Jake James Jamie Jane Jasmine Jason Jayden Jennifer Jenny Jessica Joanne Joe Joel John Jonathan
    Joseph Joshua Julie Karen Kate Katie Kayla Kevin Kieran Kyle Laura Lauren Layla Leah Leo Leon Lewis Liam Lily
    Lisa Logan Louis Louise Luca Lucas Lucy Luke Maisie Maria Martin Matilda Matthew Megan Mia Michael Michelle
    Millie Mohammed Mohammad Muhammad Nathan Niamh Nicola Noah Oliver Ollie Olivia Oscar Owen Paul Peter Phoebe
    Poppy Priya Rachel Rebecca Reece Rhys Riley Robert Rosie Ruby Ryan Samantha Samuel Sarah Scarlett Sean Sharon
    Sienna Sofia Sophia Sophie Stephen Steven Stuart Susan Tariq Theo Thomas Tom Tommy Toby Tracey Tyler
    Wendy William Yusuf Zainab Zara Zoe Dave Steve Mike Jo Jen Sam Nick Tony Pete Kath Liz Bev Jim Geoff Ian Neil
    Phil Andy Matt Dan Josh Jess Becky Nikki Mel Kim Shaun Lee Gail Julie Mandy Tina Dawn Nadia Omar Bilal Usman
    """.split()
)
AMBIGUOUS_FORENAMES = set(
    """
    Will May June April August Grace Hope Faith Joy Mark Rose Summer Autumn Robin Bill Pat Sue Frank Art Jay Dawn
    Holly Ray Rob Don Sky Victoria Georgia Florence Chelsea Jersey Carol Dean Martin Lewis Max Jordan Taylor
    Morgan Harper Skye Ivy Violet Eve Jade Ruby Amber Crystal Sunny
    """.split()
)
FORENAMES -= AMBIGUOUS_FORENAMES
SURNAMES = set(
    """
    Smith Jones Williams Taylor Brown Davies Evans Wilson Thomas Johnson Roberts Robinson Thompson Wright Walker
    White Edwards Hughes Green Hall Lewis Harris Clarke Clark Patel Jackson Wood Turner Martin Cooper Hill Ward
    Morris Moore Clark Lee King Baker Harrison Morgan Allen James Scott Phillips Watson Davis Parker Price Bennett
    Young Griffiths Mitchell Kelly Cook Carter Richardson Bailey Collins Bell Shaw Murphy Miller Cox Richards Khan
    Marshall Anderson Simpson Ellis Adams Singh Begum Wilkinson Foster Chapman Powell Webb Rogers Gray Mason Ali
    Hussain Hunt Holmes Palmer Matthews Fisher Barnes Knight Lloyd Butler Russell Barker Stevens Jenkins Murray Dixon
    Harvey Graham Pearson Ahmed Fletcher Walsh Kaur Gibson Howard Andrews Stewart Elliott Reynolds Saunders Payne
    Fox Ford Pearce Day Brooks West Lawrence Cole Atkinson Bradley Spencer Gill Dawson Ball Burton O'Brien Watts
    Rose Booth Perry Ryan Grant Wells Armstrong Francis Rees Hayes Hart Hudson Newman Barrett Webster Hunter
    Gregory Carr Lowe Page Marsh Riley Dunn Woods Parsons Berry Stone Reid Holland Hawkins Harding Porter Robertson
    Newton Oliver Reed Kennedy Williamson Bird Gardner Shah Dean Lane Cooke Bates Henderson Parry Burgess Bishop
    Walton Burns Nicholson Shepherd Ross Cross Long Freeman Warren Nicholls Hamilton Byrne Sutton McDonald Yates
    Hodgson Robson Curtis Hopkins O'Connor Harper Coleman Watkins Moss McCarthy Chambers O'Neill Griffin Sharp
    Hardy Wheeler Potter Osborne Johnston Gordon Doyle Wallace George Jordan Hutchinson Rahman Iqbal Akhtar Mahmood
    Hussein Sharma Kumar Nowak Kowalski Preston Lancaster Whittaker Ashworth Haworth Holden Pilkington Entwistle
    """.split()
)

# Capitalised words that follow "my son", "his teacher" and the like but are not names.
NOT_NAMES = set(
    """
    I I'm I've I'd A An The This That These Those He She It We They His Her Hers Their Our My Your You Is Was Were
    Has Had Have Does Did Do Can Could Would Should Will Shall May Might Must Am Are Be Been And But Or So Then
    When While Because Since After Before Who Which What Where Why How Yes No Not Now Still Also Just Only Even
    Very Really Please Thanks Thank Hello Hi Dear Regards Kind Best Sorry Ok Okay Mum Dad Mother Father Son
    Daughter Child Children School College Nursery Council County Local Offer Team Service Services Panel Autism
    Autistic ADHD ASD ASC SEN SEND SENCO SENCo EHC EHCP EHCPs CAMHS SALT OT NHS GP TA Down Downs Syndrome Year
    Reception Primary Secondary Special Academy High Infant Junior Monday Tuesday Wednesday Thursday Friday
    Saturday Sunday January February March April May June July August September October November December
    Christmas Easter Lancashire Preston Blackburn Burnley Lancaster Chorley Blackpool England English Maths
    Today Yesterday Tomorrow Last Next Every All Some Any Both Each Every Most Many More Much None Nothing
    Mr Mrs Ms Miss Mx Dr Doctor Prof Professor Sir Dame Nurse Councillor Cllr
    Everyone Nobody Somebody Someone Again Finally Eventually Sadly Luckily Unfortunately Apparently Honestly
    """.split()
)

# Words that end the names of organisations, teams, services and job titles. "The Parent Carer Forum", "the
# carer Support Group", "Children's Social Care", "the Deputy Head Teacher": after a person word ("carer", "head")
# the capitalised words look like a name, but a run of capitalised words that contains one of these is the name of
# an organisation or a role, which is not personal data, and is left alone.
ORGANISATION_WORDS = set(
    """
    Forum Forums Team Teams Service Services Support Group Groups Partnership Partnerships Centre Centres Center
    Trust Trusts Network Networks Hub Hubs Association Society Alliance Board Boards Department Directorate Unit
    Units Project Projects Programme Programmes Charity Foundation Club Clubs Clinic Clinics Hospital Council
    Office Panel Panels Agency Academy Academies School Schools College Colleges Nursery Practice Surgery Federation
    Collaborative Consortium Committee Helpline Care Help Services Carers Parents Families Teacher Teachers Worker
    Workers Officer Officers Manager Managers Coordinator Coordinators Co-ordinator Practitioner Practitioners
    Assistant Assistants Therapist Therapists Lead Leads Advisor Advisers Adviser Advisors Caseworker Caseworkers
    Authority Commissioning Commissioners Commissioner Tribunal Ombudsman
    """.split()
)

RELATIONS = (
    r"son|daughter|child|boy|girl|lad|grandson|granddaughter|brother|sister|twin|twins|husband|wife|partner|"
    r"nephew|niece|stepson|stepdaughter|foster\s+(?:son|daughter|child)|"
    r"teacher|class\s+teacher|form\s+tutor|tutor|senco|head\s*teacher|head|deputy\s+head|ta|"
    r"teaching\s+assistant|key\s*worker|case\s*worker|social\s+worker|worker|paediatrician|consultant|"
    r"therapist|speech\s+therapist|nurse|doctor|gp|psychologist|ep|officer|coordinator|co-ordinator|manager|"
    r"advisor|adviser|driver|escort|carer|pa|friend|mum|dad|mother|father|grandma|grandad|nan"
)
TITLES = r"Mr|Mrs|Ms|Miss|Mx|Dr|Doctor|Prof|Professor|Sir|Dame|Nurse|Councillor|Cllr"
CAP = r"(?:O['’]|Mc|Mac)?[A-Z][a-z]+(?:-[A-Z][a-z]+)?"  # Jack, O'Brien, McDonald, Smith-Jones (not "Jack's")
MONTHS = (
    r"jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?|sept?(?:ember)?|oct(?:ober)?|"
    r"nov(?:ember)?|dec(?:ember)?"
)
DATE = (
    rf"(?:\d{{1,2}}\s*[./-]\s*\d{{1,2}}\s*[./-]\s*\d{{2,4}}"
    rf"|\d{{1,2}}(?:st|nd|rd|th)?\s+(?:of\s+)?(?:{MONTHS})\.?,?\s+\d{{2,4}}"
    rf"|(?:{MONTHS})\.?\s+\d{{1,2}}(?:st|nd|rd|th)?,?\s+\d{{4}}"
    rf"|(?:{MONTHS})\.?\s+\d{{4}})"
)
STREET_TYPES = (
    r"Street|St|Road|Rd|Lane|Ln|Avenue|Ave|Close|Drive|Dr|Way|Crescent|Cres|Court|Ct|Grove|Place|Pl|Terrace|"
    r"Gardens|Gdns|Park|Hill|View|Walk|Row|Square|Sq|Mews|Rise|Parade|Green|Brow|Fold|Meadows?|Croft|Chase|Gate"
)

EMAIL_RE = re.compile(r"[\w.+'-]+@[\w-]+(?:\.[\w-]+)+", re.UNICODE)
DOB_RE = re.compile(
    rf"(?P<lead>\b(?:born(?:\s+on)?|d\.?\s?o\.?\s?b\.?|date\s+of\s+birth|birthday(?:\s+is)?|birth\s+date)\s*(?:is\s*)?[:\-]?\s*)"
    rf"(?P<date>{DATE})",
    re.IGNORECASE,
)
FULL_POSTCODE_RE = re.compile(r"\b[A-Z]{1,2}\d[A-Z\d]?\s*\d[ABD-HJLNP-UW-Z]{2}\b", re.IGNORECASE)
DISTRICT_IN_CONTEXT_RE = re.compile(
    r"(?P<lead>(?:\bpost\s*code\s*(?:is|:)?|\baddress\s*(?:is|:)?|\blive[sd]?\s+(?:in|at)|\bliving\s+in|"
    r"\[ADDRESS\],?|\b(?:Preston|Lancaster|Blackburn|Burnley|Chorley|Blackpool|Lancashire),)\s*)"
    r"(?P<district>[A-Z]{1,2}\d[A-Z\d]?)\b",
    re.IGNORECASE,
)
ADDRESS_RE = re.compile(
    rf"\b(?:(?:Flat|Apartment|Apt|Unit)\s+\d+[A-Za-z]?,?\s+)?\d{{1,4}}[A-Za-z]?,?\s+"
    rf"(?:{CAP}\s+){{1,3}}(?:{STREET_TYPES})\b\.?",
)
ADDRESS_IN_CONTEXT_RE = re.compile(
    rf"(?P<lead>\b(?:live[sd]?\s+at|living\s+at|address\s*(?:is|:)|moved\s+to)\s+)"
    rf"(?P<address>\d{{1,4}}[a-z]?,?\s+(?:[a-z]+\s+){{1,3}}(?:{STREET_TYPES.lower()})\b\.?)",
    re.IGNORECASE,
)
PHONE_RE = re.compile(
    r"(?<![\w+])(?:\+\s?44\s?(?:\(0\)\s?)?(?:\d(?:\)\s?|[\s\-.])?){8,9}\d"
    r"|\(?0(?:\d(?:\)\s?|[\s\-.])?){8,9}\d)(?!\d)"
)
TITLE_NAME_RE = re.compile(rf"\b(?P<title>(?:{TITLES})\.?)\s+(?P<name>(?:[A-Z]\.?\s+)?{CAP}(?:\s+{CAP})?)")
RELATION_NAME_RE = re.compile(
    rf"\b(?P<lead>(?i:(?:my|our|his|her|their|your|the|a)\s+(?:[\w-]+\s+){{0,2}}?(?:{RELATIONS}),?\s+"
    rf"(?:(?:called|named)\s+)?))"
    rf"(?P<name>{CAP}(?:\s+{CAP})?)"
)
INTRO_NAME_RE = re.compile(
    rf"\b(?P<lead>(?i:my\s+name\s+is|my\s+name's|i\s+am\s+called|i'm\s+called|"
    rf"(?:he|she)\s+is\s+called)\s+)"
    rf"(?P<name>{CAP}(?:\s+{CAP})?)"
)
KNOWN_NAME_RE = re.compile(
    rf"\b(?P<lead>(?i:called|named|spoke\s+to|speak\s+to|spoken\s+to|speaking\s+to|ask\s+for|asked\s+for|"
    rf"emailed|rang|phoned|thanks\s+to|thank\s+you\s+to)\s+)"
    rf"(?P<name>{CAP}(?:\s+{CAP})?)"
)
IAM_NAME_RE = re.compile(rf"\b(?P<lead>(?:I\s+am|I'm|I’m)\s+)(?P<name>{CAP})\b")
SIGNOFF_RE = re.compile(
    rf"(?P<lead>(?:^|[.!\n]\s*|,\s*)(?i:thanks|thank\s+you|regards|kind\s+regards|best\s+wishes|many\s+thanks|"
    rf"cheers|love|yours\s+sincerely|yours\s+faithfully|sincerely)[,.!]?\s+)"
    rf"(?P<name>{CAP}(?:\s+{CAP})?)\s*[.!]?\s*$"
)
CAP_WORD_RE = re.compile(rf"\b{CAP}\b")


def _is_name_token(word: str) -> bool:
    return word not in NOT_NAMES and not word.isupper()


def _name_span(name: str) -> str:
    """Trim a captured "First Second" to the part that is a name (a trailing ordinary word is given back)."""
    parts = name.split()
    if len(parts) == 2 and not (parts[1] in SURNAMES or parts[1] in FORENAMES or parts[0] in NOT_NAMES):
        if parts[1] in NOT_NAMES or parts[1] in ORGANISATION_WORDS or parts[1].lower() == parts[1]:
            return parts[0]
        # "Jack Went" is unlikely; a second capitalised word after a name is usually a surname.
    return name


def _names_an_organisation(name: str, after: str) -> bool:
    """Whether the captured words, with the capitalised words straight after them, name an organisation or a role
    ("Forum" in "the Parent Carer Forum", "Support Group" after "my carer") rather than a person."""
    following = re.match(rf"(?:\s+{CAP})*", after)
    words = name.split() + (following.group(0).split() if following else [])
    return any(word in ORGANISATION_WORDS for word in words)


class _Redactor:
    def __init__(self, text: str):
        self.text = text
        self.kinds: list[str] = []
        self._current = ""

    def text_after(self, match: re.Match) -> str:
        """The text after ``match`` in the string the current substitution is reading."""
        return self._current[match.end() :]

    def sub(self, pattern: re.Pattern, kind: str, group: str | None = None, check=None) -> None:
        placeholder = PLACEHOLDERS[kind]

        def replace(match: re.Match) -> str:
            if group is None:
                if check and not check(match.group(0)):
                    return match.group(0)
                self.kinds.append(kind)
                return placeholder
            value = match.group(group)
            if check and not check(value):
                return match.group(0)
            start, end = match.span(group)
            offset = match.start()
            whole = match.group(0)
            self.kinds.append(kind)
            return whole[: start - offset] + placeholder + whole[end - offset :]

        self.text = pattern.sub(replace, self.text)

    def names(self, pattern: re.Pattern, *, need_known: bool = False, titled: bool = False) -> None:
        def replace(match: re.Match) -> str:
            name = match.group("name")
            # After a title ("Dr Khan Surgery") the words are a person's name even inside an organisation's.
            if not titled and _names_an_organisation(name, self.text_after(match)):
                return match.group(0)
            first = name.split()[0]
            if need_known:
                if not (first in FORENAMES or first in AMBIGUOUS_FORENAMES or first in SURNAMES):
                    return match.group(0)
                if first in NOT_NAMES and first not in AMBIGUOUS_FORENAMES:
                    return match.group(0)
            elif not _is_name_token(first):
                return match.group(0)
            name = _name_span(name)
            start = match.start("name") - match.start()
            whole = match.group(0)
            self.kinds.append(NAME)
            return whole[:start] + "[NAME]" + whole[start + len(name) :]

        self._current = self.text
        self.text = pattern.sub(replace, self.text)


def _phone_digits_ok(value: str) -> bool:
    digits = re.sub(r"\D", "", value)
    if digits.startswith("44"):
        digits = "0" + digits[2:].lstrip("0")
    return digits.startswith("0") and len(digits) in (10, 11)


def _full_postcode_ok(value: str) -> bool:
    # Lower-case "ab1 2cd" is accepted, but not a word that merely looks like one without a digit block.
    return any(c.isdigit() for c in value[:4])


def _forenames(text: str, kinds: list[str]) -> str:
    """Unambiguous common forenames (and a following surname) anywhere in the text."""

    def replace(match: re.Match) -> str:
        return match.group(0)

    out = []
    last = 0
    for match in CAP_WORD_RE.finditer(text):
        word = match.group(0)
        if word not in FORENAMES:
            continue
        end = match.end()
        following = re.match(rf"\s+({CAP})\b", text[end:])
        if following and following.group(1) in SURNAMES:
            end += following.end()
        out.append(text[last : match.start()])
        out.append("[NAME]")
        kinds.append(NAME)
        last = end
    out.append(text[last:])
    return "".join(out)


def redact(text: str) -> Redacted:
    """Replace personal data in ``text`` with placeholders; return the new text and the kinds removed."""
    r = _Redactor(text or "")
    r.sub(EMAIL_RE, EMAIL)
    r.sub(DOB_RE, DOB, group="date")
    r.sub(ADDRESS_IN_CONTEXT_RE, ADDRESS, group="address")
    r.sub(ADDRESS_RE, ADDRESS)
    r.sub(FULL_POSTCODE_RE, POSTCODE, check=_full_postcode_ok)
    r.sub(DISTRICT_IN_CONTEXT_RE, POSTCODE, group="district")
    r.sub(PHONE_RE, PHONE, check=_phone_digits_ok)
    r.names(TITLE_NAME_RE, titled=True)
    r.names(RELATION_NAME_RE)
    r.names(INTRO_NAME_RE)
    r.names(KNOWN_NAME_RE, need_known=True)
    r.names(IAM_NAME_RE, need_known=True)
    r.names(SIGNOFF_RE)
    text = _forenames(r.text, r.kinds)
    # A surname straight after a placeholder name ("[NAME] Patel") is part of the same name.
    text = re.sub(rf"\[NAME\]\s+({CAP})\b", lambda m: "[NAME]" if m.group(1) in SURNAMES else m.group(0), text)
    return Redacted(text=text, kinds=sorted(set(r.kinds)))
