"""The absolute effect of a hazard ratio at a landmark, as GRADE computes it for a summary of findings.

Under proportional hazards the survival of the experimental arm at time t is the control
arm's raised to the hazard ratio, S₁(t) = S₀(t)^HR, so its risk of the event by t is
``risk₁ = 1 − (1 − risk₀)^HR``. GRADE's summary of findings applies the hazard ratio and each
limit of its interval to the control arm's risk at the landmark (the "assumed risk") to give
the "corresponding risk" and the absolute difference with its interval (Skoetz et al. 2020,
GRADE guidelines 27 for time-to-event outcomes). Here it is given
as survival, the experimental arm's minus the control arm's, in percentage points.

Worked example (the reader's check of NRG/RTOG 0912): placebo 1-year survival 29.0 %, HR 0.86
(0.52 to 1.43): 0.29^0.86 = 34.5 %, a difference of +5.5 points; 0.29^0.52 = 52.5 % (+23.5)
and 0.29^1.43 = 17.0 % (−12.0). The interval carries only the hazard ratio's uncertainty, with
the control risk taken as known, as in GRADE's tables.

References
----------
Skoetz N, Goldkuhle M, van Dalen EC, et al. GRADE guidelines 27: how to calculate absolute
effects for time-to-event outcomes in summary of findings tables and Evidence Profiles.
J Clin Epidemiol 2020;118:124-31.
"""

from __future__ import annotations

import math
from dataclasses import dataclass


@dataclass(frozen=True)
class AbsoluteEffect:
    """Survival at one landmark: control (assumed) and experimental (corresponding), and their difference.

    Fractions (0-1); ``difference``, ``ci_low`` and ``ci_high`` are experimental − control, the
    limits from the hazard ratio's upper and lower limits (a higher HR gives lower survival).
    """

    control_survival: float
    hazard_ratio: float
    hr_low: float
    hr_high: float
    survival: float
    difference: float
    ci_low: float
    ci_high: float


def survival_under_hr(control_survival: float, hazard_ratio: float) -> float:
    """S₁ = S₀^HR (proportional hazards). ``control_survival`` in [0, 1], ``hazard_ratio`` > 0."""
    if not 0 <= control_survival <= 1:
        raise ValueError(f"control survival {control_survival!r} is outside 0-1 (give a fraction)")
    if not hazard_ratio > 0 or math.isinf(hazard_ratio):
        raise ValueError(f"hazard ratio {hazard_ratio!r} must be a positive finite number")
    return control_survival ** hazard_ratio


def absolute_effect(control_survival: float, hazard_ratio: float, hr_low: float, hr_high: float) -> AbsoluteEffect:
    """The absolute survival difference at a landmark implied by a hazard ratio and its interval.

    >>> e = absolute_effect(0.29, 0.86, 0.52, 1.43)
    >>> round(100 * e.difference, 1), round(100 * e.ci_low, 1), round(100 * e.ci_high, 1)
    (5.5, -12.0, 23.5)
    """
    if not hr_low <= hazard_ratio <= hr_high:
        raise ValueError(f"hazard ratio {hazard_ratio!r} lies outside its interval {hr_low!r} to {hr_high!r}")
    s = survival_under_hr(control_survival, hazard_ratio)
    worst = survival_under_hr(control_survival, hr_high)
    best = survival_under_hr(control_survival, hr_low)
    return AbsoluteEffect(control_survival, hazard_ratio, hr_low, hr_high, s, s - control_survival,
                          worst - control_survival, best - control_survival)


def text(e: AbsoluteEffect) -> str:
    """``+5.5 (−12.0 to +23.5)`` in percentage points."""
    def pp(d: float) -> str:
        return f"{100 * d:+.1f}".replace("-", "−")
    return f"{pp(e.difference)} ({pp(e.ci_low)} to {pp(e.ci_high)})"
