"""Q-based heterogeneity statistics as R meta reports them (Higgins and Thompson 2002)."""

from __future__ import annotations

import numpy as np
from scipy import stats


def h_and_i2(q: float, k: int, level: float = 0.95):
    """H, I² and their confidence limits from Cochran's Q.

    Parameters
    ----------
    q : Cochran's Q (inverse-variance, fixed-effect weights).
    k : number of studies.
    level : confidence level.

    Returns
    -------
    dict with ``h2`` (= max(1, Q/(k−1))), ``i2``, ``i2_ci_low``, ``i2_ci_high`` (fractions in
    [0, 1]); NaN when k < 2, and NaN limits when k = 2 and Q ≤ k (SE(log H) undefined).

    Notes
    -----
    H = √(Q/(k−1)), I² = (H² − 1)/H² floored at 0. The CI is exp(log H ± z·SE(log H)) floored
    at 1 and mapped to I², with
    SE(log H) = ½(ln Q − ln(k−1)) / (√(2Q) − √(2k−3)) if Q > k, else
    SE(log H) = √(1/(2(k−2)) · (1 − 1/(3(k−2)²))).

    References
    ----------
    Higgins JPT, Thompson SG (2002) Stat Med 21:1539-58.

    Example
    -------
    >>> round(h_and_i2(9.254046, 6)["i2"], 3)
    0.46
    """
    nan = dict(h2=np.nan, i2=np.nan, i2_ci_low=np.nan, i2_ci_high=np.nan)
    if k < 2 or not np.isfinite(q):
        return nan
    df = k - 1
    h = np.sqrt(q / df) if q > 0 else 0.0
    hh = max(1.0, h)
    i2 = (hh**2 - 1) / hh**2
    if q > k:
        se = 0.5 * (np.log(q) - np.log(df)) / (np.sqrt(2 * q) - np.sqrt(2 * k - 3))
    elif k > 2:
        se = np.sqrt(1 / (2 * (k - 2)) * (1 - 1 / (3 * (k - 2) ** 2)))
    else:
        return dict(h2=hh**2, i2=i2, i2_ci_low=np.nan, i2_ci_high=np.nan)
    z = stats.norm.ppf(1 - (1 - level) / 2)
    lo_h = max(1.0, np.exp(np.log(max(h, 1e-300)) - z * se))
    hi_h = max(1.0, np.exp(np.log(max(h, 1e-300)) + z * se))
    return dict(h2=hh**2, i2=i2, i2_ci_low=(lo_h**2 - 1) / lo_h**2, i2_ci_high=(hi_h**2 - 1) / hi_h**2)


def i2_h2_from_tau2(tau2, vi):
    """I² and H² computed from tau² as metafor reports them (for any tau² estimator).

    Parameters
    ----------
    tau2 : a tau² value, or an array of them (e.g. its Q-profile limits).
    vi : the k sampling variances (transformed scale), k ≥ 2.

    Returns
    -------
    (i2, h2) : I² = τ²/(τ² + s²) as a fraction, H² = (τ² + s²)/s², with the "typical"
    within-study variance s² = (k−1)/tr P, tr P = Σwᵢ − Σwᵢ²/Σwᵢ, wᵢ = 1/vᵢ.

    Notes
    -----
    Both are monotone in τ², so the limits of the Q-profile CI of τ² give their CIs, as
    metafor's ``confint.rma``. Unlike the Q-based I² (:func:`h_and_i2`) they depend on the
    tau² estimator.

    References
    ----------
    Higgins JPT, Thompson SG (2002) Stat Med 21:1539-58, eq. 9; Viechtbauer W (2010) J Stat
    Softw 36(3).

    Example
    -------
    >>> i2, h2 = i2_h2_from_tau2(0.01, np.full(4, 0.01)); round(float(i2), 2), round(float(h2), 2)
    (0.5, 2.0)
    """
    v = np.asarray(vi, float)
    w = 1.0 / v
    s2 = (v.size - 1) / (w.sum() - (w**2).sum() / w.sum())
    t = np.asarray(tau2, float)
    return t / (t + s2), (t + s2) / s2
