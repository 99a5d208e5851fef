"""The public progress page for the Lancashire demo: "How we are improving SEND in Lancashire".

Publishes the page with plain words for each finding of the December 2024 inspection (the references and titles
``demo/lancashire.py`` builds) and five key numbers. The words are written for a reader aged 9 to 11; the test
``tests/progress/test_demo_progress.py`` checks the longer ones against the readability hints. Running it again
rewrites the
same words, so it is safe to call on an area that already has them.
"""

from __future__ import annotations

from datetime import date, datetime, time

from django.db import transaction
from django.utils import timezone

from sendhub.accounts.models import LocalArea, User
from sendhub.improvement.models import Finding
from sendhub.progress.models import ProgressPage, PublishedFinding, PublishedMeasure

INSPECTION_YEAR = 2024
CONTACT_EMAIL = "send.improvement@lancashire.demo"

INTRODUCTION = (
    "This page tells you how we are making help better for children and young people with SEND in Lancashire.\n\n"
    "In December 2024, inspectors checked our services. They found big problems, and we are sorry. "
    "We are working hard to put things right. This page shows how we are getting on. We add to it every month."
)
HOW_TO_GET_INVOLVED = (
    "You can help us make things better. Tell us what is working for your family and what is not. "
    "We read all of it.\n\n"
    "You can also join the Lancashire Parent Carer Forum. Parents and carers in the forum meet with us and help "
    "us plan services."
)

# reference: (plain title, what this means)
FINDING_WORDS: dict[str, tuple[str, str]] = {
    "PA1": (
        "Leaders working together better",
        "The council and the NHS share the job of helping children with SEND. Inspectors said they did not plan "
        "or work together well enough. This meant some children did not get the help they needed. Leaders need "
        "to agree one plan, share what they know and pay for the right services together.",
    ),
    "PA2": (
        "Making EHC plans on time and getting them right",
        "An EHC plan is a legal paper. It says what help a child or young person must get. The law says the plan "
        "should be ready within 20 weeks. Too many families waited much longer than that. Some plans were not good "
        "enough, and some yearly checks of plans were late. We need to make plans faster and better, and check "
        "them on time every year.",
    ),
    "PA3": (
        "Shorter waits to find out about autism and ADHD",
        "Some children need a check to find out if they are autistic or have ADHD (which can make it hard to "
        "focus or keep still). Many families waited a very long time for this. "
        "Some got little help while they waited. We need to cut the wait and help families "
        "while they wait.",
    ),
    "AFI1": (
        "Telling families what is going on",
        "Families told inspectors that we did not keep them up to date. Some did not know where to get help. "
        "We need to talk with families more, answer them quickly and make our news easy to find.",
    ),
    "AFI2": (
        "Getting ready for adult life",
        "Young people with SEND need help to plan for life after school. This means work, college, health care "
        "and where they will live. Inspectors said this help starts too late and is not the same in every part of "
        "Lancashire. We need to start planning sooner with each young person.",
    ),
}

# measure: the one line that says what the number means
MEASURE_WORDS: dict[str, str] = {
    "PC_plans_issued_20_weeks_ex": "How many new EHC plans we finished within 20 weeks, the time the law gives us",
    "request_outcome_six_weeks_pc": "How often we told families within 6 weeks if we would check their child's needs",
    "pc_decsion_4weeks": "How often we said what happens next within 4 weeks of a yearly plan check",
    "reviews_within_12_months_pc": "How many EHC plans we checked within a year of the last check",
    "ehcplans": "How many children and young people in Lancashire have an EHC plan",
}


def _saved(obj, admin: User | None, when: datetime):
    obj._history_user = admin
    obj._history_date = when
    obj.save()
    return obj


def build(area: LocalArea, today: date, admin: User | None) -> dict[str, int]:
    """Publish the demo area's progress page; returns how many findings and key numbers it shows."""
    when = min(timezone.make_aware(datetime.combine(today, time(9, 30))), timezone.now())
    findings = {
        f.reference: f
        for f in Finding.objects.filter(
            area=area, inspection__start_date__year=INSPECTION_YEAR, reference__in=FINDING_WORDS
        )
    }
    with transaction.atomic():
        page = ProgressPage.objects.filter(area=area).first() or ProgressPage(area=area)
        page.introduction = INTRODUCTION
        page.how_to_get_involved = HOW_TO_GET_INVOLVED
        page.contact_email = CONTACT_EMAIL
        page.is_published = True
        page.last_published_at = when
        _saved(page, admin, when)
        for position, (reference, (title, summary)) in enumerate(FINDING_WORDS.items(), start=1):
            finding = findings.get(reference)
            if finding is None:  # a demo plan built without this finding: publish what exists
                continue
            words = PublishedFinding.objects.filter(finding=finding).first() or PublishedFinding(
                area=area, finding=finding
            )
            words.plain_title, words.plain_summary = title, summary
            words.is_published, words.position = True, position
            _saved(words, admin, when)
        for position, (name, explanation) in enumerate(MEASURE_WORDS.items(), start=1):
            measure = PublishedMeasure.objects.filter(area=area, measure=name).first() or PublishedMeasure(
                area=area, measure=name
            )
            measure.plain_explanation, measure.is_published, measure.position = explanation, True, position
            _saved(measure, admin, when)
    return {
        "published findings": PublishedFinding.objects.filter(area=area, is_published=True).count(),
        "key numbers": PublishedMeasure.objects.filter(area=area, is_published=True).count(),
    }
