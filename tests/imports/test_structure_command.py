"""python manage.py import_data: one file or a folder, all or nothing, problems on stderr."""

import io

import pytest
from django.core.management import CommandError, call_command

from partybuild.organisation.models import Coverage
from partybuild.regions.models import Region
from tests.organisation.db_state import database_state

from .city_folder import FILES, write_city_folder
from .conftest import CODE, csv_bytes

COVERAGE = [["支部名称", "统一社会信用代码", "开始日期", "结束日期"],
            ["赫山区第一联合党支部", CODE[1], "2021-01-01", ""],
            ["赫山区阳光党支部", CODE[2], "2021-01-01", ""]]


def run(*args, **options) -> tuple[str, str]:
    out, err = io.StringIO(), io.StringIO()
    call_command("import_data", *args, stdout=out, stderr=err, **options)
    return out.getvalue(), err.getvalue()


def run_failing(*args, **options) -> str:
    err = io.StringIO()
    with pytest.raises(CommandError) as error:
        call_command("import_data", *args, stdout=io.StringIO(), stderr=err, **options)
    assert error.value.returncode == 1
    return err.getvalue()


def test_a_file_is_imported_with_one_summary_line(county, tmp_path):
    path = tmp_path / "coverage.csv"
    path.write_bytes(csv_bytes(COVERAGE))
    assert run("coverage", str(path)) == ("coverage: 2 created, 0 updated\n", "")
    assert run("coverage", str(path))[0] == "coverage: 0 created, 0 updated\n"
    assert Coverage.objects.count() == 2


def test_a_file_with_errors_exits_with_status_1_and_lists_them_on_stderr(county, tmp_path):
    path = tmp_path / "coverage.csv"
    path.write_bytes(csv_bytes([*COVERAGE, ["赫山区第九党支部", CODE[3], "2021-01-01", ""],
                                ["赫山区第一联合党支部", CODE[4], "2021-02-30", ""]]))
    before = database_state()
    assert run_failing("coverage", str(path)).splitlines() == [
        "row 4, column 支部名称: 支部“赫山区第九党支部”不存在，请先导入该支部",
        "row 5, column 开始日期: 日期“2021-02-30”不存在",
    ]
    assert database_state() == before


def test_a_dry_run_of_a_file_reports_and_writes_nothing(county, tmp_path):
    path = tmp_path / "coverage.csv"
    path.write_bytes(csv_bytes(COVERAGE))
    before = database_state()
    out, _err = run("coverage", str(path), dry_run=True)
    assert out == "coverage: 2 created, 0 updated (dry run)\n"
    assert database_state() == before


def test_a_bad_file_in_a_folder_leaves_the_database_as_it_was(db, tmp_path):
    files = dict(FILES)
    form, rows = files["pairings"]
    files["pairings"] = (form, [*rows, ["赫山区第九党支部", "第一党支部", "赫山区第一中学",
                                        "2022-03-01", None]])
    folder = write_city_folder(tmp_path / "city", files)
    before = database_state()
    assert run_failing(dir=str(folder)).splitlines() == [
        "row 6, column 支部名称: 支部“赫山区第九党支部”不存在，请先导入该支部"]
    assert database_state() == before
    assert not Region.objects.exists()


def test_a_dry_run_of_a_folder_reports_every_kind_and_writes_nothing(db, tmp_path):
    folder = write_city_folder(tmp_path / "city")
    before = database_state()
    out, _err = run(dir=str(folder), dry_run=True)
    assert out.splitlines() == [f"{kind}: {len(rows) - 1} created, 0 updated (dry run)"
                                for kind, (_form, rows) in FILES.items()]
    assert database_state() == before


def test_a_folder_with_the_same_kind_twice_is_refused(db, tmp_path):
    folder = write_city_folder(tmp_path / "city")
    (folder / "regions.xlsx").write_bytes(b"")
    with pytest.raises(CommandError, match="同时有 regions.csv、regions.xlsx"):
        run(dir=str(folder))
    assert not Region.objects.exists()
