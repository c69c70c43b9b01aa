"""How numbers are printed in the book's prose and tables: one rule, used everywhere."""

from __future__ import annotations

import math


def _missing(value) -> bool:
    return value is None or (isinstance(value, float) and math.isnan(value))


def prop(value: float | None, digits: int = 2) -> str:
    """A proportion as R meta prints it: ``0.09``; missing -> an en dash."""
    return "–" if _missing(value) else f"{value:.{digits}f}"


def pct(value: float | None, digits: int = 0) -> str:
    """A proportion in percent: ``9%`` (``digits`` decimals)."""
    return "–" if _missing(value) else f"{100 * value:.{digits}f}%"


def ci(low: float | None, high: float | None, digits: int = 2, *, percent: bool = False) -> str:
    """An interval as R meta prints it, ``[0.02; 0.17]``, or in percent, ``2–17%``."""
    if _missing(low) or _missing(high):
        return "–"
    if percent:
        return f"{100 * low:.{digits}f}–{100 * high:.{digits}f}%"
    return f"[{low:.{digits}f}; {high:.{digits}f}]"


def estimate_ci(value, low, high, digits: int = 2, *, percent: bool = False) -> str:
    """``0.09 [0.02; 0.17]`` or ``9% (2–17%)``."""
    if percent:
        return f"{pct(value, digits)} ({ci(low, high, digits, percent=True)})"
    return f"{prop(value, digits)} {ci(low, high, digits)}"


def months(value: float | None, digits: int = 1) -> str:
    """A time in months: ``4.8 months``."""
    return "–" if _missing(value) else f"{value:.{digits}f} months"


def pvalue(p: float | None) -> str:
    """A p-value as R prints it in forest plots: ``p = 0.10``, ``p < 0.01``."""
    if _missing(p):
        return "–"
    return "p < 0.01" if p < 0.01 else f"p = {p:.2f}"
