"""A reviewer adjusts the party-building score, finalises last year's inspection, gets the PDF."""

from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest
from django.utils import timezone

from partybuild.scoring.models import Inspection
from partybuild.scoring.services import (
    inspection_enter_section,
    inspection_get_or_create,
    scores_recompute,
)
from partybuild.visits.models import Visit
from tests.factories import (
    AssignmentFactory,
    BranchFactory,
    CoverageFactory,
    InstructorFactory,
)
from tests.reports.pdf_text import pdf_text

from .conftest import DESKTOP, expect, log_in

pytestmark = pytest.mark.e2e

REASON = "补充材料证明各月“四个一”已落实"
# The four sections the reviewer entered earlier; with the adjusted 86.50 the overall score
# is (86.50 + 90 + 85 + 80 + 95) / 5 = 87.30, 合格.
SECTIONS = {"conditions": 90, "teaching": 85, "finance": 80, "safety": 95}


@pytest.fixture
def last_years_inspection(alice, carol, committee_a, county_a, institution_a):
    """Last year's work at institution A, scored, with the reviewer's four sections entered."""
    year = timezone.localdate().year - 1
    branch = BranchFactory(name="赫山区第一联合党支部", committee=committee_a,
                           founded_on=date(year - 2, 1, 1))
    CoverageFactory(branch=branch, institution=institution_a, start=date(year - 1, 1, 1))
    instructor = InstructorFactory(name="刘洋", region=county_a)
    AssignmentFactory(instructor=instructor, institution=institution_a, start=date(year - 1, 1, 1))
    for month in range(1, 13):
        Visit.objects.create(instructor=instructor, institution=institution_a,
                             date=date(year, month, 10), lesson=True, lesson_topic="党史学习")
    scores_recompute(acting_user=alice, year=year)
    inspection = inspection_get_or_create(acting_user=carol, institution=institution_a,
                                          year=year)
    for section, score in SECTIONS.items():
        inspection = inspection_enter_section(acting_user=carol, inspection=inspection,
                                              section=section, score=Decimal(score),
                                              comment="检查情况良好")
    return inspection


def test_a_reviewer_adjusts_the_score_finalises_the_inspection_and_downloads_the_pdf(
        open_page, screenshots, carol, institution_a, last_years_inspection):
    year = last_years_inspection.year
    computed = last_years_inspection.party_building_computed
    assert computed is not None and computed != Decimal("86.50")
    page = open_page(DESKTOP)

    page.goto("/")
    log_in(page, "carol")
    page.locator(".site-nav").get_by_role("link", name="年度评分").click()
    expect(page.get_by_role("heading", name=f"{year}")).to_be_visible()
    screenshots.take(page, "score-list")

    page.get_by_role("link", name=institution_a.name).click()
    expect(page.locator(".subject")).to_contain_text(f"{year} 年度党建评分")
    page.get_by_role("link", name="年检", exact=True).click()
    expect(page.locator(".subject")).to_contain_text("未定稿")
    party_row = page.locator("tr", has_text="党建工作")
    expect(party_row).to_contain_text(f"计算得分：{computed}")
    screenshots.take(page, "inspection-before")

    party_row.get_by_role("link", name="复核").click()
    expect(page.get_by_role("heading", name="复核党建工作得分")).to_be_visible()
    page.get_by_label("复核后党建工作得分").fill("86.5")
    page.get_by_label("复核理由").fill(REASON)
    screenshots.take(page, "adjust-form")
    page.get_by_role("button", name="下一步").click()

    expect(page.get_by_text("已保存。")).to_be_visible()
    expect(party_row).to_contain_text("复核得分：86.50")
    expect(party_row).to_contain_text(f"复核理由：{REASON}")
    expect(page.locator(".figure", has_text="综合得分")).to_contain_text("87.30")
    expect(page.locator(".figure", has_text="年检结论")).to_contain_text("合格")
    screenshots.take(page, "inspection-adjusted")

    page.get_by_role("link", name="定稿").click()
    expect(page.get_by_role("heading", name="年检定稿")).to_be_visible()
    page.get_by_role("button", name="下一步").click()
    expect(page.get_by_role("heading", name="请确认：年检定稿")).to_be_visible()
    expect(page.locator(".confirm-headline")).to_contain_text(
        f"将对“{institution_a.name}” {year} 年度年检定稿。")
    expect(page.locator(".confirm-details")).to_contain_text("综合得分：87.30；结论：合格")
    screenshots.take(page, "finalise-confirm")
    page.get_by_role("button", name="确认").click()

    expect(page.get_by_text("年检已定稿。")).to_be_visible()
    expect(page.locator(".subject .badge.ok")).to_contain_text("由陈静定稿")
    expect(party_row.get_by_role("link", name="复核")).to_have_count(0)
    expect(page.get_by_role("link", name="定稿", exact=True)).to_have_count(0)
    screenshots.take(page, "inspection-finalised")

    # The annual report of that year, from the reports page.
    page.locator(".site-nav").get_by_role("link", name="报告").click()
    page.get_by_label("年度").select_option(str(year))
    page.get_by_role("button", name="查看").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text(f"{year} 年度党建工作报告")
    ranking_row = page.locator("tr", has=page.get_by_role("link", name=institution_a.name))
    screenshots.take(page, "reports")
    with page.expect_download() as download_info:
        ranking_row.get_by_role("link", name="年度报告").click()
    download = download_info.value
    assert download.suggested_filename == (
        f"institution-report-{institution_a.credit_code}-{year}.pdf")
    content = Path(download.path()).read_bytes()

    assert content.startswith(b"%PDF-")
    text = pdf_text(content)
    assert f"{institution_a.name}{year}年度党建工作报告" in text
    assert f"党建工作20%86.50{REASON}" in text
    assert "综合得分100%87.30合格" in text
    assert "年检结果：合格（" in text and "定稿）" in text

    inspection = Inspection.objects.get(pk=last_years_inspection.pk)
    assert inspection.is_finalised and inspection.finalised_by == carol
    assert inspection.party_building_adjusted == Decimal("86.50")
    assert inspection.adjustment_reason == REASON
    assert inspection.party_building_computed == computed
