"""Committee staff close out several rectified hazards at once on a phone (375 px), ticking
them with "select all", confirming once; and a list printed as its A4 landscape print view.

The printed list is saved as a PDF and a screenshot under var/screenshots/ (not committed)."""

import re
from datetime import date
from pathlib import Path

import pytest
from django.conf import settings
from django.urls import reverse

from partybuild.visits.models import Hazard
from tests.factories import InstitutionFactory
from tests.factories_visits import HazardFactory

from .conftest import DESKTOP, PHONE, assert_fits_width, expect, log_in

pytestmark = pytest.mark.e2e


def test_staff_close_out_three_rectified_hazards_with_one_confirmation_on_a_phone(
        open_page, screenshots, alice, county_a):
    institution = InstitutionFactory(region=county_a, name="赫山区启航英语培训学校")
    rectified = [HazardFactory(institution=institution, found_on=date(2026, 11, 2),
                               rectified_on=date(2026, 11, 10), description=text)
                 for text in ("二楼消防通道堆放杂物", "灭火器过期未更换", "安全出口指示灯损坏")]
    still_open = HazardFactory(institution=institution, description="配电箱未上锁")
    page = open_page(PHONE)
    page.set_default_timeout(40_000)
    page.goto("/")
    log_in(page, "alice")
    page.goto(reverse("visits:hazard_list"))
    page.get_by_role("link", name="批量销号").tap()
    expect(page.get_by_role("heading", name="批量隐患销号")).to_be_visible()
    boxes = page.locator("input[name=ids]")
    expect(boxes).to_have_count(3)  # the open hazard is not offered
    page.get_by_label("全选本页").check()
    expect(page.get_by_text("已选 3 条")).to_be_visible()
    assert_fits_width(page)
    screenshots.take(page, "selected")
    page.get_by_label("销号日期").fill("2026-11-20")
    page.get_by_role("button", name="下一步").tap()
    expect(page.get_by_text("将处理以下 3 条记录")).to_be_visible()
    expect(page.locator(".confirm-details li")).to_have_count(3)
    assert_fits_width(page)
    screenshots.take(page, "confirm")
    page.get_by_role("button", name="确认处理 3 条").tap()
    expect(page.get_by_text("已为 3 条隐患销号，销号日期 2026-11-20。")).to_be_visible()
    screenshots.take(page, "done")
    assert all(Hazard.objects.get(pk=h.pk).closed_out_on == date(2026, 11, 20)
               for h in rectified)
    assert Hazard.objects.get(pk=still_open.pk).closed_out_on is None


def test_a_printed_list_holds_every_filtered_row_on_a4_landscape(open_page, alice, county_a):
    for n in range(60):
        InstitutionFactory(region=county_a, name=f"赫山区艺术培训学校{n:02d}", category="arts",
                           opened_on=date(2020, 1, 1))
    page = open_page(DESKTOP)
    page.set_default_timeout(40_000)
    page.goto("/")
    log_in(page, "alice")
    page.goto(reverse("organisation:institution_list") + "?category=arts")
    with page.expect_popup() as popup:
        page.get_by_role("link", name="打印").click()
    printed = popup.value
    printed.wait_for_load_state()
    expect(printed.get_by_text("筛选条件：类别：文化艺术")).to_be_visible()
    expect(printed.locator("tbody tr")).to_have_count(60)
    expect(printed.get_by_text("打印时间：")).to_be_visible()
    out = Path(settings.BASE_DIR) / "var" / "screenshots"
    out.mkdir(parents=True, exist_ok=True)
    printed.emulate_media(media="print")
    # Print media: the navigation and controls are gone, the table header repeats.
    expect(printed.get_by_role("button", name="打印")).to_be_hidden()
    printed.screenshot(path=str(out / "printed-list.png"), full_page=True)
    printed.pdf(path=str(out / "printed-list.pdf"), prefer_css_page_size=True,
                print_background=True)
    pdf = (out / "printed-list.pdf").read_bytes()
    assert pdf.startswith(b"%PDF")
    # Every page is A4 landscape: 842 × 595 points (to a point).
    boxes = re.findall(rb"/MediaBox \[0 0 ([\d.]+) ([\d.]+)\]", pdf)
    assert boxes
    assert all(abs(float(w) - 842) < 1 and abs(float(h) - 595) < 1 for w, h in boxes), boxes
