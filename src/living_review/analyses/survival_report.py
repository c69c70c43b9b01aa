"""Reported survival of a set of cohorts: medians as reported, their pooled log-median, landmark rates.

Times are shown as each study reported them (value, CI and unit) next to the loader's
months-normalised value; no unit conversion happens here. Studies without a CI stay in
every table: :func:`living_review.survival.pool_log_medians` marks them "no CI: not pooled".
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from living_review.analyses.selection import record_if_pooled
from living_review.core.choices import check_choice
from living_review.core.vocabularies import ENDPOINTS, Endpoint
from living_review.survival.medians import LogMedianMeta, pool_log_medians

#: tau² estimators the log-median pooling implements; others fall back to REML (stated in the result).
MEDIAN_TAU2 = ("REML", "DL")
_ESTIMATE = {"kaplan_meier": "Kaplan-Meier", "crude_proportion": "crude proportion", "not_stated": "not stated"}


def _check_endpoint(endpoint: str) -> str:
    check_choice("endpoint", endpoint, ENDPOINTS)
    return endpoint.lower()


def _num(v: float) -> str:
    return f"{v:g}"


def median_table(cohorts: pd.DataFrame, endpoint: Endpoint) -> pd.DataFrame:
    """Reported medians of ``endpoint``, one row per cohort that reports one.

    Columns: Study, Measure (PFS, TTP or OS), Median (as reported, with its unit),
    CI (as reported; level in brackets, "level not stated" when absent), Months (the
    loader's conversion) and N (enrolled).
    """
    ep = _check_endpoint(endpoint)
    have = cohorts[cohorts[f"{ep}_median"].notna()]
    rows = []
    for r in have.itertuples(index=False):
        unit = getattr(r, f"{ep}_unit")
        lo, hi, level = (getattr(r, f"{ep}_ci_lower"), getattr(r, f"{ep}_ci_upper"), getattr(r, f"{ep}_ci_level"))
        if pd.isna(lo):
            ci = "not reported"
        else:
            ci = f"{_num(lo)}–{_num(hi)} " + (f"({_num(level)}%)" if pd.notna(level) else "(level not stated)")
        measure = (r.pfs_measure if ep == "pfs" and pd.notna(r.pfs_measure) else endpoint)
        rows.append({"Study": r.label, "Measure": measure, "Median": f"{_num(getattr(r, f'{ep}_median'))} {unit}",
                     "CI": ci, "Months": round(float(getattr(r, f"{ep}_median_months")), 2), "N": int(r.n_enrolled)})
    return pd.DataFrame(rows, columns=["Study", "Measure", "Median", "CI", "Months", "N"])


def medians_table(cohorts: pd.DataFrame) -> pd.DataFrame:
    """:func:`median_table` of PFS then OS in one frame."""
    return pd.concat([median_table(cohorts, "PFS"), median_table(cohorts, "OS")], ignore_index=True)


def median_input(cohorts: pd.DataFrame, endpoint: Endpoint) -> pd.DataFrame:
    """Input of :func:`living_review.survival.pool_log_medians`: label, median, CI (months), CI level, n.

    The CI level is converted from percent (as stored) to a proportion; an unstated level
    stays missing so that the pooling flags it.
    """
    ep = _check_endpoint(endpoint)
    have = cohorts[cohorts[f"{ep}_median"].notna()]
    return pd.DataFrame({
        "label": have["label"].to_numpy(), "study_id": have["study_id"].to_numpy(),
        "median": have[f"{ep}_median_months"].to_numpy(float),
        "ci_low": have[f"{ep}_ci_lower_months"].to_numpy(float),
        "ci_high": have[f"{ep}_ci_upper_months"].to_numpy(float),
        "ci_level": have[f"{ep}_ci_level"].to_numpy(float) / 100,
        # enrolled patients; the evaluable count where the enrolled number is not stated
        "n": have["n_enrolled"].astype(float).fillna(have["n_evaluable_response"].astype(float)).to_numpy(),
    })


@dataclass(frozen=True)
class MedianPooling:
    """Outcome of trying to pool the medians of one endpoint.

    ``result`` is the random-effects pooled log median, or ``None`` when fewer than two
    studies report a CI (``reason`` says why). ``method_note`` is set when the configured
    tau² estimator is not available for medians and REML was used.
    """

    endpoint: str
    k_reported: int
    k_with_ci: int
    result: LogMedianMeta | None
    reason: str
    method_note: str
    inputs: tuple[dict, ...]

    def summary(self) -> str:
        head = f"{self.endpoint}: {self.k_reported} median(s) reported, {self.k_with_ci} with a CI"
        body = self.result.summary() if self.result is not None else self.reason
        return f"{head}\n{body}" + (f"\n{self.method_note}" if self.method_note else "")


def pool_medians(cohorts: pd.DataFrame, endpoint: Endpoint, *, tau2_method: str, level: float) -> MedianPooling:
    """Pool the reported medians of ``endpoint`` on the log scale when at least two have a CI.

    Parameters
    ----------
    cohorts : rows of ``Evidence.studies``.
    endpoint : "PFS" or "OS" (PFS rows include TTP where that is what was reported).
    tau2_method : the configured estimator (``meta_analysis.tau2_method``); "REML" or "DL"
        are used as given, any other falls back to REML and says so in ``method_note``.
    level : confidence level (``survival.level``); also assumed for a CI whose level the
        study did not state (each such study is flagged in the table).

    Notes
    -----
    SE(ln median) = (ln U − ln L)/(2 z) from the reported CI; inverse-variance random
    effects on ln median; pooled median exp(μ̂) (see :func:`living_review.survival.pool_log_medians`).
    Studies without a CI are not pooled (rule "exclude") and stay listed.

    References
    ----------
    McGrath S et al. Stat Med 2019;38:969-84. Brookmeyer R, Crowley J. Biometrics 1982;38:29-41.
    """
    frame = median_input(cohorts, endpoint)
    k_ci = int(frame["ci_low"].notna().sum())
    method, note = tau2_method, ""
    if tau2_method not in MEDIAN_TAU2:
        method, note = "REML", (f"tau2 estimator {tau2_method} is not implemented for medians; REML used")
    inputs = tuple({"study_id": r.study_id, "median_months": float(r.median),
                    "ci_low": None if np.isnan(r.ci_low) else float(r.ci_low),
                    "ci_high": None if np.isnan(r.ci_high) else float(r.ci_high), "n": int(r.n)}
                   for r in frame.itertuples())
    if k_ci < 2:
        if frame.empty:
            reason = f"no median {endpoint} is reported in the sources read"
        else:
            reported = "reported median has" if len(frame) == 1 else "reported medians have"
            reason = (f"{k_ci} of {len(frame)} {reported} a CI, and a pooled log median "
                      "needs at least two with one")
        return MedianPooling(endpoint, len(frame), k_ci, None, reason, note, inputs)
    result = pool_log_medians(frame.drop(columns="study_id"), method=method, no_ci="exclude", level=level,
                              assume_ci_level=level)
    return MedianPooling(endpoint, len(frame), k_ci, result, "", note, inputs)


def landmark_rows(landmarks: pd.DataFrame, studies: pd.DataFrame, study_ids) -> pd.DataFrame:
    """Landmark survival rates of the given cohorts as reported.

    Columns: Study, Endpoint, Time (as reported), Rate (% with CI when given), Estimate
    (Kaplan-Meier, crude proportion or not stated), Months (loader's conversion).
    """
    labels = dict(zip(studies["study_id"], studies["label"]))
    have = landmarks[landmarks["study_id"].isin(list(study_ids))]
    rows = []
    for r in have.itertuples(index=False):
        rate = f"{_num(r.rate_pct)}%"
        if pd.notna(r.ci_lower_pct):
            rate += f" ({_num(r.ci_lower_pct)}–{_num(r.ci_upper_pct)}%)"
        unit = r.time_unit[:-1] if r.time == 1 else r.time_unit  # "1 year", not "1 years"
        rows.append({"Study": labels[r.study_id], "Endpoint": r.endpoint, "Time": f"{_num(r.time)} {unit}",
                     "Rate": rate, "Estimate": _ESTIMATE.get(r.estimate_type, r.estimate_type.replace("_", " ")),
                     "Months": round(float(r.time_months), 1)})
    return pd.DataFrame(rows, columns=["Study", "Endpoint", "Time", "Rate", "Estimate", "Months"])


def pooled_inputs(pooling: MedianPooling) -> list[dict]:
    """Ledger inputs: the studies that entered the pooled median (weight > 0)."""
    if pooling.result is None:
        return []
    return [i for i, w in zip(pooling.inputs, pooling.result.table["weight"]) if w > 0]


def ledger_params(pooling: MedianPooling) -> dict:
    """Method of a pooled median for the ledger (tau² estimator, no-CI rule, scale)."""
    r = pooling.result
    return {} if r is None else {"tau2_method": r.method, "no_ci": r.no_ci_rule, "scale": "log median"}


def median_sentence(pooling: MedianPooling) -> str:
    """One sentence on a pooled median: the estimate with CI and heterogeneity, or why there is none."""
    ep = pooling.endpoint
    if pooling.result is None:
        return f"The median {ep} is not pooled: {pooling.reason}."
    r = pooling.result
    left = pooling.k_reported - r.k
    extra = ""
    if left:
        many = left > 1
        extra = (f"; {left} reported median{'s' if many else ''} without a CI {'are' if many else 'is'} "
                 "listed but not pooled")
    return (f"Pooling the log medians of {r.k} cohorts gives a median {ep} of {r.estimate:.1f} months "
            f"({100 * r.level:g}% CI {r.ci_low:.1f}–{r.ci_high:.1f}), I² = {100 * r.i2:.0f}%, "
            f"τ² = {r.tau2:.4f} (log scale){extra}.")


def median_forest(pooling: MedianPooling, *, subject: str):
    """Forest plot of medians with the pooled median, or ``None`` when fewer than two have a CI.

    Nothing pooled is nothing to plot: :func:`median_sentence` says why, and the medians
    table lists what was reported.
    """
    if pooling.result is None:
        return None
    from living_review.meta.forest import forest_medians
    from living_review.survival.median_prediction import median_prediction_interval

    # the same layout as the proportion forests: N, median [CI] and weight, diamond, prediction interval
    return forest_medians(pooling.result, prediction=median_prediction_interval(pooling.result),
                          xlabel=f"Median {pooling.endpoint} (months, log scale)")


def median_alt(pooling: MedianPooling, *, subject: str) -> str:
    """Alt text of :func:`median_forest`: what the plot shows, in words."""
    r = pooling.result
    if r is None:
        raise ValueError(f"median {pooling.endpoint} of {subject} was not pooled: there is no figure to describe")
    return (f"Forest plot of the median {pooling.endpoint} of {r.k} cohorts of {subject} on a log scale, one "
            f"row per cohort with its interval, and the pooled median of {r.estimate:.1f} months as a diamond.")


def record_medians(prefix: str, sourced: dict, *, chapter: str) -> list:
    """Put each endpoint's pooled median of ``sourced`` (:class:`SourcedMedians` by endpoint) on record as
    ``<prefix>.<endpoint>_median``, with the record it was read from; one that was not pooled is not."""
    return [record_if_pooled(f"{prefix}.{e.lower()}_median", s.pooling.result, outcome=f"median {e}", chapter=chapter,
                             inputs=pooled_inputs(s.pooling), params={**ledger_params(s.pooling), "source": s.key})
            for e, s in sourced.items()]
