"""Prediction interval of a pooled median: where the median of a new cohort is expected to fall.

The pooled log median of :func:`living_review.survival.pool_log_medians` says where the
average cohort's median lies; with heterogeneity between cohorts (τ² > 0) the median of the
next cohort is more uncertain than that. The forest plots of the book show this interval for
medians as they do for proportions (:mod:`living_review.meta.forest`), with the same rule.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Literal, get_args

from scipy import stats

from living_review.core.choices import check_choice

PredictionRule = Literal["t(k-1)", "z"]
PREDICTION_RULES: tuple[str, ...] = get_args(PredictionRule)


@dataclass(frozen=True)
class MedianPrediction:
    """Prediction interval of a pooled median, in months, at ``level``, by ``rule``."""

    low: float
    high: float
    level: float
    rule: str


def median_prediction_interval(result, *, rule: PredictionRule = "t(k-1)") -> MedianPrediction | None:
    """The prediction interval of a pooled median (``LogMedianMeta``), or None for k < 2.

    Parameters
    ----------
    result : output of :func:`living_review.survival.pool_log_medians`.
    rule : critical value: Student t with k − 1 degrees of freedom (R meta ≥ 8, as the
        proportion forests of the book) or the normal quantile (metafor's default).

    Notes
    -----
    On the log scale, μ̂ ± c · √(SE(μ̂)² + τ̂²), with c = t_{k−1, 1−α/2} or z_{1−α/2},
    back-transformed with exp (Higgins, Thompson and Spiegelhalter 2009). It is the same as
    metafor's ``predict(rma(yi, sei = sei, method = m, test = "t"))`` (or ``test = "z"``).

    References
    ----------
    Higgins JPT, Thompson SG, Spiegelhalter DJ. J R Stat Soc A 2009;172:137-59.

    Example
    -------
    >>> import pandas as pd
    >>> from living_review.survival import pool_log_medians
    >>> df = pd.DataFrame({"label": ["A", "B", "C"], "median": [3.9, 10.6, 3.2], "ci_low": [2.2, 3.8, 2.8],
    ...                    "ci_high": [7.1, 19.8, 8.2], "ci_level": [0.95] * 3})
    >>> round(median_prediction_interval(pool_log_medians(df)).high, 1) > 10
    True
    """
    check_choice("rule", rule, PREDICTION_RULES)
    if result.k < 2:
        return None
    a = 1 - result.level
    crit = stats.t.ppf(1 - a / 2, result.k - 1) if rule == "t(k-1)" else stats.norm.ppf(1 - a / 2)
    half = crit * math.sqrt(result.se_log ** 2 + result.tau2)
    return MedianPrediction(math.exp(result.log_estimate - half), math.exp(result.log_estimate + half),
                            result.level, rule)
