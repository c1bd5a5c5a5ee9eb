"""The home page: structure figures for staff, reviewers, admins; institutions for instructors."""

from datetime import date

import pytest
from django.urls import reverse

from partybuild.organisation.selectors import region_structure_figures, structure_figures
from tests.factories import AssignmentFactory, InstitutionFactory
from tests.pages_data import EXPECTED_FIGURES, build_county

DAY = date(2024, 6, 15)


@pytest.fixture
def county(county_a, committee_a):
    return build_county(county_a, committee_a)


@pytest.fixture
def other_county(county_b, committee_b):
    return build_county(county_b, committee_b)


def figures_as_dict(figures):
    return {key: getattr(figures, key) for key in EXPECTED_FIGURES}


def test_structure_figures_of_the_constructed_county_are_exact(county, other_county, alice):
    assert figures_as_dict(structure_figures(user=alice, day=DAY)) == EXPECTED_FIGURES


def test_the_city_administrator_sees_both_counties_added_up(county, other_county, dave):
    doubled = {key: value * 2 for key, value in EXPECTED_FIGURES.items()}
    assert figures_as_dict(structure_figures(user=dave, day=DAY)) == doubled


def test_coverage_rate_is_covered_over_operating_as_a_percentage(county, alice):
    assert str(structure_figures(user=alice, day=DAY).coverage_rate) == "66.7"


def test_figures_before_the_dissolution_count_the_dissolved_branch(county, county_a):
    figures = region_structure_figures(path=county_a.path, day=date(2023, 3, 1))
    # On 2023-03-01 D1 still exists with its secretary and covers I6; I5 still operates
    # (covered by J1, assigned to 郑洁); m4 has already left J1; I4 is not yet suspended.
    assert figures.joint_branches == 2
    assert figures.secretaries == 3
    assert figures.institutions == 7
    assert figures.covered_institutions == 6
    assert figures.party_members == 10
    assert figures.instructors == 3
    assert figures.paired_branches == 3 and figures.paired_school_branches == 3


def test_structure_figures_take_a_constant_number_of_queries(county, county_a,
                                                             django_assert_num_queries):
    with django_assert_num_queries(5):
        region_structure_figures(path=county_a.path, day=DAY)


def test_a_user_without_a_region_gets_zero_figures_without_querying(db, django_assert_num_queries):
    from tests.factories import UserFactory

    nobody = UserFactory(username="nobody", region=None)
    with django_assert_num_queries(0):
        figures = structure_figures(user=nobody, day=DAY)
    assert figures.institutions == 0 and figures.coverage_rate is None


def test_staff_home_shows_the_figures_with_links_to_the_filtered_lists(client, county, alice):
    client.force_login(alice)
    response = client.get(reverse("home"))
    assert response.status_code == 200
    figures = response.context["figures"]
    # Today is after every date in the constructed county, so today's figures are the same.
    assert figures_as_dict(figures) == EXPECTED_FIGURES
    html = response.content.decode()
    assert "66.7%" in html
    assert reverse("organisation:institution_list") + "?status=open&amp;instructor=no" in html
    assert reverse("coverage_gaps") in html


@pytest.mark.parametrize("user_fixture", ["carol", "dave"])
def test_reviewers_and_admins_also_get_the_figures(client, county, request, user_fixture):
    client.force_login(request.getfixturevalue(user_fixture))
    response = client.get(reverse("home"))
    assert response.status_code == 200
    assert response.context["figures"].institutions >= EXPECTED_FIGURES["institutions"]


def test_the_outsider_sees_only_her_own_county_figures(client, county, eve):
    client.force_login(eve)
    response = client.get(reverse("home"))
    assert response.context["figures"].institutions == 0


def test_instructor_home_lists_the_institutions_assigned_today(client, bob, county_a):
    today_institution = InstitutionFactory(name="赫山区博雅培训学校", region=county_a)
    past_institution = InstitutionFactory(name="赫山区旧派驻培训学校", region=county_a)
    AssignmentFactory(instructor=bob.instructor, institution=today_institution)
    AssignmentFactory(instructor=bob.instructor, institution=past_institution,
                      start=date(2021, 1, 1), end=date(2021, 12, 31))
    client.force_login(bob)
    response = client.get(reverse("home"))
    assert response.status_code == 200
    html = response.content.decode()
    assert "赫山区博雅培训学校" in html
    assert "赫山区旧派驻培训学校" not in html
    assert "figures" not in response.context


def test_anonymous_visitors_are_sent_to_login(client, db):
    response = client.get(reverse("home"))
    assert response.status_code == 302
    assert response.url.startswith(reverse("login"))


def test_every_figure_card_links_to_a_list_with_that_many_rows(client, county, other_county,
                                                               alice):
    client.force_login(alice)
    figures = client.get(reverse("home")).context["figures"]
    links = {
        reverse("organisation:institution_list") + "?status=open": figures.institutions,
        reverse("organisation:member_list") + "?current=yes": figures.party_members,
        reverse("organisation:branch_list") + "?kind=joint&active=yes": figures.joint_branches,
        reverse("organisation:branch_list") + "?kind=standalone&active=yes":
            figures.standalone_branches,
        reverse("organisation:branch_list") + "?active=yes&secretary=yes": figures.secretaries,
        reverse("instructors:instructor_list") + "?on_duty=yes": figures.instructors,
        reverse("organisation:institution_list") + "?status=open&covered=yes":
            figures.covered_institutions,
        reverse("organisation:institution_list") + "?status=open&instructor=no":
            figures.institutions_without_instructor,
    }
    html = client.get(reverse("home")).content.decode()
    for url, expected in links.items():
        assert url.replace("&", "&amp;") in html
        assert client.get(url).context["table"].paginator.count == expected, url


@pytest.mark.parametrize("url_name", ["home", "coverage_gaps", "organisation:institution_list",
                                      "organisation:branch_list", "organisation:member_list",
                                      "organisation:pairing_list", "instructors:instructor_list"])
def test_pages_fit_a_phone_screen(client, county, alice, url_name):
    """At 375 px wide tables must scroll inside a wrapper and nothing may set a fixed width."""
    client.force_login(alice)
    html = client.get(reverse(url_name)).content.decode()
    assert 'name="viewport" content="width=device-width' in html
    assert html.count("<table") == html.count('<div class="table-wrap">')
    assert "width:" not in html.split("<body")[1].replace(" ", "")


def test_detail_pages_fit_a_phone_screen(client, county, alice):
    client.force_login(alice)
    for url in (reverse("organisation:institution_detail", args=[county.institutions["I1"].pk]),
                reverse("organisation:branch_detail", args=[county.branches["J1"].pk]),
                reverse("organisation:member_detail", args=[county.members["m1"].pk]),
                reverse("instructors:instructor_detail", args=[county.instructors["X1"].pk])):
        html = client.get(url).content.decode()
        assert html.count("<table") == html.count('<div class="table-wrap">') > 0, url
        assert "width:" not in html.split("<body")[1].replace(" ", ""), url
