"""Whatever happens to a valid file, an import either writes all of it or nothing at all.

Hypothesis damages small valid files (cells dropped, repeated, swapped or replaced by junk,
dates and codes mangled, rows lost or repeated, bytes inserted, the file cut short) and saves
them in every format. The import must never raise: it reports problems, and when it reports
any the database is exactly as it was; when it reports none, every row is in the database.
"""

import re
from datetime import date

import pytest
from django.db import transaction
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from partybuild.organisation.models import Coverage, Institution
from tests.factories import CoverageFactory
from tests.organisation.db_state import database_state

from .conftest import CODE, csv_bytes, import_file, xlsx_bytes

LINE = re.compile(r"^(row \d+, column .+: .+|file: .+)$")

COVERAGE = [["支部名称", "统一社会信用代码", "开始日期", "结束日期"],
            ["赫山区第一联合党支部", CODE[1], "2021-01-01", "2022-12-31"],
            ["赫山区阳光党支部", CODE[1], "2023-01-01", ""],
            ["赫山区第一联合党支部", CODE[2], "2021/3/1", ""],
            ["赫山区第一联合党支部", CODE[3], "2021年3月1日", "2024.6.30"]]
INSTITUTIONS = [["机构名称", "统一社会信用代码", "类别", "证照状态", "所属区划", "开办日期",
                 "停办日期", "党建入章程", "从业人员数"],
                ["赫山区启航科技培训中心", CODE[5], "科技", "有照有证", "430903", "2022-09-01", "",
                 "是", "20"],
                ["赫山区墨香书法培训学校", CODE[6], "文化艺术", "有照无证", "430903", "2023/3/1",
                 "2024/8/31", "", ""],
                ["赫山区育英培训学校", CODE[7], "学科类", "无照无证", "430903", "2021.9.1", "",
                 "否", "7"]]

JUNK = st.one_of(
    st.text(alphabet=st.characters(exclude_categories=("Cc", "Cs")), max_size=12),
    st.sampled_from(["2023-02-30", "2023/13/1", "昨天", "20230301", "0000-01-01", "9999-12-31",
                     "2021-01-01", "2030-01-01", CODE[4], CODE[9], CODE[1][:17] + "0",
                     "赫山区阳光党支部", "资阳区第一联合党支部", "是", "12345678901", "-1",
                     "430902", "439999", "=1+1", "\"", ",", "\n"]),
)
CELL_DAMAGE = st.tuples(st.sampled_from(["drop", "repeat", "swap", "junk", "drop_row",
                                         "repeat_row"]),
                        st.integers(0, 20), st.integers(0, 20), JUNK)
BYTE_DAMAGE = st.one_of(st.none(),
                        st.tuples(st.just("cut"), st.floats(0, 1)),
                        st.tuples(st.just("insert"), st.floats(0, 1),
                                  st.binary(min_size=1, max_size=8)))
FORMS = st.sampled_from(["utf-8", "utf-8-sig", "gb18030", "xlsx"])


def damaged_rows(rows: list[list], damages) -> list[list]:
    rows = [list(row) for row in rows]
    for action, i, j, junk in damages:
        row = rows[i % len(rows)]
        if action == "drop" and row:
            del row[j % len(row)]
        elif action == "repeat" and row:
            row.insert(j % len(row), row[j % len(row)])
        elif action == "swap" and row:
            a, b = j % len(row), i % len(row)
            row[a], row[b] = row[b], row[a]
        elif action == "junk" and row:
            row[j % len(row)] = junk
        elif action == "drop_row" and len(rows) > 1:
            del rows[i % len(rows)]
        elif action == "repeat_row":
            rows.insert(j % len(rows), list(row))
    return rows


def damaged_file(rows, damages, form, byte_damage) -> tuple[bytes, str]:
    rows = damaged_rows(rows, damages)
    if form == "xlsx":
        data, filename = xlsx_bytes(rows), "data.xlsx"
    else:
        data, filename = csv_bytes(rows, encoding=form), "data.csv"
    if byte_damage is not None:
        at = int(len(data) * byte_damage[1])
        data = data[:at] if byte_damage[0] == "cut" else data[:at] + byte_damage[2] + data[at:]
    return data, filename


def assert_all_or_nothing(kind: str, data: bytes, filename: str, model) -> None:
    # Each example runs in a savepoint rolled back at its end, so examples do not see each other.
    with transaction.atomic():
        before = database_state()
        result = import_file(kind, data, filename)
        event("imported" if result.ok else "rejected")
        if result.ok:
            assert model.objects.count() == (len(before[model._meta.label][0])
                                              + result.created)
            assert result.created + result.updated + result.unchanged > 0
        else:
            assert result.error_lines()
            assert all(LINE.match(line) for line in result.error_lines()), result.error_lines()
            assert database_state() == before
        transaction.set_rollback(True)


PROPERTY = settings(max_examples=60, deadline=None,
                    suppress_health_check=[HealthCheck.function_scoped_fixture,
                                           HealthCheck.too_slow])


@pytest.fixture
def stored_coverage(county):
    """A stored coverage the damaged files may update or collide with."""
    CoverageFactory(branch=county.branches["J"], institution=county.institutions["I4"],
                    start=date(2021, 1, 1))
    return county


@PROPERTY
@given(damages=st.lists(CELL_DAMAGE, max_size=4), form=FORMS, byte_damage=BYTE_DAMAGE)
def test_damaged_coverage_files_are_imported_whole_or_not_at_all(
        stored_coverage, damages, form, byte_damage):
    data, filename = damaged_file(COVERAGE, damages, form, byte_damage)
    assert_all_or_nothing("coverage", data, filename, Coverage)


@PROPERTY
@given(damages=st.lists(CELL_DAMAGE, max_size=4), form=FORMS, byte_damage=BYTE_DAMAGE)
def test_damaged_institution_files_are_imported_whole_or_not_at_all(
        county, damages, form, byte_damage):
    data, filename = damaged_file(INSTITUTIONS, damages, form, byte_damage)
    assert_all_or_nothing("institutions", data, filename, Institution)


def test_the_undamaged_files_import_whole(county):
    """The property above is only meaningful if the files start out valid."""
    for kind, rows in (("coverage", COVERAGE), ("institutions", INSTITUTIONS)):
        result = import_file(kind, csv_bytes(rows), f"{kind}.csv")
        assert (result.ok, result.created) == (True, len(rows) - 1), result.error_lines()
