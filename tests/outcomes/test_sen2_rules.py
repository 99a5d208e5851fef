"""The SEN2 rule table (``sen2/rules.py``): each rule broken in turn, on its own person.

For every person-level rule there is a case here: a valid person altered to break it. The validator must report
the rule by its id (at a path naming the Person and the element), and the fast path must decline the person (so
the exact path words the problem). A rule added to the table without a case here fails
``test_every_rule_of_the_table_has_a_case``.
"""

from __future__ import annotations

import io
from datetime import date

import pytest

from sendhub.outcomes.sen2.codes import code_lists
from sendhub.outcomes.sen2.parser import Header, iter_sen2_elements, person_from_element
from sendhub.outcomes.sen2.rows import RowBuilder
from sendhub.outcomes.sen2.rules import BY_ID, ERROR, PLACEMENT_RANKS, RULES, WARNING
from sendhub.outcomes.sen2.spec import KNOWN
from sendhub.outcomes.sen2.validate import check_header, check_person, unknown_item_problem, unknown_items
from tests.outcomes.test_sen2_parser import parse, person_xml, sen2_xml

BASE = person_xml()
PLAN_DETAIL = "<PlanDetail><URN>123456</URN><PlacementRank>1</PlacementRank>"
PLACEMENT = "<PlacementDetail><URN>123456</URN><PlacementRank>1</PlacementRank><EntryDate>"
NEEDS = ("<SENneed><SENtype>SLCN</SENtype><SENtypeRank>2</SENtypeRank></SENneed>\n"
         "<SENneed><SENtype>ASD</SENtype><SENtypeRank>1</SENtypeRank></SENneed>")


def changed(old: str, new: str, xml: str = BASE) -> str:
    assert old in xml, old
    return xml.replace(old, new, 1)


# (rule id, the element path the problem names, the person breaking the rule)
CASES = [
    ("item-unknown", "Person[1]/Colour", changed("</Person>", "<Colour>red</Colour></Person>")),
    ("item-twice", "Person[1]/PostCode", changed("</Person>", "<Postcode>PR1 2HE</Postcode></Person>")),
    ("required", "Person[1]/PersonBirthDate", changed("<PersonBirthDate>2014-05-06</PersonBirthDate>", "")),
    ("date", "Assessment/AssessmentOutcomeDate", changed("2024-06-20", "2024-06-31")),
    ("flag", "Requests[1]/RYA", changed("<RYA>0</RYA>", "<RYA>Y</RYA>")),
    ("date-order", "Requests[1]/RequestOutcomeDate", changed("2024-04-01", "2024-02-01")),
    ("birth-after-reference", "Person[1]/PersonBirthDate", person_xml(dob="2025-06-01")),
    ("over-25", "Person[1]/PersonBirthDate", person_xml(dob="1990-01-01")),
    ("sex-missing", "Person[1]/Sex", changed("<Sex>M</Sex>", "")),
    ("sex", "Person[1]/Sex", changed("<Sex>M</Sex>", "<Sex>X</Sex>")),
    ("ethnicity", "Person[1]/Ethnicity", changed("WBRI", "WB1")),
    ("postcode", "Person[1]/PostCode", person_xml(postcode="XYZ")),
    ("upn", "Person[1]/UPN", person_xml(upn="A888123")),
    ("uln", "Person[1]/UniqueLearnerNumber", person_xml(uln="12345")),
    ("no-identifier", "Person[1]", person_xml(upn="", uln="")),
    ("no-requests", "Person[1]/Requests", person_xml(requests="")),
    ("received-after-reference", "Requests[1]/ReceivedDate", changed("2024-03-01", "2025-01-19")),
    ("request-outcome", "Requests[1]/RequestOutcome", changed(">A</RequestOutcome>", ">Z</RequestOutcome>")),
    ("request-outcome-undated", "Requests[1]/RequestOutcomeDate",
     changed("<RequestOutcomeDate>2024-04-01</RequestOutcomeDate>", "")),
    ("request-source", "Requests[1]/RequestSource", changed(">1</RequestSource>", ">7</RequestSource>")),
    ("assessments-many", "Requests[1]/Assessment",
     changed("</Assessment>", "</Assessment><Assessment><AssessmentOutcome>W</AssessmentOutcome></Assessment>")),
    ("assessment-outcome", "Assessment/AssessmentOutcome", changed(">Y</AssessmentOutcome>", ">Q</AssessmentOutcome>")),
    ("plans-many", "Assessment/NamedPlan",
     changed("</NamedPlan>", "</NamedPlan><NamedPlan><StartDate>2024-07-11</StartDate></NamedPlan>")),
    ("over-52-weeks", "NamedPlan/StartDate", person_xml(start="2025-03-10")),
    ("plan-res", "NamedPlan/PlanRes", changed("<PlanRes>0</PlanRes>", "<PlanRes>C</PlanRes>")),
    ("personal-budget", "NamedPlan/PB", changed("<PB>0</PB>", "<PB>ABC</PB>")),
    ("cease-reason", "NamedPlan/CeaseReason",
     changed("<PB>0</PB>", "<PB>0</PB><CeaseDate>2024-12-01</CeaseDate><CeaseReason>12</CeaseReason>")),
    ("cease-unexplained", "NamedPlan/CeaseReason",
     changed("<PB>0</PB>", "<PB>0</PB><CeaseDate>2024-12-01</CeaseDate>")),
    ("setting", "PlanDetail[1]/SENsetting", changed(PLAN_DETAIL, PLAN_DETAIL + "<SENsetting>MMS</SENsetting>")),
    ("setting", "PlacementDetail[1]/SENsetting",
     changed(PLACEMENT, PLACEMENT.replace("<URN>123456</URN>", "<SENsetting>MMS</SENsetting>"))),
    ("rank-whole", "PlacementDetail[1]/PlacementRank", changed(PLACEMENT, PLACEMENT.replace(">1<", ">x<"))),
    ("rank-whole", "PlanDetail[1]/PlacementRank", changed(PLAN_DETAIL, PLAN_DETAIL.replace(">1<", ">²<"))),
    ("rank-whole", "SENneed[1]/SENtypeRank", changed("<SENtypeRank>2</SENtypeRank>", "<SENtypeRank>b</SENtypeRank>")),
    ("placement-rank", "PlacementDetail[1]/PlacementRank", changed(PLACEMENT, PLACEMENT.replace(">1<", ">3<"))),
    ("placement-rank", "PlanDetail[1]/PlacementRank", changed(PLAN_DETAIL, PLAN_DETAIL.replace(">1<", ">0<"))),
    ("urn", "PlacementDetail[1]/URN", changed(PLACEMENT, PLACEMENT.replace("123456", "12345"))),
    ("ukprn", "PlacementDetail[1]/UKPRN", changed("<SENunitIndicator>", "<UKPRN>2000</UKPRN><SENunitIndicator>")),
    ("placement-unnamed", "PlacementDetail[1]", changed(PLACEMENT, PLACEMENT.replace("<URN>123456</URN>", ""))),
    ("transfer-la", "ActivePlans/TransferLA", changed("<ActivePlans>", "<ActivePlans><TransferLA>88</TransferLA>")),
    ("review-outcome", "ActivePlans/ReviewOutcome",
     changed("<ActivePlans>", "<ActivePlans><ReviewOutcome>ABC</ReviewOutcome>")),
    ("last-review-after-reference", "ActivePlans/LastReview",
     changed("<ActivePlans>", "<ActivePlans><LastReview>2025-01-19</LastReview>")),
    ("sen-type", "SENneed[2]/SENtype", changed("<SENtype>ASD</SENtype>", "<SENtype>XYZ</SENtype>")),
    ("no-need", "ActivePlans/SENneed", changed(NEEDS, "")),
]
HEADER_CASES = [
    ("header-required", "CollectionDetails/Year", sen2_xml(BASE).replace(b"<Year>2025</Year>", b"")),
    ("header-year", "CollectionDetails/Year", sen2_xml(BASE, year=25)),
    ("header-reference-date", "CollectionDetails/ReferenceDate", sen2_xml(BASE, ref="18/01/2025")),
    ("header-collection", "CollectionDetails/Collection", sen2_xml(BASE).replace(b">SEN2<", b">SEN1<")),
    ("header-la", "Source/LEA", sen2_xml(BASE, lea="909")),
    ("item-unknown", "Source/Colour", sen2_xml(BASE).replace(b"</Source>", b"<Colour>red</Colour></Source>")),
]


def fast_and_exact(xml: str) -> tuple[object, list[dict]]:
    """The fast path's rows (None: declined) and every problem the exact path finds, for one person."""
    items = iter_sen2_elements(io.BytesIO(sen2_xml(xml)))
    header = next(items)
    assert isinstance(header, Header)
    info, header_problems = check_header(header)
    assert header_problems == []
    position, element = next(items)
    builder = RowBuilder(reference_date=info.reference_date, lists=code_lists(info.year), secret="k",
                         checksum_hint="")
    fast = builder.build(element, position)
    person = person_from_element(element, position)
    unknown = unknown_items(person)
    problems = [unknown_item_problem(position, path, name) for name, path in unknown.items()]
    return fast, problems + check_person(person, info).problems


def test_the_valid_person_passes_both_paths():
    fast, problems = fast_and_exact(BASE)
    assert problems == [] and fast is not None


@pytest.mark.parametrize(("rule_id", "where", "xml"), CASES, ids=[f"{r}:{w}" for r, w, _x in CASES])
def test_each_rule_is_reported_by_id_and_declined_by_the_fast_path(rule_id, where, xml):
    fast, problems = fast_and_exact(xml)
    found = [p for p in problems if p["rule_id"] == rule_id]
    assert found, problems
    (problem,) = found
    assert problem["path"].startswith("Message/Persons/Person[1]") and problem["path"].endswith(where)
    assert problem["position"] == 1 and problem["severity"] == BY_ID[rule_id].severity
    assert fast is None


@pytest.mark.parametrize(("rule_id", "where", "data"), HEADER_CASES, ids=[r for r, _w, _d in HEADER_CASES])
def test_each_header_rule_is_reported_by_id(rule_id, where, data):
    header, _persons = parse(data)
    _info, problems = check_header(header, expected_la="888")
    (problem,) = [p for p in problems if p["rule_id"] == rule_id]
    assert problem["path"] == f"Message/Header/{where}" and problem["position"] == 0


def test_a_missing_header_is_reported_by_id():
    _info, problems = check_header(None)
    assert [p["rule_id"] for p in problems] == ["header-missing"]


def test_every_rule_of_the_table_has_a_case():
    covered = {rule_id for rule_id, _w, _x in CASES + HEADER_CASES} | {"header-missing"}
    assert covered == set(BY_ID)


def test_the_table_is_well_formed():
    elements = set(KNOWN) | {"Header", "CollectionDetails", "Source"}
    for rule in RULES:
        assert rule.severity in (ERROR, WARNING) and rule.message and rule.source, rule.id
        for item in rule.items:
            element, _, name = item.partition("/")
            assert item == "*" or element in elements, (rule.id, item)
            if name and element in KNOWN:
                assert name in KNOWN[element], (rule.id, item)


def test_a_placement_rank_other_than_1_or_2_is_warned_with_the_person_and_the_value():
    assert PLACEMENT_RANKS == {1, 2}
    # A second placement, ranked 3, from the same day as the rank 1 placement.
    second = PLACEMENT.replace(">1<", ">3<").replace("123456", "654321") + "2024-09-01</EntryDate></PlacementDetail>"
    xml = changed(NEEDS, second + NEEDS)
    header, persons = parse(sen2_xml(BASE, xml))
    info, _ = check_header(header)
    checked = check_person(persons[1], info)
    (warning,) = checked.problems
    assert warning == {
        "position": 2,
        "path": "Message/Persons/Person[2]/Requests[1]/ActivePlans/PlacementDetail[2]/PlacementRank",
        "rule": "PlacementRank is 3 for person 2: the specification allows 1 (main placement) or 2 (second placement) "
                "only; the placements are still ordered by it",
        "severity": "warning",
        "rule_id": "placement-rank",
    }
    # Still imported, and ordered by it: the rank 1 placement is the one at the reference date.
    plan = checked.requests[0]["active_plans"][0]
    assert plan["setting_urn"] == "123456" and info.reference_date == date(2025, 1, 18)
