"""``{% stale_return_banner latest_return %}``: at the top of a page built on a SEN2 return older than about two
months, a banner with the return's reference date (see ``outcomes.selectors.return_age``)."""

from __future__ import annotations

from django import template
from django.utils import timezone

from sendhub.outcomes.selectors import return_age

register = template.Library()


@register.inclusion_tag("outcomes/_stale_banner.html")
def stale_return_banner(sen2_return, today=None):
    return {"age": return_age(sen2_return, today or timezone.localdate())}
