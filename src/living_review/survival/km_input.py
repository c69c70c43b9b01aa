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

from living_review.core.choices import check_choice

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


def monotone_rearrangement(y: np.ndarray) -> np.ndarray:
    """Non-increasing rearrangement: the same readings, sorted from highest to lowest.

    Applied to readings already sorted by time, each value is kept and only the time it belongs to
    changes where a reading lies above an earlier one (Chernozhukov, Fernandez-Val and Galichon,
    Biometrika 2009;96:559). A step curve read at both corners of each drop shows a rise of a
    whole step when time noise puts the bottom corner before the top corner; sorting restores the
    drop between those two times. A least-squares fit (pool-adjacent-violators) would instead
    average the two corners and leave half of the drop to the next reading, which can be months
    later; with few patients at risk both halves then round to no event. Sorting never moves the
    readings farther from any non-increasing sequence, in the largest gap or in any Lp distance.
    """
    return np.sort(np.asarray(y, float))[::-1]


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
    3. Readings that rise are put in non-increasing order (:func:`monotone_rearrangement`): the
       values are sorted from highest to lowest and keep the sorted times, so a drop whose two
       corners were read in the wrong order stays at those times.
    4. Tied times are collapsed to one point holding the lowest survival at that time: the top
       of a drop carries no information beyond the previous flat stretch.
    5. The curve starts at (0, 1): a point is added at time 0 when missing, and survival at
       time 0 is set to 1.
    """
    allowed = get_args(SurvivalScale)
    check_choice("scale", scale, allowed)
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
    fitted = monotone_rearrangement(s)
    n_adjusted = int(np.sum(~np.isclose(fitted, s, rtol=0, atol=1e-12)))
    keep = np.r_[t[1:] != t[:-1], True]
    n_ties = int(np.sum(~keep))
    t, s = t[keep], fitted[keep]
    notes = []
    if n_adjusted:
        notes.append(f"{n_adjusted} reading(s) out of non-increasing order rearranged (values sorted)")
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
