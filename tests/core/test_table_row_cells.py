"""The list rows' cells drawn once per distinct value (core.table_rows) are what `{{ value }}`
shows: page_shown() writes numbers with the language's format looked up once, and
draw_column() shares a drawn cell only between values sure to show alike."""

from datetime import date
from decimal import Decimal

import pytest
from django.test import override_settings
from django.utils import translation

from partybuild.core.table_rows import draw_column, page_shown, shown, text

VALUES = [
    None, "", "甲<b>&\"'", "0", 0, 7, -12, 1234567, 10**30, True, False,
    Decimal("0.00"), Decimal("-0.00"), Decimal("5.0"), Decimal("5.00"), Decimal("-12.50"),
    Decimal("98.75"), Decimal("1234567.89"), Decimal("-1234567.891"), Decimal("1E+3"),
    Decimal("1E-7"), Decimal("123E+195"), Decimal("1E+205"), Decimal("1E-205"),
    1.5, -0.0, 1e20, date(2025, 3, 1),
]


def expected(value):
    """django-tables2's cell: its blank (None) for None and "", else {{ value }}."""
    return None if value in (None, "") and not isinstance(value, Decimal) else text(value)


@pytest.mark.parametrize("language", ["zh-hans", "en", "de"])
@pytest.mark.parametrize("grouping", [False, True])
def test_page_shown_writes_what_localize_writes(language, grouping):
    # German writes a decimal comma (and a thousands point when grouping).
    with override_settings(USE_THOUSAND_SEPARATOR=grouping), translation.override(language):
        shown_here = page_shown()
        for value in VALUES:
            assert shown_here(value) == shown(value) == expected(value), (language, value)
        if language == "de" and not grouping:
            assert shown_here(Decimal("-12.50")) == "-12,50"
        if grouping and language != "zh-hans":  # Chinese has no thousands separator
            assert shown_here(1234567) in ("1,234,567", "1.234.567")


@pytest.mark.parametrize("values", [
    # Equal values that show differently: none may stand for another.
    [Decimal("5.0"), Decimal("5.00"), Decimal("5.0"), None, Decimal("5.00")],
    [Decimal("0.00"), Decimal("-0.00"), Decimal("0.00")],
    [1, True, 1.0, 1, True, None],
    [0.0, -0.0, 0.0],
    # The common cases: repeated numbers and names.
    [Decimal("20.00"), Decimal("20.00"), None, Decimal("87.67"), Decimal("20.00")],
    [12, 12, 11, None, 12],
    ["a<b", "a<b", "", None, "c"],
    [[1], [1]],  # unhashable
])
def test_draw_column_shares_cells_only_between_values_shown_alike(values):
    with translation.override("en"):
        cells = draw_column(values, page_shown(), td='<td class="n">', blank="<td >—</td>")
    assert cells == [
        "<td >—</td>" if (inner := expected(value)) is None else f'<td class="n">{inner}</td>'
        for value in values]


def test_draw_column_converts_each_distinct_raw_value_once():
    converted = []

    def convert(raw):
        converted.append(raw)
        return None if raw is None else Decimal(raw).quantize(Decimal("0.01"))

    # SQLite gives a decimal column's values as ints and floats.
    cells = draw_column([20, 87.67, 20, None, 87.67, 20], convert=convert, draw=shown)
    assert cells == ["<td >20.00</td>", "<td >87.67</td>", "<td >20.00</td>", "<td >—</td>",
                     "<td >87.67</td>", "<td >20.00</td>"]
    assert sorted(converted, key=str) == [20, 87.67, None]
