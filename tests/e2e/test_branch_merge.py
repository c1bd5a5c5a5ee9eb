"""Committee staff merge two branches (调优) and the coverage moves to the surviving branch."""

from datetime import date, timedelta

import pytest
from django.utils import timezone

from partybuild.organisation.models import Coverage, Membership
from tests.factories import (
    BranchFactory,
    CoverageFactory,
    InstitutionFactory,
    MemberFactory,
    MembershipFactory,
)

from .conftest import DESKTOP, expect, log_in

pytestmark = pytest.mark.e2e


def test_staff_merge_a_branch_and_its_institutions_show_the_surviving_branch(
        open_page, screenshots, alice, committee_a, county_a, institution_a):
    merged = BranchFactory(name="赫山区第二联合党支部", committee=committee_a,
                           founded_on=date(2021, 3, 1))
    surviving = BranchFactory(name="赫山区第一联合党支部", committee=committee_a,
                              founded_on=date(2020, 6, 1))
    second = InstitutionFactory(name="赫山区博雅培训学校", region=county_a)
    kept = InstitutionFactory(name="赫山区星辰科技培训中心", region=county_a)
    for institution in (institution_a, second):
        CoverageFactory(branch=merged, institution=institution, start=date(2022, 1, 1))
    CoverageFactory(branch=surviving, institution=kept, start=date(2022, 1, 1))
    MembershipFactory(member=MemberFactory(name="王芳"), branch=merged, start=date(2022, 1, 1))
    today = timezone.localdate()
    yesterday = today - timedelta(days=1)
    page = open_page(DESKTOP)

    page.goto("/")
    log_in(page, "alice")
    page.locator(".site-nav").get_by_role("link", name="党支部").click()
    expect(page.get_by_role("heading", name="党支部")).to_be_visible()
    screenshots.take(page, "branch-list")

    page.get_by_role("link", name=merged.name).click()
    expect(page.get_by_role("heading", name=merged.name)).to_contain_text("存续")
    screenshots.take(page, "merged-branch-before")

    page.get_by_role("link", name="合并到其他支部").click()
    expect(page.get_by_role("heading", name="合并党支部")).to_be_visible()
    page.get_by_label("并入支部").select_option(label=surviving.name)
    page.get_by_label("合并生效日期").fill(today.isoformat())
    screenshots.take(page, "merge-form")
    page.get_by_role("button", name="下一步").click()

    # The confirmation step says what will move, and nothing has been written yet.
    expect(page.get_by_role("heading", name="请确认：合并党支部")).to_be_visible()
    headline = page.locator(".confirm-headline")
    expect(headline).to_contain_text(f"把“{merged.name}”合并到“{surviving.name}”")
    expect(headline).to_contain_text("以下 2 家机构的覆盖、1 名党员的组织关系")
    expect(page.locator(".confirm-details")).to_contain_text(institution_a.name)
    expect(page.locator(".confirm-details")).to_contain_text(second.name)
    screenshots.take(page, "merge-confirm")
    assert Coverage.objects.filter(branch=surviving).count() == 1
    page.get_by_role("button", name="确认").click()

    # The surviving branch's page: it now covers all three institutions.
    expect(page.get_by_text(f"已将“{merged.name}”合并到“{surviving.name}”。")).to_be_visible()
    expect(page.get_by_role("heading", name=surviving.name)).to_be_visible()
    covered = page.locator(".figure", has_text="覆盖机构").locator(".value")
    expect(covered).to_have_text("3")
    for institution in (institution_a, second):
        row = page.locator("tr", has=page.get_by_role("link", name=institution.name))
        expect(row).to_contain_text(today.isoformat())
        expect(row).to_contain_text("覆盖中")
    expect(page.locator("tr", has_text="王芳")).to_contain_text("在册")
    screenshots.take(page, "surviving-branch-after")

    # The institution's page names the surviving branch; the merged one's coverage has ended.
    page.get_by_role("link", name=institution_a.name).click()
    expect(page.get_by_role("heading", name=institution_a.name)).to_be_visible()
    today_card = page.locator(".card", has_text="覆盖支部")
    expect(today_card.get_by_role("link", name=surviving.name)).to_be_visible()
    history = page.locator(".card", has_text="支部覆盖历史")
    expect(history.locator("tr", has_text=merged.name)).to_contain_text(yesterday.isoformat())
    expect(history.locator("tr", has_text=merged.name)).to_contain_text("已结束")
    expect(history.locator("tr", has_text=surviving.name)).to_contain_text("覆盖中")
    screenshots.take(page, "institution-after")

    history.get_by_role("link", name=merged.name).click()
    expect(page.get_by_role("heading", name=merged.name)).to_contain_text("已撤销")
    expect(page.locator("dl.details")).to_contain_text(yesterday.isoformat())
    screenshots.take(page, "merged-branch-after")

    merged.refresh_from_db()
    assert merged.dissolved_on == yesterday
    holding = Coverage.objects.holding_on(today).filter(
        institution__in=[institution_a, second, kept])
    assert sorted(holding.values_list("institution__name", "branch__name")) == sorted([
        (institution_a.name, surviving.name), (second.name, surviving.name),
        (kept.name, surviving.name)])
    assert not Coverage.objects.filter(branch=merged, end__isnull=True).exists()
    assert Membership.objects.holding_on(today).get(member__name="王芳").branch == surviving
