"""Turning one cell into a value, with a Chinese message when it cannot be read."""

import re
from datetime import date, datetime
from decimal import Decimal, InvalidOperation

from django.utils import translation

DATE_PATTERNS = (
    re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})$"),
    re.compile(r"^(\d{4})/(\d{1,2})/(\d{1,2})$"),
    re.compile(r"^(\d{4})\.(\d{1,2})\.(\d{1,2})$"),
    re.compile(r"^(\d{4})年(\d{1,2})月(\d{1,2})日$"),
)
TRUE_WORDS = {"是", "y", "yes", "1", "true", "√", "✓"}
FALSE_WORDS = {"否", "n", "no", "0", "false", ""}


class CellError(ValueError):
    """A cell's value cannot be used; str(error) is the message for the user."""


def text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        # Excel stores numbers typed into a text column as floats: 12.0 means "12".
        return str(int(value))
    if isinstance(value, datetime):
        return value.date().isoformat()
    return str(value).strip()


def parse_date(value) -> date | None:
    if value is None or value == "":
        return None
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    raw = text(value)
    for pattern in DATE_PATTERNS:
        match = pattern.match(raw)
        if match:
            year, month, day = (int(part) for part in match.groups())
            try:
                return date(year, month, day)
            except ValueError as error:
                raise CellError(f"日期“{raw}”不存在") from error
    raise CellError(
        f"无法识别的日期“{raw}”，请写成 2023-03-05、2023/3/5、2023.3.5 或 2023年3月5日"
    )


def parse_bool(value) -> bool:
    if value is True or value is False:
        return value
    raw = text(value).lower()
    if raw in TRUE_WORDS:
        return True
    if raw in FALSE_WORDS:
        return False
    raise CellError(
        f"“{text(value)}”不是是/否，请填 是、否、Y、N、1、0、true、false 或 √（空白为否）"
    )


def parse_int(value) -> int | None:
    raw = text(value)
    if raw == "":
        return None
    if not re.fullmatch(r"\d+", raw):
        raise CellError(f"“{raw}”不是非负整数")
    if len(raw) > 9:
        # The database stores 32-bit integers; a longer number is a typing slip anyway.
        raise CellError(f"“{raw}”过大")
    return int(raw)


def text_up_to(max_length: int):
    """A text parser refusing values longer than the database column holds."""

    def parse(value) -> str:
        raw = text(value)
        if len(raw) > max_length:
            raise CellError(f"内容过长：最多 {max_length} 个字，当前 {len(raw)} 个字")
        return raw

    # The XLSX templates read the limit to explain the column.
    parse.max_length = max_length
    return parse


def parse_points(value) -> Decimal:
    """Signed points with at most one decimal place."""
    raw = text(value) if not isinstance(value, float) else repr(value)
    try:
        points = Decimal(raw)
    except InvalidOperation as error:
        raise CellError(f"“{raw}”不是数字") from error
    if not points.is_finite():
        raise CellError(f"“{raw}”不是数字")
    if points != points.quantize(Decimal("0.1")):
        raise CellError(f"分值“{raw}”最多保留一位小数")
    if abs(points) >= Decimal("10000"):
        raise CellError(f"分值“{raw}”超出范围")
    return points.quantize(Decimal("0.1"))


def choice_parser(choices, kind: str):
    """A parser accepting a choice's Chinese label or its English key."""
    # The Chinese labels, whatever language the importing user reads the site in.
    with translation.override(None):
        by_label = {str(label): key for key, label in choices}
    keys = {key for key, _label in choices}

    def parse(value) -> str:
        raw = text(value)
        if raw in by_label:
            return by_label[raw]
        if raw in keys:
            return raw
        allowed = "、".join(by_label)
        raise CellError(f"{kind}“{raw}”不在可选值中（{allowed}）")

    # The XLSX templates list the allowed values on their instructions sheet.
    parse.allowed = tuple(by_label)
    return parse
