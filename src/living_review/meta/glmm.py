"""Random-intercept logistic GLMM for proportions (R meta's default model), fitted by ML with
adaptive Gauss-Hermite quadrature, as ``metafor::rma.glmm(measure="PLO", method="ML")``."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numpy.polynomial.hermite import hermgauss
from scipy import optimize, special, stats

from living_review.meta.glmm_check import loglik_agrees

NAGQ = 7  # quadrature points, rma.glmm's default (nAGQ = 7, passed on to lme4::glmer)
MODE_TOL = 1e-13
MODE_MAXITER = 500
_NODES = hermgauss(NAGQ)
GRAD_TOL = 1e-3  # |∂ log L/∂β| at a reported optimum


@dataclass(frozen=True)
class GLMMFit:
    """ML estimates: ``beta`` (logit scale), ``vcov`` of beta, ``tau2`` = σ², ``loglik``.

    ``loglik_check`` is the log-likelihood at the same point by independent quadrature
    (:mod:`living_review.meta.glmm_check`); ``converged`` is True only when the two
    log-likelihoods agree, the gradient vanishes (in σ too unless σ = 0) and the
    information of β is positive definite.
    """

    beta: np.ndarray
    vcov: np.ndarray
    tau2: float
    loglik: float
    converged: bool
    loglik_check: float = float("nan")


def _conditional_modes(x, n, eta0, sigma):
    """Mode ẑᵢ of gᵢ(z) = log f(xᵢ | η₀ᵢ + σz) + log φ(z) and the curvature −g''(ẑᵢ) there.

    Notes
    -----
    g'(z) = σ(xᵢ − nᵢ·expit(η₀ᵢ + σz)) − z is strictly decreasing, and positive at
    z = σ(xᵢ − nᵢ), negative at z = σxᵢ, so each study's root lies in that bracket. Newton
    steps are taken inside the bracket, which shrinks with the sign of g' at every iterate;
    a step that would leave it is replaced by bisection. Plain Newton steps overshoot for
    large studies with extreme proportions (curvature ≈ 1 far from the mode) and can
    oscillate without converging, which corrupts the likelihood.
    """
    x = np.asarray(x, float)
    n = np.asarray(n, float)
    eta0 = np.asarray(eta0, float)
    lo = np.minimum(sigma * (x - n), 0.0) - 1e-12
    hi = np.maximum(sigma * x, 0.0) + 1e-12
    z = np.clip(np.zeros_like(eta0), lo, hi)
    for _ in range(MODE_MAXITER):
        p = special.expit(eta0 + sigma * z)
        grad = sigma * (x - n * p) - z
        hess = sigma**2 * n * p * (1 - p) + 1.0
        lo = np.where(grad > 0, z, lo)
        hi = np.where(grad < 0, z, hi)
        new = z + grad / hess
        outside = (new <= lo) | (new >= hi) | ~np.isfinite(new)
        new = np.where(outside, 0.5 * (lo + hi), new)
        done = np.abs(new - z) <= MODE_TOL * (1.0 + np.abs(z))
        z = new
        if done.all():
            break
    p = special.expit(eta0 + sigma * z)
    return z, sigma**2 * n * p * (1 - p) + 1.0


def marginal_loglik(beta, sigma, x, n, X) -> float:
    """Σᵢ log ∫ Bin(xᵢ; nᵢ, expit(Xᵢβ + σz)) φ(z) dz by 7-point adaptive Gauss-Hermite.

    Notes
    -----
    With mode ẑ and scale s = (−g''(ẑ))^(−½) of g(z) = log Bin + log φ, the integral is
    √2·s·Σⱼ wⱼ exp(tⱼ² + g(ẑ + √2·s·tⱼ)) (Liu and Pierce 1994), as lme4 does with nAGQ > 1.
    """
    t, w = _NODES
    eta0 = X @ beta
    zhat, curv = _conditional_modes(x, n, eta0, sigma)
    s = 1.0 / np.sqrt(curv)
    z = zhat[:, None] + np.sqrt(2.0) * s[:, None] * t[None, :]
    eta = eta0[:, None] + sigma * z
    logbin = (special.gammaln(n + 1) - special.gammaln(x + 1) - special.gammaln(n - x + 1))[:, None] \
        + x[:, None] * eta - n[:, None] * np.logaddexp(0.0, eta)
    g = logbin - 0.5 * z**2 - 0.5 * np.log(2 * np.pi)
    a = g + t[None, :] ** 2
    top = a.max(axis=1)
    li = top + np.log((w[None, :] * np.exp(a - top[:, None])).sum(axis=1)) + np.log(np.sqrt(2.0) * s)
    return float(li.sum())


def _hessian(f, theta, h=1e-4):
    p = theta.size
    H = np.empty((p, p))
    for i in range(p):
        for j in range(i, p):
            ei = np.zeros(p); ej = np.zeros(p)
            ei[i] = h; ej[j] = h
            val = (f(theta + ei + ej) - f(theta + ei - ej) - f(theta - ei + ej) + f(theta - ei - ej)) / (4 * h * h)
            H[i, j] = H[j, i] = val
    return H


def _gradient(f, theta, h=1e-5):
    g = np.empty(theta.size)
    for i in range(theta.size):
        e = np.zeros(theta.size); e[i] = h
        g[i] = (f(theta + e) - f(theta - e)) / (2 * h)
    return g


def fit_glmm(events, totals, X=None) -> GLMMFit:
    """Maximum-likelihood fit of logit(pᵢ) = Xᵢβ + uᵢ, uᵢ ~ N(0, τ²).

    Parameters
    ----------
    events, totals : float arrays of counts (checked).
    X : (k, p) design matrix; default an intercept only.

    Returns
    -------
    GLMMFit; ``vcov`` is the inverse observed information of (σ, β) restricted to β, as
    lme4's ``vcov`` (``use.hessian = TRUE``).

    Notes
    -----
    Nelder-Mead on (β, s) with σ = |s| (the likelihood is even in σ) from two starting
    values of σ, then Newton steps on numerical derivatives to polish the optimum. The
    log-likelihood there is re-evaluated independently (:func:`glmm_check.loglik_agrees`).

    References
    ----------
    Stijnen T, Hamza TH, Özdemir P (2010) Stat Med 29:3046-67. Bates D et al. (2015) J Stat
    Softw 67(1).
    """
    x = np.asarray(events, float)
    n = np.asarray(totals, float)
    X = np.ones((x.size, 1)) if X is None else np.asarray(X, float)
    p = X.shape[1]
    nll = lambda th: -marginal_loglik(th[:p], abs(th[p]), x, n, X)  # noqa: E731
    glm_beta = _glm_beta(x, n, X)
    best = None
    # two starts: the likelihood can have a flat ridge for a near-degenerate design; keep the better optimum
    for s0 in (0.5, 1.5):
        # Nelder-Mead only has to come near the optimum: the Newton steps below polish it
        res = optimize.minimize(nll, np.append(glm_beta, s0), method="Nelder-Mead",
                                options=dict(xatol=1e-7, fatol=1e-11, maxiter=5000, maxfev=5000, adaptive=p > 1))
        if best is None or res.fun < best.fun:
            best = res
    th = best.x.copy()
    th[p] = abs(th[p])
    for _ in range(20):
        g = _gradient(nll, th)
        H = _hessian(nll, th)
        try:
            step = np.linalg.solve(H, g)
        except np.linalg.LinAlgError:
            break
        if not np.all(np.isfinite(step)) or nll(th - step) > nll(th) + 1e-12:
            break
        th = th - step
        th[p] = abs(th[p])
        if np.max(np.abs(step)) < 1e-10:
            break
    if th[p] < 1e-4 and nll(np.append(th[:p], 0.0)) <= nll(th) + 1e-9:
        th[p] = 0.0  # boundary: no between-study variance
    H = _hessian(nll, th)
    # a subgroup whose studies all have 0 (or all) events has β → ±∞ and a flat likelihood;
    # the pseudo-inverse then gives it a huge variance instead of failing
    cov = np.linalg.pinv(H)
    loglik = -nll(th)
    agrees, ref = loglik_agrees(loglik, th[:p], th[p], x, n, X)
    # the optimum must be stationary (in σ too unless σ sits on its boundary 0) and curved
    grad = _gradient(nll, th) if th[p] > 0 else _gradient(nll, th)[:p]
    stationary = bool(np.all(np.abs(grad) < GRAD_TOL))
    curved = bool(np.all(np.isfinite(cov)) and np.all(np.linalg.eigvalsh(H[:p, :p]) > 0))
    # with no study strictly between 0 and all events the likelihood has no finite maximum
    # (β or τ runs off to infinity), so wherever the optimiser stopped is not an estimate
    identified = bool(np.any((x > 0) & (x < n)))
    return GLMMFit(beta=th[:p], vcov=cov[:p, :p], tau2=float(th[p] ** 2), loglik=loglik,
                   converged=identified and agrees and stationary and curved, loglik_check=ref)


def _glm_beta(x, n, X):
    """Fixed-effect logistic regression by IRLS (the GLMM's starting value and common effect)."""
    beta = np.zeros(X.shape[1])
    for _ in range(100):
        p = special.expit(X @ beta)
        W = n * p * (1 - p)
        grad = X.T @ (x - n * p)
        H = X.T @ (W[:, None] * X)
        step = np.linalg.lstsq(H, grad, rcond=None)[0]
        beta = beta + step
        if np.max(np.abs(step)) < 1e-12:
            break
    return beta


def heterogeneity_tests(events, totals):
    """Wald and likelihood-ratio Q for residual heterogeneity (saturated vs common model).

    Notes
    -----
    Wald: Σ wᵢ(θᵢ − θ̄_w)² with θᵢ = logit(xᵢ/nᵢ), wᵢ = xᵢ(nᵢ−xᵢ)/nᵢ; a study with 0 or nᵢ
    events has wᵢ = 0 and adds nothing (the pitfall). LRT: the binomial deviance of the
    common-proportion model, 2Σ[xᵢ log(xᵢ/(nᵢp̄)) + (nᵢ−xᵢ) log((nᵢ−xᵢ)/(nᵢ(1−p̄)))].
    """
    x = np.asarray(events, float)
    n = np.asarray(totals, float)
    inner = (x > 0) & (x < n)
    w = np.where(inner, x * (n - x) / n, 0.0)
    theta = np.where(inner, np.log(np.where(inner, x, 1) / np.where(inner, n - x, 1)), 0.0)
    q_wald = float((w * (theta - (w * theta).sum() / w.sum()) ** 2).sum()) if w.sum() > 0 else 0.0
    pbar = x.sum() / n.sum()
    q_lrt = 2 * float((special.xlogy(x, x / (n * pbar)) + special.xlogy(n - x, (n - x) / (n * (1 - pbar)))).sum())
    return max(q_wald, 0.0), max(q_lrt, 0.0)


def metafor_i2(events, totals, tau2: float) -> float:
    """metafor's I² = τ²/(τ² + s²), s² = (k−1)/tr P, P from wᵢ = 1/vᵢ (logit, 0.5 at 0 or n)."""
    x = np.asarray(events, float)
    n = np.asarray(totals, float)
    c = np.where((x == 0) | (x == n), 0.5, 0.0)
    w = 1.0 / (1.0 / (x + c) + 1.0 / (n - x + c))
    trp = w.sum() - (w**2).sum() / w.sum()
    vt = (x.size - 1) / trp
    return float(tau2 / (vt + tau2)) if x.size > 1 else float("nan")


def wald_moderator_test(events, totals, groups):
    """Wald test that all subgroup coefficients are equal, in one GLMM with a common τ²."""
    levels = list(dict.fromkeys(groups))
    g = np.asarray(groups)
    X = (g[:, None] == np.array(levels)[None, :]).astype(float)
    X[:, 0] = 1.0  # intercept + treatment contrasts, as mods = ~ factor(subgroup)
    fit = fit_glmm(events, totals, X)
    b = fit.beta[1:]
    q = float(b @ np.linalg.solve(fit.vcov[1:, 1:], b))
    df = len(levels) - 1
    return q, df, float(stats.chi2.sf(q, df))
