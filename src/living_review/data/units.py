"""Time units: the one place where reported times become months.

Notes
-----
A month is taken as 365.25 / 12 = 30.4375 days, and 4.348 weeks (the protocol's rounded
value of 30.4375 / 7 = 4.3482...). Years are 12 months. Reported values are never
overwritten: the loader adds ``*_months`` columns beside the reported value and unit.

Example
-------
>>> to_months(62, "days")
2.0369609856262834
"""

from __future__ import annotations

import math
from typing import Literal

TimeUnit = Literal["days", "weeks", "months", "years"]

DAYS_PER_MONTH = 30.4375
WEEKS_PER_MONTH = 4.348
MONTHS_PER_YEAR = 12.0

_FACTOR = {
    "days": 1.0 / DAYS_PER_MONTH,
    "weeks": 1.0 / WEEKS_PER_MONTH,
    "months": 1.0,
    "years": MONTHS_PER_YEAR,
}
TIME_UNITS: tuple[str, ...] = tuple(_FACTOR)


def to_months(value: float | None, unit: str | None) -> float:
    """Convert a reported time to months.

    Parameters
    ----------
    value : time as reported; ``None`` or NaN gives NaN.
    unit : one of ``days``, ``weeks``, ``months``, ``years``; may be ``None`` only when
        ``value`` is missing.

    Returns
    -------
    float : months (NaN when ``value`` is missing).

    Notes
    -----
    months = days / 30.4375 = weeks / 4.348 = years * 12.
    """
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return math.nan
    if unit not in _FACTOR:
        raise ValueError(f"time unit {unit!r} is not one of {', '.join(TIME_UNITS)}")
    return float(value) * _FACTOR[unit]
