"""Summary of findings: the review's main pooled results with a GRADE-style certainty rating.

Each row pools one outcome over the ATC monotherapy cohorts and rates its certainty with
:func:`living_review.appraisal.certainty.rate_certainty`, whose module states the rules. The
risk-of-bias domain reads each cohort's assessment (:mod:`living_review.analyses.risk_of_bias`)
and weighs it by the cohort's random-effects weight in the estimate. :func:`low_risk_rows`
repeats every estimate over the cohorts at low risk of bias. The table in its standard
shape is built by :mod:`living_review.report.sof_table`.
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from living_review.analyses import risk_of_bias, selection, survival_landmarks, survival_report, survival_source
from living_review.analyses.sof_rows import MIN_K_LOW_RISK, SofRow, _ae_rows, _landmark_row, _median_row, _proportion_row
from living_review.appraisal.certainty import (DECISION_THRESHOLDS, I2_SERIOUS, I2_VERY_SERIOUS, LANDMARK_KEY,
                                               MAJORITY, MIN_K_SMALL_STUDY_TEST, OIS_HALF_WIDTH,
                                               OPTIMAL_INFORMATION_SIZE, SMALL_STUDY_P)


def landmark_keys(rows) -> tuple[str, ...]:
    """Keys of the rows that pool reported landmark rates (``os_12m``, ``pfs_6m``), in row order."""
    return tuple(r.key for r in rows if LANDMARK_KEY.match(r.key))


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
