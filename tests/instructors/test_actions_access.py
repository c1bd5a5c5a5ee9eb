"""Who may open and submit the instructor actions: staff only, and only in their county."""

from datetime import date

import pytest
from django.urls import reverse

from partybuild.instructors.models import Assignment
from tests.action_helpers import confirm
from tests.factories import AssignmentFactory, InstructorFactory

ACTIONS = [
    ("instructor_create", None),
    ("instructor_update", "instructor"),
    ("assignment_create", None),
    ("assignment_end", "assignment"),
    ("assignment_reassign", "institution"),
]
OBJECT_ACTIONS = [action for action in ACTIONS if action[1] is not None]


@pytest.fixture
def county_a_records(county_a, institution_a):
    instructor = InstructorFactory(name="刘洋", region=county_a)
    return {
        "instructor": instructor,
        "institution": institution_a,
        "assignment": AssignmentFactory(instructor=instructor, institution=institution_a,
                                        start=date(2022, 1, 1)),
    }


def url_for(name, target, records):
    args = [records[target].pk] if target else []
    return reverse(f"instructors:{name}", args=args)


@pytest.mark.parametrize(("name", "target"), ACTIONS)
def test_committee_staff_can_open_every_action(client, alice, county_a_records, name, target):
    client.force_login(alice)
    assert client.get(url_for(name, target, county_a_records)).status_code == 200


@pytest.mark.parametrize(("name", "target"), ACTIONS)
@pytest.mark.parametrize("who", ["carol", "bob"])
def test_reviewers_and_instructors_are_forbidden(client, request, county_a_records, who,
                                                 name, target):
    client.force_login(request.getfixturevalue(who))
    url = url_for(name, target, county_a_records)
    assert client.get(url).status_code == 403
    assert confirm(client, url, {"on": "2024-03-01"}).status_code == 403


@pytest.mark.parametrize(("name", "target"), ACTIONS)
def test_anonymous_visitors_are_sent_to_login(client, county_a_records, name, target):
    response = client.get(url_for(name, target, county_a_records))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


@pytest.mark.parametrize(("name", "target"), OBJECT_ACTIONS)
def test_the_outsider_gets_not_found_for_county_a_records(client, eve, county_a_records,
                                                          name, target):
    client.force_login(eve)
    url = url_for(name, target, county_a_records)
    assert client.get(url).status_code == 404
    assert confirm(client, url, {"on": "2024-03-01"}).status_code == 404
    assert Assignment.objects.get().end is None


def test_the_outsider_cannot_assign_to_a_county_a_institution(client, eve, county_b,
                                                             county_a_records):
    own = InstructorFactory(name="赵刚", region=county_b)
    client.force_login(eve)
    response = confirm(client, reverse("instructors:assignment_create"), {
        "instructor": own.pk, "institution": county_a_records["institution"].pk,
        "start": "2024-03-01", "end": ""})
    assert "institution" in response.context["form"].errors
    assert Assignment.objects.count() == 1
