"""Between-strata heterogeneity of summary survival curves (Combescure, Foucher & Jackson 2014, section 2.3).

Each stratum's curve is pooled with :func:`living_review.survival.pooled_curve.pool_survival`, as is
the curve of all studies together, on the times at which every stratum still has two studies
followed up (the rule of R ``RISCA::survival.summary.strata``, written by the method's authors).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd
from scipy import stats

from living_review.survival.pooled_curve import PooledSurvival, pool_survival


@dataclass(frozen=True)
class StrataSurvival:
    """Summary curves per stratum and overall, with the between-strata Q test.

    ``q_between = Q_all - sum_g Q_g`` (fixed-effect Q statistics), referred to a chi-squared
    distribution with ``df = T (G - 1)`` (T times, G strata); ``time_bound`` is the last time
    used. ``p`` is its upper tail probability.
    """

    strata: dict[str, PooledSurvival]
    overall: PooledSurvival
    q_between: float
    df: int
    p: float
    time_bound: float

    def summary(self) -> str:
        return (f"Between-strata heterogeneity over {len(self.strata)} strata, times up to {self.time_bound:g}: "
                f"Q = {self.q_between:.2f}, df = {self.df}, p = {self.p:.3g}")


def pool_survival_strata(study, time, n_risk, survival, strata, correction=(0.25, 0.5), level: float = 0.95, *,
                         n_draws: int = 0, seed: int | None = None) -> StrataSurvival:
    """Pool survival curves per stratum and test whether the strata differ.

    Parameters
    ----------
    study, time, n_risk, survival : as for :func:`pool_survival`.
    strata : array-like
        Stratum of each row (constant within a study), e.g. the drug or the setting.
    correction, level, n_draws, seed : as for :func:`pool_survival`.

    Returns
    -------
    StrataSurvival

    Notes
    -----
    The grid is cut at the last time at which every stratum has at least two studies with a
    survival rate, so that each stratum's Q is defined; ``Q_between`` is the fixed-effect Q of all
    studies minus the sum of the strata's, on ``T (G - 1)`` degrees of freedom. RISCA rounds the Q
    statistics to two decimals before subtracting; they are not rounded here.

    References
    ----------
    Combescure C, Foucher Y, Jackson D. Stat Med 2014;33:2521-37, section 2.3.
    """
    df = pd.DataFrame({"study": np.asarray(study).astype(str), "time": np.asarray(time, float),
                       "n_risk": np.asarray(n_risk, float), "survival": np.asarray(survival, float),
                       "stratum": np.asarray(strata).astype(str)})
    mixed = df.groupby("study")["stratum"].nunique()
    if (mixed > 1).any():
        raise ValueError(f"study {mixed.index[mixed > 1][0]}: more than one stratum given; a study belongs to one")
    levels = sorted(df["stratum"].unique())
    if len(levels) < 2:
        raise ValueError(f"strata: {len(levels)} level ({', '.join(levels)}); a between-strata test needs 2 or more")
    counts = df.pivot_table(index="time", columns="stratum", values="study", aggfunc="nunique").fillna(0)
    enough = counts.index[(counts.min(axis=1) >= 2).to_numpy()]
    if len(enough) == 0:
        small = counts.max(axis=0).idxmin()
        raise ValueError(f"stratum {small}: fewer than 2 studies at every time; each stratum needs 2 studies")
    bound = float(enough.max())
    df = df[df["time"] <= bound]
    fits = {}
    for level_name in levels:
        g = df[df["stratum"] == level_name]
        fits[level_name] = pool_survival(g["study"], g["time"], g["n_risk"], g["survival"], correction, level,
                                         n_draws=n_draws, seed=seed)
    overall = pool_survival(df["study"], df["time"], df["n_risk"], df["survival"], correction, level,
                            n_draws=n_draws, seed=seed)
    q = overall.q - sum(f.q for f in fits.values())
    dof = len(overall.random) * (len(levels) - 1)
    return StrataSurvival(fits, overall, float(q), dof, float(stats.chi2.sf(q, dof)), bound)
