"""Issue 18 part A: what the loopback attack broke, and what an 等保 2.0 level 3 assessor
checks on authentication (passwords, second factor, idle timeout, default accounts)."""

import time
from datetime import timedelta
from io import StringIO
from pathlib import Path

import pytest
from axes.models import AccessAttempt
from django.conf import settings
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.test import override_settings
from django.urls import reverse
from django.utils import timezone
from django_otp.oath import totp
from django_otp.plugins.otp_static.models import StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from partybuild.accounts.middleware import ACTIVITY_KEY
from partybuild.accounts.models import PasswordHistory, User
from partybuild.demo.checks import check_demo_accounts
from partybuild.demo.users import ensure_demo_users

PASSWORD = "correct-horse-battery"
throttled = override_settings(AXES_ENABLED=True, AXES_FAILURE_LIMIT=5)
second_factor = override_settings(PARTYBUILD_OTP_REQUIRED_FOR_ADMINS=True)
TEMPLATES = Path(settings.BASE_DIR) / "templates"


def attempt(client, username, password, address="10.7.7.7"):
    return client.post(reverse("login"), {"username": username, "password": password},
                       REMOTE_ADDR=address)


# 1. Lockout ------------------------------------------------------------------------------


@throttled
@pytest.mark.django_db
def test_one_user_retrying_his_locked_name_does_not_lock_the_office_address(client, alice,
                                                                            eve):
    for _ in range(40):
        attempt(client, "alice", "wrong-password-1")

    response = attempt(client, "eve", PASSWORD)

    assert response.status_code == 302
    assert client.session.get("_auth_user_id") == str(eve.pk)


@throttled
@pytest.mark.django_db
def test_attempts_during_a_lockout_neither_count_nor_move_it_forward(client, alice):
    for _ in range(5):
        attempt(client, "alice", "wrong-password-1")
    locked_at = timezone.now() - timedelta(minutes=14)
    AccessAttempt.objects.update(attempt_time=locked_at)

    # Someone on the same address keeps trying, the right password included.
    assert attempt(client, "alice", "wrong-password-1").status_code == 429
    assert attempt(client, "alice", PASSWORD).status_code == 429
    held = AccessAttempt.objects.get()
    assert (held.failures_since_start, held.attempt_time) == (5, locked_at)

    # Fifteen minutes after the fifth failure, not after the last try, the lock is gone.
    AccessAttempt.objects.update(attempt_time=timezone.now() - timedelta(minutes=16))
    response = attempt(client, "alice", PASSWORD)
    assert response.status_code == 302
    assert client.session.get("_auth_user_id") == str(alice.pk)


# 4. Headers ------------------------------------------------------------------------------


def script_sources(response) -> list[str]:
    policy = response["Content-Security-Policy"]
    directives = dict(part.strip().split(" ", 1) for part in policy.split(";") if part.strip())
    return directives["script-src"].split()


@pytest.mark.django_db
def test_pages_carry_a_content_security_policy_without_inline_scripts(client, alice):
    assert script_sources(client.get(reverse("login"))) == ["'self'"]
    client.force_login(alice)
    response = client.get(reverse("home"))
    assert response.status_code == 200
    assert "'unsafe-inline'" not in script_sources(response)
    assert "frame-ancestors 'none'" in response["Content-Security-Policy"]


def test_no_template_has_an_inline_script_or_event_handler():
    import re

    offenders = []
    for template in TEMPLATES.rglob("*.html"):
        text = template.read_text(encoding="utf-8")
        if re.search(r"<script(?![^>]*\bsrc=)[^>]*>", text):
            offenders.append(f"{template.relative_to(TEMPLATES)}: inline <script>")
        if re.search(r"\son[a-z]+\s*=\s*[\"']", text):
            offenders.append(f"{template.relative_to(TEMPLATES)}: on…= handler")
    assert offenders == []


@pytest.mark.django_db
def test_signed_in_pages_and_exports_are_never_stored_by_a_cache(client, alice, institution_a):
    client.force_login(alice)
    page = client.get(reverse("organisation:institution_list"))
    export = client.get(reverse("organisation:institution_list") + "?_export=csv")

    assert page.status_code == 200 and page["Cache-Control"] == "no-store"
    assert export.status_code == 200 and export["Content-Disposition"].startswith("attachment")
    assert export["Cache-Control"] == "no-store"


# Passwords -------------------------------------------------------------------------------


@pytest.mark.parametrize("password", ["yiyangdangjian", "yiyang-dangjian", "YIYANG2026XX"])
def test_a_password_needs_three_kinds_of_character(password):
    with pytest.raises(ValidationError) as refused:
        validate_password(password)
    assert "至少 3 类" in " ".join(refused.value.messages)


def test_a_long_password_of_three_kinds_is_accepted():
    validate_password("Yiyang-dangjian")  # upper, lower, other


def change_password(client, old, new):
    return client.post(reverse("password_change"), {
        "old_password": old, "new_password1": new, "new_password2": new})


@pytest.mark.django_db
def test_none_of_the_last_five_passwords_may_come_back(client, alice):
    client.force_login(alice)
    chain = [PASSWORD] + [f"Dangjian-2026-{n}" for n in range(1, 6)]
    for old, new in zip(chain, chain[1:], strict=False):
        assert change_password(client, old, new).status_code == 302
        client.force_login(User.objects.get(pk=alice.pk))

    refused = change_password(client, chain[-1], chain[2])
    assert refused.status_code == 200
    assert "不能使用最近 5 次用过的密码" in refused.content.decode()
    assert change_password(client, chain[-1], chain[1]).status_code == 200
    # The first of the six (the factory's) fell out of the last five: it may come back.
    assert change_password(client, chain[-1], chain[0].title() + "1").status_code == 302
    assert PasswordHistory.objects.filter(user=alice).count() == 5


@pytest.mark.django_db
def test_an_expired_password_must_be_changed_before_anything_else(client, alice):
    User.objects.filter(pk=alice.pk).update(
        password_changed_at=timezone.now() - timedelta(days=91))
    client.force_login(alice)

    response = client.get(reverse("organisation:institution_list"))
    assert response.status_code == 302 and response.url == reverse("password_change")
    assert "密码已过期" in client.get(response.url).content.decode()

    assert change_password(client, PASSWORD, "Dangjian-2026-new").status_code == 302
    assert client.get(reverse("organisation:institution_list")).status_code == 200


@override_settings(PARTYBUILD_PASSWORD_MAX_AGE_DAYS=30)
@pytest.mark.django_db
def test_the_expiry_is_a_setting(client, alice):
    User.objects.filter(pk=alice.pk).update(
        password_changed_at=timezone.now() - timedelta(days=31))
    client.force_login(alice)
    assert client.get(reverse("home")).url == reverse("password_change")


@pytest.mark.django_db
def test_a_password_set_by_an_administrator_is_changed_at_first_login(client, admin_client,
                                                                      alice):
    url = reverse("admin:auth_user_password_change", args=[alice.pk])
    response = admin_client.post(url, {"password1": "Temporary-2026", "password2":
                                       "Temporary-2026", "usable_password": "true"})
    assert response.status_code == 302
    alice.refresh_from_db()
    assert alice.must_change_password

    assert client.login(username="alice", password="Temporary-2026")
    response = client.get(reverse("home"))
    assert response.status_code == 302 and response.url == reverse("password_change")
    assert "管理员为您设置了密码" in client.get(response.url).content.decode()

    assert change_password(client, "Temporary-2026", "Alice-own-2026").status_code == 302
    alice.refresh_from_db()
    assert not alice.must_change_password
    assert client.get(reverse("home")).status_code == 200


# Second factor ---------------------------------------------------------------------------


def current_code(device) -> str:
    return f"{totp(device.bin_key, step=device.step, t0=device.t0, digits=device.digits):06d}"


@second_factor
@pytest.mark.django_db
def test_an_administrator_sets_up_totp_and_gets_recovery_codes(client, dave):
    client.force_login(dave)
    response = client.get(reverse("organisation:institution_list"))
    assert response.status_code == 302 and response.url.startswith(reverse("otp_setup"))

    assert client.post(reverse("otp_setup"), {"start": "1"}).status_code == 302
    device = TOTPDevice.objects.get(user=dave, confirmed=False)
    page = client.get(reverse("otp_setup")).content.decode()
    assert "otpauth://totp/" in page

    wrong = client.post(reverse("otp_setup"), {"token": "000000" if current_code(device)
                                                != "000000" else "111111"})
    assert "验证码不正确" in wrong.content.decode()
    done = client.post(reverse("otp_setup"), {"token": current_code(device)})
    assert done.status_code == 200
    codes = done.context["codes"]
    assert len(codes) == 10 and all(code in done.content.decode() for code in codes)
    assert client.get(reverse("organisation:institution_list")).status_code == 200


@second_factor
@pytest.mark.django_db
def test_the_next_login_asks_for_the_code_and_a_recovery_code_works_once(client, dave):
    client.force_login(dave)
    client.post(reverse("otp_setup"), {"start": "1"})
    device = TOTPDevice.objects.get(user=dave)
    codes = client.post(reverse("otp_setup"), {"token": current_code(device)}).context["codes"]
    client.logout()

    client.force_login(dave)
    response = client.get(reverse("home"))
    assert response.status_code == 302 and response.url.startswith(reverse("otp_verify"))
    assert client.post(reverse("otp_verify"), {"token": codes[0]}).status_code == 302
    assert client.get(reverse("home")).status_code == 200

    client.logout()
    client.force_login(dave)
    assert client.post(reverse("otp_verify"), {"token": codes[0]}).status_code == 400
    assert StaticToken.objects.filter(device__user=dave).count() == 9


@second_factor
@pytest.mark.django_db
def test_staff_need_no_second_factor_unless_a_setting_says_so(client, alice):
    client.force_login(alice)
    assert client.get(reverse("home")).status_code == 200
    with override_settings(PARTYBUILD_OTP_REQUIRED_FOR_ALL=True):
        assert client.get(reverse("home")).url.startswith(reverse("otp_setup"))


# Idle timeout ----------------------------------------------------------------------------


def idle_for(client, minutes):
    session = client.session
    session[ACTIVITY_KEY] = int(time.time()) - minutes * 60
    session.save()


@override_settings(PARTYBUILD_SESSION_REFRESH_SECONDS=60)
@pytest.mark.django_db
def test_an_administrator_idle_for_31_minutes_signs_in_again_but_staff_do_not(client, dave,
                                                                              alice):
    client.force_login(dave)
    idle_for(client, 31)
    response = client.get(reverse("home"))
    assert response.status_code == 302 and response.url.startswith(reverse("login"))
    assert "_auth_user_id" not in client.session

    client.force_login(alice)
    idle_for(client, 31)
    assert client.get(reverse("home")).status_code == 200


@override_settings(PARTYBUILD_SESSION_REFRESH_SECONDS=60, PARTYBUILD_IDLE_TIMEOUT_MINUTES=20)
@pytest.mark.django_db
def test_the_idle_timeout_of_everyone_is_a_setting(client, alice):
    client.force_login(alice)
    idle_for(client, 21)
    assert client.get(reverse("home")).url.startswith(reverse("login"))


# Default accounts and security_check -----------------------------------------------------


@pytest.mark.django_db
def test_the_deploy_check_fails_while_demo_accounts_exist_under_production_settings(city):
    ensure_demo_users()
    with override_settings(DEBUG=False):
        errors = check_demo_accounts()
        assert [error.id for error in errors] == ["partybuild.E001"]
        assert "admin" in errors[0].msg
        User.objects.filter(username__in=["admin", "staff"]).update(is_active=False)
        User.objects.exclude(username__in=["admin", "staff"]).delete()
        assert check_demo_accounts() == []
    with override_settings(DEBUG=True):
        ensure_demo_users()
        assert check_demo_accounts() == []


@pytest.mark.django_db
def test_security_check_lists_every_item_and_fails_under_production_settings(city):
    ensure_demo_users()
    out = StringIO()
    production = override_settings(DEBUG=False, AXES_ENABLED=True,
                                   PARTYBUILD_OTP_REQUIRED_FOR_ADMINS=True)
    with production, pytest.raises(SystemExit) as exit_status:
        call_command("security_check", stdout=out)
    assert exit_status.value.code == 1
    text = out.getvalue()
    for item in ("lockout", "password_complexity", "password_expiry", "password_history",
                 "second_factor", "idle_timeout", "content_security_policy", "no_store",
                 "sqlite_writers", "audit_trail", "three_administrators",
                 "personal_information"):
        assert item in text
    assert "FAIL  default_accounts" in text
    for item in ("content_security_policy", "lockout", "second_factor", "no_store"):
        assert f"PASS  {item}" in text


@pytest.mark.django_db
def test_security_check_does_not_fail_the_exit_status_under_development_settings(city):
    out = StringIO()
    with override_settings(DEBUG=True):
        call_command("security_check", stdout=out)
    assert "development" in out.getvalue()
