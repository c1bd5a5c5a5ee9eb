"""新机构三同步: a new institution gets party building with it, within a deadline.

党的建设同步谋划、党的组织同步设置、党的工作同步开展: within
settings.PARTYBUILD_THREE_SYNC_DAYS (default 30) days of opening, a new institution must be
covered by a branch (党的组织同步设置), have a party-building instructor (党的工作同步开展)
and have party building written into its charter (党的建设同步谋划).

Definitions, all taken on `today`:

- a *new institution* is one operating today (opened, not closed; a suspended one still
  counts, as everywhere in SCORING.md) and opened within the last
  settings.PARTYBUILD_THREE_SYNC_WINDOW_DAYS (default 365) days: today - window <= opened_on;
- its *deadline* is opened_on + PARTYBUILD_THREE_SYNC_DAYS; the three items share it;
- *covered*: a coverage by a branch active today holds today (the coverage-gap rule);
  *has_instructor*: an instructor assignment holds today; *charter*: the institution's flag;
- it is *behind* when its deadline is before today (the day after the deadline is the first
  day behind) and at least one item is missing.

Every read here is one query whatever the number of institutions: the three conditions are
EXISTS clauses of the institution query, never a query per institution.
"""

from dataclasses import dataclass
from datetime import date, timedelta

from django.conf import settings
from django.db.models import Exists, OuterRef, Q, QuerySet

from .models import Institution
from .selectors import assignments_holding, coverages_holding, operating_on_q

MISSING_ORDER = ("branch", "instructor", "charter")


def deadline_days() -> int:
    return getattr(settings, "PARTYBUILD_THREE_SYNC_DAYS", 30)


def window_days() -> int:
    return getattr(settings, "PARTYBUILD_THREE_SYNC_WINDOW_DAYS", 365)


@dataclass(frozen=True)
class ThreeSyncStatus:
    institution: Institution
    deadline: date            # opened_on + settings.PARTYBUILD_THREE_SYNC_DAYS (default 30)
    covered: bool             # a branch coverage holds today
    has_instructor: bool      # an instructor assignment holds today
    charter: bool             # institution.charter_includes_party_building

    @property
    def missing(self) -> list[str]:
        """The items not yet done, a subset of ["branch", "instructor", "charter"] in order."""
        done = {"branch": self.covered, "instructor": self.has_instructor,
                "charter": self.charter}
        return [item for item in MISSING_ORDER if not done[item]]

    def is_behind(self, today: date) -> bool:
        return self.deadline < today and bool(self.missing)


def new_institutions_queryset(institutions: QuerySet[Institution], today: date) -> QuerySet:
    """The new institutions among `institutions`, annotated with today's three conditions.

    `covered_today` and `has_instructor_today` are the names the institution list uses too.
    """
    since = today - timedelta(days=window_days())
    return (
        institutions.filter(operating_on_q(today), opened_on__gte=since)
        .annotate(
            covered_today=Exists(coverages_holding(today).filter(institution=OuterRef("pk"))),
            has_instructor_today=Exists(
                assignments_holding(today).filter(institution=OuterRef("pk"))),
        )
    )


def missing_q() -> Q:
    """At least one of the three items missing (on a new_institutions_queryset)."""
    return (Q(covered_today=False) | Q(has_instructor_today=False)
            | Q(charter_includes_party_building=False))


def only_behind(new: QuerySet, today: date) -> QuerySet:
    """Narrow a new_institutions_queryset to those past their deadline with an item missing."""
    # deadline < today  <=>  opened_on + days < today  <=>  opened_on < today - days; kept on
    # opened_on so the database compares a column, not a computed date.
    last_opening_behind = today - timedelta(days=deadline_days())
    return new.filter(opened_on__lt=last_opening_behind).filter(missing_q())


def behind_queryset(institutions: QuerySet[Institution], today: date) -> QuerySet:
    """New institutions past their deadline (deadline < today) with an item missing."""
    return only_behind(new_institutions_queryset(institutions, today), today)


def status_of(institution: Institution) -> ThreeSyncStatus:
    """The status of a row of new_institutions_queryset."""
    return ThreeSyncStatus(
        institution=institution,
        deadline=institution.opened_on + timedelta(days=deadline_days()),
        covered=bool(institution.covered_today),
        has_instructor=bool(institution.has_instructor_today),
        charter=institution.charter_includes_party_building,
    )


def _statuses(queryset: QuerySet) -> list[ThreeSyncStatus]:
    return [status_of(row) for row in
            queryset.select_related("region").order_by("opened_on", "credit_code")]


def new_institutions(*, institutions: QuerySet[Institution], today: date) -> list[ThreeSyncStatus]:
    """Every open institution opened within the window, behind or not; one query.

    Ordered by deadline, then credit code.
    """
    return _statuses(new_institutions_queryset(institutions, today))


def institutions_behind(*, institutions: QuerySet[Institution],
                        today: date) -> list[ThreeSyncStatus]:
    """New institutions whose deadline < today and whose `missing` is not empty; one query.

    Ordered by deadline, then credit code.
    """
    return _statuses(behind_queryset(institutions, today))


def item_state(done: bool, deadline: date, today: date) -> tuple[str, int]:
    """("done", 0), ("due", days left; 0 on the deadline itself) or ("late", days late)."""
    if done:
        return "done", 0
    if deadline >= today:
        return "due", (deadline - today).days
    return "late", (today - deadline).days
