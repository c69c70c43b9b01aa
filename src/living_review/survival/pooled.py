"""Pooling reconstructed patient data: Kaplan-Meier curve, landmark table, Cox model stratified by study.

Input is one row per (reconstructed) patient with columns ``study_id``, ``time`` (months), ``event``
(1/0) and, for comparisons, a grouping column such as ``drug``.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd
from lifelines import CoxPHFitter, KaplanMeierFitter
from lifelines.statistics import proportional_hazard_test
from lifelines.utils import median_survival_times

LANDMARKS = (3, 6, 9, 12, 15, 18, 21, 24)


def _check_ipd(ipd: pd.DataFrame, extra: Sequence[str] = ()) -> None:
    missing = [c for c in ("study_id", "time", "event", *extra) if c not in ipd.columns]
    if missing:
        raise ValueError(f"patient data lacks column(s) {missing}; needs study_id, time (months), event (1/0)")
    if len(ipd) == 0:
        raise ValueError("patient data is empty")
    bad = ipd.index[(ipd["time"] < 0) | ~ipd["event"].isin([0, 1])]
    if len(bad):
        raise ValueError(f"patient row {bad[0]}: time must be >= 0 and event 0 or 1")


@dataclass(frozen=True)
class PooledKM:
    """Kaplan-Meier estimate of all patients pooled (studies not weighted: each patient counts once)."""

    endpoint: str
    survival: pd.DataFrame
    median: float
    median_ci_low: float
    median_ci_high: float
    n_patients: int
    n_events: int
    studies: tuple[str, ...]
    level: float

    def survival_at(self, times: Sequence[float]) -> pd.DataFrame:
        """Survival and pointwise CI at ``times`` (months); NaN past the last follow-up."""
        sf = self.survival
        idx = np.searchsorted(sf["time"].to_numpy(), np.asarray(times, float), side="right") - 1
        out = sf.iloc[idx].reset_index(drop=True).assign(time=list(times))
        out.loc[np.asarray(times, float) > sf["time"].iloc[-1], ["survival", "ci_low", "ci_high"]] = np.nan
        return out

    def summary(self) -> str:
        return (f"{self.endpoint}: {self.n_patients} patients from {len(self.studies)} studies, {self.n_events} "
                f"events; median {self.median:.2f} months ({self.level:.0%} CI {self.median_ci_low:.2f}-"
                f"{self.median_ci_high:.2f})")


def pooled_km(ipd: pd.DataFrame, *, endpoint: str = "OS", level: float = 0.95) -> PooledKM:
    """Pooled Kaplan-Meier curve of reconstructed patient data (lifelines).

    Parameters
    ----------
    ipd : pandas.DataFrame
        Columns ``study_id``, ``time`` (months), ``event`` (1 event, 0 censored).
    endpoint : str
        Label, e.g. "OS" or "PFS".
    level : float
        Level of the pointwise and median CIs.

    Returns
    -------
    PooledKM
        ``survival`` table (time, survival, ci_low, ci_high, n_risk), the median with its CI.

    Notes
    -----
    ``S(t) = prod_{t_j <= t} (1 - d_j / n_j)``; pointwise CI by the exponential Greenwood
    (log-log) formula; the CI of the median is where the pointwise CI limits cross 0.5
    (Brookmeyer & Crowley 1982 type interval as computed by lifelines). This is the pooled
    analysis of Cao 2024 (R metaSurvival/survival): patients from all studies in one curve.

    References
    ----------
    Kaplan EL, Meier P. J Am Stat Assoc 1958;53:457-481. Guyot P et al. BMC Med Res Methodol 2012;12:9.

    Example
    -------
    >>> ipd = pd.DataFrame({"study_id": ["a"] * 4, "time": [1, 2, 3, 4], "event": [1, 1, 0, 1]})
    >>> pooled_km(ipd).n_events
    3
    """
    _check_ipd(ipd)
    kmf = KaplanMeierFitter(alpha=1 - level).fit(ipd["time"], ipd["event"], label=endpoint)
    ci = kmf.confidence_interval_
    table = pd.DataFrame({
        "time": kmf.survival_function_.index.to_numpy(float),
        "survival": kmf.survival_function_.iloc[:, 0].to_numpy(),
        "ci_low": ci.iloc[:, 0].to_numpy(), "ci_high": ci.iloc[:, 1].to_numpy(),
        "n_risk": kmf.event_table["at_risk"].reindex(kmf.survival_function_.index).to_numpy(),
    })
    med_ci = median_survival_times(ci)
    return PooledKM(endpoint, table, float(kmf.median_survival_time_), float(med_ci.iloc[0, 0]),
                    float(med_ci.iloc[0, 1]), len(ipd), int(ipd["event"].sum()),
                    tuple(sorted(ipd["study_id"].astype(str).unique())), level)


def landmark_table(curves: Mapping[str, PooledKM], times: Sequence[float] = LANDMARKS, *,
                   with_ci: bool = False) -> pd.DataFrame:
    """Survival rates (%) at landmark times, one column per endpoint, in the layout of Cao 2024 Table 2.

    Rows are labelled "3 mo", "6 mo", ...; values are percentages rounded to 2 decimals. With
    ``with_ci`` each cell is "62.46 (55.10-69.00)".
    """
    cols = {}
    for name, km in curves.items():
        at = km.survival_at(times)
        if with_ci:
            cols[name] = [f"{s:.2f} ({lo:.2f}-{hi:.2f})" if np.isfinite(s) else "NA"
                          for s, lo, hi in zip(at["survival"] * 100, at["ci_low"] * 100, at["ci_high"] * 100)]
        else:
            cols[name] = (at["survival"] * 100).round(2).to_list()
    out = pd.DataFrame(cols, index=[f"{t:g} mo" for t in times])
    out.index.name = "Survival rates (%)"
    return out


@dataclass(frozen=True)
class CoxResult:
    """Hazard ratios from a Cox model stratified by study, with a proportional-hazards check."""

    hazard_ratios: pd.DataFrame
    ph_test: pd.DataFrame
    ph_violated: bool
    covariate: str
    reference: str
    strata: str
    n_patients: int
    n_events: int
    level: float

    def summary(self) -> str:
        lines = [f"Cox model stratified by {self.strata}: {self.n_patients} patients, {self.n_events} events; "
                 f"reference {self.covariate} = {self.reference}"]
        for _, r in self.hazard_ratios.iterrows():
            lines.append(f"  {r['level']}: HR {r['hr']:.2f} ({self.level:.0%} CI {r['ci_low']:.2f}-"
                         f"{r['ci_high']:.2f}), p = {r['p']:.3g}")
        lines.append("  proportional hazards: " + ("rejected at 5 % (Schoenfeld residuals, rank time); "
                                                   "read the HR as an average over time" if self.ph_violated
                                                   else "not rejected at 5 % (Schoenfeld residuals, rank time)"))
        return "\n".join(lines)


def stratified_cox(ipd: pd.DataFrame, covariate: str = "drug", *, reference: str | None = None,
                   strata: str = "study_id", level: float = 0.95) -> CoxResult:
    """Hazard ratios between levels of ``covariate`` from a Cox model stratified by study.

    Parameters
    ----------
    ipd : pandas.DataFrame
        Columns ``study_id``, ``time`` (months), ``event`` and ``covariate``.
    covariate : str
        Column compared, e.g. "drug".
    reference : str, optional
        Reference level (default: the first in sorted order).
    strata : str
        Column whose levels get their own baseline hazard (default the study).
    level : float
        Confidence level.

    Returns
    -------
    CoxResult
        ``hazard_ratios`` (level, hr, ci_low, ci_high, p) and ``ph_test`` (per term: statistic, p).

    Notes
    -----
    ``h_s(t | x) = h_0s(t) exp(beta' x)``: each study keeps its own baseline hazard, so the HR
    is estimated only from within-study comparisons. Single-arm studies add nothing to it; if no
    study holds two levels of ``covariate`` the HR is not identifiable and a ``ValueError`` says
    so (comparing drugs across single-arm trials needs an explicit between-study model, with its
    confounding stated). Proportional hazards are checked with the Grambsch-Therneau test on
    scaled Schoenfeld residuals against rank-transformed time.

    References
    ----------
    Cox DR. J R Stat Soc B 1972;34:187-220. Grambsch PM, Therneau TM. Biometrika 1994;81:515-526.

    Example
    -------
    >>> # see tests/survival/test_pooled.py for a worked, R-checked example
    """
    _check_ipd(ipd, [covariate, strata])
    df = ipd[[strata, "time", "event", covariate]].copy()
    df[covariate] = df[covariate].astype(str)
    levels = sorted(df[covariate].unique())
    reference = reference if reference is not None else levels[0]
    if reference not in levels:
        raise ValueError(f"reference {reference!r} is not a level of {covariate}; levels are {levels}")
    within = df.groupby(strata)[covariate].nunique()
    if (within < 2).all():
        raise ValueError(f"no {strata} holds more than one level of {covariate!r}: a Cox model stratified by "
                         f"{strata} cannot compare them. Single-arm studies give no within-study contrast.")
    others = [lv for lv in levels if lv != reference]
    names = {lv: f"{covariate}[{lv}]" for lv in others}
    for lv in others:
        df[names[lv]] = (df[covariate] == lv).astype(float)
    design = df.drop(columns=[covariate])
    cph = CoxPHFitter(alpha=1 - level).fit(design, "time", "event", strata=[strata])
    s = cph.summary
    hr = pd.DataFrame({"level": others, "hr": [float(s.loc[names[lv], "exp(coef)"]) for lv in others],
                       "ci_low": [float(s.loc[names[lv], f"exp(coef) lower {level:.0%}"]) for lv in others],
                       "ci_high": [float(s.loc[names[lv], f"exp(coef) upper {level:.0%}"]) for lv in others],
                       "p": [float(s.loc[names[lv], "p"]) for lv in others]})
    ph = proportional_hazard_test(cph, design, time_transform="rank").summary[["test_statistic", "p"]]
    return CoxResult(hr, ph.reset_index(names="term"), bool((ph["p"] < 0.05).any()), covariate, reference,
                     strata, len(df), int(df["event"].sum()), level)
