"""SEN2 parser and validator on small hand-built files (no database)."""

from __future__ import annotations

import io

import pytest

from sendhub.outcomes.sen2.codes import code_lists, parse_flag
from sendhub.outcomes.sen2.parser import DOCTYPE_MESSAGE, EMPTY_MESSAGE, Header, Person, Sen2FileError, iter_sen2
from sendhub.outcomes.sen2.validate import check_header, check_person

HEADER = """<Header><CollectionDetails><Collection>SEN2</Collection><Year>{year}</Year>
<ReferenceDate>{ref}</ReferenceDate></CollectionDetails><Source><SourceLevel>L</SourceLevel><LEA>{lea}</LEA>
<SoftwareCode>TEST</SoftwareCode><Release>1</Release><SerialNo>001</SerialNo>
<DateTime>2025-01-19T09:00:00</DateTime></Source></Header>"""

REQUEST = """<Requests><ReceivedDate>2024-03-01</ReceivedDate><RequestSource>1</RequestSource><RYA>0</RYA>
<RequestOutcomeDate>2024-04-01</RequestOutcomeDate><RequestOutcome>A</RequestOutcome>
<RequestMediation>0</RequestMediation><RequestTribunal>0</RequestTribunal><Exported>0</Exported>
<Assessment><AssessmentOutcome>Y</AssessmentOutcome><AssessmentOutcomeDate>2024-06-20</AssessmentOutcomeDate>
<AssessmentMediation>0</AssessmentMediation><AssessmentTribunal>0</AssessmentTribunal>
<OtherMediation>0</OtherMediation><OtherTribunal>0</OtherTribunal><Week20>{week20}</Week20>
<NamedPlan><StartDate>{start}</StartDate><PlanRes>0</PlanRes><PlanWBP>0</PlanWBP><PB>0</PB>
<PlanDetail><URN>123456</URN><PlacementRank>1</PlacementRank></PlanDetail>
</NamedPlan></Assessment>
<ActivePlans><PlacementDetail><URN>123456</URN><PlacementRank>1</PlacementRank><EntryDate>2024-09-01</EntryDate>
<SENunitIndicator>0</SENunitIndicator><ResourcedProvisionIndicator>0</ResourcedProvisionIndicator></PlacementDetail><SENneed><SENtype>SLCN</SENtype><SENtypeRank>2</SENtypeRank></SENneed>
<SENneed><SENtype>ASD</SENtype><SENtypeRank>1</SENtypeRank></SENneed></ActivePlans></Requests>"""

PERSON = """<Person><Surname>{surname}</Surname><Forename>{forename}</Forename>
<PersonBirthDate>{dob}</PersonBirthDate><Sex>M</Sex><Ethnicity>WBRI</Ethnicity><PostCode>{postcode}</PostCode>
<UPN>{upn}</UPN><UniqueLearnerNumber>{uln}</UniqueLearnerNumber>{requests}</Person>"""


def person_xml(
    *,
    surname="Smith",
    forename="Sam",
    dob="2014-05-06",
    postcode="PR1 2HE",
    upn="A888123456789",
    uln="1234567890",
    start="2024-07-10",
    week20="0",
    requests=None,
) -> str:
    if requests is None:
        requests = REQUEST.format(start=start, week20=week20)
    return PERSON.format(
        surname=surname, forename=forename, dob=dob, postcode=postcode, upn=upn, uln=uln, requests=requests
    )


def sen2_xml(*persons: str, lea="888", year=2025, ref="2025-01-18", namespace="") -> bytes:
    ns = f' xmlns="{namespace}"' if namespace else ""
    body = HEADER.format(year=year, ref=ref, lea=lea) + "<Persons>" + "".join(persons) + "</Persons>"
    return f'<?xml version="1.0" encoding="UTF-8"?>\n<Message{ns}>{body}</Message>\n'.encode()


def parse(data: bytes) -> tuple[Header, list[Person]]:
    items = list(iter_sen2(io.BytesIO(data)))
    headers = [i for i in items if isinstance(i, Header)]
    return (headers[0] if headers else None), [i for i in items if isinstance(i, Person)]


def problems_of(data: bytes) -> list[dict]:
    header, persons = parse(data)
    info, problems = check_header(header, expected_la="888")
    for person in persons:
        problems += check_person(person, info).problems
    return problems


# Parser ---------------------------------------------------------------------------------------------------


def test_parses_header_and_persons_with_nested_items():
    header, persons = parse(sen2_xml(person_xml(), person_xml(surname="Jones")))
    assert header.collection == {"Collection": "SEN2", "Year": "2025", "ReferenceDate": "2025-01-18"}
    assert header.source["LEA"] == "888"
    assert [p.position for p in persons] == [1, 2]
    request = persons[0].requests[0]
    assert request.items["ReceivedDate"] == "2024-03-01"
    assert request.assessments[0].named_plans[0].plan_details[0]["URN"] == "123456"
    assert [n["SENtype"] for n in request.active_plans[0].needs] == ["SLCN", "ASD"]


def test_namespace_is_stripped():
    _, persons = parse(sen2_xml(person_xml(), namespace="http://www.dfe.gov.uk/SEN2"))
    assert persons[0].items["UPN"] == "A888123456789"
    assert persons[0].requests[0].assessments[0].items["Week20"] == "0"


def test_element_order_does_not_matter():
    reordered = (
        "<Person><Requests><Exported>0</Exported><RequestOutcome>B</RequestOutcome>"
        "<RequestOutcomeDate>2024-04-01</RequestOutcomeDate><ReceivedDate>2024-03-01</ReceivedDate></Requests>"
        "<UPN>A888123456789</UPN><Sex>F</Sex><PersonBirthDate>2014-05-06</PersonBirthDate></Person>"
    )
    data = sen2_xml(reordered).replace(b"<Header>", b"<Header><Source><LEA>888</LEA></Source>", 1)
    header, persons = parse(data)
    info, header_problems = check_header(header, expected_la="888")
    checked = check_person(persons[0], info)
    assert header_problems == []
    assert [p for p in checked.problems if p["severity"] == "error"] == []
    assert checked.requests[0]["request_outcome"] == "B"


def test_optional_items_missing_give_no_errors():
    minimal = (
        "<Person><PersonBirthDate>2014-05-06</PersonBirthDate><UPN>A888123456789</UPN>"
        "<Requests><ReceivedDate>2024-03-01</ReceivedDate></Requests></Person>"
    )
    problems = problems_of(sen2_xml(minimal))
    assert [p for p in problems if p["severity"] == "error"] == []
    assert any(p["path"].endswith("/Sex") and p["severity"] == "warning" for p in problems)


@pytest.mark.parametrize(
    "data, message",
    [
        (b"", EMPTY_MESSAGE),
        (b"   \n  ", EMPTY_MESSAGE),
        (b'<?xml version="1.0"?>\n<Foo><Persons/></Foo>', "The root element is 'Foo', not 'Message'"),
    ],
)
def test_empty_and_wrong_root(data, message):
    with pytest.raises(Sen2FileError) as caught:
        parse(data)
    assert message in caught.value.message


def test_malformed_xml_reports_the_line():
    data = sen2_xml(person_xml()).replace(b"</Surname>", b"</Surnam>", 1)
    with pytest.raises(Sen2FileError) as caught:
        parse(data)
    assert "not well-formed" in caught.value.message
    assert caught.value.line == data[: data.index(b"</Surnam>")].count(b"\n") + 1
    assert f"line {caught.value.line}" in caught.value.message


def test_wrong_encoding():
    data = sen2_xml(person_xml(surname="Brontë")).replace("Brontë".encode(), "Brontë".encode("latin-1"))
    with pytest.raises(Sen2FileError) as caught:
        parse(data)
    assert "encoding" in caught.value.message
    assert "Bront" not in caught.value.message


BILLION_LAUGHS = b"""<?xml version="1.0"?>
<!DOCTYPE Message [
 <!ENTITY lol "lol">
 <!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
 <!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">
 <!ENTITY lol4 "&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;">
]>
<Message><Persons><Person><Surname>&lol4;</Surname></Person></Persons></Message>"""

EXTERNAL_ENTITY = b"""<?xml version="1.0"?>
<!DOCTYPE Message [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>
<Message><Persons><Person><Surname>&xxe;</Surname></Person></Persons></Message>"""


@pytest.mark.parametrize("data", [BILLION_LAUGHS, EXTERNAL_ENTITY])
def test_hostile_xml_is_refused(data):
    with pytest.raises(Sen2FileError) as caught:
        parse(data)
    assert caught.value.message == DOCTYPE_MESSAGE


def test_doctype_after_a_long_prolog_is_still_refused():
    data = b'<?xml version="1.0"?>\n<!--' + b"x" * 70_000 + b"-->\n" + EXTERNAL_ENTITY.split(b"\n", 1)[1]
    with pytest.raises(Sen2FileError) as caught:
        parse(data)
    assert caught.value.message == DOCTYPE_MESSAGE


def test_undeclared_entity_is_an_error_not_a_lookup():
    data = sen2_xml(person_xml(surname="&xxe;"))
    with pytest.raises(Sen2FileError) as caught:
        parse(data)
    assert "entity" in caught.value.message.lower()


# Validator ------------------------------------------------------------------------------------------------


def test_valid_person_has_no_problems_and_typed_values():
    header, persons = parse(sen2_xml(person_xml()))
    info, header_problems = check_header(header, expected_la="888")
    checked = check_person(persons[0], info)
    assert header_problems == [] and checked.problems == []
    request = checked.requests[0]
    assert request["received_date"].isoformat() == "2024-03-01"
    assert request["request_source"] == 1 and request["week20"] is False
    assert request["plan_setting"] == ""
    plan = request["active_plans"][0]
    assert (plan["primary_need"], plan["other_needs"], plan["setting"], plan["setting_urn"]) == ("ASD", "SLCN", "",
                                                                                               "123456")
    assert plan["in_caseload"] is True and plan["sen_unit"] is False
    assert checked.postcode_district == "PR1"


def test_dates_out_of_order_are_errors_with_position_and_path():
    late = REQUEST.format(start="2024-02-01", week20="0").replace(
        "<RequestOutcomeDate>2024-04-01", "<RequestOutcomeDate>2024-02-01"
    )
    problems = problems_of(sen2_xml(person_xml(), person_xml(requests=late)))
    errors = [p for p in problems if p["severity"] == "error"]
    paths = {p["path"] for p in errors}
    assert all(p["position"] == 2 for p in errors)
    assert "Message/Persons/Person[2]/Requests[1]/RequestOutcomeDate" in paths
    assert "Message/Persons/Person[2]/Requests[1]/Assessment/NamedPlan/StartDate" in paths
    rule = next(p["rule"] for p in errors if p["path"].endswith("/RequestOutcomeDate"))
    assert rule == "RequestOutcomeDate (2024-02-01) is before ReceivedDate (2024-03-01)"


def test_unknown_codes_and_bad_flags():
    bad = (
        REQUEST.format(start="2024-07-10", week20="Y")
        .replace("<RequestOutcome>A<", "<RequestOutcome>Z<")
        .replace("<SENtype>ASD<", "<SENtype>XYZ<")
    )
    problems = problems_of(sen2_xml(person_xml(requests=bad)))
    by_path = {p["path"]: p for p in problems if p["severity"] == "error"}
    week20 = by_path["Message/Persons/Person[1]/Requests[1]/Assessment/Week20"]
    assert week20["rule"] == "must be 1, 0, true or false (got 'Y')"
    assert (
        "RequestOutcome must be one of A, B, H, W (got 'Z')"
        == (by_path["Message/Persons/Person[1]/Requests[1]/RequestOutcome"]["rule"])
    )
    assert "Message/Persons/Person[1]/Requests[1]/ActivePlans/SENneed[2]/SENtype" in by_path


def test_missing_received_date_and_birth_date():
    request = REQUEST.format(start="2024-07-10", week20="0").replace("<ReceivedDate>2024-03-01</ReceivedDate>", "")
    problems = problems_of(sen2_xml(person_xml(dob="", requests=request)))
    rules = {(p["path"], p["rule"]) for p in problems if p["severity"] == "error"}
    assert ("Message/Persons/Person[1]/Requests[1]/ReceivedDate", "ReceivedDate is missing: it is required") in rules
    assert ("Message/Persons/Person[1]/PersonBirthDate", "PersonBirthDate is missing: it is required") in rules


def test_messages_never_echo_personal_values():
    problems = problems_of(sen2_xml(person_xml(dob="06/05/2014", postcode="NOT A POSTCODE", upn="Q12")))
    text = repr(problems)
    assert "06/05/2014" not in text and "NOT A POSTCODE" not in text and "Q12" not in text
    assert any(p["rule"] == "PersonBirthDate is not a date in the form YYYY-MM-DD" for p in problems)


def test_plan_more_than_52_weeks_after_request_is_a_warning():
    problems = problems_of(sen2_xml(person_xml(start="2025-03-10")))
    late = [p for p in problems if p["path"].endswith("NamedPlan/StartDate")]
    assert late and all(p["severity"] == "warning" for p in late)


def test_header_rules():
    header, _ = parse(sen2_xml(person_xml(), lea="909", ref="18/01/2025"))
    _info, problems = check_header(header, expected_la="888")
    rules = {p["path"]: p["rule"] for p in problems}
    assert "LA '909'" in rules["Message/Header/Source/LEA"] and "'888'" in rules["Message/Header/Source/LEA"]
    assert "ReferenceDate is not a date" in rules["Message/Header/CollectionDetails/ReferenceDate"]


def test_code_lists_are_data_per_year():
    assert code_lists(2024).request_outcome == {"A", "B", "W", "H"}
    assert code_lists(2031).year == max(code_lists(y).year for y in (2023, 2024, 2025, 2026))
    assert code_lists(1999).year == 2023
    assert "ASD" in code_lists().sen_type
    # DS (Down syndrome) is a SENtype from the 2025 collection; SENsetting has the same eight codes every year.
    assert "DS" not in code_lists(2024).sen_type and "DS" in code_lists(2025).sen_type
    assert code_lists(2023).settings == code_lists(2026).settings == {
        "OLA", "OPA", "EHE", "EYP", "OTH", "NEET", "NIEC", "NIEO"}
    assert [parse_flag(v) for v in ("1", "0", "true", "FALSE", "Y", None)] == [True, False, True, False, None, None]


def test_a_rank_in_superscript_digits_is_an_error_not_a_crash():
    odd = REQUEST.format(start="2024-07-10", week20="0").replace("<SENtypeRank>2<", "<SENtypeRank>²<")
    problems = problems_of(sen2_xml(person_xml(requests=odd)))
    assert [p["rule"] for p in problems if p["severity"] == "error"] == ["SENtypeRank must be a whole number (got '²')"]
