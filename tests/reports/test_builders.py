"""The builders' numbers, exactly, on the small city of conftest.py."""

from datetime import UTC, date, datetime
from decimal import Decimal

from django.db import connection
from django.test.utils import CaptureQueriesContext

from partybuild.organisation.models import Institution
from partybuild.reports.builders import (
    FOUR_DUTIES,
    duty_cards,
    institution_report,
    region_report,
    summary_sentences,
)
from partybuild.scoring.models import Inspection
from partybuild.visits.models import Hazard, Visit
from tests.factories import (
    AssignmentFactory,
    BranchFactory,
    CoverageFactory,
    InstitutionFactory,
    InstructorFactory,
)

from .conftest import YEAR


def rates(lines) -> list[tuple[int, int, Decimal]]:
    return [(line.in_scope, line.count, line.rate) for line in lines]


def test_monthly_four_ones_completion_is_the_share_of_institutions_with_all_four_items(
        small_city, city):
    report = region_report(region=city, year=YEAR)
    # Only 甲 completes the four items; 乙 enters the scope in July.
    assert rates(report.four_ones_completion) == (
        [(2, 1, Decimal("50.0"))] * 6 + [(3, 1, Decimal("33.3"))] * 6)


def test_monthly_coverage_rate_counts_institutions_covered_on_the_15th(small_city, city):
    report = region_report(region=city, year=YEAR)
    # 丙 is never covered; 乙 is covered from its opening on 1 July.
    assert rates(report.coverage) == [(2, 1, Decimal("50.0"))] * 6 + [(3, 2, Decimal("66.7"))] * 6


def test_districts_compare_coverage_average_total_and_red_list(small_city, city):
    report = region_report(region=city, year=YEAR)
    assert [(line.code, line.name, line.institutions, line.coverage_rate, line.average_total,
             line.red_list) for line in report.districts] == [
        ("430902", "资阳区", 1, Decimal("0.0"), Decimal("15.00"), 0),
        ("430903", "赫山区", 2, Decimal("100.0"), Decimal("58.75"), 1),
    ]


def test_grades_ranking_and_red_list_of_the_city(small_city, city):
    good, weak, other = small_city
    report = region_report(region=city, year=YEAR)
    assert report.grades == [("优秀", 1), ("良好", 0), ("合格", 0), ("不合格", 2)]
    assert [(line.rank, line.name, line.region_name, line.total, line.grade)
            for line in report.ranking] == [
        (1, "甲机构", "赫山区", Decimal("90.00"), "优秀"),
        (2, "乙机构", "赫山区", Decimal("27.50"), "不合格"),
        (3, "丙机构", "资阳区", Decimal("15.00"), "不合格"),
    ]
    assert [line.institution_id for line in report.red_list] == [good.pk]
    assert (report.scored, report.average_total) == (3, Decimal("44.17"))


def test_the_region_report_carries_the_summary_figures(small_city, city):
    figures = region_report(region=city, year=YEAR).figures
    assert (figures.institutions, figures.covered_institutions, figures.visits,
            figures.case_talks, figures.activities, figures.pairing_activities,
            figures.red_list) == (3, 2, 12, 6, 12, 3, 1)


def test_a_county_report_covers_only_its_institutions_and_has_no_districts(small_city,
                                                                             county_a):
    report = region_report(region=county_a, year=YEAR)
    assert [line.name for line in report.ranking] == ["甲机构", "乙机构"]
    assert report.districts == []
    assert report.figures.institutions == 2


def test_summary_sentences_write_out_the_figures(small_city, city):
    report = region_report(region=city, year=YEAR)
    text = "".join(summary_sentences(report.figures, "益阳市"))
    assert "截至2024年12月31日，益阳市共有在办校外培训机构 3 家，其中已被党组织覆盖 2 家" in text
    assert "走访 12 次，其中以案说法 6 次" in text
    assert "1 家机构进入红名单" in text


def test_institution_report_explains_each_item_of_the_score(small_city):
    good, _weak, _other = small_city
    report = institution_report(institution=Institution.objects.get(pk=good.pk), year=YEAR)
    assert report.score.total == Decimal("90.00") and report.score.grade == "优秀"
    assert [(line.label, line.points) for line in report.breakdown] == [
        ("组织覆盖", Decimal("20.00")), ("党建入章程", Decimal("5.00")),
        ("四个一", Decimal("40.00")), ("组织生活", Decimal("15.00")),
        ("隐患整改", Decimal("10.00")), ("红名单积分", Decimal("0.00")),
        ("违规扣分", Decimal("0.00")),
    ]
    assert report.breakdown[2].basis == "完成 48 项 / 应完成 48 项"
    assert all(line.in_scope and line.done == 4 for line in report.months)
    assert report.months[0].covering_branch == "赫山区培训机构联合党支部"
    assert [line.title for line in report.activities] == [f"{m}月活动" for m in range(1, 13)]
    assert report.hazards == []


def test_institution_report_shows_the_inspection_sections_overall_and_result(small_city):
    good, _weak, _other = small_city
    inspection = institution_report(institution=good, year=YEAR).inspection
    assert [(section.label, section.score) for section in inspection.sections] == [
        ("党建工作", Decimal("90.00")), ("办学条件", Decimal("80")), ("教学管理", Decimal("90")),
        ("财务管理", Decimal("70")), ("安全管理", Decimal("100")),
    ]
    assert (inspection.overall, inspection.result) == (Decimal("86.00"), "合格")


def test_the_finalising_day_in_the_report_is_the_day_in_beijing(small_city):
    good, _weak, _other = small_city
    # 07:30 on 6 January in Beijing is still 5 January in UTC.
    Inspection.objects.filter(institution=good, year=YEAR).update(
        finalised_at=datetime(YEAR + 1, 1, 5, 23, 30, tzinfo=UTC))
    inspection = institution_report(institution=good, year=YEAR).inspection
    assert inspection.finalised_on == date(YEAR + 1, 1, 6)


def test_institution_report_of_a_half_year_marks_months_out_of_scope(small_city):
    _good, weak, _other = small_city
    report = institution_report(institution=weak, year=YEAR)
    assert [line.month for line in report.months if line.in_scope] == list(range(7, 13))
    assert report.score.total == Decimal("27.50") and report.inspection is None
    assert [(line.description, line.on_time) for line in report.hazards] == [("灭火器过期", True)]
    # Only the activities after 乙 joined the branch count: July to December.
    assert [line.date.month for line in report.activities] == list(range(7, 13))
    assert report.breakdown[-1].points == Decimal("-10.00")


def test_an_institution_with_no_month_in_scope_has_no_score(small_city, county_a):
    late = InstitutionFactory(region=county_a, opened_on=date(YEAR, 12, 20))
    report = institution_report(institution=late, year=YEAR)
    assert report.score is None and report.breakdown == []
    assert not any(line.in_scope for line in report.months)


def test_duty_cards_name_the_instructor_source_unit_and_phone(small_city):
    good, weak, other = small_city
    cards = duty_cards(institutions=Institution.objects.all(), day=date(YEAR, 12, 31))
    assert [card.institution_name for card in cards] == ["丙机构", "乙机构", "甲机构"]
    card = cards[2]
    assert [(person.name, person.source_org, person.phone) for person in card.instructors] == [
        ("刘红", "赫山区第一中学", "13900001111")]
    assert [duty for duty, _text in card.duties] == ["上党课", "讲政策", "排隐患", "核台账"]
    assert card.duties == FOUR_DUTIES
    assert cards[0].instructors == []


def test_duty_cards_leave_out_closed_institutions_and_ended_assignments(small_city, county_a):
    good, _weak, _other = small_city
    InstitutionFactory(region=county_a, name="已停办机构", closed_on=date(YEAR, 6, 30))
    AssignmentFactory(instructor=InstructorFactory(name="前任"), institution=good,
                      start=date(2020, 1, 1), end=date(YEAR, 3, 31))
    cards = duty_cards(institutions=Institution.objects.filter(region=county_a),
                       day=date(YEAR, 12, 31))
    assert [card.institution_name for card in cards] == ["乙机构", "甲机构"]
    assert [person.name for person in cards[1].instructors] == ["刘红"]


def grow(county, committee, count: int) -> None:
    """More institutions with every kind of record, so an N+1 query would show."""
    branch = BranchFactory(committee=committee, founded_on=date(2020, 1, 1))
    instructor = InstructorFactory()
    for _ in range(count):
        institution = InstitutionFactory(region=county)
        CoverageFactory(branch=branch, institution=institution, start=date(2020, 1, 1))
        AssignmentFactory(instructor=instructor, institution=institution)
        Visit.objects.create(instructor=instructor, institution=institution,
                             date=date(YEAR, 5, 5), lesson=True)
        Hazard.objects.create(institution=institution, found_on=date(YEAR, 5, 5),
                              deadline=date(YEAR, 6, 5), category="fire",
                              severity="general", description="通道堵塞")


def queries(build) -> int:
    with CaptureQueriesContext(connection) as context:
        build()
    return len(context)


def test_builders_run_a_constant_number_of_queries(small_city, city, county_b, committee_b):
    good, _weak, _other = small_city
    day = date(YEAR, 12, 31)
    before = (queries(lambda: region_report(region=city, year=YEAR)),
              queries(lambda: institution_report(institution=good, year=YEAR)),
              queries(lambda: duty_cards(institutions=Institution.objects.all(), day=day)))
    grow(county_b, committee_b, 60)
    after = (queries(lambda: region_report(region=city, year=YEAR)),
             queries(lambda: institution_report(institution=good, year=YEAR)),
             queries(lambda: duty_cards(institutions=Institution.objects.all(), day=day)))
    assert after == before
    assert after[0] <= 30 and after[1] <= 15 and after[2] == 2


def test_a_running_years_summary_is_as_of_today_and_english_dates_are_english(small_city,
                                                                            city):
    from django.utils import timezone, translation

    running = region_report(region=city, year=timezone.localdate().year)
    assert "".join(summary_sentences(running.figures, "益阳市")).startswith("截至今日，")
    report = region_report(region=city, year=YEAR)
    with translation.override("en"):
        text = "".join(summary_sentences(report.figures, "Yiyang"))
    assert text.startswith("As of Dec. 31, 2024, Yiyang")
    with translation.override("en"):
        assert "".join(summary_sentences(running.figures, "Yiyang")).startswith("As of today,")
