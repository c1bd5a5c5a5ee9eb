"""Adding and correcting entries on the pages: form, confirmation, then the service."""

from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from partybuild.points.models import PointEntry
from tests.action_helpers import (
    carried_values,
    confirm,
    flashed,
    form_error_text,
    is_confirmation_page,
    page_text,
    preview,
)
from tests.factories_points import PointEntryFactory

TODAY = timezone.localdate()
LAST_YEAR = TODAY.year - 1
VALID = {"date": f"{LAST_YEAR}-10-15", "points": "2.5", "reason": "开展党建公益活动受到表彰"}


def add_url(institution) -> str:
    return reverse("points:entry_add", args=[institution.pk])


def correct_url(entry) -> str:
    return reverse("points:entry_correct", args=[entry.pk])


@pytest.fixture
def wrong(institution_a):
    return PointEntryFactory(institution=institution_a, date=date(LAST_YEAR, 4, 12),
                             points=Decimal("4.0"), reason="组织党员参加志愿服务")


# Adding -------------------------------------------------------------------------------------


def test_staff_add_an_entry_after_confirming_it(client, alice, institution_a):
    client.force_login(alice)
    assert client.get(add_url(institution_a)).status_code == 200
    response = preview(client, add_url(institution_a), VALID)
    assert is_confirmation_page(response)
    assert "将为“赫山区阳光艺术培训学校”加 2.5 分。" in page_text(response)
    assert f"计入 {LAST_YEAR} 年度" in page_text(response)
    assert not PointEntry.objects.exists()

    response = confirm(client, add_url(institution_a), carried_values(response))
    entry = PointEntry.objects.get()
    assert (entry.institution, entry.date, entry.points, entry.reason, entry.created_by) == (
        institution_a, date(LAST_YEAR, 10, 15), Decimal("2.5"), "开展党建公益活动受到表彰", alice)
    assert response.status_code == 302
    assert response.url == f"{reverse('points:ledger', args=[institution_a.pk])}?year={LAST_YEAR}"
    assert "已为“赫山区阳光艺术培训学校”录入积分 +2.5。" in flashed(response)


def test_a_deduction_reads_as_one_on_the_confirmation_page(client, alice, institution_a):
    client.force_login(alice)
    response = preview(client, add_url(institution_a),
                       VALID | {"points": "-1.5", "reason": "党建工作台账不规范"})
    assert "将为“赫山区阳光艺术培训学校”扣 1.5 分。" in page_text(response)


@pytest.mark.parametrize(("changes", "message"), [
    ({"date": (TODAY + timedelta(days=1)).isoformat()}, "日期不能晚于今天"),
    ({"points": "1.25"}, "最多保留一位小数"),
    ({"points": "0"}, "分值不能为0"),
    ({"reason": ""}, "这个字段是必填项"),
    ({"reason": "表彰"}, "至少 4 个字"),
])
def test_an_invalid_entry_goes_back_to_the_form_before_confirmation(client, alice,
                                                                     institution_a, changes,
                                                                     message):
    client.force_login(alice)
    response = preview(client, add_url(institution_a), VALID | changes)
    assert not is_confirmation_page(response)
    assert message in form_error_text(response)
    # Even a forged confirm writes nothing.
    response = confirm(client, add_url(institution_a), VALID | changes)
    assert message in form_error_text(response)
    assert not PointEntry.objects.exists()


@pytest.mark.parametrize("user_fixture", ["bob", "carol"])
def test_instructors_and_reviewers_get_403_on_the_add_page(client, request, institution_a,
                                                          user_fixture):
    client.force_login(request.getfixturevalue(user_fixture))
    assert client.get(add_url(institution_a)).status_code == 403
    assert confirm(client, add_url(institution_a), VALID).status_code == 403
    assert not PointEntry.objects.exists()


def test_the_outsider_gets_404_on_the_add_page(client, eve, institution_a):
    client.force_login(eve)
    assert client.get(add_url(institution_a)).status_code == 404
    assert confirm(client, add_url(institution_a), VALID).status_code == 404
    assert not PointEntry.objects.exists()


def test_anonymous_visitors_are_sent_to_login_from_the_actions(client, institution_a, wrong):
    for url in (add_url(institution_a), correct_url(wrong)):
        response = client.post(url, VALID | {"confirm": "1"})
        assert response.status_code == 302 and response.url.startswith(reverse("login"))
    assert PointEntry.objects.count() == 1


# Correcting -----------------------------------------------------------------------------------


def test_staff_correct_an_entry_with_a_reversing_entry(client, alice, wrong):
    client.force_login(alice)
    response = client.get(correct_url(wrong))
    assert response.status_code == 200
    assert response.context["form"]["date"].value() == wrong.date
    data = {"date": wrong.date.isoformat(), "reason": "分值录入错误，应为2分"}
    response = preview(client, correct_url(wrong), data)
    assert is_confirmation_page(response)
    assert "将录入一条 -4.0 分的更正记录" in page_text(response)

    response = confirm(client, correct_url(wrong), carried_values(response))
    assert response.status_code == 302
    correction = PointEntry.objects.get(corrects=wrong)
    assert (correction.points, correction.date, correction.reason, correction.created_by) == (
        Decimal("-4.0"), wrong.date, "分值录入错误，应为2分", alice)
    ledger = client.get(response.url).context["ledger"]
    assert ledger.net == Decimal("0")


def test_the_correct_page_of_an_already_corrected_entry_sends_back_to_the_ledger(client, alice,
                                                                                wrong):
    PointEntryFactory(institution=wrong.institution, date=wrong.date, points=-wrong.points,
                      corrects=wrong, reason="分值录入错误")
    client.force_login(alice)
    response = client.get(correct_url(wrong))
    assert response.status_code == 302
    assert any("不能重复更正" in message for message in flashed(response))
    response = confirm(client, correct_url(wrong), {"date": wrong.date.isoformat(),
                                                   "reason": "再更正一次"})
    assert "不能重复更正" in form_error_text(response)
    assert PointEntry.objects.count() == 2


def test_a_correction_dated_in_another_year_goes_back_to_the_form(client, alice, wrong):
    client.force_login(alice)
    response = preview(client, correct_url(wrong), {"date": f"{TODAY.year}-01-02",
                                                    "reason": "分值录入错误"})
    assert "与原记录同一年度" in form_error_text(response)
    assert PointEntry.objects.count() == 1


@pytest.mark.parametrize("user_fixture", ["bob", "carol"])
def test_instructors_and_reviewers_get_403_on_the_correct_page(client, request, wrong,
                                                              user_fixture):
    client.force_login(request.getfixturevalue(user_fixture))
    assert client.get(correct_url(wrong)).status_code == 403
    assert PointEntry.objects.count() == 1


def test_the_outsider_gets_404_on_the_correct_page(client, eve, wrong):
    client.force_login(eve)
    assert client.get(correct_url(wrong)).status_code == 404
    assert confirm(client, correct_url(wrong), {"date": wrong.date.isoformat(),
                                                "reason": "分值录入错误"}).status_code == 404
    assert PointEntry.objects.count() == 1
