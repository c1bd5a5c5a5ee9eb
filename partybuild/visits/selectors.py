"""Reads of visits, hazards and clues, scoped to the user first and optimised second.

Instructors see only their own records (accounts.scoping); whether an institution's month
is complete is decided by every visit to it that month, as SCORING.md counts it.
"""

import calendar
from dataclasses import dataclass
from datetime import date, timedelta

from django.db.models import Count, Exists, OuterRef, Q, QuerySet, Subquery
from django.http import Http404
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext_lazy as _

from partybuild.core.history import HistorySource, TimelineEntry, timeline
from partybuild.core.periods import holding_on_q, overlapping_q
from partybuild.core.years import year_in_range
from partybuild.instructors.models import Assignment
from partybuild.instructors.scoping import instructors_visible_to
from partybuild.organisation.models import Institution
from partybuild.organisation.scoping import institutions_visible_to
from partybuild.organisation.selectors import count_of, flag, operating_on_q, today_or

from .models import FOUR_ONES, Clue, Hazard, HazardEvidence, Visit, VisitEvidence
from .scoping import clues_visible_to, hazards_visible_to, visits_visible_to

DUE_SOON_DAYS = 7


# Months ----------------------------------------------------------------------------------


def month_start(day: date) -> date:
    return day.replace(day=1)


def month_end(day: date) -> date:
    return day.replace(day=calendar.monthrange(day.year, day.month)[1])


def previous_month(first: date) -> date:
    return month_start(first - timedelta(days=1))


def next_month(first: date) -> date:
    return month_end(first) + timedelta(days=1)


def parse_month(value: str | None) -> date | None:
    """The first day of a "YYYY-MM" month, or None when the text is not one."""
    try:
        year, month = (int(part) for part in (value or "").split("-"))
        return date(year, month, 1)
    except ValueError:
        return None


def requested_month(value: str | None) -> date | None:
    """The month a page was asked for in ?month=: None when absent or not a month (the page
    shows the current one), 404 for a month out of the years the application keeps
    (0001-01 would send the month navigation past the first day the calendar has)."""
    first = parse_month(value)
    if first is not None and not year_in_range(first.year):
        raise Http404
    return first


# Hazard states ---------------------------------------------------------------------------

OPEN_Q = Q(rectified_on__isnull=True)


def overdue_q(day: date) -> Q:
    """Hazards past their deadline and not rectified (SCORING.md's "overdue")."""
    return OPEN_Q & Q(deadline__lt=day)


def due_soon_q(day: date) -> Q:
    """Hazards not rectified whose deadline falls today or in the next seven days."""
    return OPEN_Q & Q(deadline__gte=day, deadline__lte=day + timedelta(days=DUE_SOON_DAYS))


HAZARD_STATES = {
    "overdue": (_("已逾期"), "bad"),
    "due_soon": (_("7日内到期"), "warn"),
    "open": (_("待整改"), "warn"),
    "rectified": (_("已整改待销号"), "ok"),
    "closed_out": (_("已销号"), ""),
}


def hazard_state(hazard: Hazard, day: date) -> str:
    """One of HAZARD_STATES for the hazard on the day."""
    if hazard.closed_out_on is not None:
        return "closed_out"
    if hazard.rectified_on is not None:
        return "rectified"
    if hazard.deadline < day:
        return "overdue"
    if hazard.deadline <= day + timedelta(days=DUE_SOON_DAYS):
        return "due_soon"
    return "open"


def hazard_tab_q(tab: str, day: date) -> Q:
    """The rows of one hazard-list tab."""
    return {
        "open": OPEN_Q,
        "due_soon": due_soon_q(day),
        "overdue": overdue_q(day),
        "rectified": Q(rectified_on__isnull=False, closed_out_on__isnull=True),
        "closed_out": Q(closed_out_on__isnull=False),
    }.get(tab, Q())


@dataclass
class HazardCounts:
    open: int
    due_soon: int
    overdue: int
    awaiting_close_out: int


def hazard_counts(*, user, day: date | None = None) -> HazardCounts:
    """How many of the user's visible hazards are open, due within 7 days, overdue."""
    day = today_or(day)
    figures = hazards_visible_to(user).aggregate(
        open=Count("pk", filter=OPEN_Q),
        due_soon=Count("pk", filter=due_soon_q(day)),
        overdue=Count("pk", filter=overdue_q(day)),
        awaiting_close_out=Count("pk", filter=hazard_tab_q("rectified", day)),
    )
    return HazardCounts(**figures)


# Visits ----------------------------------------------------------------------------------


def visit_list(*, user) -> QuerySet[Visit]:
    """Visits the user may see, newest first, with their evidence counts."""
    evidence = VisitEvidence.objects.filter(visit=OuterRef("pk"))
    return (
        visits_visible_to(user)
        .select_related("institution__region", "instructor", "recorded_by")
        .annotate(evidence_count=count_of(evidence, "pk", group="visit"))
        .order_by("-date", "institution__name_key", "pk")
    )


def visit_for_change(*, user, pk: int) -> Visit:
    """A visit the user may see (their own, for an instructor), or 404."""
    return get_object_or_404(
        visits_visible_to(user).select_related("institution__region", "instructor"), pk=pk)


@dataclass
class VisitDetail:
    visit: Visit
    evidence: list[VisitEvidence]
    hazards: list[Hazard]
    clues: list[Clue]
    timeline: list[TimelineEntry]
    day: date


def visit_detail(*, user, pk: int, day: date | None = None) -> VisitDetail:
    """One visit with its evidence, the hazards and clues recorded from it, and its history."""
    day = today_or(day)
    visit = get_object_or_404(visit_list(user=user), pk=pk)
    hazards = list(hazards_visible_to(user).filter(visit=visit).order_by("deadline", "pk"))
    for hazard in hazards:
        hazard.state = hazard_state(hazard, day)
    return VisitDetail(
        visit=visit,
        evidence=list(visit.evidence.select_related("uploaded_by").order_by("pk")),
        hazards=hazards,
        clues=list(clues_visible_to(user).filter(visit=visit).order_by("pk")),
        timeline=timeline(HistorySource(Visit, Q(id=visit.pk), describe=("institution",))),
        day=day,
    )


def visit_evidence_for_download(*, user, pk: int) -> VisitEvidence:
    """An evidence file of a visit the user may see, or 404."""
    return get_object_or_404(
        VisitEvidence.objects.filter(visit__in=visits_visible_to(user).values("pk")), pk=pk)


# The instructor's month ------------------------------------------------------------------


@dataclass
class MonthItem:
    key: str
    label: str
    done: bool


@dataclass
class MonthRow:
    institution: Institution
    items: list[MonthItem]
    visits: int
    today_visit_pk: int | None

    @property
    def done_count(self) -> int:
        return sum(item.done for item in self.items)

    @property
    def complete(self) -> bool:
        return self.done_count == len(self.items)


@dataclass
class MyMonth:
    month: date
    today: date
    rows: list[MonthRow]
    hazards: HazardCounts

    @property
    def is_current(self) -> bool:
        return self.month == month_start(self.today)

    @property
    def previous(self) -> date:
        return previous_month(self.month)

    @property
    def next(self) -> date | None:
        following = next_month(self.month)
        return following if following <= self.today else None

    @property
    def complete_count(self) -> int:
        return sum(row.complete for row in self.rows)


def my_month(*, user, month: date | None = None, today: date | None = None) -> MyMonth:
    """The instructor's institutions and which of the four items each has had this month.

    In the current month these are the institutions assigned today; in an earlier month,
    those assigned on any day of it. An item counts when any visit to the institution
    dated in the month did it.
    """
    today = today_or(today)
    first = month_start(min(month or today, today))
    last = month_end(first)
    if first == month_start(today):
        assigned = holding_on_q(today)
    else:
        assigned = overlapping_q(first, last)
    mine = Assignment.objects.filter(assigned, institution=OuterRef("pk"), instructor__user=user)
    in_month = Visit.objects.filter(institution=OuterRef("pk"), date__gte=first, date__lte=last)
    today_visit = Visit.objects.filter(institution=OuterRef("pk"), date=today,
                                       instructor__user=user)
    institutions = (
        institutions_visible_to(user).filter(Exists(mine)).select_related("region")
        .annotate(
            operating_today=flag(operating_on_q(today)),
            visits_in_month=count_of(in_month, "pk", group="institution"),
            today_visit_pk=Subquery(today_visit.values("pk")[:1]),
            **{f"done_{key}": Exists(in_month.filter(**{key: True})) for key, _ in FOUR_ONES},
        )
        .order_by("name_key", "pk")
    )
    rows = [
        MonthRow(
            institution=institution,
            items=[MonthItem(key, label, getattr(institution, f"done_{key}"))
                   for key, label in FOUR_ONES],
            visits=institution.visits_in_month,
            today_visit_pk=institution.today_visit_pk,
        )
        for institution in institutions
    ]
    # What is still to do comes first, so the institution that needs a visit is the first
    # card on a phone: operating ones before closed ones, the fewest items done first.
    rows.sort(key=lambda row: (not row.institution.operating_today, row.complete,
                               row.done_count))
    return MyMonth(month=first, today=today, rows=rows,
                   hazards=hazard_counts(user=user, day=today))


# Hazards ---------------------------------------------------------------------------------


def hazard_list(*, user) -> QuerySet[Hazard]:
    """Hazards the user may see, the most urgent deadline first."""
    return (
        hazards_visible_to(user)
        .select_related("institution__region", "instructor")
        .annotate(is_open=flag(OPEN_Q))
        .order_by("-is_open", "deadline", "-found_on", "pk")
    )


def hazard_for_change(*, user, pk: int) -> Hazard:
    """A hazard the user may see (their own, for an instructor), or 404."""
    return get_object_or_404(
        hazards_visible_to(user).select_related("institution__region", "instructor"), pk=pk)


@dataclass
class HazardDetail:
    hazard: Hazard
    state: str
    evidence: list[HazardEvidence]
    timeline: list[TimelineEntry]
    day: date


def hazard_detail(*, user, pk: int, day: date | None = None) -> HazardDetail:
    """One hazard with its rectification evidence and history."""
    day = today_or(day)
    hazard = get_object_or_404(
        hazards_visible_to(user).select_related("institution__region", "instructor", "visit",
                                                "closed_out_by", "recorded_by"), pk=pk)
    return HazardDetail(
        hazard=hazard,
        state=hazard_state(hazard, day),
        evidence=list(hazard.evidence.select_related("uploaded_by").order_by("pk")),
        timeline=timeline(HistorySource(Hazard, Q(id=hazard.pk), describe=("institution",))),
        day=day,
    )


def hazard_evidence_for_download(*, user, pk: int) -> HazardEvidence:
    """A rectification evidence file of a hazard the user may see, or 404."""
    return get_object_or_404(
        HazardEvidence.objects.filter(hazard__in=hazards_visible_to(user).values("pk")), pk=pk)


# Clues -----------------------------------------------------------------------------------


def clue_list(*, user) -> QuerySet[Clue]:
    """Clues the user may see, newest first."""
    return (clues_visible_to(user).select_related("institution__region", "instructor")
            .order_by("-date", "pk"))


def clue_for_change(*, user, pk: int) -> Clue:
    """A clue the user may see, or 404."""
    return get_object_or_404(clue_list(user=user), pk=pk)


@dataclass
class ClueDetail:
    clue: Clue
    timeline: list[TimelineEntry]


def clue_detail(*, user, pk: int) -> ClueDetail:
    """One clue with its review and history."""
    clue = get_object_or_404(
        clue_list(user=user).select_related("visit", "recorded_by"), pk=pk)
    return ClueDetail(clue, timeline(HistorySource(Clue, Q(id=clue.pk),
                                                   describe=("institution",))))


# The institution page's panel and the form choices --------------------------------------

PANEL_ROWS = 5


@dataclass
class InstitutionPanel:
    institution: Institution
    month_items: list[MonthItem]
    visits: list[Visit]
    open_hazards: list[Hazard]
    clues: list[Clue]
    day: date

    @property
    def month_complete(self) -> bool:
        return all(item.done for item in self.month_items)


def institution_panel(*, user, institution: Institution,
                      day: date | None = None) -> InstitutionPanel:
    """Recent visits, open hazards and clues of one institution, in a bounded number of rows."""
    day = today_or(day)
    in_month = Visit.objects.filter(institution=institution, date__gte=month_start(day),
                                    date__lte=month_end(day))
    done = in_month.aggregate(**{key: Count("pk", filter=Q(**{key: True}))
                                 for key, _ in FOUR_ONES})
    hazards = list(
        hazards_visible_to(user).filter(OPEN_Q, institution=institution)
        .select_related("instructor").order_by("deadline", "pk")[:PANEL_ROWS * 2]
    )
    for hazard in hazards:
        hazard.state = hazard_state(hazard, day)
    return InstitutionPanel(
        institution=institution,
        month_items=[MonthItem(key, label, done[key] > 0) for key, label in FOUR_ONES],
        visits=list(visits_visible_to(user).filter(institution=institution)
                    .select_related("instructor").order_by("-date", "-pk")[:PANEL_ROWS]),
        open_hazards=hazards,
        clues=list(clues_visible_to(user).filter(institution=institution)
                   .select_related("instructor").order_by("-date", "-pk")[:PANEL_ROWS]),
        day=day,
    )


def institution_choices(*, user) -> QuerySet[Institution]:
    """Institutions a visit, hazard or clue may be recorded for (instructors: their own)."""
    return institutions_visible_to(user).select_related("region").order_by("name_key", "pk")


def instructor_choices(*, user):
    """Instructors staff may record a visit for."""
    return instructors_visible_to(user).order_by("name_key", "number")


def last_visit_texts(*, user) -> dict[int, dict]:
    """For each institution of the user's choices, the item texts of their own latest visit
    to it ("沿用上次内容" on the visit form); instructors only, two queries."""
    latest = (Visit.objects.filter(institution=OuterRef("pk"), instructor__user=user)
              .order_by("-date", "-pk").values("pk")[:1])
    visit_pks = (institution_choices(user=user).filter(visits__instructor__user=user)
                 .annotate(latest=Subquery(latest)).values_list("latest", flat=True))
    texts = {}
    for visit in Visit.objects.filter(pk__in=set(visit_pks)):
        texts[visit.institution_id] = {
            "date": visit.date.isoformat(),
            **{name: getattr(visit, name) for name in (
                "lesson", "lesson_topic", "policy", "policy_text", "hazard_check",
                "hazard_check_text", "ledger", "ledger_text")},
        }
    return texts
