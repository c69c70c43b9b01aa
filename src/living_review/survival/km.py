"""Kaplan-Meier estimate with Greenwood standard errors, its values on a grid, and the log-rank test.

Input is patient data: ``time`` (months) and ``event`` (1 event, 0 censored), as
:func:`living_review.survival.reconstruct_ipd` returns it.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd
from scipy import stats


def _arrays(time, event) -> tuple[np.ndarray, np.ndarray]:
    t, e = np.asarray(time, float), np.asarray(event, float)
    if t.shape != e.shape or t.ndim != 1 or len(t) == 0:
        raise ValueError("time and event must be one-dimensional, of the same non-zero length")
    bad = np.flatnonzero(~np.isfinite(t) | (t < 0) | ~np.isin(e, (0, 1)))
    if len(bad):
        raise ValueError(f"patient {bad[0]}: time {t[bad[0]]} must be >= 0 and event {e[bad[0]]} 0 or 1")
    return t, e


def kaplan_meier(time, event) -> pd.DataFrame:
    """Kaplan-Meier table at each distinct time: n_risk, n_event, n_censor, survival, std_err.

    Notes
    -----
    ``S(t) = prod_{t_j <= t} (1 - d_j / n_j)``; ``std_err`` is Greenwood's
    ``S(t) sqrt(sum_{t_j <= t} d_j / (n_j (n_j - d_j)))`` (R ``summary(survfit(...))$std.err``).
    Censoring at an event time counts after the event (the patient is at risk at that time).

    Example
    -------
    >>> kaplan_meier([1, 2, 2, 3], [1, 1, 0, 1])["survival"].round(3).tolist()
    [0.75, 0.5, 0.0]
    """
    t, e = _arrays(time, event)
    times = np.unique(t)
    d = np.array([e[t == u].sum() for u in times])
    c = np.array([(t == u).sum() for u in times]) - d
    n = len(t) - np.concatenate([[0], np.cumsum(d + c)[:-1]])
    s = np.cumprod(1 - d / n)
    with np.errstate(divide="ignore", invalid="ignore"):  # all at risk die: S = 0, SE undefined (NaN, as in R)
        g = np.cumsum(np.where(d > 0, d / (n * (n - d)), 0.0))
        se = np.where(s > 0, s * np.sqrt(g), np.nan)
    return pd.DataFrame({"time": times, "n_risk": n, "n_event": d, "n_censor": c, "survival": s, "std_err": se})


def km_on_grid(time, event, grid) -> pd.DataFrame:
    """Kaplan-Meier survival at each ``grid`` time and the number at risk at the start of its interval.

    For grid time ``t_j`` the row holds ``S(t_j)`` and ``n_risk``, the patients still at risk just
    after ``t_{j-1}`` (``t_0 = 0``): the number that entered the interval (t_{j-1}, t_j], as
    :func:`living_review.survival.pool_survival` expects. Grid times past the last follow-up are
    dropped.
    """
    t, e = _arrays(time, event)
    grid = np.asarray(grid, float)
    table = kaplan_meier(t, e)
    idx = np.searchsorted(table["time"].to_numpy(), grid, side="right") - 1
    s = np.where(idx >= 0, table["survival"].to_numpy()[np.maximum(idx, 0)], 1.0)
    start = np.concatenate([[0.0], grid[:-1]])
    n_start = np.array([(t > a).sum() if a > 0 else len(t) for a in start], float)
    keep = grid <= t.max()
    return pd.DataFrame({"time": grid[keep], "survival": s[keep], "n_risk": n_start[keep]})


@dataclass(frozen=True)
class LogRank:
    """Log-rank test: observed and expected events per group, chi-squared statistic, df and p."""

    groups: tuple[str, ...]
    observed: tuple[float, ...]
    expected: tuple[float, ...]
    chisq: float
    df: int
    p: float


def logrank(time, event, group) -> LogRank:
    """Log-rank test of equal survival in the groups (R ``survival::survdiff``, rho = 0).

    Notes
    -----
    At each event time, ``E_g = d n_g / n`` and the hypergeometric covariance
    ``V_gh = d (n - d)/(n - 1) (n_g/n)(delta_gh - n_h/n)``; ``chisq = (O - E)' V^- (O - E)`` over
    the first G - 1 groups, on G - 1 degrees of freedom.

    References
    ----------
    Mantel N. Cancer Chemother Rep 1966;50:163-70. Peto R, Peto J. J R Stat Soc A 1972;135:185-207.
    """
    t, e = _arrays(time, event)
    g = np.asarray(group).astype(str)
    levels = tuple(sorted(set(g)))
    if len(levels) < 2:
        raise ValueError(f"group has {len(levels)} level; the log-rank test compares 2 or more")
    o = np.zeros(len(levels))
    ex = np.zeros(len(levels))
    v = np.zeros((len(levels), len(levels)))
    member = np.array([[x == lv for lv in levels] for x in g], float)
    for u in np.unique(t[e == 1]):
        at = t >= u
        n_g = member[at].sum(axis=0)
        d_g = member[(t == u) & (e == 1)].sum(axis=0)
        n, d = n_g.sum(), d_g.sum()
        o += d_g
        ex += d * n_g / n
        if n > 1:
            frac = n_g / n
            v += d * (n - d) / (n - 1) * (np.diag(frac) - np.outer(frac, frac))
    diff = (o - ex)[:-1]
    chisq = float(diff @ np.linalg.solve(v[:-1, :-1], diff))
    dof = len(levels) - 1
    return LogRank(levels, tuple(o), tuple(ex), chisq, dof, float(stats.chi2.sf(chisq, dof)))
