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
from living_review.meta.single import SINGLE_STUDY_NOTE, single_study_fields

ZERO_EVENT_WARNING = (
    "studies with 0 or all events add nothing to the GLMM's Wald Q, so the Q-based I2 (as R meta "
    "prints it) understates heterogeneity; compare the likelihood-ratio Q and metafor's tau2-based I2")
NOT_CONVERGED = ("the GLMM fit did not converge (its log-likelihood could not be confirmed at the optimum), "
                 "so no GLMM estimate is reported")
NAN = float("nan")

# fields that carry a number from the fit; blanked when the fit failed
_FITTED = ("estimate", "ci_low", "ci_high", "pi_low", "pi_high", "pvalue", "te", "se", "te_ci_low", "te_ci_high",
           "tau2", "tau", "tau2_ci_low", "tau2_ci_high")


def _degenerate(x, n) -> str | None:
    if x.size > 1 and x.sum() in (0, n.sum()):
        return "no patient had the event" if x.sum() == 0 else "every patient had the event"
    return None


def fit_glmm_result(x, n, labels, groups=None, *, level=0.95, prediction="t(k-1)") -> MetaPropResult:
    """GLMM analogue of :func:`living_review.meta.pooling.fit_inverse` (checked counts).

    Notes
    -----
    Estimate and CI: β̂ ± z·SE on the logit scale, back-transformed with expit. Common
    effect: logistic regression with one intercept. Heterogeneity: the Wald Q gives I² (as
    meta); the likelihood-ratio Q and metafor's I² are in ``result.glmm``. No Q-profile CI of
    tau² exists for this model (NaN), and studies carry no weights (NaN). k = 1: nothing is
    pooled, see :func:`living_review.meta.single.single_study_fields`. A fit that fails its
    checks (:func:`living_review.meta.glmm.fit_glmm`) reports NaN for every fitted number,
    ``glmm.converged`` False, a note and a warning. Subgroups: each is fitted on its own;
    one with 0 (or all) events in every study is not estimable (NaN, with a note) and the
    others are still fitted, as metafor does.
    """
    k = x.size
    which = _degenerate(x, n)
    if which:
        raise ValueError(f"GLMM not estimable for studies {', '.join(map(str, labels))}: {which}, so the "
                         "logit is infinite; use an inverse-variance transform (PFT, PAS) instead.")
    z = stats.norm.ppf(1 - (1 - level) / 2)
    if k > 1:
        fit = fit_glmm(x, n)
        beta, se, tau2, loglik, conv = float(fit.beta[0]), float(np.sqrt(fit.vcov[0, 0])), fit.tau2, fit.loglik, fit.converged
    else:
        inner = 0 < x[0] < n[0]
        beta = float(np.log(x[0] / (n[0] - x[0]))) if inner else NAN
        se = float(np.sqrt(1 / x[0] + 1 / (n[0] - x[0]))) if inner else NAN
        tau2, loglik, conv = 0.0, NAN, True

    fixed = float(_glm_beta(x, n, np.ones((k, 1)))[0]) if 0 < x.sum() < n.sum() else NAN
    pbar = x.sum() / n.sum()
    fixed_se = float(1 / np.sqrt(n.sum() * pbar * (1 - pbar))) if 0 < pbar < 1 else NAN
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
    lo, hi = clopper_pearson(x, n, level)
    table = pd.DataFrame({"study": labels, "events": x.astype(int), "n": n.astype(int), "proportion": x / n,
                          "ci_low": lo, "ci_high": hi, "weight_fixed": np.nan, "weight_random": np.nan})
    ex = lambda v: float(special.expit(v))  # noqa: E731
    res = dict(
        k=k, transform="PLOGIT", tau2_method="ML", model="glmm", hakn=False, level=level, prediction=prediction,
        n_harmonic=harmonic_mean(n), estimate=ex(beta), ci_low=ex(beta - z * se), ci_high=ex(beta + z * se),
        pi_low=ex(beta - crit * pse), pi_high=ex(beta + crit * pse), pvalue=float(2 * stats.norm.sf(abs(beta / se))),
        te=beta, se=se, te_ci_low=beta - z * se, te_ci_high=beta + z * se,
        fixed_estimate=ex(fixed), fixed_ci_low=ex(fixed - z * fixed_se), fixed_ci_high=ex(fixed + z * fixed_se),
        fixed_te=fixed, fixed_se=fixed_se, tau2=tau2, tau2_ci_low=NAN, tau2_ci_high=NAN,
        tau=float(np.sqrt(tau2)), i2=het["i2"], i2_ci_low=het["i2_ci_low"], i2_ci_high=het["i2_ci_high"],
        h2=het["h2"], q=q_wald, q_df=df, q_pvalue=float(stats.chi2.sf(q_wald, df)) if df > 0 else NAN,
        i2_tau2=metafor_i2(x, n, tau2) if k > 1 else NAN,
        studies=table, notes=tuple(notes),
        glmm=GLMMInfo(q_wald=q_wald, q_lrt=q_lrt, q_df=df,
                      q_wald_pvalue=float(stats.chi2.sf(q_wald, df)) if df > 0 else NAN,
                      q_lrt_pvalue=float(stats.chi2.sf(q_lrt, df)) if df > 0 else NAN,
                      i2_metafor=metafor_i2(x, n, tau2), loglik=loglik, converged=conv),
    )
    if k == 1:
        res.update(single_study_fields(x[0], n[0], level), notes=(SINGLE_STUDY_NOTE,))
    elif not conv:
        res.update({f: NAN for f in _FITTED}, i2_tau2=NAN, notes=res["notes"] + (NOT_CONVERGED,))
        warnings.warn(NOT_CONVERGED, stacklevel=3)
    if groups is None:
        return MetaPropResult(**res)
    g = np.array(groups)
    order = list(dict.fromkeys(groups))
    subs = {}
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        for name in order:
            sel = g == name
            lab = [lb for lb, s in zip(labels, sel) if s]
            subs[name] = (_not_estimable(x[sel], n[sel], lab, level, prediction) if _degenerate(x[sel], n[sel])
                          else fit_glmm_result(x[sel], n[sel], lab, level=level, prediction=prediction))
    degenerate = [name for name in order if _degenerate(x[g == name], n[g == name]) or
                  (subs[name].k == 1 and x[g == name][0] in (0, n[g == name][0]))]
    if degenerate:
        # β of such a subgroup is ±∞: the Wald test does not exist (R falls back to an
        # arbitrary approximation); report it as missing rather than a misleading number
        q, qdf, p = NAN, len(order) - 1, NAN
        res["notes"] = res["notes"] + (f"subgroup test not defined: {', '.join(degenerate)} has 0 or all events in every study",)
    else:
        q, qdf, p = wald_moderator_test(x, n, groups)
    res["studies"] = table.assign(subgroup=groups)
    return MetaPropResult(**res, subgroups=subs, subgroup_test=SubgroupTest(q=q, df=qdf, pvalue=p))


def _not_estimable(x, n, labels, level, prediction) -> MetaPropResult:
    """A subgroup of ≥ 2 studies with 0 (or all) events in each: no GLMM estimate exists."""
    k = x.size
    lo, hi = clopper_pearson(x, n, level)
    table = pd.DataFrame({"study": labels, "events": x.astype(int), "n": n.astype(int), "proportion": x / n,
                          "ci_low": lo, "ci_high": hi, "weight_fixed": np.nan, "weight_random": np.nan})
    which = _degenerate(x, n)
    fields = {f: NAN for f in MetaPropResult.__dataclass_fields__
              if MetaPropResult.__dataclass_fields__[f].type in ("float", float)}
    fields.update(k=k, transform="PLOGIT", tau2_method="ML", model="glmm", hakn=False, level=level,
                  prediction=prediction, n_harmonic=harmonic_mean(n), q_df=k - 1, studies=table,
                  notes=(f"GLMM not estimable: {which} in {', '.join(labels)}, so the logit is infinite",))
    return MetaPropResult(**fields)
