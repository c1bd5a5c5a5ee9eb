"""Reads of the scoring pages, scoped to the user first.

The score page explains itself: it computes the institution's score from today's records
with the engine and lists the records behind every item, so each point can be checked;
both are kept until a table they read changes.
"""

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import NamedTuple

from django.core.exceptions import EmptyResultSet
from django.db import connection
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
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from partybuild.accounts.scoping import region_path, scope
from partybuild.activities.models import Activity
from partybuild.core.history import HistorySource, TimelineEntry, timeline
from partybuild.core.memo import KeptValues
from partybuild.core.table_rows import ReadRows, rows_by_key
from partybuild.instructors.models import Instructor
from partybuild.organisation.figures_stamp import kept
from partybuild.organisation.models import Branch, Coverage, Institution
from partybuild.organisation.scoping import institutions_visible_to
from partybuild.points.models import PointEntry
from partybuild.regions.models import Region
from partybuild.visits.models import FOUR_ONES, Clue, Hazard, Visit

from . import finality
from .engine import InstitutionScore, score_institutions
from .models import (
    RUBRIC_FIELDS,
    Inspection,
    RedListPublication,
    Rubric,
    RubricVersion,
    Score,
    YearEvent,
)
from .rubric import (
    DEFAULT_RUBRIC,
    HAZARD_STANDINGS,
    RubricValues,
    as_of_day,
    hazard_standing,
    year_in_range,
)

ITEM_LABELS = {
    "coverage": Score._meta.get_field("coverage").verbose_name,
    "charter": Score._meta.get_field("charter").verbose_name,
    "four_ones": Score._meta.get_field("four_ones").verbose_name,
    "activities": Score._meta.get_field("activities").verbose_name,
    "hazards": Score._meta.get_field("hazards").verbose_name,
    "red_points": Score._meta.get_field("red_points").verbose_name,
    "deductions": Score._meta.get_field("deductions").verbose_name,
    "total": Score._meta.get_field("total").verbose_name,
    "red_list": Score._meta.get_field("red_list").verbose_name,
}


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


@dataclass(frozen=True)
class RubricState:
    """What the year's score list shows of its rubric."""

    version: int
    is_finalised: bool


_RUBRIC_STATE_SQL = (f"SELECT version, finalised_at IS NOT NULL FROM {Rubric._meta.db_table}"
                     " WHERE year = %s")


def rubric_state(year: int) -> RubricState:
    """The year's rubric version and whether it is finalised, as rubric_of_year gives them
    (version 1, open, while no row is stored), without building the whole rubric."""
    # `year` is unique: at most one row. Written out: the score list asks on every view, and
    # the ORM took longer to build this one-row query than the database to answer it.
    with connection.cursor() as cursor:
        cursor.execute(_RUBRIC_STATE_SQL, [sane_year(year)])
        row = cursor.fetchone()
    if row is None:
        return RubricState(version=1, is_finalised=False)
    version, finalised = row
    return RubricState(version=version, is_finalised=bool(finalised))


def rubric_version_of(year: int, version: int, current: Rubric | None = None):
    """The rubric a score of that version was computed with: its snapshot, or the year's
    rubric when that is still the same version (or a year with no rubric row yet)."""
    snapshot = RubricVersion.objects.filter(year=year, version=version).first()
    if snapshot is not None:
        return snapshot
    current = current if current is not None else rubric_of_year(year)
    return current


# The year's list ------------------------------------------------------------------------------


# Every score with its institution and the status of its inspection of `year`, built once
# per year and narrowed per request (building the three EXISTS cost about as much as running
# the list's queries). Only clones of it are ever evaluated.
_annotated_by_year = KeptValues(16)


def annotated_scores(year: int) -> QuerySet[Score]:
    return _annotated_by_year.get_or_build(year, lambda: (
        Score.objects.select_related("institution__region")
        .annotate(inspection_status=inspection_status_of("institution", year))))


# The list as a region's readers see it, per (year, region path), built once: narrowing and
# ordering the annotated queryset took longer than running the page's keys query.
_listed_by_scope = KeptValues(256)


def score_list(*, user, year: int) -> QuerySet[Score]:
    """The stored scores of the year for the institutions the user may see, best first, each
    with the status of its inspection (inspection_status, one of INSPECTION_STATUSES)."""
    instructor = user.is_authenticated and user.is_instructor

    def listed() -> QuerySet[Score]:
        scores = scope(annotated_scores(year).filter(year=year), user, "institution__region")
        if instructor:
            scores = scores.filter(institution__in=institutions_visible_to(user))
        # Scoped by a join on the institution's region, not `institution IN (visible ids)`:
        # the IN list made the page's count and row queries read every visible institution.
        return scores.order_by("-total", "institution__credit_code")

    if instructor:
        return listed()
    # A clone: the caller may evaluate it.
    return _listed_by_scope.get_or_build((sane_year(year), region_path(user)), listed).all()


# The values of a score list row (ScoreTable.row_plan draws them), read as plain values
# (core.table_rows.rows_by_key).
SCORE_ROW_FIELDS = ("pk", "year", "institution_id", "institution__name",
                    "institution__credit_code", "institution__region__name", "months_in_scope",
                    "coverage", "charter", "four_ones", "activities", "hazards", "red_points",
                    "deductions", "total", "grade", "red_list", "rubric_version",
                    "inspection_status")


def score_rows(keys: list[int], year: int) -> ReadRows:
    """The score list's rows of the scores `keys` (already scoped and filtered by the page's
    keys query), as ScoreTable.row_plan draws them, in no set order."""
    return rows_by_key(("scoring.score_rows", year), lambda: annotated_scores(year),
                       SCORE_ROW_FIELDS, keys)


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
            .filter(COMPLETE_Q).select_related("institution")
            .order_by("institution__name_key", "pk"))


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
#
# The page reads its records with hand-written SQL, as the engine does: one short statement
# per kind of record, reading only the columns the page shows, as plain tuples. Built through
# the ORM, the six querysets cost ten times what the database spends answering them. Every
# statement is restricted to the institution read first through the user's scope (a 404 for
# anyone who may not see it), which is what the visits', hazards' and clues' own scoping
# (accounts.scoping.own_or_in_regions) leaves of them for that institution; an instructor
# would still see only their own rows.

FOUR_ONES_KEYS = tuple(key for key, _label in FOUR_ONES)
ACTIVITY_KINDS = dict(Activity._meta.get_field("kind").flatchoices)


@dataclass
class MonthRow:
    month: int
    in_scope: bool
    covering_branch: str | None
    items_done: int
    # For each four-ones item, in FOUR_ONES order, the visits that did it: (pk, date).
    items: list[list[tuple[int, date]]]

    @property
    def covered(self) -> bool:
        return self.covering_branch is not None


@dataclass
class HazardRow:
    pk: int
    found_on: date
    description: str
    deadline: date
    rectified_on: date | None
    on_time: bool
    standing: str = "on_time"

    @property
    def label(self) -> str:
        return str(HAZARD_STANDINGS[self.standing][0])

    @property
    def tone(self) -> str:
        return HAZARD_STANDINGS[self.standing][1]


class ActivityLine(NamedTuple):
    pk: int
    date: date
    title: str
    kind_label: str
    branch_name: str


class PointLine(NamedTuple):
    date: date
    points: Decimal
    reason: str


class ClueLine(NamedTuple):
    pk: int
    date: date
    description: str


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
    activities: list[ActivityLine]
    hazards: list[HazardRow]
    overdue_hazards: list[HazardRow]
    point_entries: list[PointLine]
    clues: list[ClueLine]
    inspection: Inspection | None = None
    as_of: date | None = None
    differs: bool = False
    extra: dict = field(default_factory=dict)
    # Final institution-year: since when, and whether today's records would score it otherwise.
    final_state: finality.Finality = finality.Finality(final=False)
    late_changed: bool = False
    # Shared between the requests that read the same kept records (_records); None: unshared.
    drawn: dict | None = None

    @property
    def year_over(self) -> bool:
        return self.as_of == date(self.year, 12, 31)

    @property
    def activities_capped(self) -> int:
        return min(len(self.activities), self.rubric.activities_target)

    @property
    def four_ones_labels(self) -> list[str]:
        return [label for _key, label in FOUR_ONES]


def institution_in_scope(*, user, pk: int) -> Institution:
    """The institution if the user may see it; 404 exactly like a missing one."""
    return get_object_or_404(institutions_visible_to(user).select_related("region"), pk=pk)


def _model_columns(model, alias: str) -> str:
    """Every concrete column of `model` under `alias`, in the order Model.from_db takes."""
    quote = connection.ops.quote_name
    return ", ".join(f"{alias}.{quote(f.column)}" for f in model._meta.concrete_fields)


_ROW_CONVERTERS: dict = {}


def _row_converter(model):
    """The ORM's conversion of a row of `model`'s concrete columns (decimals, datetimes,
    booleans as the database returns them), built once per model and database vendor."""
    key = (model, connection.vendor)
    convert = _ROW_CONVERTERS.get(key)
    if convert is None:
        chains = [_from_db(model, f.name) for f in model._meta.concrete_fields]

        def convert(values, chains=chains):
            return [chain(value) for chain, value in zip(chains, values, strict=True)]

        _ROW_CONVERTERS[key] = convert
    return convert


def _instance(model, values):
    """A model instance from its row as the ORM would build it; None for an absent LEFT JOIN
    row (a primary key is never NULL)."""
    if values[0] is None:
        return None
    return model.from_db(connection.alias, None, _row_converter(model)(values))


def _institution_with_year(*, user, pk: int, year: int
                           ) -> tuple[Institution, Score | None, Inspection | None,
                                      Rubric | None]:
    """institution_in_scope, with its region, its stored score and its inspection of the year
    (each unique per institution and year) and the year's rubric (unique per year) read in
    the same statement. Only the scope test is built by the ORM; the rest is one join."""
    try:
        scoped, scoped_params = (institutions_visible_to(user).filter(pk=pk).order_by()
                                 .values("pk").query.sql_with_params())
    except EmptyResultSet:  # a user with no region sees no institution
        raise Http404 from None
    models = (Institution, Region, Score, Inspection, Rubric)
    columns = ", ".join(_model_columns(model, alias)
                        for model, alias in zip(models, ("i", "g", "s", "n", "r"), strict=True))
    rows = _rows(
        f"SELECT {columns} FROM {_table(Institution)} i "
        f"INNER JOIN {_table(Region)} g ON g.id = i.region_id "
        f"LEFT JOIN {_table(Score)} s ON s.institution_id = i.id AND s.year = %s "
        f"LEFT JOIN {_table(Inspection)} n ON n.institution_id = i.id AND n.year = %s "
        f"LEFT JOIN {_table(Rubric)} r ON r.year = %s "
        f"WHERE i.id IN ({scoped})",
        [year, year, sane_year(year), *scoped_params])
    if not rows:
        raise Http404
    row, start, found = rows[0], 0, []
    for model in models:
        width = len(model._meta.concrete_fields)
        found.append(_instance(model, row[start:start + width]))
        start += width
    institution, region, stored, inspection, rubric = found
    Institution.region.field.set_cached_value(institution, region)
    return institution, stored, inspection, rubric


def _rows(sql: str, params: list) -> list[tuple]:
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchall()


def _table(model) -> str:
    return connection.ops.quote_name(model._meta.db_table)


def _own_rows_only(user) -> tuple[str, list]:
    """The condition that leaves an instructor their own visits, hazards and clues
    (own_or_in_regions); nothing for everyone else."""
    if user.is_authenticated and user.is_instructor:
        return (f" AND instructor_id IN (SELECT id FROM {_table(Instructor)} "
                f"WHERE user_id = %s)", [user.pk])
    return "", []


def _from_db(model, name: str):
    """The ORM's conversion of the field's raw value (on SQLite a decimal comes back as a
    float or an integer; the ORM rounds it to the field's places)."""
    model_field = model._meta.get_field(name)
    column = model_field.get_col(model._meta.db_table)
    converters = (connection.ops.get_db_converters(column)
                  + model_field.get_db_converters(connection))

    def convert(value):
        for converter in converters:
            value = converter(value, column, connection)
        return value

    return convert


def _visit_rows(*, user, institution_id: int, year: int) -> list[tuple]:
    """(pk, date, lesson, policy, hazard_check, ledger) of the visits dated in the year."""
    own, own_params = _own_rows_only(user)
    flags = ", ".join(connection.ops.quote_name(Visit._meta.get_field(key).column)
                      for key in FOUR_ONES_KEYS)
    return _rows(
        f"SELECT id, date, {flags} FROM {_table(Visit)} "
        f"WHERE institution_id = %s AND date >= %s AND date <= %s{own} ORDER BY date, id",
        [institution_id, date(year, 1, 1), date(year, 12, 31), *own_params])


def _activity_lines(*, institution_id: int, year: int) -> list[ActivityLine]:
    """The activities that count for the institution in the year: their branch was active
    on their date and covered the institution then (activities.selectors.credited_through,
    the rule the engine counts by)."""
    coverage = _table(Coverage)
    rows = _rows(
        f"SELECT a.id, a.date, a.title, a.kind, b.name FROM {_table(Activity)} a "
        f"INNER JOIN {_table(Branch)} b ON b.id = a.branch_id "
        f"WHERE a.date >= %s AND a.date <= %s "
        # The few branches that ever covered the institution, through the branch index.
        f"AND a.branch_id IN (SELECT branch_id FROM {coverage} WHERE institution_id = %s) "
        f"AND EXISTS (SELECT 1 FROM {coverage} c WHERE c.institution_id = %s "
        f'AND c.branch_id = a.branch_id AND c.start <= a.date '
        f'AND (c."end" IS NULL OR a.date <= c."end")) '
        f"AND b.founded_on <= a.date AND (b.dissolved_on IS NULL OR a.date <= b.dissolved_on) "
        f"ORDER BY a.date, a.id",
        [date(year, 1, 1), date(year, 12, 31), institution_id, institution_id])
    return [ActivityLine(pk, day, title, ACTIVITY_KINDS.get(kind, kind), branch)
            for pk, day, title, kind, branch in rows]


def _hazard_rows(*, user, institution_id: int, year: int, as_of: date
                 ) -> tuple[list[HazardRow], list[HazardRow]]:
    """The hazards found in the year, and those overdue on the as-of day (found by then,
    the deadline passed and not rectified by then), in one statement."""
    own, own_params = _own_rows_only(user)
    rows = _rows(
        f"SELECT id, found_on, description, deadline, rectified_on FROM {_table(Hazard)} "
        f"WHERE institution_id = %s{own} AND ((found_on >= %s AND found_on <= %s) "
        f"OR (found_on <= %s AND deadline < %s "
        f"AND (rectified_on IS NULL OR rectified_on > %s))) ORDER BY found_on, id",
        [institution_id, *own_params, date(year, 1, 1), date(year, 12, 31),
         as_of, as_of, as_of])
    first, last = date(year, 1, 1), date(year, 12, 31)
    in_year, overdue = [], []
    for pk, found_on, description, deadline, rectified_on in rows:
        row = HazardRow(pk, found_on, description, deadline, rectified_on,
                        rectified_on is not None and rectified_on <= deadline,
                        hazard_standing(deadline=deadline, rectified_on=rectified_on,
                                        as_of=as_of))
        if first <= found_on <= last:
            in_year.append(row)
        if (found_on <= as_of and deadline < as_of
                and (rectified_on is None or rectified_on > as_of)):
            overdue.append(row)
    return in_year, overdue


def _point_lines(*, institution_id: int, year: int) -> list[PointLine]:
    points = _from_db(PointEntry, "points")
    return [PointLine(day, points(value), reason) for day, value, reason in _rows(
        f"SELECT date, points, reason FROM {_table(PointEntry)} "
        f"WHERE institution_id = %s AND date >= %s AND date <= %s ORDER BY date, id",
        [institution_id, date(year, 1, 1), date(year, 12, 31)])]


def _clue_lines(*, user, institution_id: int, year: int) -> list[ClueLine]:
    """The substantiated clues dated in the year (each one deducts)."""
    own, own_params = _own_rows_only(user)
    return [ClueLine(*row) for row in _rows(
        f"SELECT id, date, description FROM {_table(Clue)} "
        f"WHERE institution_id = %s AND substantiated AND date >= %s AND date <= %s{own} "
        f"ORDER BY date, id",
        [institution_id, date(year, 1, 1), date(year, 12, 31), *own_params])]


def _month_rows(visits: list[tuple], live: InstitutionScore | None) -> list[MonthRow]:
    by_month: dict[int, list[tuple]] = defaultdict(list)
    for visit in visits:
        by_month[visit[1].month].append(visit)
    in_scope = set(live.months) if live is not None else set()
    covering = live.covering_branch_by_month if live is not None else {}
    months = []
    for month in range(1, 13):
        of_month = by_month.get(month, ())
        items = [[(visit[0], visit[1]) for visit in of_month if visit[2 + index]]
                 for index in range(len(FOUR_ONES_KEYS))]
        months.append(MonthRow(month=month, in_scope=month in in_scope,
                               covering_branch=covering.get(month),
                               items_done=sum(1 for item in items if item), items=items))
    return months


class _Records(NamedTuple):
    live: InstitutionScore | None
    months: list[MonthRow]
    activities: list[ActivityLine]
    hazards: list[HazardRow]
    overdue: list[HazardRow]
    point_entries: list[PointLine]
    clues: list[ClueLine]
    # The page's sections drawn from these records, per language and URL prefix
    # (scoring.templatetags.score_detail_tags): everything they show is part of the key.
    drawn: dict


def _records(*, user, institution_id: int, year: int, rubric: RubricValues, as_of: date
             ) -> _Records:
    """The engine's score of the institution from today's records (None without a month in
    scope) and the records the page lists under each item, read once and kept while no table
    they read changes: institutions, regions, coverage and branches renew the structure's
    token; visits, hazards, clues, activities, points entries and instructors the monthly
    work's (organisation.figures_stamp). The rubric's values, the as-of day and, for an
    instructor (who sees only their own visits, hazards and clues), the user are part of the
    key. Shared between requests: read it, never change it."""
    own = user.pk if user.is_authenticated and user.is_instructor else None

    def compute() -> _Records:
        scores = score_institutions(institutions=Institution.objects.filter(pk=institution_id),
                                    year=year, rubric=rubric)
        live = scores[0] if scores else None
        hazards, overdue = _hazard_rows(user=user, institution_id=institution_id, year=year,
                                        as_of=as_of)
        return _Records(
            live=live,
            months=_month_rows(_visit_rows(user=user, institution_id=institution_id,
                                           year=year), live),
            activities=_activity_lines(institution_id=institution_id, year=year),
            hazards=hazards, overdue=overdue,
            point_entries=_point_lines(institution_id=institution_id, year=year),
            clues=_clue_lines(user=user, institution_id=institution_id, year=year),
            drawn={})

    return kept("score_page_records", (institution_id, year, rubric, as_of, own), compute)


def score_page(*, user, institution_pk: int, year: int) -> ScorePage:
    """Every item of the institution's score with the records behind it."""
    institution, stored, inspection, rubric = _institution_with_year(
        user=user, pk=institution_pk, year=year)
    if rubric is None:
        rubric = rubric_of_year(year)  # none stored yet: SCORING.md's defaults, not saved
    stored_rubric = (rubric_version_of(year, stored.rubric_version, rubric)
                     if stored is not None and stored.rubric_version != rubric.version
                     else rubric)
    as_of = as_of_day(year, timezone.localdate())
    records = _records(user=user, institution_id=institution.pk, year=year,
                       rubric=rubric.values(), as_of=as_of)
    live = records.live
    differs = bool(stored and live and stored.total != live.total)
    # The rubric of the year and this inspection are read above: no second look for finality.
    state = finality.finality_from(rubric=rubric if rubric.pk else None, inspection=inspection)
    return ScorePage(
        institution=institution, year=year, rubric=rubric, stored=stored, live=live,
        stored_rubric=stored_rubric, months=records.months, activities=records.activities,
        hazards=records.hazards, overdue_hazards=records.overdue, as_of=as_of,
        point_entries=records.point_entries, clues=records.clues, drawn=records.drawn,
        differs=differs and not state.final,
        inspection=inspection,
        final_state=state,
        late_changed=state.final and bool(finality.differences(stored, live)),
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
    final_state: finality.Finality = finality.Finality(final=False)
    late_changed: bool = False

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
    state = finality.finality_of(institution_id=institution.pk, year=year)
    late_changed = False
    if state.final:
        _final, _current, diffs = finality.institution_difference(institution=institution,
                                                                  year=year)
        late_changed = bool(diffs)
    return InspectionPage(institution=institution, year=year, inspection=inspection,
                          stored=stored, history=history, final_state=state,
                          late_changed=late_changed)


def inspection_in_scope(*, user, institution_pk: int, year: int) -> Inspection | None:
    """The saved inspection, or None; the institution itself must be in scope (else 404)."""
    institution = institution_in_scope(user=user, pk=institution_pk)
    return Inspection.objects.filter(institution=institution, year=year).first()


# The red list -------------------------------------------------------------------------------


def red_list_preview(*, user, year: int) -> QuerySet[Score]:
    """The institutions on the year's red list by the stored scores, in the user's scope."""
    return (score_list(user=user, year=year).filter(red_list=True)
            .order_by("institution__region__code", "institution__name_key"))


def red_list_publication(year: int) -> RedListPublication | None:
    """The current (highest) version of the year's published red list."""
    return finality.current_publication(year)


def red_list_versions(year: int) -> list[RedListPublication]:
    return list(RedListPublication.objects.filter(year=year).select_related("published_by")
                .order_by("-version"))


def published_red_list(year: int, version: int | None = None
                       ) -> tuple[RedListPublication, list, list[RedListPublication]]:
    """A published version of the year (default the current one) with its entries and every
    version; 404 while unpublished or for a version that does not exist."""
    versions = red_list_versions(year)
    if not versions:
        raise Http404
    if version is None:
        publication = versions[0]
    else:
        publication = next((p for p in versions if p.version == version), None)
        if publication is None:
            raise Http404
    return (publication, list(publication.entries.order_by("region_name", "name")), versions)


def published_years() -> list[dict]:
    """Every year with a published red list: its current version, date and size."""
    latest: dict[int, RedListPublication] = {}
    for publication in RedListPublication.objects.order_by("-year", "-version"):
        latest.setdefault(publication.year, publication)
    counts = dict(RedListPublication.objects.filter(pk__in=[p.pk for p in latest.values()])
                  .annotate(n=Count("entries")).values_list("pk", "n"))
    return [{"publication": p, "count": counts.get(p.pk, 0)} for p in latest.values()]


# The panel on the institution page --------------------------------------------------------


def institution_score_panel(*, user, institution: Institution) -> dict:
    """Last year's stored score of the institution (one query), for the institution page."""
    year = last_year()
    score = (Score.objects.filter(institution=institution, year=year,
                                  institution__in=institutions_visible_to(user)).first())
    return {"year": year, "score": score}


# Year finalisation and late changes ---------------------------------------------------------


@dataclass
class FinalisationPreview:
    """What finalising the year will lock, as the 年度定稿 page shows it before confirming."""

    institutions: int
    kept: int
    incomplete_inspections: list[Inspection]
    red_list: list[InstitutionScore | Score]


def finalisation_preview(*, year: int) -> FinalisationPreview:
    """The institutions to be scored, the inspections still incomplete and the red list that
    will be published, computed now without storing anything (a GET writes nothing)."""
    frozen = {score.institution_id: score for score in Score.objects.filter(
        institution_id__in=finality.frozen_institution_ids(year)).filter(year=year)
        .select_related("institution__region")}
    rubric = finality.year_rubric(year)
    values = rubric.values() if rubric else DEFAULT_RUBRIC
    live = score_institutions(institutions=Institution.objects.exclude(pk__in=list(frozen)),
                              year=year, rubric=values)
    on_list = [score for score in live if score.red_list]
    on_list += [score for score in frozen.values() if score.red_list]
    incomplete = [inspection for inspection in Inspection.objects.filter(year=year)
                  .select_related("institution").order_by("institution__name_key", "pk")
                  if not inspection.is_finalised]
    return FinalisationPreview(institutions=len(live) + len(frozen), kept=len(frozen),
                               incomplete_inspections=incomplete, red_list=on_list)


def year_events(year: int) -> list[YearEvent]:
    return list(YearEvent.objects.filter(year=year).select_related("user"))


@dataclass
class LateChangeGroup:
    institution_id: int
    credit_code: str
    name: str
    changes: list[finality.LateChange]


def late_change_groups(*, user, year: int) -> list[LateChangeGroup]:
    """The late changes of the year for the institutions the user may see, by institution."""
    groups: dict[int, LateChangeGroup] = {}
    for change in finality.late_changes(year=year, institutions=institutions_visible_to(user)):
        group = groups.setdefault(change.institution_id, LateChangeGroup(
            change.institution_id, change.credit_code, change.name, []))
        group.changes.append(change)
    return list(groups.values())


@dataclass
class LateRecord:
    """A record dated in the year, added or changed after the finalisation."""

    when: object
    user: str
    subject: str
    action: str
    target: str
    changes: list = field(default_factory=list)
    url: str = ""


@dataclass
class DifferencePage:
    institution: Institution
    year: int
    finality: finality.Finality
    final: Score | None
    current: InstitutionScore | None
    differences: list[finality.ItemDifference]
    records: list[LateRecord]

    @property
    def rows(self) -> list[tuple[str, str, str, bool]]:
        """Every item: label, final, current, whether it differs."""
        differing = {d.item: d for d in self.differences}
        rows = []
        for item in finality.LATE_ITEMS:
            label = str(ITEM_LABELS[item])
            before = finality._value(self.final, item)
            now = finality._value(self.current, item)
            if item in differing:
                before, now = differing[item].final, differing[item].current
            rows.append((label, before, now, item in differing))
        return rows


def _late_records(*, institution: Institution, year: int, since) -> list[LateRecord]:
    """Visits, hazards, clues, activities and points entries of the institution dated in the
    year and added or changed after `since`, with who and when (from the change history)."""
    from django.urls import reverse

    year_start, year_end = date(year, 1, 1), date(year, 12, 31)
    branches = (Coverage.objects.filter(institution=institution, start__lte=year_end)
                .filter(Q(end__isnull=True) | Q(end__gte=year_start)).values("branch_id"))
    sources = [
        (Visit, Q(institution_id=institution.pk, date__gte=year_start, date__lte=year_end)),
        (Hazard, Q(institution_id=institution.pk, found_on__lte=year_end)
         & (Q(found_on__gte=year_start) | Q(deadline__lt=year_end))),
        (Clue, Q(institution_id=institution.pk, date__gte=year_start, date__lte=year_end)),
        (Activity, Q(branch_id__in=branches, date__gte=year_start, date__lte=year_end)),
    ]
    records = []
    for model, condition in sources:
        ids = set(model.history.filter(condition, history_date__gt=since)
                  .values_list("id", flat=True))
        if not ids:
            continue
        for entry in timeline(HistorySource(model, Q(id__in=ids), ("date",)
                                            if model is not Hazard else ("found_on",))):
            if entry.when > since:
                records.append(LateRecord(entry.when, entry.user, entry.subject, entry.action,
                                          entry.target, entry.changes))
    for entry in (PointEntry.objects.filter(institution=institution, date__gte=year_start,
                                            date__lte=year_end, created_at__gt=since)
                  .select_related("created_by")):
        records.append(LateRecord(
            entry.created_at, str(entry.created_by) if entry.created_by else gettext("系统"),
            str(PointEntry._meta.verbose_name), gettext("新增"),
            f"{entry.date.isoformat()} {entry.points:+} {entry.reason}",
            url=reverse("points:ledger", args=[institution.pk])))
    records.sort(key=lambda record: record.when, reverse=True)
    return records


def difference_page(*, user, institution_pk: int, year: int) -> DifferencePage:
    """A final institution-year: item by item final vs current, and what changed since."""
    institution = institution_in_scope(user=user, pk=institution_pk)
    state = finality.finality_of(institution_id=institution.pk, year=year)
    final, current, diffs = finality.institution_difference(institution=institution, year=year)
    records = (_late_records(institution=institution, year=year, since=state.since)
               if state.final else [])
    return DifferencePage(institution=institution, year=year, finality=state, final=final,
                          current=current, differences=diffs, records=records)
