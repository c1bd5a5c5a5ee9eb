"""The header's navigation is rendered once per kind of page and reader, then reused: what is
personal in the header (the unread-message bell, the name) must still be each reader's own."""

from datetime import date

import pytest
from django.conf import settings
from django.urls import reverse
from django.utils import timezone, translation

from partybuild.notifications.models import Notification

pytestmark = pytest.mark.django_db


def unread(user, n: int) -> None:
    for i in range(n):
        Notification.objects.create(recipient=user, day=date(2026, 11, 24),
                                    title=f"工作提醒 {i}", read_at=None)
    Notification.objects.create(recipient=user, day=date(2026, 11, 24), title="已读",
                                read_at=timezone.now())


def header(client, user, url="home") -> str:
    client.force_login(user)
    page = client.get(reverse(url)).content.decode()
    return page[page.index('<header class="site-header">'):page.index("</header>")]


def bell(count: int) -> str:
    return f'</svg><span class="badge bad">{count}</span></a>'


def test_two_staff_users_of_one_role_see_their_own_bell_and_name(client, alice, eve):
    unread(alice, 2)
    unread(eve, 5)
    for _ in range(2):  # the second round reads the kept nav
        alice_header = header(client, alice)
        assert bell(2) in alice_header and bell(5) not in alice_header
        assert "张丽" in alice_header and "赵燕" not in alice_header
        eve_header = header(client, eve)
        assert bell(5) in eve_header and bell(2) not in eve_header
        assert "赵燕" in eve_header and "张丽" not in eve_header


def test_a_reader_without_unread_messages_sees_no_count_after_one_who_has_them(
        client, alice, eve):
    unread(alice, 3)
    assert bell(3) in header(client, alice)
    assert '<span class="badge bad">' not in header(client, eve)


def test_each_role_and_page_gets_its_own_links(client, alice, bob, carol, dave):
    staff = header(client, alice)
    assert reverse("imports:index") in staff
    assert f'<a href="{reverse("home")}" aria-current="page">' in staff
    # Another page: the current link moves.
    grid = header(client, alice, "visits:completeness")
    assert f'<a href="{reverse("visits:completeness")}" aria-current="page">' in grid
    assert f'<a href="{reverse("home")}" aria-current="page">' not in grid
    # A reviewer has no import link; an instructor sees their own record; the admin the admin.
    assert reverse("imports:index") not in header(client, carol)
    instructor = header(client, bob)
    assert reverse("instructors:instructor_detail", args=[bob.instructor.pk]) in instructor
    assert reverse("organisation:branch_list") not in instructor
    assert reverse("admin:index") in header(client, dave)
    assert reverse("admin:index") not in header(client, alice)


@pytest.fixture
def back_to_chinese():
    """A request in English leaves English active in this thread: later tests expect Chinese."""
    yield
    translation.activate(settings.LANGUAGE_CODE)


def test_the_nav_follows_the_language(client, alice, back_to_chinese):
    chinese = header(client, alice)
    client.cookies["django_language"] = "en"
    english = header(client, alice)
    assert "培训机构</a>" in chinese
    assert "培训机构</a>" not in english


def test_an_instructor_relinked_to_another_record_gets_the_new_link(client, bob, county_a):
    from tests.factories import InstructorFactory

    old = bob.instructor
    assert reverse("instructors:instructor_detail", args=[old.pk]) in header(client, bob)
    old.user = None
    old.save()
    new = InstructorFactory(name="李波", user=bob, region=county_a)
    bob.refresh_from_db()
    page = header(client, bob)
    assert reverse("instructors:instructor_detail", args=[new.pk]) in page
    assert reverse("instructors:instructor_detail", args=[old.pk]) not in page


def test_kept_header_puts_in_each_requests_values(client, alice):
    """core/_site_header.html is kept per reader and language: the search box's query, the
    language form's return path and the CSRF inputs are this request's, a new name shows."""
    client.force_login(alice)
    page = client.get(reverse("home") + "?q=%3Cb%3E%22x%22&x=1").content.decode()
    assert 'value="&lt;b&gt;&quot;x&quot;"' in page and "<b>\"x\"" not in page
    assert 'name="next" type="hidden" value="/?q=%3Cb%3E%22x%22&amp;x=1"' in page
    tokens = page.count('name="csrfmiddlewaretoken"')
    assert tokens >= 2
    assert 'value="\x00' not in page and "\x00" not in page
    alice.display_name = "张丽丽"
    alice.save()
    client.force_login(alice)
    assert "张丽丽" in header(client, alice)
    with translation.override("en"):
        client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
        assert "Sign out" in header(client, alice) or "Log out" in header(client, alice)
