"""A return written by hand exactly to DfE's person-level specification, imported with a GIAS extract: each
caseload column against the answer worked out by hand (issue 14, done-when bullet 1).

The return (collection year 2025, census 16 January 2025) names schools by URN, colleges by UKPRN and the rest by
one of the eight SENsetting codes, spelled as the specification spells the element; it has dual placements
(ranked), a move within the year, a school that became an academy during the year (a new URN), plans that ceased
before the census, and a URN GIAS does not know. The GIAS extract is written in GIAS's own CSV format.
"""

from __future__ import annotations

import io
import json
from datetime import date

import pytest
from django.core.management import call_command

from sendhub.establishments.fictional import FictionalEstablishment, write_extract
from sendhub.establishments.services import gias_extract_import
from sendhub.outcomes.computation import PLACEMENT_WARNING_PATH, recompute_measures
from sendhub.outcomes.models import ActivePlan, MeasureValue
from sendhub.outcomes.services import sen2_import
from tests.outcomes.test_sen2_rows import _compare

pytestmark = pytest.mark.django_db

REF = "2025-01-16"


def school(urn: int, type_name: str, **kw) -> FictionalEstablishment:
    return FictionalEstablishment(urn=urn, la_code="888", la_name="Lancashire", name=kw.pop("name", f"School {urn}"),
                                  type_name=type_name, phase=kw.pop("phase", "Primary"), **kw)


GIAS = [
    school(100001, "Community school", resourced_provision="Resourced provision"),
    # Brook Primary became an academy on 1 September 2024: a new URN; the old one closed, still in GIAS.
    school(100002, "Academy converter", name="Brook Primary", open_date=date(2024, 9, 1)),
    school(100003, "Community school", name="Brook Primary", status="Closed", close_date=date(2024, 8, 31)),
    school(100004, "Other independent special school", phase="Not applicable"),
    school(100005, "Pupil referral unit", phase="Not applicable"),
    school(100006, "Community special school", phase="Not applicable"),
    school(100007, "Free schools special", phase="Not applicable"),
    school(100008, "Further education", phase="16 plus", ukprn="10001111"),
    school(100009, "Academy sponsor led", phase="Secondary", resourced_provision="SEN unit"),
]


def placement(*, urn="", ukprn="", setting="", rank=1, entry="2023-09-01", leaving="", unit=None, resourced=None,
              element="SENsetting") -> str:
    """A PlacementDetail (module 5b): the items in the specification's order."""
    parts = [f"<URN>{urn}</URN>" if urn else "", f"<UKPRN>{ukprn}</UKPRN>" if ukprn else "",
             f"<{element}>{setting}</{element}>" if setting else "", f"<PlacementRank>{rank}</PlacementRank>",
             f"<EntryDate>{entry}</EntryDate>", f"<LeavingDate>{leaving}</LeavingDate>" if leaving else "",
             f"<SENunitIndicator>{unit}</SENunitIndicator>" if unit is not None else "",
             f"<ResourcedProvisionIndicator>{resourced}</ResourcedProvisionIndicator>" if resourced is not None else ""]
    return "<PlacementDetail>" + "".join(parts) + "</PlacementDetail>"


def person(n: int, *placements: str, dob="2014-05-06", cease="", reason="", postcode="PostCode", extra="") -> str:
    """A person (module 1) with one historical request whose plan (2021) is active in 2024."""
    ceased = f"<CeaseDate>{cease}</CeaseDate><CeaseReason>{reason}</CeaseReason>" if cease else ""
    return (
        f"<Person><Surname>Smith</Surname><Forename>Sam</Forename><PersonBirthDate>{dob}</PersonBirthDate>"
        f"<Sex>F</Sex><Ethnicity>WBRI</Ethnicity><{postcode}>PR1 2HE</{postcode}><UPN>A888{n:09d}</UPN>"
        "<Requests><ReceivedDate>2021-01-11</ReceivedDate><RequestSource>1</RequestSource><RYA>0</RYA>"
        "<RequestOutcomeDate>2021-02-15</RequestOutcomeDate><RequestOutcome>H</RequestOutcome>"
        "<RequestMediation>0</RequestMediation><RequestTribunal>0</RequestTribunal>"
        "<Assessment><AssessmentOutcome>H</AssessmentOutcome><AssessmentOutcomeDate>2021-04-30</AssessmentOutcomeDate>"
        "<Week20>0</Week20><NamedPlan><StartDate>2021-05-20</StartDate><PB>0</PB>"
        f"{ceased}<PlanDetail><SENsetting>OTH</SENsetting><PlacementRank>1</PlacementRank></PlanDetail>"
        f"</NamedPlan></Assessment><ActivePlans>{extra}{''.join(placements)}"
        "<SENneed><SENtype>ASD</SENtype><SENtypeRank>1</SENtypeRank></SENneed></ActivePlans></Requests></Person>"
    )


# Each person, and the column (hand-worked from GIAS's type and the rules of docs/measures.md) of their plan.
PERSONS = [
    # 1. An LA maintained school, a resourced provision place.
    (person(1, placement(urn="100001", unit=0, resourced=1)), "mainstream_la_maintained_resourced_provision"),
    # 2. An academy, a SEN unit place.
    (person(2, placement(urn="100009", unit=1, resourced=0)), "mainstream_academy_senunit"),
    # 3. An independent special school: in special_total, as DfE counts it.
    (person(3, placement(urn="100004", unit=0, resourced=0)), "special_independent"),
    # 4. A dual placement: the rank 1 special school, not the rank 2 pupil referral unit listed first.
    (person(4, placement(urn="100005", rank=2, entry="2024-02-01"), placement(urn="100006", rank=1)),
     "special_la_maintained"),
    # 5. Moved in the year: from a mainstream school (left 31 October 2024) to a special free school.
    (person(5, placement(urn="100001", leaving="2024-10-31"), placement(urn="100007", entry="2024-11-01")),
     "special_free_school"),
    # 6. The academy conversion: the old URN until 31 August 2024, the academy's new URN from 1 September.
    (person(6, placement(urn="100003", entry="2020-09-01", leaving="2024-08-31"),
            placement(urn="100002", entry="2024-09-01")), "mainstream_academy"),
    # 7. A college named by UKPRN.
    (person(7, placement(ukprn="10001111"), dob="2007-03-01"), "general_fe_tertiary_colleges"),
    # 8. A UKPRN no establishment in GIAS has: a provider on UKRLP only.
    (person(8, placement(ukprn="10009999"), dob="2007-03-01"), "ukrlp_provider"),
    # 9. Other arrangements made by the parents (OPA).
    (person(9, placement(setting="OPA")), "other_arrangements_parents"),
    # 10. Not in education, notice to cease issued (NIEC).
    (person(10, placement(setting="NIEC"), dob="2006-10-01"), "neet_ntci"),
    # 11. Not in education, other (NIEO), aged 10 on 31 August 2024: of compulsory school age.
    (person(11, placement(setting="NIEO")), "neet_other_csa"),
    # 12. NIEO aged 17 on 31 August 2024.
    (person(12, placement(setting="NIEO"), dob="2007-03-01"), "neet_other"),
    # 13. A URN GIAS does not know: never guessed.
    (person(13, placement(urn="999999")), "placement_unknown"),
    # 14. The only placement ended before the census: no placement recorded at it.
    (person(14, placement(urn="100001", leaving="2024-12-20")), "placement_unknown"),
    # 15. Ceased in November 2024: active during the year, not in the January caseload.
    (person(15, placement(urn="100001", leaving="2024-11-30"), cease="2024-11-30", reason="2"), None),
    # 16. Ceased on the census day itself: not maintained that day.
    (person(16, placement(urn="100001"), cease=REF, reason="5"), None),
    # 17. An early years provider, with the other spellings some systems export (SENSetting, Postcode).
    (person(17, placement(setting="EYP", element="SENSetting"), dob="2021-06-01", postcode="Postcode"),
     "nm_early_years"),
    # 18. Elective home education, leaving on the census day: still placed there that day.
    (person(18, placement(setting="EHE", leaving=REF)), "elective_home_education"),
]


def spec_return(persons=PERSONS) -> bytes:
    header = (
        "<Header><CollectionDetails><Collection>SEN2</Collection><Year>2025</Year>"
        f"<ReferenceDate>{REF}</ReferenceDate></CollectionDetails><Source><SourceLevel>L</SourceLevel><LEA>888</LEA>"
        "<SoftwareCode>HAND</SoftwareCode><Release>1</Release><SerialNo>001</SerialNo>"
        "<DateTime>2025-01-17T09:00:00</DateTime></Source></Header>"
    )
    body = "".join(xml for xml, _column in persons)
    return f'<?xml version="1.0" encoding="UTF-8"?>\n<Message>{header}<Persons>{body}</Persons></Message>'.encode()


def import_gias() -> None:
    gias_extract_import(data=write_extract(GIAS), filename="edubasealldata20250110.csv")


def run(area, data: bytes):
    return sen2_import(stream=io.BytesIO(data), filename="sen2-2025.xml", area=area)


def caseload(result) -> dict[str, float]:
    return dict(
        MeasureValue.objects.filter(sen2_return=result.sen2_return, period_kind="at_date", breakdown_topic="total")
        .values_list("measure", "value")
    )


def test_every_placement_column_is_the_hand_worked_answer(area):
    import_gias()
    result = run(area, spec_return())
    assert result.errors == [] and result.ok
    plans = ActivePlan.objects.filter(sen2_return=result.sen2_return).select_related("request__person")
    by_person = {plan.request.person.position: plan for plan in plans}
    assert len(by_person) == len(PERSONS)  # every ActivePlans item is stored, ceased or not
    for position, (_xml, expected) in enumerate(PERSONS, 1):
        plan = by_person[position]
        assert plan.in_caseload is (expected is not None), position
        assert plan.placement_column == (expected or ""), position
    values = caseload(result)
    expected = {}
    for _xml, column in PERSONS:
        if column:
            expected[column] = expected.get(column, 0) + 1
    for column, count in expected.items():
        assert values[column] == count, column
    assert values["ehcplans"] == 16  # 18 plans active in the year, 2 ceased by the census
    assert values["mainstream_total"] == 3 and values["special_total"] == 3 and values["ap_pru_total"] == 0
    assert values["fe_total"] == 2 and values["ed_elsewhere"] == 5 and values["nm_early_years"] == 1
    assert values["placement_unknown"] == 2 and values["special_academy_free"] == 1
    assert (values["special_total_pc"], values["placement_unknown_pc"], values["AP_PRU_total_pc"]) == (18.8, 12.5, 0)
    assert values["mainstream_la_maintained"] == 0 and values["ap_pru_la_maintained"] == 0
    # Ceased plans, by CeaseDate: November 2024 (needs met), and the census day (a transfer) in 2025.
    flows = dict(MeasureValue.objects.filter(sen2_return=result.sen2_return, period="2024", breakdown_topic="total")
                 .values_list("measure", "value"))
    assert (flows["total_ceased"], flows["needs_met"], flows["transfer"]) == (1, 1, 0)


def test_one_warning_lists_the_urns_gias_does_not_know_and_nothing_else_is_reported(area):
    import_gias()
    result = run(area, spec_return())
    returned = result.sen2_return.warnings
    assert [w for w in returned if w["path"] != PLACEMENT_WARNING_PATH] == []  # every element is known
    (warning,) = [w for w in returned if w["path"] == PLACEMENT_WARNING_PATH]
    assert "1 URN is not in the GIAS extracts held as at 16 January 2025 (1 plan in the caseload): 999999." in (
        warning["rule"])
    assert "placement_unknown" in warning["rule"]
    # Computing the measures again replaces the warning rather than adding another.
    recompute_measures(result.sen2_return)
    result.sen2_return.refresh_from_db()
    assert result.sen2_return.warnings == returned


def test_without_any_gias_extract_one_warning_says_how_to_resolve_urns(area):
    result = run(area, spec_return())
    warnings = [w["rule"] for w in result.sen2_return.warnings]
    assert len(warnings) == 1 and "no GIAS extract is imported" in warnings[0] and "sendhub gias import" in warnings[0]
    values = caseload(result)
    # Neither URNs nor UKPRNs can be resolved (7 plans by URN, 2 by UKPRN, 1 with no placement): codes still count.
    assert values["placement_unknown"] == 7 + 2 + 1 and values["ukrlp_provider"] == 0
    assert values["other_arrangements_parents"] == 1 and values["ehcplans"] == 16


def test_unknown_elements_are_reported_with_where_they_are(area):
    import_gias()
    odd = [
        (person(1, placement(urn="100001").replace("<PlacementRank>", "<Colour>blue</Colour><PlacementRank>")),
         None),
        (person(2, placement(urn="100001"), extra="<Mood>1</Mood>"), None),
        (person(3, placement(urn="100001").replace("<PlacementRank>", "<Colour>red</Colour><PlacementRank>")), None),
        # An element holding elements, inside a PlacementDetail: reported too, not dropped.
        (person(4, placement(urn="100001").replace("<PlacementRank>", "<Visit><On>2024-05-01</On></Visit>"
                                                   "<PlacementRank>")), None),
    ]
    data = spec_return(odd).replace(b"</Source>", b"</Source><Contact>Data team</Contact>")
    result = run(area, data)
    assert result.ok
    unknown = [w for w in result.warnings if "not an item" in w["rule"]]
    assert {(w["position"], w["path"]) for w in unknown} == {
        (0, "Message/Header/Contact"),
        (1, "Message/Persons/Person[1]/Requests[1]/ActivePlans/PlacementDetail[1]/Colour"),
        (2, "Message/Persons/Person[2]/Requests[1]/ActivePlans/Mood"),
        (4, "Message/Persons/Person[4]/Requests[1]/ActivePlans/PlacementDetail[1]/Visit"),
    }
    colour = next(w for w in unknown if w["position"] == 1)
    assert colour["rule"].startswith("Colour is not an item of PlacementDetail in the SEN2 specification")


def test_the_fast_path_reads_the_specification_as_the_validator_does():
    seen, accepted = _compare(spec_return())
    assert seen == len(PERSONS) and accepted == seen


def test_measures_show_gives_the_caseload_under_dfes_column_names(area):
    import_gias()
    run(area, spec_return())
    out = io.StringIO()
    call_command("measures_show", "--area", "888", "--year", "2024", "--json", stdout=out)
    measures = json.loads(out.getvalue())["measures"]
    assert measures["mainstream_academy_senunit"] == 1 and measures["special_independent"] == 1
    assert measures["special_total"] == 3 and measures["AP_PRU_total_pc"] == 0
    assert measures["neet_other_csa"] == 1 and measures["placement_unknown"] == 2
    assert "independent_total" not in measures and "other_total" not in measures


def test_the_import_command_prints_the_placement_warning(area, tmp_path):
    import_gias()
    path = tmp_path / "sen2-2025.xml"
    path.write_bytes(spec_return())
    out = io.StringIO()
    call_command("sen2_import", str(path), "--area", "888", stdout=out)
    assert "1 warning: " in out.getvalue() and "1 warnings" not in out.getvalue() and "999999" in out.getvalue()
