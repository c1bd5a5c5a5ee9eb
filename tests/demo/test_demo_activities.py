"""`seed_demo` adds last year's branch activities and red-list points, shaped like Yiyang's."""

from collections import defaultdict
from io import StringIO

import pytest
from django.core.management import call_command
from django.db import transaction
from django.db.models import Exists, F, OuterRef, Q
from django.utils import timezone

from partybuild.accounts.models import User
from partybuild.activities.models import Activity
from partybuild.demo.activities import FULL_CADENCE
from partybuild.organisation.models import Pairing
from partybuild.points.models import PointEntry
from partybuild.points.selectors import ledger

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate()
LAST_YEAR = TODAY.year - 1
Kind = Activity.Kind


def seed(**options) -> str:
    out = StringIO()
    call_command("seed_demo", stdout=out, **options)
    return out.getvalue()


@pytest.fixture(scope="class")
def seeded(django_db_setup, django_db_blocker):
    """One default demo city shared by the read-only checks of a class, rolled back after."""
    with django_db_blocker.unblock(), transaction.atomic():
        output = seed()
        yield output
        transaction.set_rollback(True)


def period_of(kind: str, month: int) -> int:
    """The month, quarter or (0) year a 三会一课 of the kind counts for."""
    per_year = FULL_CADENCE[kind]
    if per_year == 12:
        return month
    return (month - 1) // 3 if per_year == 4 else 0


def keeps_full_cadence(activities: list[tuple[str, int]]) -> bool:
    """Whether (kind, month) pairs of one branch's year hold every 三会一课 the rules ask for."""
    periods = defaultdict(set)
    for kind, month in activities:
        if kind in FULL_CADENCE:
            periods[kind].add(period_of(kind, month))
    return all(len(periods[kind]) == needed for kind, needed in FULL_CADENCE.items())


def activity_counts() -> dict[str, int]:
    return {"activities": Activity.objects.count(), "history": Activity.history.count(),
            "points": PointEntry.objects.count()}


@pytest.mark.usefixtures("seeded")
class TestTheDefaultDemoCity:
    """Read-only checks of one seeded default city."""

    def test_the_seed_says_what_it_added_in_one_line(self, seeded):
        line = next(line for line in seeded.splitlines() if "演示党建活动" in line)
        assert line.startswith(f"已生成 {LAST_YEAR} 年演示党建活动 600 次（结对共建 230 次")
        assert "红名单积分记录 300 条" in line

    def test_last_year_has_about_600_activities_of_which_about_230_are_pairing(self):
        activities = Activity.objects.filter(date__year=LAST_YEAR)
        assert 570 <= activities.count() <= 630
        assert 215 <= activities.filter(kind=Kind.PAIRING).count() <= 245
        assert not Activity.objects.exclude(date__year=LAST_YEAR).exists()
        kinds = set(activities.values_list("kind", flat=True))
        assert kinds == set(Kind.values)

    def test_every_pairing_activity_is_held_while_that_pairing_holds(self):
        holding = Pairing.objects.filter(
            branch=OuterRef("branch"), school_branch=OuterRef("school_branch"),
            start__lte=OuterRef("date"),
        ).filter(Q(end__isnull=True) | Q(end__gte=OuterRef("date")))
        pairing = Activity.objects.filter(kind=Kind.PAIRING)
        assert pairing.exists()
        assert not pairing.filter(school_branch__isnull=True).exists()
        assert not pairing.exclude(Exists(holding)).exists()
        assert not Activity.objects.exclude(kind=Kind.PAIRING).filter(
            school_branch__isnull=False).exists()

    def test_every_activity_falls_in_its_branchs_life_and_has_attendees(self):
        activities = Activity.objects.all()
        assert not activities.filter(date__gt=TODAY).exists()
        assert not activities.filter(Q(date__lt=F("branch__founded_on"))
                                     | Q(date__gt=F("branch__dissolved_on"))).exists()
        assert not activities.filter(Q(attendees__isnull=True) | Q(attendees__lt=1)
                                     | Q(attendees__gt=200)).exists()
        assert not activities.filter(title="").exists()
        # Each one recorded by the committee staff of its district, with a history entry.
        assert not activities.filter(recorded_by__isnull=True).exists()
        assert Activity.history.count() == activities.count()

    def test_some_branches_keep_the_full_cadence_and_most_do_not(self):
        by_branch = defaultdict(list)
        for branch_id, kind, day in Activity.objects.values_list("branch", "kind", "date"):
            by_branch[branch_id].append((kind, day.month))
        keeping = [branch for branch, rows in by_branch.items() if keeps_full_cadence(rows)]
        assert len(keeping) == 6
        assert len(by_branch) - len(keeping) >= 25

    def test_about_300_point_entries_some_negative_a_few_corrections(self):
        entries = PointEntry.objects.filter(date__year=LAST_YEAR)
        assert 280 <= entries.count() <= 320
        assert entries.filter(points__lt=0, corrects__isnull=True).count() >= 50
        assert entries.filter(points__gt=0, corrects__isnull=True).count() >= 150
        assert 3 <= entries.filter(corrects__isnull=False).count() <= 8
        assert entries.values("institution").distinct().count() >= 100

    def test_each_correction_reverses_its_entry_in_the_same_year(self):
        corrections = PointEntry.objects.filter(corrects__isnull=False).select_related(
            "corrects")
        assert corrections.exists()
        for correction in corrections:
            original = correction.corrects
            assert original.corrects_id is None
            assert correction.points == -original.points
            assert correction.institution_id == original.institution_id
            assert original.date <= correction.date and correction.date.year == LAST_YEAR
            assert correction.reason != original.reason

    def test_point_entries_keep_the_rules_of_the_service(self):
        entries = PointEntry.objects.all()
        assert not entries.filter(date__gt=TODAY).exists()
        assert not entries.filter(Q(date__lt=F("institution__opened_on"))
                                  | Q(date__gt=F("institution__closed_on"))).exists()
        assert not entries.filter(Q(points__gt=10) | Q(points__lt=-10) | Q(points=0)).exists()
        assert not entries.filter(created_by__isnull=True).exists()

    def test_the_staff_ledger_of_a_corrected_entry_nets_the_pair_to_zero(self):
        correction = PointEntry.objects.filter(corrects__isnull=False).first()
        admin = User.objects.get(username="admin")
        book = ledger(user=admin, institution_pk=correction.institution_id, year=LAST_YEAR)
        others = sum(line.entry.points for line in book.lines
                     if line.entry.pk not in (correction.pk, correction.corrects_id))
        assert book.net == others


def test_seeding_again_adds_no_activities_or_points():
    seed()
    before = activity_counts()

    output = seed()

    assert activity_counts() == before
    assert f"{LAST_YEAR} 年的党建活动或红名单积分已存在，未重复生成。" in output


def test_a_small_city_gets_the_same_activities_and_points_every_time():
    def snapshot():
        return (
            list(Activity.objects.order_by("date", "branch__name", "title")
                 .values_list("date", "branch__name", "kind", "title", "attendees")),
            list(PointEntry.objects.order_by("date", "institution__credit_code", "reason")
                 .values_list("date", "institution__credit_code", "points", "reason")),
        )

    with transaction.atomic():
        seed(institutions=60)
        first = snapshot()
        transaction.set_rollback(True)
    assert not Activity.objects.exists()

    seed(institutions=60)

    assert snapshot() == first
    # Scaled down: 600 × 60 / 530 ≈ 68 activities and 300 × 60 / 530 ≈ 34 entries.
    assert 60 <= len(first[0]) <= 75
    assert 30 <= len(first[1]) <= 38
