"""Separation of duties on monitoring packs: the person who sends a pack for review, the one who signs it off and
the one who issues it are three different people; an area administrator may override it only with a reason,
which is kept (a DutyOverride, the pack's history) and shown on the pack."""

from __future__ import annotations

import pytest
from django.urls import reverse

from sendhub.accounts.models import Role
from sendhub.reports import services
from sendhub.reports.models import DutyOverride, MonitoringReport


@pytest.fixture
def in_review(area, plan, as_at, admin_user):
    report = services.create_draft(area=area, title="Pack", period_start=plan["start"], period_end=as_at,
                                   as_at=as_at, created_by=admin_user)
    return services.submit_for_review(report=report, expected_version=report.version, by=admin_user)


def test_the_person_who_sent_it_for_review_cannot_sign_it_off(in_review, admin_user):
    with pytest.raises(services.SeparationOfDuties, match="You sent it for review, so someone else must sign it off"):
        services.sign_off(report=in_review, expected_version=in_review.version, by=admin_user)

    stored = MonitoringReport.objects.get(pk=in_review.pk)
    assert stored.status == MonitoringReport.Status.IN_REVIEW and stored.signed_off_by is None
    assert not DutyOverride.objects.exists()


def test_neither_the_sender_nor_the_signer_can_issue_it(in_review, admin_user, signer, issuer):
    services.sign_off(report=in_review, expected_version=in_review.version, by=signer)

    for person, earlier in ((signer, "You signed it off"), (admin_user, "You sent it for review")):
        with pytest.raises(services.SeparationOfDuties, match=earlier):
            services.issue(report=in_review, expected_version=in_review.version, by=person)
    assert MonitoringReport.objects.get(pk=in_review.pk).status == MonitoringReport.Status.SIGNED_OFF

    report = services.issue(report=in_review, expected_version=in_review.version, by=issuer)
    assert (report.submitted_by, report.signed_off_by, report.issued_by) == (admin_user, signer, issuer)
    assert not DutyOverride.objects.exists()


def test_an_administrator_may_override_with_a_reason_which_is_recorded(in_review, admin_user):
    reason = "The other two administrators are on leave and the stocktake is due on Friday"
    services.sign_off(report=in_review, expected_version=in_review.version, by=admin_user, override_reason=reason)

    override = DutyOverride.objects.get()
    assert (override.report, override.step, override.by, override.reason) == (
        in_review, DutyOverride.Step.SIGN_OFF, admin_user, reason)
    assert override.earlier == "sent it for review"
    assert override.history.get().history_user == admin_user
    record = in_review.history.order_by("-history_date", "-history_id").first()
    assert record.status == MonitoringReport.Status.SIGNED_OFF
    assert record.history_change_reason.startswith("Separation of duties overridden")

    services.issue(report=in_review, expected_version=in_review.version, by=admin_user, override_reason=reason)
    issue_override = DutyOverride.objects.get(step=DutyOverride.Step.ISSUE)
    assert issue_override.earlier == "sent it for review and signed it off"


def test_a_blank_reason_is_no_override(in_review, admin_user):
    with pytest.raises(services.SeparationOfDuties, match="giving the reason"):
        services.sign_off(report=in_review, expected_version=in_review.version, by=admin_user, override_reason="  ")
    assert not DutyOverride.objects.exists()


def test_only_an_administrator_may_override(in_review, admin_user, editor_user):
    """Services are also called outside views (the demo, commands): the role is checked there too."""
    from sendhub.accounts.models import Membership

    Membership.objects.filter(user=admin_user).update(role=Role.EDITOR)
    with pytest.raises(services.SeparationOfDuties, match="Only an area administrator"):
        services.sign_off(report=in_review, expected_version=in_review.version, by=admin_user,
                          override_reason="Busy week")
    assert MonitoringReport.objects.get(pk=in_review.pk).status == MonitoringReport.Status.IN_REVIEW


def test_the_page_offers_the_override_only_with_a_reason_and_shows_it(client_for, in_review, admin_user, signer):
    client = client_for(admin_user)
    url = reverse("reports:report-detail", args=[in_review.area.slug, in_review.pk])
    page = client.get(url).content.decode()
    assert "You sent it for review, so someone else should sign it off" in page
    assert "Sign off anyway" in page and ">Sign off</button>" not in page
    assert ">Sign off</button>" in client_for(signer).get(url).content.decode()

    sign_off = reverse("reports:report-sign-off", args=[in_review.area.slug, in_review.pk])
    response = client.post(sign_off, {"version": in_review.version}, follow=True)
    assert "so someone else must sign it off" in response.content.decode()
    assert MonitoringReport.objects.get(pk=in_review.pk).status == MonitoringReport.Status.IN_REVIEW

    client.post(sign_off, {"version": in_review.version, "override_reason": "Signer off sick; deadline today"})
    assert MonitoringReport.objects.get(pk=in_review.pk).status == MonitoringReport.Status.SIGNED_OFF
    page = client.get(url).content.decode()
    assert "Separation of duties overridden" in page and "Signer off sick; deadline today" in page


def test_the_demo_issued_pack_was_sent_signed_and_issued_by_three_people(db):
    from io import StringIO

    from django.core.management import call_command

    call_command("demo_load", "--sen2-persons", "0", "--dfe-release", "none", stdout=StringIO())
    issued = MonitoringReport.objects.get(area__slug="lancashire", status=MonitoringReport.Status.ISSUED)

    people = {issued.submitted_by_id, issued.signed_off_by_id, issued.issued_by_id}
    assert None not in people and len(people) == 3
    assert not issued.duty_overrides.exists()
