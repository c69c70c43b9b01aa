"""Sensitivity analyses for pooled medians: median of medians and the quantile-estimation (QE) method.

Both follow McGrath et al. They need no CI, so every study that reports a median takes part;
the QE method also needs the number of patients ``n``.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import get_args

import numpy as np
import pandas as pd
from scipy import stats

from living_review.core.choices import check_choice
from living_review.survival.medians import Tau2Method, random_effects, validate_median_table

LN2 = float(np.log(2))


@dataclass(frozen=True)
class MedianOfMedians:
    """Median of the study medians with a distribution-free CI, and the n-weighted median of medians."""

    estimate: float
    ci_low: float
    ci_high: float
    ci_coverage: float
    weighted_estimate: float
    k: int
    level: float
    labels: tuple[str, ...]

    def summary(self) -> str:
        text = (f"Median of medians {self.estimate:.2f} months (order-statistic CI {self.ci_low:.2f}-"
                f"{self.ci_high:.2f}, exact coverage {self.ci_coverage:.1%}; k={self.k})")
        if self.ci_coverage < self.level:
            text += f"; with k={self.k} no interval reaches {self.level:.0%}: the widest one is shown"
        if np.isfinite(self.weighted_estimate):
            text += f"; weighted by n: {self.weighted_estimate:.2f} months"
        return text


def _weighted_median(x: np.ndarray, w: np.ndarray) -> float:
    order = np.argsort(x)
    x, w = x[order], w[order]
    cum = np.cumsum(w) / w.sum()
    i = int(np.searchsorted(cum, 0.5 - 1e-12))
    # an exact half split is resolved as the ordinary median does: the midpoint of the two values
    return float((x[i] + x[i + 1]) / 2) if np.isclose(cum[i], 0.5) and i + 1 < len(x) else float(x[i])


def median_of_medians(studies: pd.DataFrame, *, level: float = 0.95) -> MedianOfMedians:
    """Median of the reported medians (MM) and the sample-size-weighted median of medians (WM).

    Parameters
    ----------
    studies : pandas.DataFrame
        Columns ``label``, ``median`` (months) and optionally ``n``; CI columns are ignored.
    level : float
        Target coverage of the interval.

    Returns
    -------
    MedianOfMedians
        ``estimate`` (MM), its interval ``[y_(a), y_(k+1-a)]`` with exact coverage ``ci_coverage``,
        and ``weighted_estimate`` (WM; NaN when any ``n`` is missing).

    Notes
    -----
    If the study medians are independent with common median theta, the number below theta is
    Binomial(k, 1/2), so ``P(y_(a) <= theta <= y_(k+1-a)) = 1 - 2 P(B <= a - 1)``. The largest ``a``
    reaching ``level`` is used; when none does (k <= 5 at 95 %) the range ``[y_(1), y_(k)]`` is
    returned with its smaller coverage, which ``summary()`` states.

    References
    ----------
    McGrath S, Zhao X, Qin ZZ, Steele R, Benedetti A. One-sample aggregate data meta-analysis of
    medians. Stat Med 2019;38:969-984 (MM and WM methods).

    Example
    -------
    >>> df = pd.DataFrame({"label": list("ABC"), "median": [2.0, 3.0, 9.0]})
    >>> median_of_medians(df).estimate
    3.0
    """
    df = validate_median_table(studies, assume_ci_level=0.95)
    y = df["median"].to_numpy(float)
    k = len(y)
    if k < 2:
        raise ValueError(f"median of medians needs at least 2 studies, got {k}")
    ys = np.sort(y)
    a, coverage = 1, 1 - 2 * stats.binom.cdf(0, k, 0.5)
    for cand in range(1, k // 2 + 1):
        cov = 1 - 2 * stats.binom.cdf(cand - 1, k, 0.5)
        if cov >= level:
            a, coverage = cand, cov
    n = df["n"].to_numpy(float)
    wm = _weighted_median(y, n) if np.all(np.isfinite(n)) and np.all(n > 0) else float("nan")
    return MedianOfMedians(float(np.median(y)), float(ys[a - 1]), float(ys[k - a]), float(coverage), wm, k,
                           level, tuple(df["label"]))


@dataclass(frozen=True)
class QEMeta:
    """Pooled median (months) by the QE method: inverse-variance pooling of medians on the original scale."""

    estimate: float
    ci_low: float
    ci_high: float
    se: float
    tau2: float
    i2: float
    k: int
    method: str
    level: float
    table: pd.DataFrame

    def summary(self) -> str:
        lines = [f"QE pooled median {self.estimate:.2f} months ({self.level:.0%} CI {self.ci_low:.2f}-"
                 f"{self.ci_high:.2f}); k={self.k}, tau2={self.tau2:.4f} (months^2, {self.method}), I2={self.i2:.1%}"]
        lines += [f"  {r['label']}: {r['status']}" for _, r in self.table.iterrows() if not r["status"].startswith("pooled")]
        return "\n".join(lines)


def median_variance_qe(median, n, landmark_time=None, landmark_survival=None) -> tuple[np.ndarray, np.ndarray]:
    """Asymptotic variance of a sample median, ``1 / (4 n f(m)^2)``, with ``f`` fitted to reported quantiles.

    Returns ``(variance, family)``: the family is ``"exponential"`` (fitted to the median alone) or
    ``"weibull"`` (fitted exactly through the median and a landmark survival, which is the
    ``1 - S`` quantile of the time distribution).
    """
    m = np.asarray(median, float)
    n = np.asarray(n, float)
    t_l = np.broadcast_to(np.nan if landmark_time is None else np.asarray(landmark_time, float), m.shape)
    s_l = np.broadcast_to(np.nan if landmark_survival is None else np.asarray(landmark_survival, float), m.shape)
    shape = np.ones_like(m)
    usable = np.isfinite(t_l) & np.isfinite(s_l) & (t_l != m) & (s_l > 0) & (s_l < 1)
    shape[usable] = np.log(np.log(1 / s_l[usable]) / LN2) / np.log(t_l[usable] / m[usable])
    # S(t) = exp(-(t/b)^k) with S(m) = 1/2, so f(m) = (1/2) k ln2 / m whatever the scale b
    f_m = 0.5 * shape * LN2 / m
    return 1 / (4 * n * f_m**2), np.where(usable & (shape > 0), "weibull", "exponential")


def pool_medians_qe(studies: pd.DataFrame, *, method: Tau2Method = "REML", level: float = 0.95) -> QEMeta:
    """Pool medians by inverse-variance random effects with QE-estimated variances of each median.

    Parameters
    ----------
    studies : pandas.DataFrame
        Columns ``label``, ``median`` (months), ``n`` (patients) and optionally ``landmark_time``
        (months) with ``landmark_survival`` (proportion) for a two-quantile Weibull fit.
    method : {"REML", "DL"}
        tau^2 estimator.
    level : float
        Confidence level.

    Returns
    -------
    QEMeta
        Pooled median with CI; ``table`` lists every study with ``variance``, ``family`` and
        ``status`` ("not pooled: n missing" for studies without ``n``).

    Notes
    -----
    McGrath et al. (QE) fit a parametric distribution to the reported quantiles of each study and
    estimate ``Var(median) = 1 / (4 n f(m)^2)`` before inverse-variance pooling on the original
    scale. For survival times only the median (and at most one landmark rate) is reported, so the
    candidate families reduce to those identifiable from one or two quantiles: the exponential
    (one) and the Weibull (two), each fitted exactly. The formula ignores censoring and so
    understates the variance; treat the result as a sensitivity analysis.

    References
    ----------
    McGrath S, Sohn H, Steele R, Benedetti A. Meta-analysis of the difference of medians.
    Biom J 2020;62:69-98 (QE method). McGrath S, Zhao X, Steele R, Thombs BD, Benedetti A.
    Estimating the sample mean and standard deviation from commonly reported quantiles in
    meta-analysis. Stat Methods Med Res 2020;29:2520-2537.

    Example
    -------
    >>> df = pd.DataFrame({"label": ["A", "B"], "median": [3.9, 3.2], "n": [20, 34]})
    >>> 3.2 < pool_medians_qe(df).estimate < 3.9
    True
    """
    check_choice("method", method, get_args(Tau2Method))
    df = validate_median_table(studies, assume_ci_level=0.95)
    t_l = df["landmark_time"] if "landmark_time" in df.columns else None
    s_l = df["landmark_survival"] if "landmark_survival" in df.columns else None
    var, family = median_variance_qe(df["median"], df["n"], t_l, s_l)
    df["variance"], df["family"] = var, family
    use = np.isfinite(var) & (df["n"].to_numpy(float) > 0)
    df["status"] = np.where(use, "pooled (" + df["family"] + " fit)", "not pooled: n missing")
    if use.sum() < 2:
        raise ValueError(f"QE needs at least 2 studies with a median and n; got {int(use.sum())}")
    fit = random_effects(df.loc[use, "median"], df.loc[use, "variance"], method, level)
    df["weight"] = 0.0
    df.loc[use, "weight"] = fit.weights
    return QEMeta(fit.estimate, fit.ci_low, fit.ci_high, fit.se, fit.tau2, fit.i2, int(use.sum()), method, level,
                  df[["label", "median", "n", "family", "variance", "weight", "status"]])


