"""Small-study effects: Egger's regression test and Begg's rank correlation test."""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from typing import Literal, get_args

import numpy as np
from scipy import stats

from living_review.core.choices import check_choice
from living_review.meta.effects import Transform, check_counts, check_transform, study_effects
from living_review.meta.regression import _p_matrix, residual_tau2
from living_review.meta.tau2 import Tau2Method, check_method

EggerModel = Literal["lm", "rma"]
EGGER_MODELS: tuple[str, ...] = get_args(EggerModel)


@dataclass(frozen=True)
class BiasTest:
    """Result of a small-study-effects test.

    ``statistic`` (t or z for Egger, Kendall's tau for Begg), ``pvalue``, ``df`` (Egger lm
    only, else None), ``estimate`` (Egger: the slope on the standard error, i.e. the classic
    Egger intercept; Begg: tau) and ``method``. Egger only: ``limit_estimate`` and its CI
    ``limit_ci_low``/``limit_ci_high``, the fitted effect at SE = 0 on the transformed scale
    (metafor ``regtest``'s ``est``, ``ci.lb``, ``ci.ub``); NaN for Begg.
    """

    method: str
    statistic: float
    pvalue: float
    estimate: float
    df: int | None = None
    limit_estimate: float = float("nan")
    limit_ci_low: float = float("nan")
    limit_ci_high: float = float("nan")

    def summary(self) -> str:
        """One line: method, statistic, p-value."""
        df = f", df = {self.df}" if self.df is not None else ""
        return f"{self.method}: statistic = {self.statistic:.4f}{df}, p = {self.pvalue:.4f}"


def egger_test(events, totals, *, transform: Transform = "PFT", model: EggerModel = "lm",
               tau2_method: Tau2Method = "REML", level: float = 0.95, studies=None) -> BiasTest:
    """Egger's regression test for funnel-plot asymmetry.

    Parameters
    ----------
    events, totals : counts per study (k ≥ 3).
    transform : scale of the effects.
    model : "lm" (classic Egger, weighted least squares, t with k−2 df; R meta ``metabias``
        method "linreg" and metafor ``regtest(model = "lm")``) or "rma" (mixed-effects
        meta-regression on the SE, z test; metafor's ``regtest`` default).
    tau2_method : residual tau² estimator for model = "rma".
    level : confidence level of the limit estimate's CI.

    Notes
    -----
    Fit yᵢ = β₀ + β₁·SEᵢ (+ uᵢ) + εᵢ with weights 1/vᵢ (or 1/(vᵢ + τ²)); test β₁ = 0. Dividing
    by SEᵢ shows β₁ is the intercept of the standard normal deviate on precision (Egger 1997).
    With "lm" the residual variance is estimated (multiplicative dispersion). The limit
    estimate β̂₀ is the expected effect of a study with SE = 0, with CI β̂₀ ± c·SE(β̂₀),
    c from t(k−2) ("lm") or z ("rma"), as ``regtest``.

    References
    ----------
    Egger M, Davey Smith G, Schneider M, Minder C (1997) BMJ 315:629-34.

    Example
    -------
    >>> round(egger_test([2, 0, 2, 4, 1, 5], [8, 15, 20, 17, 34, 42]).df)
    4
    """
    check_transform(transform)
    check_method(tau2_method)
    check_choice("model", model, EGGER_MODELS)
    x, n, _ = check_counts(events, totals, studies)
    k = x.size
    if k < 3:
        raise ValueError(f"Egger's test needs at least 3 studies (got {k}).")
    y, v = study_effects(x, n, transform)
    X = np.column_stack([np.ones(k), np.sqrt(v)])
    if np.linalg.matrix_rank(X) < 2:
        raise ValueError("all studies have the same standard error; Egger's test is not defined.")
    t2 = residual_tau2(y, v, X, tau2_method, n) if model == "rma" else 0.0
    w, P, cov = _p_matrix(v, X, t2)
    beta = cov @ (X.T @ (w * y))
    a = 1 - level
    if model == "lm":
        sigma2 = float(y @ P @ y) / (k - 2)
        se = np.sqrt(cov[1, 1] * sigma2)
        stat = beta[1] / se
        se0, c = np.sqrt(cov[0, 0] * sigma2), stats.t.ppf(1 - a / 2, k - 2)
        return BiasTest("Egger regression (weighted lm)", float(stat), float(2 * stats.t.sf(abs(stat), k - 2)),
                        float(beta[1]), k - 2, float(beta[0]), float(beta[0] - c * se0), float(beta[0] + c * se0))
    stat = beta[1] / np.sqrt(cov[1, 1])
    se0, c = np.sqrt(cov[0, 0]), stats.norm.ppf(1 - a / 2)
    return BiasTest(f"Egger regression (mixed-effects, tau2 {tau2_method})", float(stat),
                    float(2 * stats.norm.sf(abs(stat))), float(beta[1]), None,
                    float(beta[0]), float(beta[0] - c * se0), float(beta[0] + c * se0))


@lru_cache(maxsize=None)
def _inversions_cdf(n: int) -> np.ndarray:
    """P(number of discordant pairs ≤ d) under independence, d = 0..n(n−1)/2 (Mahonian numbers)."""
    counts = np.array([1.0])
    for m in range(2, n + 1):
        new = np.zeros(counts.size + m - 1)
        for shift in range(m):
            new[shift:shift + counts.size] += counts
        counts = new
    return np.cumsum(counts) / counts.sum()


def _kendall(a, b):
    """Kendall's tau-b and the p-value as R's ``cor.test(method = "kendall", exact = TRUE)``."""
    n = a.size
    da = np.sign(a[:, None] - a[None, :])
    db = np.sign(b[:, None] - b[None, :])
    iu = np.triu_indices(n, 1)
    s = float((da * db)[iu].sum())
    ta = [c for c in np.unique(a, return_counts=True)[1] if c > 1]
    tb = [c for c in np.unique(b, return_counts=True)[1] if c > 1]
    t0 = n * (n - 1) / 2
    t1 = sum(c * (c - 1) / 2 for c in ta)
    t2 = sum(c * (c - 1) / 2 for c in tb)
    tau = s / np.sqrt((t0 - t1) * (t0 - t2))
    if not ta and not tb:
        # exact: T = number of concordant pairs
        q = int(round((tau + 1) * n * (n - 1) / 4))
        cdf = _inversions_cdf(n)
        p = 1 - cdf[q - 1] if q > n * (n - 1) / 4 else cdf[q]
        return float(tau), float(min(1.0, 2 * p))
    v0 = n * (n - 1) * (2 * n + 5)
    vt = sum(c * (c - 1) * (2 * c + 5) for c in ta)
    vu = sum(c * (c - 1) * (2 * c + 5) for c in tb)
    v1 = sum(c * (c - 1) for c in ta) * sum(c * (c - 1) for c in tb)
    v2 = sum(c * (c - 1) * (c - 2) for c in ta) * sum(c * (c - 1) * (c - 2) for c in tb)
    var_s = (v0 - vt - vu) / 18 + v1 / (2 * n * (n - 1)) + v2 / (9 * n * (n - 1) * (n - 2))
    z = s / np.sqrt(var_s)
    return float(tau), float(2 * stats.norm.sf(abs(z)))


def begg_test(events, totals, *, transform: Transform = "PFT", studies=None) -> BiasTest:
    """Begg and Mazumdar's rank correlation test (metafor ``ranktest``).

    Notes
    -----
    Standardised effects (yᵢ − θ̂_FE)/√(vᵢ − 1/Σw) are rank-correlated with vᵢ by Kendall's
    tau; the p-value is exact without ties and from the tie-corrected normal approximation
    otherwise, as R's ``cor.test``.

    References
    ----------
    Begg CB, Mazumdar M (1994) Biometrics 50:1088-101.

    Example
    -------
    >>> begg_test([2, 0, 2, 4, 1, 5], [8, 15, 20, 17, 34, 42]).method
    'Begg rank correlation'
    """
    check_transform(transform)
    x, n, _ = check_counts(events, totals, studies)
    if x.size < 3:
        raise ValueError(f"Begg's test needs at least 3 studies (got {x.size}).")
    y, v = study_effects(x, n, transform)
    w = 1 / v
    theta = (w * y).sum() / w.sum()
    ystar = (y - theta) / np.sqrt(v - 1 / w.sum())
    tau, p = _kendall(ystar, v)
    return BiasTest("Begg rank correlation", tau, p, tau)
