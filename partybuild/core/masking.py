"""Masking of personal numbers (PIPL): lists, exports and PDFs show only the ends."""

from django import template


def mask_phone(value: str | None) -> str:
    """`13800138000` → `138****8000`: the carrier prefix and the last four stay."""
    value = (value or "").strip()
    if not value:
        return ""
    if len(value) <= 7:
        # Too short to keep both ends without giving the whole number away.
        return value[:1] + "*" * (len(value) - 1)
    return f"{value[:3]}{'*' * (len(value) - 7)}{value[-4:]}"


def mask_id_number(value: str | None) -> str:
    """A resident ID number keeps its region prefix and last four: `430903**********1234`."""
    value = (value or "").strip()
    if len(value) <= 10:
        return "*" * len(value)
    return f"{value[:6]}{'*' * (len(value) - 10)}{value[-4:]}"


register = template.Library()
register.filter("mask_phone", mask_phone)
register.filter("mask_id_number", mask_id_number)
