"""How each DfE "Education, health and care plans" release spells its files and columns, as data.

SEND Hub stores and shows DfE's figures under the names it has always used: the 2025 release's spellings
(``PC_plans_issued_20_weeks_ex``; source file ``sen_needs_all_plans.csv``). Those names are saved in targets,
board decisions, progress wording and links, and the SEN2 measures (``measures.py``) name their DfE column by
them, so a release that renames a file or a column is mapped onto them here instead of renaming everything
that refers to them.

Every entry names the line of that release's data guidance it comes from (the 2026 release's
``data-guidance.txt``; the 2025 one is ``data-guidance/data-guidance.txt`` in its zip), and ``was_line`` the
line of the 2025 guidance that has the stored name, so each can be checked against the source
(``tests/outcomes/test_dfe_2026_layout.py`` does).

Rules the importer and the benchmark lookups follow:

- **Letter case never matters.** Names are compared in lower case. A column in this table is stored under its
  2025 spelling (``ap_pru_total_pc`` -> ``AP_PRU_total_pc``); any other column is stored under its own name in
  lower case, which changes no 2025 name (its only capitals are the ones listed here) and keeps a later change
  of case from splitting one column into two.
- **New columns are kept** under their own names (``special_academy``, ``avg_weeks_issue_plan``, the columns
  of ``phase_transfers.csv``); ``ADDED`` lists the 2026 ones only to explain their absence from older releases.
- **Removed and split columns** stay in the older releases that have them; ``RETIRED`` says what replaced them,
  for the message given when one is asked of a release without it.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class FileRename:
    """A release names a file differently from SEN Hub's stored name (the 2025 file name)."""

    release: int  # the reporting year of the release that introduced ``spelling``
    spelling: str  # the file's name in that release
    stored: str  # SEND Hub's name for it
    line: int  # the line of that release's data guidance naming ``spelling``
    was_line: int  # the line of the 2025 guidance naming ``stored``


@dataclass(frozen=True)
class ColumnRename:
    """A release spells a column differently (other letters, or only another letter case)."""

    release: int
    file: str  # SEND Hub's name for the file
    spelling: str
    stored: str
    line: int
    was_line: int

    @property
    def case_only(self) -> bool:
        return self.spelling.lower() == self.stored.lower()


@dataclass(frozen=True)
class ColumnRetired:
    """A column a release no longer publishes, and what it publishes instead (``replaced_by``)."""

    release: int  # the first release without it
    file: str
    column: str  # its stored name
    was_line: int  # where the 2025 guidance describes it
    how: str  # "split": replaced_by together are the old column; "reworked": replaced_by measure it anew
    replaced_by: tuple[str, ...] = ()  # the new columns, stored under their own names
    lines: tuple[int, ...] = ()  # where each of replaced_by is in that release's guidance
    note: str = ""


@dataclass(frozen=True)
class ColumnAdded:
    """A column first published in a release (stored under its own name; listed here for messages)."""

    release: int
    file: str
    column: str
    line: int


# How messages cite a release's data guidance.
GUIDANCE = {2025: "DfE's 2025 data guidance", 2026: "DfE's 2026 data guidance"}

_CL, _NP, _SN, _SNN = "caseload.csv", "newplans.csv", "sen_needs_all_plans.csv", "sen_need_newplans.csv"
_TL, _AR, _RS, _CP = "timeliness_20_week.csv", "annual_reviews.csv", "residential_settings.csv", "ceased_plans.csv"
_PT = "phase_transfers.csv"

FILE_RENAMES: tuple[FileRename, ...] = (
    # "Filename: sen_needs_caseload.csv" (2026 line 132) for what 2025 called sen_needs_all_plans.csv (line 131).
    FileRename(2026, "sen_needs_caseload.csv", _SN, line=132, was_line=131),
)

COLUMN_RENAMES: tuple[ColumnRename, ...] = (
    # Letter case only: 2026 writes every column in lower case (its guidance's variable tables).
    ColumnRename(2026, _CL, "ap_pru_total_pc", "AP_PRU_total_pc", line=74, was_line=74),
    ColumnRename(2026, _NP, "ap_pru_total_pc", "AP_PRU_total_pc", line=198, was_line=190),
    ColumnRename(2026, _TL, "pc_plans_issued_20_weeks_ex", "PC_plans_issued_20_weeks_ex", line=395, was_line=374),
    ColumnRename(2026, _TL, "pc_plans_issued_gt_1_year_ex", "PC_plans_issued_gt_1_year_ex", line=397, was_line=376),
    ColumnRename(
        2026, _TL, "pc_plans_issued_gt20weeks_ltyear", "pc_plans_issued_gt20weeks_ltYear", line=398, was_line=377
    ),
    ColumnRename(
        2026, _TL, "pc_plans_issued_gt20weeks_ltyear_ex", "PC_plans_issued_gt20weeks_ltYear_ex", line=399, was_line=378
    ),
    ColumnRename(2026, _TL, "plans_issued_gt20weeks_ltyear", "plans_issued_gt20weeks_ltYear", line=406, was_line=385),
    ColumnRename(
        2026, _TL, "plans_issued_gt20weeks_ltyear_ex", "plans_issued_gt20weeks_ltYear_ex", line=407, was_line=386
    ),
    ColumnRename(2026, _RS, "res_3851", "Res_3851", line=511, was_line=465),
    ColumnRename(2026, _RS, "res_52", "Res_52", line=512, was_line=466),
    ColumnRename(2026, _RS, "res_tot", "Res_tot", line=513, was_line=467),
    # Renamed in newplans.csv only (caseload.csv keeps the _2022 names, 2026 lines 75 and 107).
    ColumnRename(2026, _NP, "await_prov", "await_prov_2022", line=199, was_line=191),
    ColumnRename(2026, _NP, "perm_ex", "perm_ex_2022", line=231, was_line=223),
    # annual_reviews.csv, reworked for reviews in 2025: the same counts under new names.
    ColumnRename(2026, _AR, "review_expected_2025", "review_expected", line=440, was_line=420),
    ColumnRename(2026, _AR, "review_not_expected_2025", "review_not_expected", line=442, was_line=424),
    ColumnRename(2026, _AR, "outcome_amended", "outcome_amend", line=435, was_line=410),
    ColumnRename(2026, _AR, "outcome_ceased", "outcome_cease", line=436, was_line=411),
    ColumnRename(2026, _AR, "outcome_maintained", "outcome_maintan", line=437, was_line=412),
    ColumnRename(2026, _AR, "no_outcome_recorded", "no_outcome", line=434, was_line=406),
    ColumnRename(2026, _AR, "decision_4_weeks", "number_decsion_4weeks", line=432, was_line=409),
    ColumnRename(2026, _AR, "decision_over_4_weeks", "number_decision_gt_4weeks", line=433, was_line=408),
)

_SPLIT = ("special_academy", "special_free_school")
_COMPLETED = ("review_completed_2025", "review_completed_prior_2025", "review_not_completed")
_COMPLETED_LINES = (438, 439, 441)
_DECISIONS = ("decision_4_weeks", "decision_over_4_weeks")
_NO_PERCENT = "2026 publishes the counts only (stored as number_decsion_4weeks and number_decision_gt_4weeks)"

RETIRED: tuple[ColumnRetired, ...] = (
    ColumnRetired(2026, _CL, "special_academy_free", 110, "split", _SPLIT, lines=(110, 111)),
    ColumnRetired(2026, _NP, "special_academy_free", 226, "split", _SPLIT, lines=(234, 235)),
    ColumnRetired(
        2026,
        _CP,
        "not_rec",
        507,
        "removed",
        note="nothing replaced it; the 2026 guidance (line 567) describes other as 'Number ceased for other "
        "reasons', as the 2025 guidance described not_rec",
    ),
    # annual_reviews.csv (2026 lines 429-443): reviews completed instead of meetings and decisions recorded.
    *(
        ColumnRetired(2026, _AR, column, was_line, "reworked", _COMPLETED, lines=_COMPLETED_LINES)
        for column, was_line in (
            ("review_meeting_25", 422),
            ("review_meeting_24", 421),
            ("review_meeting_prior_24", 423),
            ("total_review_meeting", 426),
            ("no_review_meeting", 407),
            ("review_decision25", 419),
            ("review_decision24", 418),
            ("review_decision_prior24", 417),
            ("review_decision_not_due", 415),
            ("review_decision_outstanding", 416),
        )
    ),
    ColumnRetired(2026, _AR, "pc_decsion_4weeks", 414, "reworked", _DECISIONS, lines=(432, 433), note=_NO_PERCENT),
    ColumnRetired(2026, _AR, "pc_decision_gt_4weeks", 413, "reworked", _DECISIONS, lines=(432, 433), note=_NO_PERCENT),
)

ADDED: tuple[ColumnAdded, ...] = (
    ColumnAdded(2026, _CL, "special_academy", 110),
    ColumnAdded(2026, _CL, "special_free_school", 111),
    ColumnAdded(2026, _NP, "special_academy", 234),
    ColumnAdded(2026, _NP, "special_free_school", 235),
    ColumnAdded(2026, _TL, "avg_weeks_issue_plan", 392),
    ColumnAdded(2026, _TL, "avg_weeks_issue_plan_exc", 393),
    ColumnAdded(2026, _SNN, "number_ds", 271),
    ColumnAdded(2026, _SNN, "ds_pc", 265),
    ColumnAdded(2026, _SN, "number_ds", 149),
    ColumnAdded(2026, _SN, "ds_pc", 143),
    *(ColumnAdded(2026, _AR, column, line) for column, line in zip(_COMPLETED, _COMPLETED_LINES, strict=True)),
    ColumnAdded(2026, _PT, "number_plans", 465),
    ColumnAdded(2026, _PT, "due_25", 461),
    ColumnAdded(2026, _PT, "due_26", 462),
    ColumnAdded(2026, _PT, "final_25", 463),
    ColumnAdded(2026, _PT, "final_26", 464),
)

# Lookups, by lower-case name.
_FILE = {r.spelling.lower(): r.stored for r in FILE_RENAMES} | {r.stored.lower(): r.stored for r in FILE_RENAMES}
_COLUMN = {(r.file, r.spelling.lower()): r.stored for r in COLUMN_RENAMES}
_COLUMN |= {(r.file, r.stored.lower()): r.stored for r in COLUMN_RENAMES}
_STORED_BY_NAME: dict[str, set[str]] = {}
for (_file, _key), _stored in _COLUMN.items():
    _STORED_BY_NAME.setdefault(_key, set()).add(_stored)


def stored_file_name(name: str) -> str:
    """SEND Hub's name for a release's file: ``sen_needs_caseload.csv`` -> ``sen_needs_all_plans.csv``."""
    return _FILE.get(name.lower(), name.lower())


def stored_column_name(file: str, name: str) -> str:
    """SEND Hub's name for column ``name`` of ``file`` (its stored name) as any release spells it, any case."""
    key = name.lower()
    return _COLUMN.get((file, key), key)


def lookup_names(name: str) -> set[str]:
    """Every stored name that ``name`` (any release's spelling, any letter case) can mean, in any file.

    The name as given is included too, for figures stored before names were normalised.
    """
    key = name.lower()
    return {name, key} | _STORED_BY_NAME.get(key, set())


def names_column(file: str, stored: str, name: str) -> bool:
    """True when ``name`` (as typed) is a spelling of ``file``'s stored column ``stored``."""
    return stored.lower() == name.lower() or _COLUMN.get((file, name.lower())) == stored


def _lines(lines: tuple[int, ...]) -> str:
    if len(lines) > 1 and lines == tuple(range(lines[0], lines[0] + len(lines))):
        return f"lines {lines[0]}-{lines[-1]}"
    return ("line " if len(lines) == 1 else "lines ") + ", ".join(str(n) for n in lines)


def _and(names: tuple[str, ...]) -> str:
    return names[0] if len(names) == 1 else f"{', '.join(names[:-1])} and {names[-1]}"


def why_missing(name: str, file: str | None = None) -> str | None:
    """Why a column is not in a release that lacks it, if a release change explains it; else None.

    ``file`` is SEND Hub's file name when the caller named one. E.g. "special_academy_free was split in the 2026
    release into special_academy and special_free_school (caseload.csv: DfE's 2026 data guidance lines 110-111;
    newplans.csv: lines 234-235)."
    """
    key = name.lower()
    retired = [r for r in RETIRED if r.column == key and file in (None, r.file)]
    if retired:
        first = retired[0]
        if first.how == "split":
            text = f"{first.column} was split in the {first.release} release into {_and(first.replaced_by)}"
        elif first.replaced_by:
            text = (
                f"{first.column} was removed in the {first.release} release, which publishes "
                f"{_and(first.replaced_by)} instead"
            )
        else:
            text = f"{first.column} was removed in the {first.release} release"
        where = [f"{r.file}: {_lines(r.lines)}" if r.lines else r.file for r in retired]
        if first.lines:
            where[0] = where[0].replace(": ", f": {GUIDANCE[first.release]} ", 1)
        note = f"; {first.note}" if first.note else ""
        return f"{text} ({'; '.join(where)}){note}."
    added = [a for a in ADDED if a.column == key and file in (None, a.file)]
    if added:
        first = added[0]
        split = [r for r in RETIRED if r.file == first.file and key in r.replaced_by and r.how == "split"]
        before = f"; earlier releases publish {split[0].column} instead" if split else ""
        where = [f"{a.file}: line {a.line}" for a in added]
        where[0] = where[0].replace(": ", f": {GUIDANCE[first.release]} ", 1)
        return f"{key} is first published in the {first.release} release ({'; '.join(where)}){before}."
    return None
