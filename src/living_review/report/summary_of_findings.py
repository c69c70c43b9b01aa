"""Summary of findings: the review's main pooled results with a GRADE-style certainty rating.

Each row pools one outcome over the ATC monotherapy cohorts and rates its certainty with
:func:`living_review.report.certainty.rate_certainty`, whose module states the rules.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import pandas as pd

from living_review.meta import egger_test
from living_review.report import safety_report, study_tables, survival_report
from living_review.report.certainty import (
    I2_SERIOUS, I2_VERY_SERIOUS, LOW_SOURCE_LEVELS, MAJORITY, MIN_K_SMALL_STUDY_TEST, NON_TRIAL_DESIGNS,
    OPTIMAL_INFORMATION_SIZE, SMALL_STUDY_P, WIDE_MEDIAN_RATIO, WIDE_PROPORTION, CertaintyRating, EvidenceProfile,
    rate_certainty,
)


@dataclass(frozen=True)
class SofRow:
    """One outcome of the summary of findings, with the result object behind it.

    ``result`` is a MetaPropResult (proportions) or a LogMedianMeta (medians); ``inputs``
    are the per-study values for the ledger; ``key`` is the outcome's ledger-key segment.
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

    def summary(self) -> str:
        return (f"{self.outcome}: k = {self.k}, {self.patients} patients, {self.estimate:.3f} "
                f"[{self.ci_low:.3f}; {self.ci_high:.3f}], certainty {self.certainty.rating}")


def _shares(cohorts: pd.DataFrame, weights: dict[str, int]) -> tuple[float, float]:
    rows = cohorts.set_index("study_id").loc[list(weights)]
    w = pd.Series(weights, dtype=float)
    total = w.sum()
    low = w[rows["source_level"].isin(LOW_SOURCE_LEVELS).to_numpy()].sum() / total
    non_trial = w[rows["design"].isin(NON_TRIAL_DESIGNS).to_numpy()].sum() / total
    return float(low), float(non_trial)


def _proportion_row(cohorts, outcome, meta) -> SofRow | None:
    result = study_tables.pool_outcome(cohorts, outcome, meta)
    if result is None:
        return None
    counts = study_tables.outcome_counts(cohorts, outcome)
    low, non_trial = _shares(cohorts, dict(zip(counts["study_id"], counts["n"])))
    egger, slope = float("nan"), float("nan")
    if result.k >= MIN_K_SMALL_STUDY_TEST:
        test = egger_test(counts["events"], counts["n"], transform=result.transform)
        egger, slope = test.pvalue, test.estimate
    patients = int(counts["n"].sum())
    profile = EvidenceProfile(result.k, patients, result.ci_low, result.ci_high, "proportion", result.i2,
                              low, non_trial, small_study_p=egger, small_study_slope=slope)
    return SofRow(outcome, outcome.lower(), "proportion", result.k, patients, result.estimate, result.ci_low,
                  result.ci_high, result.i2, result.tau2, rate_certainty(profile), result,
                  tuple(study_tables.ledger_inputs(cohorts, outcome)))


def _median_row(cohorts, endpoint, meta, survival) -> SofRow | None:
    pooled = survival_report.pool_medians(cohorts, endpoint, tau2_method=meta.tau2_method, level=survival.level)
    r = pooled.result
    if r is None:
        return None
    used = [i for i, w in zip(pooled.inputs, r.table["weight"]) if w > 0]
    weights = {i["study_id"]: i["n"] for i in used}
    low, non_trial = _shares(cohorts, weights)
    patients = sum(weights.values())
    profile = EvidenceProfile(r.k, patients, r.ci_low, r.ci_high, "median", r.i2, low, non_trial)
    return SofRow(f"Median {endpoint}", f"{endpoint.lower()}_median", "median", r.k, patients, r.estimate, r.ci_low,
                  r.ci_high, r.i2, r.tau2, rate_certainty(profile), r, tuple(used))


def _ae_rows(evidence, cohorts, meta, n_terms) -> list[SofRow]:
    terms = safety_report.pool_terms(evidence.adverse_events, evidence.studies, cohorts["study_id"], meta)
    out = []
    for t in [t for t in terms if t.k >= 2][:n_terms]:
        rows = t.rows
        w = dict(zip(rows["study_id"], rows["denominator"].astype(int)))
        # an AE row read only in Cao's table is a secondary value, whatever the study's source level
        low = float(rows.loc[rows["status"] != "primary", "denominator"].sum() / rows["denominator"].sum())
        non_trial = _shares(cohorts, w)[1]
        r = t.result
        profile = EvidenceProfile(r.k, t.patients, r.ci_low, r.ci_high, "proportion", r.i2, low, non_trial)
        out.append(SofRow(f"Grade ≥3 {t.term.lower()}", f"ae_grade3.{safety_report.ledger_key_part(t.term)}",
                          "proportion", r.k, t.patients, r.estimate, r.ci_low, r.ci_high, r.i2, r.tau2,
                          rate_certainty(profile), r, tuple(safety_report.ledger_inputs(t))))
    return out


def build_summary(evidence, settings, *, n_terms: int = 3) -> tuple[SofRow, ...]:
    """The summary-of-findings rows for ATC monotherapy (overlap resolved by ``overlap_keep``).

    Parameters
    ----------
    evidence : ``load_evidence()``.
    settings : ``load_settings()`` (meta-analysis and survival parameters).
    n_terms : how many adverse-event terms to show: the most-reported ones with k ≥ 2.

    Returns
    -------
    tuple of SofRow : ORR, DCR, median PFS, median OS (each when estimable), then the AE terms.
    """
    if n_terms < 0:
        raise ValueError(f"n_terms={n_terms!r}: give a number of adverse-event terms >= 0")
    cohorts = study_tables.select_cohorts(evidence.studies)
    meta = settings.meta_analysis
    rows = [_proportion_row(cohorts, o, meta) for o in study_tables.OUTCOMES]
    rows += [_median_row(cohorts, e, meta, settings.survival) for e in survival_report.ENDPOINTS]
    rows = [r for r in rows if r is not None] + _ae_rows(evidence, cohorts, meta, n_terms)
    return tuple(rows)


def sof_table(rows, level: float = 0.95) -> pd.DataFrame:
    """Display table: Outcome, k, Patients, Estimate (CI at ``level``), I²; τ², Certainty.

    τ² is on the analysis scale: the proportion transform for rates, the log scale for medians.
    """
    head = f"Estimate ({100 * level:g}% CI)"
    out = []
    for r in rows:
        if r.scale == "proportion":
            est = f"{100 * r.estimate:.1f}% ({100 * r.ci_low:.1f}–{100 * r.ci_high:.1f})"
        else:
            est = f"{r.estimate:.1f} mo ({r.ci_low:.1f}–{r.ci_high:.1f})"
        het = "–" if r.k < 2 else f"{100 * r.i2:.0f}%; {r.tau2:.3f}"
        out.append({"Outcome": r.outcome, "k": r.k, "Patients": r.patients, head: est,
                    "I²; τ²": het, "Certainty": r.certainty.rating})
    return pd.DataFrame(out, columns=["Outcome", "k", "Patients", head, "I²; τ²", "Certainty"])


def reasons_table(rows) -> pd.DataFrame:
    """Display table: Outcome and the reasons for its certainty rating."""
    return pd.DataFrame([{"Outcome": r.outcome, "Reasons": r.certainty.reasons()} for r in rows],
                        columns=["Outcome", "Reasons"])


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


def ledger_params(row: SofRow) -> dict:
    """Method of a row's estimate for the ledger (medians: tau² estimator, no-CI rule, scale)."""
    if row.scale != "median":
        return {}
    return {"tau2_method": row.result.method, "no_ci": row.result.no_ci_rule, "scale": "log median"}


def _estimate_text(r: SofRow, level: float) -> str:
    lvl = f"{100 * level:g}% CI"
    if r.scale == "proportion":
        return f"{100 * r.estimate:.1f}% ({lvl} {100 * r.ci_low:.1f}–{100 * r.ci_high:.1f}%)"
    return f"{r.estimate:.1f} months ({lvl} {r.ci_low:.1f}–{r.ci_high:.1f})"


def glue_texts(rows, level: float) -> dict[str, str]:
    """Prose values for the summary chapter, one set per main outcome and for the top AE term.

    Names: ``est_<key>``, ``kn_<key>`` (cohorts and patients: evaluated for proportions,
    enrolled for medians), ``het_<key>``, ``cert_<key>`` for orr, dcr,
    pfs_median, os_median and ``ae_top`` (the most-reported AE term, with ``ae_top_name``),
    plus the rating thresholds. An outcome that cannot be estimated gets "not estimable".
    """
    by_key = {r.key: r for r in rows}
    ae = [r for r in rows if r.key.startswith("ae_grade3.")]
    chosen = {k: by_key.get(k) for k in _PREVIOUS} | {"ae_top": ae[0] if ae else None}
    out = {"ae_top_name": ae[0].outcome.removeprefix("Grade ≥3 ") if ae else "no term"}
    for name, r in chosen.items():
        out[f"est_{name}"] = _estimate_text(r, level) if r else "not estimable"
        counted = "evaluated" if r and r.scale == "proportion" else "enrolled"
        out[f"kn_{name}"] = f"{r.k} cohorts, {r.patients} patients {counted}" if r else "no cohort"
        out[f"het_{name}"] = (f"I² = {100 * r.i2:.0f}%, τ² = {r.tau2:.3f}" if r and r.k > 1 else "not applicable")
        out[f"cert_{name}"] = r.certainty.rating if r else "not rated"
    out.update(rule_majority=f"{100 * MAJORITY:.0f}%", rule_i2_serious=f"{100 * I2_SERIOUS:.0f}%",
               rule_i2_very=f"{100 * I2_VERY_SERIOUS:.0f}%", rule_wide_prop=f"{100 * WIDE_PROPORTION:.0f}",
               rule_wide_ratio=f"{WIDE_MEDIAN_RATIO:g}", rule_ois=str(OPTIMAL_INFORMATION_SIZE),
               rule_min_k=str(MIN_K_SMALL_STUDY_TEST), rule_egger_p=f"{SMALL_STUDY_P:.2f}")
    return out
