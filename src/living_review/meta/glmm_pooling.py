"""Assemble a :class:`MetaPropResult` from the logistic GLMM (``metaprop(model="glmm")``)."""

from __future__ import annotations

import warnings

import numpy as np
import pandas as pd
from scipy import special, stats

from living_review.meta.effects import clopper_pearson, harmonic_mean
from living_review.meta.glmm import (_glm_beta, fit_glmm, heterogeneity_tests, metafor_i2,
                                     wald_moderator_test)
from living_review.meta.heterogeneity import h_and_i2
from living_review.meta.results import GLMMInfo, MetaPropResult, SubgroupTest

ZERO_EVENT_WARNING = (
    "studies with 0 or all events add nothing to the GLMM's Wald Q, so the Q-based I2 (as R meta "
    "prints it) understates heterogeneity; compare the likelihood-ratio Q and metafor's tau2-based I2")


def fit_glmm_result(x, n, labels, groups=None, *, level=0.95, prediction="t(k-1)") -> MetaPropResult:
    """GLMM analogue of :func:`living_review.meta.pooling.fit_inverse` (checked counts).

    Notes
    -----
    Estimate and CI: β̂ ± z·SE on the logit scale, back-transformed with expit. Common
    effect: logistic regression with one intercept. Heterogeneity: the Wald Q gives I² (as
    meta); the likelihood-ratio Q and metafor's I² are in ``result.glmm``. No Q-profile CI of
    tau² exists for this model (NaN), and studies carry no weights (NaN). k = 1 falls back to
    the single study's binomial fit with tau² = 0. Prediction interval as :func:`metaprop`.
    """
    k = x.size
    if k > 1 and x.sum() in (0, n.sum()):
        which = "no patient had the event" if x.sum() == 0 else "every patient had the event"
        raise ValueError(f"GLMM not estimable for studies {', '.join(map(str, labels))}: {which}, so the "
                         "logit is infinite; use an inverse-variance transform (PFT, PAS) instead.")
    z = stats.norm.ppf(1 - (1 - level) / 2)
    if k > 1:
        fit = fit_glmm(x, n)
        beta, se, tau2, loglik, conv = float(fit.beta[0]), float(np.sqrt(fit.vcov[0, 0])), fit.tau2, fit.loglik, fit.converged
    else:
        beta = float(_glm_beta(x, n, np.ones((1, 1)))[0]) if 0 < x[0] < n[0] else float("nan")
        se = float(np.sqrt(1 / x[0] + 1 / (n[0] - x[0]))) if 0 < x[0] < n[0] else float("nan")
        tau2, loglik, conv = 0.0, float("nan"), True
        if not 0 < x[0] < n[0]:
            notes_k1 = "single study with 0 or all events: estimate x/n with its Clopper-Pearson CI"

    fixed = float(_glm_beta(x, n, np.ones((k, 1)))[0]) if 0 < x.sum() < n.sum() else float("nan")
    pbar = x.sum() / n.sum()
    fixed_se = float(1 / np.sqrt(n.sum() * pbar * (1 - pbar))) if 0 < pbar < 1 else float("nan")
    q_wald, q_lrt = heterogeneity_tests(x, n)
    het = h_and_i2(q_wald, k, level)
    df = k - 1
    pi_df = {"t(k-1)": df, "t(k-2)": df - 1, "z": np.inf}[prediction]
    crit = stats.norm.ppf(1 - (1 - level) / 2) if np.isinf(pi_df) else (stats.t.ppf(1 - (1 - level) / 2, pi_df) if pi_df >= 1 else np.nan)
    pse = np.sqrt(se**2 + tau2)
    notes = []
    if np.any((x == 0) | (x == n)) and k > 1:
        notes.append(ZERO_EVENT_WARNING)
        warnings.warn(ZERO_EVENT_WARNING, stacklevel=3)
    if k > 1 and not conv:
        notes.append("GLMM optimiser reported non-convergence; check the fit")
    lo, hi = clopper_pearson(x, n, level)
    table = pd.DataFrame({"study": labels, "events": x.astype(int), "n": n.astype(int), "proportion": x / n,
                          "ci_low": lo, "ci_high": hi, "weight_fixed": np.nan, "weight_random": np.nan})
    ex = lambda v: float(special.expit(v))  # noqa: E731
    if k == 1 and not 0 < x[0] < n[0]:
        # the logit is infinite: report the observed proportion and its exact CI
        notes.append(notes_k1)
        ex = lambda v: float("nan")  # noqa: E731
    res = dict(
        k=k, transform="PLOGIT", tau2_method="ML", model="glmm", hakn=False, level=level, prediction=prediction,
        n_harmonic=harmonic_mean(n), estimate=ex(beta), ci_low=ex(beta - z * se), ci_high=ex(beta + z * se),
        pi_low=ex(beta - crit * pse), pi_high=ex(beta + crit * pse), pvalue=float(2 * stats.norm.sf(abs(beta / se))),
        te=beta, se=se, te_ci_low=beta - z * se, te_ci_high=beta + z * se,
        fixed_estimate=ex(fixed), fixed_ci_low=ex(fixed - z * fixed_se), fixed_ci_high=ex(fixed + z * fixed_se),
        fixed_te=fixed, fixed_se=fixed_se, tau2=tau2, tau2_ci_low=float("nan"), tau2_ci_high=float("nan"),
        tau=float(np.sqrt(tau2)), i2=het["i2"], i2_ci_low=het["i2_ci_low"], i2_ci_high=het["i2_ci_high"],
        h2=het["h2"], q=q_wald, q_df=df, q_pvalue=float(stats.chi2.sf(q_wald, df)) if df > 0 else float("nan"),
        studies=table, notes=tuple(notes),
        glmm=GLMMInfo(q_wald=q_wald, q_lrt=q_lrt, q_df=df,
                      q_wald_pvalue=float(stats.chi2.sf(q_wald, df)) if df > 0 else float("nan"),
                      q_lrt_pvalue=float(stats.chi2.sf(q_lrt, df)) if df > 0 else float("nan"),
                      i2_metafor=metafor_i2(x, n, tau2), loglik=loglik, converged=conv),
    )
    if k == 1 and not 0 < x[0] < n[0]:
        res.update(estimate=float(x[0] / n[0]), ci_low=float(lo[0]), ci_high=float(hi[0]),
                   fixed_estimate=float(x[0] / n[0]), fixed_ci_low=float(lo[0]), fixed_ci_high=float(hi[0]))
    if groups is None:
        return MetaPropResult(**res)
    g = np.array(groups)
    order = list(dict.fromkeys(groups))
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        subs = {name: fit_glmm_result(x[g == name], n[g == name], [lb for lb, s in zip(labels, g == name) if s],
                                      level=level, prediction=prediction) for name in order}
    degenerate = [name for name in order if x[g == name].sum() in (0, n[g == name].sum())]
    if degenerate:
        # β of such a subgroup is ±∞: the Wald test does not exist (R falls back to an
        # arbitrary approximation); report it as missing rather than a misleading number
        q, qdf, p = float("nan"), len(order) - 1, float("nan")
        res["notes"] = res["notes"] + (f"subgroup test not defined: {', '.join(degenerate)} has 0 or all events in every study",)
    else:
        q, qdf, p = wald_moderator_test(x, n, groups)
    res["studies"] = table.assign(subgroup=groups)
    return MetaPropResult(**res, subgroups=subs, subgroup_test=SubgroupTest(q=q, df=qdf, pvalue=p))
