"""The audit trail: who signed in, failed, was locked out, signed out, changed a password or
someone's rights; append-only in the database, chained by hashes, purged only past retention."""

import json
from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.db import DatabaseError, connection, transaction
from django.test import Client, override_settings
from django.urls import reverse
from django.utils import timezone

from partybuild.accounts.models import User
from partybuild.audit.models import AuditEntry
from partybuild.audit.services import (
    GENESIS,
    audit_purge,
    audit_record,
    audit_verify,
    entry_hash,
)
from tests.factories import UserFactory

PASSWORD = "correct-horse-battery"
Event = AuditEntry.Event


def events(**filters) -> list[str]:
    return list(AuditEntry.objects.filter(**filters).order_by("pk").values_list("event",
                                                                                 flat=True))


def sign_in(client, username, password=PASSWORD):
    return client.post(reverse("login"), {"username": username, "password": password},
                       REMOTE_ADDR="10.1.2.3")


@pytest.mark.django_db
def test_signing_in_failing_and_signing_out_are_recorded_with_user_role_and_address(alice):
    client = Client()
    sign_in(client, "alice", "wrong-password-1")
    sign_in(client, "alice")
    client.post(reverse("logout"), REMOTE_ADDR="10.1.2.3")

    entries = list(AuditEntry.objects.order_by("pk"))
    assert [e.event for e in entries] == [Event.LOGIN_FAILED, Event.LOGIN, Event.LOGOUT]
    failed, login, logout = entries
    assert failed.username == "alice" and failed.outcome == "failure" and failed.user is None
    assert login.user == alice and login.role == User.Role.STAFF
    assert {e.client_ip for e in entries} == {"10.1.2.3"}
    assert logout.prev_hash == login.hash and login.prev_hash == failed.hash


@pytest.mark.django_db
@override_settings(AXES_ENABLED=True)
def test_a_lockout_is_recorded(alice):
    client = Client()
    for _ in range(6):
        sign_in(client, "alice", "wrong-password-1")
    assert Event.LOCKOUT in events(username="alice")


@pytest.mark.django_db
def test_a_password_change_and_a_change_of_role_are_recorded(alice, dave):
    client = Client()
    client.force_login(alice)
    client.post(reverse("password_change"), {
        "old_password": PASSWORD, "new_password1": "Yiyang-2026-dangjian",
        "new_password2": "Yiyang-2026-dangjian"})
    assert events(event=Event.PASSWORD_CHANGE) == [Event.PASSWORD_CHANGE]

    alice.role = User.Role.REVIEWER
    alice.save()
    change = AuditEntry.objects.get(event=Event.USER_CHANGE)
    assert change.object_repr == str(alice)
    assert change.details["changes"] == {"role": ["staff", "reviewer"]}


@pytest.mark.django_db
def test_the_database_refuses_to_rewrite_an_entry(alice):
    entry = audit_record(Event.LOGIN, user=alice)
    with pytest.raises(ValidationError):
        entry.save()
    with pytest.raises(ValidationError):
        AuditEntry.objects.update(outcome="failure")
    with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("UPDATE audit_auditentry SET outcome = 'failure'")
    assert AuditEntry.objects.get().outcome == "success"


@pytest.mark.django_db
def test_verify_names_the_first_entry_whose_content_or_link_is_broken(alice, capsys):
    first = audit_record(Event.LOGIN, user=alice)
    second = audit_record(Event.EXPORT, user=alice, what="member_list", rows=12)
    audit_record(Event.LOGOUT, user=alice)
    assert first.prev_hash == GENESIS
    assert audit_verify()[1] is None
    call_command("audit_verify")
    assert "共校验 3 条" in capsys.readouterr().out

    # Someone with database access, triggers dropped, edits the row count of the export.
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.execute("DROP TRIGGER audit_auditentry_no_update")
        else:
            # Replica mode fires no ordinary triggers (the test database user is a superuser).
            cursor.execute("SET session_replication_role = replica")
        cursor.execute("UPDATE audit_auditentry SET details = %s WHERE id = %s",
                       [json.dumps({"what": "member_list", "rows": 1}), second.pk])
        if connection.vendor == "postgresql":
            cursor.execute("SET session_replication_role = DEFAULT")
    checked, broken, reason = audit_verify()
    assert broken.pk == second.pk and "改动" in reason
    with pytest.raises(SystemExit) as exit_info:
        call_command("audit_verify")
    assert exit_info.value.code == 1
    assert f"第 {second.pk} 号" in capsys.readouterr().err


@pytest.mark.django_db
def test_purge_refuses_entries_younger_than_the_retention_and_keeps_the_chain(alice):
    with pytest.raises(ValidationError, match="保存期"):
        audit_purge(timezone.now() - timedelta(days=10))
    with override_settings(PARTYBUILD_AUDIT_RETENTION_DAYS=30), \
            pytest.raises(ValidationError, match="至少保存 180 天"):
        audit_purge()
    audit_record(Event.LOGIN, user=alice)
    assert audit_purge() == 0
    assert AuditEntry.objects.count() == 1


@pytest.mark.django_db
def test_audit_log_prints_filtered_entries_and_json(alice, dave, capsys):
    audit_record(Event.LOGIN, user=alice)
    audit_record(Event.LOGIN, user=dave)
    audit_record(Event.EXPORT, user=alice, what="member_list", rows=3)
    call_command("audit_log", "--user", "alice", "--event", "export", "--json")
    lines = capsys.readouterr().out.strip().splitlines()
    assert len(lines) == 1
    assert json.loads(lines[0])["details"] == {"what": "member_list", "rows": 3}
    call_command("audit_log", "--since", timezone.localdate().isoformat())
    out = capsys.readouterr().out
    assert out.count("login") == 2 and "dave" in out


@pytest.mark.django_db
def test_only_the_audit_administrator_reads_the_trail_on_the_web(alice, dave, county_a):
    auditor = UserFactory(username="shenji", role=User.Role.AUDIT_ADMIN, region=county_a)
    audit_record(Event.LOGIN, user=alice)
    client = Client()
    for user in (alice, dave):
        client.force_login(user)
        assert client.get(reverse("audit:audit_list")).status_code == 403
    client.force_login(auditor)
    page = client.get(reverse("audit:audit_list"), {"user": "alice", "event": "login"})
    assert page.status_code == 200
    assert page.context["page"].paginator.count >= 1
    assert client.get(reverse("audit:audit_list"), {"since": "not-a-day"}).status_code == 200


@pytest.mark.django_db
def test_no_account_holds_two_administrator_roles(county_a):
    user = UserFactory(username="anquan", role=User.Role.SECURITY_ADMIN, region=county_a)
    user.is_superuser = True
    with pytest.raises(ValidationError):
        user.full_clean()
    with pytest.raises(DatabaseError), transaction.atomic():
        User.objects.filter(pk=user.pk).update(is_superuser=True)


@pytest.mark.django_db
def test_the_purge_deletes_only_entries_past_the_retention_and_verify_still_passes(alice):
    # Two entries written four years ago (as if), then one today.
    old = [audit_record(Event.LOGIN, user=alice), audit_record(Event.LOGOUT, user=alice)]
    long_ago = timezone.now() - timedelta(days=4 * 365)
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.execute("DROP TRIGGER audit_auditentry_no_update")
        else:
            cursor.execute("SET session_replication_role = replica")
        for entry in old:
            entry.at = long_ago
        # Re-chain the back-dated entries so that the trail is whole before the purge.
        previous = GENESIS
        for entry in old:
            entry.prev_hash = previous
            entry.hash = entry_hash(entry)
            cursor.execute("UPDATE audit_auditentry SET at = %s, prev_hash = %s, hash = %s "
                           "WHERE id = %s", [entry.at, entry.prev_hash, entry.hash, entry.pk])
            previous = entry.hash
        if connection.vendor == "postgresql":
            cursor.execute("SET session_replication_role = DEFAULT")
    recent = audit_record(Event.LOGIN, user=alice)
    assert audit_verify()[1] is None

    assert audit_purge() == 2
    remaining = list(AuditEntry.objects.order_by("pk"))
    assert remaining[0].pk == recent.pk and remaining[-1].event == Event.AUDIT_PURGE
    assert remaining[-1].details["last_deleted_hash"] == old[-1].hash
    assert audit_verify()[1] is None
    if connection.vendor == "postgresql":
        # Outside audit_purge the database still refuses a delete, even of an old entry.
        with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
            cursor.execute("DELETE FROM audit_auditentry WHERE id = %s", [recent.pk])
