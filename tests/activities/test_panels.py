"""The activity panels on the branch and institution pages, and the region's 三会一课 page."""

from datetime import date

import pytest
from django.urls import reverse

from partybuild.activities.models import Activity, CadenceRule
from tests.action_helpers import page_text
from tests.factories import BranchFactory
from tests.factories_activities import ActivityFactory

pytestmark = pytest.mark.django_db

CADENCE = reverse("activities:cadence_overview")
K = Activity.Kind


def branch_url(branch, year=None) -> str:
    url = reverse("organisation:branch_detail", args=[branch.pk])
    return f"{url}?activities_year={year}" if year else url


def institution_url(institution, year=None) -> str:
    url = reverse("organisation:institution_detail", args=[institution.pk])
    return f"{url}?activities_year={year}" if year else url


def panel(response) -> str:
    """The activities card of a page, as the user reads it."""
    text = page_text(response)
    start = text.index('id="activities"')
    return text[start:text.index("</section>", start)]


# Branch page ----------------------------------------------------------------------------


def test_the_branch_page_shows_the_cadence_grid_and_activities_of_the_chosen_year(
        client, county, alice):
    joint = county.branches["J"]
    ActivityFactory(branch=joint, kind=K.COMMITTEE_MEETING, date=date(2025, 1, 8),
                    title="一月支委会")
    ActivityFactory(branch=joint, kind=K.LECTURE, date=date(2024, 3, 8), title="2024年党课")
    client.force_login(alice)
    text = panel(client.get(branch_url(joint, 2025)))
    assert "2025 年三会一课落实情况" in text
    assert "1月 已完成（1）" in text and "2月 未完成" in text
    assert "一月支委会" in text and "2024年党课" not in text
    assert 'value="2025" selected' in text
    assert f"{reverse('activities:activity_create')}?branch={joint.pk}" in text
    text = panel(client.get(branch_url(joint, 2024)))
    assert "2024年党课" in text and "一月支委会" not in text


def test_the_grid_marks_the_periods_before_a_branch_was_founded_as_not_counted(
        client, committee_a, alice):
    branch = BranchFactory(committee=committee_a, founded_on=date(2025, 11, 5))
    client.force_login(alice)
    text = panel(client.get(branch_url(branch, 2025)))
    assert "10月 不计" in text and "11月 未完成" in text and "第三季度 不计" in text


def test_reviewers_see_the_panel_without_the_record_button(client, county, carol):
    client.force_login(carol)
    text = panel(client.get(branch_url(county.branches["J"])))
    assert reverse("activities:activity_create") not in text


def test_a_year_outside_reason_falls_back_to_this_year(client, county, alice):
    client.force_login(alice)
    response = client.get(branch_url(county.branches["J"], "abc"))
    assert response.status_code == 200 and "三会一课" in panel(response)


def test_the_branch_panel_adds_a_fixed_number_of_queries(client, county, alice,
                                                         django_assert_max_num_queries):
    joint = county.branches["J"]
    client.force_login(alice)
    client.get(branch_url(joint, 2025))
    for index in range(60):
        ActivityFactory(branch=joint, kind=K.COMMITTEE_MEETING,
                        date=date(2025, 1 + index % 12, 1 + index // 12))
    with django_assert_max_num_queries(25):
        response = client.get(branch_url(joint, 2025))
    assert panel(response).count("activities/") >= 60


# Institution page -----------------------------------------------------------------------


def test_the_institution_page_lists_the_activities_counting_for_it(client, county, alice):
    joint = county.branches["J"]
    ActivityFactory(branch=joint, date=date(2025, 3, 9), title="加入前一天的活动")
    ActivityFactory(branch=joint, date=date(2025, 3, 10), title="加入当天的活动")
    ActivityFactory(branch=county.branches["S"], date=date(2025, 3, 10), title="别的支部")
    client.force_login(alice)
    text = panel(client.get(institution_url(county.institutions["I2"], 2025)))
    assert "加入当天的活动" in text and joint.name in text
    assert "加入前一天的活动" not in text and "别的支部" not in text
    assert "2025 年共 1 次" in text


def test_the_instructor_sees_the_panel_of_his_institution_without_branch_links(
        client, county, bob):
    ActivityFactory(branch=county.branches["J"], date=date(2025, 5, 20), title="五月主题党日")
    client.force_login(bob)
    text = panel(client.get(institution_url(county.institutions["I1"], 2025)))
    assert "五月主题党日" in text
    assert reverse("organisation:branch_detail", args=[county.branches["J"].pk]) not in text


def test_the_institution_panel_adds_a_fixed_number_of_queries(client, county, alice,
                                                              django_assert_max_num_queries):
    joint = county.branches["J"]
    for index in range(60):
        ActivityFactory(branch=joint, date=date(2025, 1 + index % 12, 1 + index // 12))
    client.force_login(alice)
    with django_assert_max_num_queries(25):
        response = client.get(institution_url(county.institutions["I1"], 2025))
    assert "2025 年共 60 次" in panel(response)


# The region's 三会一课 page -------------------------------------------------------------


@pytest.fixture
def idle_and_busy(committee_a, committee_b):
    idle = BranchFactory(name="懈怠党支部", committee=committee_a, founded_on=date(2020, 1, 1))
    busy = BranchFactory(name="勤勉党支部", committee=committee_a, founded_on=date(2020, 1, 1))
    for month in range(1, 13):
        ActivityFactory(branch=busy, kind=K.COMMITTEE_MEETING, date=date(2025, month, 5))
        ActivityFactory(branch=busy, kind=K.GROUP_MEETING, date=date(2025, month, 6))
    for month in (1, 4, 7, 10):
        ActivityFactory(branch=busy, kind=K.ASSEMBLY, date=date(2025, month, 10))
        ActivityFactory(branch=busy, kind=K.LECTURE, date=date(2025, month, 11))
    ActivityFactory(branch=busy, kind=K.LIFE_MEETING, date=date(2025, 12, 1))
    ActivityFactory(branch=busy, kind=K.APPRAISAL, date=date(2025, 12, 2))
    outside = BranchFactory(name="资阳区懈怠党支部", committee=committee_b,
                            founded_on=date(2020, 1, 1))
    return idle, busy, outside


@pytest.mark.parametrize("user_fixture", ["alice", "carol", "dave"])
def test_structure_readers_open_the_cadence_page(client, idle_and_busy, request, user_fixture):
    client.force_login(request.getfixturevalue(user_fixture))
    assert client.get(CADENCE).status_code == 200


def test_the_cadence_page_lists_only_branches_behind_in_the_users_regions(
        client, idle_and_busy, alice):
    idle, busy, outside = idle_and_busy
    client.force_login(alice)
    response = client.get(f"{CADENCE}?year=2025")
    behind = response.context["cadence"].behind
    assert [c.branch for c in behind] == [idle]
    assert [row.missing for row in behind[0].rows] == [4, 12, 12, 4, 1, 1]
    text = page_text(response)
    assert "懈怠党支部" in text and "勤勉党支部" not in text and "资阳区" not in text


def test_the_cadence_page_follows_the_rules_administrators_set(client, idle_and_busy, alice):
    CadenceRule.objects.exclude(kind="life_meeting").delete()
    client.force_login(alice)
    behind = client.get(f"{CADENCE}?year=2025").context["cadence"].behind
    assert [[row.missing for row in c.rows] for c in behind] == [[1]]


def test_the_outsider_sees_her_own_county_and_gets_404_for_a_region_outside_it(
        client, idle_and_busy, county_a, eve):
    client.force_login(eve)
    response = client.get(f"{CADENCE}?year=2025")
    assert [c.branch.name for c in response.context["cadence"].behind] == ["资阳区懈怠党支部"]
    assert client.get(f"{CADENCE}?year=2025&region={county_a.pk}").status_code == 404


def test_the_city_administrator_narrows_the_page_to_one_county(client, idle_and_busy,
                                                               county_b, dave):
    client.force_login(dave)
    response = client.get(f"{CADENCE}?year=2025&region={county_b.pk}")
    assert [c.branch.name for c in response.context["cadence"].behind] == ["资阳区懈怠党支部"]


def test_the_cadence_page_stays_within_a_fixed_number_of_queries(
        client, committee_a, alice, django_assert_max_num_queries):
    branches = [BranchFactory(committee=committee_a, founded_on=date(2020, 1, 1))
                for _ in range(55)]
    for index, branch in enumerate(branches):
        ActivityFactory(branch=branch, kind=K.COMMITTEE_MEETING, date=date(2025, 1 + index % 12, 5))
    client.force_login(alice)
    with django_assert_max_num_queries(10):
        response = client.get(f"{CADENCE}?year=2025")
    assert len(response.context["cadence"].behind) == 55
