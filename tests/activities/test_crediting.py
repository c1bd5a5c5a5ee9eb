"""Which activities count for an institution: its branch's, on the days that branch covered it."""

from datetime import date

import pytest
from django.db import connection
from django.db.models import Count, OuterRef, Subquery
from django.test.utils import CaptureQueriesContext

from partybuild.activities.models import Activity
from partybuild.activities.selectors import activities_counting_for, credited_through
from partybuild.organisation.models import Coverage, Institution
from tests.factories import CoverageFactory, InstitutionFactory
from tests.factories_activities import ActivityFactory

pytestmark = pytest.mark.django_db


def titles(queryset) -> set[str]:
    return set(queryset.values_list("title", flat=True))


def test_a_joint_branch_activity_counts_for_every_institution_it_covered_that_day(county):
    joint = county.branches["J"]
    ActivityFactory(branch=joint, date=date(2025, 5, 20), title="五月主题党日")
    for key in ("I1", "I2", "I3"):
        assert titles(activities_counting_for(institution=county.institutions[key])) == {
            "五月主题党日"}
    assert not activities_counting_for(institution=county.institutions["I4"]).exists()


def test_an_activity_the_day_before_an_institution_joined_does_not_count_for_it(county):
    joint, i2 = county.branches["J"], county.institutions["I2"]
    ActivityFactory(branch=joint, date=date(2025, 3, 9), title="加入前一天")
    ActivityFactory(branch=joint, date=date(2025, 3, 10), title="加入当天")
    assert titles(activities_counting_for(institution=i2)) == {"加入当天"}
    assert titles(activities_counting_for(institution=county.institutions["I1"])) == {
        "加入前一天", "加入当天"}


def test_an_activity_after_the_coverage_ended_does_not_count(county):
    joint, i3 = county.branches["J"], county.institutions["I3"]
    ActivityFactory(branch=joint, date=date(2025, 6, 30), title="覆盖最后一天")
    ActivityFactory(branch=joint, date=date(2025, 7, 1), title="覆盖结束次日")
    assert titles(activities_counting_for(institution=i3)) == {"覆盖最后一天"}


def test_a_dissolved_branch_credits_nothing_for_days_after_its_dissolution(county):
    dissolved, i5 = county.branches["D"], county.institutions["I5"]
    ActivityFactory(branch=dissolved, date=date(2025, 4, 30), title="撤销当天")
    # Recorded by an import that slipped past the checks, or coverage left open by mistake:
    # the branch was not active, so the rule still refuses to credit it.
    CoverageFactory(branch=dissolved, institution=i5, start=date(2025, 5, 1))
    Activity.objects.create(branch=dissolved, date=date(2025, 5, 5), kind="theme_day",
                            title="撤销之后")
    assert titles(activities_counting_for(institution=i5)) == {"撤销当天"}


def test_the_year_keeps_only_activities_dated_in_it(county):
    joint, i1 = county.branches["J"], county.institutions["I1"]
    ActivityFactory(branch=joint, date=date(2024, 12, 31), title="2024年末")
    ActivityFactory(branch=joint, date=date(2025, 1, 1), title="2025年初")
    assert titles(activities_counting_for(institution=i1, year=2025)) == {"2025年初"}
    assert titles(activities_counting_for(institution=i1, year=2024)) == {"2024年末"}
    assert titles(activities_counting_for(institution=i1)) == {"2024年末", "2025年初"}


def test_an_institution_that_moved_between_branches_counts_each_branch_in_its_own_time(
        county, committee_a):
    moving = InstitutionFactory(name="转支部培训学校", region=county.institutions["I1"].region)
    CoverageFactory(branch=county.branches["D"], institution=moving, start=date(2024, 1, 1),
                    end=date(2025, 4, 30))
    CoverageFactory(branch=county.branches["J"], institution=moving, start=date(2025, 5, 1))
    ActivityFactory(branch=county.branches["D"], date=date(2025, 4, 15), title="原支部活动")
    ActivityFactory(branch=county.branches["J"], date=date(2025, 4, 16), title="新支部早了")
    ActivityFactory(branch=county.branches["J"], date=date(2025, 5, 1), title="新支部活动")
    assert titles(activities_counting_for(institution=moving, year=2025)) == {
        "原支部活动", "新支部活动"}


def test_the_rule_is_one_query(county):
    ActivityFactory.create_batch(5, branch=county.branches["J"], date=date(2025, 5, 20))
    with CaptureQueriesContext(connection) as queries:
        assert len(activities_counting_for(institution=county.institutions["I2"],
                                           year=2025)) == 5
    assert len(queries) == 1


def test_the_same_rule_counts_every_institution_at_once(county):
    """What the scoring run does: one query over institutions, no loop over them."""
    joint = county.branches["J"]
    ActivityFactory(branch=joint, date=date(2025, 3, 9))
    ActivityFactory(branch=joint, date=date(2025, 5, 20))
    ActivityFactory(branch=joint, date=date(2025, 7, 1))
    counting = (
        Activity.objects.filter(
            credited_through(Coverage.objects.filter(institution=OuterRef(OuterRef("pk")))),
            date__year=2025,
        ).order_by().values("date__year").annotate(n=Count("pk")).values("n")
    )
    counts = dict(
        Institution.objects.filter(pk__in=[i.pk for i in county.institutions.values()])
        .annotate(activities=Subquery(counting)).values_list("name", "activities")
    )
    by_key = {key: counts[i.name] or 0 for key, i in county.institutions.items()}
    assert by_key == {"I1": 3, "I2": 2, "I3": 2, "I4": 0, "I5": 0}
