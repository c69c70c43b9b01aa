"""Summary of findings: the review's main pooled results with a GRADE-style certainty rating.

Each row pools one outcome over the ATC monotherapy cohorts and rates its certainty with
:func:`living_review.appraisal.certainty.rate_certainty`, whose module states the rules. The
risk-of-bias domain reads each cohort's assessment (:mod:`living_review.analyses.risk_of_bias`)
and weighs it by the cohort's random-effects weight in the estimate. :func:`low_risk_rows`
repeats every estimate over the cohorts at low risk of bias. The table in its standard
shape is built by :mod:`living_review.report.sof_table`.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

import pandas as pd

from living_review.meta import egger_test
from living_review.analyses import risk_of_bias, safety_report, selection, survival_landmarks, survival_report, survival_source
from living_review.appraisal.certainty import (
    DECISION_THRESHOLDS, I2_SERIOUS, I2_VERY_SERIOUS, LANDMARK_KEY, MAJORITY, MIN_K_SMALL_STUDY_TEST, OIS_HALF_WIDTH,
    OPTIMAL_INFORMATION_SIZE, SMALL_STUDY_P, CertaintyRating, EvidenceProfile, rate_certainty,
)
from living_review.analyses.risk_of_bias import Assessment, WeightShares

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


def landmark_keys(rows) -> tuple[str, ...]:
    """Keys of the rows that pool reported landmark rates (``os_12m``, ``pfs_6m``), in row order."""
    return tuple(r.key for r in rows if LANDMARK_KEY.match(r.key))


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


def build_summary(evidence, settings, *, n_terms: int = 3, cohorts: pd.DataFrame | None = None,
                  terms: tuple[str, ...] | None = None, medians: dict | None = None) -> tuple[SofRow, ...]:
    """The summary-of-findings rows for ATC monotherapy (overlap resolved by ``overlap_keep``).

    Parameters
    ----------
    evidence : ``load_evidence()``.
    settings : ``load_settings()`` (meta-analysis and survival parameters).
    n_terms : how many adverse-event terms to show: the most-reported ones with k ≥ 2.
    cohorts : pool these rows of ``evidence.studies`` instead of :func:`selection.select_cohorts`.
    terms : adverse-event terms to pool (their ``term`` wording) instead of the ``n_terms`` most reported.
    medians : ``{"PFS": SourcedMedians, "OS": ...}``, the survival chapter's pooled medians
        (:func:`living_review.analyses.survival_source.read_medians`); an endpoint not given is pooled
        here with the same function (:func:`living_review.analyses.survival_source.pool_group_medians`).

    Returns
    -------
    tuple of SofRow : ORR, DCR, median PFS, median OS, the reported landmark rates pooled as proportions
        (:func:`survival_landmarks.pool_all`; each when estimable), then the AE terms.

    Raises
    ------
    ValueError : ``n_terms`` < 0, or a cohort enters an estimate without a risk-of-bias assessment.
    """
    if n_terms < 0:
        raise ValueError(f"n_terms={n_terms!r}: give a number of adverse-event terms >= 0")
    cohorts = selection.select_cohorts(evidence.studies) if cohorts is None else cohorts
    a = risk_of_bias.assessment(evidence)
    meta = settings.meta_analysis
    judged = evidence.single_arm_certainty
    rows = [_proportion_row(cohorts, o, meta, a, judged) for o in selection.OUTCOMES]
    medians = medians or {}
    for e in survival_report.ENDPOINTS:
        given = medians.get(e)
        pooled = given.pooling if given is not None else survival_source.pool_group_medians(cohorts, e, settings)
        rows.append(_median_row(pooled, a, given.key if given is not None else "", cohorts=cohorts,
                                judgements=judged, level=settings.survival.level))
    # survival at the landmarks the cohorts reported (1-year OS, ...), pooled as proportions
    rows += [_landmark_row(p, a, judged) for p in survival_landmarks.pool_all(cohorts, evidence.landmarks, meta)]
    rows = [r for r in rows if r is not None] + _ae_rows(evidence, cohorts, meta, n_terms, a, terms, judged)
    return tuple(rows)


@dataclass(frozen=True)
class LowRiskResult:
    """One estimate repeated over its cohorts at low risk of bias (``row`` is None when fewer than 2)."""

    key: str
    outcome: str
    k_low: int
    row: SofRow | None


def low_risk_rows(evidence, settings, rows) -> tuple[LowRiskResult, ...]:
    """Every row of ``rows`` re-estimated over its cohorts at low risk of bias, where there are at least 2."""
    low = risk_of_bias.low_risk_ids(risk_of_bias.assessment(evidence))
    studies = evidence.studies
    out = []
    for r in rows:
        keep = [i for i in r.study_ids if i in low]
        again = None
        if len(keep) >= MIN_K_LOW_RISK:
            sub = studies[studies["study_id"].isin(keep)].sort_values("pub_order")
            term = (r.outcome.removeprefix("Grade ≥3 "),) if r.key.startswith("ae_grade3.") else ()
            again = next((x for x in build_summary(evidence, settings, cohorts=sub, terms=term)
                          if x.key == r.key and x.k >= MIN_K_LOW_RISK), None)
        out.append(LowRiskResult(r.key, r.outcome, len(keep), again))
    return tuple(out)


def low_risk_table(results, level: float = 0.95) -> pd.DataFrame:
    """Display table: Outcome, Cohorts at low risk, Estimate over them (or why there is none)."""
    head = f"Low-risk cohorts only ({100 * level:g}% CI)"
    out = []
    for x in results:
        text = (_estimate_text(x.row, level) if x.row is not None
                else f"not estimable: {x.k_low} cohort{'s' if x.k_low != 1 else ''} at low risk (at least "
                     f"{MIN_K_LOW_RISK} needed)")
        out.append({"Outcome": x.outcome, "Cohorts at low risk": x.k_low, head: text})
    return pd.DataFrame(out, columns=["Outcome", "Cohorts at low risk", head])


_PREVIOUS = {"orr": ("ORR", "estimate", "ci_lower", "ci_upper"), "dcr": ("DCR", "estimate", "ci_lower", "ci_upper"),
             "pfs_median": ("PFS", "median", "median_ci_lower", "median_ci_upper"),
             "os_median": ("OS", "median", "median_ci_lower", "median_ci_upper")}


def _published(values: dict, est: str, lo: str, hi: str, scale: str) -> str:
    """A published estimate with its CI, printed with the decimals it was published with."""
    if est not in values:
        return "not published"
    if scale == "proportion":
        fmt = {k: f"{100 * v:.{max(d - 2, 0)}f}" for k, (v, d) in values.items()}
        return f"{fmt[est]}% ({fmt[lo]}–{fmt[hi]}%)" if lo in fmt and hi in fmt else f"{fmt[est]}% (no CI)"
    fmt = {k: f"{v:.{d}f}" for k, (v, d) in values.items()}
    return f"{fmt[est]} ({fmt[lo]}–{fmt[hi]}) mo" if lo in fmt and hi in fmt else f"{fmt[est]} mo (no CI)"


def previous_comparison(rows, previous_results: pd.DataFrame, previous_inputs: pd.DataFrame) -> pd.DataFrame:
    """This version's ORR, DCR and medians beside the values Cao 2024 published (as printed).

    Columns: Outcome, Cao 2024 (k/N, from its forest-plot inputs; "–" for survival, whose
    reconstructed inputs are not tabulated), Cao 2024 estimate, This version (k/N), This
    version estimate. Published numbers keep their printed decimals.
    """
    out = []
    for r in rows:
        if r.key not in _PREVIOUS:
            continue
        outcome, est, lo, hi = _PREVIOUS[r.key]
        pub = previous_results[(previous_results["outcome"] == outcome) & (previous_results["subset"] == "all")]
        values = {s.statistic: (float(s.value), int(s.decimals)) for s in pub.itertuples()}
        text = _published(values, est, lo, hi, r.scale)
        inp = previous_inputs[previous_inputs["outcome"] == outcome]
        prev_kn = f"{len(inp)}/{int(inp['total'].sum())}" if len(inp) else "–"
        mine = (f"{100 * r.estimate:.1f}% ({100 * r.ci_low:.1f}–{100 * r.ci_high:.1f}%)" if r.scale == "proportion"
                else f"{r.estimate:.1f} ({r.ci_low:.1f}–{r.ci_high:.1f}) mo")
        out.append({"Outcome": r.outcome, "Cao 2024 k/N": prev_kn, "Cao 2024": text,
                    "This version k/N": f"{r.k}/{r.patients}", "This version": mine})
    return pd.DataFrame(out, columns=["Outcome", "Cao 2024 k/N", "Cao 2024", "This version k/N", "This version"])


def landmark_text(rows, level: float) -> str:
    """Key results: each pooled reported landmark rate with its interval, cohorts, patients and certainty."""
    texts = glue_texts(rows, level)
    by_key = {r.key: r for r in rows}
    parts = [f"{by_key[k].outcome.lower()} {texts[f'est_{k}']} ({texts[f'kn_{k}']}; certainty {texts[f'cert_{k}']})"
             for k in landmark_keys(rows)]
    return "; ".join(parts) if parts else "no cohort reports a landmark survival rate"


def ledger_params(row: SofRow) -> dict:
    """Method of a row's estimate for the ledger (medians: tau² estimator, no-CI rule, scale)."""
    if LANDMARK_KEY.match(row.key):
        return survival_landmarks.ledger_params()
    if row.scale != "median":
        return {}
    return {"tau2_method": row.result.method, "no_ci": row.result.no_ci_rule, "scale": "log median",
            **({"source": row.source} if row.source else {})}


def _estimate_text(r: SofRow, level: float) -> str:
    lvl = f"{100 * level:g}% CI"
    if r.scale == "proportion":
        lvl = f"{lvl}, exact, one study" if r.k == 1 else lvl  # one study is not pooled
        return f"{100 * r.estimate:.1f}% ({lvl} {100 * r.ci_low:.1f}–{100 * r.ci_high:.1f}%)"
    return f"{r.estimate:.1f} months ({lvl} {r.ci_low:.1f}–{r.ci_high:.1f})"


def glue_texts(rows, level: float) -> dict[str, str]:
    """Prose values for the summary chapter, one set per main outcome and for the top AE term.

    Names: ``est_<key>``, ``kn_<key>`` (cohorts and patients: evaluated for proportions,
    enrolled for medians), ``het_<key>``, ``cert_<key>`` for orr, dcr,
    pfs_median, os_median, each landmark row (``os_12m``, :func:`landmark_keys`) and ``ae_top`` (the
    most-reported AE term, with ``ae_top_name``),
    plus the rating thresholds. An outcome that cannot be estimated gets "not estimable".
    """
    by_key = {r.key: r for r in rows}
    ae = [r for r in rows if r.key.startswith("ae_grade3.")]
    chosen = ({k: by_key.get(k) for k in _PREVIOUS} | {k: by_key[k] for k in landmark_keys(rows)}
              | {"ae_top": ae[0] if ae else None})
    out = {"ae_top_name": ae[0].outcome.removeprefix("Grade ≥3 ") if ae else "no term"}
    for name, r in chosen.items():
        out[f"est_{name}"] = _estimate_text(r, level) if r else "not estimable"
        counted = ("in the reported rates" if name in landmark_keys(rows) else
                   "evaluated" if r and r.scale == "proportion" else "enrolled")
        out[f"kn_{name}"] = f"{r.k} cohort{'s' if r.k != 1 else ''}, {r.patients} patients {counted}" if r else "no cohort"
        out[f"het_{name}"] = (f"I² = {100 * r.i2:.0f}%, τ² = {r.tau2:.3f}" if r and r.k > 1 else "not applicable")
        out[f"cert_{name}"] = r.certainty.rating if r else "not rated"
    t = DECISION_THRESHOLDS
    out.update(rule_majority=f"{100 * MAJORITY:.0f}%", rule_i2_serious=f"{100 * I2_SERIOUS:.0f}%",
               rule_i2_very=f"{100 * I2_VERY_SERIOUS:.0f}%", rule_ois_half=f"{100 * OIS_HALF_WIDTH:.0f}",
               rule_thresholds=(f"objective response {100 * t['orr']:.0f}%, disease control {100 * t['dcr']:.0f}%, "
                                f"each grade ≥3 adverse event {100 * t['ae_grade3']:.0f}%, median PFS "
                                f"{t['pfs_median']:g} months, median OS {t['os_median']:g} months"),
               rule_min_k=str(MIN_K_SMALL_STUDY_TEST), rule_egger_p=f"{SMALL_STUDY_P:.2f}",
               rule_ois=str(OPTIMAL_INFORMATION_SIZE))  # the comparative rows' rule of thumb
    return out
