"""Summary survival curve from survival rates and numbers at risk of several single-arm studies.

The distribution-free method of Combescure, Foucher and Jackson (2014), computed as the R package
``metaSurvival::msurv`` 0.1.0 computes it: conditional survival per interval, arcsine transformed
with a continuity correction, pooled by the multivariate DerSimonian-Laird method.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np
import pandas as pd
from scipy import stats

from living_review.core.choices import check_choice

#: variance given to an interval a study did not follow up (msurv's 10^12: no weight).
MISSING_VARIANCE = 1e12
COLUMNS = ("time", "survival", "ci_low", "ci_high", "n_risk")


@dataclass(frozen=True)
class PooledSurvival:
    """Fixed- and random-effects summary survival curves with heterogeneity.

    ``fixed`` and ``random`` have the columns time, survival, ci_low, ci_high and n_risk (the sum
    of the studies' numbers at risk at that time, rounded as msurv does). Medians are in the unit
    of ``time``; NaN when the curve does not fall below 1/2. Their CIs, and the survival CIs when
    ``ci == "montecarlo"``, come from ``n_draws`` draws of a generator seeded with ``seed``; without
    draws the median CIs are NaN. ``i2`` is a proportion (msurv prints 100 × ``i2``).
    """

    fixed: pd.DataFrame
    random: pd.DataFrame
    median_fixed: float
    median_random: float
    median_fixed_ci: tuple[float, float]
    median_random_ci: tuple[float, float]
    mean_fixed: float
    mean_random: float
    q: float
    df: int
    h2: float
    i2: float
    k: int
    studies: tuple[str, ...]
    correction: tuple[float, float] | None
    level: float
    ci: str
    n_draws: int
    seed: int | None
    beta_fixed: np.ndarray = field(repr=False)
    beta_random: np.ndarray = field(repr=False)
    cov_fixed: np.ndarray = field(repr=False)
    cov_random: np.ndarray = field(repr=False)
    tau: np.ndarray = field(repr=False)

    def survival_at(self, times: Sequence[float], model: str = "random") -> pd.DataFrame:
        """Rows of the pooled curve at ``times`` (which must be grid times)."""
        curve = self.random if model == "random" else self.fixed
        missing = sorted(set(times) - set(curve["time"]))
        if missing:
            raise ValueError(f"times {missing} are not on the pooled grid {curve['time'].tolist()}")
        return curve.set_index("time").loc[list(times)].reset_index()

    def summary(self) -> str:
        mr = "not reached" if np.isnan(self.median_random) else f"{self.median_random:.2f}"
        return (f"Summary survival curve (Combescure 2014), {self.k} studies, {len(self.random)} times; "
                f"random-effects median {mr}; Q = {self.q:.2f} (df {self.df}), H² = {self.h2:.2f}, "
                f"I² = {100 * self.i2:.1f}%")


def z_value(level: float) -> float:
    """Normal quantile of a two-sided ``level`` interval; 1.96 at 95 %, as msurv and the paper use."""
    if not 0 < level < 1:
        raise ValueError(f"level={level!r} must lie strictly between 0 and 1 (e.g. 0.95)")
    return 1.96 if level == 0.95 else float(stats.norm.ppf(0.5 + level / 2))


def _grid(study, time, n_risk, survival):
    """Check the rows and lay them out as studies × times; every error names the study and the time."""
    sid = np.asarray(study).astype(str)
    t, n, s = (np.asarray(x, float).ravel() for x in (time, n_risk, survival))
    if not len(sid) == len(t) == len(n) == len(s):
        raise ValueError("study, time, n_risk and survival must have the same length")

    def fail(i, what):
        raise ValueError(f"study {sid[i]}, time {t[i]:g}: {what}")

    for bad, what in ((~np.isfinite(t) | (t <= 0), "time must be a positive number (survival at time 0 is 1 "
                                                   "by definition)"),
                      (~np.isfinite(s) | (s < 0) | (s > 1), "survival {} is outside [0, 1] (give proportions, not "
                                                            "percent)"),
                      (~np.isfinite(n) | (n < 0), "n_risk {} must be a number >= 0")):
        if bad.any():
            i = int(np.argmax(bad))
            fail(i, what.format(s[i] if "survival" in what else n[i]))
    ids, code = np.unique(sid, return_inverse=True)
    if len(ids) < 2:
        raise ValueError(f"{len(ids)} study given ({', '.join(ids) or 'none'}); pooling needs at least 2")
    order = np.lexsort((t, code))
    sid, t, n, s, code = sid[order], t[order], n[order], s[order], code[order]
    same = (code[1:] == code[:-1])
    if (same & (t[1:] == t[:-1])).any():
        fail(int(np.argmax(same & (t[1:] == t[:-1]))) + 1, "given twice")
    grid = np.unique(t)
    pos = np.searchsorted(grid, t)
    first = np.concatenate([[True], ~same])
    rank = np.arange(len(t)) - np.maximum.accumulate(np.where(first, np.arange(len(t)), 0))
    if (pos != rank).any():
        i = int(np.argmax(pos != rank))
        gap = grid[rank[i]]
        raise ValueError(f"study {sid[i]}, time {gap:g}: no survival given; every study needs every time of the "
                         f"common grid up to its last follow-up ({', '.join(f'{x:g}' for x in grid[grid <= t[i]])})")
    rises = same & (s[1:] > s[:-1])
    if rises.any():
        i = int(np.argmax(rises)) + 1
        fail(i, f"survival rises from {s[i - 1]} to {s[i]} (a survival curve never increases)")
    after_zero = same & (s[:-1] == 0)
    if after_zero.any():
        i = int(np.argmax(after_zero)) + 1
        fail(i, f"given after survival reached 0 at {t[i - 1]:g} (drop the later times)")
    return sid, code, pos, t, n, s, tuple(ids), grid


def _arcsine(code, pos, n, s, k, grid, correction):
    """Per study and interval: arcsine of the conditional survival and its variance (K × T)."""
    first = pos == 0
    cond = s / np.where(first, 1.0, np.concatenate([[1.0], s[:-1]]))
    if correction is None:
        if (n == 0).any():
            raise ValueError("n_risk 0 needs a continuity correction (correction=None divides by n_risk)")
        yv, vv = np.arcsin(np.sqrt(cond)), 1.0 / n
    else:
        a, b = correction
        yv, vv = np.arcsin(np.sqrt((n * cond + a) / (n + b))), a / (n + b)
    y = np.full((k, len(grid)), np.nan)
    v = np.full((k, len(grid)), MISSING_VARIANCE)
    y[code, pos], v[code, pos] = yv, vv
    observed = ~np.isnan(y)
    y = np.where(observed, y, np.nanmean(y, axis=0))
    n_at = np.bincount(pos, weights=n, minlength=len(grid))
    return y, v, observed, np.round(n_at)


def _between_covariance(y, v, observed):
    """Multivariate DerSimonian-Laird between-study covariance, truncated to positive semi-definite."""
    w = 1.0 / np.sqrt(v[:, :, None] * v[:, None, :])  # K × T × T
    sw = w.sum(axis=0)
    mean_i = np.einsum("kij,ki->ij", w, y) / sw
    mean_j = np.einsum("kij,kj->ij", w, y) / sw
    dev_i = y[:, :, None] - mean_i[None]
    dev_j = y[:, None, :] - mean_j[None]
    q = (dev_i * dev_j * w).sum(axis=0)
    est = q / (sw - (w ** 2).sum(axis=0) / sw)
    wd = 1.0 / v
    swd = wd.sum(axis=0)
    md = (wd * y).sum(axis=0) / swd
    qd = (wd * (y - md) ** 2).sum(axis=0)
    rho = observed.astype(float)
    aa = rho.sum(axis=0) - (rho * wd).sum(axis=0) / swd
    bb = swd - (wd ** 2).sum(axis=0) / swd
    np.fill_diagonal(est, (qd - aa) / bb)
    vals, vecs = np.linalg.eigh(est)
    return (vecs * np.maximum(vals, 0.0)) @ vecs.T


def _medians(surv: np.ndarray, grid: np.ndarray) -> np.ndarray:
    """msurv's median per row of ``surv`` (D × T): linear between the last time above 1/2 and the first
    below; the last time if the curve ends exactly at 1/2; NaN if it ends above. A curve already below
    1/2 at the first time is interpolated from survival 1 at time 0."""
    surv = np.atleast_2d(surv)
    out = np.full(len(surv), np.nan)
    below = surv < 0.5
    ends_below = below[:, -1]
    i_max = np.argmax(below, axis=1)
    i_min = (surv > 0.5).sum(axis=1) - 1
    t0 = np.where(i_min >= 0, grid[np.maximum(i_min, 0)], 0.0)
    s0 = np.where(i_min >= 0, surv[np.arange(len(surv)), np.maximum(i_min, 0)], 1.0)
    t1, s1 = grid[i_max], surv[np.arange(len(surv)), i_max]
    with np.errstate(divide="ignore", invalid="ignore"):  # rows that never cross 1/2 are discarded below
        interp = t1 - (t1 - t0) * (s1 - 0.5) / (s1 - s0)
    out[ends_below] = interp[ends_below]
    out[surv[:, -1] == 0.5] = grid[-1]
    return out


def _restricted_mean(surv: np.ndarray, grid: np.ndarray) -> np.ndarray:
    """msurv's mean: trapezoids under the curve from (0, 1) to the last time."""
    surv = np.atleast_2d(surv)
    return grid[0] * (1 + surv[:, 0]) / 2 + (np.diff(grid) * (surv[:, 1:] + surv[:, :-1]) / 2).sum(axis=1)


def _draws(beta, cov, n, rng):
    vals, vecs = np.linalg.eigh(cov)
    root = vecs * np.sqrt(np.maximum(vals, 0.0))
    return np.cumprod(np.sin(beta + rng.standard_normal((n, len(beta))) @ root.T) ** 2, axis=1)


def _quantile_ci(values: np.ndarray, level: float) -> tuple[float, float]:
    if np.isnan(values).any():  # some draws never reach 1/2: msurv gives no interval
        return (float("nan"), float("nan"))
    lo, hi = np.quantile(values, [(1 - level) / 2, (1 + level) / 2])
    return (float(lo), float(hi))


def pool_survival(study, time, n_risk, survival, correction: tuple[float, float] | None = (0.25, 0.5),
                  level: float = 0.95, *, ci: str = "greenwood", n_draws: int = 0,
                  seed: int | None = None) -> PooledSurvival:
    """Pool survival curves of single-arm studies (Combescure, Foucher & Jackson 2014; msurv 0.1.0).

    Parameters
    ----------
    study, time, n_risk, survival : array-like, one entry per study and time
        Study label, time (any unit, > 0), number at risk at that time, survival (proportion).
        Every study must give every time of the common grid up to its last follow-up.
    correction : (a, b) or None
        Continuity correction: ``arcsin sqrt((n c + a)/(n + b))`` with variance ``a/(n + b)``;
        the default (0.25, 0.5) gives the usual ``1/(4n + 2)``. ``None`` is msurv's
        ``correctionFlag = FALSE``: ``arcsin sqrt(c)`` with variance ``1/n``.
    level : float
        Confidence level (z = 1.96 at 0.95, as in msurv).
    ci : {"greenwood", "montecarlo"}
        Survival CIs on the log scale by the delta method ("Greenwood"), or quantiles of the draws.
    n_draws, seed : int
        Monte Carlo draws for the median CIs (and survival CIs when ``ci="montecarlo"``); msurv
        uses 10,000. 0 means no draws.

    Returns
    -------
    PooledSurvival

    Notes
    -----
    Conditional survival ``c_ij = S_i(t_j)/S_i(t_{j-1})`` is transformed to ``y_ij``. Intervals a
    study did not follow up get the mean of the other studies' ``y`` and variance ``10^12``. The
    between-study covariance ``T`` is the multivariate DerSimonian-Laird moment estimate (diagonal
    and pairwise off-diagonal), truncated to its non-negative eigenvalues. Random effects:
    ``beta = (sum_i W_i)^-1 sum_i W_i y_i`` with ``W_i = (diag(v_i) + T)^-1``; fixed effects use
    ``T = 0``. Pooled survival is ``prod_{l<=j} sin^2(beta_l)``;
    ``Var log S(t_j) = 4 sum_{l,m<=j} cot(beta_l) cot(beta_m) Cov(beta_l, beta_m)``.
    ``Q = sum_ij (y_ij - beta_FE,j)^2 / v_ij`` over followed intervals, ``H^2 = Q/(n_obs - K)``,
    ``I^2 = max(0, (H^2 - 1)/H^2)``.

    References
    ----------
    Combescure C, Foucher Y, Jackson D. Stat Med 2014;33:2521-37. R package metaSurvival 0.1.0.

    Example
    -------
    >>> r = pool_survival(["a", "a", "b", "b"], [1, 2, 1, 2], [20, 15, 30, 22], [0.8, 0.6, 0.75, 0.5])
    >>> round(float(r.random["survival"].iloc[-1]), 4)
    0.5324
    """
    check_choice("ci", ci, ("greenwood", "montecarlo"))
    if correction is not None and (len(correction) != 2 or min(correction) <= 0):
        raise ValueError(f"correction={correction!r}: give two positive numbers (a, b), or None for no correction")
    if ci == "montecarlo" and n_draws < 2:
        raise ValueError("ci='montecarlo' needs n_draws >= 2 (msurv uses 10000)")
    z = z_value(level)
    _, code, pos, _, n, s, ids, grid = _grid(study, time, n_risk, survival)
    y, v, observed, n_at = _arcsine(code, pos, n, s, len(ids), grid,
                                    None if correction is None else tuple(map(float, correction)))
    tau = _between_covariance(y, v, observed)
    t = len(grid)
    w_random = np.linalg.solve(v[:, :, None] * np.eye(t) + tau, np.broadcast_to(np.eye(t), (len(ids), t, t)))
    cov_random = np.linalg.inv(w_random.sum(axis=0))
    beta_random = cov_random @ np.einsum("kij,kj->i", w_random, y)
    w_fixed = (1.0 / v).sum(axis=0)
    cov_fixed = np.diag(1.0 / w_fixed)
    beta_fixed = (y / v).sum(axis=0) / w_fixed
    q = float((((y - beta_fixed) ** 2 / v)[observed]).sum())
    dof = int(observed.sum()) - len(ids)
    h2 = q / dof if dof > 0 else float("nan")
    i2 = (0.0 if h2 <= 1 else (h2 - 1) / h2) if dof > 0 else float("nan")
    s_fixed = np.cumprod(np.sin(beta_fixed) ** 2)
    s_random = np.cumprod(np.sin(beta_random) ** 2)
    cot_f, cot_r = 1 / np.tan(beta_fixed), 1 / np.tan(beta_random)
    se_fixed = np.sqrt(np.cumsum(4 * cot_f ** 2 * np.diag(cov_fixed)))
    var_r = np.cumsum(np.cumsum(np.outer(cot_r, cot_r) * cov_random, axis=0), axis=1)
    se_random = np.sqrt(4 * np.diag(var_r))
    bands = {"fixed": (s_fixed * np.exp(-z * se_fixed), s_fixed * np.exp(z * se_fixed)),
             "random": (s_random * np.exp(-z * se_random), s_random * np.exp(z * se_random))}
    med_ci = {"fixed": (float("nan"),) * 2, "random": (float("nan"),) * 2}
    if n_draws:
        rng = np.random.default_rng(seed)
        for name, beta, cov in (("fixed", beta_fixed, cov_fixed), ("random", beta_random, cov_random)):
            sims = _draws(beta, cov, int(n_draws), rng)
            med_ci[name] = _quantile_ci(_medians(sims, grid), level)
            if ci == "montecarlo":
                lo, hi = np.quantile(sims, [(1 - level) / 2, (1 + level) / 2], axis=0)
                bands[name] = (lo, hi)
    frames = {name: pd.DataFrame(dict(zip(COLUMNS, (grid, s, *bands[name], n_at))))
              for name, s in (("fixed", s_fixed), ("random", s_random))}
    return PooledSurvival(
        frames["fixed"], frames["random"], float(_medians(s_fixed, grid)[0]), float(_medians(s_random, grid)[0]),
        med_ci["fixed"], med_ci["random"], float(_restricted_mean(s_fixed, grid)[0]),
        float(_restricted_mean(s_random, grid)[0]), q, dof, h2, i2, len(ids), ids,
        None if correction is None else tuple(map(float, correction)), level, ci, int(n_draws), seed,
        beta_fixed, beta_random, cov_fixed, cov_random, tau)
