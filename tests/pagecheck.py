"""Checks every HTML page a test renders, as GOV.UK Notify's admin does.

Cheap accessibility on every test: one ``<h1>`` that the ``<title>`` starts with, unique ids, a label for
every form field, and an error summary linking to the fields whenever a form shows errors.
``tests/conftest.py`` runs :func:`check_response` on every response from Django's test client; mark a test
``@pytest.mark.no_pagecheck`` to skip it for a page that is deliberately odd.
"""

from __future__ import annotations

import re

from bs4 import BeautifulSoup, Tag

CHECKED_STATUSES = frozenset({200, 400, 403, 404, 409, 410, 429})
UNLABELLED_INPUT_TYPES = frozenset({"hidden", "submit", "button", "reset", "image"})


class PageCheckError(AssertionError):
    """A rendered page breaks one of the page rules."""


def _text(element: Tag | None) -> str:
    return re.sub(r"\s+", " ", element.get_text(" ") if element is not None else "").strip()


def _describe(element: Tag) -> str:
    attrs = "".join(f' {k}="{element[k]}"' for k in ("id", "name", "type") if element.get(k))
    return f"<{element.name}{attrs}>"


def page_problems(html: str) -> list[str]:
    """Every rule the page breaks, as plain sentences (an empty list means the page passes)."""
    soup = BeautifulSoup(html, "html.parser")
    problems: list[str] = []

    h1s = soup.find_all("h1")
    if len(h1s) != 1:
        problems.append(f"one <h1>: the page has {len(h1s)}")
    title = soup.find("title")
    if title is None or not _text(title):
        problems.append("<title>: the page has no title")
    elif len(h1s) == 1 and not _text(title).startswith(_text(h1s[0])):
        problems.append(f"<title> starts with the <h1>: title {_text(title)!r} does not start with {_text(h1s[0])!r}")

    seen: dict[str, int] = {}
    for element in soup.find_all(id=True):
        seen[element["id"]] = seen.get(element["id"], 0) + 1
    duplicates = sorted(i for i, n in seen.items() if n > 1)
    if duplicates:
        problems.append(f"unique ids: repeated {', '.join(repr(d) for d in duplicates)}")
    ids = set(seen)

    label_targets = {label.get("for") for label in soup.find_all("label") if label.get("for")}
    for field in soup.find_all(["input", "select", "textarea"]):
        kind = (field.get("type") or "text").lower() if field.name == "input" else field.name
        if kind in UNLABELLED_INPUT_TYPES:
            continue
        if field.get("id") and field["id"] in label_targets:
            continue
        if (field.get("aria-label") or "").strip():
            continue
        labelled_by = (field.get("aria-labelledby") or "").split()
        if labelled_by and all(i in ids for i in labelled_by):
            continue
        if field.find_parent("label") is not None:
            continue
        if kind in {"radio", "checkbox"}:
            fieldset = field.find_parent("fieldset")
            if fieldset is not None and _text(fieldset.find("legend")):
                continue
        problems.append(f"labelled form fields: {_describe(field)} has no <label for>, aria-label or aria-labelledby")

    for label in soup.find_all("label"):
        if label.get("for") and label["for"] not in ids:
            problems.append(f"labelled form fields: <label for=\"{label['for']}\"> points to no element")

    summary = soup.select_one(".govuk-error-summary")
    if soup.select_one(".govuk-form-group--error") is not None and summary is None:
        problems.append(
            "error summary: the page shows a field error (.govuk-form-group--error) but no .govuk-error-summary"
        )
    if summary is not None:
        links = summary.select("a[href]")
        if not links:
            problems.append("error summary: .govuk-error-summary has no links to the fields")
        for link in links:
            href = link["href"]
            if not href.startswith("#") or href[1:] not in ids:
                problems.append(f"error summary: the link {href!r} ({_text(link)!r}) points to no id on the page")
    return problems


def check_html(html: str, *, where: str = "the page") -> None:
    problems = page_problems(html)
    if problems:
        raise PageCheckError(
            f"Page check failed for {where} "
            "(opt out with @pytest.mark.no_pagecheck only for a deliberately odd page):\n"
            + "\n".join(f"  - {problem}" for problem in problems)
        )


def should_check(response) -> bool:
    return (
        response.status_code in CHECKED_STATUSES
        and not getattr(response, "streaming", False)
        and response.get("Content-Type", "").split(";")[0].strip() == "text/html"
        and bool(response.content)
    )


def check_response(response) -> None:
    """Check a test client response if it is an HTML page."""
    if not should_check(response):
        return
    request = getattr(response, "request", None) or {}
    path = request.get("PATH_INFO", "?")
    query = request.get("QUERY_STRING", "")
    method = request.get("REQUEST_METHOD", "GET")
    where = f"{method} {path}{'?' + query if query else ''} ({response.status_code})"
    check_html(response.content.decode(response.charset or "utf-8"), where=where)
