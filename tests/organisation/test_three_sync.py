"""新机构三同步: the module's statuses at the deadline and the day after, and the page."""

from datetime import date, timedelta

import pytest
from django.test import override_settings
from django.urls import reverse
from django.utils import timezone

from partybuild.organisation.models import Institution
from partybuild.organisation.three_sync import institutions_behind, new_institutions
from tests.factories import (
    AssignmentFactory,
    BranchFactory,
    CoverageFactory,
    InstitutionFactory,
    InstructorFactory,
)

PAGE = reverse("organisation:three_sync")
DAY = date(2026, 11, 20)


def new_institution(region, name, opened_on, *, branch=None, instructor=None, charter=True,
                    closed_on=None):
    institution = InstitutionFactory(name=name, region=region, opened_on=opened_on,
                                     closed_on=closed_on,
                                     charter_includes_party_building=charter)
    if branch is not None:
        CoverageFactory(branch=branch, institution=institution, start=opened_on)
    if instructor is not None:
        AssignmentFactory(instructor=instructor, institution=institution, start=opened_on)
    return institution


@pytest.fixture
def world(county_a, county_b, committee_a, committee_b):
    """A county's new institutions around the deadline of DAY (opened DAY-30 is due today)."""
    branch = BranchFactory(name="赫山区第一联合党支部", committee=committee_a,
                           founded_on=date(2020, 1, 1))
    instructor = InstructorFactory(name="周敏", region=county_a)
    made = {
        "done": new_institution(county_a, "赫山区三同步齐全培训学校", DAY - timedelta(days=60),
                                branch=branch, instructor=instructor),
        "due_today": new_institution(county_a, "赫山区今日到期培训学校",
                                     DAY - timedelta(days=30), branch=branch, charter=False),
        "day_after": new_institution(county_a, "赫山区昨日到期培训学校",
                                     DAY - timedelta(days=31), branch=branch),
        "nothing": new_institution(county_a, "赫山区三项皆缺培训学校", DAY - timedelta(days=90),
                                   charter=False),
        "closed": new_institution(county_a, "赫山区已停办培训学校", DAY - timedelta(days=90),
                                  charter=False, closed_on=DAY - timedelta(days=3)),
        "old": new_institution(county_a, "赫山区老机构培训学校", DAY - timedelta(days=400),
                               charter=False),
        "other_county": new_institution(county_b, "资阳区三项皆缺培训学校",
                                        DAY - timedelta(days=90), charter=False),
    }
    return made


def test_the_deadline_day_is_not_behind_and_the_day_after_is(world):
    scope = Institution.objects.filter(region=world["done"].region)
    behind = institutions_behind(institutions=scope, today=DAY)
    assert [s.institution.name for s in behind] == ["赫山区三项皆缺培训学校",
                                                    "赫山区昨日到期培训学校"]
    nothing, day_after = behind
    assert nothing.missing == ["branch", "instructor", "charter"]
    assert day_after.missing == ["instructor"]
    assert day_after.deadline == DAY - timedelta(days=1)
    # The institution due today is behind tomorrow, not today.
    tomorrow = [s.institution.name for s in
                institutions_behind(institutions=scope, today=DAY + timedelta(days=1))]
    assert "赫山区今日到期培训学校" in tomorrow
    due = next(s for s in new_institutions(institutions=scope, today=DAY)
               if s.institution == world["due_today"])
    assert due.deadline == DAY and due.missing == ["instructor", "charter"]


def test_closed_and_old_institutions_are_not_new(world):
    scope = Institution.objects.all()
    names = [s.institution.name for s in new_institutions(institutions=scope, today=DAY)]
    assert "赫山区已停办培训学校" not in names
    assert "赫山区老机构培训学校" not in names
    # Ordered by deadline (opening day), then credit code: the two opened DAY-90 come first.
    statuses = new_institutions(institutions=scope, today=DAY)
    first_two = [s.institution.credit_code for s in statuses[:2]]
    assert first_two == sorted(first_two)
    assert {s.institution.name for s in statuses[:2]} == {"赫山区三项皆缺培训学校",
                                                          "资阳区三项皆缺培训学校"}
    assert names[-1] == "赫山区今日到期培训学校"
    done = next(s for s in new_institutions(institutions=scope, today=DAY)
                if s.institution == world["done"])
    assert done.missing == [] and done.covered and done.has_instructor and done.charter


@override_settings(PARTYBUILD_THREE_SYNC_DAYS=60)
def test_the_deadline_follows_the_setting(world):
    scope = Institution.objects.filter(region=world["done"].region)
    names = [s.institution.name for s in institutions_behind(institutions=scope, today=DAY)]
    assert names == ["赫山区三项皆缺培训学校"]


def test_one_query_whatever_the_number_of_institutions(world, county_a,
                                                       django_assert_num_queries):
    scope = Institution.objects.all()
    with django_assert_num_queries(1):
        few = institutions_behind(institutions=scope, today=DAY)
    for n in range(20):
        new_institution(county_a, f"赫山区新开办培训学校{n}", DAY - timedelta(days=45),
                        charter=False)
    with django_assert_num_queries(1):
        many = institutions_behind(institutions=scope, today=DAY)
    assert len(many) == len(few) + 20


# The page ----------------------------------------------------------------------------------


@pytest.fixture
def today_world(county_a, county_b, committee_a):
    """The same shapes relative to the real today, which the page uses."""
    today = timezone.localdate()
    branch = BranchFactory(name="赫山区第二联合党支部", committee=committee_a,
                           founded_on=date(2020, 1, 1))
    return {
        "behind": new_institution(county_a, "赫山区逾期培训学校", today - timedelta(days=35),
                                  branch=branch),
        "due": new_institution(county_a, "赫山区未到期培训学校", today - timedelta(days=10),
                               charter=False),
        "other": new_institution(county_b, "资阳区逾期培训学校", today - timedelta(days=35),
                                 charter=False),
    }


def rows(response):
    return [row.record.name for row in response.context["table"].paginated_rows]


def test_the_page_lists_the_region_new_institutions_with_their_status(client, alice,
                                                                      today_world):
    client.force_login(alice)
    response = client.get(PAGE)
    assert response.status_code == 200
    assert rows(response) == ["赫山区逾期培训学校", "赫山区未到期培训学校"]
    html = response.content.decode()
    assert "资阳区逾期培训学校" not in html
    assert "逾期5天" in html          # the instructor of the one opened 35 days ago
    assert "还剩20天" in html         # both missing items of the one opened 10 days ago
    assert "已完成" in html           # the branch of the first
    behind = today_world["behind"]
    assert f'{reverse("instructors:assignment_create")}?institution={behind.pk}' in html
    due = today_world["due"]
    assert reverse("organisation:institution_update", args=[due.pk]) in html


def test_behind_only_and_sorting(client, alice, today_world):
    client.force_login(alice)
    assert rows(client.get(PAGE, {"behind": "1"})) == ["赫山区逾期培训学校"]
    assert rows(client.get(PAGE, {"missing": "charter"})) == ["赫山区未到期培训学校"]
    assert rows(client.get(PAGE, {"sort": "-opened_on"})) == ["赫山区未到期培训学校",
                                                              "赫山区逾期培训学校"]
    for sort in ("deadline", "-branch", "instructor", "charter", "region", "nonsense"):
        assert client.get(PAGE, {"sort": sort}).status_code == 200
    assert client.get(PAGE, {"behind": "x"}).status_code == 200


def test_the_other_county_sees_only_its_own(client, eve, today_world):
    client.force_login(eve)
    response = client.get(PAGE)
    assert rows(response) == ["资阳区逾期培训学校"]
    assert "赫山区" not in "".join(rows(response))


def test_a_reviewer_reads_without_fix_links(client, carol, today_world):
    client.force_login(carol)
    html = client.get(PAGE).content.decode()
    assert "赫山区逾期培训学校" in html
    assert reverse("instructors:assignment_create") not in html


def test_the_empty_state(client, alice):
    client.force_login(alice)
    response = client.get(PAGE)
    assert "本辖区在统计期内没有新开办的在办机构。" in response.content.decode()


def test_paginated(client, alice, county_a, settings):
    settings.LIST_PAGE_SIZE = 5
    today = timezone.localdate()
    for n in range(7):
        new_institution(county_a, f"赫山区新开办培训学校{n}", today - timedelta(days=40),
                        charter=False)
    client.force_login(alice)
    assert len(rows(client.get(PAGE))) == 5
    assert len(rows(client.get(PAGE, {"page": 2}))) == 2


def test_the_csv_export_holds_the_states_as_text(client, alice, today_world):
    client.force_login(alice)
    response = client.get(PAGE, {"_export": "csv", "behind": "1"})
    assert response.status_code == 200
    text = b"".join(response.streaming_content if response.streaming
                    else [response.content]).decode("utf-8-sig")
    assert "赫山区逾期培训学校" in text and "赫山区未到期培训学校" not in text
    assert "逾期5天" in text and "已完成" in text
    assert "资阳区" not in text
