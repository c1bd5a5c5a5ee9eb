"""The points services: who may add, what they may add, and how a correction reverses."""

from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from partybuild.points.models import PointEntry
from partybuild.points.selectors import ledger
from partybuild.points.services import point_entry_add, point_entry_correct
from tests.factories import InstitutionFactory
from tests.factories_points import PointEntryFactory

TODAY = timezone.localdate()
LAST_YEAR = TODAY.year - 1


def add(user, institution, **changes):
    values = {"date": date(LAST_YEAR, 6, 1), "points": Decimal("2.5"),
              "reason": "开展党建公益活动受到表彰"} | changes
    return point_entry_add(acting_user=user, institution=institution, **values)


def messages_of(error: ValidationError) -> str:
    return " ".join(error.messages)


# Adding ---------------------------------------------------------------------------------------


def test_staff_add_an_entry_that_records_who_added_it(alice, institution_a):
    entry = add(alice, institution_a, points=Decimal("-1.5"), reason="党建工作台账不规范")
    entry = PointEntry.objects.get(pk=entry.pk)
    assert (entry.institution, entry.points, entry.reason) == (institution_a, Decimal("-1.5"),
                                                               "党建工作台账不规范")
    assert entry.created_by == alice
    assert entry.corrects is None


def test_an_administrator_of_the_city_adds_an_entry_in_any_county(dave, institution_b):
    add(dave, institution_b)
    assert PointEntry.objects.filter(institution=institution_b).count() == 1


@pytest.mark.parametrize("user_fixture", ["bob", "carol"])
def test_instructors_and_reviewers_may_not_add_entries(request, institution_a, user_fixture):
    with pytest.raises(PermissionDenied):
        add(request.getfixturevalue(user_fixture), institution_a)
    assert not PointEntry.objects.exists()


def test_staff_may_not_add_an_entry_for_another_countys_institution(eve, institution_a):
    with pytest.raises(ValidationError) as error:
        add(eve, institution_a)
    assert "不在您管辖的区划内" in messages_of(error.value)
    assert not PointEntry.objects.exists()


@pytest.mark.parametrize(("changes", "field", "message"), [
    ({"date": TODAY + timedelta(days=1)}, "date", "日期不能晚于今天"),
    ({"date": date(2019, 12, 31)}, "date", "才开办"),
    ({"points": Decimal("1.25")}, "points", "最多保留一位小数"),
    ({"points": Decimal("0")}, "points", "分值不能为0"),
    ({"points": Decimal("-0.0")}, "points", "分值不能为0"),
    ({"points": Decimal("10.5")}, "points", "绝对值不能超过 10 分"),
    ({"points": Decimal("-11")}, "points", "绝对值不能超过 10 分"),
    ({"reason": ""}, "reason", "请写明事由"),
    ({"reason": "   "}, "reason", "请写明事由"),
    ({"reason": "表彰"}, "reason", "至少 4 个字"),
])
def test_an_invalid_entry_is_refused_with_a_chinese_message_and_nothing_is_written(
        alice, institution_a, changes, field, message):
    with pytest.raises(ValidationError) as error:
        add(alice, institution_a, **changes)
    assert message in " ".join(error.value.message_dict[field])
    assert not PointEntry.objects.exists()


def test_an_entry_after_the_institution_closed_is_refused(alice, county_a):
    closed = InstitutionFactory(region=county_a, closed_on=date(LAST_YEAR, 3, 31))
    with pytest.raises(ValidationError) as error:
        add(alice, closed, date=date(LAST_YEAR, 4, 1))
    assert "已于" in messages_of(error.value) and "停办" in messages_of(error.value)
    add(alice, closed, date=date(LAST_YEAR, 3, 31))
    assert PointEntry.objects.filter(institution=closed).count() == 1


def test_one_decimal_written_with_a_trailing_zero_is_accepted(alice, institution_a):
    entry = add(alice, institution_a, points=Decimal("1.50"))
    assert PointEntry.objects.get(pk=entry.pk).points == Decimal("1.5")


def test_the_reason_is_stored_without_surrounding_spaces(alice, institution_a):
    entry = add(alice, institution_a, reason="  组织党员参加志愿服务  ")
    assert PointEntry.objects.get(pk=entry.pk).reason == "组织党员参加志愿服务"


def test_the_same_reason_twice_on_the_same_day_is_refused(alice, institution_a):
    add(alice, institution_a)
    with pytest.raises(ValidationError) as error:
        add(alice, institution_a, points=Decimal("1"))
    assert "已有事由相同的积分记录" in messages_of(error.value)
    assert PointEntry.objects.count() == 1


# Correcting ------------------------------------------------------------------------------------


def test_a_correction_is_a_reversing_entry_that_brings_the_pair_to_zero(alice, institution_a):
    wrong = add(alice, institution_a, points=Decimal("3.5"))
    add(alice, institution_a, date=date(LAST_YEAR, 7, 1), points=Decimal("-1"),
        reason="党建工作台账不规范")
    correction = point_entry_correct(acting_user=alice, entry=wrong, reason="分值录入错误")

    correction = PointEntry.objects.get(pk=correction.pk)
    assert correction.points == Decimal("-3.5")
    assert correction.corrects == wrong
    assert correction.date == wrong.date
    assert correction.created_by == alice
    # The corrected entry itself is untouched.
    assert PointEntry.objects.get(pk=wrong.pk).points == Decimal("3.5")
    assert ledger(user=alice, institution_pk=institution_a.pk, year=LAST_YEAR).net == Decimal("-1")


def test_a_correction_may_be_dated_later_in_the_same_year_but_not_in_another(alice,
                                                                            institution_a):
    wrong = add(alice, institution_a)
    with pytest.raises(ValidationError) as error:
        point_entry_correct(acting_user=alice, entry=wrong, reason="分值录入错误",
                            date=date(LAST_YEAR + 1, 1, 5))
    assert "与原记录同一年度" in messages_of(error.value)
    with pytest.raises(ValidationError):
        point_entry_correct(acting_user=alice, entry=wrong, reason="分值录入错误",
                            date=date(LAST_YEAR, 5, 31))
    assert PointEntry.objects.count() == 1
    correction = point_entry_correct(acting_user=alice, entry=wrong, reason="分值录入错误",
                                     date=date(LAST_YEAR, 12, 20))
    assert correction.date == date(LAST_YEAR, 12, 20)


def test_an_entry_cannot_be_corrected_twice(alice, institution_a):
    wrong = add(alice, institution_a)
    point_entry_correct(acting_user=alice, entry=wrong, reason="分值录入错误")
    with pytest.raises(ValidationError) as error:
        point_entry_correct(acting_user=alice, entry=wrong, reason="重复更正一次")
    assert "不能重复更正" in messages_of(error.value)
    assert PointEntry.objects.count() == 2


def test_a_correction_cannot_itself_be_corrected(alice, institution_a):
    wrong = add(alice, institution_a)
    correction = point_entry_correct(acting_user=alice, entry=wrong, reason="分值录入错误")
    with pytest.raises(ValidationError) as error:
        point_entry_correct(acting_user=alice, entry=correction, reason="更正的更正")
    assert "不能再被更正" in messages_of(error.value)
    assert PointEntry.objects.count() == 2


def test_the_database_refuses_a_second_correction_even_past_the_service(alice, institution_a):
    wrong = PointEntryFactory(institution=institution_a)
    PointEntryFactory(institution=institution_a, points=-wrong.points, corrects=wrong,
                      reason="分值录入错误")
    with pytest.raises(IntegrityError), transaction.atomic():
        PointEntryFactory(institution=institution_a, points=-wrong.points, corrects=wrong,
                          reason="再次更正")


@pytest.mark.parametrize("user_fixture", ["bob", "carol"])
def test_instructors_and_reviewers_may_not_correct(request, institution_a, user_fixture):
    wrong = PointEntryFactory(institution=institution_a)
    with pytest.raises(PermissionDenied):
        point_entry_correct(acting_user=request.getfixturevalue(user_fixture), entry=wrong,
                            reason="分值录入错误")
    assert PointEntry.objects.count() == 1


def test_staff_may_not_correct_another_countys_entry(eve, institution_a):
    wrong = PointEntryFactory(institution=institution_a)
    with pytest.raises(ValidationError):
        point_entry_correct(acting_user=eve, entry=wrong, reason="分值录入错误")
    assert PointEntry.objects.count() == 1


def test_a_correction_needs_a_reason(alice, institution_a):
    wrong = PointEntryFactory(institution=institution_a)
    with pytest.raises(ValidationError) as error:
        point_entry_correct(acting_user=alice, entry=wrong, reason=" ")
    assert "请写明事由" in messages_of(error.value)
    assert PointEntry.objects.count() == 1
