"""Swedish number formatting for reports: `1 234,5` with a no-break space as thousands separator."""

from __future__ import annotations

import math

NBSP = "\u00a0"
MINUS = "\u2212"
MISSING = "–"  # shown where a value is missing


def number(value: float | int | None, decimals: int = 0) -> str:
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return MISSING
    text = f"{abs(value):,.{decimals}f}".replace(",", NBSP).replace(".", ",")
    return f"{MINUS}{text}" if value < 0 and text.strip("0,\u00a0") else text


def percent(value: float | None, decimals: int = 1) -> str:
    return MISSING if value is None else f"{number(value, decimals)}{NBSP}%"


def signed_percent(fraction: float | None, decimals: int = 1) -> str:
    """A relative change as `+12,3 %` or `−4,0 %`."""
    if fraction is None:
        return MISSING
    sign = "+" if fraction > 0 else ""
    return f"{sign}{number(fraction * 100, decimals)}{NBSP}%"


def p_value(p: float | None) -> str:
    if p is None:
        return MISSING
    return "p < 0,001" if p < 0.001 else f"p = {number(p, 3)}"
