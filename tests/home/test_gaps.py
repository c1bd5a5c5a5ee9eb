"""The coverage-gaps page lists exactly the gaps of the user's regions today."""

from datetime import date

import pytest
from django.urls import reverse

from partybuild.organisation.selectors import coverage_gaps
from tests.factories import CoverageFactory
from tests.pages_data import build_county

GAPS = reverse("coverage_gaps")
DAY = date(2024, 6, 15)


@pytest.fixture
def county(county_a, committee_a):
    return build_county(county_a, committee_a)


@pytest.fixture
def other_county(county_b, committee_b):
    return build_county(county_b, committee_b)


def test_the_selector_finds_exactly_the_four_kinds_of_gap(county, other_county, alice):
    gaps = coverage_gaps(user=alice, day=DAY)
    assert {i.name for i in gaps.uncovered} == {"赫山区创客科技培训学校", "赫山区书香培训学校"}
    assert {i.name for i in gaps.without_instructor} == {"赫山区创客科技培训学校",
                                                         "赫山区启航培训学校"}
    assert [b.name for b in gaps.small_standalone] == ["赫山区启航党支部"]
    assert [b.name for b in gaps.without_secretary] == ["赫山区启航党支部"]
    assert gaps.total == 6


def test_a_branch_lapsed_coverage_points_back_to_the_branch(county, alice):
    institution = county.institutions["I4"]
    CoverageFactory(branch=county.branches["J1"], institution=institution,
                    start=date(2022, 1, 1), end=date(2023, 12, 31))
    gaps = coverage_gaps(user=alice, day=DAY)
    lapsed = next(i for i in gaps.uncovered if i.pk == institution.pk)
    assert lapsed.last_branch_pk == county.branches["J1"].pk
    # I6 was covered by a branch that is dissolved now: no branch to point back to.
    dissolved = next(i for i in gaps.uncovered if i.pk == county.institutions["I6"].pk)
    assert dissolved.last_branch_pk is None


def test_the_page_shows_each_gap_with_a_link_to_fix_it(client, county, alice):
    client.force_login(alice)
    response = client.get(GAPS)
    assert response.status_code == 200
    html = response.content.decode()
    i4, i8, s2 = county.institutions["I4"], county.institutions["I8"], county.branches["S2"]
    assert reverse("organisation:institution_detail", args=[i4.pk]) in html
    assert f'{reverse("instructors:assignment_create")}?institution={i8.pk}' in html
    assert reverse("organisation:secretary_set", args=[s2.pk]) in html
    assert reverse("organisation:branch_detail", args=[s2.pk]) in html
    assert "共 6 处缺口" in html


def test_reviewers_see_the_gaps_without_edit_links(client, county, carol):
    client.force_login(carol)
    response = client.get(GAPS)
    assert response.status_code == 200
    assert reverse("organisation:secretary_set", args=[county.branches["S2"].pk]) \
        not in response.content.decode()


def test_the_outsider_sees_only_her_county_gaps(client, county, other_county, eve):
    client.force_login(eve)
    html = client.get(GAPS).content.decode().split("<main")[1]
    assert "资阳区启航党支部" in html and "赫山区" not in html


def test_instructors_are_refused(client, bob):
    client.force_login(bob)
    assert client.get(GAPS).status_code == 403


def test_anonymous_visitors_are_sent_to_login(client, db):
    response = client.get(GAPS)
    assert response.status_code == 302 and response.url.startswith(reverse("login"))


def test_a_complete_structure_shows_no_gaps(client, alice, county_a):
    client.force_login(alice)
    html = client.get(GAPS).content.decode()
    assert "所有在办机构都已被支部覆盖" in html and "所有存续支部都有书记" in html


def test_the_page_takes_a_constant_number_of_queries(client, county, alice,
                                                     django_assert_max_num_queries):
    client.force_login(alice)
    # Ten for the page and its data-quality lists, one for the header's unread-reminder count.
    with django_assert_max_num_queries(11):
        assert client.get(GAPS).status_code == 200


def test_the_data_quality_lists_appear_once_and_not_in_the_window_title(client, county, alice):
    client.force_login(alice)
    html = client.get(GAPS).content.decode()
    assert "<title>覆盖缺口 · partybuild</title>" in html
    assert html.count('id="without-branch"') == 1
    assert html.count('id="ending-soon"') == 1
