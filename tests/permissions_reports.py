"""Permission matrix rows for monitoring reports, the risks register and the monitors' overview.

Monitors (DfE, NHS England) read issued packs only: a draft is "not found" for them. Every change is for the
area's administrators. The workflow URLs are checked on a draft, the downloads on an issued pack.
"""

from __future__ import annotations

from datetime import date

PACK_HTML = '<!DOCTYPE html><html lang="en-GB"><title>Pack</title><h1>Pack</h1></html>'


def rules() -> dict:
    from sendhub.reports.models import MonitoringReport, Risk
    from tests import test_permissions as tp
    from tests.factories import OrganisationFactory

    def report(w, area, tag, status=MonitoringReport.Status.DRAFT):
        def build():
            return MonitoringReport.objects.create(
                area=area, title=f"Pack {tag} {status}", period_start=date(2026, 1, 1), period_end=date(2026, 6, 30),
                as_at=date(2026, 6, 30), status=status, executive_summary="Summary.",
                pdf_sha256="0" * 64 if status == MonitoringReport.Status.ISSUED else "",
                content=None,
            )

        return w._once(f"report-{status}", area, tag, build)

    def draft_pk(w, area, tag):
        return {"pk": report(w, area, tag).pk}

    def issued_pk(w, area, tag):
        issued = report(w, area, tag, MonitoringReport.Status.ISSUED)
        if not issued.html:
            from django.core.files.base import ContentFile

            issued.pdf.save("pack.pdf", ContentFile(b"%PDF-1.7\n%%EOF\n"), save=False)
            issued.xlsx.save("pack.xlsx", ContentFile(b"PK"), save=False)
            MonitoringReport.objects.filter(pk=issued.pk).update(
                pdf=issued.pdf.name, xlsx=issued.xlsx.name, html=PACK_HTML
            )
            issued.refresh_from_db()
        return {"pk": issued.pk}

    def risk_pk(w, area, tag):
        def build():
            return Risk.objects.create(
                area=area, reference=f"R{tag[:3].upper()}", title="Specialist places run out", description="d",
                owner=w.owner(area) if tag == tp.MAIN else OrganisationFactory(area=area), likelihood=3, impact=4,
                mitigation="m",
            )

        return {"pk": w._once("risk", area, tag, build).pk}

    readers = tp.MEMBERS
    staff_readers = tp.MEMBERS - {tp.MONITOR}  # monitors see issued packs only: a draft is not found
    draft_outcomes = tp.outcomes(staff_readers) | {tp.MONITOR: tp.NOT_FOUND}
    return {
        "reports:report-list": tp.area_page(readers),
        "reports:report-create": tp.form_page(tp.MANAGERS),
        "reports:schedule": tp.form_page(tp.MANAGERS),
        "reports:report-detail": tp.Rule({"get": draft_outcomes}, draft_pk),
        "reports:report-edit": tp.form_page(tp.MANAGERS, draft_pk),
        "reports:report-delete": tp.area_page(tp.MANAGERS, draft_pk, methods=("post",)),
        "reports:report-submit": tp.area_page(tp.MANAGERS, draft_pk, methods=("post",)),
        "reports:report-return": tp.area_page(tp.MANAGERS, draft_pk, methods=("post",)),
        "reports:report-sign-off": tp.area_page(tp.MANAGERS, draft_pk, methods=("post",)),
        "reports:report-issue": tp.area_page(tp.MANAGERS, draft_pk, methods=("post",)),
        "reports:report-pdf": tp.area_page(readers, issued_pk),
        "reports:report-xlsx": tp.area_page(readers, issued_pk),
        "reports:report-html": tp.area_page(readers, issued_pk),
        "reports:risk-list": tp.area_page(readers),
        "reports:risk-create": tp.form_page(tp.MANAGERS),
        "reports:risk-detail": tp.area_page(readers, risk_pk),
        "reports:risk-edit": tp.form_page(tp.MANAGERS, risk_pk),
        "monitoring:overview": tp.signed_in_only(),
    }
