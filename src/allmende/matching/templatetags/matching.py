"""Small filters for the matching pages."""

from typing import Any

from django import template
from django.utils.formats import number_format

register = template.Library()


@register.filter
def percent(value: float | None) -> str:
    """0.873 → "87 %" (German number format, no-break space)."""
    if value is None:
        return ""
    return f"{number_format(round(float(value) * 100), 0)}\u00a0%"


@register.filter
def decimal2(value: float | None) -> str:
    """A total score with two decimals in the current locale."""
    if value is None:
        return ""
    return str(number_format(float(value), 2))


@register.filter
def get_item(mapping: dict[str, Any], key: str) -> Any:
    return mapping.get(key, key)
