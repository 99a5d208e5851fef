"""``{% sufficiency_summary area %}``: the area's sufficiency forecast in plain words, for the monitoring pack and
the public pages (renders nothing when there is no forecast)."""

from __future__ import annotations

from django import template

from sendhub.forecasting.selectors import area_summary

register = template.Library()


@register.inclusion_tag("forecasting/_sufficiency_summary.html")
def sufficiency_summary(area):
    return {"summary": area_summary(area), "area": area}
