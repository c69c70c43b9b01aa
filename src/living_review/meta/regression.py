"""Mixed-effects meta-regression of transformed proportions on study-level covariates."""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd
from scipy import optimize, stats

from living_review.meta.effects import Transform, check_counts, check_transform, study_effects
from living_review.meta.tau2 import MAXITER, TOL, Tau2Method, check_method


def _p_matrix(vi, X, tau2):
    w = 1.0 / (vi + tau2)
    W = np.diag(w)
    xtwx_inv = np.linalg.inv(X.T @ (w[:, None] * X))
    return w, W - (w[:, None] * X) @ xtwx_inv @ (X.T * w[None, :]), xtwx_inv


def _loglik(y, v, X, t, method) -> float:
    """(Restricted) log-likelihood of the mixed model at τ² = t, up to a constant."""
    w, P, xtwx_inv = _p_matrix(v, X, t)
    ll = -0.5 * np.log(v + t).sum() - 0.5 * float(y @ P @ y)
    return ll + 0.5 * np.linalg.slogdet(xtwx_inv)[1] if method == "REML" else ll


def residual_tau2(yi, vi, X, method: Tau2Method = "REML", weights=None) -> float:
    """Residual tau² of the model yᵢ = Xᵢβ + uᵢ + εᵢ, as metafor's ``rma(yi, vi, mods=X)``.

    Parameters
    ----------
    yi, vi : effects and sampling variances (transformed scale).
    X : (k, p) design matrix including the intercept (or a full set of group indicators).
    method : DL, REML, ML, PM, SJ, HE, EB, HS, HSk, GENQ or PMM.
    weights : the aᵢ of GENQ (study sizes in this package).

    Notes
    -----
    P = W − WX(XᵀWX)⁻¹XᵀW, W = diag(1/(vᵢ+τ²)). DL: (yᵀP₀y − (k−p))/tr P₀. HE: (yᵀP_ols y −
    tr(P_ols V))/(k−p). SJ: τ₀²·yᵀPy/(k−p) with τ₀² = var(y)(k−1)/k. PM: root of
    yᵀPy = k − p; PMM: of yᵀPy = χ²_{k−p, 0.5}. HS: (yᵀP₀y − k)/Σwᵢ; HSk:
    (k/(k−p)·yᵀP₀y − k)/Σwᵢ, wᵢ = 1/vᵢ. GENQ: (yᵀPₐy − tr(PₐV))/tr Pₐ with W replaced by
    A = diag(aᵢ). All truncated at 0. ML, REML, EB: Fisher scoring (see
    :func:`living_review.meta.tau2.estimate_tau2`); for ML and REML the estimate is set to
    0 when the log-likelihood there is higher (metafor's ``ll0check``), since scoring can
    stop at a local maximum.

    References
    ----------
    Viechtbauer W (2010) J Stat Softw 36(3); Raudenbush SW (2009) in The Handbook of Research
    Synthesis, 2nd ed.
    """
    y = np.asarray(yi, float)
    v = np.asarray(vi, float)
    X = np.asarray(X, float)
    k, p = X.shape
    if k <= p:
        return 0.0
    check_method(method)
    qe = lambda t: float(y @ _p_matrix(v, X, t)[1] @ y)  # noqa: E731
    if method == "DL":
        _, P, _ = _p_matrix(v, X, 0.0)
        return max(0.0, (y @ P @ y - (k - p)) / np.trace(P))
    if method == "HE":
        pols = np.eye(k) - X @ np.linalg.pinv(X)
        return max(0.0, (y @ pols @ y - np.trace(pols * v[None, :])) / (k - p))
    if method == "SJ":
        t0 = np.var(y)
        return t0 * qe(t0) / (k - p)
    if method in ("PM", "PMM"):
        target = k - p if method == "PM" else stats.chi2.ppf(0.5, k - p)
        if qe(0.0) <= target:
            return 0.0
        hi = 1.0
        while qe(hi) > target:
            hi *= 10
        return optimize.brentq(lambda t: qe(t) - target, 0.0, hi, xtol=1e-14, rtol=1e-14)
    if method in ("HS", "HSk"):
        rss = qe(0.0) * (k / (k - p) if method == "HSk" else 1.0)
        return max(0.0, (rss - k) / float((1.0 / v).sum()))
    if method == "GENQ":
        if weights is None:
            raise ValueError("tau2_method='GENQ' needs weights (e.g. the study sizes).")
        a = np.asarray(weights, float)
        pa = np.diag(a) - (a[:, None] * X) @ np.linalg.inv(X.T @ (a[:, None] * X)) @ (X.T * a[None, :])
        return max(0.0, (float(y @ pa @ y) - float(np.sum(np.diag(pa) * v))) / float(np.trace(pa)))
    t = _score(y, v, X, method)
    if method != "EB" and t > 0 and _loglik(y, v, X, 0.0, method) > _loglik(y, v, X, t, method):
        return 0.0
    return t


def _score(y, v, X, method) -> float:
    """Fisher scoring for ML, REML and EB from the HE value, with step halving at 0."""
    k, p = X.shape
    t = residual_tau2(y, v, X, "HE")
    for _ in range(MAXITER):
        w, P, _ = _p_matrix(v, X, t)
        Py = P @ y
        if method == "ML":
            adj = (Py @ Py - w.sum()) / (w**2).sum()
        elif method == "REML":
            adj = (Py @ Py - np.trace(P)) / np.sum(P * P)
        else:
            adj = (y @ Py * k / (k - p) - k) / w.sum()
        while t + adj < 0:
            adj /= 2
        t_new = t + adj
        if abs(t_new - t) < TOL:
            return max(t_new, 0.0)
        t = t_new
    return max(t, 0.0)


@dataclass(frozen=True)
class MetaRegResult:
    """Coefficients (transformed scale) and model tests of a meta-regression.

    ``coefficients`` has columns term, estimate, se, stat, pvalue, ci_low, ci_high. ``qm``
    tests all non-intercept terms (χ² with ``qm_df``, or F(qm_df, k−p) with Knapp-Hartung);
    ``qe`` tests residual heterogeneity (df k−p). ``r2`` is metafor's pseudo-R² in [0, 1].
    """

    k: int
    transform: str
    tau2_method: str
    hakn: bool
    tau2: float
    qe: float
    qe_df: int
    qe_pvalue: float
    qm: float
    qm_df: int
    qm_pvalue: float
    r2: float
    coefficients: pd.DataFrame = field(repr=False)

    def summary(self) -> str:
        """Readable table of coefficients and tests."""
        test = "F" if self.hakn else "QM"
        lines = [f"Mixed-effects meta-regression: k = {self.k}, {self.transform}, tau2 {self.tau2_method}"
                 + (", Knapp-Hartung" if self.hakn else ""),
                 f"  tau2 (residual) = {self.tau2:.4f}, R2 = {100 * self.r2:.1f}%",
                 f"  QE = {self.qe:.2f}, df = {self.qe_df}, p = {self.qe_pvalue:.4f}",
                 f"  {test} = {self.qm:.2f}, df = {self.qm_df}, p = {self.qm_pvalue:.4f}"]
        for r in self.coefficients.itertuples(index=False):
            lines.append(f"  {r.term:<20} {r.estimate: .4f} (SE {r.se:.4f}) [{r.ci_low: .4f}; {r.ci_high: .4f}] p = {r.pvalue:.4f}")
        return "\n".join(lines)


def design_matrix(covariates, labels) -> tuple[np.ndarray, list[str]]:
    """Intercept plus covariates; text/categorical columns become treatment contrasts with the
    alphabetically first level as reference (R's ``factor`` default)."""
    df = pd.DataFrame(covariates).reset_index(drop=True)
    if len(df) != len(labels):
        raise ValueError(f"covariates have {len(df)} rows for {len(labels)} studies; give one row per study.")
    for col in df.columns:
        bad = df[col].isna().to_numpy()
        if bad.any():
            raise ValueError(f"{labels[int(np.argmax(bad))]}: covariate {col!r} is missing; fill it in or drop the study.")
    parts, names = [np.ones((len(df), 1))], ["intercept"]
    for col in df.columns:
        if pd.api.types.is_numeric_dtype(df[col]) and not pd.api.types.is_bool_dtype(df[col]):
            parts.append(df[[col]].to_numpy(float))
            names.append(str(col))
        else:
            levels = sorted(df[col].astype(str).unique())
            for lev in levels[1:]:
                parts.append((df[col].astype(str) == lev).to_numpy(float)[:, None])
                names.append(f"{col}{lev}")
    X = np.hstack(parts)
    if np.linalg.matrix_rank(X) < X.shape[1]:
        raise ValueError(f"covariates are collinear (columns {names[1:]}); drop or merge some.")
    return X, names


def metareg(events, totals, covariates, *, transform: Transform = "PFT", tau2_method: Tau2Method = "REML",
            hakn: bool = False, level: float = 0.95, studies=None) -> MetaRegResult:
    """Mixed-effects meta-regression (metafor ``rma(yi, vi, mods = ~ ...)``).

    Parameters
    ----------
    events, totals : counts per study.
    covariates : DataFrame (or dict of columns), one row per study: e.g. design, dose, year, line.
    transform, tau2_method, hakn, level, studies : as in :func:`metaprop`.

    Returns
    -------
    MetaRegResult

    Notes
    -----
    β̂ = (XᵀWX)⁻¹XᵀWy with W = diag(1/(vᵢ + τ̂²)); Var β̂ = (XᵀWX)⁻¹, multiplied by
    s² = yᵀPy/(k−p) with Knapp-Hartung (then t(k−p) and F tests). When every effect is equal
    s² = 0: the SEs are 0, the test statistics NaN and QM NaN, as metafor's NA. R² = max(0, (τ²₀ − τ²)/τ²₀)
    with τ²₀ from the intercept-only model.

    References
    ----------
    Knapp G, Hartung J (2003) Stat Med 22:2693-710. Viechtbauer W (2010) J Stat Softw 36(3).

    Example
    -------
    >>> metareg([2, 0, 2, 4, 1, 5], [8, 15, 20, 17, 34, 42], {"year": [2010, 2012, 2013, 2017, 2021, 2022]}).k
    6
    """
    check_transform(transform)
    check_method(tau2_method)
    x, n, labels = check_counts(events, totals, studies)
    X, names = design_matrix(covariates, labels)
    k, p = X.shape
    if k <= p:
        raise ValueError(f"{k} studies cannot estimate {p} coefficients; use fewer covariates.")
    y, v = study_effects(x, n, transform)
    t2 = residual_tau2(y, v, X, tau2_method, n)
    w, P, cov = _p_matrix(v, X, t2)
    beta = cov @ (X.T @ (w * y))
    a = 1 - level
    if hakn:
        cov = cov * float(y @ P @ y) / (k - p)
        crit, dist = stats.t.ppf(1 - a / 2, k - p), stats.t(k - p)
    else:
        crit, dist = stats.norm.ppf(1 - a / 2), stats.norm()
    se = np.sqrt(np.diag(cov))
    with np.errstate(invalid="ignore", divide="ignore"):
        stat = beta / se
    b2, c2 = beta[1:], cov[1:, 1:]
    # all effects equal under Knapp-Hartung: s² = 0, so every SE is 0 and QM does not exist (NA in metafor)
    defined = p > 1 and np.all(np.isfinite(c2)) and np.linalg.matrix_rank(c2) == p - 1 and np.all(se > 0)
    qm = float(b2 @ np.linalg.solve(c2, b2)) if defined else float("nan")
    if hakn and defined:
        qm /= p - 1
        qm_p = float(stats.f.sf(qm, p - 1, k - p))
    else:
        qm_p = float(stats.chi2.sf(qm, p - 1)) if defined else float("nan")
    _, P0, _ = _p_matrix(v, X, 0.0)
    qe = float(y @ P0 @ y)
    t2_null = residual_tau2(y, v, np.ones((k, 1)), tau2_method, n)
    r2 = max(0.0, (t2_null - t2) / t2_null) if t2_null > 0 else 0.0
    coefs = pd.DataFrame({"term": names, "estimate": beta, "se": se, "stat": stat,
                          "pvalue": 2 * dist.sf(np.abs(stat)), "ci_low": beta - crit * se, "ci_high": beta + crit * se})
    return MetaRegResult(k=k, transform=transform, tau2_method=tau2_method, hakn=hakn, tau2=float(t2), qe=qe,
                         qe_df=k - p, qe_pvalue=float(stats.chi2.sf(qe, k - p)), qm=qm, qm_df=p - 1, qm_pvalue=qm_p,
                         r2=r2, coefficients=coefs)
