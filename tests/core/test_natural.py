"""Names sort as a person reads them: 第二 before 第三, 机构2 before 机构10."""

import pytest

from partybuild.core.natural import chinese_number, natural_key, natural_sorted


@pytest.mark.parametrize("text, value", [
    ("一", 1), ("十", 10), ("十二", 12), ("二十", 20), ("二十一", 21), ("一百零五", 105),
    ("两百", 200), ("二〇二五", 2025), ("三千零一十", 3010),
])
def test_chinese_numerals_are_read_as_numbers(text, value):
    assert chinese_number(text) == value


def test_chinese_ordinals_sort_by_their_value():
    names = ["第三联合党支部", "第十联合党支部", "第一联合党支部", "第二十联合党支部",
             "第二联合党支部", "第十一联合党支部"]
    assert sorted(names, key=natural_key) == [
        "第一联合党支部", "第二联合党支部", "第三联合党支部", "第十联合党支部",
        "第十一联合党支部", "第二十联合党支部"]


def test_arabic_numbers_in_names_sort_by_their_value():
    names = ["机构10", "机构2", "机构1", "机构2A", "机构"]
    assert sorted(names, key=natural_key) == ["机构", "机构1", "机构2", "机构2A", "机构10"]


def test_names_without_numbers_keep_their_plain_order_and_case_does_not_matter():
    assert natural_sorted(["b", "A", "c"], key=str) == ["A", "b", "c"]


def test_an_empty_or_missing_name_sorts_first():
    assert natural_sorted(["一中", None, ""], key=lambda name: name) == [None, "", "一中"]
