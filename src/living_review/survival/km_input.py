"""Checking and normalising a digitised Kaplan-Meier curve and its numbers-at-risk table.

Errors name the file (``DataFrame.attrs["source"]``, set by the WebPlotDigitizer reader) and the
row (the DataFrame index, which the reader sets to the line number in the file), say what is
wrong and how to fix it.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal, get_args

import numpy as np
import pandas as pd

SurvivalScale = Literal["auto", "proportion", "percent"]

# Digitising a curve that starts at 1 gives readings a little above 1 (or below 0); readings
# within this margin are clipped, larger ones are errors.
DIGITISING_MARGIN = 0.01


def _where(df: pd.DataFrame, default: str) -> str:
    return str(df.attrs.get("source", default))


@dataclass(frozen=True)
class PreparedCurve:
    """Strictly increasing times (months) and non-increasing survival (0-1) starting at (0, 1)."""

    time: np.ndarray
    survival: np.ndarray
    scale: str
    n_monotone_adjusted: int
    n_ties_collapsed: int
    notes: tuple[str, ...]


def antitonic_fit(y: np.ndarray) -> np.ndarray:
    """Least-squares non-increasing fit by pool-adjacent-violators (Barlow et al. 1972).

    Each run of readings that rises is replaced by its mean, repeatedly, which is the closest
    non-increasing sequence in squared error; unlike a running minimum it does not pull the
    curve down to the lowest noisy reading.
    """
    means: list[float] = []
    sizes: list[int] = []
    for value in np.asarray(y, float):
        means.append(value)
        sizes.append(1)
        while len(means) > 1 and means[-2] < means[-1]:
            m2, s2 = means.pop(), sizes.pop()
            m1, s1 = means.pop(), sizes.pop()
            means.append((m1 * s1 + m2 * s2) / (s1 + s2))
            sizes.append(s1 + s2)
    return np.repeat(means, sizes)


def prepare_curve(curve: pd.DataFrame, scale: SurvivalScale = "auto") -> PreparedCurve:
    """Validate a digitised curve and return it monotone, in proportions, with unique times.

    Parameters
    ----------
    curve : pandas.DataFrame
        Columns ``time`` (months, >= 0) and ``survival`` (proportion 0-1, or percent 0-100).
    scale : {"auto", "proportion", "percent"}
        ``"auto"`` reads the curve as percent when its largest value exceeds 1.5.

    Returns
    -------
    PreparedCurve

    Notes
    -----
    1. Readings in (1, 1.01] or [-0.01, 0) are clipped to 1 or 0 (digitising margin).
    2. Points are sorted by time and, at equal times, by decreasing survival (the top of a
       vertical drop comes first).
    3. Non-monotone readings are replaced by the least-squares non-increasing fit (PAVA).
    4. Tied times are collapsed to one point holding the lowest survival at that time: the top
       of a drop carries no information beyond the previous flat stretch.
    5. The curve starts at (0, 1): a point is added at time 0 when missing, and survival at
       time 0 is set to 1.
    """
    allowed = get_args(SurvivalScale)
    if scale not in allowed:
        raise ValueError(f"scale={scale!r} is not allowed; choose one of {', '.join(allowed)}")
    src = _where(curve, "curve")
    missing = [c for c in ("time", "survival") if c not in curve.columns]
    if missing:
        raise ValueError(f"{src}: missing column(s) {missing}; a curve needs columns time and survival")
    if len(curve) == 0:
        raise ValueError(f"{src}: the curve is empty; digitise at least the points at the steps of the curve")
    t = pd.to_numeric(curve["time"], errors="coerce").to_numpy(float)
    s = pd.to_numeric(curve["survival"], errors="coerce").to_numpy(float)
    for name, arr in (("time", t), ("survival", s)):
        bad = np.flatnonzero(~np.isfinite(arr))
        if bad.size:
            raise ValueError(f"{src} row {curve.index[bad[0]]}: {name} is missing or not a number")
    neg = np.flatnonzero(t < 0)
    if neg.size:
        raise ValueError(f"{src} row {curve.index[neg[0]]}: negative time {t[neg[0]]}; "
                         "re-calibrate the x axis in the digitiser or drop the point")
    if scale == "auto":
        scale = "percent" if s.max() > 1.5 else "proportion"
    top = 100.0 if scale == "percent" else 1.0
    over = np.flatnonzero(s > top * (1 + DIGITISING_MARGIN))
    if over.size:
        hint = ("pass scale='percent' if the axis is in percent" if scale == "proportion"
                else "check the y-axis calibration")
        raise ValueError(f"{src} row {curve.index[over[0]]}: survival {s[over[0]]} is above {top:g} "
                         f"(read as {scale}); {hint}")
    under = np.flatnonzero(s < -top * DIGITISING_MARGIN)
    if under.size:
        raise ValueError(f"{src} row {curve.index[under[0]]}: survival {s[under[0]]} is below 0; "
                         "check the y-axis calibration")
    s = np.clip(s / top, 0.0, 1.0)
    order = np.lexsort((-s, t))
    t, s = t[order], s[order]
    fitted = antitonic_fit(s)
    n_adjusted = int(np.sum(~np.isclose(fitted, s, rtol=0, atol=1e-12)))
    keep = np.r_[t[1:] != t[:-1], True]
    n_ties = int(np.sum(~keep))
    t, s = t[keep], fitted[keep]
    notes = []
    if n_adjusted:
        notes.append(f"{n_adjusted} non-monotone reading(s) replaced by the least-squares non-increasing fit")
    if n_ties:
        notes.append(f"{n_ties} point(s) at tied times collapsed to the lowest reading at that time")
    if t[0] > 0:
        t, s = np.r_[0.0, t], np.r_[1.0, s]
        notes.append("point (0, 1) added at the start of the curve")
    elif s[0] < 1:
        notes.append(f"survival at time 0 read as {s[0]:.4f}; set to 1")
        s = s.copy()
        s[0] = 1.0
    return PreparedCurve(t, s, scale, n_adjusted, n_ties, tuple(notes))


def prepare_at_risk(at_risk: pd.DataFrame) -> tuple[np.ndarray, np.ndarray]:
    """Validate a numbers-at-risk table and return ``(time, n_risk)`` as arrays.

    The table needs columns ``time`` (months) and ``n_risk``; times strictly increase from 0 and
    counts are non-negative whole numbers that never rise.
    """
    src = _where(at_risk, "at-risk table")
    missing = [c for c in ("time", "n_risk") if c not in at_risk.columns]
    if missing:
        raise ValueError(f"{src}: missing column(s) {missing}; an at-risk table needs columns time and n_risk")
    if len(at_risk) == 0:
        raise ValueError(f"{src}: the at-risk table is empty; pass the total number of patients instead")
    t = pd.to_numeric(at_risk["time"], errors="coerce").to_numpy(float)
    n = pd.to_numeric(at_risk["n_risk"], errors="coerce").to_numpy(float)
    for i, (ti, ni) in enumerate(zip(t, n)):
        row = f"{src} row {at_risk.index[i]}"
        if not np.isfinite(ti) or ti < 0:
            raise ValueError(f"{row}: time {ti} must be a non-negative number of months")
        if not np.isfinite(ni) or ni < 0 or ni != round(ni):
            raise ValueError(f"{row}: n_risk {ni} must be a non-negative whole number")
        if i and ti <= t[i - 1]:
            raise ValueError(f"{row}: time {ti} does not increase (previous row {t[i - 1]}); sort the table "
                             "and remove duplicate times")
        if i and ni > n[i - 1]:
            raise ValueError(f"{row}: n_risk rises from {n[i - 1]:g} to {ni:g}; numbers at risk can only "
                             "fall over time, check the transcription of the table")
    if t[0] != 0:
        raise ValueError(f"{src} row {at_risk.index[0]}: the first at-risk time is {t[0]}, not 0; the "
                         "table must start with the number of patients at time 0")
    return t, n.astype(int)
