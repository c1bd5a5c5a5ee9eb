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


# --- The stored key ----------------------------------------------------------------------
#
# Lists that are paginated and sorted by the database cannot use natural_key (a Python
# tuple), so each named model stores natural_key flattened into a string, `name_key`, and
# sorts on it. The string is made only of the characters 0-9 and a-f: every collation (SQLite's
# binary one, PostgreSQL's C or en_US/zh_CN ones) orders such strings the same way, byte by
# byte, so both databases agree where they would order the names themselves differently.
#
# The parts of natural_key alternate text, number, text, … (re.split with one group), so
# position alone tells which is which:
#   text:   each character as "1" + six hex digits of its case-folded code point, then "0"
#           (the end sorts before any further character: 机构 before 机构甲);
#   number: two decimal digits giving the count of digits, then the digits (2 "012" before
#           10 "0210"), numbers over 99 digits long are clipped.
# The key is clipped at SORT_KEY_LENGTH (about 55 characters of name); names equal that far
# sort by their primary key, the tie-breaker every list adds.

SORT_KEY_LENGTH = 400


def sort_key(name: str) -> str:
    """natural_key(name) as a string in the same order, stable under any collation."""
    out = []
    for index, part in enumerate(_RUN.split(name or "")):
        if index % 2 == 0:
            out.extend(f"1{ord(ch):06x}" for ch in part.casefold())
            out.append("0")
        else:
            number = int(part) if part.isdigit() else chinese_number(part)
            digits = str(number)[:99]
            out.append(f"{len(digits):02d}{digits}")
    return "".join(out)[:SORT_KEY_LENGTH]


def fill_sort_keys(objs) -> None:
    """Set the stored keys of each object that has them, for the bulk writes that bypass
    save() (imports, demo data); a no-op on objects of other models."""
    for obj in objs:
        for target, source in getattr(obj, "sort_keys", {}).items():
            setattr(obj, target, sort_key(getattr(obj, source)))


def stored_keys_filler(app_label: str, models: list[tuple[str, dict[str, str]]]):
    """A RunPython function filling the stored keys (target field -> source field) of the
    rows saved before the keys existed; historical models have no save() override, so the
    keys are computed here."""

    def fill(apps, schema_editor):
        for model_name, keys in models:
            model = apps.get_model(app_label, model_name)
            rows = list(model.objects.only("pk", *keys.values()))
            for row in rows:
                for target, source in keys.items():
                    setattr(row, target, sort_key(getattr(row, source)))
            model.objects.bulk_update(rows, list(keys), batch_size=500)

    return fill


def sort_key_fields(model, fields) -> list:
    """fields, plus the stored keys whose source is among them (for bulk_update)."""
    extra = [target for target, source in getattr(model, "sort_keys", {}).items()
             if source in fields and target not in fields]
    return list(fields) + extra


class NaturallyNamed:
    """Model mixin: keeps each stored key (target field -> source field) in step on save()."""

    sort_keys = {"name_key": "name"}

    def save(self, *args, **kwargs):
        fill_sort_keys([self])
        if kwargs.get("update_fields") is not None:
            kwargs["update_fields"] = sort_key_fields(type(self), kwargs["update_fields"])
        super().save(*args, **kwargs)
