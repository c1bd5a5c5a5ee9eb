"""The instructor list (caseload today) and the instructor detail page."""

import csv
import io
from datetime import date

import pytest
from django.urls import reverse

from partybuild.instructors.services import assignment_reassign
from tests.factories import AssignmentFactory, InstitutionFactory, InstructorFactory
from tests.pages_data import build_county

LIST = reverse("instructors:instructor_list")


@pytest.fixture
def county(county_a, committee_a):
    return build_county(county_a, committee_a)


@pytest.fixture
def other_county(county_b, committee_b):
    return build_county(county_b, committee_b)


def rows_by_name(response) -> dict:
    return {row.record.name: row.record for row in response.context["table"].paginated_rows}


def detail_url(instructor) -> str:
    return reverse("instructors:instructor_detail", args=[instructor.pk])


@pytest.mark.parametrize("user_fixture", ["alice", "carol", "dave"])
def test_structure_readers_open_the_list_and_a_detail(client, county, request, user_fixture):
    client.force_login(request.getfixturevalue(user_fixture))
    assert client.get(LIST).status_code == 200
    assert client.get(detail_url(county.instructors["X1"])).status_code == 200


def test_the_outsider_sees_no_county_a_instructor_and_gets_404_for_one(client, county,
                                                                      other_county, eve):
    client.force_login(eve)
    assert all(name.startswith("资阳区") for name in rows_by_name(client.get(LIST)))
    assert client.get(detail_url(county.instructors["X1"])).status_code == 404


def test_an_instructor_opens_only_their_own_page(client, county, bob):
    client.force_login(bob)
    assert client.get(LIST).status_code == 403
    assert client.get(detail_url(bob.instructor)).status_code == 200
    assert client.get(detail_url(county.instructors["X1"])).status_code == 403


def test_anonymous_visitors_are_sent_to_login(client, county):
    for url in (LIST, detail_url(county.instructors["X1"])):
        response = client.get(url)
        assert response.status_code == 302 and response.url.startswith(reverse("login"))


def test_the_list_shows_todays_caseload(client, county, alice):
    client.force_login(alice)
    rows = rows_by_name(client.get(LIST))
    assert rows["赫山区周敏"].caseload == 2
    assert rows["赫山区吴刚"].caseload == 2
    assert rows["赫山区郑洁"].caseload == 0  # only an ended assignment
    on_duty = rows_by_name(client.get(f"{LIST}?on_duty=yes"))
    assert set(on_duty) == {"赫山区周敏", "赫山区吴刚"}
    assert set(rows_by_name(client.get(f"{LIST}?on_duty=no"))) == {"赫山区郑洁"}


def test_the_caseload_counts_only_institutions_in_the_viewers_regions(client, county,
                                                                      county_b, alice, dave):
    AssignmentFactory(instructor=county.instructors["X1"],
                      institution=InstitutionFactory(region=county_b))
    client.force_login(alice)
    assert rows_by_name(client.get(LIST))["赫山区周敏"].caseload == 2
    client.force_login(dave)
    assert rows_by_name(client.get(LIST))["赫山区周敏"].caseload == 3


def test_detail_lists_assignments_and_the_reassignment_timeline(client, county, alice):
    assignment_reassign(acting_user=alice, institution=county.institutions["I1"],
                        instructor=county.instructors["X3"], on=date(2024, 5, 1))
    client.force_login(alice)
    detail = client.get(detail_url(county.instructors["X3"])).context["detail"]
    assert [(a.institution.name, a.end) for a in detail.assignments] == [
        ("赫山区明德培训学校", None), ("赫山区已停办培训学校", date(2023, 8, 31))]
    assert (detail.timeline[0].action, detail.timeline[0].target,
            detail.timeline[0].user) == ("新增", "赫山区明德培训学校", "张丽")
    previous = client.get(detail_url(county.instructors["X1"])).context["detail"]
    ended = [a for a in previous.assignments if a.institution.name == "赫山区明德培训学校"]
    assert ended[0].end == date(2024, 4, 30)


@pytest.fixture
def sixty(county_a):
    for n in range(60):
        instructor = InstructorFactory(name=f"指导员{n:02d}", region=county_a)
        AssignmentFactory(instructor=instructor, institution__region=county_a)


def test_the_list_takes_a_constant_number_of_queries(client, sixty, alice,
                                                     django_assert_max_num_queries):
    client.force_login(alice)
    with django_assert_max_num_queries(9):
        response = client.get(LIST)
    assert len(response.context["table"].paginated_rows) == 50


def test_csv_export_has_all_rows_with_the_caseload(client, sixty, alice):
    client.force_login(alice)
    text = client.get(f"{LIST}?_export=csv").content.decode("utf-8")
    table = list(csv.reader(io.StringIO(text.lstrip("\ufeff"))))
    assert table[0][-1] == "今日负责机构数"
    assert len(table) == 61 and {row[-1] for row in table[1:]} == {"1"}
    assert table[1][2] == "公办学校"
