"""The difference between two independent proportions, with its confidence interval.

Two methods, a closed set checked at the entry point:

* ``newcombe``: Newcombe's hybrid score interval (1998, method 10). Each arm gets its
  Wilson score interval ``(l_i, u_i)`` around ``p_i = x_i / n_i``; for ``d = p1 - p2``

  ``L = d - sqrt((p1 - l1)^2 + (u2 - p2)^2)``,  ``U = d + sqrt((u1 - p1)^2 + (p2 - l2)^2)``.

  It keeps its coverage with small arms and with proportions near 0 or 1, where the Wald
  interval does not. ``x`` may be a non-integer (a reported rate times its arm size): the
  Wilson formula needs only ``p`` and ``n``.
* ``wald_from_intervals``: when each arm reports a rate with a symmetric interval but not
  its count (for example Kaplan-Meier landmark rates), the standard error of each rate is
  read back from its interval, ``se_i = (hi_i - lo_i) / (2 z)``, and
  ``d ± z sqrt(se1^2 + se2^2)``.

References
----------
Newcombe RG. Interval estimation for the difference between independent proportions:
comparison of eleven methods. Stat Med 1998;17:873-90 (Table II gives worked examples).
Wilson EB. Probable inference, the law of succession, and statistical inference.
J Am Stat Assoc 1927;22:209-12.

Example
-------
>>> r = risk_difference(56, 70, 48, 80)
>>> f"{r.difference:.4f} ({r.ci_low:.4f} to {r.ci_high:.4f})"
'0.2000 (0.0524 to 0.3339)'
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Literal, get_args

from scipy.stats import norm

from living_review.core.choices import check_choice

Method = Literal["newcombe", "wald_from_intervals"]
METHODS: tuple[str, ...] = get_args(Method)


@dataclass(frozen=True)
class RiskDifference:
    """``p1 - p2`` with its interval, as fractions; ``n1``/``n2`` are NaN for ``wald_from_intervals``."""

    p1: float
    p2: float
    n1: float
    n2: float
    difference: float
    ci_low: float
    ci_high: float
    level: float
    method: str

    def summary(self) -> str:
        return (f"{100 * self.difference:+.1f} percentage points ({100 * self.level:g}% CI "
                f"{100 * self.ci_low:+.1f} to {100 * self.ci_high:+.1f}; {self.method})")


def _z(level: float) -> float:
    if not 0 < level < 1:
        raise ValueError(f"level={level!r} must lie strictly between 0 and 1 (for example 0.95)")
    return float(norm.ppf(0.5 + level / 2))


def wilson(x: float, n: float, level: float = 0.95) -> tuple[float, float]:
    """Wilson score interval of ``x / n`` (``x`` may be a non-integer count)."""
    if not n > 0 or not 0 <= x <= n:
        raise ValueError(f"a proportion needs 0 <= x <= n and n > 0 (got x={x!r}, n={n!r})")
    z = _z(level)
    p = x / n
    centre = (p + z * z / (2 * n)) / (1 + z * z / n)
    half = z * math.sqrt(p * (1 - p) / n + z * z / (4 * n * n)) / (1 + z * z / n)
    return max(0.0, centre - half), min(1.0, centre + half)


def risk_difference(x1: float, n1: float, x2: float, n2: float, level: float = 0.95) -> RiskDifference:
    """``x1/n1 - x2/n2`` with Newcombe's hybrid score interval (module docstring)."""
    l1, u1 = wilson(x1, n1, level)
    l2, u2 = wilson(x2, n2, level)
    p1, p2 = x1 / n1, x2 / n2
    d = p1 - p2
    low = d - math.sqrt((p1 - l1) ** 2 + (u2 - p2) ** 2)
    high = d + math.sqrt((u1 - p1) ** 2 + (p2 - l2) ** 2)
    return RiskDifference(p1, p2, float(n1), float(n2), d, max(-1.0, low), min(1.0, high), level, "newcombe")


def from_rates(p1: float, n1: float, p2: float, n2: float, level: float = 0.95) -> RiskDifference:
    """Newcombe's interval for two reported rates (fractions) and their arm sizes."""
    for p in (p1, p2):
        if not 0 <= p <= 1:
            raise ValueError(f"rate {p!r} is outside 0-1 (give fractions, not percentages)")
    return risk_difference(p1 * n1, n1, p2 * n2, n2, level)


def from_intervals(p1: float, lo1: float, hi1: float, p2: float, lo2: float, hi2: float,
                   level: float = 0.95) -> RiskDifference:
    """Wald interval of ``p1 - p2`` with each standard error read back from its interval."""
    z = _z(level)
    for p, lo, hi in ((p1, lo1, hi1), (p2, lo2, hi2)):
        if not lo <= p <= hi or not hi > lo:
            raise ValueError(f"interval {lo!r}-{hi!r} does not bracket {p!r} (check the order of the values)")
    se = math.hypot((hi1 - lo1) / (2 * z), (hi2 - lo2) / (2 * z))
    d = p1 - p2
    return RiskDifference(p1, p2, math.nan, math.nan, d, d - z * se, d + z * se, level, "wald_from_intervals")


def compute(method: Method, **kwargs) -> RiskDifference:
    """Entry point with the method as a closed set: ``newcombe`` takes ``x1, n1, x2, n2``
    (or ``p1, n1, p2, n2`` rates), ``wald_from_intervals`` takes ``p1, lo1, hi1, p2, lo2, hi2``."""
    check_choice("method", method, METHODS)
    if method == "wald_from_intervals":
        return from_intervals(**kwargs)
    if "p1" in kwargs:
        return from_rates(**kwargs)
    return risk_difference(**kwargs)


def ratio_p_value(ratio: float, lo: float, hi: float, level: float = 0.95) -> float:
    """Two-sided p-value of a ratio (hazard, risk or odds) read back from its interval on the
    log scale: ``se = (log hi - log lo) / (2 z)``, ``p = 2 (1 - Phi(|log ratio| / se))``.

    Altman DG, Bland JM. How to obtain the P value from a confidence interval. BMJ
    2011;343:d2304.
    """
    if not 0 < lo <= ratio <= hi or not hi > lo:
        raise ValueError(f"interval {lo!r}-{hi!r} does not bracket the positive ratio {ratio!r}")
    se = (math.log(hi) - math.log(lo)) / (2 * _z(level))
    return float(2 * norm.sf(abs(math.log(ratio)) / se))


def implied_denominator(rates_pct, n_max: int, decimals: int = 1) -> int | None:
    """The largest arm size ``n <= n_max`` for which every printed rate is a whole number of
    patients out of ``n`` (``round(100 k / n, decimals)`` equals the rate), or None.

    A check of the kind GRIM makes (Brown and Heathers 2017): rates that are fractions of a
    smaller ``n`` than the arm's suggest censoring or another denominator.

    >>> implied_denominator([37.1, 20.0, 17.1], 36)
    35
    """
    rates = [float(r) for r in rates_pct]
    if not rates or n_max < 1:
        return None
    tol = 0.5 * 10 ** -decimals + 1e-9
    for n in range(int(n_max), 0, -1):
        if all(abs(100 * round(r * n / 100) / n - r) <= tol for r in rates):
            return n
    return None
