"""Visits are validated and written batch by batch (engine._run_streamed), set-based.

What a user must not notice: a file of one batch more or less behaves the same, an error in
the last batch still leaves the database as it was, re-importing the same file creates
nothing, and the change history records the same who, when, type and reason per visit as
simple_history's own bulk writer did before.
"""

import io
from datetime import date, timedelta

import pytest
from django.core.management import call_command
from django.db import transaction
from django.utils import timezone

from partybuild.imports import engine
from partybuild.imports.engine import run_import
from partybuild.imports.kinds import KINDS
from partybuild.visits.models import Visit
from tests.factories import AssignmentFactory, InstitutionFactory, InstructorFactory

from .conftest import csv_bytes

TODAY = date(2024, 6, 30)
FIRST_DAY = date(2015, 1, 1)
HEADER = ["指导员编号", "统一社会信用代码", "走访日期", "上党课", "讲政策", "排隐患", "核台账",
          "以案说法", "内容摘要"]
ITEMS = ("是", "√", "", "1", "否")


@pytest.fixture
def assigned(county_a):
    """An institution open since 2015 and instructor ZDY001 assigned to it all along."""
    institution = InstitutionFactory(name="赫山区启航培训学校", region=county_a,
                                     opened_on=FIRST_DAY)
    instructor = InstructorFactory(number="ZDY001", name="周敏")
    AssignmentFactory(instructor=instructor, institution=institution, start=FIRST_DAY)
    return institution


def rows(institution, count: int, notes: str = "讲授党章") -> list[list]:
    """`count` visits on consecutive days from 2015-01-01, items varying from row to row."""
    return [["ZDY001", institution.credit_code, (FIRST_DAY + timedelta(days=n)).isoformat(),
             *(ITEMS[(n + item) % 5] for item in range(5)), f"{notes}{n}"]
            for n in range(count)]


def import_visits(data: bytes, **options):
    return run_import(KINDS["visits"], data, "visits.csv", today=TODAY, **options)


def history_rows() -> list[dict]:
    return list(Visit.history.order_by("history_id").values())


@pytest.mark.parametrize("count", [engine.BATCH_SIZE - 1, engine.BATCH_SIZE,
                                   engine.BATCH_SIZE + 1])
def test_a_file_of_one_batch_more_or_less_imports_every_row_once(assigned, alice, count):
    result = import_visits(csv_bytes([HEADER, *rows(assigned, count)]), user=alice)

    assert result.ok and (result.created, result.updated) == (count, 0)
    assert Visit.objects.count() == count == Visit.history.filter(history_type="+").count()
    last = Visit.objects.get(date=FIRST_DAY + timedelta(days=count - 1))
    assert last.notes == f"讲授党章{count - 1}" and last.recorded_by == alice
    assert last.lesson == ((count - 1) % 5 in (0, 1, 3))


def test_an_error_in_the_last_batch_changes_nothing_written_by_the_first(assigned, alice):
    import_visits(csv_bytes([HEADER, *rows(assigned, 3)]), user=alice)
    stored, history = list(Visit.objects.order_by("pk").values()), history_rows()
    data = rows(assigned, engine.BATCH_SIZE + 1, notes="改过的摘要")
    data[-1][2] = "2024-07-01"  # after TODAY: refused, in the second batch

    result = import_visits(csv_bytes([HEADER, *data]), user=alice)

    assert not result.ok and (result.created, result.updated) == (0, 0)
    assert [str(error) for error in result.errors] == [
        f"row {engine.BATCH_SIZE + 2}, column 走访日期: 走访日期 2024-07-01 晚于今天"
        "（2024-06-30），不能录入未来的日期"]
    assert list(Visit.objects.order_by("pk").values()) == stored
    assert history_rows() == history


def test_a_key_repeated_in_a_later_batch_is_reported_against_the_first_row(assigned):
    data = rows(assigned, engine.BATCH_SIZE + 1)
    data[-1] = list(data[0])

    result = import_visits(csv_bytes([HEADER, *data]))

    assert [str(error) for error in result.errors] == [
        f"row {engine.BATCH_SIZE + 2}, column 走访日期: 与第 2 行重复"
        f"（ZDY001、{assigned.credit_code}、2015-01-01）"]
    assert not Visit.objects.exists() and not Visit.history.exists()


def test_a_dry_run_counts_like_the_import_and_writes_nothing(assigned):
    data = csv_bytes([HEADER, *rows(assigned, engine.BATCH_SIZE + 1)])

    dry = import_visits(data, dry_run=True)

    assert dry.ok and (dry.created, dry.updated) == (engine.BATCH_SIZE + 1, 0)
    assert not Visit.objects.exists() and not Visit.history.exists()


def test_importing_the_same_visits_twice_creates_nothing_the_second_time(assigned, tmp_path):
    path = tmp_path / "visits.csv"
    path.write_bytes(csv_bytes([HEADER, *rows(assigned, engine.BATCH_SIZE + 1)], "utf-8-sig"))
    first, again = io.StringIO(), io.StringIO()

    call_command("import_data", "visits", str(path), stdout=first)
    stored, history = list(Visit.objects.order_by("pk").values()), history_rows()
    call_command("import_data", "visits", str(path), stdout=again)

    assert first.getvalue().strip() == f"visits: {engine.BATCH_SIZE + 1} created, 0 updated"
    assert again.getvalue().strip() == "visits: 0 created, 0 updated"
    assert list(Visit.objects.order_by("pk").values()) == stored
    assert history_rows() == history


def simple_history_reference(visits, user, history_type: str) -> list[dict]:
    """The history rows simple_history's bulk writer records for these visits, as the import
    wrote them before it went set-based (computed, then rolled back)."""
    reference = []
    with transaction.atomic():
        Visit.history.all().delete()
        Visit.history.bulk_history_create(visits, update=history_type == "~",
                                          default_user=user, default_change_reason="导入")
        reference = history_rows()
        transaction.set_rollback(True)
    return reference


def comparable(records: list[dict]) -> list[dict]:
    """The records by visit, without what differs between two writes of the same change."""
    return sorted(({key: value for key, value in record.items()
                    if key not in ("history_id", "history_date")} for record in records),
                  key=lambda record: record["id"])


def test_the_history_rows_match_simple_historys_record_by_record(assigned, alice):
    started = timezone.now()
    import_visits(csv_bytes([HEADER, *rows(assigned, engine.BATCH_SIZE + 1)]), user=alice)
    finished = timezone.now()
    visits = list(Visit.objects.order_by("pk"))
    written = history_rows()

    expected = simple_history_reference(visits, alice, "+")

    assert len(written) == len(expected) == engine.BATCH_SIZE + 1
    assert comparable(written) == comparable(expected)
    assert {(record["history_user_id"], record["history_type"], record["history_change_reason"])
            for record in written} == {(alice.pk, "+", "导入")}
    assert all(started <= record["history_date"] <= finished for record in written)


def test_changed_visits_get_one_change_record_each_like_simple_historys(assigned, alice, bob):
    import_visits(csv_bytes([HEADER, *rows(assigned, 5)]), user=alice)
    data = rows(assigned, 5)
    data[1][3:9] = ["", "", "", "", "", "补记：核查台账"]
    data[3][3:9] = ["是", "是", "是", "是", "是", "五项全做"]
    before = history_rows()

    started = timezone.now()
    result = import_visits(csv_bytes([HEADER, *data]), user=bob)
    finished = timezone.now()

    assert (result.created, result.updated, result.unchanged) == (0, 2, 3)
    changes = history_rows()[len(before):]
    changed = list(Visit.objects.filter(date__in=[FIRST_DAY + timedelta(days=1),
                                                  FIRST_DAY + timedelta(days=3)]).order_by("pk"))
    assert [visit.notes for visit in changed] == ["补记：核查台账", "五项全做"]
    assert changed[0].items_done == [] and changed[1].case_talk
    # The first import's records stay as they were; each change adds one "~" record by bob.
    assert history_rows()[:len(before)] == before
    assert comparable(changes) == comparable(simple_history_reference(changed, bob, "~"))
    assert all(started <= record["history_date"] <= finished for record in changes)


def test_a_footer_after_the_last_batch_is_left_out_and_counted(assigned):
    data = [HEADER, *rows(assigned, engine.BATCH_SIZE + 1), [],
            ["填表人：张丽", "", "", "", "", "", "", "", "填表日期：2024年6月30日"],
            ["审核人：王强"]]

    result = import_visits(csv_bytes(data))

    assert result.ok
    assert result.summary_line() == f"visits: {engine.BATCH_SIZE + 1} created, 0 updated" \
                                     "（忽略 2 行表尾）"


def test_a_footer_like_row_before_more_data_is_a_row_of_the_file(assigned):
    data = [HEADER, *rows(assigned, 2), ["填表人：张丽"], *rows(assigned, 3)[2:]]

    result = import_visits(csv_bytes(data))

    assert [str(error) for error in result.errors][0] == "row 4, column 统一社会信用代码: " \
                                                         "“统一社会信用代码”为必填项"
    assert not Visit.objects.exists()


@pytest.mark.parametrize("body", [[], [["填表人：张丽"], ["填表日期：2024-06-30"]]])
def test_a_visits_file_with_no_data_rows_is_refused(assigned, body):
    result = import_visits(csv_bytes([HEADER, *body]))

    assert result.error_lines() == ["file: 文件只有表头，没有数据行。"]


def test_a_file_past_the_row_limit_found_in_a_later_batch_writes_nothing(assigned, monkeypatch):
    from partybuild.imports import readers

    monkeypatch.setattr(readers, "MAX_ROWS", engine.BATCH_SIZE + 5)

    result = import_visits(csv_bytes([HEADER, *rows(assigned, engine.BATCH_SIZE + 10)]))

    assert result.error_lines() == [f"file: {readers._too_many_rows()}"]
    assert (result.created, result.updated) == (0, 0)
    assert not Visit.objects.exists() and not Visit.history.exists()


def test_a_broken_record_in_a_later_batch_writes_nothing(assigned):
    data = csv_bytes([HEADER, *rows(assigned, engine.BATCH_SIZE + 3)])
    # A cell past the csv module's field limit (a runaway quote swallowing the file's end).
    data += b'ZDY001,"' + b"x" * 140_000 + b'"\r\n'

    result = import_visits(data)

    assert not result.ok and result.error_lines()[0].startswith("file: CSV 文件格式有误")
    assert not Visit.objects.exists() and not Visit.history.exists()
