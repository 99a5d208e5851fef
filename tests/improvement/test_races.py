"""Two people saving the same reference at once: the database's unique constraint holds, and the one who loses
gets the form back with the error on the reference field, not a server error.

The race is played out in order: the form's own duplicate check passes, then the other person's record is saved
(as if their request committed in between), then this one is saved and meets the constraint. The last test runs
two requests at the same moment on PostgreSQL.
"""

from __future__ import annotations

import threading
from datetime import date

import pytest
from django.db import IntegrityError, connection
from django.test import Client
from django.urls import reverse

from sendhub.improvement import services
from sendhub.improvement.forms import ActionForm, FindingForm
from sendhub.improvement.models import Action, Finding, Judgement
from tests.factories import ActionFactory, FindingFactory, InspectionFactory


def url(name: str, area, *args) -> str:
    return reverse(f"improvement:{name}", args=[area.slug, *args])


@pytest.fixture
def finding(area):
    inspection = InspectionFactory(area=area, framework="2023", kind="full", outcome="3")
    return FindingFactory(inspection=inspection, kind="priority_action", reference="PA1")


def action_data(finding, owner, **overrides) -> dict:
    data = {
        "reference": "A12", "title": "Recruit plan writers", "description": "", "findings": [finding.pk],
        "owner": owner.pk, "lead": "", "start_date": "2026-01-05", "due_date": "2026-06-30",
        "success_criteria": "",
    }  # fmt: skip
    data.update(overrides)
    return data


def after_the_check(monkeypatch, form_class, rival) -> None:
    """Save ``rival()`` just after ``form_class``'s duplicate check has passed: the other request's commit."""
    check = form_class.clean_reference

    def check_then_lose_the_race(form):
        reference = check(form)
        rival()
        return reference

    monkeypatch.setattr(form_class, "clean_reference", check_then_lose_the_race)


def assert_reference_error(response, message: str) -> None:
    assert response.status_code == 200
    assert response.context["form"].errors["reference"] == [message]
    assert 'href="#id_reference"' in response.content.decode()  # linked from the error summary


@pytest.mark.django_db
def test_the_loser_of_a_race_for_an_actions_reference_gets_a_form_error(
    monkeypatch, client_for, admin_user, area, la_org, finding
):
    after_the_check(monkeypatch, ActionForm, lambda: ActionFactory(area=area, owner=la_org, reference="A12"))
    response = client_for(admin_user).post(url("action-create", area), action_data(finding, la_org))
    assert_reference_error(response, "Another action already has the reference A12")
    assert Action.objects.filter(reference="A12").count() == 1
    assert not Action.objects.filter(title="Recruit plan writers").exists()  # the rival's action stands


@pytest.mark.django_db
def test_the_loser_of_a_race_for_a_changed_reference_gets_a_form_error_and_nothing_changes(
    monkeypatch, client_for, admin_user, area, la_org, finding
):
    mine = ActionFactory(area=area, owner=la_org, reference="A01", title="Mine", findings=[finding])
    after_the_check(monkeypatch, ActionForm, lambda: ActionFactory(area=area, owner=la_org, reference="A12"))
    data = action_data(finding, la_org, title="Renamed", version=mine.version)
    response = client_for(admin_user).post(url("action-edit", area, mine.pk), data)
    assert_reference_error(response, "Another action already has the reference A12")
    mine.refresh_from_db()
    assert (mine.reference, mine.title, mine.version) == ("A01", "Mine", 1)  # the version claim rolled back too


@pytest.mark.django_db
def test_the_loser_of_a_race_for_a_findings_reference_gets_a_form_error(monkeypatch, client_for, admin_user, area):
    inspection = InspectionFactory(area=area, framework="2023", kind="full", outcome="3")
    after_the_check(
        monkeypatch, FindingForm, lambda: FindingFactory(inspection=inspection, kind="improvement", reference="AI3")
    )
    data = {"kind": "improvement", "reference": "AI3", "title": "Transitions", "text": "t", "theme": "other"}
    response = client_for(admin_user).post(url("finding-create", area, inspection.pk), data)
    assert_reference_error(response, "This inspection already has a finding with reference AI3")
    assert Finding.objects.filter(reference="AI3").count() == 1
    assert not Finding.objects.filter(title="Transitions").exists()


@pytest.mark.django_db
def test_an_integrity_error_that_is_not_about_the_reference_is_not_hidden(monkeypatch, area, la_org, finding):
    def broken(*args, **kwargs):
        raise IntegrityError("NOT NULL constraint failed: improvement_action.title")

    monkeypatch.setattr(Action, "save", broken)
    with pytest.raises(IntegrityError):
        services.action_create(
            action=Action(area=area, owner=la_org, reference="A77", start_date=date(2026, 1, 1),
                          due_date=date(2026, 2, 1)),
            findings=[finding],
        )  # fmt: skip


@pytest.mark.django_db
def test_a_judgement_recorded_twice_at_once_is_recorded_not_a_server_error(monkeypatch, client_for, admin_user, area):
    first = InspectionFactory(area=area, framework="2016", kind="full", start_date=date(2017, 11, 13),
                              end_date=date(2017, 11, 17), outcome="")  # fmt: skip
    revisit = InspectionFactory(area=area, framework="2016", kind="revisit", start_date=date(2020, 3, 2),
                                end_date=date(2020, 3, 6), outcome="")  # fmt: skip
    weakness = FindingFactory(inspection=first, kind="significant_weakness", reference="SW1")
    write = services._judgement_write
    calls = []

    def lose_the_first_race(**arguments):
        calls.append(arguments["outcome"])
        if len(calls) == 1:
            # The other person's judgement is saved first; ours then meets the unique constraint at its save.
            Judgement.objects.create(
                finding=weakness, inspection=revisit, outcome="insufficient_progress", judged_on=date(2020, 5, 1)
            )
            raise IntegrityError("UNIQUE constraint failed: judgement_one_per_inspection")
        return write(**arguments)

    monkeypatch.setattr(services, "_judgement_write", lose_the_first_race)
    response = client_for(admin_user).post(
        url("judgement-create", area, weakness.pk),
        {"inspection": revisit.pk, "outcome": "sufficient_progress", "judged_on": "2020-05-01", "text": "Better."},
    )
    assert response.status_code == 302
    assert calls == ["sufficient_progress", "sufficient_progress"]
    assert list(Judgement.objects.values_list("outcome", flat=True)) == ["sufficient_progress"]
    weakness.refresh_from_db()
    assert weakness.status == Finding.Status.SUFFICIENT_PROGRESS


# A real race ----------------------------------------------------------------------------------------------


@pytest.mark.skipif(connection.vendor != "postgresql", reason="two connections writing at once need PostgreSQL")
@pytest.mark.django_db(transaction=True)
def test_two_new_actions_posted_at_once_with_one_reference(monkeypatch, admin_user, area, la_org, finding):
    both_checked = threading.Barrier(2, timeout=30)
    check = ActionForm.clean_reference

    def check_then_wait(form):
        reference = check(form)
        both_checked.wait()  # neither saves until both have passed the form's check
        return reference

    monkeypatch.setattr(ActionForm, "clean_reference", check_then_wait)
    responses = {}

    def post(title: str) -> None:
        client = Client()
        client.force_login(admin_user)
        try:
            responses[title] = client.post(url("action-create", area), action_data(finding, la_org, title=title))
        finally:
            connection.close()

    threads = [threading.Thread(target=post, args=(title,)) for title in ("First", "Second")]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    assert sorted(r.status_code for r in responses.values()) == [200, 302]
    [loser] = [r for r in responses.values() if r.status_code == 200]
    assert loser.context["form"].errors["reference"] == ["Another action already has the reference A12"]
    assert Action.objects.filter(reference="A12").count() == 1
