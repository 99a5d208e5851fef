"""Site-wide pages (home, accessibility, errors), the look of the site, and the page check itself."""

from __future__ import annotations

from pathlib import Path

import pytest
from bs4 import BeautifulSoup
from django.core.files.base import ContentFile
from django.db import connection
from django.http import HttpResponse
from django.test.utils import CaptureQueriesContext
from django.urls import path, reverse

from sendhub.accounts.models import Role
from sendhub.improvement import urls as improvement_urls
from tests.factories import (
    ActionFactory,
    CommentFactory,
    EvidenceFactory,
    FindingFactory,
    InspectionFactory,
    MembershipFactory,
    MilestoneFactory,
    ProgressUpdateFactory,
    UserFactory,
    member,
)
from tests.pagecheck import PageCheckError, page_problems

WEB = Path(__file__).resolve().parents[2] / "src" / "sendhub" / "web"
CSS = WEB / "static" / "sendhub" / "sendhub.css"


def soup(response) -> BeautifulSoup:
    return BeautifulSoup(response.content, "html.parser")


# Home ---------------------------------------------------------------------------------------------------


PUBLIC_PAGES = {
    "Find support": "directory:search",
    "Have your say": "voice-public:index",
    "How we are improving": "progress-public:index",
    "You said, we did": "you-said-we-did:index",
}


def test_front_door_with_one_area_puts_its_public_pages_first(client_for, area):
    response = client_for(None).get("/")

    assert response.status_code == 200
    page = soup(response)
    assert page.h1.get_text(strip=True) == "Support for children and young people with SEND"
    assert "Lancashire" in page.select_one("main .govuk-caption-xl").get_text()
    links = [(a.get_text(strip=True), a["href"]) for a in page.select("main h2 a")]
    assert links == [(label, reverse(name, args=[area.slug])) for label, name in PUBLIC_PAGES.items()]
    # Staff sign-in is secondary: a plain link after the public pages (and in the header), never a start button.
    assert page.select_one("a.govuk-button--start") is None
    sign_in = [a for a in page.select("main a") if a["href"] == reverse("accounts:sign-in")]
    assert len(sign_in) == 1 and "govuk-button" not in sign_in[0].get("class", [])
    assert page.select_one("header nav[aria-label=Account] a")["href"] == reverse("accounts:sign-in")


def test_front_door_lists_every_hosted_area_with_its_public_pages(client_for, area, other_area):
    page = soup(client_for(None).get("/"))

    assert [h2.get_text(strip=True) for h2 in page.select("main h2.govuk-heading-l")] == ["Cumbria", "Lancashire"]
    for hosted in (area, other_area):
        hrefs = {a["href"] for a in page.select("main h3 a")}
        assert {reverse(name, args=[hosted.slug]) for name in PUBLIC_PAGES.values()} <= hrefs


@pytest.mark.parametrize("name", sorted(PUBLIC_PAGES.values()))
def test_public_pages_share_the_public_navigation(client_for, area, name):
    page = soup(client_for(None).get(reverse(name, args=[area.slug])))

    navigation = page.select_one("nav.govuk-service-navigation__wrapper")
    assert navigation["aria-label"] == "Lancashire: pages for families"
    links = [(a.get_text(strip=True), a["href"]) for a in navigation.select("a")]
    assert links == [(label, reverse(n, args=[area.slug])) for label, n in PUBLIC_PAGES.items()]
    current = navigation.select("a[aria-current]")
    assert [a["href"] for a in current] == [reverse(name, args=[area.slug])]
    assert page.find("nav", attrs={"aria-label": "Staff pages"}) is None


def test_staff_navigation_is_separate_and_account_links_are_in_the_header(client_for, admin_user, area):
    page = soup(client_for(admin_user).get(reverse("improvement:action-list", args=[area.slug])))

    staff = page.find("nav", attrs={"aria-label": "Staff pages"})
    labels = [a.get_text(strip=True) for a in staff.select("a")]
    assert labels[:4] == ["Dashboard", "Findings", "Actions", "My actions"]
    assert "Sign out" not in staff.get_text() and "Your account" not in staff.get_text()
    assert [a.get_text(strip=True) for a in staff.select("a[aria-current]")] == ["Actions"]
    account = page.select_one("header nav[aria-label=Account]")
    assert "Your account" in account.get_text() and account.select_one("button").get_text(strip=True) == "Sign out"
    assert page.find("nav", attrs={"aria-label": "Lancashire: pages for families"}) is None


def test_each_role_lands_on_a_page_made_for_it(client_for, admin_user, editor_user, forum_user, monitor_user,
                                                viewer_user, area):
    landings = {
        admin_user: reverse("improvement:dashboard", args=[area.slug]),
        editor_user: reverse("improvement:dashboard", args=[area.slug]),
        forum_user: reverse("voice:forum", args=[area.slug]),
        monitor_user: reverse("monitoring:overview"),
        viewer_user: reverse("improvement:finding-list", args=[area.slug]),
    }
    for user, landing in landings.items():
        response = client_for(user).get("/")
        assert (response.status_code, response["Location"]) == (302, landing), user.email
        assert client_for(user).get(landing).status_code == 200, user.email


def test_the_monitor_has_monitoring_in_their_navigation_and_the_forum_has_its_page(
    client_for, monitor_user, forum_user, area
):
    for url in (reverse("monitoring:overview"), reverse("improvement:dashboard", args=[area.slug])):
        staff = soup(client_for(monitor_user).get(url)).find("nav", attrs={"aria-label": "Staff pages"})
        items = [(a.get_text(strip=True), a["href"]) for a in staff.select("a")]
        assert ("Monitoring", reverse("monitoring:overview")) in items
        assert "My actions" not in staff.get_text()
    staff = soup(client_for(forum_user).get(reverse("improvement:dashboard", args=[area.slug]))).find(
        "nav", attrs={"aria-label": "Staff pages"}
    )
    labels = [a.get_text(strip=True) for a in staff.select("a")]
    assert labels[0] == "Forum" and "My actions" not in labels and "Monitoring" not in labels


def test_home_lists_both_areas_for_a_member_of_two(client_for, viewer_user, other_area):
    member_of_two = viewer_user
    member(other_area, Role.VIEWER)  # someone else's membership must not show
    MembershipFactory(user=member_of_two, area=other_area, role=Role.MONITOR)

    response = client_for(member_of_two).get("/")

    assert response.status_code == 200
    page = soup(response)
    assert page.h1.get_text(strip=True) == "Your areas"
    links = {a.get_text(strip=True): a["href"] for a in page.select("main ul.govuk-list a")}
    assert links == {"Cumbria": "/areas/cumbria/", "Lancashire": "/areas/lancashire/"}


def test_home_for_someone_in_no_area_says_so(client_for, db):
    response = client_for(UserFactory()).get("/")

    assert response.status_code == 200
    assert "You are not a member of any local area yet" in response.content.decode()


# Accessibility statement and error pages ----------------------------------------------------------------


def test_accessibility_statement(client_for, db):
    response = client_for(None).get("/accessibility")

    assert response.status_code == 200
    page = soup(response)
    assert page.h1.get_text(strip=True).startswith("Accessibility statement")
    headings = [h2.get_text(strip=True) for h2 in page.select("main h2")]
    for heading in [
        "How accessible this service is",
        "Feedback and contact information",
        "Enforcement procedure",
        "Compliance status",
        "Preparation of this accessibility statement",
    ]:
        assert heading in headings


def test_not_found_uses_our_page(client_for, db, settings):
    assert settings.DEBUG is False
    response = client_for(None).get("/no-such-page/")

    assert response.status_code == 404
    assert [t.name for t in response.templates][0] == "web/404.html"
    assert soup(response).h1.get_text(strip=True) == "Page not found"


def test_an_unknown_area_is_our_not_found_page(client_for, viewer_user):
    response = client_for(viewer_user).get("/areas/nowhere/")

    assert response.status_code == 404
    assert soup(response).h1.get_text(strip=True) == "Page not found"


def test_another_areas_dashboard_is_forbidden_with_our_page(client_for, outsider, area):
    response = client_for(outsider).get(f"/areas/{area.slug}/")

    assert response.status_code == 403
    assert [t.name for t in response.templates][0] == "web/403.html"


# The look: SEND Hub is not a GOV.UK service, so no crown, no GOV.UK logotype and no GDS Transport ---------


def test_css_is_built():
    assert CSS.exists(), f"{CSS} is missing: run 'npm run build' (make assets)"
    assert CSS.stat().st_size > 10_000


def test_css_does_not_use_the_gov_uk_typeface():
    css = CSS.read_text(encoding="utf-8")
    assert "GDS Transport" not in css


def test_base_template_has_no_crown_or_gov_uk_logotype():
    base = (WEB / "templates" / "base.html").read_text(encoding="utf-8")
    assert "govuk-header__logotype" not in base
    assert "crown" not in base.lower()


def test_header_shows_our_name_and_no_crown(client_for, db):
    header = soup(client_for(None).get("/")).select_one("header")

    assert header.select("svg") == []
    assert "GOV.UK" not in header.get_text()
    assert header.select_one(".sendhub-header__service-name").get_text(strip=True) == "SEND Hub"


# The page check (tests/pagecheck.py) ---------------------------------------------------------------------

GOOD_PAGE = """<!DOCTYPE html><html><head><title>Edit action – SEND Hub</title></head><body>
<h1>Edit action</h1>
<form><label for="title">Title</label><input id="title" name="title">
<input type="hidden" name="csrfmiddlewaretoken" value="x">
<fieldset><legend>Status</legend><input type="radio" id="s1" name="s"><input type="radio" id="s2" name="s"></fieldset>
<select aria-label="Sort by"><option>Due</option></select>
<span id="rag-label">RAG</span><select aria-labelledby="rag-label"></select>
<label>Reason <textarea name="reason"></textarea></label>
<button type="submit">Save</button></form></body></html>"""


def test_a_good_page_passes():
    assert page_problems(GOOD_PAGE) == []


@pytest.mark.parametrize(
    ("change", "problem"),
    [
        (("<h1>Edit action</h1>", "<h2>Edit action</h2>"), "one <h1>: the page has 0"),
        (("<h1>Edit action</h1>", "<h1>Edit action</h1><h1>Again</h1>"), "one <h1>: the page has 2"),
        (
            ("<title>Edit action", "<title>Action"),
            "<title> starts with the <h1>: title 'Action – SEND Hub' does not start with 'Edit action'",
        ),
        (('id="s2"', 'id="s1"'), "unique ids: repeated 's1'"),
        (('<label for="title">Title</label>', ""), 'labelled form fields: <input id="title" name="title"> has no'),
        (("<legend>Status</legend>", ""), 'labelled form fields: <input id="s1" name="s" type="radio"> has no'),
        (('aria-label="Sort by"', ""), "labelled form fields: <select> has no"),
        (('<span id="rag-label">RAG</span>', ""), "labelled form fields: <select> has no"),
        (('<label for="title">', '<label for="titel">'), "labelled form fields: <label for=\"titel\"> points to no"),
    ],
)
def test_the_page_check_finds(change, problem):
    old, new = change
    assert old in GOOD_PAGE
    problems = page_problems(GOOD_PAGE.replace(old, new, 1))
    assert any(p.startswith(problem) for p in problems), problems


ERROR_GROUP = '<div class="govuk-form-group govuk-form-group--error">'


def test_the_page_check_wants_an_error_summary_when_a_field_has_an_error():
    page = GOOD_PAGE.replace("<form>", "<form>" + ERROR_GROUP + "</div>")
    assert page_problems(page) == [
        "error summary: the page shows a field error (.govuk-form-group--error) but no .govuk-error-summary"
    ]


@pytest.mark.parametrize(
    ("links", "problems"),
    [
        ('<a href="#title">Title: Enter a title</a>', []),
        ('<a href="#titel">Title: Enter a title</a>', ["error summary: the link '#titel' ('Title: Enter a title')"]),
        ("", ["error summary: .govuk-error-summary has no links to the fields"]),
    ],
)
def test_the_page_check_follows_error_summary_links(links, problems):
    summary = f'<div class="govuk-error-summary"><ul>{links}</ul></div>'
    page = GOOD_PAGE.replace("<form>", summary + "<form>" + ERROR_GROUP + "</div>")
    found = page_problems(page)
    assert len(found) == len(problems) and all(f.startswith(p) for f, p in zip(found, problems, strict=True)), found


def bad_page(request):
    return HttpResponse("<html><head><title>Oops – SEND Hub</title></head><body><h1>A</h1><h1>B</h1></body></html>")


def not_html(request):
    return HttpResponse("<h1>A</h1><h1>B</h1>", content_type="text/plain")


urlpatterns = [path("bad/", bad_page), path("text/", not_html)]


@pytest.mark.urls(__name__)
def test_every_test_client_page_is_checked(client):
    with pytest.raises(PageCheckError, match=r"Page check failed for GET /bad/\?x=1 \(200\)[\s\S]*one <h1>"):
        client.get("/bad/", {"x": "1"})


@pytest.mark.urls(__name__)
def test_only_html_is_checked(client):
    assert client.get("/text/").status_code == 200


@pytest.mark.no_pagecheck
@pytest.mark.urls(__name__)
def test_a_test_may_opt_out_of_the_page_check(client):
    assert client.get("/bad/").status_code == 200


# Every improvement page passes the page check, filled in and with every form's errors showing -----------

NOT_HTML = {"inspection-report", "evidence-download", "export-csv", "export-xlsx"}


@pytest.fixture
def plan_urls(area, la_org):
    inspection = InspectionFactory(area=area)
    inspection.report_file.save("report.pdf", ContentFile(b"%PDF-1.4\n%%EOF\n"))
    finding = FindingFactory(inspection=inspection)
    action = ActionFactory(area=area, owner=la_org, findings=[finding])
    milestone = MilestoneFactory(action=action)
    update = ProgressUpdateFactory(action=action)
    EvidenceFactory(action=action, update=update)
    CommentFactory(action=action)
    # <pk> is the object the route starts with: inspections/<pk>/findings/new/ takes the inspection's.
    pks = {"inspections": inspection.pk, "findings": finding.pk, "actions": action.pk}
    urls = {}
    for pattern in improvement_urls.urlpatterns:
        kwargs = {"area_slug": area.slug}
        if "pk" in pattern.pattern.converters:
            kwargs["pk"] = pks[str(pattern.pattern).split("/")[0]]
        if "milestone_pk" in pattern.pattern.converters:
            kwargs["milestone_pk"] = milestone.pk
        if "evidence_pk" in pattern.pattern.converters:
            continue
        urls[pattern.name] = reverse(f"improvement:{pattern.name}", kwargs=kwargs)
    return urls


def test_every_improvement_page_renders_for_an_administrator(client_for, admin_user, plan_urls):
    client = client_for(admin_user)
    for name, url in plan_urls.items():
        response = client.get(url)
        assert response.status_code == 200, f"{name} {url}: {response.status_code}"
        if name not in NOT_HTML:
            assert response["Content-Type"].startswith("text/html"), name


def test_every_improvement_form_shows_its_errors_accessibly(client_for, admin_user, plan_urls):
    client = client_for(admin_user)
    forms = [name for name in plan_urls if name.endswith(("-create", "-edit"))]
    assert forms
    for name in forms:
        response = client.post(plan_urls[name], {"title": "", "version": "1"})
        assert response.status_code in {200, 400, 409}, f"{name}: {response.status_code}"
        assert soup(response).select_one(".govuk-error-summary") is not None, f"{name} shows no error summary"


@pytest.mark.parametrize("name", ["dashboard", "action-list", "finding-list", "my-actions", "inspection-list"])
def test_list_pages_make_the_same_number_of_queries_however_long_the_plan(client_for, area, la_org, name):
    editor = member(area, Role.EDITOR, la_org)
    client = client_for(editor)
    url = reverse(f"improvement:{name}", args=[area.slug])
    inspection = InspectionFactory(area=area)

    def add(count):
        for _ in range(count):
            finding = FindingFactory(inspection=inspection)
            action = ActionFactory(area=area, owner=la_org, lead=editor, findings=[finding])
            MilestoneFactory(action=action)
            ProgressUpdateFactory(action=action, author=editor)

    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            assert client.get(url).status_code == 200
        return len(captured)

    add(2)
    few = queries()
    add(10)
    assert queries() == few, f"{name} makes more queries for a longer plan (N+1)"


# The demo banner ---------------------------------------------------------------------------------------------


def test_the_demo_banner_follows_the_demo_in_this_data_directory(client_for, db, settings, tmp_path):
    settings.DATA_DIR = tmp_path
    settings.SENDHUB_DEMO_BANNER = None  # auto, the default

    def banner() -> bool:
        return soup(client_for(None).get("/")).find("section", attrs={"aria-label": "Demonstration data"}) is not None

    assert not banner()
    (tmp_path / "demo-loaded").write_text("Lancashire demo loaded\n")  # what `sendhub demo load` leaves
    assert banner()
    settings.SENDHUB_DEMO_BANNER = False
    assert not banner()
    (tmp_path / "demo-loaded").unlink()
    settings.SENDHUB_DEMO_BANNER = True
    assert banner()
