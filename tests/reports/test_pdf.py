"""The PDFs carry the builders' figures: extract their text and find them in it."""

import io
from datetime import date

from django.core.management import call_command

from partybuild.organisation.models import Institution
from partybuild.reports.builders import duty_cards, institution_report, region_report
from partybuild.reports.pdf import (
    FONT_NAME,
    duty_cards_pdf,
    institution_report_pdf,
    region_report_pdf,
    scores_pdf,
)
from partybuild.scoring.engine import score_region

from .conftest import YEAR
from .pdf_text import fonts, pdf_text, squeeze


def test_region_pdf_contains_the_summary_the_chart_rates_and_the_ranking(small_city, city):
    content = region_report_pdf(region_report(region=city, year=YEAR))
    assert content.startswith(b"%PDF")
    text = pdf_text(content)
    for needle in (
        "益阳市2024年度校外培训机构党建工作报告",
        "截至2024年12月31日，益阳市共有在办校外培训机构3家，其中已被党组织覆盖2家",
        "走访12次，其中以案说法6次",
        "参与党建评分的机构3家，平均总分44.17分",
        # Summary table, monthly rates (four ones, then coverage), districts, grades.
        "在办机构3已覆盖机构2",
        "完成率%" + "50.0" * 6 + "33.3" * 6,
        "覆盖率%" + "50.0" * 6 + "66.7" * 6,
        "资阳区10.015.000", "赫山区2100.058.751",
        "机构数1002",
        # Red list, then the full ranking in the appendix.
        "红名单（1家）",
        "1甲机构", "90.00优秀", "2乙机构", "27.50不合格", "3丙机构", "15.00不合格",
        "第1页", "第2页",
    ):
        assert squeeze(needle) in text, needle


def test_pdfs_use_only_the_embedded_cjk_truetype_font(small_city, city):
    good, _weak, _other = small_city
    for content in (
        region_report_pdf(region_report(region=city, year=YEAR)),
        institution_report_pdf(institution_report(institution=good, year=YEAR)),
        duty_cards_pdf(duty_cards(institutions=Institution.objects.all(), day=date(YEAR, 12, 31))),
        scores_pdf(score_region(region_path=city.path, year=YEAR), YEAR),
    ):
        used = fonts(content)
        assert {name.split("-")[0] for name in used} == {FONT_NAME}
        assert all(used.values()), used


def test_institution_pdf_has_the_breakdown_month_grid_activities_and_inspection(small_city):
    good, _weak, _other = small_city
    text = pdf_text(institution_report_pdf(institution_report(institution=good, year=YEAR)))
    for needle in (
        "甲机构2024年度党建工作报告", good.credit_code,
        "总分90.00分，等级：优秀；进入红名单",
        "组织覆盖20.0020.00计分月12个，其中被覆盖12个",
        "四个一40.0040.00完成48项/应完成48项",
        "1月✓✓✓✓4/4赫山区培训机构联合党支部",
        "计入的党建活动（12次）", "2024-12-09", "12月活动",
        "本年度没有发现隐患",
        "办学条件20%80.00教室宽敞明亮", "综合得分100%86.00合格", "年检结果：合格",
    ):
        assert squeeze(needle) in text, needle


def test_institution_pdf_lists_hazards_and_months_out_of_scope(small_city):
    _good, weak, _other = small_city
    text = pdf_text(institution_report_pdf(institution_report(institution=weak, year=YEAR)))
    assert "1月不计分" in text and "7月××××0/4" in text
    assert "2024-08-01消防一般灭火器过期2024-08-312024-08-20是" in text
    assert "违规扣分—-10.00查实线索1条" in text
    assert "本年度尚未开展年检" in text


def test_duty_card_pdf_names_the_instructor_and_the_four_duties(small_city):
    good, _weak, _other = small_city
    cards = duty_cards(institutions=Institution.objects.filter(pk=good.pk), day=date(YEAR, 12, 31))
    text = pdf_text(duty_cards_pdf(cards))
    assert "党建指导员职责" in text and "甲机构" in text
    assert "刘红赫山区第一中学副校长13900001111" in text
    for duty in ("上党课", "讲政策", "排隐患", "核台账"):
        assert duty in text


def test_duty_cards_print_one_institution_per_page(small_city):
    cards = duty_cards(institutions=Institution.objects.all(), day=date(YEAR, 12, 31))
    text = pdf_text(duty_cards_pdf(cards))
    assert "第3页" in text and "第4页" not in text
    assert "指导员：待派驻" in text


def test_annual_scores_writes_a_pdf_with_names_and_totals(small_city, city, tmp_path):
    good, weak, other = small_city
    target = tmp_path / "scores.pdf"
    stderr = io.StringIO()
    call_command("annual_scores", "--year", str(YEAR), "--output", str(target), stderr=stderr)
    assert "3 家机构的 2024 年评分已写入" in stderr.getvalue()
    text = pdf_text(target.read_bytes())
    assert "2024年度机构党建评分" in text
    assert f"{good.credit_code}甲机构430903" in text
    assert "20.005.0040.0015.0010.000.000.0090.00优秀1" in text
    assert f"{weak.credit_code}乙机构" in text and "27.50不合格0" in text
    assert f"{other.credit_code}丙机构430902" in text and "15.00不合格0" in text
    assert text.index("甲机构") < text.index("乙机构") < text.index("丙机构")
