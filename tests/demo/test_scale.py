"""``sendhub demo scale`` (the large-county data for load tests) and the load scenario's own pieces.

The demo is scaled to a little above its own size, so every part of the scaling runs in a few seconds. The locust
scenario is never started here: ``locustfile.py`` is imported in a subprocess (importing locust monkey-patches the
whole process with gevent) to check its users and tasks, and its pure helpers (``bench/load/pages.py``) are tested
directly, including that every search it makes is one the search form accepts.
"""

from __future__ import annotations

import importlib.util
import json
import random
import subprocess
import sys
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from sendhub.accounts.models import LocalArea
from sendhub.demo import scale
from sendhub.directory import search
from sendhub.directory.models import Service
from sendhub.improvement.models import Action, ProgressUpdate
from sendhub.outcomes.models import MeasureValue, Sen2Return
from sendhub.voice import redaction
from sendhub.voice.models import Comment, CommentTag, Feedback, Response, Survey

LOAD_DIR = Path(__file__).resolve().parents[2] / "bench" / "load"
sys.path.insert(0, str(LOAD_DIR))
import pages  # noqa: E402
import run  # noqa: E402

SMALL = scale.Targets(listings=330, comments=2150, responses=400, actions=64, sen2_persons=200)


def load_demo() -> LocalArea:
    call_command("demo_load", "--sen2-persons", "150", "--dfe-release", "none", stdout=StringIO())
    return LocalArea.objects.get(slug="lancashire")


def test_a_factor_of_ten_is_a_large_county():
    assert scale.Targets.for_factor(10) == scale.Targets(
        listings=3000, comments=20000, responses=20000, actions=300, sen2_persons=20000
    )
    with pytest.raises(scale.ScaleError):
        scale.Targets.for_factor(0)


@pytest.mark.django_db
def test_scaling_reaches_the_targets_through_the_usual_paths_and_is_idempotent():
    area = load_demo()
    before_actions = Action.objects.filter(area=area).count()
    before_listings = set(Service.objects.filter(area=area).values_list("pk", flat=True))

    summary = scale.scale(area, SMALL)

    assert summary.totals == {
        "listings": 330,
        "comments": 2150,
        "survey responses": 400,
        "actions": 64,
        "SEN2 persons (latest return)": 200,
    }
    # Listings: indexed for search, so a new one is found by its own words.
    assert Service.objects.filter(area=area).exclude(search_text="").count() == 330
    new = Service.objects.filter(area=area).exclude(pk__in=before_listings)
    assert new.count() == 330 - len(before_listings)
    for listing in new[:3]:
        found = search.search_services(area=area, text=listing.name, per_page=100)
        assert listing.pk in {hit.service.pk for hit in found.hits}, listing.name
    # Comments: feedback rows with redacted text (redacting again changes nothing) and suggested themes.
    feedback = Comment.objects.filter(area=area, feedback__isnull=False)
    assert feedback.count() == Feedback.objects.filter(area=area).count() > 0
    for comment in feedback[:20]:
        assert redaction.redact(comment.text).text == comment.text
        assert comment.tags.exists()
    assert not CommentTag.objects.filter(comment__area=area, theme="").exists()
    # Survey: one open wave, with the responses beyond the demo's closed waves.
    survey = Survey.objects.get(area=area, slug=scale.SURVEY_SLUG)
    open_wave = survey.waves.get(status=Survey.Status.OPEN)
    assert Response.objects.filter(wave=open_wave).count() == 400 - 315
    assert all(r.answers.exists() for r in Response.objects.filter(wave=open_wave))
    # Actions: built through the services, each with its history, versions matching its updates.
    added = Action.objects.filter(area=area).order_by("-pk")[: 64 - before_actions]
    for action in added:
        assert action.reference.startswith("A1") and action.history.exists()
        assert action.version == ProgressUpdate.objects.filter(action=action).count() + 1
    # SEN2: a larger return for the latest year supersedes the demo's, with its measures computed.
    current = Sen2Return.objects.get(area=area, is_current=True, person_count=200)
    assert MeasureValue.objects.filter(sen2_return=current).exists()

    again = scale.scale(area, SMALL)
    assert set(again.added.values()) == {0}
    assert again.totals == summary.totals
    out = StringIO()
    call_command("demo_scale", "--factor", "0.01", stdout=out)  # smaller than the demo: nothing to add
    assert "Scaled the Lancashire demo (factor 0.01)" in out.getvalue()
    assert "listings: added 0" in out.getvalue() and "330 listings" in out.getvalue()


@pytest.mark.django_db
def test_the_command_refuses_without_the_demo():
    with pytest.raises(CommandError, match="demo load"):
        call_command("demo_scale", "--factor", "0.1", stdout=StringIO())


# The load scenario ----------------------------------------------------------------------------------------


@pytest.mark.skipif(
    importlib.util.find_spec("locust") is None,
    reason="locust is not installed (`make test` installs it with the load extra)",
)
def test_the_locustfile_has_families_and_staff_with_well_formed_tasks():
    probe = (
        "import json, sys\n"
        f"sys.path.insert(0, {str(LOAD_DIR)!r})\n"
        "import locustfile\n"
        "out = {}\n"
        "for user in (locustfile.Family, locustfile.Staff):\n"
        "    tasks = [t.__name__ for t in user.tasks]\n"
        "    out[user.__name__] = {'weight': user.weight, 'tasks': tasks, 'host': user.host,\n"
        "                          'wait': [user.wait_time(user) for _ in range(20)]}\n"
        "print(json.dumps(out))\n"
    )
    result = subprocess.run(  # noqa: S603 - our own interpreter and a fixed script
        [sys.executable, "-c", probe], capture_output=True, text=True, timeout=60, check=True
    )
    users = json.loads(result.stdout.strip().splitlines()[-1])

    assert users["Family"]["weight"] + users["Staff"]["weight"] == 100
    assert users["Family"]["weight"] > users["Staff"]["weight"]
    family, staff = set(users["Family"]["tasks"]), set(users["Staff"]["tasks"])
    assert {"search", "service_page", "feedback", "survey", "you_said_we_did", "how_we_are_improving"} <= family
    assert {"dashboard", "action_list", "action_page", "progress_update", "outcomes", "deadlines", "voice",
            "reports"} <= staff
    for user in users.values():
        assert user["host"] is None  # always given by run.py, which accepts only this machine
        assert all(2 <= wait <= 6 for wait in user["wait"])


def test_only_this_machine_is_ever_a_target():
    assert pages.check_host("http://127.0.0.1:8765") == "127.0.0.1"
    assert pages.check_host("http://localhost:8000/") == "localhost"
    for host in ("http://10.0.0.5:8000", "https://send.example.gov.uk", "http://127.0.0.1.example.com", ""):
        with pytest.raises(ValueError):
            pages.check_host(host)
    with pytest.raises(SystemExit):
        run.arguments(["--host", "192.168.1.10"])
    with pytest.raises(SystemExit):  # the run drops its database: never one without "load" in its name
        run.arguments(["--database-url", "postgres://postgres@127.0.0.1:5432/sendhub"])
    args = run.arguments(["--users", "10", "--time", "30s"])
    assert (args.users, args.run_seconds) == (10, 30)
    assert [run.seconds(t) for t in ("30s", "5m", "1h30m", "90")] == [30, 300, 5400, 90]


def test_forms_are_read_past_the_header_sign_out_form():
    html = """
    <form method="post" action="/accounts/sign-out/"><input type="hidden" name="csrfmiddlewaretoken" value="a"></form>
    <form method="post" action="/areas/x/actions/3/updates/new/">
      <input type="hidden" name="csrfmiddlewaretoken" value="b"><input type="hidden" name="version" value="7">
      <input type="radio" name="status" value="not_started">
      <input type="radio" name="status" value="in_progress" checked>
      <input type="radio" name="rag" value="on_track"><input type="radio" name="rag" value="at_risk" checked>
      <textarea name="rag_reason">
Waiting for the &amp; panel</textarea>
      <input type="checkbox" name="q4" value="One"><input type="checkbox" name="q4" value="Two">
      <select name="district"><option value="">Choose</option><option value="Wyre">Wyre</option></select>
      <input type="text" name="website" value="">
    </form>"""
    form = pages.find_form(html, "/updates/new/")
    assert form.hidden == {"csrfmiddlewaretoken": "b", "version": "7"}
    update = pages.update_answers(form, random.Random(1))
    assert (update["status"], update["rag"]) == ("in_progress", "at_risk")
    assert update["rag_reason"] == "Waiting for the & panel" and update["version"] == "7"
    answers = pages.survey_answers(form, random.Random(1))
    assert answers["district"] == "Wyre" and set(answers["q4"]) <= {"One", "Two"}
    assert "website" not in answers  # the honeypot stays empty, as people leave it


@pytest.mark.django_db
def test_every_search_the_scenario_makes_is_accepted_by_the_search_form():
    from sendhub.directory import taxonomies
    from sendhub.directory.forms import SearchForm

    taxonomies.ensure_taxonomies()
    rng = random.Random(2026)
    for _ in range(300):
        query = pages.search_query(rng)
        form = SearchForm(query)
        assert form.is_valid(), (query, form.errors)
        assert pages.search_name(query).startswith("search: ")
