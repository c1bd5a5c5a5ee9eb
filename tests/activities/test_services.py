"""Recording activities: the dates, pairings, duplicates, evidence and who may write."""

from datetime import date, timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from partybuild.activities.models import Activity, ActivityEvidence
from partybuild.activities.services import (
    activity_evidence_add,
    activity_record,
    activity_update,
)
from tests.factories_activities import PDF_BYTES, PNG_BYTES, ActivityFactory

pytestmark = pytest.mark.django_db

PAIRING = Activity.Kind.PAIRING


def record(user, branch, **kwargs):
    values = {"date": date(2025, 5, 20), "kind": Activity.Kind.THEME_DAY,
              "title": "五月主题党日", "attendees": 15, "description": "重温入党誓词。"}
    return activity_record(acting_user=user, branch=branch, **{**values, **kwargs})


def error_of(excinfo, field: str) -> str:
    return " ".join(excinfo.value.message_dict[field])


def test_staff_record_an_activity_with_who_recorded_it(county, alice):
    activity = record(alice, county.branches["J"])
    saved = Activity.objects.get(pk=activity.pk)
    assert (saved.branch, saved.date, saved.kind, saved.title, saved.attendees) == (
        county.branches["J"], date(2025, 5, 20), "theme_day", "五月主题党日", 15)
    assert saved.recorded_by == alice
    assert saved.history.get().history_user == alice


def test_an_activity_cannot_be_dated_in_the_future(county, alice):
    tomorrow = timezone.localdate() + timedelta(days=1)
    with pytest.raises(ValidationError) as excinfo:
        record(alice, county.branches["J"], date=tomorrow)
    assert "晚于今天" in error_of(excinfo, "date")
    assert not Activity.objects.exists()


def test_today_is_allowed(county, alice):
    assert record(alice, county.branches["J"], date=timezone.localdate()).pk


@pytest.mark.parametrize("day", [date(2023, 12, 31), date(2025, 5, 1)])
def test_a_branch_records_nothing_outside_its_life(county, alice, day):
    with pytest.raises(ValidationError) as excinfo:
        record(alice, county.branches["D"], date=day)
    assert "不存续" in error_of(excinfo, "date")


def test_a_dissolved_branch_still_records_its_past_activities(county, alice):
    assert record(alice, county.branches["D"], date=date(2025, 4, 30)).pk


def test_a_pairing_activity_needs_a_school_branch(county, alice):
    with pytest.raises(ValidationError) as excinfo:
        record(alice, county.branches["J"], kind=PAIRING)
    assert "须选择结对的学校支部" in error_of(excinfo, "school_branch")


@pytest.mark.parametrize("day", [date(2025, 3, 1), date(2025, 6, 1), date(2025, 8, 31)])
def test_a_pairing_activity_on_a_day_the_pairing_holds_is_recorded(county, alice, day):
    activity = record(alice, county.branches["J"], kind=PAIRING, date=day,
                      school_branch=county.school_branch)
    assert Activity.objects.get(pk=activity.pk).school_branch == county.school_branch


@pytest.mark.parametrize("day", [
    date(2025, 2, 28),  # the day before the pairing starts
    date(2025, 9, 1),  # the day after it ended
])
def test_a_pairing_activity_outside_the_pairing_is_refused(county, alice, day):
    with pytest.raises(ValidationError) as excinfo:
        record(alice, county.branches["J"], kind=PAIRING, date=day,
               school_branch=county.school_branch)
    assert "未与" in error_of(excinfo, "school_branch")
    assert not Activity.objects.exists()


def test_a_pairing_activity_with_a_school_branch_paired_with_another_branch_is_refused(
        county, alice):
    with pytest.raises(ValidationError) as excinfo:
        record(alice, county.branches["S"], kind=PAIRING, date=date(2025, 5, 20),
               school_branch=county.school_branch)
    assert "未与" in error_of(excinfo, "school_branch")


def test_a_school_branch_on_another_kind_is_refused(county, alice):
    with pytest.raises(ValidationError) as excinfo:
        record(alice, county.branches["J"], kind=Activity.Kind.LECTURE,
               school_branch=county.school_branch)
    assert "只有结对共建活动" in error_of(excinfo, "school_branch")


def test_the_same_title_on_the_same_day_in_the_same_branch_is_a_duplicate(county, alice):
    record(alice, county.branches["J"])
    with pytest.raises(ValidationError) as excinfo:
        record(alice, county.branches["J"], title=" 五月主题党日 ")
    assert "已记录" in error_of(excinfo, "title")
    # Another day or another branch is a different activity.
    record(alice, county.branches["J"], date=date(2025, 5, 21))
    record(alice, county.branches["S"])
    assert Activity.objects.count() == 3


def test_reviewers_and_instructors_may_not_record(county, carol, bob):
    for user in (carol, bob):
        with pytest.raises(PermissionDenied):
            record(user, county.branches["J"])
    assert not Activity.objects.exists()


def test_staff_of_another_county_may_not_record_for_this_one(county, eve):
    with pytest.raises(ValidationError, match="不在您管辖的区划内"):
        record(eve, county.branches["J"])


def test_the_city_administrator_records_for_any_county(county, dave):
    assert record(dave, county.branches["J"]).recorded_by == dave


# Evidence ------------------------------------------------------------------------------


def upload(name: str, content: bytes, content_type: str = "application/octet-stream"):
    return SimpleUploadedFile(name, content, content_type=content_type)


def test_evidence_is_stored_with_its_sniffed_type_and_a_random_name(county, alice):
    activity = record(alice, county.branches["J"], files=[
        upload("签到表.pdf", PDF_BYTES), upload("现场照片.JPG", PNG_BYTES, "image/jpeg"),
    ])
    stored = {e.original_name: e for e in ActivityEvidence.objects.filter(activity=activity)}
    assert set(stored) == {"签到表.pdf", "现场照片.JPG"}
    photo = stored["现场照片.JPG"]
    # The content is a PNG whatever the name and the browser said.
    assert photo.content_type == "image/png" and photo.file.name.endswith(".png")
    assert "现场照片" not in photo.file.name and photo.file.name.startswith("evidence/activities/")
    assert photo.size == len(PNG_BYTES) and photo.uploaded_by == alice
    with photo.file.open("rb") as handle:
        assert handle.read() == PNG_BYTES


@pytest.mark.parametrize(("name", "content"), [
    ("伪装.png", b"<html><script>alert(1)</script></html>"),
    ("说明.txt", b"just some text"),
    ("宏.docx", b"PK\x03\x04 a word document"),
])
def test_a_file_that_is_not_jpeg_png_or_pdf_is_refused_and_nothing_is_saved(
        county, alice, name, content):
    with pytest.raises(ValidationError) as excinfo:
        record(alice, county.branches["J"], files=[upload("好的.pdf", PDF_BYTES),
                                                   upload(name, content)])
    assert name in error_of(excinfo, "files")
    assert not Activity.objects.exists() and not ActivityEvidence.objects.exists()


def test_a_file_over_10_mb_is_refused(county, alice):
    big = upload("大照片.png", PNG_BYTES + b"\0" * (10 * 1024 * 1024))
    with pytest.raises(ValidationError) as excinfo:
        record(alice, county.branches["J"], files=[big])
    assert "10 MB" in error_of(excinfo, "files")


def test_evidence_is_added_later_by_staff_in_scope_only(county, alice, carol, eve):
    activity = ActivityFactory(branch=county.branches["J"])
    activity_evidence_add(acting_user=alice, activity=activity,
                          files=[upload("补充照片.png", PNG_BYTES)])
    assert list(activity.evidence.values_list("original_name", flat=True)) == ["补充照片.png"]
    with pytest.raises(PermissionDenied):
        activity_evidence_add(acting_user=carol, activity=activity,
                              files=[upload("a.png", PNG_BYTES)])
    with pytest.raises(ValidationError):
        activity_evidence_add(acting_user=eve, activity=activity,
                              files=[upload("b.png", PNG_BYTES)])
    assert activity.evidence.count() == 1


# Corrections ---------------------------------------------------------------------------


def update(user, activity, **kwargs):
    values = {"branch": activity.branch, "date": activity.date, "kind": activity.kind,
              "title": activity.title, "attendees": activity.attendees,
              "description": activity.description, "school_branch": activity.school_branch}
    return activity_update(acting_user=user, activity=activity, **{**values, **kwargs})


def test_correcting_an_activity_keeps_the_rules_and_records_who_changed_it(county, alice):
    activity = record(alice, county.branches["J"])
    update(alice, activity, kind=PAIRING, school_branch=county.school_branch, attendees=30)
    saved = Activity.objects.get(pk=activity.pk)
    assert (saved.kind, saved.school_branch, saved.attendees) == (
        PAIRING, county.school_branch, 30)
    assert saved.history.first().history_user == alice
    with pytest.raises(ValidationError):
        update(alice, saved, date=date(2025, 9, 1))
    # Saving an activity unchanged is not a duplicate of itself.
    update(alice, saved)


def test_an_activity_cannot_be_moved_to_a_branch_of_another_county(county, other_county,
                                                                   alice):
    activity = record(alice, county.branches["J"])
    with pytest.raises(ValidationError, match="不在您管辖的区划内"):
        update(alice, activity, branch=other_county.branches["J"])
    assert Activity.objects.get(pk=activity.pk).branch == county.branches["J"]
