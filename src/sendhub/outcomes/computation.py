"""Compute every measure from one imported SEN2 return and store the values (MeasureValue rows).

First each plan in the January caseload gets its DfE caseload column (:func:`resolve_placements`): a placement
named by URN or UKPRN is looked up in Get Information About Schools as it was at the return's reference date
(``establishments.selectors.establishments_at``), so the columns follow the GIAS extracts held when the measures
are computed (import a newer extract, import the return again, and URNs unknown before resolve). Then the
return's rows are read with ``values_list`` (one query each for requests and active plans, joined to the person
for the postcode district), turned into the plain rows of :mod:`sendhub.outcomes.measures`, and
:func:`~sendhub.outcomes.measures.compute_all` replaces the return's MeasureValue rows, in one transaction.
"""

from __future__ import annotations

from datetime import date

from django.db import connection, transaction

from sendhub.establishments.models import GiasExtract
from sendhub.establishments.selectors import establishments_at
from sendhub.outcomes.measures import UNKNOWN, ActivePlanRow, RequestRow, age_band, compute_all, need_label
from sendhub.outcomes.models import ActivePlan, EhcRequest, MeasureValue, Sen2Return
from sendhub.outcomes.placements import Placement, placement_column

# The path of the warnings ``resolve_placements`` puts on a return: they are replaced each time it runs.
PLACEMENT_WARNING_PATH = "Message/Persons/Person/Requests/ActivePlans/PlacementDetail"
_URNS_LISTED = 200

_REQUEST_FIELDS = (
    "person_id",
    "received_date",
    "request_outcome_date",
    "request_outcome",
    "assessment_outcome",
    "assessment_outcome_date",
    "week20",
    "plan_start_date",
    "request_mediation",
    "request_tribunal",
    "assessment_mediation",
    "assessment_tribunal",
    "other_mediation",
    "other_tribunal",
    "person__postcode_district",
    "age_at_request",
    "plan_cease_date",
    "plan_cease_reason",
)
_PLAN_FIELDS = (
    "request__person_id",
    "review_meeting",
    "review_draft",
    "last_review",
    "request__plan_start_date",
    "review_outcome",
    "primary_need",
    "placement_column",
    "in_caseload",
    "phase_transfer_due_date",
    "phase_transfer_final_date",
    "request__person__postcode_district",
    "age_at_reference_date",
)


def build_rows(sen2_return: Sen2Return) -> tuple[list[RequestRow], list[ActivePlanRow]]:
    """The return's requests and active plans as plain rows for :func:`compute_all`."""
    bands = {}  # age -> band, computed once per age

    def band(age):
        if age not in bands:
            bands[age] = age_band(age)
        return bands[age]

    plans: list[ActivePlanRow] = []
    need_of_person: dict[int, str] = {}
    for (person_id, meeting, draft, last, start, outcome, need, column, in_caseload, due, final, district, age) in (
        ActivePlan.objects.filter(sen2_return=sen2_return).order_by("pk").values_list(*_PLAN_FIELDS).iterator(5000)
    ):
        need = need_label(need)
        if need_of_person.get(person_id, UNKNOWN) == UNKNOWN:  # several plans: the first listed with a need
            need_of_person[person_id] = need
        plans.append(
            ActivePlanRow(
                review_meeting=meeting,
                review_draft=draft,
                last_review=last,
                plan_start_date=start,
                review_outcome=outcome,
                primary_need=need,
                placement_column=column,
                in_caseload=in_caseload,
                phase_transfer_due_date=due,
                phase_transfer_final_date=final,
                district=district or UNKNOWN,
                age_band=band(age),
            )
        )
    requests: list[RequestRow] = []
    for (person_id, received, out_date, out, a_out, a_date, week20, start, r_med, r_trib, a_med, a_trib, o_med,
         o_trib, district, age, cease, reason) in (
        EhcRequest.objects.filter(sen2_return=sen2_return).order_by().values_list(*_REQUEST_FIELDS).iterator(5000)
    ):
        requests.append(
            RequestRow(
                received_date=received,
                request_outcome_date=out_date,
                request_outcome=out,
                assessment_outcome=a_out,
                assessment_outcome_date=a_date,
                week20=week20,
                plan_start_date=start,
                plan_cease_date=cease,
                plan_cease_reason=reason,
                request_mediation=r_med,
                request_tribunal=r_trib,
                assessment_mediation=a_med,
                assessment_tribunal=a_trib,
                other_mediation=o_med,
                other_tribunal=o_trib,
                district=district or UNKNOWN,
                age_band=band(age),
                primary_need=need_of_person.get(person_id, UNKNOWN),
            )
        )
    return requests, plans


_COLUMNS = (
    "area_id", "sen2_return_id", "measure", "period_kind", "period", "breakdown_topic", "breakdown", "value",
    "numerator", "denominator",
)


def _insert(rows: list[tuple]) -> None:
    """Insert MeasureValue rows given as tuples in :data:`_COLUMNS` order, the fastest way the database offers.

    ``bulk_create`` spends about 50 microseconds a row preparing model fields (8 s for a Lancashire-sized
    return's 160,000 values); COPY on PostgreSQL and ``executemany`` on SQLite write the same rows in well
    under a second. Other databases use ``bulk_create``.
    """
    table = connection.ops.quote_name(MeasureValue._meta.db_table)
    columns = ", ".join(connection.ops.quote_name(c) for c in _COLUMNS)
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            # Derived data, recomputed from the return on demand: not worth waiting for the WAL flush on commit.
            cursor.execute("SET LOCAL synchronous_commit TO OFF")
            with cursor.cursor.copy(f"COPY {table} ({columns}) FROM STDIN") as copy:
                copy.write(_copy_text(rows))
    elif connection.vendor == "sqlite":
        placeholders = ", ".join(["%s"] * len(_COLUMNS))
        with connection.cursor() as cursor:
            cursor.executemany(f"INSERT INTO {table} ({columns}) VALUES ({placeholders})", rows)  # noqa: S608 # nosec B608
    else:  # pragma: no cover - the project runs on SQLite and PostgreSQL
        MeasureValue.objects.bulk_create((MeasureValue(**dict(zip(_COLUMNS, row, strict=True))) for row in rows),
                                         batch_size=2000)


def _copy_field(value) -> str:
    if value is None:
        return "\\N"
    if isinstance(value, str):
        return value.replace("\\", "\\\\").replace("\t", "\\t").replace("\n", "\\n").replace("\r", "\\r")
    return str(value)


def _copy_text(rows: list[tuple]) -> str:
    """Rows in PostgreSQL's COPY text format."""
    return "".join("\t".join([_copy_field(v) for v in row]) + "\n" for row in rows)


def coverage_start(sen2_return: Sen2Return) -> date:
    """The first day a return's flow measures cover: 1 January of its reporting year (collection year - 1).

    A return lists every request received in its reporting year, but from earlier years only the requests of
    people still open or with an active plan: figures for those years would count the survivors only.
    """
    return date(sen2_return.collection_year - 1, 1, 1)


def recompute_measures(sen2_return: Sen2Return) -> int:
    """Replace ``sen2_return``'s MeasureValue rows with freshly computed ones; return how many were written.

    Flow measures cover the return's reporting year and the months after it up to the reference date
    (:func:`coverage_start`); stock measures are at the reference date.
    """
    resolve_placements(sen2_return)
    requests, plans = build_rows(sen2_return)
    area_id, return_id = sen2_return.area_id, sen2_return.pk
    values = compute_all(requests, plans, sen2_return.reference_date, period_start=coverage_start(sen2_return))
    rows = [(area_id, return_id, *value) for value in values]
    with transaction.atomic():
        MeasureValue.objects.filter(sen2_return=sen2_return).delete()
        _insert(rows)
    return len(rows)


def resolve_placements(sen2_return: Sen2Return) -> list[dict]:
    """Give each plan of the return's January caseload its DfE caseload column; returns the warnings it put on the
    return (replacing those of an earlier run).

    A URN is looked up in GIAS as at the reference date; a UKPRN GIAS does not know is a UKRLP provider; a URN GIAS
    does not know is never guessed: ``placement_unknown``, and one warning lists every such URN (and the number of
    plans). With no GIAS extract imported at all, no URN or UKPRN can be resolved, and one warning says so
    instead. Plans not in the caseload get no column. One query reads the plans; one statement per column and 900
    plans writes the columns.
    """
    reference_date = sen2_return.reference_date
    plans = list(
        ActivePlan.objects.filter(sen2_return=sen2_return, in_caseload=True)
        .order_by()
        .values_list("pk", "setting_urn", "setting_ukprn", "setting", "sen_unit", "resourced_provision",
                     "age_at_start_of_year")
    )  # fmt: skip
    have_gias = GiasExtract.objects.exists()
    by_urn: dict[str, str] = {}
    by_ukprn: dict[str, str] = {}
    if have_gias and any(urn or ukprn for _pk, urn, ukprn, *_rest in plans):
        directory = establishments_at(reference_date)
        by_urn = {str(urn): found.type_name for urn, found in directory.by_urn.items()}
        by_ukprn = {ukprn: found.type_name for ukprn, found in directory.by_ukprn.items()}
    columns: dict[str, list[int]] = {}
    unresolved: dict[str, int] = {}
    unknown_types: dict[str, int] = {}
    by_urn_count = 0
    for pk, urn, ukprn, setting, sen_unit, resourced, age in plans:
        placement = None
        if (urn or ukprn) and not have_gias:
            # Without GIAS neither a URN's nor a UKPRN's kind of establishment is known (a college's UKPRN would
            # otherwise pass for a UKRLP provider's).
            by_urn_count += 1
            columns.setdefault("placement_unknown", []).append(pk)
            continue
        if urn or ukprn or setting:
            placement = Placement(urn=urn, ukprn=ukprn, setting=setting, sen_unit=sen_unit,
                                  resourced_provision=resourced)  # fmt: skip
        placed = placement_column(placement, type_of_urn=by_urn, type_of_ukprn=by_ukprn, age_at_start_of_year=age)
        columns.setdefault(placed.column, []).append(pk)
        if placed.unresolved_urn:
            unresolved[placed.unresolved_urn] = unresolved.get(placed.unresolved_urn, 0) + 1
        if placed.unknown_type:
            unknown_types[placed.unknown_type] = unknown_types.get(placed.unknown_type, 0) + 1
    with transaction.atomic():
        ActivePlan.objects.filter(sen2_return=sen2_return, in_caseload=False).exclude(placement_column="").update(
            placement_column=""
        )
        for column, pks in columns.items():
            for start in range(0, len(pks), 900):
                ActivePlan.objects.filter(pk__in=pks[start : start + 900]).update(placement_column=column)
        warnings = _placement_warnings(have_gias, by_urn_count, unresolved, unknown_types, reference_date)
        kept = [w for w in sen2_return.warnings if w.get("path") != PLACEMENT_WARNING_PATH]
        if kept + warnings != sen2_return.warnings:
            sen2_return.warnings = kept + warnings
            Sen2Return.objects.filter(pk=sen2_return.pk).update(warnings=sen2_return.warnings)
    return warnings


def _placement_warnings(have_gias: bool, by_urn: int, unresolved: dict[str, int], unknown_types: dict[str, int],
                        reference_date: date) -> list[dict]:  # fmt: skip
    def warning(rule: str) -> dict:
        return {"position": 0, "path": PLACEMENT_WARNING_PATH, "rule": rule, "severity": "warning"}

    if not have_gias:
        if not by_urn:
            return []
        return [warning(
            f"{by_urn:,} plans in the caseload name their placement by URN or UKPRN, but no GIAS extract is "
            "imported: placements by URN or UKPRN cannot be resolved until 'sendhub gias import FILE' is run (with "
            "Get Information "
            "About Schools' establishment fields CSV) and this return imported again; until then they are counted "
            "under placement_unknown"
        )]  # fmt: skip
    warnings = []
    if unresolved:
        urns = sorted(unresolved, key=lambda u: (len(u), u))
        listed = ", ".join(urns[:_URNS_LISTED]) + (f" and {len(urns) - _URNS_LISTED} more" if len(urns) >
                                                     _URNS_LISTED else "")  # fmt: skip
        plans = sum(unresolved.values())
        warnings.append(warning(
            f"{len(urns):,} URN{'s are' if len(urns) != 1 else ' is'} not in the GIAS extracts held as at "
            f"{reference_date:%d %B %Y} ({plans:,} plan{'s' if plans != 1 else ''} in the caseload): {listed}. "
            "They are counted under placement_unknown, never guessed; to count them, import a GIAS extract that "
            "has them ('sendhub gias import FILE') and import this return again"
        ))  # fmt: skip
    if unknown_types:
        types = ", ".join(f"{name!r} ({n:,} plans)" for name, n in sorted(unknown_types.items()))
        warnings.append(warning(
            f"GIAS gives establishment types that are not mapped to a DfE caseload column: {types}; those plans are "
            "counted under placement_unknown (outcomes/placements.py lists the types mapped)"
        ))  # fmt: skip
    return warnings
