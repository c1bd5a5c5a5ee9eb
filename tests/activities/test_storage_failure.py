"""Attack finding 3 of issue 18: a read-only or full media store answers with a message in
Chinese and changes nothing, instead of a bare 500."""

import errno

import pytest
from django.core.files.storage import FileSystemStorage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from partybuild.activities.models import Activity, ActivityEvidence
from partybuild.core.middleware import StorageFailureMiddleware
from tests.factories_activities import PNG_BYTES

CREATE = reverse("activities:activity_create")


@pytest.fixture
def full_disk(monkeypatch):
    def refuse(self, name, content):
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(FileSystemStorage, "_save", refuse)


@pytest.fixture
def second_file_fails(monkeypatch):
    """The first file is stored, then the disk fills up on the second."""
    real_save = FileSystemStorage._save
    calls = []

    def save(self, name, content):
        calls.append(name)
        if len(calls) > 1:
            raise OSError(errno.EROFS, "Read-only file system")
        return real_save(self, name, content)

    monkeypatch.setattr(FileSystemStorage, "_save", save)


def activity_form(county, **files):
    return {"branch": county.branches["S"].pk, "date": "2025-06-01", "kind": "theme_day",
            "title": "七一主题党日", "attendees": "12", "description": "重温入党誓词。",
            **files}


def stored(root):
    return [path for path in root.rglob("*") if path.is_file()] if root.exists() else []


@pytest.mark.usefixtures("full_disk")
def test_a_full_disk_gives_a_message_on_the_form_and_saves_nothing(client, county, alice,
                                                                   media_root):
    client.force_login(alice)
    response = client.post(CREATE, activity_form(
        county, files=[SimpleUploadedFile("合影.png", PNG_BYTES)]))

    assert response.status_code == 200
    assert "佐证材料无法保存" in response.content.decode()
    assert not Activity.objects.filter(title="七一主题党日").exists()
    assert ActivityEvidence.objects.count() == 0


@pytest.mark.usefixtures("second_file_fails")
def test_a_store_failing_halfway_removes_the_file_it_already_wrote(client, county, alice,
                                                                   media_root):
    client.force_login(alice)
    response = client.post(CREATE, activity_form(county, files=[
        SimpleUploadedFile("合影.png", PNG_BYTES), SimpleUploadedFile("签到.png", PNG_BYTES)]))

    assert response.status_code == 200
    assert "本次未作任何修改" in response.content.decode()
    assert not Activity.objects.filter(title="七一主题党日").exists()
    assert stored(media_root) == []


@pytest.mark.django_db
def test_a_storage_error_escaping_any_view_is_a_503_page_in_chinese(client, alice):
    client.force_login(alice)
    middleware = StorageFailureMiddleware(lambda request: None)
    request = client.get(reverse("home")).wsgi_request
    response = middleware.process_exception(request, OSError(errno.ENOSPC, "full"))
    assert response.status_code == 503
    assert "文件存储故障" in response.content.decode()
    assert middleware.process_exception(request, ValueError("other")) is None
