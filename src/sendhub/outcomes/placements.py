"""Where a child with an EHC plan is placed, in the columns of DfE's ``caseload.csv``.

Pure functions, no Django. A SEN2 placement names its establishment by URN (Get Information About Schools), by
UKPRN (colleges and training providers), or, for placements with no establishment, by one of eight SENsetting
codes; the SEN-unit and resourced-provision indicators say which kind of place it is in a mainstream school.
``placement_column`` turns one placement, with what GIAS says the establishment was at the reference date, into
the one column DfE counts it in. DfE publishes the columns and their totals, not the rule from GIAS types; the
table below is read from the column titles, the data guidance footnotes and GIAS's type list, and checked
against the published totals (every plan in exactly one column; see ``docs/measures.md`` and
``docs/decisions.md``).
"""

from __future__ import annotations

from dataclasses import dataclass

# caseload.csv columns, in the order DfE publishes them (2026 layout), with DfE's titles.
MAINSTREAM = (
    ("mainstream_la_maintained", "Mainstream LA maintained schools"),
    ("mainstream_la_maintained_resourced_provision", "Mainstream LA maintained schools: resourced provision"),
    ("mainstream_la_maintained_senunit", "Mainstream LA maintained schools: SEN units"),
    ("mainstream_academy", "Mainstream academies"),
    ("mainstream_academy_resourced_provision", "Mainstream academies: resourced provision"),
    ("mainstream_academy_senunit", "Mainstream academies: SEN units"),
    ("mainstream_free_school", "Mainstream free schools"),
    ("mainstream_free_school_resourced_provision", "Mainstream free schools: resourced provision"),
    ("mainstream_free_school_senunit", "Mainstream free schools: SEN units"),
    ("mainstream_independent", "Mainstream independent schools"),
)
SPECIAL = (
    ("special_la_maintained", "LA maintained special schools"),
    ("special_academy", "Special academies"),
    ("special_free_school", "Special free schools"),
    ("special_independent", "Independent special schools"),
    ("special_non_maintained", "Non-maintained special schools"),
)
AP_PRU = (
    ("ap_pru_academy", "Alternative provision academies"),
    ("ap_pru_free_school", "Alternative provision free schools"),
    ("ap_pru_la_maintained", "Pupil referral units"),
)
FE = (
    ("general_fe_tertiary_colleges", "FE colleges and sixth forms"),
    ("specialist_post_16_institutions", "Specialist post-16 institutions"),
    ("ukrlp_provider", "Other providers on the UK Register of Learning Providers"),
)
ELSEWHERE = (
    ("elective_home_education", "Elective home education"),
    ("other_arrangements_la", "Other arrangements made by the council"),
    ("other_arrangements_parents", "Other arrangements made by parents or the young person"),
    ("online_provider", "Online providers"),
    ("w_settings", "Welsh schools and establishments"),
    ("other_schools", "Other school types"),
    ("other_placement_settings", "Other types of placement"),
    ("neet", "Not in education, employment or training"),
    ("neet_ntci", "Not in education or training: notice to cease issued"),
    ("neet_other", "Not in education or training: other, not of compulsory school age"),
    ("neet_other_csa", "Not in education or training: other, of compulsory school age"),
)
EARLY_YEARS = (("nm_early_years", "Non-maintained early years settings"),)
UNKNOWN = (("placement_unknown", "Placement not recorded"),)

# Each total and the columns it adds up (DfE's totals add up exactly so from 2023/24; each plan is in one column).
TOTALS = {
    "mainstream_total": ("Mainstream schools", MAINSTREAM),
    "special_total": ("Special schools", SPECIAL),
    "ap_pru_total": ("Alternative provision and pupil referral units", AP_PRU),
    "fe_total": ("Further education and post-16", FE),
    "ed_elsewhere": ("Educated elsewhere", ELSEWHERE),
    "nm_early_years": ("Non-maintained early years settings", EARLY_YEARS),
    "placement_unknown": ("Placement not recorded", UNKNOWN),
}
COLUMNS: tuple[tuple[str, str], ...] = MAINSTREAM + SPECIAL + AP_PRU + FE + ELSEWHERE + EARLY_YEARS + UNKNOWN
COLUMN_NAMES = frozenset(name for name, _title in COLUMNS)
# DfE's 2025 release (and earlier) publishes special academies and special free schools as one column.
SPECIAL_ACADEMY_FREE = ("special_academy_free", ("special_academy", "special_free_school"))

# SENsetting: the eight codes for placements with no establishment (URN or UKPRN), as the specification lists them.
SETTING_CODES = {
    "OLA": "Other arrangements made by the council (education otherwise than at school)",
    "OPA": "Other arrangements made by parents or the young person (not elective home education)",
    "EHE": "Elective home education",
    "EYP": "Early years provider with no URN",
    "OTH": "Other (a type of setting named, or none of the others)",
    "NEET": "Not in education, employment or training (16 to 25)",
    "NIEC": "Not in education or training: notice to cease issued",
    "NIEO": "Not in education or training: other",
}
_SETTING_COLUMN = {
    "OLA": "other_arrangements_la",
    "OPA": "other_arrangements_parents",
    "EHE": "elective_home_education",
    "EYP": "nm_early_years",
    "OTH": "other_placement_settings",
    "NEET": "neet",
    "NIEC": "neet_ntci",
}

# GIAS TypeOfEstablishment (name) → (kind, column or mainstream family). Families take the SEN-unit and
# resourced-provision indicators; the other kinds name their column directly.
_MAINSTREAM_FAMILY = {
    "Community school": "la_maintained",
    "Voluntary aided school": "la_maintained",
    "Voluntary controlled school": "la_maintained",
    "Foundation school": "la_maintained",
    "Local authority nursery school": "la_maintained",
    "Academy converter": "academy",
    "Academy sponsor led": "academy",
    "Academy 16-19 converter": "academy",
    "Academy 16 to 19 sponsor led": "academy",
    "Free schools": "free_school",
    "Free schools 16 to 19": "free_school",
    "University technical college": "free_school",
    "Studio schools": "free_school",
}
_TYPE_COLUMN = {
    "Other independent school": "mainstream_independent",
    "City technology college": "mainstream_independent",
    "Community special school": "special_la_maintained",
    "Foundation special school": "special_la_maintained",
    "Academy special converter": "special_academy",
    "Academy special sponsor led": "special_academy",
    "Free schools special": "special_free_school",
    "Other independent special school": "special_independent",
    "Non-maintained special school": "special_non_maintained",
    "Pupil referral unit": "ap_pru_la_maintained",
    "Academy alternative provision converter": "ap_pru_academy",
    "Academy alternative provision sponsor led": "ap_pru_academy",
    "Free schools alternative provision": "ap_pru_free_school",
    "Further education": "general_fe_tertiary_colleges",
    "Sixth form centres": "general_fe_tertiary_colleges",
    "Higher education institutions": "general_fe_tertiary_colleges",
    "Special post 16 institution": "specialist_post_16_institutions",
    "Online provider": "online_provider",
    "Welsh establishment": "w_settings",
    "Secure units": "other_schools",
    "Offshore schools": "other_schools",
    "Service children's education": "other_schools",
    "Miscellaneous": "other_schools",
    "British schools overseas": "other_schools",
    "Institution funded by other government department": "other_schools",
    "Academy secure 16 to 19": "other_schools",
    # Early childhood services with a URN: neither a school nor a non-maintained early years provider (EYP is
    # "no URN"), so "all other settings not otherwise listed" (2025 data guidance, caseload.csv footnote 3).
    "Children's centre": "other_placement_settings",
    "Children's centre linked site": "other_placement_settings",
}
KNOWN_TYPES = frozenset(_MAINSTREAM_FAMILY) | frozenset(_TYPE_COLUMN)
# Names older Edubase and GIAS extracts (and exports built from them) give a type GIAS now spells otherwise.
LEGACY_TYPE_NAMES = {
    "LA Nursery School": "Local authority nursery school",
    "Free Schools - Alternative Provision": "Free schools alternative provision",
    "Free School - Alternative Provision": "Free schools alternative provision",
    "Free Schools - 16-19": "Free schools 16 to 19",
    "Academy 16-19 Sponsor Led": "Academy 16 to 19 sponsor led",
    "Service Childrens Education": "Service children's education",
    "Higher Education Institution": "Higher education institutions",
    "British Overseas Schools": "British schools overseas",
}
# Compulsory school age, as the age at the start of the academic year (31 August): 5 to 15, year 1 to year 11
# (a reception child reaches compulsory school age during the year, and is counted as not yet of it).
COMPULSORY_SCHOOL_AGES = range(5, 16)


@dataclass(frozen=True, slots=True)
class Placement:
    """One SEN2 PlacementDetail: the establishment by URN or UKPRN, or a SENsetting code."""

    urn: str = ""
    ukprn: str = ""
    setting: str = ""
    sen_unit: bool = False
    resourced_provision: bool = False


@dataclass(frozen=True, slots=True)
class Placed:
    """The column, and why it could not be decided when it is ``placement_unknown`` (for the import's warnings)."""

    column: str
    unresolved_urn: str = ""
    unresolved_ukprn: str = ""
    unknown_type: str = ""


def placement_column(placement: Placement | None, *, type_of_urn: dict[str, str], type_of_ukprn: dict[str, str],
                     age_at_start_of_year: int | None) -> Placed:
    """The caseload column of a plan whose placement at the reference date is ``placement`` (None: none covers it).

    ``type_of_urn`` / ``type_of_ukprn`` give GIAS's TypeOfEstablishment (name) of each establishment as it was at
    the reference date. The URN decides when it is given, then the UKPRN, then the SENsetting code, as the
    specification orders them. A URN GIAS does not know is never guessed: ``placement_unknown``. A UKPRN GIAS
    does not know belongs to a provider registered only on UKRLP (a training provider), which is what DfE's
    ``ukrlp_provider`` column counts.
    """
    if placement is None:
        return Placed("placement_unknown")
    if placement.urn:
        type_name = type_of_urn.get(placement.urn)
        if type_name is None:
            return Placed("placement_unknown", unresolved_urn=placement.urn)
        return _by_type(type_name, placement)
    if placement.ukprn:
        type_name = type_of_ukprn.get(placement.ukprn)
        return _by_type(type_name, placement) if type_name is not None else Placed("ukrlp_provider")
    code = placement.setting.strip().upper()
    if code == "NIEO":
        of_school_age = age_at_start_of_year is not None and age_at_start_of_year in COMPULSORY_SCHOOL_AGES
        return Placed("neet_other_csa" if of_school_age else "neet_other")
    return Placed(_SETTING_COLUMN.get(code, "placement_unknown"))


def _fold(type_name: str) -> str:
    return " ".join(type_name.replace("\u2019", "'").split()).casefold()


# GIAS's names matched whatever their letter case, spacing or apostrophe (GIAS writes sentence case; Edubase wrote
# Title Case), and the legacy names above.
_TYPE_BY_FOLDED = {
    **{_fold(name): name for name in KNOWN_TYPES},
    **{_fold(old): name for old, name in LEGACY_TYPE_NAMES.items()},
}


def known_type(type_name: str) -> str | None:
    """GIAS's current name for ``type_name`` (``COMMUNITY SCHOOL`` → ``Community school``); None when unknown."""
    if type_name in KNOWN_TYPES:
        return type_name
    return _TYPE_BY_FOLDED.get(_fold(type_name))


def _by_type(type_name: str, placement: Placement) -> Placed:
    known = known_type(type_name)
    if known is None:
        return Placed("placement_unknown", unknown_type=type_name)
    type_name = known
    family = _MAINSTREAM_FAMILY.get(type_name)
    if family is not None:
        # A place both in a SEN unit and in resourced provision (the indicators are not exclusive in SEN2, DfE's
        # columns are) is counted as a SEN unit place: see docs/decisions.md.
        if placement.sen_unit:
            return Placed(f"mainstream_{family}_senunit")
        if placement.resourced_provision:
            return Placed(f"mainstream_{family}_resourced_provision")
        return Placed(f"mainstream_{family}")
    return Placed(_TYPE_COLUMN[type_name])


def column_rule(column: str) -> str:
    """In words, which placements a column counts (for ``docs/measures.md``)."""
    if column == "placement_unknown":
        return ("no PlacementDetail covering the reference date, a URN that GIAS does not know at that date, a GIAS "
                "type not in this table, a SENsetting that is not one of the eight codes, or none of URN, UKPRN "
                "and SENsetting")
    if column == "ukrlp_provider":
        return "a UKPRN (and no URN) that no establishment in GIAS has: a provider on UKRLP only"
    if column in ("neet_other", "neet_other_csa"):
        ages = "5 to 15" if column == "neet_other_csa" else "under 5 or over 15"
        return f"SENsetting NIEO with an age at the start of the academic year of {ages}"
    code = next((c for c, name in _SETTING_COLUMN.items() if name == column), None)
    if code is not None:
        types = [t for t, name in _TYPE_COLUMN.items() if name == column]
        also = f", or a URN or UKPRN whose GIAS type is {', '.join(types)}" if types else ""
        return f"SENsetting {code} (no URN or UKPRN){also}"
    for family in ("la_maintained", "academy", "free_school"):
        for suffix, words in (("", "with neither SENunitIndicator nor ResourcedProvisionIndicator 1"),
                              ("_resourced_provision", "with ResourcedProvisionIndicator 1 and SENunitIndicator 0"),
                              ("_senunit", "with SENunitIndicator 1")):
            if column == f"mainstream_{family}{suffix}":
                types = [t for t, f in _MAINSTREAM_FAMILY.items() if f == family]
                return f"a URN or UKPRN whose GIAS type is {', '.join(types)}, {words}"
    types = [t for t, name in _TYPE_COLUMN.items() if name == column]
    return f"a URN or UKPRN whose GIAS type is {', '.join(types)}"


def total_of(column: str) -> str:
    """The total a column adds into (``mainstream_la_maintained`` → ``mainstream_total``)."""
    for total, (_title, members) in TOTALS.items():
        if any(name == column for name, _t in members):
            return total
    raise KeyError(column)
