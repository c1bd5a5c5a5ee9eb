"""Reading one cell: every form FORMATS.md allows, and a message a user can act on otherwise."""

from datetime import date, datetime
from decimal import Decimal

import pytest
from django.utils import translation

from partybuild.imports.kinds.structure import parse_credit_code, parse_region_code
from partybuild.imports.parsing import (
    CellError,
    choice_parser,
    parse_bool,
    parse_date,
    parse_int,
    parse_points,
    text,
    text_up_to,
)
from partybuild.organisation.models import Branch

from .conftest import CODE


@pytest.mark.parametrize("cell", ["2023-03-05", "2023/3/5", "2023.3.5", "2023年3月5日",
                                  "2023-3-05", " 2023/03/05 ", date(2023, 3, 5),
                                  datetime(2023, 3, 5), datetime(2023, 3, 5, 17, 45)])
def test_every_date_form_reads_as_the_same_day(cell):
    assert parse_date(cell) == date(2023, 3, 5)


@pytest.mark.parametrize("cell", [None, ""])
def test_an_empty_date_cell_is_no_date(cell):
    assert parse_date(cell) is None


@pytest.mark.parametrize("cell, message", [
    ("2023-02-29", "日期“2023-02-29”不存在"),
    ("2023年13月1日", "日期“2023年13月1日”不存在"),
    ("0000-01-01", "日期“0000-01-01”不存在"),
    ("20230305", "无法识别的日期“20230305”，请写成 2023-03-05、2023/3/5、2023.3.5 或 2023年3月5日"),
    ("3/5/2023", "无法识别的日期“3/5/2023”，请写成 2023-03-05、2023/3/5、2023.3.5 或 2023年3月5日"),
    ("昨天", "无法识别的日期“昨天”，请写成 2023-03-05、2023/3/5、2023.3.5 或 2023年3月5日"),
])
def test_dates_that_cannot_be_read_say_why(cell, message):
    with pytest.raises(CellError) as error:
        parse_date(cell)
    assert str(error.value) == message


@pytest.mark.parametrize("cell, expected", [
    ("是", True), ("否", False), ("Y", True), ("y", True), ("N", False), ("n", False),
    ("1", True), ("0", False), (1, True), (0, False), (1.0, True), ("true", True),
    ("TRUE", True), ("false", False), ("√", True), ("", False), (None, False), (True, True),
    (False, False),
])
def test_every_yes_no_form_is_read(cell, expected):
    assert parse_bool(cell) is expected


def test_an_unreadable_yes_no_lists_the_accepted_forms():
    with pytest.raises(CellError, match="“有”不是是/否，请填 是、否、Y、N、1、0、true、false 或 √"):
        parse_bool("有")


def test_numbers_typed_into_excel_text_columns_read_without_decimals():
    assert (text(12.0), text(13907370001), text(None), text("  赫山区 ")) == (
        "12", "13907370001", "", "赫山区")


def test_integers_must_be_small_non_negative_whole_numbers():
    assert (parse_int("12"), parse_int(""), parse_int(12.0)) == (12, None, 12)
    for cell, message in (("-1", "“-1”不是非负整数"), ("1.5", "“1.5”不是非负整数"),
                          ("1234567890", "“1234567890”过大")):
        with pytest.raises(CellError) as error:
            parse_int(cell)
        assert str(error.value) == message


def test_points_are_signed_with_at_most_one_decimal():
    assert (parse_points("-2.5"), parse_points(3), parse_points(1.5)) == (
        Decimal("-2.5"), Decimal("3.0"), Decimal("1.5"))
    with pytest.raises(CellError, match="最多保留一位小数"):
        parse_points("1.25")


def test_text_longer_than_the_column_is_refused_with_the_limit():
    parse = text_up_to(4)
    assert parse("赫山区局") == "赫山区局"
    with pytest.raises(CellError) as error:
        parse("赫山区教育局")
    assert str(error.value) == "内容过长：最多 4 个字，当前 6 个字"


def test_choices_accept_the_chinese_label_or_the_key_whatever_the_active_language():
    with translation.override("en"):
        parse = choice_parser(Branch.Kind.choices, "类型")
        assert (parse("联合党支部"), parse("standalone")) == ("joint", "standalone")
        with pytest.raises(CellError) as error:
            parse("Joint branch")
    assert str(error.value) == "类型“Joint branch”不在可选值中（单独党支部、联合党支部）"


def test_credit_codes_are_upper_cased_and_checked():
    assert parse_credit_code(CODE[1].lower()) == CODE[1]
    with pytest.raises(CellError, match="统一社会信用代码应为18位，当前为17位"):
        parse_credit_code(CODE[1][:17])
    with pytest.raises(CellError, match="含有不允许的字符：O"):
        parse_credit_code(CODE[1][:3] + "O" + CODE[1][4:])


def test_region_codes_are_six_to_twelve_digits():
    assert parse_region_code(430903.0) == "430903"
    assert parse_region_code("430903001") == "430903001"
    for cell in ("4309", "43090300100100", "４３０９０３", "430-903"):
        with pytest.raises(CellError, match="应为6至12位数字"):
            parse_region_code(cell)
