"""Limits that hold against hostile files: rows, columns and the uncompressed size of a sheet
are bounded before the rows are held in memory, and the message says which limit."""

import resource
import time

import pytest

from partybuild.imports import readers
from partybuild.imports.readers import MAX_COLUMNS, MAX_ROWS, ImportFileError, read_table

from .conftest import import_file
from .dressing import streamed_xlsx


def peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def test_a_million_row_sheet_is_refused_before_it_is_read(tmp_path):
    """545 KB of XLSX holding a million rows: refused in seconds, without growing."""
    path = tmp_path / "institutions.xlsx"
    streamed_xlsx(path, ((n, ["x", n]) for n in range(1, 1_000_001)))
    before = peak_rss_mb()
    started = time.monotonic()
    with pytest.raises(ImportFileError) as error:
        read_table(path.read_bytes(), path.name)
    assert time.monotonic() - started < 10
    assert f"超过 {MAX_ROWS:,} 行的上限" in str(error.value)
    assert "读取前即检查" in str(error.value)
    assert peak_rss_mb() - before < 100


def test_one_value_far_away_is_refused_not_expanded(tmp_path):
    """calamine builds a dense grid: one value at XFD1048576 would cost gigabytes."""
    path = tmp_path / "institutions.xlsx"
    streamed_xlsx(path, [(1, ["机构名称", "统一社会信用代码"])],
                  extra_xml='<row r="1048576"><c r="XFD1048576"><v>1</v></c></row>')
    started = time.monotonic()
    with pytest.raises(ImportFileError, match="上限"):
        read_table(path.read_bytes(), path.name)
    assert time.monotonic() - started < 2


def test_too_many_columns_are_refused_with_the_limit_named(tmp_path):
    path = tmp_path / "institutions.xlsx"
    streamed_xlsx(path, [(1, [f"列{n}" for n in range(MAX_COLUMNS + 1)])])
    with pytest.raises(ImportFileError, match=f"超过 {MAX_COLUMNS} 列的上限"):
        read_table(path.read_bytes(), path.name)


def test_a_sheet_that_unpacks_past_the_size_limit_is_refused(tmp_path, monkeypatch):
    monkeypatch.setattr(readers, "MAX_SHEET_XML_BYTES", 4 * 1024 * 1024)
    path = tmp_path / "institutions.xlsx"
    # Few rows, each with a long run of spaces: small on disk, large unpacked.
    streamed_xlsx(path, ((n, ["x" + " " * 100_000]) for n in range(1, 60)))
    assert path.stat().st_size < 200_000
    with pytest.raises(ImportFileError, match="解压后超过 4 MB 的上限"):
        read_table(path.read_bytes(), path.name)


def test_a_csv_past_the_row_limit_is_refused(monkeypatch):
    monkeypatch.setattr(readers, "MAX_ROWS", 1000)
    data = ("机构名称,统一社会信用代码\r\n" + "x,y\r\n" * 1000).encode("utf-8")
    with pytest.raises(ImportFileError, match="超过 1,000 行的上限"):
        read_table(data, "institutions.csv")


def test_a_hostile_workbook_through_the_importer_is_a_file_error(county, tmp_path):
    path = tmp_path / "institutions.xlsx"
    streamed_xlsx(path, ((n, ["x"]) for n in range(1, MAX_ROWS + 2)))
    result = import_file("institutions", path.read_bytes(), path.name)
    [line] = result.error_lines()
    assert line.startswith("file: ") and "行的上限" in line
