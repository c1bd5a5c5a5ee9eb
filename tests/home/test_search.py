"""The header search: one box for institutions, branches, members and instructors, scoped to
the user, answering as you type (JSON) and on its own page (without JavaScript)."""

from datetime import date

import pytest
from django.urls import reverse

from tests.factories import (
    AssignmentFactory,
    BranchFactory,
    InstitutionFactory,
    InstructorFactory,
    MemberFactory,
    MembershipFactory,
)


@pytest.fixture
def both_counties(county_a, county_b, committee_a, committee_b, institution_a, institution_b):
    """The same kinds of record, all with 阳光 in the name, in each county."""
    branch_a = BranchFactory(name="赫山区阳光联合党支部", committee=committee_a,
                             founded_on=date(2021, 1, 1))
    branch_b = BranchFactory(name="资阳区阳光联合党支部", committee=committee_b,
                             founded_on=date(2021, 1, 1))
    MembershipFactory(branch=branch_a, member=MemberFactory(name="阳光甲"),
                      start=date(2022, 1, 1))
    MembershipFactory(branch=branch_b, member=MemberFactory(name="阳光乙"),
                      start=date(2022, 1, 1))
    InstructorFactory(name="阳光丙", region=county_a)
    InstructorFactory(name="阳光丁", region=county_b)
    InstitutionFactory(name="资阳区阳光舞蹈培训学校", region=county_b)
    return branch_a, branch_b


def suggest(client, query):
    response = client.get(reverse("search_suggest"), {"q": query})
    assert response.status_code == 200
    return {group["title"]: [hit["label"] for hit in group["hits"]]
            for group in response.json()["groups"]}


def test_staff_find_every_kind_of_record_of_their_county_and_nothing_of_another(
        client, alice, both_counties):
    client.force_login(alice)
    found = suggest(client, "阳光")
    assert found == {
        "培训机构": ["赫山区阳光艺术培训学校"],
        "党支部": ["赫山区阳光联合党支部"],
        "党员": ["阳光甲"],
        "党建指导员": ["阳光丙"],
    }


def test_the_other_countys_staff_see_only_their_own_records(client, eve, both_counties):
    client.force_login(eve)
    found = suggest(client, "阳光")
    assert found["培训机构"] == ["资阳区阳光舞蹈培训学校"]
    assert found["党支部"] == ["资阳区阳光联合党支部"]
    assert found["党员"] == ["阳光乙"]
    assert found["党建指导员"] == ["阳光丁"]


def test_the_city_administrator_finds_both_counties(client, dave, both_counties):
    client.force_login(dave)
    found = suggest(client, "阳光联合")
    assert found == {"党支部": ["资阳区阳光联合党支部", "赫山区阳光联合党支部"]}


def test_an_institution_is_found_by_the_start_of_its_credit_code(client, alice,
                                                                 institution_a, institution_b):
    client.force_login(alice)
    found = suggest(client, institution_a.credit_code[:12])
    assert found == {"培训机构": [institution_a.name]}


def test_an_instructor_finds_only_the_institutions_assigned_to_them(client, bob, county_a,
                                                                    both_counties):
    assigned = InstitutionFactory(name="赫山区阳光书法培训中心", region=county_a)
    AssignmentFactory(instructor=bob.instructor, institution=assigned, start=date(2022, 1, 1))
    client.force_login(bob)
    assert suggest(client, "阳光") == {"培训机构": ["赫山区阳光书法培训中心"]}


def test_the_results_page_links_each_hit_and_works_without_javascript(client, alice,
                                                                     both_counties):
    branch_a, _ = both_counties
    client.force_login(alice)
    response = client.get(reverse("search"), {"q": "阳光"})
    text = response.content.decode()
    assert reverse("organisation:branch_detail", args=[branch_a.pk]) in text
    assert "资阳区" not in text.split("<main", 1)[1]


def test_a_search_for_nothing_found_says_so(client, alice, both_counties):
    client.force_login(alice)
    response = client.get(reverse("search"), {"q": "不存在的名字"})
    assert "没有找到与“不存在的名字”相关的记录。" in response.content.decode()


@pytest.mark.parametrize("query", ["", "   ", "%", "_", "'; drop table", "x" * 500, "\x00"])
def test_any_query_answers_without_error(client, alice, both_counties, query):
    client.force_login(alice)
    assert client.get(reverse("search"), {"q": query}).status_code == 200
    assert client.get(reverse("search_suggest"), {"q": query}).status_code == 200


def test_the_search_box_is_in_the_header_of_every_signed_in_page(client, alice):
    client.force_login(alice)
    text = client.get(reverse("home")).content.decode()
    assert 'class="site-search"' in text and 'name="q"' in text


def test_the_suggestions_take_a_bounded_number_of_queries(client, alice, committee_a,
                                                          county_a,
                                                          django_assert_max_num_queries):
    for n in range(30):
        InstitutionFactory(name=f"赫山区阳光培训学校{n}", region=county_a)
        MembershipFactory(branch=BranchFactory(name=f"阳光支部{n}", committee=committee_a,
                                               founded_on=date(2021, 1, 1)),
                          member=MemberFactory(name=f"阳光{n}"), start=date(2022, 1, 1))
    client.force_login(alice)
    with django_assert_max_num_queries(10):
        client.get(reverse("search_suggest"), {"q": "阳光"})
