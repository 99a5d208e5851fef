"""Permission matrix rows for the public progress page (read by tests/test_permissions.py through RULE_MODULES).

The public page is open to everybody, but answers 404 until the area publishes it: its arguments builder
publishes a page for the area first. Every management page is for the area's administrators (``area.manage``).
"""

from __future__ import annotations


def rules() -> dict:
    # Imported here: tests/test_permissions.py imports this module while it is still being defined.
    from sendhub.progress.models import ProgressPage, PublishedMeasure
    from tests import test_permissions as tp

    def published_page(w, area, tag: str) -> dict:
        w._once(
            "progress_page",
            area,
            tag,
            lambda: ProgressPage.objects.create(
                area=area,
                is_published=True,
                introduction="This page tells you how we are making help better.",
                how_to_get_involved="Tell us what you think.",
                contact_email="send@example.org",
            ),
        )
        return {}

    def finding_pk(w, area, tag: str) -> dict:
        return {"finding_pk": w.finding(area, tag).pk}

    def published_measure_pk(w, area, tag: str) -> dict:
        # A different measure for each tag: an area shows each measure once.
        name = "PC_plans_issued_20_weeks_ex" if tag == tp.MAIN else "ehcplans"
        measure = w._once(
            "published_measure",
            area,
            tag,
            lambda: PublishedMeasure.objects.create(
                area=area, measure=name, plain_explanation="How many plans we finished on time"
            ),
        )
        return {"pk": measure.pk}

    return {
        "progress-public:index": tp.open_to_all(kwargs=published_page),
        "progress:overview": tp.area_page(tp.MANAGERS),
        "progress:settings": tp.form_page(tp.MANAGERS),
        "progress:preview": tp.area_page(tp.MANAGERS),
        "progress:finding-edit": tp.form_page(tp.MANAGERS, finding_pk),
        "progress:measure-add": tp.form_page(tp.MANAGERS),
        "progress:measure-edit": tp.form_page(tp.MANAGERS, published_measure_pk),
        "progress:measure-remove": tp.form_page(tp.MANAGERS, published_measure_pk),
    }
