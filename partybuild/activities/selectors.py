"""Reads of branch activities and of the 三会一课 cadence, scoped to the user first.

Crediting (SCORING.md): an activity counts for institution I when its branch was active on
the activity's date and had a coverage period for I holding on that date, so a joint
branch's activity counts for every institution it covered that day and no other.

Who reads what: committee staff, reviewers and administrators read the activities of the
branches in their regions. Instructors read only the activities that count for an
institution they see (from the institution page); the lists and the cadence pages are
structure pages, refused to them like the branch pages are.
"""

import calendar
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date

from django.db.models import Count, Exists, F, OuterRef, Q, QuerySet
from django.db.models.functions import ExtractMonth
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext_lazy as _

from partybuild.accounts.scoping import scope
from partybuild.core.access import may_read_structure
from partybuild.core.history import HistorySource, TimelineEntry, timeline
from partybuild.core.periods import holding_on_q
from partybuild.organisation.models import Branch, Coverage, Institution
from partybuild.organisation.scoping import branches_visible_to, institutions_visible_to
from partybuild.organisation.selectors import today_or
from partybuild.regions.models import Region

from .models import Activity, ActivityEvidence, CadenceRule

BRANCH_REGION = "branch__committee__region"


# Crediting -----------------------------------------------------------------------------


def credited_through(coverages: QuerySet[Coverage]) -> Q:
    """Activities whose branch was active on their date and held one of `coverages` then.

    Pass the coverage periods of the institutions wanted: one institution's, those of a
    set, or `Coverage.objects.filter(institution=OuterRef(OuterRef("pk")))` from a query
    over institutions.
    """
    holding = coverages.filter(holding_on_q(OuterRef("date")), branch=OuterRef("branch"))
    branch_active = Q(branch__founded_on__lte=F("date")) & (
        Q(branch__dissolved_on__isnull=True) | Q(branch__dissolved_on__gte=F("date"))
    )
    return Q(Exists(holding)) & branch_active


def activities_counting_for(*, institution: Institution, year: int | None = None
                            ) -> QuerySet[Activity]:
    """Activities that count for the institution (all years, or those dated in `year`)."""
    coverages = Coverage.objects.filter(institution=institution)
    activities = Activity.objects.filter(
        credited_through(coverages),
        # Implied by credited_through, but it lets the database start from the few branches
        # that ever covered the institution (the branch index) instead of testing every
        # activity of the year, which grew with the whole city.
        branch__in=coverages.values("branch_id"),
    )
    if year is not None:
        activities = activities.filter(date__year=year)
    return activities


def activities_visible_to(user) -> QuerySet[Activity]:
    """Activities of the user's branches; for instructors, those counting for their institutions."""
    if not user.is_authenticated:
        return Activity.objects.none()
    if user.is_instructor:
        mine = Coverage.objects.filter(institution__in=institutions_visible_to(user))
        return Activity.objects.filter(credited_through(mine))
    if not may_read_structure(user):
        return Activity.objects.none()
    return scope(Activity.objects.all(), user, BRANCH_REGION)


# Lists and details ---------------------------------------------------------------------


def activity_list(*, user) -> QuerySet[Activity]:
    """Activities the user may see, newest first, with their branch and evidence count."""
    return (
        activities_visible_to(user)
        .select_related("branch__committee__region", "school_branch")
        .annotate(evidence_count=Count("evidence"))
        .order_by("-date", "-pk")
    )


@dataclass
class ActivityDetail:
    activity: Activity
    evidence: list[ActivityEvidence]
    institutions: list[Institution]
    timeline: list[TimelineEntry]


def activity_detail(*, user, pk: int) -> ActivityDetail:
    """One activity with its evidence and the institutions (the user sees) it counts for."""
    activity = get_object_or_404(
        activities_visible_to(user).select_related("branch__committee__region",
                                                   "school_branch", "recorded_by"),
        pk=pk,
    )
    evidence = list(activity.evidence.select_related("uploaded_by").order_by("uploaded_at", "pk"))
    institutions = []
    if activity.branch.is_active_on(activity.date):
        covered = Coverage.objects.filter(branch=activity.branch_id).holding_on(activity.date)
        institutions = list(
            institutions_visible_to(user).filter(pk__in=covered.values("institution"))
            .order_by("name_key", "pk")
        )
    entries = timeline(HistorySource(Activity, Q(id=activity.pk)))
    return ActivityDetail(activity, evidence, institutions, entries)


def activity_for_edit(*, user, pk: int) -> Activity:
    """An activity the user may see, for a write action (404 outside their scope)."""
    return get_object_or_404(
        activities_visible_to(user).select_related("branch__committee__region"), pk=pk
    )


def evidence_for_download(*, user, pk: int) -> ActivityEvidence:
    """An evidence file of an activity the user may see (404 otherwise)."""
    return get_object_or_404(
        ActivityEvidence.objects.filter(activity__in=activities_visible_to(user)), pk=pk
    )


def institution_activities(*, institution: Institution, year: int) -> list[Activity]:
    """The activities counting for an institution in a year, for its page (one query)."""
    return list(
        activities_counting_for(institution=institution, year=year)
        .select_related("branch", "school_branch")
        .annotate(evidence_count=Count("evidence"))
        .order_by("-date", "-pk")
    )


def branch_activities(*, branch: Branch, year: int) -> list[Activity]:
    """A branch's activities dated in a year, for its page (one query)."""
    return list(
        branch.activities.filter(date__year=year).select_related("school_branch")
        .annotate(evidence_count=Count("evidence"))
        .order_by("-date", "-pk")
    )


# 三会一课 cadence ----------------------------------------------------------------------


class CadenceState:
    DONE = "done"
    MISSING = "missing"
    NOT_DUE = "not_due"
    NOT_ACTIVE = "not_active"

    LABELS = {
        DONE: _("已完成"),
        MISSING: _("未完成"),
        NOT_DUE: _("未到期"),
        NOT_ACTIVE: _("不计"),
    }


QUARTER_LABELS = (_("第一季度"), _("第二季度"), _("第三季度"), _("第四季度"))


@dataclass(frozen=True)
class CadencePeriod:
    """A month, quarter or year of the chosen year, inclusive at both ends."""

    label: str
    first: date
    last: date
    months: tuple[int, ...]


def periods_of(period: str, year: int) -> list[CadencePeriod]:
    """The months, quarters or the whole of a year, in order."""
    if period == CadenceRule.Period.MONTH:
        return [
            CadencePeriod(str(_("%(month)d月") % {"month": m}), date(year, m, 1),
                          date(year, m, calendar.monthrange(year, m)[1]), (m,))
            for m in range(1, 13)
        ]
    if period == CadenceRule.Period.QUARTER:
        quarters = []
        for q, label in enumerate(QUARTER_LABELS, start=1):
            first_month, last_month = 3 * q - 2, 3 * q
            quarters.append(CadencePeriod(
                str(label), date(year, first_month, 1),
                date(year, last_month, calendar.monthrange(year, last_month)[1]),
                tuple(range(first_month, last_month + 1)),
            ))
        return quarters
    return [CadencePeriod(str(_("%(year)d年") % {"year": year}), date(year, 1, 1),
                          date(year, 12, 31), tuple(range(1, 13)))]


@dataclass
class CadenceCell:
    period: CadencePeriod
    count: int
    state: str

    @property
    def state_label(self) -> str:
        return str(CadenceState.LABELS[self.state])


@dataclass
class CadenceRow:
    rule: CadenceRule
    cells: list[CadenceCell]

    @property
    def missing(self) -> int:
        return sum(1 for cell in self.cells if cell.state == CadenceState.MISSING)

    @property
    def done(self) -> int:
        return sum(1 for cell in self.cells if cell.state == CadenceState.DONE)

    @property
    def required(self) -> int:
        return sum(1 for cell in self.cells if cell.state != CadenceState.NOT_ACTIVE)


@dataclass
class BranchCadence:
    branch: Branch
    year: int
    rows: list[CadenceRow]

    @property
    def missing(self) -> int:
        return sum(row.missing for row in self.rows)


def cadence_state(*, branch: Branch, period: CadencePeriod, count: int, minimum: int,
                  today: date) -> str:
    """The state of one period for one branch.

    The rule for partial periods: a branch owes a period when it was active on at least
    one of its days (founded on or before the period's last day, not dissolved before its
    first day). So a branch founded on 20 March owes March and the first quarter, and one
    dissolved on 10 May owes May and the second quarter; both owe the year. A period it
    owes is done when it holds at least `minimum` activities of the kind dated in it, not
    yet due while the branch could still hold one (the period, or the branch's life, ends
    today or later), and missing otherwise.
    """
    founded, dissolved = branch.founded_on, branch.dissolved_on
    if founded > period.last or (dissolved is not None and dissolved < period.first):
        return CadenceState.NOT_ACTIVE
    if count >= minimum:
        return CadenceState.DONE
    deadline = min(period.last, dissolved) if dissolved is not None else period.last
    if deadline >= today:
        return CadenceState.NOT_DUE
    return CadenceState.MISSING


def cadence_rules() -> list[CadenceRule]:
    """The cadence targets administrators set, in the order of the activity kinds."""
    order = {kind: index for index, kind in enumerate(Activity.Kind.values)}
    return sorted(CadenceRule.objects.all(), key=lambda rule: order.get(rule.kind, 99))


def _rows_for(branch: Branch, year: int, rules: list[CadenceRule],
              counts: dict[tuple[str, int], int], today: date) -> list[CadenceRow]:
    """One row per rule; `counts` maps (kind, month) to the branch's activities that month."""
    rows = []
    for rule in rules:
        cells = []
        for period in periods_of(rule.period, year):
            count = sum(counts.get((rule.kind, month), 0) for month in period.months)
            state = cadence_state(branch=branch, period=period, count=count,
                                  minimum=rule.minimum, today=today)
            cells.append(CadenceCell(period, count, state))
        rows.append(CadenceRow(rule, cells))
    return rows


def _monthly_counts(activities: QuerySet[Activity], year: int, rules: list[CadenceRule]
                    ) -> dict[int, dict[tuple[str, int], int]]:
    """branch pk → (kind, month) → number of activities, in one grouped query."""
    rows = (
        activities.filter(date__year=year, kind__in=[rule.kind for rule in rules])
        .annotate(month=ExtractMonth("date"))
        .order_by()
        .values("branch", "kind", "month")
        .annotate(n=Count("pk"))
    )
    counts: dict[int, dict[tuple[str, int], int]] = defaultdict(dict)
    for row in rows:
        counts[row["branch"]][(row["kind"], row["month"])] = row["n"]
    return counts


def branch_cadence(*, branch: Branch, year: int, today: date | None = None) -> BranchCadence:
    """Each required kind against its cadence, period by period, for a branch the user sees."""
    today = today_or(today)
    rules = cadence_rules()
    counts = _monthly_counts(Activity.objects.filter(branch=branch), year, rules)
    return BranchCadence(branch, year, _rows_for(branch, year, rules, counts[branch.pk], today))


@dataclass
class RegionCadence:
    year: int
    rules: list[CadenceRule]
    branches_checked: int
    behind: list[BranchCadence] = field(default_factory=list)


def region_cadence(*, user, year: int, region: Region | None = None,
                   today: date | None = None) -> RegionCadence:
    """Branches (active at some point in the year) behind their cadence, most missing first.

    Three queries whatever the number of branches: the rules, the branches, the counts.
    """
    today = today_or(today)
    rules = cadence_rules()
    branches = (
        branches_visible_to(user)
        .filter(founded_on__lte=date(year, 12, 31))
        .filter(Q(dissolved_on__isnull=True) | Q(dissolved_on__gte=date(year, 1, 1)))
        .select_related("committee__region")
        .order_by("name_key", "pk")
    )
    if region is not None:
        branches = branches.filter(committee__region__path__startswith=region.path)
    counts = _monthly_counts(Activity.objects.filter(branch__in=branches.values("pk")),
                             year, rules)
    branches = list(branches)
    cadences = [BranchCadence(b, year, _rows_for(b, year, rules, counts[b.pk], today))
                for b in branches]
    behind = sorted((c for c in cadences if c.missing),
                    key=lambda c: (-c.missing, c.branch.name))
    return RegionCadence(year, rules, len(branches), behind)
