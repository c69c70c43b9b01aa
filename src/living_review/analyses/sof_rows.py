"""The rows of the summary of findings: each pooled estimate with its certainty profile (GRADE), built for one outcome at a time by :func:`living_review.analyses.summary_of_findings.build_summary`."""

from __future__ import annotations

import math
from dataclasses import dataclass, field

import pandas as pd

from living_review.analyses import risk_of_bias, safety_report, selection, survival_landmarks
from living_review.analyses.risk_of_bias import Assessment, WeightShares
from living_review.appraisal.certainty import MIN_K_SMALL_STUDY_TEST, CertaintyRating, EvidenceProfile, rate_certainty
from living_review.meta import egger_test


MIN_K_LOW_RISK = 2


@dataclass(frozen=True)
class SofRow:
    """One outcome of the summary of findings, with the result object behind it.

    ``result`` is a MetaPropResult (proportions) or a LogMedianMeta (medians); ``inputs``
    are the per-study values for the ledger; ``key`` is the outcome's ledger-key segment;
    ``study_ids`` and ``weights`` are the cohorts in the estimate and their weights, and
    ``rob`` the shares of that weight by risk of bias; ``source`` is the ledger key of the survival
    chapter's record a median row was read from ("" when the row was computed here).
    """

    outcome: str
    key: str
    scale: str
    k: int
    patients: int
    estimate: float
    ci_low: float
    ci_high: float
    i2: float
    tau2: float
    certainty: CertaintyRating
    result: object = field(repr=False, compare=False)
    inputs: tuple[dict, ...] = field(repr=False, compare=False, default=())
    study_ids: tuple[str, ...] = field(repr=False, default=())
    rob: WeightShares | None = field(repr=False, default=None)
    source: str = field(repr=False, default="")

    def summary(self) -> str:
        return (f"{self.outcome}: k = {self.k}, {self.patients} patients, {self.estimate:.3f} "
                f"[{self.ci_low:.3f}; {self.ci_high:.3f}], certainty {self.certainty.rating}")


def _weights(ids, model_weights, patients) -> tuple[list[float], str]:
    """Random-effects weights where the model gives them (not for the GLMM), else patients."""
    w = [float(x) for x in model_weights]
    if len(w) == len(ids) and all(math.isfinite(x) for x in w) and sum(w) > 0:
        return w, "meta-analysis weight"
    return [float(n) for n in patients], "patients"


def _indirectness(judgements: pd.DataFrame | None, outcome: str) -> tuple[int, str]:
    """The review's indirectness judgement of one outcome (``single_arm_certainty.csv``)."""
    if judgements is None or "outcome" not in judgements.columns:  # evidence made without the table
        return 0, ""
    hit = judgements[judgements["outcome"] == outcome]
    if hit.empty:
        raise ValueError(f"outcome {outcome!r} has no indirectness judgement (add its row to "
                         "data/single_arm_certainty.csv)")
    return int(hit["indirectness"].iat[0]), str(hit["indirectness_reason"].iat[0])


def _profile(r, k, patients, scale, ids, weights, a: Assessment, small_study_p=float("nan"),
             small_study_slope=float("nan"), *, outcome: str = "", judgements=None, missing: int = 0,
             alternative: str = ""):
    w, what = weights
    shares = risk_of_bias.weight_shares(ids, w, a, weight=what)
    indirect, why = _indirectness(judgements, outcome) if outcome else (0, "")
    profile = EvidenceProfile(k, patients, r.ci_low, r.ci_high, scale, r.i2, shares.concern, shares.high,
                              small_study_p=small_study_p, small_study_slope=small_study_slope, outcome=outcome,
                              estimate=r.estimate, indirectness=indirect, indirectness_reason=why,
                              missing_patients=missing, missing_alternative=alternative)
    return rate_certainty(profile), shares


def _proportion_row(cohorts, outcome, meta, a, judgements=None) -> SofRow | None:
    result = selection.pool_outcome(cohorts, outcome, meta)
    if result is None:
        return None
    counts = selection.outcome_counts(cohorts, outcome)
    ids = counts["study_id"].tolist()
    egger, slope = float("nan"), float("nan")
    if result.k >= MIN_K_SMALL_STUDY_TEST:
        test = egger_test(counts["events"], counts["n"], transform=result.transform)
        egger, slope = test.pvalue, test.estimate
    patients = int(counts["n"].sum())
    weights = _weights(ids, result.studies["weight_random"], counts["n"])
    cert, shares = _profile(result, result.k, patients, "proportion", ids, weights, a, egger, slope,
                            outcome=outcome.lower(), judgements=judgements)
    return SofRow(outcome, outcome.lower(), "proportion", result.k, patients, result.estimate, result.ci_low,
                  result.ci_high, result.i2, result.tau2, cert, result,
                  tuple(selection.ledger_inputs(cohorts, outcome)), tuple(ids), shares)


def _median_row(pooled, a, source: str = "", *, cohorts=None, judgements=None, level: float = 0.95) -> SofRow | None:
    """The row of a pooled log median (``MedianPooling``), rated on that same estimate.

    The cohorts that report a median but do not enter the estimate (no interval) are counted
    for the missing-results rule, with the median of all reported medians beside them
    (:func:`living_review.analyses.primary_estimates.median_of_medians`, which keeps them)."""
    from living_review.analyses.primary_estimates import median_of_medians

    r = pooled.result
    if r is None:
        return None
    used = [(i, w) for i, w in zip(pooled.inputs, r.table["weight"]) if w > 0]
    ids = [i["study_id"] for i, _ in used]
    patients = sum(i["n"] for i, _ in used)
    weights = _weights(ids, [w for _, w in used], [i["n"] for i, _ in used])
    endpoint = pooled.endpoint
    missing = sum(int(i["n"]) for i, w in zip(pooled.inputs, r.table["weight"]) if not w > 0)
    alternative = ""
    if missing and cohorts is not None:
        mm = median_of_medians(cohorts, endpoint, level)
        if mm is not None:
            alternative = (f"the median of all {mm.k} cohorts' medians ({mm.n} patients), which keeps them, is "
                           f"{mm.estimate:.1f} months ({mm.ci_low:.1f} to {mm.ci_high:.1f}), against "
                           f"{r.estimate:.1f} pooled")
    cert, shares = _profile(r, r.k, patients, "median", ids, weights, a, outcome=f"{endpoint.lower()}_median",
                            judgements=judgements, missing=missing, alternative=alternative)
    return SofRow(f"Median {endpoint}", f"{endpoint.lower()}_median", "median", r.k, patients, r.estimate, r.ci_low,
                  r.ci_high, r.i2, r.tau2, cert, r, tuple(i for i, _ in used), tuple(ids), shares, source)


def _landmark_row(pooled, a, judgements=None) -> SofRow | None:
    """The row of a pooled reported landmark rate (:class:`survival_landmarks.LandmarkPooling`)."""
    r = pooled.result
    if r is None:
        return None
    ids = pooled.table["study_id"].tolist()
    weights = _weights(ids, r.studies["weight_random"], pooled.table["denominator"])
    key = f"{pooled.endpoint.lower()}_{pooled.months:g}m"
    cert, shares = _profile(r, r.k, pooled.patients, "proportion", ids, weights, a, outcome=key,
                            judgements=judgements)
    what = "Overall survival" if pooled.endpoint == "OS" else "Progression-free survival"
    return SofRow(f"{what} at {pooled.months:g} months", key, "proportion",
                  r.k, pooled.patients, r.estimate, r.ci_low, r.ci_high, r.i2, r.tau2, cert, r,
                  tuple(survival_landmarks.ledger_inputs(pooled)), tuple(ids), shares)


def _ae_rows(evidence, cohorts, meta, n_terms, a, terms=None, judgements=None) -> list[SofRow]:
    pooled = safety_report.pool_terms(evidence.adverse_events, evidence.studies, cohorts["study_id"], meta)
    chosen = [t for t in pooled if t.k >= 2]
    wanted = None if terms is None else {x.lower() for x in terms}
    chosen = chosen[:n_terms] if wanted is None else [t for t in chosen if t.term.lower() in wanted]
    out = []
    for t in chosen:
        rows, r = t.rows, t.result
        ids = rows["study_id"].tolist()
        weights = _weights(ids, r.studies["weight_random"], rows["denominator"].astype(int))
        cert, shares = _profile(r, r.k, t.patients, "proportion", ids, weights, a, outcome="ae_grade3",
                                judgements=judgements)
        out.append(SofRow(f"Grade ≥3 {t.term.lower()}", f"ae_grade3.{safety_report.ledger_key_part(t.term)}",
                          "proportion", r.k, t.patients, r.estimate, r.ci_low, r.ci_high, r.i2, r.tau2,
                          cert, r, tuple(safety_report.ledger_inputs(t)), tuple(ids), shares))
    return out
