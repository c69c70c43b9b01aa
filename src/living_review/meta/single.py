"""One study is not a meta-analysis: the fields a k = 1 result carries instead of pooled ones."""

from __future__ import annotations

import numpy as np

from living_review.meta.effects import clopper_pearson

#: Note attached to every k = 1 result; report modules print it as the interval's label.
SINGLE_STUDY_NOTE = ("one study: nothing is pooled; the estimate is that study's proportion with its exact "
                     "(Clopper-Pearson) interval, and tau2, I2, Q and the prediction interval do not exist")

#: Short label for tables and prose beside a k = 1 interval.
SINGLE_STUDY_LABEL = "one study, exact CI"


def single_study_fields(x: float, n: float, level: float) -> dict:
    """Proportion-scale and heterogeneity fields of a :class:`MetaPropResult` with k = 1.

    Notes
    -----
    The estimate is x/n with the Clopper-Pearson limits Beta⁻¹(α/2; x, n−x+1) and
    Beta⁻¹(1−α/2; x+1, n−x), the same interval as the study's forest row, never narrower.
    The common-effect fields equal it. τ², τ, I², H², their CIs and the prediction
    interval are NaN: they do not exist for one study. The transformed-scale ``te`` and
    ``se`` are left to the caller (the subgroup test still uses them, as R meta does).

    Example
    -------
    >>> f = single_study_fields(0.0, 15.0, 0.95); round(f["ci_high"], 4)
    0.218
    """
    lo, hi = clopper_pearson(np.array([x]), np.array([n]), level)
    p, lo, hi = float(x / n), float(lo[0]), float(hi[0])
    nan = float("nan")
    return dict(estimate=p, ci_low=lo, ci_high=hi, fixed_estimate=p, fixed_ci_low=lo, fixed_ci_high=hi,
                pi_low=nan, pi_high=nan, tau2=nan, tau2_ci_low=nan, tau2_ci_high=nan, tau=nan,
                i2=nan, i2_ci_low=nan, i2_ci_high=nan, h2=nan, q=nan, q_pvalue=nan)
