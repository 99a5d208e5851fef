"""The Lancashire demonstration area: content and the function that builds it.

What is real and what is invented:

* Real, public history: Lancashire's local area SEND inspections (November 2017, the March 2020 revisit and
  December 2024), the themes of their findings and the overall judgements (see docs SEND-DOMAIN.md, "The
  worked example: Lancashire"). The findings' wording here is our summary, never the report's own, so every
  finding has ``text_is_summary=True``. Exact publication days are approximate. Which five of the twelve 2017
  areas the revisit judged "not sufficient" is our illustrative choice, consistent with the themes that
  recur in the 2024 findings.
* Real bodies: Lancashire County Council, NHS Lancashire and South Cumbria ICB, Lancashire Parent Carer Forum,
  the Department for Education and NHS England.
* Invented: every person, every other organisation (named "... (demonstration)"), every action, milestone,
  progress update, figure, comment and piece of evidence. Descriptions say so.

Dates of the current improvement plan are relative to the day the data is loaded, so the demo always has
overdue actions, milestones due in the next 30 days and updates from the last few weeks. Everything else is
deterministic (``random.Random(2026)``).
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta

from django.contrib.auth.hashers import make_password
from django.contrib.auth.password_validation import validate_password
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from sendhub.accounts.models import LocalArea, Membership, Organisation, Role, User
from sendhub.improvement import services
from sendhub.improvement.models import (
    Action,
    Comment,
    Evidence,
    Finding,
    Inspection,
    Judgement,
    Milestone,
    ProgressUpdate,
)

DEMO_PASSWORD = "demo-password-2026"  # noqa: S105 - a published demonstration password
AREA_NAME, AREA_SLUG, LA_CODE, ONS_CODE = "Lancashire", "lancashire", "888", "E10000017"
ADMIN_EMAIL = "admin@lancashire.demo"
REPORT_URL = "https://reports.ofsted.gov.uk/provider/44/80521"  # illustrative: Ofsted's page for the area
SEED = 2026
DEMO_NOTE = "Demonstration data: invented for the SEND Hub demo, not Lancashire's real plan."
K = Organisation.Kind

# Organisations ---------------------------------------------------------------------------------------------
# key: (name, short name, kind)
ORGANISATIONS: dict[str, tuple[str, str, str]] = {
    "lcc": ("Lancashire County Council", "LCC", K.LOCAL_AUTHORITY),
    "icb": ("NHS Lancashire and South Cumbria ICB", "L&SC ICB", K.HEALTH),
    "pcf": ("Lancashire Parent Carer Forum", "LPCF", K.PARENT_CARER_FORUM),
    "special": ("Lancashire Special Schools Partnership (demonstration)", "Special Schools (demo)", K.EDUCATION),
    "inclusion": ("Lancashire Mainstream Inclusion Network (demonstration)", "Inclusion Network (demo)",
                  K.EDUCATION),
    "colleges": ("Lancashire Post-16 Colleges Group (demonstration)", "Colleges Group (demo)", K.EDUCATION),
    "community": ("Lancashire Children's Community Health Services (demonstration)", "Community Health (demo)",
                  K.HEALTH),
    "social": ("Lancashire Children with Disabilities Social Care (demonstration)", "Social Care (demo)",
               K.SOCIAL_CARE),
    "sendiass": ("Lancashire SEND Information, Advice and Support Service (demonstration)", "SENDIASS (demo)",
                 K.OTHER),
}
NATIONAL_ORGANISATIONS: dict[str, tuple[str, str, str]] = {
    "dfe": ("Department for Education", "DfE", K.DFE),
    "nhse": ("NHS England", "NHS England", K.NHS_ENGLAND),
}

# People (all invented) -------------------------------------------------------------------------------------
# key: (email, full name, job title, role, organisation key)
PEOPLE: dict[str, tuple[str, str, str, str, str]] = {
    "admin": (ADMIN_EMAIL, "Alex Morgan", "SEND Improvement Programme Manager", Role.ADMINISTRATOR, "lcc"),
    # Two more administrators: a monitoring pack is sent for review, signed off and issued by three people.
    "director": ("director.education@lancashire.demo", "Helen Ashworth", "Director of Education, Culture and Skills",
                 Role.ADMINISTRATOR, "lcc"),
    "icb_exec": ("send.executive@lancashire.demo", "Dr Owen Price", "Executive Lead for SEND, Integrated Care Board",
                 Role.ADMINISTRATOR, "icb"),
    "council": ("editor.council@lancashire.demo", "Sam Whitaker", "Head of SEND Assessment and Review",
                Role.EDITOR, "lcc"),
    "health": ("editor.health@lancashire.demo", "Dr Priya Shah", "Designated Clinical Officer for SEND",
               Role.EDITOR, "icb"),
    "forum": ("forum@lancashire.demo", "Jo Hartley", "Co-chair, Parent Carer Forum", Role.FORUM_MEMBER, "pcf"),
    "monitor": ("monitor@dfe.demo", "Chris Okafor", "SEND Adviser, Department for Education", Role.MONITOR,
                "dfe"),
    "viewer": ("viewer@lancashire.demo", "Ruth Ainsworth", "Headteacher, special school", Role.VIEWER, "special"),
    "nhse": ("monitor@nhsengland.demo", "Grace Adeyemi", "Regional SEND Lead, NHS England North West",
             Role.MONITOR, "nhse"),
    "ehc": ("ehc.lead@lancashire.demo", "Imran Patel", "EHC Assessment Team Manager", Role.EDITOR, "lcc"),
    "pfa": ("pfa.lead@lancashire.demo", "Hannah Cross", "Preparing for Adulthood Lead", Role.EDITOR, "lcc"),
    "comms": ("comms.lead@lancashire.demo", "Megan Lloyd", "SEND Communications and Engagement Lead",
              Role.EDITOR, "lcc"),
    "ep": ("ep.lead@lancashire.demo", "Dr Tom Bradley", "Principal Educational Psychologist", Role.EDITOR, "lcc"),
    "commissioning": ("commissioning.lead@lancashire.demo", "Fiona Grant", "Head of Children's Commissioning",
                      Role.EDITOR, "icb"),
    "nd": ("nd.lead@lancashire.demo", "Dr Aisha Rahman", "Clinical Lead, Neurodevelopmental Pathway",
           Role.EDITOR, "community"),
    "special": ("special.lead@lancashire.demo", "Mark Fielding", "Chair, Special Schools Partnership",
                Role.EDITOR, "special"),
    "inclusion": ("inclusion.lead@lancashire.demo", "Kerry Dunn", "Inclusion Network Co-ordinator", Role.EDITOR,
                  "inclusion"),
    "social": ("socialcare.lead@lancashire.demo", "Daniel Hughes", "Service Manager, Children with Disabilities",
               Role.EDITOR, "social"),
    "colleges": ("colleges.lead@lancashire.demo", "Laura Benson", "Post-16 SEND Lead", Role.EDITOR, "colleges"),
}
# The logins printed at the end, one per role.
LOGIN_KEYS = ["admin", "council", "health", "forum", "monitor", "viewer"]

# Inspections (real history; dates of publication approximate) --------------------------------------------
INSPECTION_2017 = {
    "framework": "2016", "kind": Inspection.Kind.FULL,
    "start_date": date(2017, 11, 13), "end_date": date(2017, 11, 17),
    "published_date": date(2018, 1, 23),  # approximate: the letter was published in January 2018
    "summary": (
        "Joint local area SEND inspection by Ofsted and the CQC. Inspectors found two fundamental failings and "
        "12 areas of significant concern, and required a Written Statement of Action (WSoA) from the local "
        "authority and the then clinical commissioning groups (CCGs). Summary written for the SEND Hub "
        "demonstration: read the published letter for the inspectors' own words."
    ),
}
INSPECTION_2020 = {
    "framework": "2016", "kind": Inspection.Kind.REVISIT,
    "start_date": date(2020, 3, 2), "end_date": date(2020, 3, 6),
    "published_date": date(2020, 5, 12),  # approximate
    "summary": (
        "Revisit to judge progress against the 12 areas of significant concern. Sufficient progress in 7 areas "
        "and not in 5; an Accelerated Progress Plan followed, monitored by the DfE SEND Intervention Unit and "
        "NHS England. Parents were described as valued, trusted and equal partners, and strategic leadership "
        "as significantly improved. Summary written for the SEND Hub demonstration."
    ),
}
INSPECTION_2024 = {
    "framework": "2023", "kind": Inspection.Kind.FULL,
    "start_date": date(2024, 12, 9), "end_date": date(2024, 12, 13),
    "published_date": date(2025, 2, 7),  # approximate: the report was published in February 2025
    "outcome": Inspection.Outcome.SYSTEMIC_FAILINGS,
    "summary": (
        "Area SEND inspection under the framework of January 2023: widespread and/or systemic failings leading to "
        "significant concerns. Three areas for priority action and two areas for improvement. A DfE "
        "Improvement Notice followed in June 2025. Summary written for the SEND Hub demonstration."
    ),
}

T = Finding.Theme
# reference: (title, summary text, theme, responsible organisation keys)
FINDINGS_2017: dict[str, tuple[str, str, str, list[str]]] = {
    "SW1": ("Leaders' understanding of the local area is inaccurate",
            "Leaders in the local authority and the clinical commissioning groups (CCGs, whose duties passed to "
            "NHS Lancashire and South Cumbria ICB in July 2022) did not have an accurate understanding of the "
            "area's strengths and weaknesses. Self-evaluation was over-optimistic and not based on reliable "
            "information.", T.LEADERSHIP, ["lcc", "icb"]),
    "SW2": ("Weak strategic leadership and no effective strategy to improve outcomes",
            "Strategic leadership of SEND was weak across education, health and care. There was no effective, "
            "shared strategy to improve outcomes for children and young people with SEND.",
            T.LEADERSHIP, ["lcc", "icb"]),
    "SW3": ("SEND is not a priority for elected members",
            "The reforms and the needs of children and young people with SEND had not been a priority for "
            "elected members, so scrutiny and challenge were limited.", T.LEADERSHIP, ["lcc"]),
    "SW4": ("Inconsistent provision and practice across the county",
            "The quality of identification, assessment and support varied widely between districts and between "
            "settings, so families' experience depended on where they lived.", T.INCLUSION, ["lcc", "icb"]),
    "SW5": ("Parents have lost trust in the local area and are poorly engaged",
            "Many parents had lost trust in the local area. Engagement and co-production with families and the "
            "parent carer forum were poor.", T.COMMUNICATION, ["lcc", "icb"]),
    "SW6": ("The quality of EHC plans is very poor",
            "Education, health and care (EHC) plans were of very poor quality: generic outcomes, missing health "
            "and care advice and little of the child's or family's voice.", T.EHC_PLANS, ["lcc", "icb"]),
    "SW7": ("Weak record keeping and information sharing",
            "Record keeping was weak and information was not shared well between education, health and care, "
            "so professionals and families had to repeat information.", T.OTHER, ["lcc", "icb"]),
    "SW8": ("EHC needs assessments and transfers are not timely",
            "Too many EHC needs assessments, and conversions of statements to EHC plans, were not completed "
            "within statutory timescales.", T.IDENTIFICATION, ["lcc"]),
    "SW9": ("Long waits for autism (ASD) and ADHD assessment",
            "Waiting times for autism and ADHD assessment were too long and varied by CCG area; families "
            "received little support while waiting.", T.HEALTH, ["icb"]),
    "SW10": ("Joint commissioning is underdeveloped",
             "The local authority and the CCGs did not jointly commission services well, so gaps in provision "
             "were not identified or filled.", T.LEADERSHIP, ["lcc", "icb"]),
    "SW11": ("The Local Offer is not well known or used",
             "Families and professionals did not know about, or could not easily use, the Local Offer.",
             T.LOCAL_OFFER, ["lcc"]),
    "SW12": ("Preparation for adulthood is weak",
             "Young people were not well prepared for adulthood: planning for employment, independent living "
             "and transition to adult health services started too late.", T.ADULTHOOD, ["lcc", "icb"]),
}
# reference: (outcome at the 2020 revisit, the revisit's view, summarised)
REVISIT_2020: dict[str, tuple[str, str]] = {
    "SW1": ("sufficient_progress", "Leaders now have an accurate, evidence-based view of the area's strengths "
            "and weaknesses, informed by data and by families."),
    "SW2": ("sufficient_progress", "Strategic leadership has significantly improved; a SEND strategy is in "
            "place and the partnership board holds services to account."),
    "SW3": ("sufficient_progress", "Elected members receive regular reports and challenge the pace of "
            "improvement."),
    "SW4": ("sufficient_progress", "Area SEND teams work to common standards, reducing variation between "
            "districts."),
    "SW5": ("sufficient_progress", "Parents are now valued, trusted and equal partners; the Parent Carer Forum "
            "co-produces the strategy."),
    "SW6": ("not_sufficient_progress", "Quality assurance has started but too many plans remain generic and "
            "health and care sections are weak."),
    "SW7": ("sufficient_progress", "A single case management system and an information sharing agreement are "
            "in place."),
    "SW8": ("sufficient_progress", "Most EHC plans are now issued within 20 weeks."),
    "SW9": ("not_sufficient_progress", "Waits for autism and ADHD assessment remain too long and vary across "
            "the county."),
    "SW10": ("not_sufficient_progress", "Joint commissioning arrangements are agreed on paper but have not yet "
             "changed services."),
    "SW11": ("not_sufficient_progress", "The refreshed Local Offer is still not well known by families."),
    "SW12": ("not_sufficient_progress", "Preparation for adulthood is still inconsistent and starts late."),
}
# 2017 findings not sufficiently improved by 2020 -> the 2024 finding that carries the concern forward
SUPERSEDED_BY_2024 = {"SW6": "PA2", "SW9": "PA3", "SW10": "PA1", "SW11": "AFI1", "SW12": "AFI2"}

FINDINGS_2024: dict[str, tuple[str, str, str, str, list[str]]] = {
    "PA1": (Finding.Kind.PRIORITY_ACTION,
            "Leaders to improve shared strategic governance, oversight, commissioning and planning",
            "Leaders in the local authority and the ICB should work together to improve shared strategic "
            "governance, oversight, joint commissioning and planning, so that they understand and meet the needs "
            "of children and young people with SEND.", T.LEADERSHIP, ["lcc", "icb"]),
    "PA2": (Finding.Kind.PRIORITY_ACTION,
            "Significantly improve the process, timeliness, quality and oversight of EHC plans and annual reviews",
            "Leaders should significantly improve the EHC needs assessment process, the timeliness and quality "
            "of EHC plans, and the timeliness and oversight of annual reviews.", T.EHC_PLANS, ["lcc"]),
    "PA3": (Finding.Kind.PRIORITY_ACTION,
            "Address delays and gaps in the neurodivergent (autism and ADHD) assessment pathway",
            "Leaders should address the long delays and gaps in the neurodevelopmental pathway for autism and "
            "ADHD assessment, and the support available to children and families.", T.HEALTH, ["icb", "lcc"]),
    "AFI1": (Finding.Kind.IMPROVEMENT,
             "Improve communication with children, young people and families",
             "Leaders should improve communication with children, young people and families, including about "
             "where to get help and support while they wait for assessment or services.", T.COMMUNICATION,
             ["lcc", "icb"]),
    "AFI2": (Finding.Kind.IMPROVEMENT,
             "Improve preparation for adulthood and transition",
             "Leaders should improve how children and young people are prepared for adulthood and supported "
             "through transitions, including into adult health and care services.", T.ADULTHOOD,
             ["lcc", "icb"]),
}

# Actions ---------------------------------------------------------------------------------------------------
# Historical Written Statement of Action items (all complete). Invented, illustrative of the 2018 WSoA.
# ref: (title, owner, lead, findings, start, due, success criteria)
HISTORICAL_ACTIONS: list[tuple[str, str, str, str, list[str], date, date, str]] = [
    ("A01", "Establish a SEND Partnership Board with an independent chair", "lcc", "council", ["SW1", "SW2"],
     date(2018, 2, 1), date(2018, 7, 31), "Board meets monthly with agreed terms of reference and a data pack."),
    ("A02", "Co-produce the SEND strategy 2019-2022 with the Parent Carer Forum", "lcc", "council",
     ["SW2", "SW5"], date(2018, 4, 1), date(2019, 3, 31), "Strategy agreed by Cabinet and the CCG boards."),
    ("A03", "Appoint an elected member SEND champion reporting quarterly to Cabinet", "lcc", "council", ["SW3"],
     date(2018, 3, 1), date(2018, 9, 30), "Quarterly Cabinet reports and scrutiny committee review."),
    ("A04", "Introduce an EHC plan quality assurance framework with multi-agency audit", "lcc", "ehc", ["SW6"],
     date(2018, 5, 1), date(2019, 12, 31), "80% of audited plans rated good or better."),
    ("A05", "Move SEND records to a single case management system", "lcc", "ehc", ["SW7"],
     date(2018, 6, 1), date(2019, 9, 30), "All EHC records held in one system; information sharing agreement signed."),
    ("A06", "Recruit additional EHC co-ordinators to clear the assessment backlog", "lcc", "ehc", ["SW8"],
     date(2018, 3, 1), date(2019, 6, 30), "Over 70% of plans issued within 20 weeks."),
    ("A07", "Commission additional autism assessment capacity across the CCG areas", "icb", "health", ["SW9"],
     date(2018, 6, 1), date(2020, 3, 31), "Maximum wait for autism assessment below 52 weeks."),
    ("A08", "Agree a joint commissioning strategy for SEND", "icb", "commissioning", ["SW10"],
     date(2018, 9, 1), date(2019, 12, 31), "Strategy signed by the council and all CCGs."),
    ("A09", "Relaunch the Local Offer website with families", "lcc", "comms", ["SW11"],
     date(2018, 7, 1), date(2019, 7, 31), "Website relaunched; 50% of surveyed parents know the Local Offer."),
    ("A10", "Set up a Preparing for Adulthood board and pathway from Year 9", "lcc", "pfa", ["SW12", "SW4"],
     date(2018, 10, 1), date(2020, 2, 28), "Pathway published; Year 9 reviews include adulthood outcomes."),
]

# The current plan (after December 2024). Profiles: done = complete; late = in progress and overdue;
# soon = due in the next 30 days; run = in progress, due later; new = not started yet; held = start delayed;
# drop = cancelled. Dates follow from the profile, relative to today.
# ref: (title, owner, lead, findings, profile, success criteria)
CURRENT_ACTIONS: list[tuple[str, str, str, str, list[str], str, str]] = [
    # PA1 - governance, oversight, commissioning and planning
    ("A11", "Establish the SEND Improvement Board with an independent chair", "lcc", "council", ["PA1"], "done",
     "Board meets monthly; terms of reference agreed by the council, the ICB and the DfE."),
    ("A12", "Agree a joint LA and ICB SEND governance framework with one risk register", "icb", "commissioning",
     ["PA1"], "done", "Framework signed by both chief executives; joint risk register reviewed monthly."),
    ("A13", "Co-produce the joint SEND strategy 2025-2028 with the Parent Carer Forum", "lcc", "council",
     ["PA1", "AFI1"], "done", "Strategy agreed by Cabinet and the ICB board; the Forum signs off the final draft."),
    ("A14", "Build a joint SEND data dashboard for the Improvement Board", "lcc", "council", ["PA1"], "run",
     "Dashboard of 20 agreed measures refreshed monthly and used at every Board meeting."),
    ("A15", "Agree a joint commissioning strategy for SEND and alternative provision", "icb", "commissioning",
     ["PA1"], "late", "Strategy agreed; three joint commissioning priorities funded."),
    ("A16", "Review sufficiency of specialist places and publish a capital plan", "lcc", "council", ["PA1"],
     "run", "Place-planning forecast to 2030 published; 300 additional specialist places commissioned."),
    ("A17", "Report SEND performance quarterly to Cabinet and the ICB board", "lcc", "council", ["PA1"], "run",
     "Four quarterly reports a year, with scrutiny committee challenge minuted."),
    ("A18", "Appoint a jointly funded Director of SEND Partnership", "lcc", "council", ["PA1"], "done",
     "Director in post with a joint LA and ICB job description."),
    ("A19", "Introduce a joint multi-agency quality assurance framework", "lcc", "ep", ["PA1", "PA2"], "soon",
     "Termly multi-agency audit of 60 cases with findings reported to the Board."),
    ("A20", "Agree a section 75 pooled budget for complex packages of care", "icb", "commissioning", ["PA1"],
     "late", "Section 75 agreement signed; joint funding panel decisions within 4 weeks."),
    ("A21", "Prepare evidence for the DfE and NHS England six-monthly stocktakes", "lcc", "council", ["PA1"],
     "soon", "Evidence pack submitted two weeks before each stocktake."),
    # PA2 - EHC plans and annual reviews
    ("A22", "Recruit 12 additional EHC plan writers", "lcc", "ehc", ["PA2"], "done",
     "12 writers in post and trained; caseloads below 120 per writer."),
    ("A23", "Clear the backlog of EHC needs assessments over 20 weeks", "lcc", "ehc", ["PA2"], "late",
     "No assessment open for more than 20 weeks without an agreed exception."),
    ("A24", "Introduce a weekly case-progression panel for assessments nearing 20 weeks", "lcc", "ehc", ["PA2"],
     "done", "Panel meets weekly; every case at week 14 reviewed."),
    ("A25", "Commission a termly independent audit of EHC plan quality", "lcc", "ep", ["PA2"], "run",
     "70% of audited plans good or better by the third audit."),
    ("A26", "Clear the backlog of overdue annual reviews", "lcc", "council", ["PA2"], "late",
     "95% of annual reviews held within 12 months; amendments issued within statutory timescales."),
    ("A27", "Introduce an EHC plan template co-produced with families", "lcc", "council", ["PA2", "AFI1"], "done",
     "Template in use for all new plans; the Forum reviews it after six months."),
    ("A28", "Agree a six-week standard for educational psychology advice", "lcc", "ep", ["PA2"], "soon",
     "90% of EP advice returned within six weeks."),
    ("A29", "Grow our own educational psychologists through a trainee scheme", "lcc", "ep", ["PA2"], "run",
     "Six trainee EPs recruited a year; vacancy rate below 10%."),
    ("A30", "Improve timeliness of health advice for EHC needs assessments", "icb", "health", ["PA2"], "run",
     "95% of health advice returned within six weeks."),
    ("A31", "Improve timeliness of social care advice for EHC needs assessments", "social", "social", ["PA2"],
     "late", "90% of social care advice returned within six weeks."),
    ("A32", "Complete phase transfer reviews by 15 February", "lcc", "council", ["PA2", "AFI2"], "run",
     "All phase transfer plans amended and issued by 15 February."),
    ("A33", "Launch an online EHC hub for families and settings", "lcc", "comms", ["PA2", "AFI1"], "drop",
     "Families can track their request online; 60% of requests submitted through the hub."),
    ("A34", "Train SENCOs to write outcomes-focused annual review reports", "special", "special", ["PA2"], "run",
     "400 SENCOs trained; audit shows improved outcomes in review reports."),
    # PA3 - neurodevelopmental pathway
    ("A35", "Commission additional autism assessment capacity for 0-18s", "icb", "commissioning", ["PA3"],
     "late", "2,000 additional assessments a year; longest wait under 52 weeks by March."),
    ("A36", "Set up a single point of access for neurodevelopmental referrals", "community", "nd", ["PA3"],
     "done", "One referral route county-wide; triage within 4 weeks."),
    ("A37", "Launch a waiting-well offer for families on the ADHD pathway", "community", "nd", ["PA3", "AFI1"],
     "done", "Every waiting family offered a workshop and a named contact; 75% rate it helpful."),
    ("A38", "Validate the waiting list and contact every family waiting over 12 months", "community", "nd",
     ["PA3"], "soon", "Every family waiting over 12 months contacted and needs reviewed."),
    ("A39", "Roll out needs-led support in schools without waiting for a diagnosis", "inclusion", "inclusion",
     ["PA3"], "run", "120 schools using the needs-led toolkit; fewer referrals without school support."),
    ("A40", "Harmonise autism and ADHD assessment criteria across the ICB's places", "icb", "health", ["PA3"],
     "run", "One set of criteria and one clinical pathway in use across Lancashire."),
    ("A41", "Publish monthly neurodevelopmental waiting times on the Local Offer", "icb", "health",
     ["PA3", "AFI1"], "run", "Waiting times published by the 10th of each month."),
    ("A42", "Recruit ADHD nurse prescribers and agree shared care with GPs", "icb", "commissioning", ["PA3"],
     "new", "Four nurse prescribers in post; shared-care protocol agreed with the LMC."),
    ("A43", "Train 500 school staff in autism awareness", "inclusion", "inclusion", ["PA3"], "run",
     "500 staff trained; post-training confidence survey above 80%."),
    ("A44", "Build a neurodevelopmental pathway dashboard for the Improvement Board", "community", "nd", ["PA3"],
     "held", "Dashboard showing referrals, waits and outcomes by district, refreshed monthly."),
    # AFI1 - communication
    ("A45", "Relaunch the Local Offer with 'while you wait' pages", "lcc", "comms", ["AFI1", "PA3"], "run",
     "Pages live; 60% of surveyed families say they can find what they need."),
    ("A46", "Publish a quarterly 'You said, we did' report with the Parent Carer Forum", "lcc", "comms", ["AFI1"],
     "run", "Four reports a year, co-written with the Forum."),
    ("A47", "Set a five-working-day response standard for EHC caseworkers", "lcc", "ehc", ["AFI1", "PA2"], "late",
     "90% of family contacts answered within five working days."),
    ("A48", "Hold termly SEND family drop-in events in every district", "lcc", "comms", ["AFI1"], "run",
     "Three events a term; feedback collected at each."),
    ("A49", "Send a monthly SEND newsletter to families and settings", "lcc", "comms", ["AFI1"], "done",
     "Newsletter sent monthly to 8,000 subscribers."),
    ("A50", "Run a parent experience survey twice a year", "lcc", "council", ["AFI1"], "soon",
     "Survey run in spring and autumn; 'I feel listened to' improves each time."),
    ("A51", "Share learning from complaints and tribunals with the partnership", "lcc", "council", ["AFI1"],
     "new", "Quarterly learning report to the Board; themes tracked."),
    ("A52", "Co-produce a communication charter with children and young people", "lcc", "comms", ["AFI1"],
     "drop", "Charter agreed with the youth SEND council and used by all teams."),
    # AFI2 - preparation for adulthood
    ("A53", "Publish a preparing for adulthood pathway from Year 9", "lcc", "pfa", ["AFI2"], "run",
     "Pathway published on the Local Offer and used in all Year 9 reviews."),
    ("A54", "Make sure every Year 9+ annual review includes adulthood outcomes", "lcc", "pfa", ["AFI2", "PA2"],
     "late", "Audit shows 90% of Year 9+ reviews with adulthood outcomes."),
    ("A55", "Expand supported internships to 60 places", "colleges", "colleges", ["AFI2"], "run",
     "60 supported internship places; 50% of interns move into paid work."),
    ("A56", "Agree a 14-25 transition protocol for health services", "icb", "health", ["AFI2"], "soon",
     "Protocol agreed by all NHS trusts; transition plans start by age 14."),
    ("A57", "Agree a transition protocol from children's to adult social care", "social", "social", ["AFI2"],
     "run", "Every young person known to social care has a transition assessment by 17."),
    ("A58", "Plan post-16 specialist places with colleges", "colleges", "colleges", ["AFI2"], "new",
     "Post-16 sufficiency plan agreed with all colleges."),
    ("A59", "Expand independent travel training for young people with SEND", "lcc", "pfa", ["AFI2"], "soon",
     "150 young people trained a year; transport costs reduced."),
    ("A60", "Set up a young people's preparing for adulthood ambassador group", "lcc", "pfa", ["AFI2", "AFI1"],
     "run", "Ambassador group meets monthly and reviews PfA information."),
]

# Milestone steps, chosen in order per action.
MILESTONE_STEPS = [
    "Baseline and delivery plan agreed at the SEND Improvement Board",
    "Co-production session held with the Parent Carer Forum",
    "Pilot running in one district",
    "Roll-out across all districts",
    "Impact review reported to the Improvement Board",
    "Evidence ready for the DfE and NHS England stocktake",
]

# Progress commentary, per group of findings -------------------------------------------------------------
GROUP_OF = {"PA1": "lead", "PA2": "ehc", "PA3": "nd", "AFI1": "comms", "AFI2": "pfa"}
PROGRESS: dict[str, list[str]] = {
    "lead": [
        "The Improvement Board reviewed progress in {month}; partners agreed the revised delivery plan.",
        "Joint risk register updated with the ICB; {n} risks reviewed and two closed.",
        "Paper to Cabinet in {month} set out progress and next steps; scrutiny asked for a further report.",
        "Data pack refreshed with {month} figures; commissioning leads met to agree priorities.",
        "Workshop with school leaders and the Forum held in {month} ({n} attended) to test the plan.",
        "Finance and legal leads from the council and the ICB met to agree the funding model.",
        "Stocktake preparation: evidence mapped against each priority action and gaps assigned to owners.",
    ],
    "ehc": [
        "{big} EHC plans issued in {month}; {pct}% within 20 weeks (excluding exceptions).",
        "Case-progression panel reviewed {n} cases at week 14; most are on course for week 20.",
        "Quality audit sampled {n} plans; outcomes are more specific but health sections still vary.",
        "Overdue annual reviews down to {big} this month; two additional officers redeployed to reviews.",
        "New writers completed induction; caseloads now averaging {caseload} per writer.",
        "Educational psychology advice returned within six weeks for {pct}% of requests in {month}.",
        "Training on outcomes-focused writing delivered to {n} SENCOs and caseworkers.",
    ],
    "nd": [
        "{big} families contacted this month as part of waiting list validation.",
        "Waiting-well workshops held in {month}; {n} parents attended across three districts.",
        "Additional provider capacity started in {month}; {big} assessments completed.",
        "Longest wait for autism assessment now {weeks} weeks (was over 100 weeks at the inspection).",
        "Single point of access triaged {big} referrals in {month}; {pct}% within four weeks.",
        "Clinical leads agreed a common assessment criteria document; GP engagement sessions booked.",
        "Needs-led toolkit now used in {n} schools; feedback from SENCOs is positive.",
    ],
    "comms": [
        "'While you wait' pages updated with the Forum; {big}0 page views in {month}.",
        "'You said, we did' report drafted with the Parent Carer Forum and published on the Local Offer.",
        "Family drop-in held in {month}: {n} families attended; questions themed for the Board.",
        "Newsletter reached {n}00 subscribers; open rate {pct}%.",
        "Caseworkers answered {pct}% of family contacts within five working days in {month}.",
        "Survey closed with {n}0 responses; 'I feel listened to' results shared with the Board.",
    ],
    "pfa": [
        "{n} Year 9 reviews audited in {month}; adulthood outcomes present in {pct}%.",
        "Supported internship places confirmed with {n} employers for next September.",
        "Transition protocol draft circulated to adult services and the Forum for comment.",
        "Independent travel training: {n} young people completed the programme this term.",
        "Young people's ambassador group met in {month} and reviewed the PfA pages.",
        "Joint transition panel reviewed {n} young people turning 17 in the next year.",
    ],
    "hist": [
        "Progress reported to the SEND Partnership Board; milestones on plan.",
        "Update provided to the DfE and NHS England review meeting.",
    ],
}
MOBILISE = [
    "Action mobilised: lead confirmed, project group set up and delivery plan agreed.",
    "Kick-off meeting held with partners; baseline data collected and milestones agreed.",
    "Scoping complete; delivery plan shared with the Parent Carer Forum for comment.",
]
NEXT_STEPS = [
    "Next step: report to the Improvement Board next month.",
    "Next step: agree the roll-out timetable with district teams.",
    "Next step: test the changes with families through the Forum.",
    "Next step: confirm funding for the next phase.",
    "",
    "",
]
ISSUES: dict[str, list[str]] = {
    "lead": ["Legal sign-off by both organisations is taking longer than planned.",
             "Competing priorities in the ICB's operating plan are slowing agreement.",
             "Funding for the next phase is not yet confirmed in the medium-term financial plan."],
    "ehc": ["Requests for assessment are up {rise}% on last year and demand exceeds capacity.",
            "Two writer posts are vacant after re-advertising.",
            "The backlog of open assessments grew to {big} cases in {month}."],
    "nd": ["Provider delivered fewer assessments than contracted in {month}.",
           "Referrals rose again this quarter, offsetting the extra capacity.",
           "Recruitment to clinical posts is slow across the region."],
    "comms": ["Web team capacity is shared with the council-wide website move.",
              "Response times dipped when caseworkers were covering vacancies."],
    "pfa": ["College places for September are not yet confirmed.",
            "Adult services capacity to attend Year 9 reviews is limited."],
    "hist": ["Capacity constraints in the CCGs."],
}
RAG_REASON = {
    Action.Rag.ON_TRACK: ["Milestones met to date and resources in place.", "Delivery on plan; no new risks.",
                          "On track against the agreed trajectory."],
    Action.Rag.AT_RISK: ["Some milestones slipping; mitigation agreed with the lead.",
                         "Progress slower than planned; recovery plan in place.",
                         "Dependent on decisions outside the action's control."],
    Action.Rag.OFF_TRACK: ["Key milestone missed; escalated to the Improvement Board.",
                           "Trajectory not met for two months; recovery plan requested.",
                           "Due date passed; revised date to be agreed by the Board."],
}
COMPLETE = [
    "Action complete: success criteria met and evidence attached. Recommend closure at the Improvement Board.",
    "Completed. Impact will be tracked through the Board dashboard; closure agreed by the Board.",
]
CANCELLED = "Action closed by the Improvement Board: merged into a wider piece of work and no longer needed."
DELAYED = "Start delayed: the project lead is still being recruited. Revised start date agreed with the Board."
FORUM_COMMENTS = [
    "Families tell us this is starting to make a difference, but not everyone has heard about it yet.",
    "Thank you for involving the Forum. Could the next update say how many families were asked for their views?",
    "Parents at our last coffee morning were still waiting months for replies. Can we see the figures by "
    "district?",
    "The 'while you wait' information is helpful. Families without internet access need printed copies too.",
    "We would like young people to test this before it goes live.",
    "Good progress. Please keep the Forum updated on the recruitment position.",
    "Several members have asked whether this will also cover children in alternative provision.",
    "This is a priority for our members. We are happy to help promote it through our newsletter.",
]
EVIDENCE_LINKS = {
    "lead": [("SEND Improvement Board minutes (example link)",
              "https://www.lancashire.gov.uk/council/improvement-board/minutes/"),
             ("Cabinet report on SEND improvement (example link)",
              "https://council.lancashire.gov.uk/ieListDocuments.aspx?MId=demo")],
    "ehc": [("EHC timeliness report (example link)",
             "https://www.lancashire.gov.uk/children-education-families/send/ehc-timeliness/"),
            ("EHC plan quality audit summary (example link)",
             "https://www.lancashire.gov.uk/children-education-families/send/quality-audit/")],
    "nd": [("Neurodevelopmental pathway update (example link)",
            "https://www.lancashireandsouthcumbria.icb.nhs.uk/our-work/neurodevelopmental-pathway"),
           ("Waiting well workshop programme (example link)",
            "https://www.lancashire.gov.uk/send-local-offer/while-you-wait/")],
    "comms": [("'You said, we did' report (example link)",
               "https://www.lancashire.gov.uk/send-local-offer/you-said-we-did/"),
              ("SEND family newsletter (example link)", "https://www.lancashire.gov.uk/send-local-offer/news/")],
    "pfa": [("Preparing for adulthood pathway (example link)",
             "https://www.lancashire.gov.uk/send-local-offer/preparing-for-adulthood/"),
            ("Supported internships programme (example link)",
             "https://www.lancashire.gov.uk/send-local-offer/supported-internships/")],
}
RAG_ORDER = [Action.Rag.ON_TRACK, Action.Rag.AT_RISK, Action.Rag.OFF_TRACK]
RAG_LABEL = dict(Action.Rag.choices)


def demo_pdf(text: str = "Demonstration evidence") -> bytes:
    """A tiny valid one-page PDF showing one line of text."""
    safe = text.replace("\\", "\\\\").replace("(", "\\(").replace(")", "\\)")
    stream = f"BT /F1 18 Tf 72 760 Td ({safe}) Tj ET".encode("latin-1", "replace")
    bodies = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Resources << /Font << /F1 4 0 R >> >> "
        b"/Contents 5 0 R >>",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
        b"<< /Length %d >>\nstream\n" % len(stream) + stream + b"\nendstream",
    ]
    out = bytearray(b"%PDF-1.4\n")
    offsets = []
    for number, body in enumerate(bodies, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % number + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(bodies) + 1)
    out += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(bodies) + 1, xref)
    return bytes(out)


@dataclass
class Login:
    role: str
    email: str
    full_name: str


@dataclass
class Summary:
    area: LocalArea
    counts: dict[str, int] = field(default_factory=dict)
    logins: list[Login] = field(default_factory=list)
    other_emails: list[str] = field(default_factory=list)


class DemoError(Exception):
    """The demo cannot be loaded or removed; the message says why."""


def demo_area() -> LocalArea | None:
    return LocalArea.objects.filter(slug=AREA_SLUG).first()


def is_demo_area(area: LocalArea) -> bool:
    """Only an area the demo loader built (its demo administrator is a member) may be reset."""
    return Membership.objects.filter(area=area, user__email=ADMIN_EMAIL).exists()


def check_can_build() -> None:
    """Refuse, with a reason, when another area already uses the demo area's name or codes."""
    clash = LocalArea.objects.filter(
        Q(slug=AREA_SLUG) | Q(name__iexact=AREA_NAME) | Q(la_code=LA_CODE) | Q(ons_code=ONS_CODE)
    ).first()
    if clash is not None:
        raise DemoError(
            f"The area '{clash.name}' (address /areas/{clash.slug}/, LA code {clash.la_code}) already uses the "
            "demo area's name or codes and was not created by the demo loader. The demo cannot be loaded "
            "alongside it."
        )


def build(today: date | None = None) -> Summary:
    """Build the Lancashire demo area. The caller has removed any earlier demo area."""
    check_can_build()
    builder = _Builder(today or timezone.localdate())
    try:
        with transaction.atomic():
            builder.build()
    except BaseException:
        for name in builder.stored_files:
            default_storage.delete(name)
        raise
    return builder.summary


class _Builder:
    def __init__(self, today: date) -> None:
        self.today = today
        self.rng = random.Random(SEED)
        self.stored_files: list[str] = []
        self.orgs: dict[str, Organisation] = {}
        self.users: dict[str, User] = {}
        self.findings: dict[str, Finding] = {}
        self.summary: Summary

    # Helpers -----------------------------------------------------------------------------------------
    def day(self, offset: int) -> date:
        return self.today + timedelta(days=offset)

    def moment(self, on: date) -> datetime:
        """A working-hours time on a day, never later than now."""
        at = timezone.make_aware(datetime.combine(on, time(self.rng.randint(8, 17), self.rng.randint(0, 59))))
        return min(at, timezone.now() - timedelta(minutes=5))

    def history_moment(self, on: date) -> datetime:
        """9am on a day (never later than now), without drawing from the random stream the content uses."""
        at = timezone.make_aware(datetime.combine(on, time(9, 0)))
        return min(at, timezone.now() - timedelta(minutes=5))

    def save(self, obj, user=None, on: date | None = None):
        """Save with its history dated ``on`` (the day it happened), so "as at" reports see the plan as it was."""
        obj._history_user = user or self.users.get("admin")
        if on is not None:
            obj._history_date = self.history_moment(on)
        obj.save()
        return obj

    # Build -------------------------------------------------------------------------------------------
    def build(self) -> None:
        self.build_people()
        area = self.save(LocalArea(name=AREA_NAME, slug=AREA_SLUG, la_code=LA_CODE, ons_code=ONS_CODE,
                                   region=LocalArea.Region.NORTH_WEST))
        self.summary = Summary(area=area)
        self.area = area
        self.build_organisations()
        self.build_memberships()
        self.build_inspections()
        self.build_actions()
        self.summary.counts = {
            "organisations": Organisation.objects.filter(area=area).count(),
            "people": len(self.users),
            "inspections": Inspection.objects.filter(area=area).count(),
            "findings": Finding.objects.filter(area=area).count(),
            "judgements": Judgement.objects.filter(finding__area=area).count(),
            "actions": Action.objects.filter(area=area).count(),
            "milestones": Milestone.objects.filter(action__area=area).count(),
            "progress updates": ProgressUpdate.objects.filter(action__area=area).count(),
            "evidence": Evidence.objects.filter(action__area=area).count(),
            "comments": Comment.objects.filter(action__area=area).count(),
        }
        self.summary.logins = [
            Login(Role(PEOPLE[key][3]).label, PEOPLE[key][0], PEOPLE[key][1]) for key in LOGIN_KEYS
        ]
        self.summary.other_emails = [person[0] for key, person in PEOPLE.items() if key not in LOGIN_KEYS]

    def build_people(self) -> None:
        validate_password(DEMO_PASSWORD)
        # Hash once: hashing is deliberately slow, and every demo account shares the published password.
        hashed = make_password(DEMO_PASSWORD)
        existing = {u.email: u for u in User.objects.filter(email__in=[p[0] for p in PEOPLE.values()])}
        for key, (email, full_name, job_title, _role, _org) in PEOPLE.items():
            user = existing.get(email)
            if user is None:
                user = User.objects.create_user(email, None, full_name=full_name)
            user.full_name, user.job_title = full_name, f"{job_title} (demonstration account)"
            user.password, user.is_active = hashed, True
            self.users[key] = self.save(user, user)

    def build_organisations(self) -> None:
        for key, (name, short_name, kind) in NATIONAL_ORGANISATIONS.items():
            org = Organisation.objects.filter(area__isnull=True, kind=kind, name=name).first()
            self.orgs[key] = org or self.save(Organisation(area=None, name=name, short_name=short_name, kind=kind))
        for key, (name, short_name, kind) in ORGANISATIONS.items():
            self.orgs[key] = self.save(Organisation(area=self.area, name=name, short_name=short_name, kind=kind))

    def build_memberships(self) -> None:
        for key, (_email, _name, _title, role, org_key) in PEOPLE.items():
            self.save(Membership(user=self.users[key], area=self.area, role=role, organisation=self.orgs[org_key]))

    def build_inspections(self) -> None:
        admin = self.users["admin"]
        inspections = {}
        for key, spec in (("2017", INSPECTION_2017), ("2020", INSPECTION_2020), ("2024", INSPECTION_2024)):
            inspections[key] = self.save(Inspection(area=self.area, report_url=REPORT_URL, **spec),
                                         on=spec.get("published_date") or spec["end_date"])
        for ref, (title, text, theme, orgs) in FINDINGS_2017.items():
            self.add_finding(inspections["2017"], ref, Finding.Kind.SIGNIFICANT_WEAKNESS, title, text, theme, orgs)
        for ref, (kind, title, text, theme, orgs) in FINDINGS_2024.items():
            self.add_finding(inspections["2024"], ref, kind, title, text, theme, orgs)
        revisit = inspections["2020"]
        for ref, (outcome, view) in REVISIT_2020.items():
            services.judgement_record(finding=self.findings[ref], inspection=revisit, outcome=outcome,
                                      judged_on=revisit.end_date, text=f"Summary of the revisit letter: {view}",
                                      recorded_by=admin, recorded_at=self.history_moment(revisit.published_date))
        later = inspections["2024"]
        for ref, new_ref in SUPERSEDED_BY_2024.items():
            text = (f"Superseded by the December 2024 inspection: the concern continues as {new_ref}, "
                    f"{self.findings[new_ref].title.lower()}.")
            services.judgement_record(finding=self.findings[ref], inspection=later, outcome="superseded",
                                      judged_on=later.end_date, text=text, recorded_by=admin,
                                      recorded_at=self.history_moment(later.published_date))

    def add_finding(self, inspection, ref, kind, title, text, theme, org_keys) -> None:
        finding = self.save(Finding(area=self.area, inspection=inspection, kind=kind, reference=ref, title=title,
                                    text=text, text_is_summary=True, theme=theme),
                            on=inspection.published_date or inspection.end_date)
        finding.responsible_organisations.set([self.orgs[k] for k in org_keys])
        self.findings[ref] = finding

    # Actions -----------------------------------------------------------------------------------------
    def build_actions(self) -> None:
        admin = self.users["admin"]
        for ref, title, owner, lead, findings, start, due, criteria in HISTORICAL_ACTIONS:
            self.rng = random.Random(f"{SEED}:{ref}")  # each action's story is independent of the others
            action = self.create_action(ref, title, owner, lead, findings, start, due, criteria,
                                        "Written Statement of Action (2018) item, illustrative.", admin)
            self.add_milestones(action, "done", done_on=due)
            middle = start + (due - start) / 2
            self.record(action, middle, Action.Status.IN_PROGRESS, Action.Rag.ON_TRACK, "hist",
                        self.rng.choice(PROGRESS["hist"]))
            self.record(action, due - timedelta(days=self.rng.randint(0, 20)), Action.Status.COMPLETE,
                        Action.Rag.ON_TRACK, "hist", "Action complete and signed off by the SEND Partnership Board.")
        for ref, title, owner, lead, findings, profile, criteria in CURRENT_ACTIONS:
            self.rng = random.Random(f"{SEED}:{ref}")
            start, due, end = self.plan_dates(profile)
            group = GROUP_OF[findings[0]]
            action = self.create_action(ref, title, owner, lead, findings, start, due, criteria,
                                        "Priority action plan item following the December 2024 inspection.", admin)
            self.add_milestones(action, profile, done_on=end if profile == "done" else None)
            self.add_updates(action, profile, group, end)
        self.rng = random.Random(f"{SEED}:comments")
        self.add_comments()

    def plan_dates(self, profile: str) -> tuple[date, date, date | None]:
        """Start, due and the day work ended (completion or cancellation), relative to today."""
        r = self.rng.randint
        if profile == "done":
            start = r(-535, -400)
            due = min(start + r(150, 330), -20)
            end = max(due - r(0, 30), start + 90)
        elif profile == "late":
            start, due, end = r(-520, -300), -r(5, 110), None
        elif profile == "soon":
            start, due, end = r(-500, -200), r(2, 29), None
        elif profile == "run":
            start, due, end = r(-500, -60), r(45, 270), None
        elif profile == "new":
            start = r(7, 60)
            due, end = start + r(120, 240), None
        elif profile == "held":
            start, due, end = -r(30, 90), r(90, 200), None
        elif profile == "drop":
            start = r(-480, -300)
            due = start + r(200, 300)
            end = min(start + r(90, 200), -40)
        else:  # pragma: no cover - a typo in the content table
            raise DemoError(f"Unknown action profile {profile!r}")
        return self.day(start), self.day(due), (self.day(end) if end is not None else None)

    def create_action(self, ref, title, owner, lead, findings, start, due, criteria, context, admin) -> Action:
        owner_org, lead_user = self.orgs[owner], self.users[lead]
        if PEOPLE[lead][4] != owner:
            raise DemoError(f"Demo content error: the lead of {ref} does not work for its owner")
        action = Action(area=self.area, reference=ref, title=title, owner=owner_org, lead=lead_user,
                        start_date=start, due_date=due, success_criteria=criteria,
                        description=f"{context} {DEMO_NOTE}")
        # The plan was written before work started: date its history then (never in the future).
        action._history_date = self.history_moment(start - timedelta(days=14))
        return services.action_create(action=action, findings=[self.findings[f] for f in findings],
                                      created_by=admin)

    def add_milestones(self, action: Action, profile: str, done_on: date | None) -> None:
        count = self.rng.randint(1, 4)
        steps = sorted(self.rng.sample(range(len(MILESTONE_STEPS)), count))
        span = (action.due_date - action.start_date).days
        for i, step in enumerate(steps):
            due = action.start_date + timedelta(days=span * (i + 1) // (count + 1))
            if profile in {"soon", "run"} and i == count - 1 and action.due_date > self.day(30):
                # keep something due in the next 30 days on most running actions
                if self.rng.random() < 0.6:
                    due = self.day(self.rng.randint(3, 28))
            completed = None
            if profile == "done" or (done_on and due <= done_on):
                completed = min(due - timedelta(days=self.rng.randint(0, 10)), done_on or due)
                completed = max(completed, action.start_date)
            elif due < self.today and profile not in {"new", "held"}:
                missed = 0.6 if profile == "late" else 0.15
                if self.rng.random() >= missed:
                    completed = min(due + timedelta(days=self.rng.randint(-7, 14)), self.day(-1))
            self.save(Milestone(action=action, title=MILESTONE_STEPS[step], due_date=due, completed_on=completed),
                      action.lead, on=min(action.start_date, self.today))

    def final_rag(self, profile: str) -> str:
        roll = self.rng.random()
        if profile == "late":
            return Action.Rag.OFF_TRACK if roll < 0.6 else Action.Rag.AT_RISK
        if profile == "soon":
            return Action.Rag.AT_RISK if roll < 0.4 else Action.Rag.ON_TRACK
        if profile == "run":
            return Action.Rag.ON_TRACK if roll < 0.65 else (Action.Rag.AT_RISK if roll < 0.9 else
                                                            Action.Rag.OFF_TRACK)
        if profile == "held":
            return Action.Rag.AT_RISK
        return Action.Rag.ON_TRACK

    def add_updates(self, action: Action, profile: str, group: str, end: date | None) -> None:
        if profile == "new":
            return
        if profile == "held":
            self.record(action, self.day(-self.rng.randint(3, 20)), Action.Status.NOT_STARTED,
                        Action.Rag.AT_RISK, group, DELAYED)
            return
        last = end or self.day(-self.rng.randint(1, 21))
        dates, current = [], max(action.start_date, self.day(-535)) + timedelta(days=self.rng.randint(5, 20))
        while current < last:
            dates.append(current)
            current += timedelta(days=self.rng.randint(37, 57))
        if profile in {"done", "drop"} or not dates:
            dates.append(last)
        final = self.final_rag(profile)
        rags = self.rag_path(len(dates), final)
        for i, (on, rag) in enumerate(zip(dates, rags, strict=True)):
            is_last = i == len(dates) - 1
            status = Action.Status.IN_PROGRESS
            if i == 0 and not is_last:
                text = self.rng.choice(MOBILISE)
            elif is_last and profile == "done":
                status, text = Action.Status.COMPLETE, self.rng.choice(COMPLETE)
            elif is_last and profile == "drop":
                status, text = Action.Status.CANCELLED, CANCELLED
            else:
                text = self.commentary(group, on, rag)
            self.record(action, on, status, rag, group, text, evidence=not (i == 0 and not is_last),
                        final=is_last and profile == "done")

    def rag_path(self, length: int, final: str) -> list[str]:
        """A RAG history that wanders and ends at the action's current RAG."""
        level, path = 0, []
        target = RAG_ORDER.index(final)
        for i in range(length):
            remaining = length - 1 - i
            if remaining <= abs(target - level):
                level += (target > level) - (target < level)
            elif self.rng.random() < 0.3:
                level = min(2, max(0, level + self.rng.choice([-1, 1])))
            path.append(RAG_ORDER[level])
        path[-1] = final
        return path

    def fill(self, text: str, on: date) -> str:
        progress = min(1.0, max(0.0, 1 - (self.today - on).days / 540))
        return text.format(
            n=self.rng.randint(6, 60),
            pct=int(17 + 45 * progress) + self.rng.randint(-4, 4),
            weeks=int(104 - 40 * progress) + self.rng.randint(-3, 3),
            big=self.rng.randint(80, 260),
            caseload=self.rng.randint(110, 150),
            rise=self.rng.randint(6, 18),
            month=on.strftime("%B"),
        )

    def commentary(self, group: str, on: date, rag: str) -> str:
        parts = [self.fill(self.rng.choice(PROGRESS[group]), on)]
        if rag != Action.Rag.ON_TRACK:
            parts.append(self.fill(self.rng.choice(ISSUES[group]), on))
        parts.append(self.rng.choice(NEXT_STEPS))
        return " ".join(p for p in parts if p)

    def record(self, action, on, status, rag, group, text, *, evidence=False, final=False) -> None:
        author = action.lead
        reason = self.rng.choice(RAG_REASON[rag])
        if rag != action.rag:
            reason = f"Moved from {RAG_LABEL[action.rag].lower()} to {RAG_LABEL[rag].lower()}: {reason}"
        links, files = (), ()
        if evidence and group in EVIDENCE_LINKS and self.rng.random() < 0.13:
            links = (services.EvidenceLink(*self.rng.choice(EVIDENCE_LINKS[group])),)
        if final or (evidence and self.rng.random() < 0.02):
            files = (self.evidence_file(action, on, csv=group == "ehc" and not final),)
        services.action_update_record(
            action=action, author=author, status=status, rag=rag, rag_reason=reason, commentary=text,
            expected_version=action.version, evidence_files=files, evidence_links=links,
            recorded_at=self.moment(on),
        )
        for item in files:
            self.stored_files.extend(
                Evidence.objects.filter(action=action, title=item.title).exclude(file="").values_list("file",
                                                                                                      flat=True)
            )

    def evidence_file(self, action: Action, on: date, *, csv: bool) -> services.EvidenceFile:
        stamp = on.strftime("%Y-%m")
        if csv:
            rows = ["month,plans_issued,within_20_weeks,note"]
            for back in range(6, 0, -1):
                month = (on.replace(day=1) - timedelta(days=28 * back)).strftime("%Y-%m")
                issued = self.rng.randint(90, 160)
                rows.append(f"{month},{issued},{issued * self.rng.randint(20, 60) // 100},demonstration data")
            upload = SimpleUploadedFile(f"{action.reference.lower()}-data-{stamp}.csv",
                                        ("\n".join(rows) + "\n").encode(), "text/csv")
            return services.EvidenceFile(f"{action.reference} data extract, {on:%B %Y} (demonstration)", upload,
                                         "text/csv")
        upload = SimpleUploadedFile(f"{action.reference.lower()}-report-{stamp}.pdf",
                                    demo_pdf(f"Demonstration evidence - {action.reference}"), "application/pdf")
        return services.EvidenceFile(f"{action.reference} report, {on:%B %Y} (demonstration)", upload,
                                     "application/pdf")

    def add_comments(self) -> None:
        forum = self.users["forum"]
        actions = list(Action.objects.filter(area=self.area, reference__gte="A11").order_by("reference"))
        for i, action in enumerate(self.rng.sample(actions, 14)):
            updates = list(action.updates.order_by("created_at"))
            if not updates:
                continue
            after = self.rng.choice(updates).created_at + timedelta(days=self.rng.randint(1, 6))
            comment = Comment(action=action, author=forum, text=FORUM_COMMENTS[i % len(FORUM_COMMENTS)],
                              created_at=min(after, timezone.now() - timedelta(hours=2)))
            self.save(comment, forum, on=comment.created_at.date())
