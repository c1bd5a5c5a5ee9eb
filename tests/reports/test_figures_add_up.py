"""Figures add up (issue 12): every regional breakdown has a 本级 line for the institutions
registered at the region itself, so its lines sum to the region's figures; hazards are 逾期
only once the deadline is past; deductions carry their minus sign; every PDF page is numbered
第 N 页 共 M 页 and the reports end with a signature block."""

from datetime import date, timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from partybuild.organisation.models import Region
from partybuild.reports.builders import institution_report, region_report
from partybuild.reports.pdf import institution_report_pdf, region_report_pdf
from partybuild.visits.models import Hazard
from tests.factories import CoverageFactory, InstitutionFactory, RegionFactory

from .conftest import YEAR
from .pdf_text import pdf_text


@pytest.fixture
def own_level(small_city, city, county_a):
    """An institution registered at the city itself and one in a street of 赫山区, both
    scored: the city's and the county's own institutions need their 本级 line."""
    street = RegionFactory(code="430903001", name="会龙山街道", level="street", parent=county_a)
    at_city = InstitutionFactory(region=city, name="市直机构", opened_on=date(2019, 1, 1))
    in_street = InstitutionFactory(region=street, name="街道机构", opened_on=date(2019, 1, 1))
    return at_city, in_street


def assert_lines_add_up(report):
    assert report.districts, report.region_name
    assert sum(line.institutions for line in report.districts) == report.scored
    assert sum(line.red_list for line in report.districts) == len(report.red_list)
    assert sum(line.total_sum for line in report.districts) == sum(
        line.total for line in report.ranking)
    total = report.districts_total
    assert (total.institutions, total.average_total) == (report.scored, report.average_total)


def test_the_lines_of_every_region_report_add_up_to_the_region(own_level):
    for region in Region.objects.filter(children__isnull=False).distinct():
        assert_lines_add_up(region_report(region=region, year=YEAR))


def test_the_city_and_the_county_have_their_own_level_line(own_level, city, county_a):
    city_report = region_report(region=city, year=YEAR)
    assert [(line.name, line.institutions, line.own_level)
            for line in city_report.districts] == [
        ("益阳市（本级）", 1, True), ("资阳区", 1, False), ("赫山区", 3, False)]
    county = region_report(region=county_a, year=YEAR)
    assert [(line.name, line.institutions) for line in county.districts] == [
        ("赫山区（本级）", 2), ("会龙山街道", 1)]


def test_the_dashboard_lines_add_up_and_show_the_own_level_line(client, own_level, dave,
                                                                county_a):
    client.force_login(dave)
    for code in ("430900", "430903"):
        response = client.get(reverse("reports:dashboard"), {"year": YEAR, "region": code})
        assert response.status_code == 200
        assert_lines_add_up(response.context["report"])
    assert "赫山区（本级）" in response.content.decode()
    assert response.context["charts"]["districts"]["labels"][0] == "赫山区（本级）"


def test_the_region_pdf_lists_the_own_level_line(own_level, city):
    report = region_report(region=city, year=YEAR)
    text = pdf_text(region_report_pdf(report))
    assert "益阳市（本级）1" in text
    assert f"合计{report.scored}" in text


# 逾期 only past the deadline ----------------------------------------------------------------


def test_a_hazard_whose_deadline_has_not_passed_is_not_overdue(client, county_a, alice):
    today = timezone.localdate()
    institution = InstitutionFactory(region=county_a, opened_on=date(2019, 1, 1))
    CoverageFactory(institution=institution, start=date(2019, 1, 1))
    Hazard.objects.create(institution=institution, found_on=today, category="fire",
                          severity="general", description="安全出口指示灯损坏",
                          deadline=today + timedelta(days=20))
    Hazard.objects.create(institution=institution, found_on=today - timedelta(days=1),
                          category="fire", severity="general", description="灭火器过期",
                          deadline=today - timedelta(days=1))
    client.force_login(alice)
    content = client.get(reverse("scoring:score_detail",
                                 args=[today.year, institution.pk])).content.decode()
    assert "安全出口指示灯损坏" in content
    pending = content.split("安全出口指示灯损坏")[1].split("</tr>")[0]
    assert "未到期" in pending and "逾期" not in pending
    overdue = content.split("灭火器过期")[1].split("</tr>")[0]
    assert "逾期" in overdue
    # Only the one whose deadline has passed counts as overdue today.
    assert f"截至 {today.isoformat()} 已有 1 处隐患逾期未整改" in content
    text = pdf_text(institution_report_pdf(institution_report(institution=institution,
                                                              year=today.year)))
    assert "安全出口指示灯损坏" in text
    assert "未整改未到期" in text.split("安全出口指示灯损坏")[1][:20]
    assert "未整改逾期" in text.split("灭火器过期")[1][:20]


# Deductions carry their sign ---------------------------------------------------------------


def test_deductions_are_negative_on_the_score_list_and_the_csv_keeps_the_amount(
        client, small_city, dave):
    from partybuild.scoring.services import scores_recompute

    scores_recompute(acting_user=dave, year=YEAR)
    client.force_login(dave)
    url = reverse("scoring:score_list", args=[YEAR])
    content = client.get(url).content.decode()
    assert ">-10.00</td>" in content
    csv = client.get(url, {"_export": "csv"}).content.decode("utf-8-sig")
    assert ",10.00," in csv and "-10.00" not in csv


# PDFs: page numbers and the signature block ----------------------------------------------


def test_every_pdf_page_says_which_page_of_how_many_and_the_report_ends_signed(small_city,
                                                                               city):
    text = pdf_text(region_report_pdf(region_report(region=city, year=YEAR)))
    pages = text.count("页共")
    assert pages >= 2
    for page in range(1, pages + 1):
        assert f"第{page}页共{pages}页" in text
    assert "审核人：" in text and "日期：" in text and "单位盖章：" in text
    good, _weak, _other = small_city
    text = pdf_text(institution_report_pdf(institution_report(institution=good, year=YEAR)))
    assert "审核人：" in text and "单位盖章：" in text
    assert "第1页共" in text
