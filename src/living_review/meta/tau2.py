"""Between-study variance (tau²) estimators, as R metafor defines them, for many fits at once.

All functions take 2-D arrays ``yi``, ``vi`` and a boolean ``mask`` of shape (fits, k): row r
is one meta-analysis of the studies where ``mask[r]`` is True. Leave-one-out, cumulative and
sensitivity grids are then one vectorised call instead of a Python loop.
"""

from __future__ import annotations

import numpy as np
from scipy import stats

from living_review.core.choices import check_choice
from living_review.meta.options import TAU2_METHODS, Tau2Method  # noqa: F401 (re-exported)

#: Iterative estimators stop when tau² changes by less than this between steps.
TOL = 1e-10
MAXITER = 10_000


def check_method(method: str) -> str:
    """Return ``method`` if it is a known tau² estimator, else raise ValueError."""
    check_choice("tau2_method", method, TAU2_METHODS)
    return method


def _moments(yi, vi, mask, tau2):
    """Weights, weighted mean, residuals and Σw for each row at the given tau²."""
    w = np.where(mask, 1.0 / (vi + tau2[:, None]), 0.0)
    sw = w.sum(1)
    mu = (w * yi).sum(1) / sw
    e = np.where(mask, yi - mu[:, None], 0.0)
    return w, sw, mu, e


def generalised_q(yi, vi, mask, tau2):
    """Generalised Q statistic Σ wᵢ(yᵢ − μ̂)² with wᵢ = 1/(vᵢ + τ²), per row."""
    w, _, _, e = _moments(yi, vi, mask, tau2)
    return (w * e * e).sum(1)


def _solve_q(yi, vi, mask, target):
    """Smallest τ² ≥ 0 with Q(τ²) = target (0 when Q(0) is already below the target).

    Q(τ²) is decreasing and convex, so Newton's step from the left, τ² += (Q − target)/Σw²e²,
    rises monotonically to the root (the Paule-Mandel/DerSimonian-Kacker iteration).
    """
    m = yi.shape[0]
    t = np.zeros(m)
    active = generalised_q(yi, vi, mask, t) > target
    for _ in range(MAXITER):
        if not active.any():
            break
        w, _, _, e = _moments(yi[active], vi[active], mask[active], t[active])
        q = (w * e * e).sum(1)
        step = (q - target[active]) / (w * w * e * e).sum(1)
        t[active] = t[active] + step
        done = np.abs(step) < TOL
        idx = np.flatnonzero(active)
        active[idx[done]] = False
    return t


def estimate_tau2(yi, vi, mask, method: Tau2Method = "REML", weights=None):
    """Estimate tau² for every row.

    Parameters
    ----------
    yi, vi : (fits, k) effects and sampling variances on the transformed scale.
    mask : (fits, k) bool, True for studies in the fit.
    method : DL, REML, ML, PM, SJ, HE, EB, HS, HSk, GENQ or PMM.
    weights : (fits, k) or (k,) positive weights aᵢ of the generalised Q (GENQ only; the
        proportions engine passes the study sizes nᵢ).

    Returns
    -------
    (fits,) array of tau² (0 where k = 1).

    Notes
    -----
    With wᵢ = 1/(vᵢ+τ²), P = W − wwᵀ/Σw (intercept-only model):

    - DL: max(0, (Q₀ − (k−1)) / (Σw − Σw²/Σw)) at τ² = 0.
    - HE: max(0, Σ(yᵢ − ȳ)²/(k−1) − v̄).
    - SJ: τ₀² = Σ(yᵢ − ȳ)²/k, then τ² = τ₀² · Q(τ₀²)/(k−1).
    - PM: root of Q(τ²) = k − 1 (0 if Q(0) < k − 1).
    - ML, REML, EB: Fisher scoring from the HE value with step halving at 0, as metafor:
      ML Δ = (yᵀPPy − Σw)/Σw²; REML Δ = (yᵀPPy − tr P)/tr PP;
      EB Δ = (Q·k/(k−1) − k)/Σw. Iterated until |Δ| < 1e-10.
    - HS (Hunter-Schmidt): max(0, (Q₀ − k)/Σw); HSk: max(0, (Q₀·k/(k−1) − k)/Σw), wᵢ = 1/vᵢ.
    - PMM (median-unbiased Paule-Mandel): root of Q(τ²) = χ²_{k−1, 0.5}.
    - GENQ (DerSimonian-Kacker generalised Q with weights aᵢ): with Pₐ = A − aaᵀ/Σa,
      max(0, (yᵀPₐy − tr(PₐV))/tr Pₐ), as ``rma(yi, vi, weights = a, method = "GENQ")``.

    References
    ----------
    Viechtbauer W (2005) J Educ Behav Stat 30:261-93; Viechtbauer W (2010) J Stat Softw 36(3);
    DerSimonian R, Kacker R (2007) Contemp Clin Trials 28:105-14; Viechtbauer W (2021) metafor
    documentation of ``rma.uni`` (HS, HSk, PMM).

    Example
    -------
    >>> y = np.array([[0.1, 0.3, 0.5]]); v = np.full((1, 3), 0.01)
    >>> float(estimate_tau2(y, v, np.ones((1, 3), bool), "DL")[0]) > 0
    True
    """
    yi = np.atleast_2d(np.asarray(yi, float))
    vi = np.atleast_2d(np.asarray(vi, float))
    mask = np.atleast_2d(np.asarray(mask, bool))
    yi = np.where(mask, yi, 0.0)
    vi = np.where(mask, vi, 1.0)
    m = yi.shape[0]
    k = mask.sum(1).astype(float)
    single = k < 2
    kd = np.where(single, 2.0, k)  # avoid 0/0 on k = 1 rows; they are reset to 0 below
    zero = np.zeros(m)
    ybar = np.where(mask, yi, 0).sum(1) / k
    ss = (np.where(mask, yi - ybar[:, None], 0.0) ** 2).sum(1)
    if method == "DL":
        w, sw, _, e = _moments(yi, vi, mask, zero)
        q = (w * e * e).sum(1)
        tau2 = np.maximum(0.0, (q - (kd - 1)) / (sw - (w * w).sum(1) / sw))
    elif method == "HE":
        vbar = np.where(mask, vi, 0).sum(1) / k
        tau2 = np.maximum(0.0, ss / (kd - 1) - vbar)
    elif method == "SJ":
        t0 = ss / k
        w, _, _, e = _moments(yi, vi, mask, t0)
        tau2 = t0 * (w * e * e).sum(1) / (kd - 1)
    elif method == "PM":
        tau2 = _solve_q(yi, vi, mask, kd - 1)
    elif method == "PMM":
        tau2 = _solve_q(yi, vi, mask, stats.chi2.ppf(0.5, kd - 1))
    elif method in ("HS", "HSk"):
        w, sw, _, e = _moments(yi, vi, mask, zero)
        q = (w * e * e).sum(1)
        tau2 = np.maximum(0.0, ((q * k / (kd - 1) if method == "HSk" else q) - k) / sw)
    elif method == "GENQ":
        if weights is None:
            raise ValueError("tau2_method='GENQ' needs weights (e.g. the study sizes).")
        a = np.where(mask, np.broadcast_to(np.asarray(weights, float), yi.shape), 0.0)
        sa = a.sum(1)
        mu = (a * yi).sum(1) / sa
        e = np.where(mask, yi - mu[:, None], 0.0)
        # tr P = Σa − Σa²/Σa; tr(PV) = Σaᵢvᵢ − Σaᵢ²vᵢ/Σa
        trp = sa - (a * a).sum(1) / sa
        trpv = (a * vi).sum(1) - (a * a * vi).sum(1) / sa
        tau2 = np.maximum(0.0, ((a * e * e).sum(1) - trpv) / trp)
    elif method in ("ML", "REML", "EB"):
        tau2 = _fisher_scoring(yi, vi, mask, kd, estimate_tau2(yi, vi, mask, "HE"), method)
        if method != "EB":
            # metafor's ll0check: Fisher scoring can stop at a local maximum; keep 0 if it is better
            better0 = _loglik(yi, vi, mask, zero, method) - _loglik(yi, vi, mask, tau2, method) > 1e-12
            tau2 = np.where(better0 & (tau2 > TOL), 0.0, tau2)
    else:
        check_method(method)
    return np.where(single, 0.0, tau2)


def _loglik(yi, vi, mask, tau2, method):
    """(Restricted) log-likelihood of the random-effects model, up to a constant."""
    w, sw, _, e = _moments(yi, vi, mask, tau2)
    ll = -0.5 * np.where(mask, np.log(vi + tau2[:, None]), 0.0).sum(1) - 0.5 * (w * e * e).sum(1)
    return ll - 0.5 * np.log(sw) if method == "REML" else ll


def _score_step(method, w, sw, sw2, e, k):
    """Fisher-scoring step of metafor's ML, REML and EB estimators."""
    if method == "ML":
        return ((w * w * e * e).sum(1) - sw) / sw2
    if method == "REML":
        trp = sw - sw2 / sw
        trpp = sw2 - 2 * (w**3).sum(1) / sw + sw2**2 / sw**2
        return ((w * w * e * e).sum(1) - trp) / trpp
    return ((w * e * e).sum(1) * k / (k - 1) - k) / sw


def _fisher_scoring(yi, vi, mask, k, start, method):
    t = start.astype(float).copy()
    active = np.ones(t.shape, bool)
    for _ in range(MAXITER):
        if not active.any():
            break
        idx = np.flatnonzero(active)
        w, sw, _, e = _moments(yi[idx], vi[idx], mask[idx], t[idx])
        # rows with k = 1 give 0/0 steps; they are discarded by the caller
        with np.errstate(invalid="ignore", divide="ignore"):
            adj = _score_step(method, w, sw, (w * w).sum(1), e, k[idx])
        adj = np.where(np.isfinite(adj), adj, 0.0)
        # metafor halves the step until tau² stays non-negative
        for _ in range(200):
            neg = t[idx] + adj < 0
            if not neg.any():
                break
            adj = np.where(neg, adj / 2, adj)
        new = np.maximum(t[idx] + adj, 0.0)
        done = np.abs(new - t[idx]) < TOL
        t[idx] = new
        active[idx[done]] = False
    return t


def q_profile_ci(yi, vi, mask, level: float = 0.95):
    """Q-profile confidence interval of tau² (Viechtbauer 2007), per row.

    Notes
    -----
    The limits solve Q(τ²) = χ²_{k−1, 1−α/2} (lower) and Q(τ²) = χ²_{k−1, α/2} (upper); a limit
    whose equation has no positive root is 0, as in metafor's ``confint``.

    References
    ----------
    Viechtbauer W (2007) Stat Med 26:37-52.

    Returns
    -------
    (lower, upper) arrays; NaN where k = 1.
    """
    yi = np.atleast_2d(np.asarray(yi, float))
    vi = np.atleast_2d(np.asarray(vi, float))
    mask = np.atleast_2d(np.asarray(mask, bool))
    yi = np.where(mask, yi, 0.0)
    vi = np.where(mask, vi, 1.0)
    k = mask.sum(1)
    df = np.maximum(k - 1, 1)
    a = 1 - level
    lo = _solve_q(yi, vi, mask, stats.chi2.ppf(1 - a / 2, df))
    hi = _solve_q(yi, vi, mask, stats.chi2.ppf(a / 2, df))
    nan = k < 2
    return np.where(nan, np.nan, lo), np.where(nan, np.nan, hi)
