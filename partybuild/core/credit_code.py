"""Unified social credit code (统一社会信用代码) check, GB 32100-2015."""

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

CODE_CHARSET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
WEIGHTS = (1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28)


def check_character(first17: str) -> str:
    """The 18th character that GB 32100-2015 requires after these 17."""
    pairs = zip(first17, WEIGHTS, strict=True)
    total = sum(CODE_CHARSET.index(char) * weight for char, weight in pairs)
    return CODE_CHARSET[(31 - total % 31) % 31]


def credit_code_problem(code: str) -> str | None:
    """Why the code is not a valid credit code, in Chinese, or None when it is valid."""
    if len(code) != 18:
        return _("统一社会信用代码应为18位，当前为%(length)s位") % {"length": len(code)}
    bad = sorted({char for char in code if char not in CODE_CHARSET})
    if bad:
        return (_("统一社会信用代码含有不允许的字符：%(characters)s（不使用 I、O、Z、S、V）")
                % {"characters": "".join(bad)})
    expected = check_character(code[:17])
    if code[17] != expected:
        return _("统一社会信用代码校验位错误：第18位应为 %(expected)s") % {"expected": expected}
    return None


def validate_credit_code(value: str) -> None:
    problem = credit_code_problem(value)
    if problem:
        raise ValidationError(problem, code="credit_code")


def make_credit_code(serial: int, region_code: str = "430900", kind: str = "52") -> str:
    """A valid code for demo and test data: registration kind, region, a 9-character serial."""
    first17 = f"{kind}{region_code[:6]:0<6}MJ{serial % 10_000_000:07d}"
    return first17 + check_character(first17)
