"""``metaprop``: meta-analysis of single proportions matching R ``meta::metaprop``."""

from __future__ import annotations

from typing import Sequence

import numpy as np
import pandas as pd
from scipy import stats

from living_review.core.choices import check_choice
from living_review.meta.effects import (Transform, back_transform, check_counts, check_transform,
                                        clopper_pearson, harmonic_mean, study_effects)
from living_review.meta.engine import PREDICTION_RULES, PredictionRule, pool
from living_review.meta.heterogeneity import h_and_i2, i2_h2_from_tau2
from living_review.meta.options import MODELS, Model
from living_review.meta.results import MetaPropResult, SubgroupTest
from living_review.meta.single import SINGLE_STUDY_NOTE, single_study_fields
from living_review.meta.tau2 import Tau2Method, check_method, q_profile_ci


def metaprop(events, totals, *, transform: Transform = "PFT", tau2_method: Tau2Method = "REML",
             model: Model = "inverse", hakn: bool = False, level: float = 0.95,
             studies: Sequence[str] | None = None, subgroups: Sequence[str] | None = None,
             tau_common: bool = False, prediction: PredictionRule = "t(k-1)") -> MetaPropResult:
    """Pool single proportions (response or adverse-event rates) across studies.

    Parameters
    ----------
    events, totals : counts per study (patients with the event, patients evaluated).
    transform : "PFT" (Freeman-Tukey double arcsine, default), "PLOGIT", "PLN" (log), "PAS"
        or "PRAW".
    tau2_method : "DL", "REML" (default), "ML", "PM", "SJ", "HE", "EB", "HS", "HSk", "GENQ"
        or "PMM" (inverse variance).
    model : "inverse" (inverse variance) or "glmm" (random-intercept logistic model fitted
        by ML with 7-point adaptive Gauss-Hermite quadrature; needs transform="PLOGIT").
    hakn : Hartung-Knapp-Sidik-Jonkman CI for the random-effects estimate.
    level : confidence level (0 < level < 1) for all intervals.
    studies : study labels (used in the table and in error messages).
    subgroups : one subgroup label per study; each subgroup is pooled with its own tau²
        unless ``tau_common`` is True (then the residual tau² of a mixed model with the
        subgroup as moderator, as meta's ``tau.common``).
    prediction : "t(k-1)" (meta ≥ 8, default), "t(k-2)" (meta ≤ 7) or "z" (metafor).

    Returns
    -------
    MetaPropResult

    Notes
    -----
    Study CIs are Clopper-Pearson whatever the transform. Pooling is on the transformed
    scale (see :func:`living_review.meta.engine.pool`), and estimates and limits are
    back-transformed; PFT uses Miller's formula at the harmonic mean of the sizes of the
    studies in that (sub)analysis. I² is Q-based (Higgins-Thompson), tau² has a Q-profile CI.

    Freeman-Tukey pitfalls: one harmonic mean stands for all study sizes, so with very
    unequal n the back-transformed estimate can disagree with other tools or reach 0/1
    (Schwarzer et al. 2019); a note is added when sizes differ more than tenfold. Use
    ``transform="PLOGIT"`` or ``model="glmm"`` as the sensitivity check.

    k = 1: there is no meta-analysis. The estimate is the study's proportion with its exact
    (Clopper-Pearson) interval, as in its forest row, and tau², I², H², Q and the prediction
    interval are NaN (see :mod:`living_review.meta.single`); ``te`` and ``se`` are the
    study's own transformed value and SE.

    I²: ``i2`` is Q-based (as R meta prints it); ``i2_tau2`` and ``h2_tau2`` come from tau²
    as metafor prints them, with CIs from the tau² Q-profile. GENQ weights the generalised
    Q by the study sizes (``rma(yi, vi, weights = n, method = "GENQ")``); pooling stays
    inverse-variance with that tau².

    References
    ----------
    Schwarzer G, Chemaitelly H, Abu-Raddad LJ, Rücker G (2019) Res Synth Methods 10:476-83.
    Balduzzi S, Rücker G, Schwarzer G (2019) Evid Based Ment Health 22:153-60.

    Example
    -------
    >>> r = metaprop([2, 0, 2, 4, 1, 5], [8, 15, 20, 17, 34, 42])
    >>> round(r.estimate, 2)
    0.09
    """
    check_transform(transform)
    check_method(tau2_method)
    check_choice("model", model, MODELS)
    check_choice("prediction", prediction, PREDICTION_RULES)
    if not 0 < level < 1:
        raise ValueError(f"level={level!r} must lie strictly between 0 and 1 (e.g. 0.95).")
    x, n, labels = check_counts(events, totals, studies)
    if model == "glmm" and transform != "PLOGIT":
        raise ValueError("model='glmm' is a logistic model: call it with transform='PLOGIT'.")
    groups = None
    if subgroups is not None:
        groups = list(subgroups)
        if len(groups) != x.size:
            raise ValueError(f"subgroups has {len(groups)} labels for {x.size} studies; give one per study.")
        for lab, g in zip(labels, groups):
            if g is None or (isinstance(g, float) and np.isnan(g)) or str(g).strip() == "":
                raise ValueError(f"{lab}: subgroup label is missing; give every study a subgroup.")
        groups = [str(g) for g in groups]
    opts = dict(transform=transform, tau2_method=tau2_method, hakn=hakn, level=level, prediction=prediction)
    if model == "glmm":
        if hakn:
            raise ValueError("hakn=True is not available with model='glmm'; use model='inverse' for Hartung-Knapp.")
        if tau_common:
            raise ValueError("tau_common=True is not available with model='glmm'.")
        from living_review.meta.glmm_pooling import fit_glmm_result

        return fit_glmm_result(x, n, labels, groups, level=level, prediction=prediction)
    result = fit_inverse(x, n, labels, **opts)
    if groups is None:
        return result
    return _with_subgroups(result, x, n, labels, groups, tau_common, opts)


def fit_inverse(x, n, labels, *, transform, tau2_method, hakn, level, prediction, tau2=None,
                subgroup_labels=None) -> MetaPropResult:
    """Inverse-variance fit of one set of studies (checked counts); see :func:`metaprop`."""
    k = x.size
    yi, vi = study_effects(x, n, transform)
    r = pool(yi, vi, None, tau2_method, hakn and k > 1, level, prediction,
             tau2=None if tau2 is None else np.array([tau2]), weights=n)
    nh = harmonic_mean(n)
    bt = lambda v: float(back_transform(np.asarray(v, float), transform, nh))  # noqa: E731
    lo_t2, hi_t2 = q_profile_ci(yi[None], vi[None], np.ones((1, k), bool), level)
    q = float(r.q[0])
    het = h_and_i2(q, k, level)
    t2 = float(r.tau2[0])
    w_fixed = 1.0 / vi
    w_random = 1.0 / (vi + t2)
    cp_lo, cp_hi = clopper_pearson(x, n, level)
    table = pd.DataFrame({
        "study": labels, "events": x.astype(int), "n": n.astype(int), "proportion": x / n,
        "ci_low": cp_lo, "ci_high": cp_hi, "yi": yi, "vi": vi,
        "weight_fixed": 100 * w_fixed / w_fixed.sum(), "weight_random": 100 * w_random / w_random.sum(),
    })
    if subgroup_labels is not None:
        table.insert(1, "subgroup", subgroup_labels)
    notes = []
    if k == 1:
        notes.append(SINGLE_STUDY_NOTE)
    if transform == "PFT" and n.max() / n.min() > 10:
        notes.append("study sizes differ more than tenfold: the Freeman-Tukey back-transform at the "
                     "harmonic mean may mislead; compare with PLOGIT or the GLMM")
    i2t, h2t = i2_h2_from_tau2([t2, lo_t2[0], hi_t2[0]], vi) if k > 1 else ([np.nan] * 3, [np.nan] * 3)
    fields = dict(
        k=k, transform=transform, tau2_method=tau2_method if tau2 is None else f"{tau2_method} (common)",
        model="inverse", hakn=hakn, level=level, prediction=prediction, n_harmonic=nh,
        estimate=bt(r.te[0]), ci_low=bt(r.ci_low[0]), ci_high=bt(r.ci_high[0]),
        pi_low=bt(r.pi_low[0]), pi_high=bt(r.pi_high[0]), pvalue=float(r.pvalue[0]),
        te=float(r.te[0]), se=float(r.se[0]), te_ci_low=float(r.ci_low[0]), te_ci_high=float(r.ci_high[0]),
        fixed_estimate=bt(r.fixed_te[0]),
        fixed_ci_low=bt(r.fixed_te[0] - stats.norm.ppf(1 - (1 - level) / 2) * r.fixed_se[0]),
        fixed_ci_high=bt(r.fixed_te[0] + stats.norm.ppf(1 - (1 - level) / 2) * r.fixed_se[0]),
        fixed_te=float(r.fixed_te[0]), fixed_se=float(r.fixed_se[0]),
        tau2=t2, tau2_ci_low=float(lo_t2[0]), tau2_ci_high=float(hi_t2[0]), tau=float(np.sqrt(t2)),
        i2=het["i2"], i2_ci_low=het["i2_ci_low"], i2_ci_high=het["i2_ci_high"], h2=het["h2"],
        q=q, q_df=k - 1, q_pvalue=float(stats.chi2.sf(q, k - 1)) if k > 1 else float("nan"),
        studies=table, notes=tuple(notes),
        i2_tau2=float(i2t[0]), i2_tau2_ci_low=float(i2t[1]), i2_tau2_ci_high=float(i2t[2]),
        h2_tau2=float(h2t[0]), h2_tau2_ci_low=float(h2t[1]), h2_tau2_ci_high=float(h2t[2]),
    )
    if k == 1:
        fields.update(single_study_fields(x[0], n[0], level))
    return MetaPropResult(**fields)


def _with_subgroups(result, x, n, labels, groups, tau_common, opts) -> MetaPropResult:
    order = list(dict.fromkeys(groups))
    g = np.array(groups)
    tau2 = None
    if tau_common:
        from living_review.meta.regression import residual_tau2

        yi, vi = study_effects(x, n, opts["transform"])
        design = (g[:, None] == np.array(order)[None, :]).astype(float)
        tau2 = residual_tau2(yi, vi, design, opts["tau2_method"], n)
    subs = {}
    for name in order:
        sel = g == name
        subs[name] = fit_inverse(x[sel], n[sel], [lab for lab, s in zip(labels, sel) if s], tau2=tau2, **opts)
    te = np.array([s.te for s in subs.values()])
    # the test uses each subgroup's classical random-effects SE, as meta does by default
    # a one-study subgroup has no tau² of its own: its study's variance alone (plus a common tau²)
    t_of = lambda s: tau2 if tau2 is not None else (s.tau2 if s.k > 1 else 0.0)  # noqa: E731
    se = np.array([1.0 / np.sqrt((1.0 / (s.studies["vi"].to_numpy() + t_of(s))).sum()) for s in subs.values()])
    w = 1.0 / se**2
    qb = float((w * (te - (w * te).sum() / w.sum()) ** 2).sum())
    df = len(order) - 1
    test = SubgroupTest(q=qb, df=df, pvalue=float(stats.chi2.sf(qb, df)) if df > 0 else float("nan"))
    table = result.studies.copy()
    table.insert(1, "subgroup", groups)
    fields = {f: getattr(result, f) for f in result.__dataclass_fields__}
    fields.update(studies=table, subgroups=subs, subgroup_test=test, tau_common=tau_common)
    if any(s.k == 1 for s in subs.values()):
        fields["notes"] = result.notes + ("some subgroups hold one study: nothing is pooled there, and the study's "
                                          "exact interval is shown",)
    return MetaPropResult(**fields)
