"""Every page that reads a page number answers any ``?page=`` without a server error.

The paged pages are found from the URL configuration (Django list views with ``paginate_by``, and the views that
page with a Paginator or a search of their own), so a new one is covered when it is added. Django's list views
answer a page past the last, or one that is not a number, with 404; the Local Offer search and the deadline
tracker (``Paginator.get_page``) show the last or the first page instead.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.views.generic.list import MultipleObjectMixin

from sendhub.directory.views import SearchView
from sendhub.outcomes.views import DeadlineTrackerView

pytestmark = pytest.mark.django_db

# Paged without Django's list view machinery: they read ?page= themselves.
OWN_PAGING = {SearchView, DeadlineTrackerView}
PAGES = ["9223372036854775807", "9" * 5000, "-1", "0", "abc", "1.5", "last", "2"]


def paged_views() -> Iterator[str]:
    def walk(resolver: URLResolver, namespace: str | None) -> Iterator[tuple[URLPattern, str | None]]:
        for pattern in resolver.url_patterns:
            if isinstance(pattern, URLResolver):
                inner = ":".join(n for n in (namespace, pattern.namespace) if n) or None
                yield from walk(pattern, inner)
            else:
                yield pattern, namespace

    for pattern, namespace in walk(get_resolver(), None):
        view = getattr(pattern.callback, "view_class", None)
        if view is None or pattern.name is None:
            continue
        if view in OWN_PAGING or (issubclass(view, MultipleObjectMixin) and view.paginate_by):
            yield f"{namespace}:{pattern.name}" if namespace else pattern.name


def test_the_paged_views_are_found():
    names = set(paged_views())
    assert {"directory:search", "outcomes:deadlines", "improvement:action-list", "governance:meeting-list"} <= names
    assert {"voice:comment-list", "reports:report-list", "directory:listing-list"} <= names


@pytest.mark.parametrize("name", sorted(paged_views()))
def test_any_page_number_is_answered_without_a_server_error(client_for, admin_user, area, name):
    client = client_for(admin_user)
    url = reverse(name, args=[area.slug])
    for page in PAGES:
        # The test client raises a view's exception, so a server error fails here with its traceback.
        response = client.get(url, {"page": page})
        assert response.status_code in (200, 404), (page[:30], response.status_code)
