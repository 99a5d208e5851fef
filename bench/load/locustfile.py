"""Load scenario for SEND Hub (issue 7): families on the public pages and partnership staff signed in.

Run it through ``bench/load/run.py`` (``make load``), which builds the database, starts gunicorn on 127.0.0.1 and
runs this file headless. Families (85% of users) search the Local Offer with varied queries, read listings, send
feedback, answer the open survey and read "You said, we did" and "How we are improving"; staff (15%) sign in once
as demo editors, read the plan, outcomes, voice and reports pages and post progress updates on actions their
organisation owns. Every response is checked for its status and a marker in the page, so a wrong page (an error
message, a sign-in page after a redirect) counts as a failure even when the status is 200.

Think time is 2-6 s between tasks, as a person reading a page takes, plus time to fill in a form.
"""

from __future__ import annotations

import itertools
import os
import random
import re
import sys
from pathlib import Path
from urllib.parse import urlencode

import gevent
from locust import FastHttpUser, between, events, task

sys.path.insert(0, str(Path(__file__).resolve().parent))
import pages  # noqa: E402 - beside this file, which locust loads by path

AREA = os.environ.get("SENDHUB_LOAD_AREA", "lancashire")
BASE = f"/areas/{AREA}"
DEMO_PASSWORD = os.environ.get("SENDHUB_LOAD_PASSWORD", "demo-password-2026")
# Demo editors (sendhub.demo.lancashire.PEOPLE): each may update the actions their organisation owns.
EDITORS = [
    "editor.council@lancashire.demo", "editor.health@lancashire.demo", "ehc.lead@lancashire.demo",
    "pfa.lead@lancashire.demo", "comms.lead@lancashire.demo", "ep.lead@lancashire.demo",
    "commissioning.lead@lancashire.demo", "nd.lead@lancashire.demo", "special.lead@lancashire.demo",
    "inclusion.lead@lancashire.demo", "socialcare.lead@lancashire.demo", "colleges.lead@lancashire.demo",
]
SERVICE_LINK = re.compile(rf'href="({BASE}/local-offer/services/[0-9a-f-]+/)"')
SURVEY_LINK = re.compile(rf'href="({BASE}/have-your-say/surveys/[\w-]+/)"')
ACTION_LINK = re.compile(rf'href="{BASE}/actions/(\d+)/"')


@events.test_start.add_listener
def refuse_remote_hosts(environment, **_kwargs) -> None:
    """This scenario sends traffic only to this machine, whoever starts it."""
    try:
        pages.check_host(environment.host or "")
    except ValueError as exc:
        raise SystemExit(str(exc)) from None


def check(response, status: int, marker: str) -> bool:
    """Mark the response failed unless it has the status and the page contains ``marker``."""
    if response.status_code != status:
        response.failure(f"status {response.status_code}, expected {status}")
        return False
    if marker not in (response.text or ""):
        response.failure(f"page without {marker!r}")
        return False
    response.success()
    return True


class Visitor(FastHttpUser):
    """What families and staff share: pages checked for a marker, forms posted as a browser posts them."""

    abstract = True
    wait_time = between(2, 6)

    def on_start(self) -> None:
        self.rng = random.Random()

    def think(self, low: float, high: float) -> None:
        """Time to read a form and fill it in (on top of the wait between tasks)."""
        gevent.sleep(self.rng.uniform(low, high))

    def get(self, url: str, name: str, marker: str, status: int = 200) -> str | None:
        with self.client.get(url, name=name, catch_response=True) as response:
            return response.text if check(response, status, marker) else None

    def post_form(self, url: str, data: dict, name: str, marker: str) -> bool:
        """POST urlencoded like a browser (a name repeated for each ticked box); redirects are followed."""
        body = urlencode(data, doseq=True)
        headers = {"Content-Type": "application/x-www-form-urlencoded"}
        with self.client.post(url, data=body, headers=headers, name=name, catch_response=True) as response:
            return check(response, 200, marker)


class Family(Visitor):
    """A parent or carer, no sign-in: mostly searching the Local Offer."""

    weight = 85

    def on_start(self) -> None:
        super().on_start()
        self.services: list[str] = []

    @task(40)
    def search(self) -> None:
        query = pages.search_query(self.rng)
        url = f"{BASE}/local-offer/" + ("?" + urlencode(query) if query else "")
        page = self.get(url, pages.search_name(query), "Find support and services")
        if page:
            self.services = SERVICE_LINK.findall(page)[:10] or self.services

    @task(20)
    def service_page(self) -> None:
        if not self.services:
            return self.search()
        self.get(self.rng.choice(self.services), "service page", "Report a problem with this listing")

    @task(6)
    def feedback(self) -> None:
        url = f"{BASE}/have-your-say/feedback/"
        page = self.get(url, "feedback form", "Tell us about your experience")
        form = pages.find_form(page or "")
        if form is None:
            return
        self.think(5, 15)
        self.post_form(url, pages.feedback_answers(form, self.rng), "feedback send", "Feedback sent")

    @task(6)
    def survey(self) -> None:
        page = self.get(f"{BASE}/have-your-say/", "have your say", "Have your say")
        links = SURVEY_LINK.findall(page or "")
        if not links:
            return
        page = self.get(links[0], "survey form", 'name="token"')
        form = pages.find_form(page or "")
        if form is None:
            return
        self.think(10, 25)
        self.post_form(links[0], pages.survey_answers(form, self.rng), "survey send", "Answers sent")

    @task(6)
    def you_said_we_did(self) -> None:
        self.get(f"{BASE}/you-said-we-did/", "you said, we did", "You said, we did")

    @task(6)
    def how_we_are_improving(self) -> None:
        self.get(f"{BASE}/how-we-are-improving/", "how we are improving", "How we are improving SEND in")


class Staff(Visitor):
    """A partner's editor: signs in once, reads the plan and outcomes, posts updates on their own actions."""

    weight = 15
    _accounts = itertools.count()
    # Two simulated people on one account never update the same action, so the action's version check has no
    # reason to refuse an update: a refusal (409) then counts as an error.
    _claimed: set[str] = set()

    def on_start(self) -> None:
        super().on_start()
        self.email = EDITORS[next(self._accounts) % len(EDITORS)]
        self.actions: list[str] = []
        self.mine: list[str] = []
        if self.sign_in():
            self.find_my_actions()

    def sign_in(self) -> bool:
        url = "/accounts/sign-in/"
        form = pages.find_form(self.get(url, "sign in form", "Sign in") or "", "sign-in")
        if form is None:
            return False
        data = {**form.hidden, "username": self.email, "password": DEMO_PASSWORD}
        return self.post_form(url, data, "sign in", "Sign out")

    def find_my_actions(self) -> None:
        page = self.get(f"{BASE}/my-actions/", "[staff] my actions", "My actions")
        ids = list(dict.fromkeys(ACTION_LINK.findall(page or "")))
        self.mine = [pk for pk in ids if pk not in self._claimed][:5]
        self._claimed.update(self.mine)

    @task(4)
    def dashboard(self) -> None:
        self.get(f"{BASE}/", "[staff] improvement dashboard", "improvement plan")

    @task(4)
    def action_list(self) -> None:
        params = self.rng.choice([{}, {}, {"status": "in_progress"}, {"rag": "off_track"}, {"overdue": "on"},
                                  {"q": "EHC"}, {"page": "2"}, {"page": "5"}])
        url = f"{BASE}/actions/" + ("?" + urlencode(params) if params else "")
        page = self.get(url, "[staff] action list", "Actions")
        if page:
            self.actions = ACTION_LINK.findall(page)[:25] or self.actions

    @task(4)
    def action_page(self) -> None:
        pool = self.actions or self.mine
        if not pool:
            return self.action_list()
        self.get(f"{BASE}/actions/{self.rng.choice(pool)}/", "[staff] action page", "Progress updates")

    @task(2)
    def progress_update(self) -> None:
        if not self.mine:
            return self.action_page()
        pk = self.rng.choice(self.mine)
        page = self.get(f"{BASE}/actions/{pk}/", "[staff] action page", "Record progress")
        form = pages.find_form(page or "", "/updates/new/")
        if form is None:
            return
        self.think(10, 30)
        self.post_form(form.action, pages.update_answers(form, self.rng), "[staff] progress update",
                       "Progress updates")

    @task(2)
    def outcomes(self) -> None:
        self.get(f"{BASE}/outcomes/", "[staff] outcomes dashboard", "outcomes")

    @task(2)
    def deadlines(self) -> None:
        self.get(f"{BASE}/outcomes/deadlines/", "[staff] deadline tracker", "Deadline tracker")

    @task(2)
    def voice(self) -> None:
        self.get(f"{BASE}/voice/", "[staff] voice overview", "Parent carer voice")

    @task(1)
    def reports(self) -> None:
        self.get(f"{BASE}/reports/", "[staff] reports list", "Monitoring reports")
