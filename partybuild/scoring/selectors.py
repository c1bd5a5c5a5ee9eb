"""Reads of the scoring pages, scoped to the user first.

The score page explains itself: it recomputes the institution's explanation with the engine
(seven queries) and lists the records behind every item, so each point can be checked.
"""

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from django.db.models import (
    Case,
    CharField,
    Count,
    Exists,
    OuterRef,
    Q,
    QuerySet,
    Value,
    When,
)
from django.http import Http404
from django.shortcuts import get_object_or_404
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from partybuild.activities.selectors import activities_counting_for
from partybuild.core.history import HistorySource, TimelineEntry, timeline
from partybuild.organisation.models import Institution
from partybuild.organisation.scoping import institutions_visible_to
from partybuild.points.models import PointEntry
from partybuild.visits.models import FOUR_ONES, Visit
from partybuild.visits.scoping import clues_visible_to, hazards_visible_to, visits_visible_to

from .engine import InstitutionScore, score_institutions
from .models import RUBRIC_FIELDS, Inspection, RedListPublication, Rubric, RubricVersion, Score
from .rubric import (
    DEFAULT_RUBRIC,
    HAZARD_STANDINGS,
    as_of_day,
    hazard_standing,
    year_in_range,
)


def _label(name: str) -> str:
    """A field's label in the active language, as the history timeline shows it."""
    return str(Inspection._meta.get_field(name).verbose_name)


def in_year_q(year: int, field_name: str = "date") -> Q:
    return Q(**{f"{field_name}__gte": date(year, 1, 1), f"{field_name}__lte": date(year, 12, 31)})


def last_year() -> int:
    return timezone.localdate().year - 1


def sane_year(year: int) -> int:
    """The year of a URL, or 404: year 0, 99999 or a 20-digit number is no page."""
    if not year_in_range(year):
        raise Http404
    return year


# Rubrics, read without writing -----------------------------------------------------------


def rubric_of_year(year: int) -> Rubric:
    """The year's rubric; an unsaved one with SCORING.md's defaults when none is stored yet.

    Reading never writes: the row (and its version 1) is created by the first write that
    needs it (a recompute, a rubric change, finalising), not by someone opening a page.
    """
    rubric = Rubric.objects.filter(year=sane_year(year)).first()
    if rubric is None:
        rubric = Rubric(year=year, version=1,
                        **{name: getattr(DEFAULT_RUBRIC, name) for name in RUBRIC_FIELDS})
    return rubric


def rubric_version_of(year: int, version: int, current: Rubric | None = None):
    """The rubric a score of that version was computed with: its snapshot, or the year's
    rubric when that is still the same version (or a year with no rubric row yet)."""
    snapshot = RubricVersion.objects.filter(year=year, version=version).first()
    if snapshot is not None:
        return snapshot
    current = current if current is not None else rubric_of_year(year)
    return current


# The year's list ------------------------------------------------------------------------------


def score_list(*, user, year: int) -> QuerySet[Score]:
    """The stored scores of the year for the institutions the user may see, best first, each
    with the status of its inspection (inspection_status, one of INSPECTION_STATUSES)."""
    return (Score.objects.filter(year=sane_year(year),
                                 institution__in=institutions_visible_to(user))
            .select_related("institution__region")
            .annotate(inspection_status=inspection_status_of("institution", year))
            .order_by("-total", "institution__credit_code"))


# The status of a year's inspections -----------------------------------------------------------

NOT_STARTED, INCOMPLETE, READY, FINALISED = "not_started", "incomplete", "ready", "finalised"
INSPECTION_STATUSES = {
    NOT_STARTED: (_("未开始"), "warn"),
    INCOMPLETE: (_("未完成"), "warn"),
    READY: (_("待定稿"), ""),
    FINALISED: (_("已定稿"), "ok"),
}

# Every section entered: the party-building one (computed or adjusted) and the four others.
COMPLETE_Q = (Q(party_building_computed__isnull=False) | Q(party_building_adjusted__isnull=False)) \
    & Q(conditions__isnull=False, teaching__isnull=False, finance__isnull=False,
        safety__isnull=False)


def inspection_status_of(institution_ref: str, year: int) -> Case:
    """SQL for the inspection status of the institution named by `institution_ref` (an outer
    reference): three EXISTS, so a list of any length costs no extra query."""
    of_year = Inspection.objects.filter(institution=OuterRef(institution_ref), year=year)
    return Case(
        When(Exists(of_year.filter(finalised_at__isnull=False)), then=Value(FINALISED)),
        When(Exists(of_year.filter(COMPLETE_Q)), then=Value(READY)),
        When(Exists(of_year), then=Value(INCOMPLETE)),
        default=Value(NOT_STARTED), output_field=CharField(),
    )


def ready_inspections(*, user, year: int, region=None) -> QuerySet[Inspection]:
    """The user's open inspections of the year with every section entered (待定稿)."""
    institutions = institutions_visible_to(user)
    if region is not None:
        institutions = institutions.filter(region__path__startswith=region.path)
    return (Inspection.objects.filter(year=sane_year(year), finalised_at__isnull=True,
                                      institution__in=institutions)
            .filter(COMPLETE_Q).select_related("institution").order_by("institution__name"))


@dataclass
class StatusCount:
    key: str
    label: str
    tone: str
    count: int


@dataclass
class ReviewerWorkspace:
    year: int
    statuses: list[StatusCount]

    @property
    def total(self) -> int:
        return sum(status.count for status in self.statuses)

    @property
    def ready(self) -> int:
        return next(status.count for status in self.statuses if status.key == READY)


def reviewer_workspace(*, user, year: int | None = None) -> ReviewerWorkspace:
    """How the year's inspections of the user's region stand: one query, four counts over
    the institutions with a stored score (those the score list shows)."""
    year = year or last_year()
    counts = dict(score_list(user=user, year=year).order_by()
                  .values_list("inspection_status").annotate(n=Count("pk")))
    return ReviewerWorkspace(year=year, statuses=[
        StatusCount(key, str(label), tone, counts.get(key, 0))
        for key, (label, tone) in INSPECTION_STATUSES.items()
    ])


# One institution's score, explained --------------------------------------------------------


@dataclass
class ItemVisits:
    key: str
    label: str
    visits: list[Visit]


@dataclass
class MonthRow:
    month: int
    in_scope: bool
    covering_branch: str | None
    items_done: int
    items: list[ItemVisits]

    @property
    def covered(self) -> bool:
        return self.covering_branch is not None


@dataclass
class HazardRow:
    hazard: object
    on_time: bool
    standing: str = "on_time"

    @property
    def label(self) -> str:
        return str(HAZARD_STANDINGS[self.standing][0])

    @property
    def tone(self) -> str:
        return HAZARD_STANDINGS[self.standing][1]


@dataclass
class ScorePage:
    institution: Institution
    year: int
    rubric: Rubric
    stored: Score | None
    live: InstitutionScore | None
    # The maxima the stored score was computed with (its rubric version), not today's.
    stored_rubric: object | None
    months: list[MonthRow]
    activities: list
    hazards: list[HazardRow]
    overdue_hazards: list
    point_entries: list[PointEntry]
    clues: list
    inspection: Inspection | None = None
    as_of: date | None = None
    differs: bool = False
    extra: dict = field(default_factory=dict)

    @property
    def year_over(self) -> bool:
        return self.as_of == date(self.year, 12, 31)

    @property
    def activities_capped(self) -> int:
        return min(len(self.activities), self.rubric.activities_target)


def institution_in_scope(*, user, pk: int) -> Institution:
    """The institution if the user may see it; 404 exactly like a missing one."""
    return get_object_or_404(institutions_visible_to(user).select_related("region"), pk=pk)


def score_page(*, user, institution_pk: int, year: int) -> ScorePage:
    """Every item of the institution's score with the records behind it."""
    institution = institution_in_scope(user=user, pk=institution_pk)
    rubric = rubric_of_year(year)
    stored = Score.objects.filter(institution=institution, year=year).first()
    stored_rubric = (rubric_version_of(year, stored.rubric_version, rubric)
                     if stored is not None and stored.rubric_version != rubric.version
                     else rubric)
    live_scores = score_institutions(institutions=Institution.objects.filter(pk=institution.pk),
                                     year=year, rubric=rubric.values())
    live = live_scores[0] if live_scores else None

    visits = list(visits_visible_to(user).filter(in_year_q(year), institution=institution)
                  .select_related("instructor").order_by("date", "pk"))
    visits_by_month: dict[int, list[Visit]] = defaultdict(list)
    for visit in visits:
        visits_by_month[visit.date.month].append(visit)
    months = []
    for month in range(1, 13):
        in_scope = live is not None and month in live.months
        items = [ItemVisits(key, str(label),
                            [v for v in visits_by_month[month] if getattr(v, key)])
                 for key, label in FOUR_ONES]
        months.append(MonthRow(
            month=month, in_scope=in_scope,
            covering_branch=live.covering_branch_by_month.get(month) if live else None,
            items_done=sum(1 for item in items if item.visits), items=items,
        ))

    activities = list(activities_counting_for(institution=institution, year=year)
                      .select_related("branch").order_by("date", "pk"))
    hazards_in_year = (hazards_visible_to(user).filter(institution=institution)
                       .select_related("instructor").order_by("found_on", "pk"))
    as_of = as_of_day(year, timezone.localdate())
    hazards = [HazardRow(h, h.rectified_on is not None and h.rectified_on <= h.deadline,
                         hazard_standing(deadline=h.deadline, rectified_on=h.rectified_on,
                                         as_of=as_of))
               for h in hazards_in_year.filter(in_year_q(year, "found_on"))]
    # Overdue on the as-of day (31 December, or today while the year runs): the deadline
    # has passed and the hazard was not rectified by then.
    overdue = list(hazards_in_year.filter(found_on__lte=as_of, deadline__lt=as_of)
                   .filter(Q(rectified_on__isnull=True) | Q(rectified_on__gt=as_of)))
    entries = list(PointEntry.objects.filter(in_year_q(year), institution=institution)
                   .order_by("date", "pk"))
    clues = list(clues_visible_to(user).filter(in_year_q(year), institution=institution,
                                               substantiated=True).order_by("date", "pk"))
    differs = bool(stored and live and stored.total != live.total)
    return ScorePage(
        institution=institution, year=year, rubric=rubric, stored=stored, live=live,
        stored_rubric=stored_rubric, months=months, activities=activities, hazards=hazards,
        overdue_hazards=overdue, as_of=as_of,
        point_entries=entries, clues=clues, differs=differs,
        inspection=Inspection.objects.filter(institution=institution, year=year).first(),
    )


# Rubrics ------------------------------------------------------------------------------------


@dataclass
class RubricLine:
    name: str
    label: str
    default: object
    value: object

    @property
    def changed(self) -> bool:
        return Decimal(self.default) != Decimal(self.value)


def rubric_lines(rubric: Rubric) -> list[RubricLine]:
    """Each value of the year's rubric beside the default of SCORING.md."""
    return [RubricLine(name, str(Rubric._meta.get_field(name).verbose_name),
                       getattr(DEFAULT_RUBRIC, name), getattr(rubric, name))
            for name in RUBRIC_FIELDS]


def rubric_versions(year: int) -> list[RubricVersion]:
    """Every version of the year's rubric, newest first: what each stored score used."""
    return list(RubricVersion.objects.filter(year=year).select_related("created_by"))


def rubric_timeline(rubric: Rubric) -> list[TimelineEntry]:
    return timeline(HistorySource(Rubric, Q(id=rubric.pk)))


# Inspections --------------------------------------------------------------------------------


@dataclass
class InspectionPage:
    institution: Institution
    year: int
    inspection: Inspection
    stored: Score | None
    history: list[TimelineEntry]

    @property
    def exists(self) -> bool:
        return self.inspection.pk is not None


def inspection_page(*, user, institution_pk: int, year: int) -> InspectionPage:
    """The inspection of the year (unsaved until a reviewer first enters something)."""
    sane_year(year)
    institution = institution_in_scope(user=user, pk=institution_pk)
    stored = Score.objects.filter(institution=institution, year=year).first()
    inspection = (Inspection.objects.select_related("finalised_by")
                  .filter(institution=institution, year=year).first())
    history = []
    if inspection is None:
        inspection = Inspection(institution=institution, year=year,
                                party_building_computed=stored.total if stored else None)
    else:
        history = timeline(HistorySource(Inspection, Q(id=inspection.pk)))
        # The frozen JSON breakdown would fill the timeline with one unreadable line.
        hidden = _label("breakdown")
        for entry in history:
            entry.changes = [c for c in entry.changes if c.label != hidden]
    return InspectionPage(institution=institution, year=year, inspection=inspection,
                          stored=stored, history=history)


def inspection_in_scope(*, user, institution_pk: int, year: int) -> Inspection | None:
    """The saved inspection, or None; the institution itself must be in scope (else 404)."""
    institution = institution_in_scope(user=user, pk=institution_pk)
    return Inspection.objects.filter(institution=institution, year=year).first()


# The red list -------------------------------------------------------------------------------


def red_list_preview(*, user, year: int) -> QuerySet[Score]:
    """The institutions on the year's red list by the stored scores, in the user's scope."""
    return (score_list(user=user, year=year).filter(red_list=True)
            .order_by("institution__region__code", "institution__name"))


def red_list_publication(year: int) -> RedListPublication | None:
    return RedListPublication.objects.select_related("published_by").filter(year=year).first()


def published_red_list(year: int) -> tuple[RedListPublication, list]:
    """The published snapshot of the year for the public page; 404 while unpublished."""
    publication = red_list_publication(year)
    if publication is None:
        raise Http404
    return publication, list(publication.entries.order_by("region_name", "name"))


# The panel on the institution page --------------------------------------------------------


def institution_score_panel(*, user, institution: Institution) -> dict:
    """Last year's stored score of the institution (one query), for the institution page."""
    year = last_year()
    score = (Score.objects.filter(institution=institution, year=year,
                                  institution__in=institutions_visible_to(user)).first())
    return {"year": year, "score": score}
