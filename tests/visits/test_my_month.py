"""The instructor's home page, "my month": the four items of each assigned institution."""

from datetime import date

import pytest
from django.urls import reverse

from partybuild.visits.selectors import my_month
from tests.action_helpers import page_text
from tests.factories import AssignmentFactory, InstitutionFactory, InstructorFactory
from tests.factories_visits import HazardFactory, VisitFactory

from .conftest import TODAY

pytestmark = pytest.mark.usefixtures("frozen_today", "media_root")

HOME = reverse("home")


def visit(instructor, institution, day, *items):
    """A visit doing exactly the given items (each with its text)."""
    texts = {"lesson": "lesson_topic", "policy": "policy_text",
             "hazard_check": "hazard_check_text", "ledger": "ledger_text"}
    fields = {key: key in items for key in texts}
    fields.update({texts[key]: "已完成" for key in items})
    return VisitFactory(instructor=instructor, institution=institution, date=day, **fields)


def row_of(month, institution):
    return next(row for row in month.rows if row.institution == institution)


def done(row) -> list[str]:
    return [item.key for item in row.items if item.done]


def test_items_spread_over_two_visits_in_a_month_make_it_complete(client, bob, bob_at_a,
                                                                  institution_a):
    visit(bob.instructor, institution_a, date(2026, 11, 3), "lesson", "policy")
    visit(bob.instructor, institution_a, date(2026, 11, 17), "hazard_check", "ledger")
    client.force_login(bob)
    response = client.get(HOME)
    row = row_of(response.context["month"], institution_a)
    assert done(row) == ["lesson", "policy", "hazard_check", "ledger"]
    assert row.complete and row.visits == 2
    html = page_text(response)
    assert "本月已完成" in html
    assert "本月已完成“四个一”的机构：1 / 1" in html


def test_items_of_another_month_do_not_count(bob, bob_at_a, institution_a):
    visit(bob.instructor, institution_a, date(2026, 10, 31), "lesson", "policy", "ledger")
    visit(bob.instructor, institution_a, date(2026, 11, 3), "hazard_check")
    row = row_of(my_month(user=bob), institution_a)
    assert done(row) == ["hazard_check"]
    assert not row.complete and row.done_count == 1


def test_a_visit_by_the_previous_instructor_this_month_counts_for_the_institution(
        bob, institution_a):
    """SCORING.md counts every visit to the institution in the month, whoever made it."""
    predecessor = InstructorFactory(name="吴刚")
    AssignmentFactory(instructor=predecessor, institution=institution_a,
                      start=date(2022, 1, 1), end=date(2026, 11, 9))
    AssignmentFactory(instructor=bob.instructor, institution=institution_a,
                      start=date(2026, 11, 10))
    visit(predecessor, institution_a, date(2026, 11, 4), "lesson", "policy")
    visit(bob.instructor, institution_a, date(2026, 11, 12), "hazard_check", "ledger")
    assert row_of(my_month(user=bob), institution_a).complete


def test_an_incomplete_month_shows_what_is_left_and_a_big_record_button(client, bob, bob_at_a,
                                                                        institution_a):
    visit(bob.instructor, institution_a, date(2026, 11, 3), "lesson")
    client.force_login(bob)
    html = page_text(client.get(HOME))
    assert "已完成 1/4" in html
    create = reverse("visits:visit_create")
    assert (f'class="button primary big" href="{create}?institution={institution_a.pk}'
            f'&amp;date=2026-11-22"') in html
    assert "记录走访" in html


def test_after_todays_visit_the_button_opens_that_visit_instead_of_a_duplicate(
        client, bob, bob_at_a, institution_a):
    today = visit(bob.instructor, institution_a, TODAY, "lesson")
    client.force_login(bob)
    html = page_text(client.get(HOME))
    assert reverse("visits:visit_update", args=[today.pk]) in html
    assert "今天已记录，修改走访" in html


def test_only_institutions_assigned_today_are_listed(client, bob, bob_at_a, county_a):
    ended = InstitutionFactory(name="赫山区旧派驻培训学校", region=county_a)
    AssignmentFactory(instructor=bob.instructor, institution=ended,
                      start=date(2022, 1, 1), end=date(2026, 10, 31))
    client.force_login(bob)
    html = page_text(client.get(HOME))
    assert "赫山区阳光艺术培训学校" in html and "赫山区旧派驻培训学校" not in html
    # In October the ended assignment still held, so that month lists both.
    october = client.get(f"{HOME}?month=2026-10")
    assert {row.institution.name for row in october.context["month"].rows} == {
        "赫山区阳光艺术培训学校", "赫山区旧派驻培训学校"}


def test_the_month_switcher_goes_back_but_not_into_the_future(client, bob, bob_at_a,
                                                              institution_a):
    visit(bob.instructor, institution_a, date(2026, 10, 8), "lesson", "policy",
          "hazard_check", "ledger")
    client.force_login(bob)
    response = client.get(f"{HOME}?month=2026-10")
    month = response.context["month"]
    assert month.month == date(2026, 10, 1) and not month.is_current
    assert row_of(month, institution_a).complete
    html = page_text(response)
    assert "2026 年 10 月" in html
    assert "?month=2026-09" in html and "?month=2026-11" in html
    # Past months are for reading: no record button.
    assert reverse("visits:visit_create") not in html
    current = client.get(HOME).context["month"]
    assert current.next is None
    assert client.get(f"{HOME}?month=2027-03").context["month"].month == date(2026, 11, 1)
    assert client.get(f"{HOME}?month=garbage").context["month"].month == date(2026, 11, 1)


def test_a_closed_institution_gets_no_record_button(client, bob, county_a):
    closed = InstitutionFactory(name="赫山区停办培训学校", region=county_a,
                                closed_on=date(2026, 11, 10))
    AssignmentFactory(instructor=bob.instructor, institution=closed, start=date(2022, 1, 1))
    client.force_login(bob)
    html = page_text(client.get(HOME))
    assert "赫山区停办培训学校" in html and "已停办" in html
    assert f"?institution={closed.pk}" not in html


def test_the_instructor_sees_their_open_due_and_overdue_hazards(client, bob, bob_at_a,
                                                                institution_a):
    HazardFactory(institution=institution_a, instructor=bob.instructor,
                  deadline=date(2026, 11, 20))
    HazardFactory(institution=institution_a, instructor=bob.instructor,
                  deadline=date(2026, 11, 25))
    HazardFactory(institution=institution_a, instructor=bob.instructor,
                  deadline=date(2026, 12, 20))
    client.force_login(bob)
    hazards = client.get(HOME).context["month"].hazards
    assert (hazards.open, hazards.due_soon, hazards.overdue) == (3, 1, 1)


def test_an_instructor_with_no_assignment_is_told_whom_to_ask(client, bob):
    client.force_login(bob)
    html = page_text(client.get(HOME))
    assert "您今天没有派驻的机构" in html and "核对派驻记录" in html


def test_my_month_takes_the_same_number_of_queries_for_1_or_30_institutions(
        client, bob, bob_at_a, institution_a, county_a, django_assert_num_queries):
    client.force_login(bob)
    visit(bob.instructor, institution_a, date(2026, 11, 3), "lesson")
    # One of them is the header bell's unread count (notifications), on every page; the
    # user's region comes with the user.
    with django_assert_num_queries(6) as one:
        client.get(HOME)
    for n in range(30):
        institution = InstitutionFactory(region=county_a)
        AssignmentFactory(instructor=bob.instructor, institution=institution)
        visit(bob.instructor, institution, date(2026, 11, 1 + n % 20), "lesson", "ledger")
        HazardFactory(institution=institution, instructor=bob.instructor)
    with django_assert_num_queries(len(one.captured_queries)):
        response = client.get(HOME)
    assert len(response.context["month"].rows) == 31
