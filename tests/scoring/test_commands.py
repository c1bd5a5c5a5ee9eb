"""annual_scores and summary exactly as FORMATS.md specifies them."""

import csv
import io
import json
from datetime import date
from decimal import Decimal

import pytest
from django.core.management import CommandError, call_command
from openpyxl import load_workbook

from partybuild.activities.models import Activity
from partybuild.organisation.models import SchoolBranch
from partybuild.visits.models import Clue, Hazard, Visit
from tests.factories import (
    AssignmentFactory,
    BranchFactory,
    CoverageFactory,
    InstitutionFactory,
    InstructorFactory,
    MembershipFactory,
    PairingFactory,
)

YEAR = 2024


@pytest.fixture
def small_city(county_a, county_b, committee_a, committee_b):
    """Two counties: A with two institutions (one well run), B with one."""
    instructor = InstructorFactory()
    branch_a = BranchFactory(committee=committee_a, founded_on=date(2020, 1, 1))
    good = InstitutionFactory(region=county_a, name="甲机构", opened_on=date(2019, 1, 1))
    weak = InstitutionFactory(region=county_a, name="乙机构", opened_on=date(YEAR, 7, 1),
                              charter_includes_party_building=False)
    other = InstitutionFactory(region=county_b, name="丙机构", opened_on=date(2019, 1, 1))
    for institution in (good, weak):
        CoverageFactory(branch=branch_a, institution=institution, start=institution.opened_on)
        AssignmentFactory(instructor=instructor, institution=institution,
                          start=institution.opened_on)
    MembershipFactory(branch=branch_a, is_secretary=True, start=date(2020, 1, 1))
    MembershipFactory(branch=branch_a, start=date(2020, 1, 1), end=date(YEAR, 6, 30))
    school_branch = SchoolBranch.objects.create(name="第一党支部", school="赫山区第一中学")
    PairingFactory(branch=branch_a, school_branch=school_branch, start=date(2022, 1, 1))
    for month in range(1, 13):
        Visit.objects.create(instructor=instructor, institution=good, date=date(YEAR, month, 3),
                             lesson=True, policy=True, hazard_check=True, ledger=True,
                             case_talk=month % 2 == 0)
        Activity.objects.create(branch=branch_a, date=date(YEAR, month, 9),
                                kind=Activity.Kind.PAIRING if month < 4 else Activity.Kind.LECTURE,
                                school_branch=school_branch if month < 4 else None,
                                title=f"{month}月活动")
    Hazard.objects.create(institution=weak, found_on=date(YEAR, 8, 1), deadline=date(YEAR, 8, 31),
                          rectified_on=date(YEAR, 8, 20), category="fire", severity="general",
                          description="灭火器过期")
    Clue.objects.create(institution=weak, date=date(YEAR, 9, 1), description="无证办学",
                        substantiated=True, enforcement=True)
    BranchFactory(committee=committee_b, kind="standalone", founded_on=date(2020, 1, 1))
    return good, weak, other


def run(*args) -> str:
    out = io.StringIO()
    call_command(*args, stdout=out)
    return out.getvalue()


def test_annual_scores_prints_the_csv_of_formats_md_sorted_by_total(small_city, city):
    good, weak, other = small_city
    rows = list(csv.reader(io.StringIO(run("annual_scores", "--year", str(YEAR)))))
    assert rows[0] == ["credit_code", "name", "region_code", "coverage", "charter", "four_ones",
                       "activities", "hazards", "red_points", "deductions", "total", "grade",
                       "red_list"]
    assert [row[1] for row in rows[1:]] == ["甲机构", "乙机构", "丙机构"]
    assert rows[3] == [other.credit_code, "丙机构", "430902", "0.00", "5.00", "0.00", "0.00",
                       "10.00", "0.00", "0.00", "15.00", "不合格", "0"]
    assert rows[1] == [good.credit_code, "甲机构", "430903", "20.00", "5.00", "40.00", "15.00",
                       "10.00", "0.00", "0.00", "90.00", "优秀", "1"]
    # 乙 opened 1 July: 6 months in scope, 6 activities after joining, one clue deducted.
    assert rows[2] == [weak.credit_code, "乙机构", "430903", "20.00", "0.00", "0.00", "7.50",
                       "10.00", "0.00", "10.00", "27.50", "不合格", "0"]


def test_annual_scores_for_a_region_lists_only_its_institutions(small_city, county_b):
    rows = list(csv.reader(io.StringIO(run("annual_scores", "--year", str(YEAR),
                                           "--region", "430902"))))
    assert [row[1] for row in rows[1:]] == ["丙机构"]


def test_annual_scores_writes_xlsx_with_the_same_rows(small_city, tmp_path, city):
    target = tmp_path / "scores.xlsx"
    call_command("annual_scores", "--year", str(YEAR), "--output", str(target),
                 stderr=io.StringIO())
    sheet = load_workbook(target).active
    values = list(sheet.iter_rows(values_only=True))
    assert values[0][0] == "credit_code"
    assert values[1][1] == "甲机构" and values[1][10] == 90.0 and values[1][12] == 1


def test_an_unknown_region_is_a_clear_error(small_city):
    with pytest.raises(CommandError, match="区划代码 999999 不存在"):
        call_command("annual_scores", "--year", str(YEAR), "--region", "999999")


def test_summary_json_has_exactly_the_keys_of_scoring_md(small_city, city):
    data = json.loads(run("summary", "--year", str(YEAR), "--json"))
    assert set(data) == {
        "region", "year", "as_of", "institutions", "party_members", "joint_branches",
        "standalone_branches", "secretaries", "instructors", "covered_institutions",
        "institutions_without_instructor", "paired_branches", "paired_school_branches",
        "visits", "case_talks", "hazards_found", "hazards_rectified_on_time", "clues",
        "clues_substantiated", "enforcement_actions", "activities", "pairing_activities",
        "red_list",
    }
    assert data["region"] == "430900" and data["year"] == YEAR and data["as_of"] == "2024-12-31"
    assert {key: data[key] for key in (
        "institutions", "party_members", "joint_branches", "standalone_branches", "secretaries",
        "instructors", "covered_institutions", "institutions_without_instructor",
        "paired_branches", "paired_school_branches", "visits", "case_talks", "hazards_found",
        "hazards_rectified_on_time", "clues", "clues_substantiated", "enforcement_actions",
        "activities", "pairing_activities", "red_list")} == {
        "institutions": 3, "party_members": 1, "joint_branches": 1, "standalone_branches": 1,
        "secretaries": 1, "instructors": 1, "covered_institutions": 2,
        "institutions_without_instructor": 1, "paired_branches": 1,
        "paired_school_branches": 1, "visits": 12, "case_talks": 6, "hazards_found": 1,
        "hazards_rectified_on_time": 1, "clues": 1, "clues_substantiated": 1,
        "enforcement_actions": 1, "activities": 12, "pairing_activities": 3, "red_list": 1,
    }


def test_summary_structure_figures_follow_the_as_of_day(small_city, city):
    data = json.loads(run("summary", "--year", str(YEAR), "--as-of", "2024-06-30", "--json"))
    # 乙 opens on 1 July; the second member leaves on 30 June, the day itself still counts.
    assert (data["institutions"], data["party_members"], data["as_of"]) == (2, 2, "2024-06-30")


def test_summary_text_names_the_region_and_figures(small_city, city):
    text = run("summary", "--year", str(YEAR), "--region", "430903")
    assert "赫山区（430903）2024 年" in text and "党建活动：12" in text


def test_summary_rejects_a_malformed_as_of_day(small_city):
    with pytest.raises(CommandError, match="YYYY-MM-DD"):
        call_command("summary", "--year", str(YEAR), "--as-of", "2024/13/01")


def test_scores_use_decimal_points_not_floats(small_city):
    from partybuild.scoring.engine import score_region

    scores = score_region(region_path="/430900/", year=YEAR)
    assert all(isinstance(score.total, Decimal) for score in scores)


def test_annual_scores_stores_the_scores_it_prints(small_city, city):
    from partybuild.scoring.models import Rubric, Score

    good, _weak, _other = small_city
    run("annual_scores", "--year", str(YEAR))
    stored = Score.objects.get(institution=good, year=YEAR)
    assert (stored.total, stored.grade, stored.red_list) == (Decimal("90.00"), "优秀", True)
    assert stored.rubric_version == Rubric.objects.get(year=YEAR).version
    assert Score.objects.filter(year=YEAR).count() == 3


def test_a_finalised_year_prints_its_stored_scores_even_after_the_records_change(small_city,
                                                                                  city):
    from django.utils import timezone

    from partybuild.scoring.models import Rubric, Score

    good, weak, _other = small_city
    before = run("annual_scores", "--year", str(YEAR))
    Rubric.objects.filter(year=YEAR).update(finalised_at=timezone.now())
    # A late correction to the year's records must not move a finalised score.
    Clue.objects.create(institution=good, date=date(YEAR, 10, 1), description="补录线索",
                        substantiated=True)
    assert run("annual_scores", "--year", str(YEAR)) == before
    assert Score.objects.get(institution=good, year=YEAR).total == Decimal("90.00")


def test_summary_of_a_finalised_year_counts_the_stored_red_list(small_city, city):
    from django.utils import timezone

    from partybuild.scoring.models import Rubric

    good, _weak, _other = small_city
    run("annual_scores", "--year", str(YEAR))
    Rubric.objects.filter(year=YEAR).update(finalised_at=timezone.now())
    Clue.objects.create(institution=good, date=date(YEAR, 10, 1), description="补录线索",
                        substantiated=True)
    data = json.loads(run("summary", "--year", str(YEAR), "--json"))
    assert (data["red_list"], data["clues_substantiated"]) == (1, 2)


def test_without_region_the_commands_cover_every_top_level_region(small_city, county_a):
    from partybuild.regions.models import Region

    # Two cities and no province above them: no single root to default to.
    other_city = Region.objects.create(code="431000", name="郴州市", level="city", path="/431000/")
    InstitutionFactory(region=other_city, name="丁机构", opened_on=date(2019, 1, 1))
    rows = list(csv.reader(io.StringIO(run("annual_scores", "--year", str(YEAR)))))
    assert sorted(row[1] for row in rows[1:]) == ["丁机构", "丙机构", "乙机构", "甲机构"]
    data = json.loads(run("summary", "--year", str(YEAR), "--json"))
    assert (data["region"], data["institutions"]) == (None, 4)
    assert "全部区划2024 年" in run("summary", "--year", str(YEAR))
