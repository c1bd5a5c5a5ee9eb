"""Fixtures of the scoring page, inspection and red-list tests (not autouse).

`scored_a` builds a year of work at 赫山区阳光艺术培训学校 (institution_a) in YEAR:
  branch  赫山区第一联合党支部 covers it from 2024-01-01 (every month covered);
  visits  March: all four items (lesson and policy on 03-05, hazard check and ledger on
          03-20); every other month one lesson;
  activities  two theme days of the branch;
  hazards  one rectified on time, one rectified late;
  points  +3.0 for a commended volunteer service;
  clues   one substantiated (deducted), one not.
"""

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

import pytest

from partybuild.activities.models import Activity
from partybuild.points.models import PointEntry
from partybuild.visits.models import Clue, Hazard, Visit
from tests.factories import BranchFactory, CoverageFactory, InstructorFactory

YEAR = 2025


@dataclass
class ScoredYear:
    institution: object
    branch: object
    visits: dict
    activities: list
    hazard_on_time: object
    hazard_late: object
    entry: object
    clue: object
    clue_not_substantiated: object


@pytest.fixture
def frozen_today(monkeypatch):
    """Today is the demo's today, so "last year" is YEAR."""
    from django.utils import timezone

    real_localdate = timezone.localdate

    def localdate(value=None, timezone=None):
        return date(2026, 11, 22) if value is None else real_localdate(value, timezone)

    monkeypatch.setattr("django.utils.timezone.localdate", localdate)


@pytest.fixture
def scored_a(institution_a, committee_a, county_a):
    instructor = InstructorFactory(name="刘洋", region=county_a)
    branch = BranchFactory(name="赫山区第一联合党支部", committee=committee_a,
                           founded_on=date(2023, 6, 1))
    CoverageFactory(branch=branch, institution=institution_a, start=date(2024, 1, 1))
    visits = {
        "march_a": Visit.objects.create(instructor=instructor, institution=institution_a,
                                        date=date(YEAR, 3, 5), lesson=True, policy=True,
                                        lesson_topic="学习二十大精神"),
        "march_b": Visit.objects.create(instructor=instructor, institution=institution_a,
                                        date=date(YEAR, 3, 20), hazard_check=True,
                                        ledger=True),
    }
    for month in (1, 2, 4, 5, 6, 7, 8, 9, 10, 11, 12):
        visits[month] = Visit.objects.create(instructor=instructor, institution=institution_a,
                                             date=date(YEAR, month, 10), lesson=True)
    activities = [
        Activity.objects.create(branch=branch, date=date(YEAR, 4, 18),
                                kind=Activity.Kind.THEME_DAY,
                                title="四月主题党日：参观红色教育基地", attendees=9,
                                description="参观学习。"),
        Activity.objects.create(branch=branch, date=date(YEAR, 7, 1),
                                kind=Activity.Kind.THEME_DAY, title="七一主题党日",
                                attendees=11, description="重温入党誓词。"),
    ]
    on_time = Hazard.objects.create(
        institution=institution_a, instructor=instructor, found_on=date(YEAR, 5, 8),
        deadline=date(YEAR, 5, 31), rectified_on=date(YEAR, 5, 20),
        category=Hazard.Category.FIRE, severity=Hazard.Severity.GENERAL,
        description="二楼消防通道堆放杂物")
    late = Hazard.objects.create(
        institution=institution_a, instructor=instructor, found_on=date(YEAR, 9, 2),
        deadline=date(YEAR, 9, 15), rectified_on=date(YEAR, 9, 30),
        category=Hazard.Category.FIRE, severity=Hazard.Severity.GENERAL,
        description="灭火器过期未更换")
    entry = PointEntry.objects.create(institution=institution_a, date=date(YEAR, 6, 1),
                                      points=Decimal("3.0"), reason="组织党员志愿服务受到表彰")
    clue = Clue.objects.create(institution=institution_a, instructor=instructor,
                               date=date(YEAR, 10, 12), description="超范围招收学科类学员",
                               substantiated=True, reviewed_on=date(YEAR, 10, 20))
    other_clue = Clue.objects.create(institution=institution_a, instructor=instructor,
                                     date=date(YEAR, 11, 3), description="疑似收费未公示",
                                     substantiated=False, reviewed_on=date(YEAR, 11, 9))
    return ScoredYear(institution_a, branch, visits, activities, on_time, late, entry, clue,
                      other_clue)
