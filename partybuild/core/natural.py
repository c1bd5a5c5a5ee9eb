"""Natural order of names: 第二 before 第三 before 第十, 机构2 before 机构10.

A plain string sort puts 第三 before 第二 (by code point) and 机构10 before 机构2. The key
below reads every run of Arabic digits and every run of Chinese numerals (一二三…十百千,
with 〇/零/两) as a number, so names compare as a person reads them. Everything else is
compared character by character, case-folded, which is stable on SQLite and PostgreSQL
alike (the databases' collations differ; Python's order does not).
"""

import re

DIGITS = {"〇": 0, "零": 0, "一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5, "六": 6,
          "七": 7, "八": 8, "九": 9}
UNITS = {"十": 10, "百": 100, "千": 1000}
_RUN = re.compile(r"(\d+|[〇零一二两三四五六七八九十百千]+)")


def chinese_number(text: str) -> int:
    """The value of a run of Chinese numerals: 十二 12, 二十 20, 一百零五 105, 二〇二五 2025."""
    if not any(ch in UNITS for ch in text):
        # Digit by digit, as in years (二〇二五).
        value = 0
        for ch in text:
            value = value * 10 + DIGITS[ch]
        return value
    total, digit = 0, None
    for ch in text:
        if ch in DIGITS:
            digit = DIGITS[ch]
        else:
            total += (1 if digit is None else digit) * UNITS[ch]
            digit = None
    return total + (digit or 0)


def natural_key(name: str) -> tuple:
    """A sort key for a name: text parts case-folded, number runs (Arabic or Chinese) as ints."""
    key = []
    for index, part in enumerate(_RUN.split(name or "")):
        if index % 2 == 0:
            key.append((0, part.casefold(), 0))
        else:
            number = int(part) if part.isdigit() else chinese_number(part)
            key.append((1, "", number))
    return tuple(key)


def natural_sorted(items, key=lambda item: item.name):
    """The items sorted by natural_key of key(item) (by default their name)."""
    return sorted(items, key=lambda item: natural_key(key(item)))
