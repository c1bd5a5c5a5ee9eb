"""Login throttling, password strength and session expiry: what a bureau's security officer asks."""

import time
from datetime import timedelta

import pytest
from axes.models import AccessAttempt
from django.conf import settings
from django.contrib.auth.password_validation import validate_password
from django.contrib.sessions.models import Session
from django.core.exceptions import ValidationError
from django.test import Client, RequestFactory, override_settings
from django.urls import reverse
from django.utils import timezone

from partybuild.accounts.client_ip import client_ip
from partybuild.accounts.middleware import ACTIVITY_KEY
from partybuild.accounts.models import User

from ..factories import UserFactory

PASSWORD = "correct-horse-battery"
throttled = override_settings(AXES_ENABLED=True, AXES_FAILURE_LIMIT=5)


def attempt(client, username, password, address="10.1.2.3"):
    return client.post(reverse("login"), {"username": username, "password": password},
                       REMOTE_ADDR=address)


def logged_in_user_id(client):
    return client.session.get("_auth_user_id")


@throttled
@pytest.mark.django_db
def test_five_wrong_passwords_lock_the_user_out_even_with_the_right_one(client, alice):
    for _ in range(4):
        response = attempt(client, "alice", "wrong-password-1")
        assert response.status_code == 200
        assert "用户名或密码不正确" in response.content.decode()

    fifth = attempt(client, "alice", "wrong-password-1")
    assert fifth.status_code == 429

    response = attempt(client, "alice", PASSWORD)
    assert response.status_code == 429
    page = response.content.decode()
    assert "登录已暂时锁定" in page
    assert "15 分钟" in page
    assert logged_in_user_id(client) is None


@throttled
@pytest.mark.django_db
def test_a_colleague_behind_the_same_address_can_still_log_in(client, alice, eve):
    for _ in range(5):
        attempt(client, "alice", "wrong-password-1")

    response = attempt(client, "eve", PASSWORD)

    assert response.status_code == 302
    assert logged_in_user_id(client) == str(eve.pk)


@throttled
@pytest.mark.django_db
def test_the_lockout_holds_only_for_the_address_that_failed(client, alice):
    for _ in range(5):
        attempt(client, "alice", "wrong-password-1", address="10.1.2.3")

    response = attempt(client, "alice", PASSWORD, address="10.9.9.9")

    assert response.status_code == 302
    assert logged_in_user_id(client) == str(alice.pk)


@throttled
@pytest.mark.django_db
def test_a_successful_login_forgives_earlier_mistakes(client, alice):
    for _ in range(4):
        attempt(client, "alice", "wrong-password-1")
    assert attempt(client, "alice", PASSWORD).status_code == 302
    client.logout()

    for _ in range(4):
        attempt(client, "alice", "wrong-password-1")
    response = attempt(client, "alice", PASSWORD)

    assert response.status_code == 302
    assert logged_in_user_id(client) == str(alice.pk)


@throttled
@pytest.mark.django_db
def test_the_lockout_ends_after_the_cool_off_time(client, alice):
    for _ in range(5):
        attempt(client, "alice", "wrong-password-1")
    assert attempt(client, "alice", PASSWORD).status_code == 429

    cool_off = settings.AXES_COOLOFF_TIME + timedelta(seconds=1)
    AccessAttempt.objects.update(attempt_time=timezone.now() - cool_off)
    response = attempt(client, "alice", PASSWORD)

    assert response.status_code == 302
    assert logged_in_user_id(client) == str(alice.pk)


@pytest.mark.parametrize(("proxies", "forwarded", "expected"), [
    (0, "203.0.113.9", "10.0.0.1"),
    (1, "203.0.113.9", "203.0.113.9"),
    (1, "198.51.100.7, 203.0.113.9", "203.0.113.9"),
    (2, "198.51.100.7, 203.0.113.9", "198.51.100.7"),
    (2, "203.0.113.9", "10.0.0.1"),
])
def test_the_client_address_trusts_only_our_own_proxies(proxies, forwarded, expected):
    request = RequestFactory().get("/", REMOTE_ADDR="10.0.0.1", HTTP_X_FORWARDED_FOR=forwarded)
    with override_settings(PARTYBUILD_PROXY_COUNT=proxies):
        assert client_ip(request) == expected


@pytest.mark.parametrize("weak_password", ["zhang123", "1234567890123", "password1234"])
def test_weak_passwords_are_refused(weak_password):
    with pytest.raises(ValidationError):
        validate_password(weak_password)


@pytest.mark.django_db
def test_a_user_changes_the_password_and_a_weak_one_is_refused_in_chinese(client, alice):
    client.force_login(alice)
    url = reverse("password_change")

    weak = client.post(url, {"old_password": PASSWORD, "new_password1": "12345678",
                             "new_password2": "12345678"})
    assert weak.status_code == 200
    assert "密码" in weak.content.decode()
    alice.refresh_from_db()
    assert alice.check_password(PASSWORD)

    strong = client.post(url, {"old_password": PASSWORD, "new_password1": "qingshan-river-2026",
                               "new_password2": "qingshan-river-2026"})
    assert strong.status_code == 302
    assert strong["Location"] == reverse("password_change_done")
    alice.refresh_from_db()
    assert alice.check_password("qingshan-river-2026")


def stored_expiry(client):
    return Session.objects.get(pk=client.session.session_key).expire_date


def age_the_session(client, *, expires_in: timedelta, active_seconds_ago: int):
    """Pretend the user's last renewal was a while ago and the session expires sooner."""
    session = client.session
    session[ACTIVITY_KEY] = int(time.time()) - active_seconds_ago
    session.save()
    Session.objects.filter(pk=session.session_key).update(
        expire_date=timezone.now() + expires_in)


renewing = override_settings(PARTYBUILD_SESSION_REFRESH_SECONDS=60)


@renewing
@pytest.mark.django_db
def test_a_request_after_a_quiet_minute_pushes_the_session_expiry_forward(client, alice):
    client.force_login(alice)
    age_the_session(client, expires_in=timedelta(hours=1), active_seconds_ago=120)

    response = client.get(reverse("home"))

    assert response.status_code == 200
    assert stored_expiry(client) > timezone.now() + timedelta(
        seconds=settings.SESSION_COOKIE_AGE - 60)
    assert response.cookies["sessionid"]["max-age"] == settings.SESSION_COOKIE_AGE


@renewing
@pytest.mark.django_db
def test_requests_within_the_minute_do_not_write_the_session(client, alice):
    client.force_login(alice)
    age_the_session(client, expires_in=timedelta(hours=1), active_seconds_ago=5)
    before = stored_expiry(client)

    response = client.get(reverse("health"))

    assert response.status_code == 200
    assert "sessionid" not in response.cookies
    assert stored_expiry(client) == before


@renewing
@pytest.mark.django_db
def test_an_anonymous_visitor_gets_no_session_row(client):
    client.get(reverse("login"))
    client.get(reverse("health"))
    assert Session.objects.count() == 0


@pytest.mark.django_db
def test_an_idle_session_has_to_log_in_again(client, alice):
    client.force_login(alice)
    Session.objects.filter(pk=client.session.session_key).update(
        expire_date=timezone.now() - timedelta(seconds=1))

    response = client.get(reverse("organisation:institution_list"))

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


@throttled
@pytest.mark.django_db
def test_an_administrator_lifts_a_lockout_in_the_admin(client, alice, dave):
    for _ in range(5):
        attempt(client, "alice", "wrong-password-1")
    locked = AccessAttempt.objects.get(username="alice")

    admin_client = Client()
    admin_client.force_login(dave)
    changelist = admin_client.get(reverse("admin:axes_accessattempt_changelist"))
    assert changelist.status_code == 200
    assert "alice" in changelist.content.decode()
    delete_url = reverse("admin:axes_accessattempt_delete", args=[locked.pk])
    assert admin_client.post(delete_url, {"post": "yes"}).status_code == 302
    assert not AccessAttempt.objects.filter(username="alice").exists()

    response = attempt(client, "alice", PASSWORD)
    assert response.status_code == 302
    assert logged_in_user_id(client) == str(alice.pk)


@throttled
@pytest.mark.django_db
def test_an_administrator_sees_no_lockouts_of_other_regions_users(client, alice, eve):
    county_admin = UserFactory(username="hs_admin", role=User.Role.ADMIN, region=alice.region,
                               is_staff=True)
    for _ in range(5):
        attempt(client, "eve", "wrong-password-1")
        attempt(client, "alice", "wrong-password-1")

    admin_client = Client()
    admin_client.force_login(county_admin)
    changelist = admin_client.get(reverse("admin:axes_accessattempt_changelist"))

    shown = {row.username for row in changelist.context["cl"].result_list}
    assert shown == {"alice"}
    eve_attempt = AccessAttempt.objects.get(username="eve")
    delete_url = reverse("admin:axes_accessattempt_delete", args=[eve_attempt.pk])
    admin_client.post(delete_url, {"post": "yes"})
    assert AccessAttempt.objects.filter(username="eve").exists()


@override_settings(AXES_ENABLED=True, AXES_FAILURE_LIMIT=5,
                   PARTYBUILD_LOGIN_ADDRESS_FAILURE_LIMIT=12)
@pytest.mark.django_db
def test_an_address_trying_passwords_on_many_accounts_is_locked_out_as_a_whole(client, alice,
                                                                               eve):
    for n in range(12):
        attempt(client, f"guess{n:02d}", "Password123", address="10.7.7.7")

    from_there = attempt(client, "alice", PASSWORD, address="10.7.7.7")
    from_elsewhere = attempt(Client(), "eve", PASSWORD, address="10.1.2.3")

    assert from_there.status_code == 429
    assert "来自这个地址的所有登录已锁定 15 分钟" in from_there.content.decode()
    assert from_elsewhere.status_code == 302


@override_settings(AXES_ENABLED=True, AXES_FAILURE_LIMIT=5,
                   PARTYBUILD_LOGIN_ADDRESS_FAILURE_LIMIT=12)
@pytest.mark.django_db
def test_an_office_with_a_few_mistyped_passwords_stays_open(client, alice, eve):
    for name in ("alice", "eve", "bob", "carol", "dave"):
        for _ in range(2):
            attempt(client, name, "wrong-password-1", address="10.7.7.7")

    response = attempt(client, "alice", PASSWORD, address="10.7.7.7")

    assert response.status_code == 302
    assert logged_in_user_id(client) == str(alice.pk)
