# ruff: noqa: E501  (the fragments below are data: one sentence a line)
"""Build seed_comments.jsonl, the shipped training set for the comment classifier.

The sentences below were written for SEND Hub (none is copied from real feedback). Each fragment carries its
themes and its polarity; a comment is one to four fragments about one child, with optional context and a
closing remark, written in different styles (lower case, missing apostrophes, typos, shouting). The labels follow
from the fragments: the union of their themes, and a sentiment from their polarities (negative wins a tie, as a
complaint that also thanks someone is still a complaint). The evaluation set (tests/data/voice_evaluation.jsonl)
was written separately by hand, in different words, and is never used here.

    python src/sendhub/voice/data/build_seed.py   # rewrites seed_comments.jsonl next to this file (seed 2026)
"""

from __future__ import annotations

import json
import random
import re
from pathlib import Path

# polarity themes | text.  Polarity: - negative, 0 neutral, + positive.  Themes joined with "+", "." for none.
FRAGMENTS = r"""
- ehc_timeliness | We asked for an EHC needs assessment {months} months ago and still have not heard anything
- ehc_timeliness | the 20 week deadline came and went and nobody even apologised
- ehc_timeliness | {His} annual review was in {month} and the amended plan still hasn't been issued
- ehc_timeliness | It took {weeks} weeks to get a draft plan, way past the legal timescale
- ehc_timeliness | we are on week {weeks} of the assessment with no decision
- ehc_timeliness | The final plan arrived the day before {he} started at the new school, far too late to plan anything
- ehc_timeliness | every stage of the EHCP process is late, the council just ignores the statutory timescales
- ehc_timeliness | Still waiting for the decision on whether they will even assess {him}
- ehc_timeliness | the educational psychologist advice is holding everything up, they say there is a backlog of months
- ehc_timeliness | Annual reviews are supposed to be yearly but {his} last one was nearly two years ago
- ehc_timeliness | we had to threaten judicial review just to get the plan finalised
- ehc_timeliness | The draft came out on time but the final took another four months
- ehc_timeliness | Delays delays delays with the EHC plan
- 0 ehc_timeliness | How long does the EHC needs assessment usually take from the date of the request?
- 0 ehc_timeliness | We applied for an assessment in {month} and are waiting for the panel decision
- 0 ehc_timeliness | The annual review meeting is booked for next month
- + ehc_timeliness+praise | The plan was issued within 18 weeks which I did not expect, thank you to the team
- + ehc_timeliness | Our assessment was done well inside the 20 weeks and the plan came through quickly
- + ehc_timeliness+praise | Really pleased the annual review paperwork was turned round so fast this year
- ehc_quality | The plan is so vague it is useless, it says {he} will have access to support but not how many hours
- ehc_quality | half of the EHCP was copied and pasted from another child, it even had the wrong name in it
- ehc_quality | Section F doesn't specify or quantify anything so the school can just ignore it
- ehc_quality | the outcomes in {his} plan are generic and could apply to any child
- ehc_quality | None of the therapy advice made it into the final plan
- ehc_quality | the plan doesn't reflect {his} needs at all, it reads like they have never met {him}
- ehc_quality | We had to go to tribunal to get the provision written properly
- ehc_quality | the draft plan left out {his} sensory needs completely even though the OT report was clear
- ehc_quality | The wording says "would benefit from" everywhere instead of saying what {he} must get
- ehc_quality | The EHCP is out of date, it still describes {him} as a toddler
- ehc_quality | Nobody checked the plan before it was sent, there were mistakes on every page
- 0 ehc_quality | Can the plan include the speech and language advice as well as the school report?
- 0 ehc_quality | We have asked for section F to be amended after the review
- + ehc_quality+praise | The plan is detailed and really captures who {he} is, the caseworker clearly read every report
- + ehc_quality | For the first time the provision is specific and the school know exactly what to do
- + ehc_quality+praise | the new plan is brilliant, clear outcomes and proper hours of support written in
- communication | Nobody answers the phone at the SEND team and emails just get ignored
- communication | I feel like nobody is listening to us, we know our child best
- communication | We have had four different caseworkers this year and each one has to start again
- communication | The caseworker never rang back even though she promised to
- communication | I was spoken to like I was a nuisance for asking a simple question
- communication | Parents are treated as the problem instead of partners
- communication | Emails go unanswered for weeks and then we get a generic reply
- communication | we were not told about the panel meeting until after it had happened
- communication | I have to chase everything myself, nobody keeps us updated
- communication | The SENCO refuses to meet with us and blames us for {his} behaviour
- communication | it feels like a battle every single time and we are not heard
- communication | the council says one thing and the school says another and nobody talks to each other
- communication | Rude, dismissive and condescending, that was my experience of the SEND team
- communication | I have never once been asked what I think about {his} support
- 0 communication | Could someone please let me know who our new caseworker is?
- 0 communication | I would like to be kept updated by email rather than by phone
- 0 communication | Please can we have a named contact at the council
- + communication+praise | Our caseworker always phones back and explains everything clearly
- + communication+praise | For once I felt really listened to at the meeting
- + communication+praise | the SENCO keeps in touch every week and treats us as equal partners
- + communication | They took the time to explain what would happen next, which made a big difference
- health_waiting | The waiting list for an autism assessment is over two years
- health_waiting | We have been waiting {months} months for an ADHD assessment and there is no end in sight
- health_waiting | CAMHS rejected the referral and told us to try again in six months
- health_waiting | speech and language therapy is only offered as a block of six sessions then {he} is discharged
- health_waiting | There is no occupational therapy available, we were told the waiting list is closed
- health_waiting | we have paid to go private for the autism diagnosis because the NHS wait was too long
- health_waiting | The paediatrician appointment keeps getting cancelled
- health_waiting | still on the waiting list for SALT, {he} is nearly non verbal and needs help now
- health_waiting | CAMHS waiting times are a disgrace, {he} is getting worse every week
- health_waiting | We were referred to the neurodevelopmental pathway over a year ago and heard nothing
- health_waiting | the wheelchair service took eighteen months to provide a chair that no longer fits
- health_waiting | Physio has been stopped with no explanation
- health_waiting | The GP says there is nothing they can do about the wait for the ADHD clinic
- health_waiting | waiting lists for everything, autism, speech therapy, OT, the lot
- health_waiting | Medication reviews for {his} ADHD keep getting pushed back because there are no consultants
- 0 health_waiting | Is there any update on the waiting times for the autism assessment pathway?
- 0 health_waiting | {He} has been referred to speech and language therapy and is on the list
- 0 health_waiting | We have an appointment with the paediatrician in {month}
- + health_waiting+praise | The speech therapist has been wonderful and {he} is finally saying words
- + health_waiting | We were seen by the OT much quicker than we expected
- + health_waiting+praise | CAMHS have been fantastic since {he} was finally seen, the nurse is amazing
- + health_waiting | The autism assessment was thorough and the report was really helpful
- school_inclusion | {He} has been on a part time timetable for over a year, just two hours a day
- school_inclusion | The school keeps excluding {him} for behaviour that comes from {his} autism
- school_inclusion | {His} school says they cannot meet {his} needs and want {him} to leave
- school_inclusion | {He} was not allowed on the school trip because there wasn't enough staff
- school_inclusion | The school rang me to collect {him} early nearly every day last term
- school_inclusion | {He} spends most of the day in the corridor or in isolation
- school_inclusion | the teachers have no training in autism or ADHD and it shows
- school_inclusion | The support in {his} plan is not being delivered, the TA is used for the whole class
- school_inclusion | {He} has been out of school for {months} months because of anxiety and nothing is being done
- school_inclusion | They suggested home education as if it was a choice
- school_inclusion | the school is punishing {him} for not coping rather than making reasonable adjustments
- school_inclusion | {He} was off-rolled, they told us to take {him} out before they excluded {him}
- school_inclusion | The behaviour policy is rigid and doesn't allow for any difference
- school_inclusion | {His} 1:1 was taken away without anyone telling us
- school_inclusion | {He} can't attend because of school based anxiety and the school marks it as truancy
- 0 school_inclusion | {He} is in a mainstream primary with some support from a TA
- 0 school_inclusion | We have a meeting with the school next week about {his} timetable
- 0 school_inclusion | The school has asked for an EP visit to look at {his} needs in class
- + school_inclusion+praise | {His} primary school has been amazing, they adapt everything so {he} can join in
- + school_inclusion+praise | The SENCO at {his} school is a star, {he} is happy and included
- + school_inclusion | {He} went on the residential with the rest of the class for the first time ever
- + school_inclusion+praise | The school have made a quiet room and a movement break plan and it has transformed {his} days
- specialist_places | There are no special school places anywhere in the county
- specialist_places | {He} needs a specialist place but every special school we asked says they are full
- specialist_places | We have been told {he} will have to travel to a school out of the area because there is nothing local
- specialist_places | {He} has been without a suitable school place since {month}
- specialist_places | We had to go to tribunal to get a place at the independent special school
- specialist_places | The council named a mainstream school that had already said it couldn't meet {his} needs
- specialist_places | there are no SEMH places for secondary age children
- specialist_places | the resource base is full and there is a waiting list for specialist provision
- specialist_places | We were offered a place at a special school an hour away, which is ridiculous for a six year old
- specialist_places | The council consulted with twelve schools and all of them refused
- specialist_places | Specialist provision for autistic children who are academically able simply doesn't exist here
- 0 specialist_places | We are waiting to hear if {he} has a place at the special school for September
- 0 specialist_places | The council is consulting with special schools for {him}
- 0 specialist_places | How are places at the new special school going to be allocated?
- + specialist_places+praise | {He} has finally got a place at the special school and is thriving
- + specialist_places | The new autism base at the secondary school has been a lifeline
- + specialist_places+praise | Moving to the special school is the best thing that ever happened to {him}, the staff are incredible
- transition | The move to secondary school was planned far too late and {he} fell apart
- transition | nobody has talked to us about what happens when {he} turns 18
- transition | Preparing for adulthood is just a phrase, there is no actual plan for {his} future
- transition | There is nothing for young people after college, {he} will just be sat at home
- transition | The transition from children's to adult services is a cliff edge
- transition | {His} college place was only confirmed in August, we had no time to prepare {him}
- transition | {He} was moved to a new class with no transition visits at all
- transition | There was no handover between the primary and the secondary, they knew nothing about {him}
- transition | Post 16 options are very limited for young people with complex needs
- transition | We were told adult social care will reassess {him} at 18 and the support may stop
- transition | no one has explained supported internships or what options there are for work
- 0 transition | What support is available for {him} moving from primary to secondary next year?
- 0 transition | {He} starts college in September and we are meeting the learning support team
- 0 transition | We would like information on supported internships for when {he} leaves school
- + transition+praise | The transition to high school was really well planned with lots of extra visits
- + transition | {He} settled into college better than we ever hoped thanks to the taster days
- + transition+praise | The preparing for adulthood worker has been brilliant at looking at options after school
- transport | The school taxi was late every day for the first two weeks of term
- transport | Transport was refused because we live just under the distance limit
- transport | {He} has had five different drivers this term and it causes huge anxiety
- transport | The transport application was lost and {he} has missed school as a result
- transport | there was no escort on the bus and {he} was distressed by the time {he} got to school
- transport | We were told to take {him} ourselves and claim mileage but I don't drive
- transport | The journey to school takes over an hour each way on the minibus
- transport | Transport was arranged to the wrong address for three days
- transport | {He} is picked up at 7am for a school that starts at 9
- transport | nobody told us the taxi company had changed
- transport | The travel assistance team do not answer the phone
- 0 transport | How do I apply for school transport for September?
- 0 transport | {He} travels to school by taxi with an escort
- 0 transport | Can transport be arranged for college as well?
- + transport+praise | The taxi driver and escort are lovely and {he} looks forward to seeing them
- + transport | Travel training has given {him} real independence, {he} now gets the bus on {his} own
- + transport+praise | The transport team sorted out the new route really quickly, thank you
- short_breaks | We have had no respite for over a year and we are exhausted
- short_breaks | Short breaks have been cut and there is nothing in the holidays
- short_breaks | The social care assessment said we don't meet the threshold even though we are struggling
- short_breaks | direct payments are useless when there are no personal assistants to employ
- short_breaks | We were told the children with disabilities team has a waiting list for an assessment
- short_breaks | There are no holiday clubs that can cope with {his} needs
- short_breaks | the overnight short breaks unit is closing and nothing is replacing it
- short_breaks | We asked for a carers assessment months ago and heard nothing
- short_breaks | The social worker changed three times and the care package never started
- short_breaks | Our direct payment was reduced without any review
- short_breaks | There is no support at weekends and we have no family to help
- 0 short_breaks | How do we ask for a short breaks assessment?
- 0 short_breaks | We receive direct payments for a few hours a week
- 0 short_breaks | Are there any summer holiday activities for disabled children in our area?
- + short_breaks+praise | The short breaks club is fantastic, {he} loves it and we get a few hours to recharge
- + short_breaks+praise | Our social worker has been a lifeline for the whole family
- + short_breaks | The holiday scheme was well run and staff understood {his} needs
- information | The Local Offer website is impossible to navigate
- information | I didn't know we could ask for an assessment ourselves, nobody told us
- information | There is no clear information about what support is available
- information | Everything is full of jargon and acronyms that parents don't understand
- information | The information on the website is out of date and the links don't work
- information | I found out about short breaks from another parent, not from any professional
- information | we had no idea what our rights were until we found SENDIASS
- information | The leaflets we were given don't explain the process at all
- information | It is so hard to find out who to contact about anything
- information | Nobody explained what happens after diagnosis, we were just given a leaflet and sent home
- information | the Local Offer lists services that closed years ago
- 0 information | Where can I find a list of the clubs and activities on the Local Offer?
- 0 information | Is there a guide to the EHC process for parents?
- 0 information | Could the website have information in other languages?
- + information+praise | SENDIASS were brilliant at explaining our rights
- + information | The new Local Offer pages are much easier to use
- + information+praise | The parent carer forum information sessions were really helpful
- + information | The guide to the EHCP process was clear and easy to follow
- communication | I left messages with the duty officer and not one was returned
- communication | we only hear from them when we complain
- communication | The letters from the council are full of legal threats and never answer our questions
- communication | I've had to explain {his} history again to yet another new officer
- communication | there is no one to talk to, the inbox is never checked
- communication | They made the decision without asking us and told us by letter
- communication | The staff were dismissive when I raised concerns and said I was overreacting
- communication | We get no updates at all about what is happening
- communication+school_inclusion | The school won't return my calls about {his} timetable
- communication | Our complaint has been ignored for months
- + communication+praise | The team manager rang to apologise and sorted it out, I felt respected
- + communication+praise | They always reply to emails promptly and are honest with us
- school_inclusion | {He} is made to work in a room away from {his} class with only a TA for company
- school_inclusion | They phone me to come and get {him} most lunchtimes
- school_inclusion | {He} isn't allowed to go to clubs or on trips because there is no one to support {him}
- school_inclusion | The school suggested we keep {him} at home on bad days
- school_inclusion | Staff don't understand neurodiversity at all
- school_inclusion | {He} has missed months of education and nobody seems to care
- school_inclusion | {His} attendance is being used against us when {he} is too anxious to go in
- + school_inclusion+praise | {His} teachers have bent over backwards to include {him}
- + school_inclusion+praise | The head teacher really gets {him} and {he} is thriving in class
- ehc_quality | The provision in the plan is not specific so nobody can be held to it
- ehc_quality | the plan doesn't mention {his} medical needs at all
- ehc_quality | We asked for changes to the draft and none of them were made
- ehc_quality | The plan is full of errors and out of date information
- ehc_quality | the hours of support are not written into the plan
- ehc_quality | The amended plan still says the wrong things about {him}
- + ehc_quality+praise | The plan finally reflects {him} properly and says exactly what support {he} gets
- ehc_timeliness | The plan was supposed to come in {month} and it still hasn't arrived
- ehc_timeliness | We are way past the deadline for the final plan
- ehc_timeliness | It has been {months} months since the annual review and the paperwork has not come back
- ehc_timeliness | The assessment has overrun because the reports were late
- ehc_timeliness | they keep missing every deadline
- health_waiting | {He} was discharged from speech therapy even though {he} still needs it
- health_waiting | The appointment with the consultant has been cancelled again
- information | We didn't know where to go or who to ask
- information | Nobody told us what our options were
- transition | {He} had a terrible start at high school because nothing was passed on
- specialist_places | {He} is out of school with no placement while the council looks for a specialist setting
- + praise | The staff are absolute stars
- + praise | Thank you so much for everything
- sg | I am at breaking point and can't cope any more
- sg+short_breaks | Without respite I honestly can't cope anymore, I'm scared of what I might do
- sg+school_inclusion | {He} came home with bruises after being restrained by staff
- sg+health_waiting | {He} is self harming and CAMHS still won't see {him}
- sg+health_waiting | {He} has talked about wanting to die and we are still on the CAMHS waiting list
- sg+school_inclusion | {He} ran away from school and was found near the main road
- sg | There is often no food in the house by the end of the month
- sg+short_breaks | {His} brother hurts {him} when he is overwhelmed and we have no support
+ praise | A huge thank you to everyone who has supported us
- + praise | {His} teacher, Mrs [NAME], goes above and beyond
- + praise | the staff are kind and patient and really care
- + praise | I just wanted to say thank you, we couldn't have got through this year without you
- + praise | [NAME] from the SEND team has been amazing
- + praise | Fantastic service, could not fault it
- + praise | We are so grateful for everything the team has done
- + praise | The support we have had has been outstanding
- + praise | Everyone we have dealt with has been kind and helpful
- + praise | Credit where it is due, things have really improved this year
"""

OPENERS = [
    "0 | My {age} year old {childword} is autistic.",
    "0 | I am writing about my {childword} who has an EHCP.",
    "0 | My {childword} is {age} and has ADHD and anxiety.",
    "0 | We have two children with SEND.",
    "0 | I'm a single parent of three, my eldest has complex needs.",
    "0 | {Child} is in Year {year} and has Down syndrome.",
    "0 | I am a foster carer.",
    "0 | I'm a grandparent and kinship carer for my {childword}.",
    "0 | My {childword} has cerebral palsy and uses a wheelchair.",
    "0 | Speaking as a teaching assistant,",
    "0 | As a SENCO in a primary school,",
    "0 | I am a young person with an EHCP.",
    "- | Where do I start.",
    "- | I am so angry I can barely type this.",
    "- | This is my third complaint this year.",
    "+ | I wanted to share something positive.",
    "0 | Just some feedback.",
]
CLOSERS = [
    "- | We are exhausted.",
    "- | It shouldn't be this hard.",
    "- | The whole system is broken.",
    "- | I feel like giving up.",
    "- | Totally let down.",
    "- | Shocking.",
    "- | Not good enough.",
    "- | I am at my wits end.",
    "- | Something needs to change.",
    "0 | Thank you for asking for feedback.",
    "0 | I hope this helps.",
    "0 | That's all.",
    "+ | Thank you.",
    "+ | Keep up the good work.",
    "+ | Much appreciated.",
]
STANDALONE = [
    "0 . | No comment",
    "0 . | Nothing to add",
    "0 . | n/a",
    "0 . | Not sure",
    "0 . | I don't have anything else to say at the moment",
    "- . | Terrible.",
    "- . | Awful experience from start to finish",
    "- . | The worst year of our lives",
]
CONNECTIVES = [". ", ". ", ". ", ". Also, ", " and ", ". ", ". On top of that, ", ". Plus ", "; ", ", "]
CONTRAST = [" but ", ". However, ", ". On the other hand ", ", although ", ". That said, "]
TYPO_RATE = 0.25


def parse(block: str):
    items = []
    for line in block.strip().splitlines():
        head, text = line.split("|", 1)
        tokens = head.split()
        polarity, themes = tokens[-2:]  # "- 0 theme": a list dash before the polarity is allowed
        labels = [] if themes == "." else themes.split("+")
        if polarity == "+" and labels and "praise" not in labels:
            labels.append("praise")  # anything good said about a service or person is praise (see the docs)
        items.append((polarity, labels, text.strip()))
    return items


def fill(text: str, child: dict, rng: random.Random) -> str:
    values = {
        "he": child["he"],
        "He": child["he"].capitalize(),
        "him": child["him"],
        "his": child["his"],
        "His": child["his"].capitalize(),
        "months": str(rng.choice([3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 14, 18, 20, 22])),
        "weeks": str(rng.choice([22, 24, 26, 28, 30, 34, 38, 40, 45, 52])),
        "month": rng.choice(["January", "February", "March", "April", "June", "September", "October", "November"]),
        "age": str(rng.randint(4, 19)),
        "year": str(rng.randint(1, 11)),
        "childword": child["word"],
        "Child": child["name"],
    }
    return re.sub(r"\{(\w+)\}", lambda m: values[m.group(1)], text)


def typo(word: str, rng: random.Random) -> str:
    if len(word) < 4 or not word.isalpha():
        return word
    i = rng.randrange(1, len(word) - 1)
    kind = rng.choice(["swap", "drop", "double"])
    if kind == "swap":
        return word[:i] + word[i + 1] + word[i] + word[i + 2 :]
    if kind == "drop":
        return word[:i] + word[i + 1 :]
    return word[:i] + word[i] + word[i:]


def style(text: str, rng: random.Random) -> str:
    if rng.random() < TYPO_RATE:
        words = text.split(" ")
        for _ in range(rng.randint(1, 3)):
            j = rng.randrange(len(words))
            words[j] = typo(words[j], rng)
        text = " ".join(words)
    r = rng.random()
    if r < 0.12:
        text = text.lower()
    elif r < 0.2:
        text = text.replace("'", "")
    elif r < 0.23:
        text = text.upper()
    if rng.random() < 0.1:
        text = text.rstrip(".") + rng.choice(["!!", "!", "!!!", " :(", "..."])
    return text


def sentiment(polarities: list[str]) -> str:
    neg, pos = polarities.count("-"), polarities.count("+")
    if neg == 0 and pos == 0:
        return "neutral"
    return "positive" if pos > neg else "negative"


CHILDREN = [
    {"word": "son", "he": "he", "him": "him", "his": "his", "name": "[NAME]"},
    {"word": "daughter", "he": "she", "him": "her", "his": "her", "name": "[NAME]"},
    {"word": "grandson", "he": "he", "him": "him", "his": "his", "name": "My grandson"},
    {"word": "little boy", "he": "he", "him": "him", "his": "his", "name": "Our youngest"},
    {"word": "girl", "he": "she", "him": "her", "his": "her", "name": "My daughter"},
]


def build(count: int = 1000, seed: int = 2026) -> list[dict]:
    rng = random.Random(seed)
    fragments = parse(FRAGMENTS)
    openers = [(p.strip(), t.strip()) for p, t in (o.split("|", 1) for o in OPENERS)]
    closers = [(p.strip(), t.strip()) for p, t in (c.split("|", 1) for c in CLOSERS)]
    standalone = parse("\n".join(STANDALONE))
    by_theme: dict[str, list] = {}
    for fragment in fragments:
        by_theme.setdefault(fragment[1][0] if fragment[1][0] != "sg" else "sg", []).append(fragment)
    rows = []
    # Every fragment appears at least once on its own, so each wording is seen.
    for polarity, themes, text in fragments:
        child = rng.choice(CHILDREN)
        rows.append({"text": style(fill(text, child, rng) + ".", rng), "themes": sorted(set(themes) - {"sg"}),
                     "sentiment": sentiment([polarity]), "safeguarding": "sg" in themes})
    for polarity, themes, text in standalone:
        rows.append({"text": text, "themes": themes, "sentiment": sentiment([polarity]), "safeguarding": False})
    while len(rows) < count:
        child = rng.choice(CHILDREN)
        n = rng.choices([1, 2, 3, 4], weights=[30, 42, 21, 7])[0]
        mood = rng.choices(["-", "+", "0", "mixed"], weights=[48, 22, 18, 12])[0]
        theme_keys = rng.sample(sorted(set(by_theme) - {"sg"}), k=n)
        chosen = []
        for key in theme_keys:
            pool = [f for f in by_theme[key] if mood == "mixed" or f[0] == mood] or by_theme[key]
            chosen.append(rng.choice(pool))
        if rng.random() < 0.03:
            chosen.insert(rng.randrange(len(chosen) + 1), rng.choice(by_theme["sg"]))
        parts, polarities, themes, flagged = [], [], set(), False
        if rng.random() < 0.3:
            p, t = rng.choice([o for o in openers if o[0] in ("0", mood)])
            parts.append(fill(t, child, rng))
            polarities.append(p)
        for i, (polarity, fragment_themes, text) in enumerate(chosen):
            sentence = fill(text, child, rng)
            joiner = ". "
            if i > 0:
                previous = chosen[i - 1][0]
                joiner = rng.choice(CONTRAST) if {previous, polarity} == {"-", "+"} else rng.choice(CONNECTIVES)
            if not parts:
                parts.append(sentence)
            elif joiner == ". " or parts[-1].endswith("?"):
                parts[-1] = parts[-1].rstrip(".") + "."
                parts.append(sentence[0].upper() + sentence[1:])
            else:
                keep = sentence.startswith(("I ", "I'", "CAMHS", "SEN", "EHC", "SALT", "[NAME]", "Mrs"))
                sentence = sentence if keep else sentence[0].lower() + sentence[1:]
                parts[-1] = parts[-1].rstrip(".") + joiner.rstrip(" ")
                parts.append(sentence)
            polarities.append(polarity)
            sg = "sg" in fragment_themes
            themes.update(t for t in fragment_themes if t != "sg")
            flagged = flagged or sg
        if rng.random() < 0.35:
            p, t = rng.choice([c for c in closers if c[0] == mood or (mood == "mixed" and c[0] != "0")] or closers)
            parts[-1] = parts[-1].rstrip(".") + "."
            parts.append(t)
            polarities.append(p)
        text = " ".join(parts)
        if not text.endswith((".", "!", "?")):
            text += "."
        rows.append({"text": style(text, rng), "themes": sorted(themes), "sentiment": sentiment(polarities),
                     "safeguarding": flagged})
    return rows


def main() -> None:
    rows = build()
    out = Path(__file__).with_name("seed_comments.jsonl")
    with out.open("w", encoding="utf-8") as handle:
        for row in rows:
            handle.write(json.dumps(row, ensure_ascii=False) + "\n")
    print(f"wrote {len(rows)} comments to {out}")


if __name__ == "__main__":
    main()
