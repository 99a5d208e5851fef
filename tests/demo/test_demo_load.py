"""``sendhub demo load`` (the demo_load command): the Lancashire demonstration area."""

from __future__ import annotations

from datetime import timedelta
from io import StringIO

import pytest
from django.contrib.auth import authenticate
from django.core.files.storage import default_storage
from django.core.management import CommandError, call_command
from django.utils import timezone

from sendhub.accounts.models import LocalArea, Membership, Organisation, Role, User
from sendhub.demo import lancashire
from sendhub.governance.models import ActionArising, Paper
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
from sendhub.improvement.uploads import check_upload
from sendhub.outcomes.models import ManualMeasure, MeasureValue, Sen2Return, SuccessMeasure

pytestmark = pytest.mark.django_db


def load(*args: str) -> str:
    """The demo with small generated SEN2 returns and no DfE release, to keep the tests quick."""
    out = StringIO()
    call_command("demo_load", "--sen2-persons", "150", "--dfe-release", "none", *args, stdout=out)
    return out.getvalue()


def counts() -> dict[str, int]:
    return {
        "areas": LocalArea.objects.count(),
        "organisations": Organisation.objects.count(),
        "users": User.objects.count(),
        "memberships": Membership.objects.count(),
        "inspections": Inspection.objects.count(),
        "findings": Finding.objects.count(),
        "judgements": Judgement.objects.count(),
        "actions": Action.objects.count(),
        "milestones": Milestone.objects.count(),
        "updates": ProgressUpdate.objects.count(),
        "evidence": Evidence.objects.count(),
        "comments": Comment.objects.count(),
    }


def test_loads_the_lancashire_area_and_its_inspection_history():
    output = load()

    area = LocalArea.objects.get(slug="lancashire")
    assert (area.name, area.la_code, area.ons_code, area.region) == ("Lancashire", "888", "E10000017", "north_west")
    full_2017, revisit, full_2024 = Inspection.objects.filter(area=area).order_by("start_date")
    assert (full_2017.framework, full_2017.kind, str(full_2017.start_date)) == ("2016", "full", "2017-11-13")
    assert (revisit.framework, revisit.kind, str(revisit.start_date)) == ("2016", "revisit", "2020-03-02")
    assert (full_2024.framework, full_2024.outcome, str(full_2024.end_date)) == ("2023", "3", "2024-12-13")
    assert all(i.report_url == "https://reports.ofsted.gov.uk/provider/44/80521" for i in (full_2017, full_2024))

    weaknesses = Finding.objects.filter(inspection=full_2017)
    assert weaknesses.count() == 12
    assert set(weaknesses.values_list("kind", flat=True)) == {"significant_weakness"}
    assert sorted(full_2024.findings.values_list("reference", flat=True)) == ["AFI1", "AFI2", "PA1", "PA2", "PA3"]
    assert not Finding.objects.filter(text_is_summary=False).exists()
    pa1 = Finding.objects.get(reference="PA1")
    assert {o.kind for o in pa1.responsible_organisations.all()} == {"local_authority", "health"}

    on_revisit = Judgement.objects.filter(inspection=revisit)
    assert on_revisit.count() == 12
    assert on_revisit.filter(outcome="sufficient_progress").count() == 7
    assert on_revisit.filter(outcome="not_sufficient_progress").count() == 5
    superseded = Judgement.objects.filter(inspection=full_2024, outcome="superseded")
    not_sufficient = on_revisit.filter(outcome="not_sufficient_progress")
    assert {j.finding_id for j in superseded} == {j.finding_id for j in not_sufficient}
    assert weaknesses.filter(status="superseded").count() == 5
    assert weaknesses.filter(status="sufficient_progress").count() == 7
    assert "Lancashire demo" in output
    # It cannot know the server's port: it prints how to start the server, with the default and another port.
    assert "SENDHUB_DEBUG=1 sendhub runserver " in output and "http://127.0.0.1:8000/ (Django's default port)" in output
    assert "Open http://127.0.0.1:8000/" not in output
    from sendhub.web.context_processors import demo_marker

    assert demo_marker().exists()  # the demo banner (SENDHUB_DEMO_BANNER=auto) shows however the server starts


def test_loads_a_realistic_improvement_plan():
    load()
    area = LocalArea.objects.get(slug="lancashire")
    today, now = timezone.localdate(), timezone.now()

    actions = Action.objects.filter(area=area)
    assert 55 <= actions.count() <= 65
    for reference in ["PA1", "PA2", "PA3", "AFI1", "AFI2"]:
        assert 8 <= Finding.objects.get(area=area, reference=reference).actions.count() <= 18, reference
    assert Finding.objects.get(reference="SW6").actions.exists()
    statuses = set(actions.values_list("status", flat=True))
    assert statuses == {"not_started", "in_progress", "complete", "cancelled"}
    assert set(actions.open().values_list("rag", flat=True)) == {"on_track", "at_risk", "off_track"}
    assert actions.overdue(today).count() >= 4
    # every lead is an editor at the organisation that owns the action (an action the board promoted from its
    # actions arising gets its lead when the owner picks one)
    promoted = ActionArising.objects.exclude(plan_action=None).values("plan_action")
    for action in actions.exclude(pk__in=promoted).select_related("lead"):
        assert Membership.objects.filter(
            user=action.lead, area=area, role=Role.EDITOR, organisation=action.owner
        ).exists(), action.reference

    milestones = Milestone.objects.filter(action__area=area)
    assert milestones.filter(completed_on__isnull=False).exists()
    assert any(m.is_missed for m in milestones)
    assert milestones.filter(completed_on__isnull=True, due_date__gte=today,
                             due_date__lte=today + timedelta(days=30)).count() >= 3

    updates = ProgressUpdate.objects.filter(action__area=area)
    recent = updates.filter(created_at__gte=now - timedelta(days=548))
    assert 270 <= recent.count() <= 330
    assert not updates.filter(created_at__gt=now).exists()
    assert updates.filter(created_at__gte=now - timedelta(days=14)).exists()
    for action in actions.exclude(status="not_started").prefetch_related("updates"):
        latest = max(action.updates.all(), key=lambda u: u.created_at)
        assert (latest.status, latest.rag) == (action.status, action.rag), action.reference
        assert action.version == action.updates.count() + 1
    assert updates.exclude(rag_reason="").count() == updates.count()

    links = Evidence.objects.filter(action__area=area, file="")
    files = Evidence.objects.filter(action__area=area).exclude(file="")
    assert links.count() >= 10 and all(e.url.startswith("https://") for e in links)
    assert files.count() >= 5
    for evidence in files:
        with default_storage.open(evidence.file.name) as handle:
            checked = check_upload(evidence.original_filename, evidence.size_bytes, handle, max_bytes=10**7)
        assert checked.content_type == evidence.content_type
    assert Comment.objects.filter(action__area=area, author__email="forum@lancashire.demo").count() >= 5


def test_every_role_has_a_login_that_works(rf):
    output = load()
    area = LocalArea.objects.get(slug="lancashire")
    seen = set()
    for key in lancashire.LOGIN_KEYS:
        email = lancashire.PEOPLE[key][0]
        assert email in output
        membership = Membership.objects.get(area=area, user__email=email)
        seen.add(membership.role)
        # django-axes needs the request, so authenticate as the sign-in page does.
        user = authenticate(rf.post("/accounts/sign-in/"), email=email, password=lancashire.DEMO_PASSWORD)
        assert user is not None and user.email == email
    assert seen == set(Role.values)
    monitor = Membership.objects.get(area=area, user__email="monitor@dfe.demo")
    assert monitor.organisation.kind == "dfe" and monitor.organisation.area is None
    assert lancashire.DEMO_PASSWORD in output


def test_second_run_does_not_duplicate_anything():
    load()
    before = counts()
    output = load()
    assert "Lancashire demo already loaded; use --reset to rebuild it" in output
    assert counts() == before


def test_reset_rebuilds_the_area_the_same_way(django_capture_on_commit_callbacks):
    load()
    before = counts()
    commentary = list(ProgressUpdate.objects.order_by("action__reference", "created_at")
                      .values_list("commentary", flat=True))
    old_files = list(Evidence.objects.exclude(file="").values_list("file", flat=True))
    old_files += list(Paper.objects.exclude(file="").values_list("file", flat=True))
    assert Paper.objects.exclude(file="").exists(), "the demo board has a paper with a file"
    Action.objects.get(reference="A60").delete()
    User.objects.filter(email="viewer@lancashire.demo").update(full_name="Changed")

    with django_capture_on_commit_callbacks(execute=True):
        output = load("--reset")

    assert "Deleted the existing Lancashire demo area" in output
    assert counts() == before
    assert User.objects.get(email="viewer@lancashire.demo").full_name == "Ruth Ainsworth"
    assert list(ProgressUpdate.objects.order_by("action__reference", "created_at")
                .values_list("commentary", flat=True)) == commentary
    # National bodies are shared by every area and are reused, not duplicated.
    assert Organisation.objects.filter(area__isnull=True, name="Department for Education").count() == 1
    new_files = set(Evidence.objects.exclude(file="").values_list("file", flat=True))
    new_files |= set(Paper.objects.exclude(file="").values_list("file", flat=True))
    assert all(not default_storage.exists(name) for name in old_files if name not in new_files)


def test_refuses_to_touch_a_real_area_with_the_same_codes():
    LocalArea.objects.create(name="Lancashire", slug="lancashire", la_code="888", ons_code="E10000017",
                             region="north_west")
    for args in ([], ["--reset"]):
        with pytest.raises(CommandError, match="not created by the demo loader"):
            load(*args)
    assert LocalArea.objects.count() == 1 and not Action.objects.exists()


def test_demo_pdf_is_a_valid_pdf():
    pdf = lancashire.demo_pdf()
    assert pdf.startswith(b"%PDF-1.4") and pdf.rstrip().endswith(b"%%EOF")
    assert b"Demonstration evidence" in pdf


def test_loads_generated_sen2_returns_a_partners_measure_and_targets():
    output = load()
    area = LocalArea.objects.get(slug="lancashire")
    returns = list(Sen2Return.objects.filter(area=area).order_by("collection_year"))
    assert len(returns) == 2 and all(r.is_current and r.person_count == 150 for r in returns)
    assert returns[1].collection_year == returns[0].collection_year + 1
    assert MeasureValue.objects.filter(area=area, measure="PC_plans_issued_20_weeks_ex").exists()
    wait = ManualMeasure.objects.get(area=area, key="autism-assessment-wait")
    assert wait.owner.kind == Organisation.Kind.HEALTH and wait.values.count() == 18
    # Four set by the plan's demo, and the EHC plan audit result as a success measure of PA2 (demo/inspection.py).
    assert SuccessMeasure.objects.filter(area=area).count() == 5
    assert "Outcomes: SEN2" in output


def test_refuses_a_negative_number_of_people():
    with pytest.raises(CommandError, match="--sen2-persons must be 0 or more"):
        call_command("demo_load", "--sen2-persons", "-1")
    assert not LocalArea.objects.exists()


def test_reset_rebuilds_outcomes_without_duplicates():
    load()
    load("--reset")
    area = LocalArea.objects.get(slug="lancashire")
    assert Sen2Return.objects.filter(area=area).count() == 2
    assert ManualMeasure.objects.filter(area=area).count() == 2  # the autism wait and the EHC plan audit result
