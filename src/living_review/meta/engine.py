"""Vectorised inverse-variance pooling: many fits (rows) in one call.

Used by :func:`living_review.meta.metaprop` for one fit and by leave-one-out, cumulative
and sensitivity analyses for many.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal, get_args

import numpy as np
from scipy import stats

from living_review.meta.tau2 import Tau2Method, estimate_tau2

PredictionRule = Literal["t(k-1)", "t(k-2)", "z"]
PREDICTION_RULES: tuple[str, ...] = get_args(PredictionRule)


@dataclass(frozen=True)
class PooledArrays:
    """Per-row results on the transformed scale (all arrays of shape (fits,))."""

    k: np.ndarray
    fixed_te: np.ndarray
    fixed_se: np.ndarray
    q: np.ndarray
    tau2: np.ndarray
    te: np.ndarray
    se: np.ndarray
    ci_low: np.ndarray
    ci_high: np.ndarray
    pi_low: np.ndarray
    pi_high: np.ndarray
    z_or_t: np.ndarray
    pvalue: np.ndarray


def pool(yi, vi, mask=None, method: Tau2Method = "REML", hakn: bool = False, level: float = 0.95,
         prediction: PredictionRule = "t(k-1)", tau2=None, weights=None) -> PooledArrays:
    """Fixed- and random-effects inverse-variance pooling for each row.

    Parameters
    ----------
    yi, vi : (fits, k) or (k,) effects and sampling variances (transformed scale).
    mask : (fits, k) bool; True for studies in the fit (default: all).
    method : tau² estimator (ignored when ``tau2`` is given).
    hakn : Hartung-Knapp-Sidik-Jonkman CI with t(k−1).
    level : confidence level of CIs and prediction intervals.
    prediction : rule for the prediction interval (see Notes).
    tau2 : optional fixed tau² per row (used for a common tau² across subgroups).
    weights : weights of the generalised Q for ``method="GENQ"`` (the study sizes).

    Returns
    -------
    PooledArrays

    Notes
    -----
    wᵢ = 1/(vᵢ + τ²), μ̂ = Σwᵢyᵢ/Σwᵢ, SE = 1/√Σwᵢ, CI μ̂ ± z·SE.
    HK: SE_HK = √(Σwᵢ(yᵢ − μ̂)² / ((k−1)Σwᵢ)), CI μ̂ ± t_{k−1}·SE_HK (no ad hoc correction,
    as meta 8 and metafor ``test="knha"``).
    Prediction interval: μ̂ ± c·√(SE² + τ²), with SE the one used for the CI and c from
    t(k−1) (meta ≥ 8.0, the default), t(k−2) (meta ≤ 7) or z (metafor's default). Undefined
    (NaN) when the t distribution has < 1 df.

    References
    ----------
    DerSimonian R, Laird N (1986) Control Clin Trials 7:177-88. Hartung J, Knapp G (2001)
    Stat Med 20:3875-89. Higgins JPT et al. (2009) J R Stat Soc A 172:137-59.

    Example
    -------
    >>> r = pool(np.array([0.1, 0.3, 0.5]), np.full(3, 0.01), method="DL")
    >>> round(float(r.te[0]), 3)
    0.3
    """
    yi = np.atleast_2d(np.asarray(yi, float))
    vi = np.atleast_2d(np.asarray(vi, float))
    mask = np.ones(yi.shape, bool) if mask is None else np.atleast_2d(np.asarray(mask, bool))
    yi = np.where(mask, yi, 0.0)
    vi = np.where(mask, vi, 1.0)
    k = mask.sum(1)
    w0 = np.where(mask, 1.0 / vi, 0.0)
    sw0 = w0.sum(1)
    fixed_te = (w0 * yi).sum(1) / sw0
    fixed_se = 1.0 / np.sqrt(sw0)
    q = (w0 * (np.where(mask, yi - fixed_te[:, None], 0.0)) ** 2).sum(1)
    t2 = estimate_tau2(yi, vi, mask, method, weights) if tau2 is None else np.broadcast_to(np.asarray(tau2, float), k.shape)
    w = np.where(mask, 1.0 / (vi + t2[:, None]), 0.0)
    sw = w.sum(1)
    te = (w * yi).sum(1) / sw
    se = 1.0 / np.sqrt(sw)
    a = 1 - level
    df = (k - 1).astype(float)
    if hakn:
        # k = 1 has no residual df: such rows keep the z-based interval
        hk = df >= 1
        resid = np.where(mask, yi - te[:, None], 0.0)
        with np.errstate(invalid="ignore", divide="ignore"):
            se = np.where(hk, np.sqrt((w * resid**2).sum(1) / (df * sw)), se)
            crit = np.where(hk, stats.t.ppf(1 - a / 2, np.maximum(df, 1)), stats.norm.ppf(1 - a / 2))
            stat = te / se
            pval = np.where(hk, 2 * stats.t.sf(np.abs(stat), np.maximum(df, 1)), 2 * stats.norm.sf(np.abs(stat)))
    else:
        crit = np.full(te.shape, stats.norm.ppf(1 - a / 2))
        stat = te / se
        pval = 2 * stats.norm.sf(np.abs(stat))
    pi_df = {"t(k-1)": df, "t(k-2)": df - 1, "z": np.full(df.shape, np.inf)}[prediction]
    with np.errstate(invalid="ignore"):
        pcrit = np.where(pi_df >= 1, stats.t.ppf(1 - a / 2, np.maximum(pi_df, 1)), np.nan)
        pcrit = np.where(np.isinf(pi_df), stats.norm.ppf(1 - a / 2), pcrit)
        pcrit = np.where(k < 2, np.nan, pcrit)
    pse = np.sqrt(se**2 + t2)
    return PooledArrays(k=k, fixed_te=fixed_te, fixed_se=fixed_se, q=q, tau2=t2, te=te, se=se,
                        ci_low=te - crit * se, ci_high=te + crit * se,
                        pi_low=te - pcrit * pse, pi_high=te + pcrit * pse, z_or_t=stat, pvalue=pval)
