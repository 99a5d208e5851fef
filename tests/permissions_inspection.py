"""Permission matrix rows for inspection readiness (tests/test_permissions.py imports ``rules()`` through
RULE_MODULES).

Every member of the area reads (monitors and forum members included); administrators write; a partner's own
view of a criterion is given by anyone who may comment (administrators, editors of the council or ICB, forum
members). A SIBLING self-evaluation is a second one in the same area, so an entry id under the other one is 404.
"""

from __future__ import annotations


def rules() -> dict:
    from tests import test_permissions as tp

    def inspection(w, area, tag):
        return w.inspection(area, tag)

    def plan(w, area, tag):
        from sendhub.inspection.models import RequiredPlan

        return w._once("required_plan", area, tag, lambda: RequiredPlan.objects.create(
            area=area, inspection=inspection(w, area, tag), kind="pap"
        ))

    def activity(w, area, tag):
        from sendhub.inspection.models import ExpectedActivity

        return w._once("expected_activity", area, tag, lambda: ExpectedActivity.objects.create(
            area=area, follows=inspection(w, area, tag), framework="2023", kind="monitoring"
        ))

    def sef(w, area, tag):
        from sendhub.inspection import services

        def build():
            admin = tp.UserFactory()
            return services.self_evaluation_create(area=area, title=f"SEF {tag}", prepared_on=tp.date(2026, 1, 5),
                                                   saved_by=admin)

        return w._once("self_evaluation", area, tag, build)

    def entry(w, area, tag):
        return sef(w, area, tag).entries.get(criterion="EO1")

    def link(w, area, tag):
        from sendhub.inspection.models import EvidenceLink

        return w._once("evidence_link", area, tag, lambda: EvidenceLink.objects.create(
            entry=entry(w, area, tag), kind="measure", measure="PC_plans_issued_20_weeks_ex"
        ))

    def audit_round(w, area, tag):
        from sendhub.inspection.models import AuditRound, AuditTemplate

        def build():
            template = AuditTemplate.objects.create(area=area, name="Audit")
            return AuditRound.objects.create(area=area, template=template, title="Round",
                                             period_start=tp.date(2025, 1, 1), period_end=tp.date(2025, 3, 31))

        return w._once("audit_round", area, tag, build)

    def inspection_pk(w, area, tag):
        return {"pk": inspection(w, area, tag).pk}

    def plan_pk(w, area, tag):
        return {"pk": plan(w, area, tag).pk}

    def activity_pk(w, area, tag):
        return {"pk": activity(w, area, tag).pk}

    def sef_pk(w, area, tag):
        return {"pk": sef(w, area, tag).pk}

    def entry_pks(w, area, tag):
        return {"pk": sef(w, area, tag).pk, "entry_pk": entry(w, area, tag).pk}

    def link_pks(w, area, tag):
        return {**entry_pks(w, area, tag), "link_pk": link(w, area, tag).pk}

    def round_pk(w, area, tag):
        return {"pk": audit_round(w, area, tag).pk}

    members, managers, commenters = tp.MEMBERS, tp.MANAGERS, tp.COMMENTERS
    return {
        "inspection:overview": tp.area_page(members),
        "inspection:plans-set-up": tp.area_page(managers, inspection_pk, methods=("post",)),
        "inspection:plan-edit": tp.form_page(managers, plan_pk),
        "inspection:activity-edit": tp.form_page(managers, activity_pk),
        "inspection:sef-create": tp.form_page(managers),
        "inspection:sef-detail": tp.area_page(members, sef_pk),
        "inspection:sef-readiness": tp.area_page(members, sef_pk),
        "inspection:sef-export-html": tp.area_page(members, sef_pk),
        "inspection:sef-export-pdf": tp.area_page(members, sef_pk),
        "inspection:sef-export-xlsx": tp.area_page(members, sef_pk),
        "inspection:entry-edit": tp.form_page(managers, entry_pks),
        "inspection:partner-view-edit": tp.form_page(commenters, entry_pks),
        "inspection:evidence-add": tp.form_page(managers, entry_pks),
        "inspection:evidence-remove": tp.area_page(managers, link_pks, methods=("post",)),
        "inspection:audit-round": tp.area_page(members, round_pk),
    }
