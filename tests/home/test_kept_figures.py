"""The region-wide figures kept between requests equal a fresh count after every kind of write.

The staff home's follow-ups, its "not visited this month" flag and the completeness grid's
figures are kept under the stamp tokens that database triggers renew
(organisation/figures_stamp.py). Each test reads the kept figures first (so they are
kept), writes the way a user or an import does, and reads them again: they must equal what
counting now gives, and the count must have moved (the write mattered).
"""

from dataclasses import replace
from datetime import date, timedelta

import pytest
from django.utils import timezone

from partybuild.core.credit_code import make_credit_code
from partybuild.home.attention import attention, counted_attention
from partybuild.imports.engine import run_import
from partybuild.imports.kinds import KINDS
from partybuild.organisation.models import Institution
from partybuild.organisation.services.branches import coverage_add
from partybuild.organisation.services.places import institution_create, institution_update
from partybuild.visits.completeness import (
    GridFilters,
    Progress,
    _unvisited,
    completeness_grid,
    counted_month_figures,
    month_figures,
    unvisited_this_month,
)
from partybuild.visits.services import clue_review, hazard_rectify, visit_record
from partybuild.visits.timeliness import counted_grid_on_time, grid_on_time
from tests.factories import (
    AssignmentFactory,
    BranchFactory,
    CommitteeFactory,
    InstitutionFactory,
    InstructorFactory,
)
from tests.factories_visits import ClueFactory, HazardFactory, VisitFactory

from ..imports.conftest import csv_bytes


def last_month_25th() -> date:
    """A day after the 20th (the not-visited count shows) in a month already past."""
    return (timezone.localdate().replace(day=1) - timedelta(days=1)).replace(day=25)


DAY = last_month_25th()
FILTERS = GridFilters(year=DAY.year, month=DAY.month)


def kept_figures(user):
    grid = completeness_grid(user=user, filters=FILTERS, day=DAY)
    return (attention(user=user, day=DAY), month_figures(user=user, filters=FILTERS),
            grid_on_time(user=user, filters=FILTERS), grid.page.paginator.count,
            unvisited_this_month(user=user, day=DAY))


def fresh_figures(user):
    flag_filters = replace(FILTERS, progress=Progress.NOT_VISITED)
    return (counted_attention(user=user, day=DAY),
            counted_month_figures(user=user, filters=FILTERS),
            counted_grid_on_time(user=user, filters=FILTERS),
            completeness_grid(user=user, filters=FILTERS, day=DAY).page.paginator.counted.count(),
            _unvisited(user=user, day=DAY, filters=flag_filters, limit=10))


def flag_key(flag):
    return flag.count, [institution.pk for institution in flag.institutions]


def comparable(figures):
    att, months, on_time, count, flag = figures
    return att, months, on_time, count, flag_key(flag)


def assert_kept_equals_fresh(user):
    assert comparable(kept_figures(user)) == comparable(fresh_figures(user))


@pytest.fixture
def world(county_a, alice):
    """Institutions of the county, an instructor assigned to them, hazards and clues."""
    instructor = InstructorFactory(name="周敏", region=county_a)
    opened = DAY - timedelta(days=400)
    institutions = [InstitutionFactory(name=f"赫山区培训学校{n}", region=county_a,
                                       opened_on=opened) for n in range(4)]
    for institution in institutions:
        AssignmentFactory(instructor=instructor, institution=institution, start=opened)
    VisitFactory(instructor=instructor, institution=institutions[0],
                 date=DAY.replace(day=3), lesson=True, policy=True, hazard_check=True,
                 ledger=True)
    hazard = HazardFactory(institution=institutions[1], found_on=DAY - timedelta(days=40),
                           deadline=DAY - timedelta(days=5))
    clue = ClueFactory(institution=institutions[1], date=DAY - timedelta(days=30))
    return {"instructor": instructor, "institutions": institutions, "hazard": hazard,
            "clue": clue}


def test_a_recorded_visit_moves_the_kept_figures(alice, world):
    before = fresh_figures(alice)
    kept_figures(alice)
    visit_record(acting_user=alice, institution=world["institutions"][2],
                 instructor=world["instructor"], date=DAY.replace(day=5), lesson=True,
                 lesson_topic="党章")
    assert_kept_equals_fresh(alice)
    assert fresh_figures(alice)[0].not_visited == before[0].not_visited - 1


def test_a_rectified_hazard_leaves_the_overdue_count(alice, world):
    kept_figures(alice)
    hazard_rectify(acting_user=alice, hazard=world["hazard"], rectified_on=DAY,
                   rectification_note="已整改")
    assert_kept_equals_fresh(alice)
    assert attention(user=alice, day=DAY).overdue_hazards == 0


def test_a_reviewed_clue_leaves_the_awaiting_count(alice, world):
    assert attention(user=alice, day=DAY).clues_awaiting_review == 1
    clue_review(acting_user=alice, clue=world["clue"], substantiated=False, enforcement=False,
                reviewed_on=DAY)
    assert_kept_equals_fresh(alice)
    assert attention(user=alice, day=DAY).clues_awaiting_review == 0


def test_a_created_and_a_closed_institution_move_the_kept_figures(alice, county_a, world):
    before = fresh_figures(alice)
    kept_figures(alice)
    new = institution_create(acting_user=alice, name="赫山区新开办培训学校",
                             credit_code=make_credit_code(9001), region=county_a,
                             category=Institution.Category.ARTS,
                             licence=Institution.Licence.LICENSED_PERMITTED,
                             opened_on=DAY - timedelta(days=40),
                             charter_includes_party_building=False)
    assert_kept_equals_fresh(alice)
    after_create = fresh_figures(alice)
    assert after_create[0].three_sync_behind == before[0].three_sync_behind + 1
    assert after_create[3] == before[3] + 1
    institution_update(acting_user=alice, institution=world["institutions"][3],
                       closed_on=DAY.replace(day=1))
    assert_kept_equals_fresh(alice)
    assert fresh_figures(alice)[1].totals.expected == after_create[1].totals.expected - 1
    assert new.pk


def test_a_coverage_change_moves_the_three_sync_count(alice, county_a, world):
    new = InstitutionFactory(name="赫山区新开办培训学校", region=county_a,
                             opened_on=DAY - timedelta(days=40),
                             charter_includes_party_building=True)
    AssignmentFactory(instructor=world["instructor"], institution=new, start=new.opened_on)
    assert attention(user=alice, day=DAY).three_sync_behind == 1
    branch = BranchFactory(committee=CommitteeFactory(region=county_a),
                           founded_on=DAY - timedelta(days=300))
    coverage_add(acting_user=alice, branch=branch, institution=new,
                 start=DAY - timedelta(days=30))
    assert_kept_equals_fresh(alice)
    assert attention(user=alice, day=DAY).three_sync_behind == 0


def test_an_imported_visits_file_moves_the_kept_figures(alice, world):
    before = fresh_figures(alice)
    kept_figures(alice)
    world["instructor"].number = "ZDY001"
    world["instructor"].save()
    header = ["指导员编号", "统一社会信用代码", "走访日期", "上党课", "讲政策", "排隐患",
              "核台账", "以案说法", "内容摘要"]
    rows = [["ZDY001", institution.credit_code, DAY.replace(day=6).isoformat(),
             "是", "是", "是", "是", "", "导入"] for institution in world["institutions"][1:3]]
    result = run_import(KINDS["visits"], csv_bytes([header, *rows]), "visits.csv",
                        user=alice, today=timezone.localdate())
    assert result.ok, result
    assert_kept_equals_fresh(alice)
    after = fresh_figures(alice)
    assert after[0].not_visited == before[0].not_visited - 2
    assert after[1].totals.complete == before[1].totals.complete + 2


def test_the_kept_figures_are_read_in_one_query_each_when_nothing_changed(
        alice, world, django_assert_num_queries):
    kept_figures(alice)
    with django_assert_num_queries(1):
        attention(user=alice, day=DAY)
    with django_assert_num_queries(1):
        month_figures(user=alice, filters=FILTERS)
    with django_assert_num_queries(1):
        grid_on_time(user=alice, filters=FILTERS)


def test_another_region_does_not_read_the_kept_figures_of_this_one(alice, eve, world):
    kept_figures(alice)
    assert comparable(kept_figures(eve)) == comparable(fresh_figures(eve))
    assert attention(user=eve, day=DAY).clues_awaiting_review == 0


def test_rows_written_around_the_services_move_the_kept_figures_too(alice, world):
    """bulk_create (as the importers write), a queryset update and a delete: no service."""
    from partybuild.visits.models import Clue, Hazard, Visit

    kept_figures(alice)
    Visit.objects.bulk_create([Visit(instructor=world["instructor"],
                                     institution=world["institutions"][3],
                                     date=DAY.replace(day=7), lesson=True)])
    assert_kept_equals_fresh(alice)
    Clue.objects.bulk_create([Clue(institution=world["institutions"][0],
                                   instructor=world["instructor"],
                                   date=DAY - timedelta(days=20), description="新线索")])
    assert attention(user=alice, day=DAY).clues_awaiting_review == 2
    Hazard.objects.filter(pk=world["hazard"].pk).update(rectified_on=DAY)
    assert attention(user=alice, day=DAY).overdue_hazards == 0
    Visit.objects.filter(institution=world["institutions"][3]).delete()
    assert_kept_equals_fresh(alice)
