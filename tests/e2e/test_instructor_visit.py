"""An instructor at the door, on a phone: log this month's "four ones" visit with a photo."""

import re
from datetime import date

import pytest
from django.utils import timezone

from partybuild.visits.models import Visit
from tests.factories import AssignmentFactory, InstitutionFactory

from .conftest import PHONE, assert_fits_width, expect, log_in, png_bytes

pytestmark = pytest.mark.e2e

ITEMS = {  # each of the four items, and the text the instructor types for it
    "上党课": ("党课主题", "学习贯彻党的二十大精神"),
    "讲政策": ("宣讲的政策", "校外培训监管政策"),
    "排隐患": ("排查内容", "消防通道、灭火器"),
    "核台账": ("核查的台账", "党员名册、三会一课记录"),
}


def test_an_instructor_logs_a_visit_with_a_photo_on_a_phone_and_the_month_fills_in(
        open_page, screenshots, media_root, bob, institution_a, county_a):
    other = InstitutionFactory(name="赫山区博雅培训学校", region=county_a)
    for institution in (institution_a, other):
        AssignmentFactory(instructor=bob.instructor, institution=institution,
                          start=date(2022, 1, 1))
    today = timezone.localdate()
    page = open_page(PHONE)

    # Opening the site leads to the login form.
    page.goto("/")
    expect(page).to_have_url(re.compile(r"/accounts/login/\?next=/$"))
    expect(page.get_by_role("heading", name="登录")).to_be_visible()
    assert_fits_width(page)
    screenshots.take(page, "login")

    log_in(page, "bob")
    expect(page.get_by_role("heading", name="我的本月“四个一”")).to_be_visible()
    expect(page.get_by_text("本月已完成“四个一”的机构：0 / 2")).to_be_visible()
    assert_fits_width(page)
    screenshots.take(page, "my-month")

    card = page.locator(".month-card", has_text=institution_a.name)
    card.get_by_role("link", name="记录走访").tap()
    expect(page.get_by_role("heading", name="记录走访")).to_be_visible()
    # The button opened the form on this institution and today.
    expect(page.get_by_label("机构")).to_have_value(str(institution_a.pk))
    expect(page.get_by_label("走访日期")).to_have_value(today.isoformat())
    assert_fits_width(page)
    screenshots.take(page, "visit-form")

    for item, (text_label, text) in ITEMS.items():
        page.get_by_label(item, exact=True).tap()
        # The item's text field shows once the item is ticked.
        page.get_by_label(text_label).fill(text)
    page.get_by_label("参加人数").fill("15")
    page.get_by_label("内容摘要").fill("全体教职工参加，学习后开展安全检查。")
    page.get_by_label("佐证材料").set_input_files(
        files=[{"name": "党课照片.png", "mimeType": "image/png", "buffer": png_bytes()}])
    assert_fits_width(page)
    screenshots.take(page, "visit-form-filled")

    page.get_by_role("button", name="保存走访记录").tap()
    expect(page.get_by_text(f"已保存 {today.isoformat()} 对“{institution_a.name}”的走访记录。")
           ).to_be_visible()
    expect(page.locator(".evidence-list")).to_contain_text("党课照片.png")
    assert_fits_width(page)
    screenshots.take(page, "visit-saved")

    # Back to "my month" through the phone menu.
    page.locator(".nav-toggle-label").tap()
    expect(page.get_by_label("菜单")).to_be_checked()
    menu = page.locator(".site-nav")
    expect(menu).to_be_visible()
    assert_fits_width(page)
    screenshots.take(page, "menu")
    menu.get_by_role("link", name="我的本月").tap()

    expect(page.get_by_text("本月已完成“四个一”的机构：1 / 2")).to_be_visible()
    expect(card.locator(".badge.ok")).to_have_text("本月已完成")
    expect(card.locator(".four-ones li.done")).to_have_count(4)
    expect(card.get_by_text("本月走访 1 次")).to_be_visible()
    expect(card.get_by_role("link", name="今天已记录，修改走访")).to_be_visible()
    expect(page.locator(".month-card", has_text=other.name).locator(".badge.warn")
           ).to_have_text("已完成 0/4")
    assert_fits_width(page)
    screenshots.take(page, "my-month-filled")

    visit = Visit.objects.get(institution=institution_a)
    assert (visit.date, visit.instructor, visit.recorded_by) == (today, bob.instructor, bob)
    assert visit.lesson and visit.policy and visit.hazard_check and visit.ledger
    assert visit.lesson_topic == "学习贯彻党的二十大精神"
    assert visit.attendees == 15
    [photo] = visit.evidence.all()
    assert (photo.original_name, photo.content_type) == ("党课照片.png", "image/png")
    assert photo.file.path.startswith(str(media_root))
    assert photo.file.read() == png_bytes()
