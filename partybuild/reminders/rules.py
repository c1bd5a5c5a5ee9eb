"""The six reminder rules. Each returns the day's items: who should hear about which record.

An item's (rule, record, recipient, period) is its identity: send_reminders sends it once.
Every rule reads with a fixed number of queries, whatever the number of records.
"""

from dataclasses import dataclass
from datetime import date, timedelta

from django.db.models import IntegerField, Max, Q
from django.db.models.functions import Cast
from django.urls import reverse

from partybuild.accounts.models import User
from partybuild.activities.models import Activity
from partybuild.activities.selectors import (
    CadenceState,
    cadence_rules,
    cadence_state,
    periods_of,
)
from partybuild.core.periods import holding_on_q
from partybuild.instructors.models import Assignment
from partybuild.organisation.models import Branch, Institution
from partybuild.organisation.selectors import operating_on_q
from partybuild.organisation.three_sync import institutions_behind
from partybuild.scoring.models import Inspection
from partybuild.visits.models import FOUR_ONES, Clue, Hazard, Visit

from .models import Rule
from .recipients import Directory
from .thresholds import ThresholdBook


@dataclass(frozen=True)
class Item:
    rule: str
    record: str
    recipient: User
    period: str
    text: str
    url: str  # a path; send_reminders makes it absolute

    @property
    def key(self) -> tuple[str, str, int, str]:
        return (self.rule, self.record, self.recipient.pk, self.period)


@dataclass
class Context:
    today: date
    thresholds: ThresholdBook
    directory: Directory


def visit_month(ctx: Context) -> list[Item]:
    """Rule 1: from the 20th, each instructor's institutions without all four items this month."""
    today = ctx.today
    first = today.replace(day=1)
    assignments = list(
        Assignment.objects.filter(holding_on_q(today), instructor__user__isnull=False,
                                  instructor__user__is_active=True)
        .filter(operating_on_q(today, "institution__"))
        .select_related("instructor__user", "institution__region")
        .order_by("instructor__user__username", "institution__name", "pk")
    )
    assignments = [a for a in assignments
                   if today.day >= ctx.thresholds.for_path(a.institution.region.path)
                   .visit_from_day]
    done = {
        row["institution"]: row
        for row in Visit.objects.filter(
            institution__in=[a.institution_id for a in assignments],
            date__gte=first, date__lte=today)
        .values("institution").order_by()
        .annotate(**{key: Max(Cast(key, IntegerField())) for key, _label in FOUR_ONES})
    }
    items = []
    for assignment in assignments:
        institution = assignment.institution
        row = done.get(institution.pk, {})
        missing = [str(label) for key, label in FOUR_ONES if not row.get(key)]
        if not missing:
            continue
        text = (f"{institution.name}：{today.month}月“四个一”尚缺 {len(missing)} 项"
                f"（{'、'.join(missing)}）")
        items.append(Item(Rule.VISIT_MONTH, f"institution:{institution.pk}",
                          assignment.instructor.user, f"{first:%Y-%m}", text,
                          reverse("organisation:institution_detail", args=[institution.pk])))
    return items


def hazards(ctx: Context) -> list[Item]:
    """Rule 2: due within 3 days (instructor), overdue (instructor and staff), overdue 14
    days (the level above the staff)."""
    today = ctx.today
    open_hazards = (
        Hazard.objects.filter(rectified_on__isnull=True, found_on__lte=today)
        .filter(deadline__lte=today + timedelta(days=max_due_days(ctx)))
        .select_related("institution__region", "instructor__user")
        .order_by("deadline", "institution__name", "pk")
    )
    items = []
    for hazard in open_hazards:
        path = hazard.institution.region.path
        limits = ctx.thresholds.for_path(path)
        url = reverse("visits:hazard_detail", args=[hazard.pk])
        record = f"hazard:{hazard.pk}"
        label = f"{hazard.institution.name}“{hazard.description}”"
        instructor_user = hazard.instructor.user if hazard.instructor else None
        days_left = (hazard.deadline - today).days
        if days_left >= 0:
            if days_left <= limits.hazard_due_days and instructor_user is not None:
                when = "今天" if days_left == 0 else f"{days_left} 天后"
                items.append(Item(Rule.HAZARD_DUE, record, instructor_user,
                                  f"due:{hazard.deadline}",
                                  f"隐患{label}整改期限 {hazard.deadline}（{when}）到期", url))
            continue
        overdue = -days_left
        text = f"隐患{label}已逾期 {overdue} 天（整改期限 {hazard.deadline}）"
        recipients = [instructor_user] if instructor_user is not None else []
        recipients += ctx.directory.staff(path)
        for user in recipients:
            items.append(Item(Rule.HAZARD_OVERDUE, record, user, f"overdue:{hazard.deadline}",
                              text, url))
        if overdue >= limits.hazard_escalate_days:
            for user in ctx.directory.staff_above(path):
                items.append(Item(Rule.HAZARD_ESCALATED, record, user,
                                  f"escalated:{hazard.deadline}",
                                  f"{text}，超过 {limits.hazard_escalate_days} 天仍未整改",
                                  url))
    return items


def max_due_days(ctx: Context) -> int:
    """The widest "due within" window of any region, so one query finds every candidate."""
    values = [ctx.thresholds.base.hazard_due_days]
    values += [row.hazard_due_days for row in ctx.thresholds.overrides.values()
               if row.hazard_due_days is not None]
    return max(values)


def clues(ctx: Context) -> list[Item]:
    """Rule 3: a clue not reviewed within 7 days of its date, to the region's staff.

    The same boundary as the staff home's 线索待核查 and the clue list's filter
    (visits.attention.awaiting_review_q): a clue dated D may be reviewed up to D + 7, and is
    reminded from D + 8.
    """
    today = ctx.today
    items = []
    pending = (Clue.objects.filter(reviewed_on__isnull=True, date__lte=today)
               .select_related("institution__region").order_by("date", "pk"))
    for clue in pending:
        path = clue.institution.region.path
        waited = (today - clue.date).days
        if waited <= ctx.thresholds.for_path(path).clue_review_days:
            continue
        text = f"线索：{clue.institution.name}“{clue.description}”（{clue.date}）{waited} 天未核查"
        for user in ctx.directory.staff(path):
            items.append(Item(Rule.CLUE_REVIEW, f"clue:{clue.pk}", user, "review", text,
                              reverse("visits:clue_detail", args=[clue.pk])))
    return items


MISSING_LABELS = {"branch": "支部覆盖", "instructor": "党建指导员", "charter": "党建入章程"}


def three_sync(ctx: Context) -> list[Item]:
    """Rule 4: a new institution past its 三同步 deadline with something missing, to the staff."""
    items = []
    for status in institutions_behind(institutions=Institution.objects.all(), today=ctx.today):
        institution = status.institution
        missing = "、".join(MISSING_LABELS[name] for name in status.missing)
        text = (f"新机构{institution.name}（{institution.opened_on} 开办）三同步期限 "
                f"{status.deadline} 已过，尚缺：{missing}")
        for user in ctx.directory.staff(institution.region.path):
            items.append(Item(Rule.THREE_SYNC, f"institution:{institution.pk}", user,
                              f"{status.deadline}:{','.join(status.missing)}", text,
                              reverse("organisation:institution_detail", args=[institution.pk])))
    return items


def inspections(ctx: Context) -> list[Item]:
    """Rule 5: from 1 December, the year's inspections not finalised, to the reviewers."""
    today = ctx.today
    year = today.year
    finalised = Inspection.objects.filter(year=year, finalised_at__isnull=False)
    started = dict(Inspection.objects.filter(year=year).values_list("institution", "pk"))
    institutions = (Institution.objects.filter(operating_on_q(today))
                    .exclude(pk__in=finalised.values("institution"))
                    .select_related("region").order_by("region__path", "name", "pk"))
    items = []
    for institution in institutions:
        path = institution.region.path
        if today < ctx.thresholds.for_path(path).inspection_start(year):
            continue
        state = "尚未定稿" if institution.pk in started else "尚未开始"
        text = f"{institution.name}：{year} 年度年检{state}"
        for user in ctx.directory.reviewers(path):
            items.append(Item(Rule.INSPECTION, f"institution:{institution.pk}", user, str(year),
                              text, reverse("scoring:score_detail", args=[year, institution.pk])))
    return items


def quarter_ended_before(today: date) -> tuple[int, int, date, date]:
    """(year, quarter, first day, last day) of the quarter before today's."""
    quarter = (today.month - 1) // 3 + 1
    last = date(today.year, 3 * quarter - 2, 1) - timedelta(days=1)
    q = (last.month - 1) // 3 + 1
    return last.year, q, date(last.year, 3 * q - 2, 1), last


def cadence(ctx: Context) -> list[Item]:
    """Rule 6: shortly after a quarter ends, branches behind their 三会一课 cadence in it.

    The states come from activities' cadence_state: a period is missing once it is over
    with fewer activities than its rule asks, for a branch active on one of its days.
    """
    today = ctx.today
    year, quarter, first, last = quarter_ended_before(today)
    rules = cadence_rules()
    branches = list(Branch.objects
                    .filter(Q(dissolved_on__isnull=True) | Q(dissolved_on__gte=first),
                            founded_on__lte=last)
                    .select_related("committee__region").order_by("name", "pk"))
    branches = [b for b in branches
                if (today - last).days <= ctx.thresholds.for_path(
                    b.committee.region.path).cadence_window_days]
    counts: dict[tuple[int, str, int], int] = {}
    rows = (Activity.objects.filter(branch__in=[b.pk for b in branches], date__year=year,
                                    kind__in=[rule.kind for rule in rules])
            .values_list("branch", "kind", "date__month"))
    for branch_pk, kind, month in rows:
        counts[(branch_pk, kind, month)] = counts.get((branch_pk, kind, month), 0) + 1
    items = []
    for branch in branches:
        behind = []
        for rule in rules:
            for period in periods_of(rule.period, year):
                if not first <= period.last <= last:
                    continue  # only periods ending in the quarter just over
                count = sum(counts.get((branch.pk, rule.kind, m), 0) for m in period.months)
                state = cadence_state(branch=branch, period=period, count=count,
                                      minimum=rule.minimum, today=today)
                if state == CadenceState.MISSING:
                    behind.append(f"{rule.get_kind_display()}{period.label} "
                                  f"{count}/{rule.minimum}")
        if not behind:
            continue
        text = f"{branch.name}：{year}年第{quarter}季度三会一课未达要求（{'、'.join(behind)}）"
        for user in ctx.directory.staff(branch.committee.region.path):
            items.append(Item(Rule.CADENCE, f"branch:{branch.pk}", user, f"{year}Q{quarter}",
                              text, reverse("organisation:branch_detail", args=[branch.pk])))
    return items


RULES = (visit_month, hazards, clues, three_sync, inspections, cadence)


def all_items(today: date) -> list[Item]:
    """Every rule's items for the day."""
    ctx = Context(today=today, thresholds=ThresholdBook(), directory=Directory())
    return [item for rule in RULES for item in rule(ctx)]
