"""{% late_change_notice form %}: the finalised-year warning of a record form (core/finality)."""

from datetime import date

from django import template
from django.utils.dateparse import parse_date

from partybuild.core.finality import finalised_years, late_change_notice

register = template.Library()

DATE_FIELDS = ("date", "found_on", "rectified_on")


def _form_day(form) -> date | None:
    """The record's day as the form holds it now: typed in (bound) or the record's own."""
    if form is None:
        return None
    for name in DATE_FIELDS:
        if name not in getattr(form, "fields", {}):
            continue
        value = form[name].value()
        if isinstance(value, date):
            return value
        if isinstance(value, str):
            try:
                return parse_date(value.strip())
            except ValueError:
                return None
    return None


@register.inclusion_tag("core/_late_change_notice.html")
def late_change_notice_for(form=None, day=None):
    years = finalised_years()
    specific = late_change_notice(day or _form_day(form), years)
    return {"specific": specific, "general": None if specific else late_change_notice(None, years)}
