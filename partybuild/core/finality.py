"""Which years are finalised, for the apps below scoring (visits, activities, points).

Those apps must not import scoring (the layers contract), yet their forms must warn that a
record dated in a finalised year will not change the finalised figures. Scoring registers
a provider here in its AppConfig.ready(); the lower apps ask this module only.
"""

from collections.abc import Callable, Iterable
from datetime import date

from django.utils.translation import gettext as _

_providers: list[Callable[[], Iterable[int]]] = []


def register_finalised_years(provider: Callable[[], Iterable[int]]) -> None:
    """Register a function returning the finalised years (called once per app start)."""
    if provider not in _providers:
        _providers.append(provider)


def finalised_years() -> list[int]:
    return sorted({year for provider in _providers for year in provider()})


def _years_text(years: list[int]) -> str:
    return "、".join(str(year) for year in years)


def late_change_notice(day: date | None = None, years: list[int] | None = None) -> str | None:
    """The warning a form shows before a record is saved, or None when there is nothing to say.

    With a day in a finalised year: that saving it will not change the year's figures and will
    be listed as a late change. Without a day (a new record): which years are finalised.
    """
    years = finalised_years() if years is None else years
    if day is not None:
        if day.year not in years:
            return None
        return _("%(year)d 年度已定稿：该记录日期在定稿年度内，保存后定稿的评分和红名单不会改变，"
                 "这条记录将列为定稿后变更。") % {"year": day.year}
    if not years:
        return None
    return _("%(years)s 年度已定稿：日期在这些年度的记录仍可录入或更正，但不会改变定稿的评分和"
             "红名单，并将列为定稿后变更。") % {"years": _years_text(years)}
