"""The import's fast path (``rows.RowBuilder.build``) against the exact path (parser → validator → rows).

The fast path may refuse any person (the exact path then runs), but a person it accepts must be one the validator
passes without a single problem, and its rows must be exactly the rows the exact path gives. Checked on generated
persons and on many persons altered at random (deterministically) in the ways real files go wrong.
"""

from __future__ import annotations

import copy
import io
import random

import pytest
from lxml import etree

from sendhub.outcomes.sen2.codes import code_lists
from sendhub.outcomes.sen2.generate import generate_sen2
from sendhub.outcomes.sen2.parser import Header, iter_sen2_elements, person_from_element
from sendhub.outcomes.sen2.rows import PERSON_FIELDS, PLAN_FIELDS, REQUEST_FIELDS, RowBuilder
from sendhub.outcomes.sen2.validate import check_header, check_person, unknown_items
from tests.outcomes.test_sen2_parser import person_xml, sen2_xml

SECRET = "test-person-key"

ODD_TEXTS = [
    None, "", " ", "X", "Y", "0", "1", "2", "9", "10", "999", "true", "TRUE", "False", " 1", "1 ", "٣", "²", "-1",
    "2024-13-01", "2024-02-30", "2024-2-3", "2024-03-01 ", " 2024-03-01", "2099-01-01", "1990-01-01", "2013-01-01",
    "2025-01-18", "2025-01-19", "2024-03-01", "2024-01-01", "A", "a", "h", "H", "W", "mss", "MSS", "ZZZZ", "ASD",
    "asd", "OTH", "12345", "123456", "1234567", "10000000", "1234", "PR1 2HE", "pr1 2he", "PR12HE", "PR1", "XYZ",
    "A888123456789", "a888123456789", "A888 123456789", "1234567890", "12345 67890", "WBRI", "wbri", "WBR", "UN2",
    "SEN2", "&", "<x>", "Zoë", "OLA", "OPA", "EHE", "EYP", "NEET", "NIEC", "NIEO", "ola", "10012345", "900001",
    "2024-09-01", "2025-01-17", "2025-01-18", "2",
]  # fmt: skip
EXTRA_NAMES = ["Foo", "Requests", "Assessment", "NamedPlan", "ActivePlans", "SENneed", "PlacementDetail",
               "PlanDetail", "SENSetting", "SENsetting", "sensetting", "Postcode", "PostCode", "SENunitIndicator",
               "ResourcedProvisionIndicator", "PlacementRank", "EntryDate", "LeavingDate", "URN", "UKPRN",
               "PlanWPB", "reviewdraft", "SENtype", "ReceivedDate", "Week20", "{urn:other}SENSetting",
               "{urn:other}SENtype", "{urn:other}UPN", "{urn:sen2}SENSetting", "{urn:sen2}Requests"]  # fmt: skip


def _generated(persons: int, seed: int) -> bytes:
    out = io.StringIO()
    generate_sen2(out, persons=persons, year=2025, seed=seed)
    return out.getvalue().encode()


def _mutate(person, rng: random.Random) -> None:
    for _ in range(rng.randint(1, 3)):
        elements = list(person.iter())[1:]
        if not elements:
            return
        target = rng.choice(elements)
        parent = target.getparent()
        action = rng.random()
        if action < 0.45:
            if len(target) == 0:
                target.text = rng.choice(ODD_TEXTS + [e.text for e in elements if len(e) == 0])
            else:
                target.text = rng.choice(["x", " ", None])
        elif action < 0.6:
            parent.remove(target)
        elif action < 0.72:
            target.addnext(copy.deepcopy(target))
        elif action < 0.82:
            parent.remove(target)
            parent.append(target)  # another order
        elif action < 0.92:
            extra = etree.SubElement(parent, rng.choice(EXTRA_NAMES))
            extra.text = rng.choice(ODD_TEXTS)
        else:
            etree.SubElement(target, rng.choice(EXTRA_NAMES)).text = "1"  # an item that holds an element


def _types(rows) -> list:
    person, requests = rows
    return [type(v) for v in person] + [
        type(v) for request, plans in requests for row in (request, *plans) for v in row
    ]


def _compare(data: bytes, *, mutate: random.Random | None = None) -> tuple[int, int]:
    """Check every person of ``data`` (altered first when ``mutate`` is given); returns (persons, accepted)."""
    builder = None
    info = None
    seen = accepted = 0
    for item in iter_sen2_elements(io.BytesIO(data)):
        if isinstance(item, Header):
            info, problems = check_header(item)
            assert problems == []
            continue
        position, element = item
        if builder is None:
            tag = element.tag
            builder = RowBuilder(
                reference_date=info.reference_date,
                lists=code_lists(info.year),
                secret=SECRET,
                checksum_hint="head-digest",
                namespace=tag[1 : tag.index("}")] if tag.startswith("{") else "",
            )
        if mutate is not None:
            element = copy.deepcopy(element)
            _mutate(element, mutate)
        seen += 1
        fast = builder.build(element, position)
        person = person_from_element(element, position)
        checked = check_person(person, info)
        if fast is None:
            continue
        accepted += 1
        described = etree.tostring(element, encoding="unicode")
        assert checked.problems == [], described
        assert unknown_items(person) == {}, described
        exact = builder.rows_from_checked(checked)
        assert fast == exact, described
        assert _types(fast) == _types(exact), described  # 1 == True: the types must match too
        person_row, requests = fast
        assert len(person_row) == len(PERSON_FIELDS)
        assert all(len(r) == len(REQUEST_FIELDS) and all(len(p) == len(PLAN_FIELDS) for p in ps) for r, ps in requests)
    return seen, accepted


def test_generated_persons_take_the_fast_path_with_the_exact_rows():
    seen, accepted = _compare(_generated(3000, seed=11))
    assert seen == 3000 and accepted == seen  # a generated file has no problem at all


@pytest.mark.parametrize("seed, namespace", [(seed, "") for seed in range(6)] + [(6, "urn:sen2"), (7, "urn:sen2")])
def test_altered_persons_are_accepted_only_when_the_validator_passes_them(seed, namespace):
    data = _generated(1500, seed=seed)
    if namespace:
        data = data.replace(b"<Message>", f'<Message xmlns="{namespace}">'.encode(), 1)
    seen, accepted = _compare(data, mutate=random.Random(seed))
    # Some alterations leave a person valid (an unused item, another order): those still take the fast path.
    assert seen == 1500 and 0 < accepted < seen


def test_hand_built_variants():
    variants = [
        person_xml(),
        person_xml(upn="", uln="1234567890"),
        person_xml(upn="", uln=""),
        person_xml(postcode="pr1 2he"),
        person_xml(postcode="PR12HE"),
        person_xml(postcode=""),
        person_xml(dob="2000-01-19"),
        person_xml(start="2025-03-10"),
        person_xml(requests=""),
        person_xml(requests="<Requests><ReceivedDate>2024-03-01</ReceivedDate></Requests>" * 2),
        person_xml().replace("<UniqueLearnerNumber>", "<UPNunknown>UN2</UPNunknown><UniqueLearnerNumber>"),
        person_xml(upn="", uln="").replace("</Person>", "<UPNunknown>UN2</UPNunknown></Person>"),
        person_xml(upn="", uln="").replace("</Person>", "<UPNunknown> </UPNunknown></Person>"),
    ]
    for namespace in ("", "http://www.dfe.gov.uk/SEN2"):
        seen, accepted = _compare(sen2_xml(*variants, namespace=namespace))
        assert seen == len(variants) and accepted >= 5


@pytest.mark.parametrize("secret", ["k", "x" * 64, "a much longer secret key than one SHA-256 block of 64 bytes......"])
def test_fast_path_person_key_is_minimise_person_key(secret):
    from datetime import date

    from sendhub.outcomes.sen2.minimise import person_key

    builder = RowBuilder(reference_date=date(2025, 1, 18), lists=code_lists(2025), secret=secret, checksum_hint="")
    items = iter_sen2_elements(io.BytesIO(sen2_xml(person_xml(upn="A888123456789"))))
    next(items)  # the header
    (_position, key, reference, *_), _requests = builder.build(next(items)[1], 1)
    assert key == person_key("A888123456789", secret) and reference == "P-" + key[:8].upper()
