"""`seed_demo` adds a year of visits, hazards and clues shaped like Yiyang's 2023 work."""

from collections import Counter
from io import StringIO

import pytest
from django.core.management import call_command
from django.db import transaction
from django.db.models import Count, Exists, F, OuterRef, Q
from django.utils import timezone

from partybuild.accounts.models import User
from partybuild.demo.city import build_demo_city
from partybuild.demo.users import ensure_demo_users
from partybuild.instructors.models import Assignment
from partybuild.organisation.models import Institution
from partybuild.visits.models import FOUR_ONES, Clue, Hazard, Visit
from partybuild.visits.timeliness import entry_delay
from tests.visits.conftest import TODAY

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("frozen_today")]

LAST_YEAR = TODAY.year - 1
ITEMS = [key for key, _label in FOUR_ONES]


def seed(**options) -> str:
    out = StringIO()
    call_command("seed_demo", stdout=out, **options)
    return out.getvalue()


@pytest.fixture(scope="class")
def seeded(django_db_setup, django_db_blocker):
    """One default demo city for the read-only checks of a class, rolled back after it.

    Seeding takes seconds; the checks that only read share it instead of seeding each.
    """
    real_localdate = timezone.localdate

    def localdate(value=None, timezone=None):
        return TODAY if value is None else real_localdate(value, timezone)

    with (pytest.MonkeyPatch.context() as patch, django_db_blocker.unblock(),
          transaction.atomic()):
        patch.setattr("django.utils.timezone.localdate", localdate)
        output = seed()
        yield output
        transaction.set_rollback(True)


def work_counts() -> dict[str, int]:
    return {
        "visits": Visit.objects.count(), "hazards": Hazard.objects.count(),
        "clues": Clue.objects.count(), "visit history": Visit.history.count(),
        "hazard history": Hazard.history.count(), "clue history": Clue.history.count(),
    }


def assert_every_record_keeps_the_rules() -> None:
    """The rules the visit and hazard services enforce, checked over all records at once."""
    holding = Assignment.objects.filter(
        instructor=OuterRef("instructor"), institution=OuterRef("institution"),
        start__lte=OuterRef("date"),
    ).filter(Q(end__isnull=True) | Q(end__gte=OuterRef("date")))
    visits = Visit.objects.all()
    assert visits.exists()
    assert not visits.exclude(Exists(holding)).exists()
    assert not visits.filter(Q(date__lt=F("institution__opened_on"))
                             | Q(date__gt=F("institution__closed_on"))).exists()
    assert not visits.filter(date__gt=TODAY).exists()

    hazards = Hazard.objects.all()
    assert not hazards.filter(Q(found_on__lt=F("institution__opened_on"))
                              | Q(found_on__gt=F("institution__closed_on"))).exists()
    assert not hazards.filter(Q(found_on__gt=TODAY) | Q(rectified_on__gt=TODAY)
                              | Q(closed_out_on__gt=TODAY)).exists()
    assert not hazards.filter(deadline__lt=F("found_on")).exists()
    assert not hazards.filter(rectified_on__lt=F("found_on")).exists()
    # A hazard found during a visit was found by that visit's hazard check, on its day.
    assert not hazards.exclude(visit__hazard_check=True, visit__date=F("found_on"),
                               visit__institution=F("institution"),
                               visit__instructor=F("instructor")).exists()
    assert not Clue.objects.exclude(visit__date=F("date"), visit__institution=F("institution"),
                                    visit__instructor=F("instructor")).exists()
    assert not Clue.objects.filter(Q(date__gt=TODAY) | Q(reviewed_on__gt=TODAY)).exists()


class TestTheDefaultDemoCity:
    """Read-only checks of one seeded default city."""

    def test_last_year_holds_yiyangs_2023_volume_of_visits_case_talks_and_clues(self, seeded):
        visits = Visit.objects.filter(date__year=LAST_YEAR)
        assert 1250 <= visits.count() <= 1350
        assert 580 <= visits.filter(case_talk=True).count() <= 620
        assert not visits.filter(case_talk=True, case_talk_case="").exists()
        clues = Clue.objects.filter(date__year=LAST_YEAR)
        assert clues.count() == 27
        assert clues.filter(enforcement=True).count() == 7
        assert 7 <= clues.filter(substantiated=True).count() < 27
        # The instructor joins the enforcement of a clue that proved true.
        assert not clues.filter(enforcement=True, substantiated=False).exists()
        assert "已生成演示工作记录" in seeded and "违规线索" in seeded

    def test_a_few_institutions_are_visited_every_month_most_a_few_times_some_never(
            self, seeded):
        visits = Visit.objects.filter(date__year=LAST_YEAR)
        per_institution = Counter(visits.values_list("institution", flat=True))
        every_month = (visits.filter(lesson=True, policy=True, hazard_check=True, ledger=True)
                       .values("institution")
                       .annotate(months=Count("date__month", distinct=True))
                       .filter(months=12))
        institutions = Institution.objects.count()
        assert 0 < every_month.count() <= institutions * 0.1
        a_few_times = sum(1 for n in per_institution.values() if n <= 6)
        assert a_few_times > institutions / 2
        assert 0 < institutions - len(per_institution) < institutions * 0.1
        # Occasional visits do only some of the four items.
        assert visits.filter(lesson=False).exists() and visits.filter(ledger=False).exists()
        # Every item done has its text: a topic, a policy, what was checked, which ledgers.
        for item, text in (("lesson", "lesson_topic"), ("policy", "policy_text"),
                           ("hazard_check", "hazard_check_text"), ("ledger", "ledger_text")):
            assert not visits.filter(**{item: True, text: ""}).exists(), item
            assert not visits.filter(**{item: False}).exclude(**{text: ""}).exists(), item
        assert visits.filter(lesson_topic="学习贯彻党的二十大精神").exists()

    def test_hazards_were_rectified_on_time_late_or_are_still_open(self, seeded):
        last_year = Hazard.objects.filter(found_on__year=LAST_YEAR)
        on_time = last_year.filter(rectified_on__lte=F("deadline")).count()
        late = last_year.filter(rectified_on__gt=F("deadline")).count()
        overdue = last_year.filter(rectified_on__isnull=True, deadline__lt=TODAY).count()
        assert on_time > late > 0
        assert overdue > 0
        assert last_year.filter(closed_out_on__isnull=False).exists()
        assert not last_year.filter(closed_out_on__isnull=False,
                                    closed_out_by__isnull=True).exists()
        # This year's latest hazards include some still within their deadline.
        assert Hazard.objects.filter(rectified_on__isnull=True, deadline__gte=TODAY).exists()

    def test_most_visits_are_entered_on_time_a_few_late_none_before_the_visit(self, seeded):
        # The on-time rate of the grid and reports reads the entry day; a demo entered
        # wholesale on the day it was seeded would show every visit late.
        delays = Counter(entry_delay(visit) for visit in Visit.objects.all())
        total = sum(delays.values())
        on_time = sum(n for days, n in delays.items() if days <= 5)
        assert min(delays) >= 0
        assert 0.7 * total <= on_time <= 0.9 * total
        assert delays[0] > 0 and max(delays) > 5

    def test_every_visit_hazard_and_clue_keeps_the_rules_the_app_enforces(self, seeded):
        assert_every_record_keeps_the_rules()
        # An instructor with a login recorded their own visits; the others have no recorder.
        assert not (Visit.objects.filter(instructor__user__isnull=False)
                    .exclude(recorded_by=F("instructor__user")).exists())
        assert not Visit.objects.filter(instructor__user__isnull=True,
                                        recorded_by__isnull=False).exists()
        assert Visit.objects.filter(recorded_by__username="instructor").exists()

    def test_the_instructor_login_finds_this_month_partly_done(self, seeded):
        user = User.objects.get(username="instructor")
        first = TODAY.replace(day=1)

        mine = Assignment.objects.filter(instructor__user=user).holding_on(TODAY)
        items = (Visit.objects.filter(institution__in=mine.values("institution"),
                                      date__range=(first, TODAY))
                 .values("institution")
                 .annotate(**{item: Count("pk", filter=Q(**{item: True})) for item in ITEMS}))
        complete = [row["institution"] for row in items if all(row[item] for item in ITEMS)]
        assert len(complete) >= 1
        assert len(complete) < mine.count()
        # This year has visits in several months up to this one, not only this month.
        months = set(Visit.objects.filter(date__year=TODAY.year).values_list("date__month",
                                                                              flat=True))
        assert TODAY.month in months and len(months) >= 3


def test_seeding_again_adds_no_visits_hazards_or_clues():
    seed()
    before = work_counts()

    output = seed()

    assert work_counts() == before
    assert f"{LAST_YEAR} 年的走访记录已存在" in output


def test_visits_someone_recorded_before_the_demo_work_was_added_are_kept():
    build_demo_city()
    ensure_demo_users()
    instructor = User.objects.get(username="instructor").instructor
    institutions = [a.institution for a in instructor.assignments.holding_on(TODAY)]
    theirs = [Visit.objects.create(instructor=instructor, institution=institution, date=TODAY,
                                   policy=True, policy_text="《民办教育促进法实施条例》")
              for institution in institutions]

    output = seed()

    assert "已生成演示工作记录" in output
    today = Visit.objects.filter(instructor=instructor, date=TODAY).order_by("pk")
    assert list(today) == theirs
    assert Visit.objects.filter(date__year=LAST_YEAR).count() > 1000


def test_a_larger_city_gets_proportionally_more_work_that_keeps_the_rules():
    seed(institutions=1060)

    visits = Visit.objects.filter(date__year=LAST_YEAR)
    assert 2500 <= visits.count() <= 2700
    assert 1160 <= visits.filter(case_talk=True).count() <= 1240
    clues = Clue.objects.filter(date__year=LAST_YEAR)
    assert (clues.count(), clues.filter(enforcement=True).count()) == (54, 14)
    assert_every_record_keeps_the_rules()


def test_the_same_work_is_added_every_time():
    def snapshot():
        return (
            list(Visit.objects.order_by("date", "institution__credit_code")
                 .values_list("date", "institution__credit_code", "instructor__number",
                              "lesson", "policy", "case_talk", "lesson_topic")),
            list(Hazard.objects.order_by("found_on", "institution__credit_code")
                 .values_list("found_on", "institution__credit_code", "deadline",
                              "rectified_on")),
        )

    with transaction.atomic():
        seed()
        first = snapshot()
        transaction.set_rollback(True)
    assert not Visit.objects.exists()

    seed()

    assert snapshot() == first
