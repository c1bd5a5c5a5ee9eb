"""Timeliness: entry delay, the on-time rate and where it is shown (grid, XLSX, reports)."""

import io
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import openpyxl
import pytest
from django.test import override_settings
from django.urls import reverse
from django.utils import timezone

from partybuild.imports.engine import run_import
from partybuild.imports.kinds import KINDS
from partybuild.organisation.models import Institution
from partybuild.visits.models import Visit
from partybuild.visits.templatetags.timeliness_tags import (
    on_time_for_instructor,
    on_time_for_region,
)
from partybuild.visits.timeliness import entry_delay, is_on_time, on_time_figures
from tests.factories import AssignmentFactory, InstitutionFactory, InstructorFactory, RegionFactory
from tests.factories_visits import VisitFactory
from tests.imports.conftest import csv_bytes
from tests.reports.pdf_text import pdf_text, squeeze

SHANGHAI = ZoneInfo("Asia/Shanghai")
GRID = reverse("visits:completeness")
ALL_FOUR = {"lesson": True, "policy": True, "hazard_check": True, "ledger": True}


def entered(visit: Visit, when: datetime) -> Visit:
    """Set the moment the visit was stored (auto_now_add cannot be given at creation)."""
    Visit.objects.filter(pk=visit.pk).update(created_at=when)
    visit.refresh_from_db()
    return visit


def complete_visit(institution, instructor, day: date, entered_at: datetime, **items) -> Visit:
    visit = VisitFactory(institution=institution, instructor=instructor, date=day,
                         **{**ALL_FOUR, **items})
    return entered(visit, entered_at)


def at(day: date, hour: int, minute: int = 0) -> datetime:
    return datetime(day.year, day.month, day.day, hour, minute, tzinfo=SHANGHAI)


def figures_of(institutions, first=date(2026, 11, 1), last=date(2026, 11, 30), path=None):
    return on_time_figures(institutions=institutions, first=first, last=last,
                           base_path=path or "/")


# Entry delay and the boundary ----------------------------------------------------------


@pytest.fixture
def street(county_a):
    return RegionFactory(code="430903001", name="桃花仑街道", level="street", parent=county_a)


@pytest.fixture
def zhou(county_a):
    return InstructorFactory(name="周敏", number="ZDY101", region=county_a)


@pytest.fixture
def li(county_a):
    return InstructorFactory(name="李波", number="ZDY102", region=county_a)


def test_five_days_is_on_time_and_six_is_late_by_the_day_in_shanghai(institution_a, zhou):
    five = complete_visit(institution_a, zhou, date(2026, 11, 2), at(date(2026, 11, 7), 23, 30))
    # 00:30 on the 7th in Shanghai is still the 6th in UTC: the day in Shanghai counts.
    six = complete_visit(institution_a, zhou, date(2026, 11, 1), at(date(2026, 11, 7), 0, 30))
    assert (entry_delay(five), is_on_time(five)) == (5, True)
    assert (entry_delay(six), is_on_time(six)) == (6, False)
    # The database agrees with Python on both.
    figures = figures_of(Institution.objects.all())
    assert (figures.total.counted, figures.total.on_time) == (2, 1)
    assert figures.total.display == "50.0%"


def test_same_day_entry_is_on_time_and_the_setting_moves_the_boundary(institution_a, zhou):
    complete_visit(institution_a, zhou, date(2026, 11, 2), at(date(2026, 11, 2), 18))
    complete_visit(institution_a, zhou, date(2026, 11, 3), at(date(2026, 11, 5), 9))
    assert figures_of(Institution.objects.all()).total.display == "100.0%"
    with override_settings(PARTYBUILD_ON_TIME_DAYS=1):
        figures = figures_of(Institution.objects.all())
        assert (figures.days, figures.total.on_time, figures.total.display) == (1, 1, "50.0%")


def test_no_counted_visit_shows_a_dash(institution_a, zhou):
    # An incomplete visit (only the lesson) is not counted; nor is one of another month.
    VisitFactory(institution=institution_a, instructor=zhou, date=date(2026, 11, 2))
    complete_visit(institution_a, zhou, date(2026, 10, 30), at(date(2026, 10, 30), 9))
    figures = figures_of(Institution.objects.all())
    assert figures.total.counted == 0 and figures.total.rate is None
    assert figures.total.display == "—"
    assert figures.for_instructor(zhou.pk).display == "—"


def test_imported_visits_count_as_entered_on_the_import_day(institution_a, zhou, alice):
    AssignmentFactory(instructor=zhou, institution=institution_a, start=date(2020, 1, 1))
    today = timezone.localdate()
    header = ["指导员编号", "统一社会信用代码", "走访日期", "上党课", "讲政策", "排隐患",
              "核台账", "以案说法", "内容摘要"]
    rows = [[zhou.number, institution_a.credit_code, (today - timedelta(days=days)).isoformat(),
             "是", "是", "是", "是", "", "补录"] for days in (5, 6)]
    result = run_import(KINDS["visits"], csv_bytes([header, *rows]), "visits.csv",
                        today=today, user=alice)
    assert result.ok
    by_delay = {entry_delay(visit): is_on_time(visit) for visit in Visit.objects.all()}
    assert by_delay == {5: True, 6: False}
    first = (today - timedelta(days=6)).replace(day=1)
    figures = figures_of(Institution.objects.all(), first=first, last=today)
    assert (figures.total.counted, figures.total.on_time) == (2, 1)


def test_rates_per_region_and_per_instructor(county_a, street, zhou, li):
    on_street = InstitutionFactory(name="桃花仑街道艺术培训学校", region=street)
    at_county = InstitutionFactory(name="赫山区体育培训中心", region=county_a)
    day = date(2026, 11, 10)
    complete_visit(on_street, zhou, day, at(day, 20))                        # on time
    complete_visit(on_street, li, day, at(day + timedelta(days=9), 9))      # late
    complete_visit(at_county, li, day + timedelta(days=1), at(day + timedelta(days=3), 9))
    complete_visit(at_county, li, day + timedelta(days=2), at(day + timedelta(days=8), 9))
    figures = figures_of(Institution.objects.all(), path=county_a.path)
    assert figures.for_region(street.code).display == "50.0%"
    assert figures.for_region(county_a.code).display == "50.0%"   # the county's own level
    assert figures.for_instructor(zhou.pk).display == "100.0%"
    assert figures.for_instructor(li.pk).display == "33.3%"
    assert [line.name for line in figures.instructor_lines] == ["李波", "周敏"]
    assert figures.total.display == "50.0%"


def test_one_query_whatever_the_number_of_institutions(county_a, zhou,
                                                       django_assert_num_queries):
    day = date(2026, 11, 10)
    for _n in range(3):
        complete_visit(InstitutionFactory(region=county_a), zhou, day, at(day, 9))
    with django_assert_num_queries(1):
        figures_of(Institution.objects.all())
    for _n in range(30):
        complete_visit(InstitutionFactory(region=county_a), zhou, day, at(day, 9))
    with django_assert_num_queries(1):
        assert figures_of(Institution.objects.all()).total.counted == 33


# The grid and its workbook ---------------------------------------------------------------


@pytest.fixture
def grid_world(county_a, county_b, street, zhou, li):
    on_street = InstitutionFactory(name="桃花仑街道艺术培训学校", region=street)
    at_county = InstitutionFactory(name="赫山区体育培训中心", region=county_a)
    other = InstitutionFactory(name="资阳区科技培训学校", region=county_b)
    for institution, instructor in ((on_street, zhou), (at_county, li)):
        AssignmentFactory(instructor=instructor, institution=institution,
                          start=date(2024, 1, 1))
    day = date(2025, 5, 6)
    complete_visit(on_street, zhou, day, at(day + timedelta(days=5), 9))   # on time
    complete_visit(at_county, li, day, at(day + timedelta(days=6), 9))     # late
    complete_visit(other, InstructorFactory(region=county_b), day, at(day, 9))
    return on_street, at_county


def test_the_grid_shows_the_rate_per_region_and_instructor(client, alice, grid_world):
    client.force_login(alice)
    response = client.get(GRID, {"year": 2025, "month": 5})
    html = squeeze(response.content.decode())
    assert "录入及时率" in html
    figures = response.context["on_time"]
    assert (figures.total.counted, figures.total.display) == (2, "50.0%")  # county B left out
    assert "<td>桃花仑街道艺术培训学校" not in html  # (rows are institutions, not figures)
    regions = {line.label: line for line in response.context["grid"].regions}
    assert set(regions) == {"桃花仑街道", "赫山区（本级）"}
    assert on_time_for_region(figures, regions["桃花仑街道"]) == "100.0%"
    assert on_time_for_region(figures, regions["赫山区（本级）"]) == "0.0%"
    lines = {line.name: line for line in response.context["grid"].instructors}
    assert on_time_for_instructor(figures, lines["周敏"]) == "100.0%"
    assert on_time_for_instructor(figures, lines["李波"]) == "0.0%"
    assert "100.0%" in html and "0.0%" in html and "50.0%" in html


def test_the_grid_filters_narrow_the_rate(client, alice, grid_world, zhou):
    client.force_login(alice)
    response = client.get(GRID, {"year": 2025, "month": 5, "instructor": zhou.number})
    assert response.context["on_time"].total.display == "100.0%"
    response = client.get(GRID, {"year": 2025, "month": 6})
    assert response.context["on_time"].total.display == "—"


def test_the_workbook_carries_the_rate(client, alice, grid_world):
    client.force_login(alice)
    response = client.get(GRID, {"year": 2025, "month": 5, "_export": "xlsx"})
    _grid, summary, instructors = openpyxl.load_workbook(io.BytesIO(response.content)).worksheets
    assert [c.value for c in summary[1]][-1] == "录入及时率"
    by_region = {row[0].value: row[-1].value for row in summary.iter_rows(min_row=2)}
    assert by_region["桃花仑街道"] == "100.0%" and by_region["合计"] == "50.0%"
    by_instructor = {row[1].value: row[-1].value for row in instructors.iter_rows(min_row=2)}
    assert by_instructor == {"周敏": "100.0%", "李波": "0.0%"}


# The reports ---------------------------------------------------------------------------


def test_the_dashboard_and_the_pdf_show_the_rate_per_district_and_instructor(
        client, dave, city, county_a, county_b, grid_world):
    client.force_login(dave)
    response = client.get(reverse("reports:dashboard"), {"region": city.code, "year": 2025})
    on_time = response.context["on_time"]
    districts = dict(on_time.districts)
    assert districts["赫山区"].display == "50.0%" and districts["资阳区"].display == "100.0%"
    assert on_time.total.display == "66.7%"
    lines = [(line.name, line.display) for line in on_time.instructors]
    assert lines[0] == ("李波", "0.0%")  # the lowest rate first
    assert ("周敏", "100.0%") in lines and len(lines) == 3
    html = response.content.decode()
    assert "走访录入及时率" in html and "66.7%" in html
    pdf = client.get(reverse("reports:region_pdf"), {"region": city.code, "year": 2025})
    text = squeeze(pdf_text(b"".join(pdf.streaming_content) if pdf.streaming else pdf.content))
    assert "走访录入及时率" in text
    assert "66.7%" in text and "李波" in text


def test_a_county_report_shows_only_its_visits(client, alice, county_a, grid_world):
    client.force_login(alice)
    response = client.get(reverse("reports:dashboard"), {"region": county_a.code, "year": 2025})
    assert response.context["on_time"].total.display == "50.0%"
