"""Random-effects meta-analysis of log median survival times, with standard errors from reported CIs.

Input is one row per study with the columns ``label``, ``median``, ``ci_low``, ``ci_high``,
``ci_level`` (all times in months; the chapters pass the evidence loader's months-normalised
columns) and optionally ``n``. Studies without a CI are never dropped silently: the result
table lists every study with its ``status`` and the rule that was applied to it.

Pooling uses the project's inverse-variance engine (:mod:`living_review.meta.engine`), so
the log medians get the same tau^2 estimators, iterations and checks as the proportions.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal, get_args

import numpy as np
import pandas as pd
from scipy import stats

from living_review.core.choices import check_choice
from living_review.meta.engine import pool
from living_review.meta.tau2 import Tau2Method

NoCIRule = Literal["exclude", "exponential"]

REQUIRED_COLUMNS = ("label", "median")


def se_log_median_from_ci(ci_low, ci_high, ci_level=0.95) -> np.ndarray:
    """Standard error of log(median) from a reported confidence interval.

    Parameters
    ----------
    ci_low, ci_high : array-like
        Lower and upper confidence limits of the median (months; any positive unit works).
    ci_level : float or array-like
        Confidence level of the reported interval, e.g. 0.95.

    Returns
    -------
    numpy.ndarray
        SE of the natural log of the median.

    Notes
    -----
    Assuming the interval is symmetric on the log scale (the usual Brookmeyer-Crowley interval
    with a log transform), ``SE = (ln U - ln L) / (2 z)``, ``z = Phi^-1((1 + level) / 2)``
    (Altman & Bland 2011; Higgins et al., Cochrane Handbook 6.5.2.2).

    References
    ----------
    Altman DG, Bland JM. How to obtain the confidence interval from a P value. BMJ 2011;343:d2090.
    Higgins JPT et al. (eds). Cochrane Handbook for Systematic Reviews of Interventions, v6.4, 6.5.2.2.

    Example
    -------
    >>> float(se_log_median_from_ci(2.2, 7.1, 0.95).round(4))
    0.2989
    """
    low = np.asarray(ci_low, dtype=float)
    high = np.asarray(ci_high, dtype=float)
    z = stats.norm.ppf((1 + np.asarray(ci_level, dtype=float)) / 2)
    return (np.log(high) - np.log(low)) / (2 * z)


@dataclass(frozen=True)
class RandomEffectsFit:
    """Inverse-variance random-effects pooling of ``y`` with sampling variances ``v``."""

    estimate: float
    se: float
    ci_low: float
    ci_high: float
    tau2: float
    q: float
    q_df: int
    q_pvalue: float
    i2: float
    weights: np.ndarray


def random_effects(y, v, method: Tau2Method = "REML", level: float = 0.95) -> RandomEffectsFit:
    """Pool ``y`` (variances ``v``) with weights ``1/(v + tau^2)`` and a z-based CI (as metafor ``rma``)."""
    check_choice("method", method, get_args(Tau2Method))
    y, v = np.asarray(y, float), np.asarray(v, float)
    fit = pool(y, v, method=method, level=level, prediction="z")
    tau2 = float(fit.tau2[0])
    w = 1 / (v + tau2)
    q, df = float(fit.q[0]), len(y) - 1
    i2 = max(0.0, (q - df) / q) if q > 0 else 0.0
    return RandomEffectsFit(float(fit.te[0]), float(fit.se[0]), float(fit.ci_low[0]), float(fit.ci_high[0]),
                            tau2, q, df, float(stats.chi2.sf(q, df)) if df > 0 else float("nan"), i2,
                            w / w.sum())


def validate_median_table(studies: pd.DataFrame, *, assume_ci_level: float | None = None) -> pd.DataFrame:
    """Check a table of reported medians and return a clean copy with ``has_ci`` and ``ci_level`` filled.

    Raises ``ValueError`` naming the study and column for a non-positive median, a half-reported
    CI, a CI that does not contain the median, or a CI without a level (unless ``assume_ci_level``).
    """
    missing = [c for c in REQUIRED_COLUMNS if c not in studies.columns]
    if missing:
        raise ValueError(f"median table lacks column(s) {missing}; needs label, median, ci_low, ci_high, ci_level")
    df = studies.copy().reset_index(drop=True)
    for col in ("ci_low", "ci_high", "ci_level", "n"):
        if col not in df.columns:
            df[col] = np.nan
    df["ci_level_assumed"] = False
    for i, r in df.iterrows():
        who = f"study {r['label']!r} (row {i})"
        if not np.isfinite(r["median"]) or r["median"] <= 0:
            raise ValueError(f"{who}: median must be a positive number of months, got {r['median']!r}")
        lo_ok, hi_ok = pd.notna(r["ci_low"]), pd.notna(r["ci_high"])
        if lo_ok != hi_ok:
            raise ValueError(f"{who}: only one CI limit given; give both ci_low and ci_high or neither")
        if lo_ok:
            if not (0 < r["ci_low"] <= r["median"] <= r["ci_high"]):
                raise ValueError(f"{who}: CI {r['ci_low']}-{r['ci_high']} must be positive and contain the "
                                 f"median {r['median']}; check units and order of the limits")
            if r["ci_low"] == r["ci_high"]:
                raise ValueError(f"{who}: CI has zero width; it cannot give a standard error")
            if pd.isna(r["ci_level"]):
                if assume_ci_level is None:
                    raise ValueError(f"{who}: ci_level is missing; record the level or pass assume_ci_level")
                df.loc[i, "ci_level"] = assume_ci_level
                df.loc[i, "ci_level_assumed"] = True
            elif not 0 < r["ci_level"] < 1:
                raise ValueError(f"{who}: ci_level must be a proportion in (0, 1), got {r['ci_level']}")
    df["has_ci"] = df["ci_low"].notna()
    return df


@dataclass(frozen=True)
class LogMedianMeta:
    """Pooled median (months) from a random-effects meta-analysis of log medians."""

    estimate: float
    ci_low: float
    ci_high: float
    log_estimate: float
    se_log: float
    tau2: float
    i2: float
    q: float
    q_df: int
    q_pvalue: float
    k: int
    method: str
    no_ci_rule: str
    level: float
    table: pd.DataFrame

    def summary_frame(self) -> pd.DataFrame:
        """Each cohort's median with its interval, weight and status, and the pooled median as the last row
        (months; as statsmodels' ``summary_frame``)."""
        t = self.table
        rows = pd.DataFrame({"study": t["label"], "median": t["median"], "ci_low": t["ci_low"], "ci_high": t["ci_high"],
                             "weight": t["weight"], "status": t["status"]})
        pooled = {"study": "Random effects (log medians)", "median": self.estimate, "ci_low": self.ci_low,
                  "ci_high": self.ci_high, "weight": 100.0, "status": f"pooled, k = {self.k}"}
        return pd.concat([rows, pd.DataFrame([pooled])], ignore_index=True)

    def summary(self) -> str:
        lines = [f"Pooled median {self.estimate:.2f} months ({self.level:.0%} CI {self.ci_low:.2f}-"
                 f"{self.ci_high:.2f}); random effects on log medians, tau2 by {self.method}; k={self.k}; "
                 f"tau2={self.tau2:.4f}, I2={self.i2:.1%}, Q={self.q:.2f} (df={self.q_df}, p={self.q_pvalue:.3f})"]
        for _, r in self.table.iterrows():
            if r["status"] != "pooled (CI)":
                lines.append(f"  {r['label']}: {r['status']}")
        return "\n".join(lines)


def pool_log_medians(studies: pd.DataFrame, *, method: Tau2Method = "REML", no_ci: NoCIRule = "exclude",
                     level: float = 0.95, assume_ci_level: float | None = None) -> LogMedianMeta:
    """Random-effects meta-analysis of log median survival with SEs from the reported CIs.

    Parameters
    ----------
    studies : pandas.DataFrame
        Columns ``label``, ``median``, ``ci_low``, ``ci_high``, ``ci_level`` (months; level as a
        proportion) and, for ``no_ci="exponential"``, ``n`` (patients) and optionally ``events``.
    method : {"REML", "DL"}
        tau^2 estimator.
    no_ci : {"exclude", "exponential"}
        Rule for studies that report a median without a CI. ``"exclude"``: kept in the table with
        status "no CI: not pooled". ``"exponential"``: SE(log median) = 1/sqrt(d) with d the number of
        events (``events`` column, else ``n``, which assumes every patient had the event and so
        understates the SE); status "pooled (SE imputed, exponential)".
    level : float
        Confidence level of the pooled interval.
    assume_ci_level : float, optional
        Level to use for CIs whose level was not reported; each such study is flagged in the table.

    Returns
    -------
    LogMedianMeta
        Pooled median ``exp(mu)`` with its CI, heterogeneity, and ``table`` with one row per input
        study: ``se_log``, ``weight`` (0 when not pooled) and ``status``.

    Notes
    -----
    ``y_i = ln(median_i)``, ``SE_i = (ln U_i - ln L_i) / (2 z_i)``; ``mu`` is the inverse-variance
    mean with weights ``1/(SE_i^2 + tau^2)``; CI ``exp(mu +/- z SE(mu))``. For an exponential
    model the MLE of the median is ``ln 2 / lambda`` and ``SE(ln lambda_hat) = 1/sqrt(d)``.

    References
    ----------
    Higgins JPT et al. Cochrane Handbook v6.4, 6.5.2.2 (SE from a CI).
    McGrath S, Zhao X, Qin ZZ, Steele R, Benedetti A. One-sample aggregate data meta-analysis of
    medians. Stat Med 2019;38:969-984 (pooling medians; the log-median approach as comparator).
    DerSimonian R, Laird N. Control Clin Trials 1986;7:177-188. Viechtbauer W. J Educ Behav Stat 2005;30:261-293.

    Example
    -------
    >>> df = pd.DataFrame({"label": ["A", "B"], "median": [3.9, 10.6], "ci_low": [2.2, 3.8],
    ...                    "ci_high": [7.1, 19.8], "ci_level": [0.95, 0.95]})
    >>> round(pool_log_medians(df).estimate, 2) > 3.9
    True
    """
    check_choice("method", method, get_args(Tau2Method))
    check_choice("no_ci", no_ci, get_args(NoCIRule))
    df = validate_median_table(studies, assume_ci_level=assume_ci_level)
    df["se_log"] = np.nan
    df.loc[df["has_ci"], "se_log"] = se_log_median_from_ci(
        df.loc[df["has_ci"], "ci_low"], df.loc[df["has_ci"], "ci_high"], df.loc[df["has_ci"], "ci_level"])
    df["status"] = np.where(df["has_ci"], "pooled (CI)", "no CI: not pooled")
    if assume_ci_level is not None:
        df.loc[df["ci_level_assumed"], "status"] = f"pooled (CI level not reported; {assume_ci_level:.0%} assumed)"
    if no_ci == "exponential":
        events = df["events"] if "events" in df.columns else pd.Series(np.nan, index=df.index)
        for i in df.index[~df["has_ci"]]:
            d = events[i] if pd.notna(events[i]) else df.loc[i, "n"]
            if pd.isna(d) or d <= 0:
                raise ValueError(f"study {df.loc[i, 'label']!r}: no CI and no n/events, so rule "
                                 "'exponential' cannot impute an SE; add n or use no_ci='exclude'")
            df.loc[i, "se_log"] = 1 / np.sqrt(d)
            df.loc[i, "status"] = "pooled (SE imputed, exponential: 1/sqrt(" + \
                ("events" if pd.notna(events[i]) else "n, all assumed events") + "))"
    use = df["se_log"].notna()
    if use.sum() < 2:
        raise ValueError(f"only {int(use.sum())} study(ies) can be pooled; need at least 2 with a CI "
                         "(or use no_ci='exponential')")
    fit = random_effects(np.log(df.loc[use, "median"]), df.loc[use, "se_log"] ** 2, method, level)
    df["weight"] = 0.0
    df.loc[use, "weight"] = fit.weights
    return LogMedianMeta(
        estimate=float(np.exp(fit.estimate)), ci_low=float(np.exp(fit.ci_low)), ci_high=float(np.exp(fit.ci_high)),
        log_estimate=fit.estimate, se_log=fit.se, tau2=fit.tau2, i2=fit.i2, q=fit.q, q_df=fit.q_df,
        q_pvalue=fit.q_pvalue, k=int(use.sum()), method=method, no_ci_rule=no_ci, level=level,
        table=df[["label", "median", "ci_low", "ci_high", "ci_level", "n", "se_log", "weight", "status"]],
    )
