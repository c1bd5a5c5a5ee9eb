"""What the pages record: the closing note's story (sign in, open a member, export the member
list, import a file) and every other personal-data view, PDF and finalisation hook."""

import hashlib

import pytest
from axes.models import AccessAttempt
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from partybuild.accounts.models import User
from partybuild.audit.models import AuditEntry
from partybuild.audit.services import audit_verify
from tests.factories import (
    BranchFactory,
    CommitteeFactory,
    MemberFactory,
    MembershipFactory,
    UserFactory,
)
from tests.imports.conftest import CODE, csv_bytes

PASSWORD = "correct-horse-battery"
Event = AuditEntry.Event


@pytest.fixture(autouse=True)
def private_media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


@pytest.fixture
def member_a(county_a):
    branch = BranchFactory(name="赫山区第一联合党支部",
                           committee=CommitteeFactory(name="赫山区民办教育党委", region=county_a))
    membership = MembershipFactory(member=MemberFactory(name="王芳"), branch=branch)
    MembershipFactory(member=MemberFactory(name="刘军"), branch=branch)
    return membership.member


@pytest.mark.django_db
def test_sign_in_open_a_member_export_the_list_and_import_are_each_recorded(
        alice, member_a, capsys):
    client = Client()
    client.post(reverse("login"), {"username": "alice", "password": PASSWORD},
                REMOTE_ADDR="192.0.2.10")
    assert client.get(reverse("organisation:member_detail", args=[member_a.pk]),
                      REMOTE_ADDR="192.0.2.10").status_code == 200
    export = client.get(reverse("organisation:member_list"),
                        {"_export": "csv", "status": "full"}, REMOTE_ADDR="192.0.2.10")
    assert export.status_code == 200
    data = csv_bytes([["机构名称", "统一社会信用代码", "类别", "证照状态", "所属区划", "开办日期"],
                      ["赫山区新星培训学校", CODE[5], "文化艺术", "有照有证", "430903",
                       "2021-03-05"]])
    dry_run = client.post(reverse("imports:upload", args=["institutions"]), {
        "file": SimpleUploadedFile("机构.csv", data, content_type="text/csv")})
    client.post(reverse("imports:confirm"), {"token": dry_run.context["token"]},
                REMOTE_ADDR="192.0.2.10")

    login, view, exported, imported = AuditEntry.objects.order_by("pk")
    assert [login.event, view.event, exported.event, imported.event] == [
        Event.LOGIN, Event.PERSONAL_VIEW, Event.EXPORT, Event.IMPORT]
    assert view.object_repr == str(member_a) and view.object_id == str(member_a.pk)
    assert exported.object_repr == "党员"
    assert exported.details["rows"] == 2 and exported.details["format"] == "csv"
    assert exported.details["filters"] == {"status": ["full"]}
    assert exported.details["purpose"]
    assert imported.object_repr == "机构.csv"
    assert imported.details["sha256"] == hashlib.sha256(data).hexdigest()
    assert (imported.details["kind"], imported.details["created"]) == ("institutions", 1)
    assert {entry.client_ip for entry in (login, view, exported, imported)} == {"192.0.2.10"}
    assert audit_verify()[1] is None

    call_command("audit_log", "--user", "alice")
    printed = capsys.readouterr().out
    print(printed)  # the closing note of issue 18 quotes this output
    assert printed.count("alice") == 4 and "机构.csv" in printed


@pytest.mark.django_db
def test_a_list_page_of_personal_data_is_recorded_and_other_lists_are_not(alice, member_a):
    client = Client()
    client.force_login(alice)
    client.get(reverse("organisation:member_list"))
    client.get(reverse("instructors:instructor_list"))
    client.get(reverse("organisation:institution_list"))
    views = AuditEntry.objects.filter(event=Event.PERSONAL_VIEW).order_by("pk")
    assert [entry.object_repr for entry in views] == ["党员", "党建指导员"]
    assert views[0].details["rows"] == 2


@pytest.mark.django_db
def test_pdf_downloads_are_recorded(alice, institution_a):
    client = Client()
    client.force_login(alice)
    response = client.get(reverse("reports:institution_duty_card_pdf", args=[institution_a.pk]))
    assert response.status_code == 200
    entry = AuditEntry.objects.get(event=Event.PDF_DOWNLOAD)
    assert entry.object_repr == institution_a.name and entry.details == {"report": "duty_card"}


@pytest.mark.django_db
def test_the_security_administrator_lifting_a_lockout_in_the_admin_is_recorded(alice, county_a):
    security = UserFactory(username="anquan", role=User.Role.SECURITY_ADMIN, region=county_a,
                           is_staff=True)
    attempt = AccessAttempt.objects.create(username="alice", ip_address="192.0.2.7",
                                           user_agent="test", failures_since_start=5,
                                           attempt_time=timezone.now())
    client = Client()
    client.force_login(security)
    assert client.get(reverse("admin:accounts_user_changelist")).status_code == 403
    url = reverse("admin:axes_accessattempt_delete", args=[attempt.pk])
    assert client.post(url, {"post": "yes"}).status_code == 302

    entry = AuditEntry.objects.get(event=Event.ADMIN_CHANGE)
    assert entry.username == "anquan" and entry.role == User.Role.SECURITY_ADMIN
    assert entry.object_type == "axes.accessattempt" and entry.details["action"] == "delete"
