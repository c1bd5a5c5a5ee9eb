"""File builders and a small county for the import tests.

`csv_bytes` and `xlsx_bytes` write real files as Excel and WPS save them (dates in an XLSX
are real date cells); `import_file` runs one kind on such a file.

The `county` fixture (赫山区 = county_a, alice's; 资阳区 = county_b, eve's):

  I1..I4   institutions of county A (credit codes CODE[1]..CODE[4]), opened 2020-01-01
  IB       an institution of county B (CODE[9])
  J        赫山区第一联合党支部, joint, committee A, founded 2021-01-01
  S        赫山区阳光党支部, standalone, committee A, founded 2021-01-01
  JB       资阳区第一联合党支部, joint, committee B
  T1, T2   instructors ZD001 and ZD002 (no region)
Nothing is covered, assigned or paired yet: the tests import that.
"""

import csv
import io
from dataclasses import dataclass
from datetime import date

import pytest
from openpyxl import Workbook

from partybuild.core.credit_code import make_credit_code
from partybuild.imports.engine import run_import
from partybuild.imports.kinds import KINDS
from partybuild.organisation.models import Branch
from tests.factories import BranchFactory, InstitutionFactory, InstructorFactory

CODE = {n: make_credit_code(n, "430903") for n in range(1, 10)}


def _csv_cell(value) -> str:
    if value is None:
        return ""
    if isinstance(value, date):
        return value.isoformat()
    return str(value)


def csv_bytes(rows, encoding: str = "utf-8") -> bytes:
    """A CSV file of the rows (header first) in the encoding; "utf-8-sig" writes the BOM."""
    buffer = io.StringIO()
    csv.writer(buffer, lineterminator="\r\n").writerows(
        [[_csv_cell(value) for value in row] for row in rows])
    return buffer.getvalue().encode(encoding)


def xlsx_bytes(rows) -> bytes:
    """An XLSX workbook whose first sheet holds the rows; dates become Excel date cells."""
    workbook = Workbook()
    sheet = workbook.active
    for row in rows:
        sheet.append(list(row))
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def import_file(kind: str, data: bytes, filename: str | None = None, **options):
    """Run the importer of `kind` on the file's bytes (user=, dry_run=, today= pass through)."""
    return run_import(KINDS[kind], data, filename or f"{kind}.csv", **options)


def import_rows(kind: str, rows, **options):
    """Import rows (header first) written as a UTF-8 CSV file."""
    return import_file(kind, csv_bytes(rows), **options)


def assert_ok(result, created: int | None = None, updated: int | None = None):
    assert result.ok, result.error_lines()
    if created is not None:
        assert result.created == created, result.summary_line()
    if updated is not None:
        assert result.updated == updated, result.summary_line()
    return result


def errors_of(result) -> list[str]:
    assert not result.ok, "the import was expected to fail"
    return result.error_lines()


@dataclass
class County:
    institutions: dict
    branches: dict
    instructors: dict


@pytest.fixture
def county(county_a, county_b, committee_a, committee_b) -> County:
    institutions = {
        f"I{n}": InstitutionFactory(name=name, credit_code=CODE[n], region=county_a,
                                    opened_on=date(2020, 1, 1))
        for n, name in ((1, "赫山区明德培训学校"), (2, "赫山区星光艺术培训中心"),
                        (3, "赫山区书香文化培训学校"), (4, "赫山区飞跃体育培训中心"))
    }
    institutions["IB"] = InstitutionFactory(name="资阳区启明体育培训中心", credit_code=CODE[9],
                                            region=county_b, opened_on=date(2020, 1, 1))
    branches = {
        "J": BranchFactory(name="赫山区第一联合党支部", committee=committee_a,
                           founded_on=date(2021, 1, 1)),
        "S": BranchFactory(name="赫山区阳光党支部", kind=Branch.Kind.STANDALONE,
                           committee=committee_a, founded_on=date(2021, 1, 1)),
        "JB": BranchFactory(name="资阳区第一联合党支部", committee=committee_b,
                            founded_on=date(2021, 1, 1)),
    }
    instructors = {
        "T1": InstructorFactory(number="ZD001", name="刘芳"),
        "T2": InstructorFactory(number="ZD002", name="周建国"),
    }
    return County(institutions, branches, instructors)
