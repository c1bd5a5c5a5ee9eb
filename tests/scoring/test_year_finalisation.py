"""finalise_year and late_changes exactly as FORMATS.md says ("Finalising a year, and what may
change after"), and annual_scores / summary afterwards.

The city of test_commands: 甲 (well run, 90.00, on the red list), 乙 (27.50) and 丙 (15.00).
"""

import csv
import io
import json
from datetime import date

import pytest
from django.core.management import CommandError, call_command
from django.utils import timezone

from partybuild.scoring.models import RedListPublication, Rubric, Score, YearEvent
from partybuild.visits.models import Clue, Hazard, Visit
from tests.factories import AssignmentFactory
from tests.scoring import test_commands

YEAR = test_commands.YEAR
small_city = test_commands.small_city  # the fixture, shared with the annual_scores tests

LATE_HEADER = ["credit_code", "name", "item", "final", "current"]


def run(*args) -> str:
    out = io.StringIO()
    call_command(*args, stdout=out)
    return out.getvalue()


def exit_status(*args) -> tuple[int, str]:
    """The exit status `manage.py` gives the command, and its message.

    manage.py turns a CommandError into its message on stderr and exit status
    `error.returncode`; running it through ManagementUtility here would also close the test
    database connection, so the error is caught as manage.py catches it.
    """
    try:
        call_command(*args, stdout=io.StringIO(), stderr=io.StringIO())
    except CommandError as error:
        return error.returncode, str(error)
    return 0, ""


def late_rows(*args) -> list[list[str]]:
    return list(csv.reader(io.StringIO(run("late_changes", "--year", str(YEAR), *args))))


# finalise_year ---------------------------------------------------------------------------


def test_finalise_year_prints_the_line_of_formats_md_and_locks_the_year(small_city, city):
    good, weak, other = small_city
    assert run("finalise_year", "--year", str(YEAR)) == (
        f"{YEAR}: 3 scores finalised, 1 institutions on the red list\n")
    rubric = Rubric.objects.get(year=YEAR)
    assert rubric.is_finalised
    assert Score.objects.filter(year=YEAR).count() == 3
    publication = RedListPublication.objects.get(year=YEAR)
    assert publication.version == 1
    assert [(e.institution, e.credit_code) for e in publication.entries.all()] == [
        (good, good.credit_code)]
    assert "90" in publication.criteria


def test_finalise_year_refuses_a_year_already_final_with_exit_1(small_city, city):
    run("finalise_year", "--year", str(YEAR))
    status, err = exit_status("finalise_year", "--year", str(YEAR))
    assert status == 1
    assert f"{YEAR} 年度已于" in err and "定稿" in err
    assert YearEvent.objects.filter(year=YEAR, kind="finalised").count() == 1


def test_finalise_year_refuses_the_running_year_unless_forced(small_city, city):
    this_year = timezone.localdate().year
    status, err = exit_status("finalise_year", "--year", str(this_year))
    assert status == 1 and "尚未结束" in err
    assert not Rubric.objects.filter(year=this_year, finalised_at__isnull=False).exists()
    status, err = exit_status("finalise_year", "--year", str(this_year + 1),
                              "--force-current-year")
    assert status == 1 and "尚未结束" in err
    out = run("finalise_year", "--year", str(this_year), "--force-current-year")
    assert out.startswith(f"{this_year}: ") and out.endswith(" institutions on the red list\n")
    assert Rubric.objects.get(year=this_year).is_finalised


def test_history_records_the_named_user(small_city, city, dave):
    run("finalise_year", "--year", str(YEAR), "--user", "dave")
    rubric = Rubric.objects.get(year=YEAR)
    assert rubric.finalised_by == dave
    assert rubric.history.order_by("-history_id").first().history_user == dave
    event = YearEvent.objects.get(year=YEAR)
    assert (event.user, event.scores, event.red_list, event.actor) == (dave, 3, 1, str(dave))


def test_history_records_the_command_line_without_a_user(small_city, city):
    run("finalise_year", "--year", str(YEAR))
    event = YearEvent.objects.get(year=YEAR)
    assert event.user is None and "finalise_year" in event.command
    latest = Rubric.objects.get(year=YEAR).history.order_by("-history_id").first()
    assert latest.history_user is None and "finalise_year" in latest.history_change_reason


def test_an_unknown_user_is_refused_and_nothing_is_finalised(small_city, city):
    status, err = exit_status("finalise_year", "--year", str(YEAR), "--user", "nobody")
    assert status == 1 and "nobody" in err and "不存在" in err
    assert not Rubric.objects.filter(year=YEAR, finalised_at__isnull=False).exists()
    assert not RedListPublication.objects.exists()


def test_annual_scores_and_summary_report_the_final_figures_after_late_records(small_city,
                                                                               city):
    good, weak, other = small_city
    run("finalise_year", "--year", str(YEAR))
    before = run("annual_scores", "--year", str(YEAR))
    # Life goes on: a late substantiated clue would take 甲 off the list, and a perfect
    # late year of visits would not put anyone else on it either way.
    Clue.objects.create(institution=good, date=date(YEAR, 10, 1), description="补录线索",
                        substantiated=True)
    assert run("annual_scores", "--year", str(YEAR)) == before
    assert "90.00,优秀,1" in before
    data = json.loads(run("summary", "--year", str(YEAR), "--json"))
    assert (data["red_list"], data["clues_substantiated"]) == (1, 2)


def test_summary_of_a_published_year_counts_the_current_published_version(small_city, city,
                                                                           dave):
    from partybuild.scoring.services import red_list_publish, scores_recompute

    good, weak, other = small_city
    scores_recompute(acting_user=dave, year=YEAR)
    red_list_publish(acting_user=dave, year=YEAR)
    Clue.objects.create(institution=good, date=date(YEAR, 10, 1), description="补录线索",
                        substantiated=True)
    scores_recompute(acting_user=dave, year=YEAR)
    # The year is not finalised: the stored score moved, but the published list is the list.
    assert json.loads(run("summary", "--year", str(YEAR), "--json"))["red_list"] == 1
    correction = red_list_publish(acting_user=dave, year=YEAR, reason="补录查实线索，甲机构移出")
    assert (correction.version, correction.entries.count()) == (2, 0)
    assert json.loads(run("summary", "--year", str(YEAR), "--json"))["red_list"] == 0


# late_changes ----------------------------------------------------------------------------


def test_late_changes_of_a_year_not_finalised_exits_1(small_city, city):
    status, err = exit_status("late_changes", "--year", str(YEAR))
    assert status == 1 and f"{YEAR} 年度尚未定稿" in err


def test_late_changes_is_only_the_header_when_nothing_differs(small_city, city):
    run("finalise_year", "--year", str(YEAR))
    assert run("late_changes", "--year", str(YEAR)) == ",".join(LATE_HEADER) + "\n"


def test_late_changes_after_late_imports_lists_exactly_the_changed_items(small_city, city,
                                                                         tmp_path):
    good, weak, other = small_city
    run("finalise_year", "--year", str(YEAR))
    folder = tmp_path / "late"
    folder.mkdir()
    # A substantiated clue at 甲: deductions, total and the red list change.
    (folder / "clues.csv").write_text(
        "统一社会信用代码,日期,描述,是否查实\n"
        f"{good.credit_code},{YEAR}-11-05,补录：超范围招生,是\n", encoding="utf-8")
    # A late lesson at 丙 in June: four_ones 0.00 → 0.83 and the total with it.
    instructor = Visit.objects.filter(institution=good).first().instructor
    AssignmentFactory(instructor=instructor, institution=other, start=date(2019, 1, 1))
    (folder / "visits.csv").write_text(
        "指导员编号,统一社会信用代码,走访日期,上党课\n"
        f"{instructor.number},{other.credit_code},{YEAR}-06-12,是\n", encoding="utf-8")
    call_command("import_data", "--dir", str(folder), stdout=io.StringIO())
    expected = sorted([
        [good.credit_code, "甲机构", "deductions", "0.00", "10.00"],
        [good.credit_code, "甲机构", "total", "90.00", "80.00"],
        [good.credit_code, "甲机构", "red_list", "1", "0"],
        [other.credit_code, "丙机构", "four_ones", "0.00", "0.83"],
        [other.credit_code, "丙机构", "total", "15.00", "15.83"],
    ], key=lambda row: (row[0], ["four_ones", "deductions", "total", "red_list"].index(row[2])))
    rows = late_rows()
    assert rows[0] == LATE_HEADER
    assert rows[1:] == expected
    # --region narrows to one county; the finalised figures themselves never moved.
    assert [row[1] for row in late_rows("--region", "430902")[1:]] == ["丙机构", "丙机构"]
    assert Score.objects.get(institution=good, year=YEAR).total == 90
    assert "90.00,优秀,1" in run("annual_scores", "--year", str(YEAR))


def test_a_late_rectification_back_dated_into_the_year_is_a_late_change(small_city, city):
    good, weak, other = small_city
    hazard = Hazard.objects.get(institution=weak)
    Hazard.objects.filter(pk=hazard.pk).update(rectified_on=None)
    run("finalise_year", "--year", str(YEAR))
    assert Score.objects.get(institution=weak, year=YEAR).hazards == 0
    hazard.rectified_on = date(YEAR, 8, 25)
    hazard.save()
    rows = late_rows()[1:]
    assert [row[2:] for row in rows] == [["hazards", "0.00", "10.00"],
                                         ["total", "17.50", "27.50"]]


def test_an_institution_on_one_side_only_differs_in_every_item(small_city, city):
    from tests.factories import InstitutionFactory

    good, weak, other = small_city
    run("finalise_year", "--year", str(YEAR))
    # A late-registered institution that operated in the year: no finalised score at all.
    late = InstitutionFactory(region=other.region, name="丁机构", opened_on=date(YEAR, 9, 1))
    rows = [row for row in late_rows()[1:] if row[0] == late.credit_code]
    assert [row[2] for row in rows] == ["coverage", "charter", "four_ones", "activities",
                                        "hazards", "red_points", "deductions", "total",
                                        "red_list"]
    assert all(row[3] == "" for row in rows)
    assert rows[-1][4] == "0"


def test_reopening_and_finalising_again_publishes_a_new_version_only_when_it_changed(
        small_city, city, dave):
    from partybuild.scoring.services import year_reopen

    good, weak, other = small_city
    run("finalise_year", "--year", str(YEAR), "--user", "dave")
    with pytest.raises(Exception, match="理由"):
        year_reopen(acting_user=dave, year=YEAR, reason=" ")
    year_reopen(acting_user=dave, year=YEAR, reason="补录10月查实线索")
    assert not Rubric.objects.get(year=YEAR).is_finalised
    assert run("finalise_year", "--year", str(YEAR)) == (
        f"{YEAR}: 3 scores finalised, 1 institutions on the red list\n")
    assert RedListPublication.objects.filter(year=YEAR).count() == 1
    year_reopen(acting_user=dave, year=YEAR, reason="补录查实线索")
    Clue.objects.create(institution=good, date=date(YEAR, 10, 1), description="补录线索",
                        substantiated=True)
    assert run("finalise_year", "--year", str(YEAR)) == (
        f"{YEAR}: 3 scores finalised, 0 institutions on the red list\n")
    versions = list(RedListPublication.objects.filter(year=YEAR).order_by("version"))
    assert [(v.version, v.entries.count()) for v in versions] == [(1, 1), (2, 0)]
    assert [event.kind for event in YearEvent.objects.order_by("at", "pk")] == [
        "finalised", "reopened", "finalised", "reopened", "finalised"]


def test_a_command_error_is_not_a_crash(small_city):
    with pytest.raises(CommandError):
        call_command("late_changes", "--year", str(YEAR), "--region", "999999")
