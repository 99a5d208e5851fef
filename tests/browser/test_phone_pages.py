"""Staff pages on a 375 px phone (issue 16): the improvement dashboard, the outcomes dashboard, the deadline
tracker and a monitoring pack (draft and issued) never scroll sideways as a whole page: wide tables scroll inside
their own labelled, keyboard-focusable region. Each page passes axe, whose WCAG 2.2 rules include target-size
(touch targets of at least 24 px)."""

from __future__ import annotations

import pytest
from django.urls import reverse

from sendhub.reports.models import MonitoringReport
from tests.browser.demo_fixtures import ADMIN, at_width, demo, no_horizontal_scroll, sign_in  # noqa: F401

expect = pytest.importorskip("playwright.sync_api", reason="Browser journeys need Playwright (pip '.[test]')").expect

pytestmark = [pytest.mark.browser, pytest.mark.filterwarnings("ignore:No directory at:UserWarning")]


def test_staff_pages_fit_a_phone_and_pass_axe(new_page, demo, axe_audit):  # noqa: F811
    draft = MonitoringReport.objects.filter(area=demo, status=MonitoringReport.Status.DRAFT).first()
    issued = MonitoringReport.objects.filter(area=demo, status=MonitoringReport.Status.ISSUED).first()
    assert draft and issued
    pages = [
        ("Improvement plan dashboard", reverse("improvement:dashboard", args=[demo.slug])),
        ("Outcomes dashboard", reverse("outcomes:dashboard", args=[demo.slug])),
        ("Deadline tracker", reverse("outcomes:deadlines", args=[demo.slug])),
        ("Draft monitoring pack", draft.get_absolute_url()),
        ("Issued monitoring pack", issued.get_absolute_url()),
    ]
    page = new_page()
    sign_in(page, ADMIN)
    at_width(page, 375)
    widths, unscrollable = {}, []
    for label, url in pages:
        page.goto(url)
        expect(page.get_by_role("heading", level=1)).to_be_visible()
        widths[label] = page.evaluate("document.documentElement.scrollWidth")
        if widths[label] > 375:  # name the elements that stick out, to say what to fix
            widths[label] = (widths[label], page.evaluate("""() => [...document.querySelectorAll('main *')]
                .filter(e => e.getBoundingClientRect().right > 376 && !e.closest('[role=region]'))
                .slice(0, 5)
                .map(e => e.tagName + '.' + e.className + ' ' + (e.textContent || '').trim().slice(0, 40))"""))
        axe_audit.check(page, f"{label} (375px)")
        # A table wider than the screen sits in a region a keyboard can reach and a screen reader can name.
        unscrollable += [f"{label}: {caption}" for caption in page.evaluate("""() => [...document.querySelectorAll(
            'main table')].filter(t => t.scrollWidth > t.parentElement.clientWidth + 1).filter(t => {
                const r = t.parentElement;
                return !(r.getAttribute('role') === 'region' && r.getAttribute('tabindex') === '0'
                         && (r.getAttribute('aria-label') || r.getAttribute('aria-labelledby')));
            }).map(t => (t.caption ? t.caption.textContent : t.outerHTML.slice(0, 80)).trim())""")]
    too_wide = {label: width for label, width in widths.items() if not isinstance(width, int) or width > 375}
    assert not too_wide, "pages wider than the phone:\n  " + "\n  ".join(f"{k}: {v}" for k, v in too_wide.items())
    assert not unscrollable, "wide tables outside a labelled, focusable region:\n  " + "\n  ".join(unscrollable)
    no_horizontal_scroll(page)
    axe_audit.assert_clean()
