"""A fictional GIAS extract in the real file format, for the demonstration and for tests.

The names and URNs are invented; the shape is GIAS's own: its column names and order (a subset of the ~140
columns of the "establishment fields" download, including some we do not read), Windows-1252 encoding, dates as
dd-mm-yyyy, CRLF line ends, every cell quoted. The mix of types follows a large shire county's.
"""

from __future__ import annotations

import csv
import io
import random
from dataclasses import dataclass
from datetime import date

HEADER = (
    "URN", "LA (code)", "LA (name)", "EstablishmentNumber", "EstablishmentName", "TypeOfEstablishment (code)",
    "TypeOfEstablishment (name)", "EstablishmentTypeGroup (code)", "EstablishmentTypeGroup (name)",
    "EstablishmentStatus (code)", "EstablishmentStatus (name)", "ReasonEstablishmentOpened (name)", "OpenDate",
    "ReasonEstablishmentClosed (name)", "CloseDate", "PhaseOfEducation (code)", "PhaseOfEducation (name)",
    "StatutoryLowAge", "StatutoryHighAge", "Town", "Postcode", "UKPRN", "TypeOfResourcedProvision (name)",
    "ResourcedProvisionOnRoll", "ResourcedProvisionCapacity", "SenUnitOnRoll", "SenUnitCapacity",
)

# TypeOfEstablishment (code, name) → EstablishmentTypeGroup (code, name), as GIAS publishes them.
TYPES: dict[str, tuple[int, int, str]] = {
    "Community school": (1, 4, "Local authority maintained schools"),
    "Voluntary aided school": (2, 4, "Local authority maintained schools"),
    "Voluntary controlled school": (3, 4, "Local authority maintained schools"),
    "Foundation school": (5, 4, "Local authority maintained schools"),
    "Community special school": (7, 5, "Special schools"),
    "Non-maintained special school": (8, 5, "Special schools"),
    "Other independent special school": (10, 3, "Independent schools"),
    "Other independent school": (11, 3, "Independent schools"),
    "Foundation special school": (12, 5, "Special schools"),
    "Pupil referral unit": (14, 4, "Local authority maintained schools"),
    "Local authority nursery school": (15, 4, "Local authority maintained schools"),
    "Further education": (18, 1, "Colleges"),
    "Academy sponsor led": (28, 10, "Academies"),
    "Sixth form centres": (31, 1, "Colleges"),
    "Special post 16 institution": (32, 1, "Colleges"),
    "Academy special sponsor led": (33, 10, "Academies"),
    "Academy converter": (34, 10, "Academies"),
    "Free schools": (35, 11, "Free Schools"),
    "Free schools special": (36, 11, "Free Schools"),
    "Free schools alternative provision": (38, 11, "Free Schools"),
    "Free schools 16 to 19": (39, 11, "Free Schools"),
    "University technical college": (40, 11, "Free Schools"),
    "Academy alternative provision converter": (42, 10, "Academies"),
    "Academy special converter": (44, 10, "Academies"),
    "Academy 16-19 converter": (45, 10, "Academies"),
    # Accredited online education providers, a GIAS type since 2023 (codes as GIAS lists them, unverified here:
    # only the name decides a placement's column).
    "Online provider": (49, 13, "Online provider"),
}
PHASES = {"Primary": 2, "Secondary": 4, "Not applicable": 0, "16 plus": 6, "All-through": 7, "Nursery": 1}

# How many of each type a large county has (open), roughly: about 600 schools, a dozen colleges.
COUNTY_MIX = (
    ("Community school", "Primary", 190), ("Voluntary aided school", "Primary", 110),
    ("Voluntary controlled school", "Primary", 60), ("Foundation school", "Secondary", 12),
    ("Community school", "Secondary", 20), ("Academy converter", "Primary", 70),
    ("Academy converter", "Secondary", 35), ("Academy sponsor led", "Secondary", 12),
    ("Academy sponsor led", "Primary", 15), ("Free schools", "Primary", 4), ("Free schools", "Secondary", 3),
    ("Community special school", "Not applicable", 20), ("Foundation special school", "Not applicable", 3),
    ("Academy special converter", "Not applicable", 5), ("Free schools special", "Not applicable", 3),
    ("Non-maintained special school", "Not applicable", 2), ("Other independent special school", "Not applicable", 14),
    ("Other independent school", "All-through", 12), ("Pupil referral unit", "Not applicable", 8),
    ("Academy alternative provision converter", "Not applicable", 1), ("Further education", "16 plus", 8),
    ("Sixth form centres", "16 plus", 3), ("Special post 16 institution", "16 plus", 3),
    ("Local authority nursery school", "Nursery", 4),
    # Appended, so that the URNs of the types above stay as they were: a placement in every caseload column
    # Lancashire's published caseload has (an online provider: 1 plan at January 2025), and an AP free school.
    ("Online provider", "Not applicable", 1), ("Free schools alternative provision", "Not applicable", 1),
)
_PLACES = ("Preston", "Lancaster", "Burnley", "Chorley", "Skelmersdale", "Accrington", "Morecambe", "Nelson",
           "Leyland", "Ormskirk", "Clitheroe", "Fleetwood", "Colne", "Darwen", "Carnforth", "Garstang")
_NAME_WORDS = ("Brook", "Meadow", "Oak", "Willow", "Hill", "Moor", "Valley", "Castle", "Green", "Ridge", "Park",
               "Fell", "Beacon", "Riverside", "Heath", "Orchard", "Cedar", "Larch", "Rowan", "Holly")
_UNIT_LETTERS = "ABDEFGHJLNPQRSTUWXYZ"
_NAME_ENDINGS = {
    "Primary": "Primary School", "Secondary": "High School", "Not applicable": "School", "16 plus": "College",
    "All-through": "School", "Nursery": "Nursery School",
}


@dataclass(frozen=True)
class FictionalEstablishment:
    urn: int
    la_code: str
    la_name: str
    name: str
    type_name: str
    phase: str
    status: str = "Open"
    open_date: date | None = None
    close_date: date | None = None
    postcode: str = ""
    ukprn: str = ""
    resourced_provision: str = ""

    def row(self, number: int) -> list[str]:
        type_code, group_code, group_name = TYPES[self.type_name]
        status_code = "2" if self.status.startswith("Closed") else "1"
        return [
            str(self.urn), self.la_code, self.la_name, str(2000 + number), self.name, str(type_code), self.type_name,
            str(group_code), group_name, status_code, self.status,
            "Academy Converter" if self.type_name.startswith("Academy") else "Not applicable",
            _dmy(self.open_date), "Academy Converter" if self.close_date else "Not applicable", _dmy(self.close_date),
            str(PHASES.get(self.phase, 0)), self.phase, "4" if self.phase != "16 plus" else "16",
            "11" if self.phase == "Primary" else "19", _PLACES[number % len(_PLACES)], self.postcode, self.ukprn,
            self.resourced_provision, "", "", "", "",
        ]


def _dmy(value: date | None) -> str:
    return value.strftime("%d-%m-%Y") if value else ""


def county_establishments(*, la_code: str = "888", la_name: str = "Lancashire", seed: int = 20250103,
                          first_urn: int = 900001) -> list[FictionalEstablishment]:
    """A county's worth of invented establishments, in GIAS's mix of types; about a tenth of the schools open as
    academies after converting, with their closed predecessor kept (a new URN, as GIAS does)."""
    rng = random.Random(seed)
    made: list[FictionalEstablishment] = []
    urn = first_urn
    ukprn = 10090001
    for type_name, phase, count in COUNTY_MIX:
        for _ in range(count):
            name = f"{rng.choice(_NAME_WORDS)} {rng.choice(_PLACES)} {_NAME_ENDINGS[phase]}"
            postcode = f"PR{rng.randint(1, 9)} {rng.randint(1, 9)}{''.join(rng.choices(_UNIT_LETTERS, k=2))}"
            college = type_name in {"Further education", "Sixth form centres", "Special post 16 institution"}
            resourced = ""
            if type_name in {"Community school", "Academy converter"} and rng.random() < 0.06:
                resourced = rng.choice(("Resourced provision", "SEN unit", "Resourced provision and SEN unit"))
            if type_name.startswith("Academy") and rng.random() < 0.3:
                # The school it converted from: same name, LA maintained, closed the day before.
                converted_on = date(rng.randint(2019, 2024), 9, 1)
                made.append(FictionalEstablishment(
                    urn=urn, la_code=la_code, la_name=la_name, name=name,
                    type_name="Community special school" if "special" in type_name else "Community school",
                    phase=phase, status="Closed", open_date=None, close_date=converted_on.replace(day=1, month=8),
                    postcode=postcode))
                urn += 1
                made.append(FictionalEstablishment(
                    urn=urn, la_code=la_code, la_name=la_name, name=name, type_name=type_name, phase=phase,
                    status="Open", open_date=converted_on, postcode=postcode, resourced_provision=resourced))
            else:
                made.append(FictionalEstablishment(
                    urn=urn, la_code=la_code, la_name=la_name, name=name, type_name=type_name, phase=phase,
                    status="Open", postcode=postcode, ukprn=str(ukprn) if college else "",
                    resourced_provision=resourced))
            if college:
                ukprn += 1
            urn += 1
    return made


def write_extract(establishments: list[FictionalEstablishment]) -> bytes:
    """The establishments as GIAS writes its CSV: every cell quoted, CRLF, Windows-1252."""
    out = io.StringIO(newline="")
    writer = csv.writer(out, quoting=csv.QUOTE_ALL, lineterminator="\r\n")
    writer.writerow(HEADER)
    for number, establishment in enumerate(establishments):
        writer.writerow(establishment.row(number))
    return out.getvalue().encode("cp1252")
