"""Ledgers as offices really save them (FORMATS.md), through `import_data` and the web page.

The files in office_files/ were made by LibreOffice 7.4, xlwt and byte-exact CSV writers
(office_files/make_office_files.py). Each one either imports the same three institutions
as the clean file, or is refused with a message that names the fix; the web upload gives
the same verdict as the command line.
"""

import io
import shutil
import time
from datetime import date
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.urls import reverse

from partybuild.imports.engine import NUMBER_TRAP
from partybuild.organisation.models import Institution

FILES = Path(__file__).parent / "office_files"
NAMES = ["赫山区启航艺术培训学校", "赫山区书山体育培训中心", "赫山区明德科技培训学校"]
OPENED = {NAMES[0]: date(2021, 3, 5), NAMES[1]: date(2022, 9, 1), NAMES[2]: date(2019, 12, 30)}


def command(*args) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    try:
        call_command("import_data", *args, stdout=out, stderr=err)
    except CommandError as error:
        err.write(str(error))
        return error.returncode, out.getvalue(), err.getvalue()
    return 0, out.getvalue(), err.getvalue()


def imported() -> dict:
    return {institution.name: (institution.credit_code, institution.opened_on,
                               institution.category)
            for institution in Institution.objects.filter(name__in=NAMES)}


def expected_records() -> dict:
    from tests.imports.office_files.make_office_files import CATEGORIES, CODES

    categories = {"文化艺术": "arts", "体育": "sports", "科技": "science"}
    return {name: (code, OPENED[name], categories[category])
            for name, code, category in zip(NAMES, CODES, CATEGORIES, strict=True)}


ACCEPTED = [
    # (file, what the success line adds after `institutions: 3 created, 0 updated`)
    ("lo_clean.xlsx", ""),
    ("lo_clean.xls", ""),
    ("lo_unicode_text.txt", ""),
    ("lo_title_serial_footer.xlsx", "（第 1–2 行是标题，已跳过；忽略 2 行表尾）"),
    ("lo_title_serial_footer.xls", "（第 1–2 行是标题，已跳过；忽略 2 行表尾）"),
    ("lo_cover_sheet.xlsx", "（工作表“封面”没有表头，已跳过，读取工作表“机构名单”）"),
    ("lo_cover_sheet.xls", "（工作表“封面”没有表头，已跳过，读取工作表“机构名单”）"),
    ("styled_cell_at_row_1048576.xlsx", ""),
    ("xlwt_title_row.xls", "（第 1 行是标题，已跳过）"),
    ("codes_spaced_fullwidth.csv", ""),
    ("wps_gbk_title_serial.csv", "（第 1 行是标题，已跳过；忽略 1 行表尾）"),
]


@pytest.mark.parametrize("name, notes", ACCEPTED)
def test_an_office_saved_file_imports_the_same_records_as_the_clean_one(county, name, notes):
    status, out, err = command("institutions", str(FILES / name))

    assert (status, err) == (0, "")
    assert out.strip() == f"institutions: 3 created, 0 updated{notes}"
    assert imported() == expected_records()


@pytest.mark.parametrize("name, notes", ACCEPTED[:4])
def test_the_dry_run_says_what_was_skipped(county, name, notes):
    status, out, _err = command("institutions", str(FILES / name), "--dry-run")
    assert status == 0
    assert out.strip() == f"institutions: 3 created, 0 updated (dry run){notes}"
    assert imported() == {}


def test_the_extension_changes_nothing(county, tmp_path):
    """An XLSX named .xls, an upper-case .XLSX, a CSV named .xlsx: read by their content."""
    for source, target in (("lo_clean.xlsx", "机构.xls"), ("lo_clean.xlsx", "机构.XLSX"),
                           ("lo_clean.xls", "机构.xlsx"), ("codes_spaced_fullwidth.csv",
                                                          "机构.xlsx")):
        shutil.copy(FILES / source, tmp_path / target)
        status, out, err = command("institutions", str(tmp_path / target), "--dry-run")
        assert (status, err) == (0, ""), (source, target)
        assert out.startswith("institutions: 3 created, 0 updated"), (source, target)


TRAPPED = [f"row {n}, column 统一社会信用代码: {NUMBER_TRAP}" for n in (2, 3, 4)]
REFUSED = [
    ("lo_number_trap.xlsx", TRAPPED),
    ("lo_number_trap.xls", TRAPPED),
    ("excel_scientific.csv", TRAPPED),
    ("mixed_gb18030_utf8.csv",
     ["file: 文件混有两种编码：第 4 行起不是 GB18030。请在 Excel/WPS 中打开，"
      "另存为“CSV UTF-8”或 XLSX 后重新导入。"]),
]


@pytest.mark.parametrize("name, lines", REFUSED)
def test_a_file_that_would_go_in_wrong_is_refused_with_the_fix_named(county, name, lines):
    status, out, err = command("institutions", str(FILES / name))

    assert status == 1 and out == ""
    assert err.splitlines()[:-1] == lines
    assert imported() == {}


@pytest.mark.parametrize("name, lines", REFUSED)
def test_the_web_upload_gives_the_same_verdict(client, alice, county, name, lines):
    client.force_login(alice)
    response = client.post(reverse("imports:upload", args=["institutions"]),
                           {"file": SimpleUploadedFile(name, (FILES / name).read_bytes())})
    result = response.context["result"]
    assert not result.ok
    assert result.error_lines() == lines


@pytest.mark.parametrize("name, notes", ACCEPTED)
def test_the_web_upload_accepts_what_the_command_accepts(client, alice, county, name, notes):
    client.force_login(alice)
    response = client.post(reverse("imports:upload", args=["institutions"]),
                           {"file": SimpleUploadedFile(name, (FILES / name).read_bytes())})
    result = response.context["result"]
    assert result.ok, result.error_lines()
    assert result.summary_line() == f"institutions: 3 created, 0 updated{notes}"
    for note in result.notes:
        assert note in response.content.decode()


def test_a_styled_cell_at_the_last_row_is_read_quickly(county):
    started = time.monotonic()
    status, _out, _err = command("institutions", str(FILES / "styled_cell_at_row_1048576.xlsx"),
                                 "--dry-run")
    assert status == 0
    assert time.monotonic() - started < 1.0


def test_a_folder_takes_any_letter_case_and_names_what_it_did_not_take(county, tmp_path):
    shutil.copy(FILES / "lo_clean.xlsx", tmp_path / "institutions.XLSX")
    (tmp_path / "coverage.xls").write_bytes(coverage_xls())
    (tmp_path / "说明.docx").write_bytes(b"PK\x03\x04 notes")
    status, out, err = command("--dir", str(tmp_path))
    assert status == 0, err
    assert out.splitlines() == ["institutions: 3 created, 0 updated",
                                "coverage: 1 created, 0 updated"]
    assert "未导入 说明.docx" in err


@pytest.mark.parametrize("stray", ["visits.numbers", "institutions.txt", "Members.ods"])
def test_a_folder_with_a_kind_file_it_cannot_read_exits_1_and_writes_nothing(county, tmp_path,
                                                                             stray):
    shutil.copy(FILES / "lo_clean.xlsx", tmp_path / "institutions.xlsx")
    (tmp_path / stray).write_bytes(b"whatever")
    status, out, err = command("--dir", str(tmp_path))
    assert status == 1 and out == ""
    assert f"未导入 {stray}" in err
    assert imported() == {}


def coverage_xls() -> bytes:
    """A coverage ledger for the first institution, written by a BIFF writer."""
    import xlwt

    from tests.imports.office_files.make_office_files import CODES

    workbook = xlwt.Workbook(encoding="utf-8")
    sheet = workbook.add_sheet("覆盖")
    for column, header in enumerate(["支部名称", "统一社会信用代码", "开始日期"]):
        sheet.write(0, column, header)
    sheet.write(1, 0, "赫山区第一联合党支部")
    sheet.write(1, 1, CODES[0])
    sheet.write(1, 2, "2022-01-01")
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
