"""Redaction: personal data is replaced with placeholders, ordinary words are left alone."""

from __future__ import annotations

import pytest

from sendhub.voice.redaction import redact

# (text, expected redacted text, expected kinds)
CASES = [
    # Names in a person context
    ("My son Jack has waited two years.", "My son [NAME] has waited two years.", ["name"]),
    ("Mrs Patel the SENCO is brilliant.", "Mrs [NAME] the SENCO is brilliant.", ["name"]),
    ("Dr Smith said he needs an assessment.", "Dr [NAME] said he needs an assessment.", ["name"]),
    ("his teacher Miss Hughes ignores his plan", "his teacher Miss [NAME] ignores his plan", ["name"]),
    ("Mr O'Brien was rude to us.", "Mr [NAME] was rude to us.", ["name"]),
    ("Our youngest son Alfie is autistic.", "Our youngest son [NAME] is autistic.", ["name"]),
    ("My daughter, Amelia Jones, loves school.", "My daughter, [NAME], loves school.", ["name"]),
    ("I'm Priya and I'm a mum of two.", "I'm [NAME] and I'm a mum of two.", ["name"]),
    ("My name is Karen Walsh.", "My name is [NAME].", ["name"]),
    ("Oliver's school excluded him.", "[NAME]'s school excluded him.", ["name"]),
    ("Harry and Olivia both have plans.", "[NAME] and [NAME] both have plans.", ["name"]),
    ("The taxi driver Dave is lovely.", "The taxi driver [NAME] is lovely.", ["name"]),
    ("I spoke to Will at the council.", "I spoke to [NAME] at the council.", ["name"]),
    ("Our social worker is Sarah Jones.", "Our social worker is [NAME].", ["name"]),
    ("Thanks, Sarah", "Thanks, [NAME]", ["name"]),
    ("Mrs Jones-Smith the TA left.", "Mrs [NAME] the TA left.", ["name"]),
    # Emails
    ("Email me at jo.bloggs+send@gmail.com please", "Email me at [EMAIL] please", ["email"]),
    ("write to SARAH.J@example.co.uk", "write to [EMAIL]", ["email"]),
    # Phones
    ("call me on 07700 900123", "call me on [PHONE]", ["phone"]),
    ("mobile 07700-900-123.", "mobile [PHONE].", ["phone"]),
    ("ring +44 7700 900123 today", "ring [PHONE] today", ["phone"]),
    ("office (01772) 123456", "office [PHONE]", ["phone"]),
    ("landline 01772 123 456", "landline [PHONE]", ["phone"]),
    ("freephone 0800 123 4567", "freephone [PHONE]", ["phone"]),
    # Addresses and postcodes
    ("We live at 12 Church Street, Preston", "We live at [ADDRESS], Preston", ["address"]),
    ("Send it to 4 Oak Tree Close PR7 1AA", "Send it to [ADDRESS] [POSTCODE]", ["address", "postcode"]),
    ("we live at 4 oak tree close", "we live at [ADDRESS]", ["address"]),
    ("postcode BB2 6AB", "postcode [POSTCODE]", ["postcode"]),
    ("lower case pr1 2ab works too", "lower case [POSTCODE] works too", ["postcode"]),
    ("my postcode is PR2", "my postcode is [POSTCODE]", ["postcode"]),
    ("we live in FY4 near the sea", "we live in [POSTCODE] near the sea", ["postcode"]),
    # Dates of birth
    ("born 3/4/2015", "born [DOB]", ["dob"]),
    ("DOB 03.04.2015", "DOB [DOB]", ["dob"]),
    ("date of birth: 3rd April 2015", "date of birth: [DOB]", ["dob"]),
    ("She was born on 12 June 2016.", "She was born on [DOB].", ["dob"]),
    # Left alone: places, months, verbs, diagnoses, school types, ordinary numbers and dates
    ("We live in Preston, Lancashire.", "We live in Preston, Lancashire.", []),
    ("The plan will be issued in May. May I ask why?", "The plan will be issued in May. May I ask why?", []),
    ("Will they ever answer?", "Will they ever answer?", []),
    ("My son has Autism and ADHD.", "My son has Autism and ADHD.", []),
    ("She goes to a Special School in Chorley.", "She goes to a Special School in Chorley.", []),
    ("We waited 18 weeks, 20 weeks is the limit.", "We waited 18 weeks, 20 weeks is the limit.", []),
    ("The review was on 3/4/2024.", "The review was on 3/4/2024.", []),
    ("Blackpool Victoria Hospital in March 2021", "Blackpool Victoria Hospital in March 2021", []),
    ("He is in Year 6 Green class.", "He is in Year 6 Green class.", []),
    ("My son is autistic and my daughter is not.", "My son is autistic and my daughter is not.", []),
    ("The Local Offer website is useless.", "The Local Offer website is useless.", []),
    ("He has 2 EHCPs since 2019 2020.", "He has 2 EHCPs since 2019 2020.", []),
    ("The Grace period ended; Hope is all we have.", "The Grace period ended; Hope is all we have.", []),
    ("SENDIASS and CAMHS were helpful", "SENDIASS and CAMHS were helpful", []),
]


@pytest.mark.parametrize(("text", "expected", "kinds"), CASES, ids=[case[0][:40] for case in CASES])
def test_redaction_table(text, expected, kinds):
    result = redact(text)
    assert result.text == expected
    assert result.kinds == kinds


def test_the_table_is_large_enough():
    assert len(CASES) >= 40
    assert sum(1 for _, _, kinds in CASES if not kinds) >= 10


def test_several_kinds_at_once_are_reported_once_each():
    result = redact("My son Jack (DOB 01/02/2014) - call 07700 900123 or email a@b.com, 1 Mill Lane PR1 2AB")
    assert result.kinds == ["address", "dob", "email", "name", "phone", "postcode"]
    for secret in ("Jack", "01/02/2014", "07700", "a@b.com", "Mill Lane", "PR1"):
        assert secret not in result.text


def test_empty_text():
    assert redact("").text == ""
    assert redact("").kinds == []


# Organisations and roles after a person word ("carer", "head", "worker") are not people's names: "Carer Forum"
# in "the Parent Carer Forum" was once redacted as "Carer [NAME]". People beside them still are.
ORGANISATIONS = [
    ("The Parent Carer Forum helped us a lot.", "The Parent Carer Forum helped us a lot."),
    ("We went to the Lancashire Parent Carer Forum coffee morning.", None),
    ("Kind regards, Lancashire Parent Carer Forum", None),
    ("the parent carer Forum ran a workshop", None),
    ("Their Carer Forum meeting was useful.", None),
    ("Children's Services never replied.", None),
    ("I rang the social worker at Children's Services.", None),
    ("Regards, Social Care", None),
    ("Thanks, Early Help", None),
    ("I asked the Carer Support Team for help.", None),
    ("My carer Support Group meets on Fridays.", None),
    ("The Deputy Head Teacher was kind.", None),
    ("Our key worker Early Help Team were great.", None),
    ("The young carer Carers Trust project helped him.", None),
    # People next to organisations are still redacted.
    ("My carer Jack goes to the Parent Carer Forum.", "My carer [NAME] goes to the Parent Carer Forum."),
    ("Our social worker Sarah Jones from Children's Services", "Our social worker [NAME] from Children's Services"),
    ("The Parent Carer Forum chair, Mrs Patel, rang me.", "The Parent Carer Forum chair, Mrs [NAME], rang me."),
    ("Dr Khan Surgery never rang back.", "Dr [NAME] Surgery never rang back."),
    ("Thanks, Karen from the Parent Carer Forum", "Thanks, [NAME] from the Parent Carer Forum"),
]


@pytest.mark.parametrize(("text", "expected"), ORGANISATIONS, ids=[case[0][:40] for case in ORGANISATIONS])
def test_organisations_and_roles_are_not_names(text, expected):
    result = redact(text)
    assert result.text == (text if expected is None else expected)
    assert ("name" in result.kinds) == (expected is not None and "[NAME]" in expected)
