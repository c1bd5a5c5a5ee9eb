"""The visits panel on the institution page, the admin pages and the scoping functions."""

from datetime import date

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from partybuild.accounts.models import User
from partybuild.visits import services
from partybuild.visits.scoping import clues_visible_to, hazards_visible_to, visits_visible_to
from tests.action_helpers import page_text
from tests.factories import AssignmentFactory, InstructorFactory, UserFactory
from tests.factories_visits import ClueFactory, HazardFactory, VisitFactory, lesson_photo

pytestmark = pytest.mark.usefixtures("frozen_today", "media_root")


def institution_url(institution) -> str:
    return reverse("organisation:institution_detail", args=[institution.pk])


@pytest.fixture
def records(bob, frank, bob_at_a, institution_a, institution_b):
    """At institution A: a visit of bob and one of frank (before bob), a hazard, a clue."""
    AssignmentFactory(instructor=frank.instructor, institution=institution_a,
                      start=date(2020, 1, 1), end=date(2021, 12, 31))
    other = InstructorFactory(name="钱多")
    AssignmentFactory(instructor=other, institution=institution_b)
    return {
        "bob": VisitFactory(instructor=bob.instructor, institution=institution_a,
                            date=date(2026, 11, 5), lesson_topic="党史学习", policy=True,
                            policy_text="双减政策"),
        "frank": VisitFactory(instructor=frank.instructor, institution=institution_a,
                              date=date(2021, 6, 1), lesson_topic="周峰讲的党课"),
        "b": VisitFactory(instructor=other, institution=institution_b),
        "hazard": HazardFactory(institution=institution_a, instructor=bob.instructor,
                                description="灭火器过期未更换"),
        "clue": ClueFactory(institution=institution_a, instructor=bob.instructor,
                            description="疑似违规开设学科类课程"),
    }


# The institution page's panel -------------------------------------------------------------


def test_the_institution_page_shows_its_visits_hazards_and_clues(client, alice, records,
                                                                 institution_a):
    client.force_login(alice)
    html = page_text(client.get(institution_url(institution_a)))
    assert "走访、隐患与线索" in html
    assert reverse("visits:visit_detail", args=[records["bob"].pk]) in html
    assert reverse("visits:visit_detail", args=[records["frank"].pk]) in html
    assert "灭火器过期未更换" in html and "疑似违规开设学科类课程" in html
    assert f"{reverse('visits:visit_create')}?institution={institution_a.pk}" in html
    assert "代指导员录入走访" in html
    # November so far: a lesson and a policy talk, not yet complete.
    panel_month = html.split("“四个一”：")[1].split("</p>")[0]
    assert panel_month.count("badge ok") == 2


def test_an_instructor_sees_only_their_own_visits_in_the_panel(client, bob, records,
                                                               institution_a):
    client.force_login(bob)
    html = page_text(client.get(institution_url(institution_a)))
    assert reverse("visits:visit_detail", args=[records["bob"].pk]) in html
    assert reverse("visits:visit_detail", args=[records["frank"].pk]) not in html


def test_a_reviewer_sees_the_panel_without_record_buttons(client, carol, records,
                                                          institution_a):
    client.force_login(carol)
    html = page_text(client.get(institution_url(institution_a)))
    assert "灭火器过期未更换" in html
    assert reverse("visits:visit_create") not in html


def test_the_panel_takes_the_same_queries_however_many_records(client, alice, bob, records,
                                                               institution_a,
                                                               django_assert_num_queries):
    client.force_login(alice)
    with CaptureQueriesContext(connection) as few:
        client.get(institution_url(institution_a))
    for day in range(1, 21):
        VisitFactory(instructor=bob.instructor, institution=institution_a,
                     date=date(2026, 10, day))
        HazardFactory(institution=institution_a, instructor=bob.instructor)
        ClueFactory(institution=institution_a, instructor=bob.instructor)
    with django_assert_num_queries(len(few.captured_queries)):
        response = client.get(institution_url(institution_a))
    panel = response.context["panel"]
    # Bounded: the five latest visits, the ten most urgent open hazards, five latest clues.
    assert [v.date for v in panel.visits] == [date(2026, 11, 5)] + [
        date(2026, 10, day) for day in (20, 19, 18, 17)]
    assert len(panel.open_hazards) == 10 and len(panel.clues) == 5


# Admin ------------------------------------------------------------------------------------


@pytest.fixture
def county_b_admin(county_b):
    return UserFactory(username="zy_admin", role=User.Role.ADMIN, region=county_b,
                       is_staff=True)


@pytest.mark.parametrize("model", ["visit", "hazard", "clue", "hazardevidence"])
def test_admins_read_the_records_of_their_regions_only(client, dave, county_b_admin, records,
                                                       model):
    url = reverse(f"admin:visits_{model}_changelist")
    client.force_login(dave)
    assert client.get(url).status_code == 200
    client.force_login(county_b_admin)
    response = client.get(url)
    assert response.status_code == 200
    assert "赫山区阳光艺术培训学校" not in page_text(response)


def test_the_admin_lists_visits_with_search(client, dave, records):
    client.force_login(dave)
    response = client.get(reverse("admin:visits_visit_changelist") + "?q=阳光艺术")
    assert {row.pk for row in response.context["cl"].result_list} == {
        records["bob"].pk, records["frank"].pk}


def test_admin_evidence_links_go_through_the_scoped_download(client, dave, bob, records):
    visit = records["bob"]
    services.visit_evidence_add(acting_user=bob, visit=visit, files=[lesson_photo()])
    client.force_login(dave)
    response = client.get(reverse("admin:visits_visit_change", args=[visit.pk]))
    html = page_text(response)
    evidence = visit.evidence.get()
    assert reverse("visits:visit_evidence_download", args=[evidence.pk]) in html
    assert "/media/" not in html
    # Records are changed through the pages, whose services check every date.
    assert not response.context["has_change_permission"]


def test_the_admin_cannot_open_a_visit_of_another_county(client, county_b_admin, records):
    client.force_login(county_b_admin)
    url = reverse("admin:visits_visit_change", args=[records["bob"].pk])
    assert client.get(url).status_code in (302, 404)
    history = reverse("admin:visits_visit_history", args=[records["bob"].pk])
    assert client.get(history).status_code == 404


# Scoping ----------------------------------------------------------------------------------


def test_instructors_see_only_their_own_records(bob, frank, records):
    assert set(visits_visible_to(bob)) == {records["bob"]}
    assert set(visits_visible_to(frank)) == {records["frank"]}
    assert set(hazards_visible_to(bob)) == {records["hazard"]}
    assert set(hazards_visible_to(frank)) == set()
    assert set(clues_visible_to(bob)) == {records["clue"]}


def test_staff_and_reviewers_see_their_county_and_admins_the_city(alice, carol, dave, eve,
                                                                  records):
    county_a_visits = {records["bob"], records["frank"]}
    assert set(visits_visible_to(alice)) == county_a_visits
    assert set(visits_visible_to(carol)) == county_a_visits
    assert set(visits_visible_to(dave)) == county_a_visits | {records["b"]}
    assert set(visits_visible_to(eve)) == {records["b"]}
    assert set(hazards_visible_to(eve)) == set() and set(clues_visible_to(eve)) == set()


def test_anonymous_and_regionless_users_see_nothing(db, records):
    from django.contrib.auth.models import AnonymousUser

    nobody = UserFactory(username="nobody", region=None)
    for user in (AnonymousUser(), nobody):
        assert not visits_visible_to(user).exists()
        assert not hazards_visible_to(user).exists()
        assert not clues_visible_to(user).exists()
