"""The one pagination component (``govuk/pagination.html``): its links keep every filter and search term and
change only the page, written exactly as ``?q=autism&page=2`` (Django's ``{% querystring %}`` writes the ``?``;
a template adding another made ``??page=2``, which lost the page and the filters)."""

from __future__ import annotations

from pathlib import Path

import pytest
from bs4 import BeautifulSoup
from django.core.paginator import Paginator
from django.template.loader import render_to_string
from django.test import RequestFactory
from django.urls import reverse

from sendhub.improvement.models import Action
from tests.factories import ActionFactory

SRC = Path(__file__).resolve().parents[2] / "src"


def links(html: str) -> dict[str, str]:
    """{"Previous": href, "Next": href, "1": href, ...} of a rendered pagination."""
    found = {}
    for a in BeautifulSoup(html, "html.parser").select("nav.govuk-pagination a"):
        text = a.get_text(" ", strip=True).replace(" page", "")
        found[text] = a["href"]
    return found


def render(query: str, page: int, count: int = 60, per_page: int = 20) -> str:
    request = RequestFactory().get("/list/" + query)
    page_obj = Paginator(range(count), per_page).get_page(page)
    return render_to_string("govuk/pagination.html", {"page_obj": page_obj}, request=request)


def test_the_next_link_keeps_the_search_and_sets_the_page():
    assert links(render("?q=autism", 1)) == {"1": "?q=autism&page=1", "2": "?q=autism&page=2",
                                              "3": "?q=autism&page=3", "Next": "?q=autism&page=2"}


def test_a_page_already_in_the_address_is_replaced_not_repeated():
    found = links(render("?q=autism&miles=5&page=2", 2))
    assert found["Previous"] == "?q=autism&miles=5&page=1" and found["Next"] == "?q=autism&miles=5&page=3"
    found = links(render("?page=3&rag=at_risk", 3))
    assert found["Previous"] == "?page=2&rag=at_risk" and "Next" not in found


def test_without_filters_the_links_are_only_the_page():
    assert links(render("", 1))["Next"] == "?page=2"


def test_special_characters_in_a_search_are_kept_encoded():
    assert links(render("?q=speech+%26+language", 1))["Next"] == "?q=speech+%26+language&page=2"


def test_one_page_has_no_pagination():
    assert render("?q=autism", 1, count=5).strip() == ""


def test_no_template_writes_a_question_mark_before_querystring():
    offenders = [str(p.relative_to(SRC)) for p in SRC.rglob("*.html") if "?{% querystring" in p.read_text()]
    assert offenders == []


def test_every_paged_list_uses_the_one_component():
    """A template that shows a page of a list (``page_obj``) includes ``govuk/pagination.html``, and no template
    writes page links of its own."""
    hand_made = []
    for path in SRC.rglob("*.html"):
        text = path.read_text()
        if path.name == "pagination.html":
            continue
        if "page_obj" in text and 'include "govuk/pagination.html"' not in text:
            hand_made.append(str(path.relative_to(SRC)))
        if "page_obj.next_page_number" in text or "page=page_obj" in text or "?page=" in text:
            hand_made.append(str(path.relative_to(SRC)))
    assert hand_made == []


@pytest.mark.django_db
def test_the_actions_list_pages_with_its_filter_kept(client_for, admin_user, area, la_org):
    ActionFactory.create_batch(30, area=area, owner=la_org, rag=Action.Rag.AT_RISK)
    ActionFactory.create_batch(3, area=area, owner=la_org, rag=Action.Rag.ON_TRACK)
    client = client_for(admin_user)
    url = reverse("improvement:action-list", args=[area.slug])

    first = client.get(url, {"rag": "at_risk"})
    assert links(first.content.decode())["Next"] == "?rag=at_risk&page=2"
    second = client.get(url + "?rag=at_risk&page=2")
    assert second.context["page_obj"].number == 2 and second.context["paginator"].count == 30
    assert links(second.content.decode())["Previous"] == "?rag=at_risk&page=1"
    assert {a.rag for a in second.context["object_list"]} == {Action.Rag.AT_RISK}
    shown_first = {a.pk for a in first.context["object_list"]}
    assert shown_first.isdisjoint(a.pk for a in second.context["object_list"])
