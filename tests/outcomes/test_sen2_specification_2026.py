"""The hand-written return of ``test_sen2_specification`` for the 2026 collection, with the cases it leaves out.

The 2025 return is moved one year on (every date a year later, the academy conversion on 1 September 2025, the
same ages; the plan ceasing and the placement ending on the census day do so on the 2026 one, 15 January),
written with the 2026 header, and five persons are added: a SEN unit place in an LA maintained school, a
resourced provision place in an academy, a non-maintained special school, a dual placement whose rank 1 placement
ended before the census (the rank 2 one counts), and a PlacementRank of 3 (a warning naming the person and the
value; the rank 1 placement counts). Each column is worked out by hand below.
"""

from __future__ import annotations

import io
import re
from dataclasses import replace
from datetime import date

import pytest

from sendhub.establishments.fictional import write_extract
from sendhub.establishments.services import gias_extract_import
from sendhub.outcomes.computation import PLACEMENT_WARNING_PATH
from sendhub.outcomes.models import ActivePlan
from sendhub.outcomes.services import sen2_import
from tests.outcomes.test_sen2_rows import _compare
from tests.outcomes.test_sen2_specification import GIAS, PERSONS, caseload, person, placement, school

pytestmark = pytest.mark.django_db

REF = "2026-01-15"
_DATE = re.compile(r"(\d{4})(-\d\d-\d\d)")


def a_year_on(xml: str) -> str:
    """Every date a year later; the 2025 census day (16 January) becomes the 2026 one (15 January)."""
    return _DATE.sub(lambda m: f"{int(m.group(1)) + 1}{m.group(2)}", xml).replace("2026-01-16", REF)


def _later(day: date | None) -> date | None:
    return day.replace(year=day.year + 1) if day else None


GIAS_2026 = [replace(s, open_date=_later(s.open_date), close_date=_later(s.close_date)) for s in GIAS] + [
    school(100010, "Non-maintained special school", phase="Not applicable"),
]

ADDED = [
    # 19. An LA maintained school, a SEN unit place.
    (person(19, placement(urn="100001", unit=1, resourced=0)), "mainstream_la_maintained_senunit"),
    # 20. An academy, a resourced provision place.
    (person(20, placement(urn="100009", unit=0, resourced=1)), "mainstream_academy_resourced_provision"),
    # 21. A non-maintained special school: in special_total.
    (person(21, placement(urn="100010")), "special_non_maintained"),
    # 22. Dual placement: the rank 1 special school ended 19 December 2025; the rank 2 pupil referral unit counts.
    (person(22, placement(urn="100006", rank=1, leaving="2025-12-19"), placement(urn="100005", rank=2)),
     "ap_pru_la_maintained"),
    # 23. Rank 3 is not in the specification (a warning); the rank 1 independent special school counts.
    (person(23, placement(urn="100005", rank=3, entry="2025-09-01"), placement(urn="100004", rank=1)),
     "special_independent"),
]
PERSONS_2026 = [(a_year_on(xml), column) for xml, column in PERSONS] + ADDED


def spec_return_2026() -> bytes:
    header = (
        "<Header><CollectionDetails><Collection>SEN2</Collection><Year>2026</Year>"
        f"<ReferenceDate>{REF}</ReferenceDate></CollectionDetails><Source><SourceLevel>L</SourceLevel><LEA>888</LEA>"
        "<SoftwareCode>HAND</SoftwareCode><Release>1</Release><SerialNo>001</SerialNo>"
        "<DateTime>2026-01-16T09:00:00</DateTime></Source></Header>"
    )
    body = "".join(xml for xml, _column in PERSONS_2026)
    return f'<?xml version="1.0" encoding="UTF-8"?>\n<Message>{header}<Persons>{body}</Persons></Message>'.encode()


def imported(area):
    gias_extract_import(data=write_extract(GIAS_2026), filename="edubasealldata20260109.csv")
    return sen2_import(stream=io.BytesIO(spec_return_2026()), filename="sen2-2026.xml", area=area)


def test_every_placement_column_of_the_2026_return_is_the_hand_worked_answer(area):
    result = imported(area)
    assert result.errors == [] and result.ok
    plans = ActivePlan.objects.filter(sen2_return=result.sen2_return).select_related("request__person")
    by_person = {plan.request.person.position: plan for plan in plans}
    assert len(by_person) == len(PERSONS_2026) == 23
    for position, (_xml, expected) in enumerate(PERSONS_2026, 1):
        assert by_person[position].in_caseload is (expected is not None), position
        assert by_person[position].placement_column == (expected or ""), position
    values = caseload(result)
    assert values["ehcplans"] == 21  # 23 plans active in the year, 2 ceased by the census
    # By hand: mainstream 1, 2, 6, 19, 20; special 3, 4, 5, 21, 23; AP 22; FE 7, 8; elsewhere 9, 10, 11, 12, 18;
    # early years 17; not recorded 13 (a URN GIAS does not know) and 14 (no placement at the census).
    assert (values["mainstream_total"], values["special_total"], values["ap_pru_total"], values["fe_total"],
            values["ed_elsewhere"], values["nm_early_years"], values["placement_unknown"]) == (5, 5, 1, 2, 5, 1, 2)
    assert values["special_independent"] == 2 and values["special_non_maintained"] == 1
    assert values["special_la_maintained"] == 1 and values["special_free_school"] == 1
    assert values["special_academy"] == 0 and values["special_academy_free"] == 1
    assert values["mainstream_la_maintained_senunit"] == 1
    assert values["mainstream_la_maintained_resourced_provision"] == 1
    assert values["mainstream_academy_resourced_provision"] == 1 and values["mainstream_academy_senunit"] == 1
    assert values["mainstream_academy"] == 1 and values["mainstream_la_maintained"] == 0
    assert values["ap_pru_la_maintained"] == 1 and values["neet_ntci"] == 1
    assert values["other_arrangements_parents"] == 1 and values["elective_home_education"] == 1
    # Percentages of 21 plans, to 1 decimal place: 5/21, 2/21, 1/21.
    assert (values["special_total_pc"], values["placement_unknown_pc"], values["AP_PRU_total_pc"]) == (23.8, 9.5, 4.8)


def test_the_2026_return_warns_of_the_rank_and_the_unknown_urn_only(area):
    result = imported(area)
    warnings = result.sen2_return.warnings
    (rank,) = [w for w in warnings if w.get("rule_id") == "placement-rank"]
    assert rank["position"] == 23 and rank["severity"] == "warning"
    assert rank["path"] == "Message/Persons/Person[23]/Requests[1]/ActivePlans/PlacementDetail[1]/PlacementRank"
    assert rank["rule"].startswith("PlacementRank is 3 for person 23: the specification allows 1 (main placement)")
    (placements,) = [w for w in warnings if w["path"] == PLACEMENT_WARNING_PATH]
    assert "999999" in placements["rule"]
    assert len(warnings) == 2


def test_the_fast_path_takes_every_2026_person_but_the_one_with_rank_3():
    seen, accepted = _compare(spec_return_2026())
    assert seen == len(PERSONS_2026) and accepted == seen - 1
