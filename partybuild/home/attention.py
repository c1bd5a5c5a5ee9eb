"""The staff home's "needs attention" counts, each equal to the list it links to.

Every count is one COUNT over the same queryset (and filter condition) the linked list page
uses, scoped to the user first: an indexed, set-based query, never a query per institution.
Those COUNTs read the whole region, so a page of the home costs them once per change only:
the four counts are kept per (region, day, settings) under the database's stamp tokens
(organisation/figures_stamp.py), which triggers renew on every write to what they count.
"""

from dataclasses import dataclass
from datetime import date

from django.conf import settings

from partybuild.accounts.scoping import region_path
from partybuild.organisation.figures_stamp import kept
from partybuild.organisation.scoping import institutions_visible_to
from partybuild.organisation.three_sync import behind_queryset, deadline_days, window_days
from partybuild.organisation.unvisited import not_visited_in_month_q
from partybuild.visits.attention import awaiting_review_q, clue_review_days
from partybuild.visits.scoping import clues_visible_to, hazards_visible_to
from partybuild.visits.selectors import overdue_q


def visit_reminder_day() -> int:
    return getattr(settings, "PARTYBUILD_REMINDER_VISIT_DAY", 20)


@dataclass(frozen=True)
class Attention:
    day: date
    overdue_hazards: int
    clues_awaiting_review: int
    clue_review_days: int
    # None up to PARTYBUILD_REMINDER_VISIT_DAY: early in the month "not visited" is normal.
    not_visited: int | None
    three_sync_behind: int

    @property
    def month(self) -> str:
        return self.day.strftime("%Y-%m")


def attention(*, user, day: date) -> Attention | None:
    """The four counts for a structure reader on the day; None for anyone else."""
    if not user.can_view_structure:
        return None
    if user.is_instructor:  # their own rows only: not the region's, so not kept
        return counted_attention(user=user, day=day)
    # Everything the counts depend on besides the database: the region and the settings.
    parts = (region_path(user), day, visit_reminder_day(), clue_review_days(),
             deadline_days(), window_days())
    return kept("home-attention", parts, lambda: counted_attention(user=user, day=day))


def counted_attention(*, user, day: date) -> Attention:
    """The four counts, counted now."""
    institutions = institutions_visible_to(user)
    not_visited = None
    # "After the 20th", like the grid's flag on the same page: from the 21st on by default.
    if day.day > visit_reminder_day():
        first = day.replace(day=1)
        not_visited = institutions.filter(not_visited_in_month_q(first)).count()
    return Attention(
        day=day,
        overdue_hazards=hazards_visible_to(user).filter(overdue_q(day)).count(),
        clues_awaiting_review=clues_visible_to(user).filter(awaiting_review_q(day)).count(),
        clue_review_days=clue_review_days(),
        not_visited=not_visited,
        three_sync_behind=behind_queryset(institutions, day).count(),
    )
