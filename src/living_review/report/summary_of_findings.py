"""Summary of findings: the review's main pooled results with a GRADE-style certainty rating.

Rating rules (applied by :func:`rate_certainty`, stated in the summary chapter)
--------------------------------------------------------------------------------
1. **Start.** Single-arm, non-comparative evidence (every study here) starts at *low*;
   randomised comparative evidence would start at *high*.
2. **Risk of bias** (−1 per concern, at most −2). Concern (a): more than half of the
   patients come from studies whose outcome values were read only in an abstract or only
   in a secondary source (unverified). Concern (b): more than half of the patients come
   from retrospective cohorts or post-marketing surveillance (response not assessed on a
   trial protocol).
3. **Inconsistency.** I² ≥ 50 %: −1; I² ≥ 75 %: −2. With one study it is not assessable
   (stated, not downgraded).
4. **Imprecision.** The interval is *wide* when it spans more than 20 percentage points
   (proportions) or when its upper limit exceeds twice its lower limit (medians). The
   sample is *small* below 300 patients (the usual optimal-information-size rule of
   thumb). Wide or small: −1; wide and small: −2.
5. **Publication bias.** With fewer than 10 studies it is not assessable (stated, not
   downgraded); with 10 or more, Egger's test p < 0.10 gives −1.
6. The rating never falls below *very low*. No upgrading is applied.

References
----------
Guyatt GH et al. GRADE guidelines 1-9, J Clin Epidemiol 2011;64 (imprecision: 64:1283-93;
inconsistency: 64:1294-302). Higgins JPT, Thompson SG. Stat Med 2002;21:1539-58.
Egger M et al. BMJ 1997;315:629-34.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Literal, get_args

import pandas as pd

from living_review.meta import egger_test
from living_review.report import safety_report, study_tables, survival_report

Scale = Literal["proportion", "median"]
SCALES: tuple[str, ...] = get_args(Scale)
LEVELS = ("very low", "low", "moderate", "high")
LOW_SOURCE_LEVELS = ("abstract", "secondary")
NON_TRIAL_DESIGNS = ("retrospective_cohort", "post_marketing_surveillance")
MAJORITY = 0.5
I2_SERIOUS, I2_VERY_SERIOUS = 0.50, 0.75
WIDE_PROPORTION, WIDE_MEDIAN_RATIO = 0.20, 2.0
OPTIMAL_INFORMATION_SIZE = 300
MIN_K_SMALL_STUDY_TEST, SMALL_STUDY_P = 10, 0.10


@dataclass(frozen=True)
class EvidenceProfile:
    """What the rating looks at for one outcome.

    Parameters
    ----------
    k, patients : studies and patients in the pooled estimate.
    ci_low, ci_high : its CI (fractions for proportions, months for medians).
    scale : "proportion" or "median".
    i2 : Q-based I² as a fraction (NaN when k < 2).
    share_low_source : fraction of patients from abstract-only or secondary sources.
    share_non_trial : fraction of patients from retrospective or surveillance cohorts.
    comparative : randomised comparative evidence (False for single-arm studies).
    small_study_p : Egger's test p-value (NaN when not run).
    """

    k: int
    patients: int
    ci_low: float
    ci_high: float
    scale: Scale
    i2: float
    share_low_source: float
    share_non_trial: float
    comparative: bool = False
    small_study_p: float = float("nan")


@dataclass(frozen=True)
class CertaintyRating:
    """Certainty of one outcome: the rating, the level it started at, downgrades and notes."""

    rating: str
    start: str
    downgrades: tuple[tuple[str, int, str], ...]
    notes: tuple[str, ...] = field(default=())

    def reasons(self) -> str:
        """The reasons in one line: each downgrade with its levels, then the notes."""
        parts = [f"start {self.start} ({'randomised' if self.start == 'high' else 'single-arm, non-comparative'})"]
        parts += [f"{domain} −{levels}: {why}" for domain, levels, why in self.downgrades]
        parts += list(self.notes)
        return "; ".join(parts)

    def summary(self) -> str:
        return f"{self.rating}: {self.reasons()}"


def _pct(v: float) -> str:
    return f"{100 * v:.0f}%"


def rate_certainty(p: EvidenceProfile) -> CertaintyRating:
    """Rate the certainty of one pooled outcome with the module's rules (see the module docstring).

    Returns
    -------
    CertaintyRating : "high", "moderate", "low" or "very low" with its reasons.

    Example
    -------
    >>> rate_certainty(EvidenceProfile(k=1, patients=8, ci_low=0.01, ci_high=0.6, scale="proportion",
    ...     i2=float("nan"), share_low_source=1.0, share_non_trial=0.0)).rating
    'very low'
    """
    if p.scale not in SCALES:
        raise ValueError(f"scale={p.scale!r} is not allowed; choose one of {', '.join(SCALES)}")
    if p.k < 1 or p.patients < 1:
        raise ValueError(f"a certainty rating needs at least one study and patient (k={p.k}, patients={p.patients})")
    start = "high" if p.comparative else "low"
    down, notes = [], []
    concerns = []
    if p.share_low_source > MAJORITY:
        concerns.append(f"{_pct(p.share_low_source)} of patients from abstract-only or secondary sources")
    if p.share_non_trial > MAJORITY:
        concerns.append(f"{_pct(p.share_non_trial)} of patients from retrospective or surveillance cohorts")
    if concerns:
        down.append(("risk of bias", len(concerns), " and ".join(concerns)))
    if p.k < 2 or math.isnan(p.i2):
        notes.append("inconsistency not assessable (one study)")
    elif p.i2 >= I2_VERY_SERIOUS:
        down.append(("inconsistency", 2, f"I² = {_pct(p.i2)} (≥ {_pct(I2_VERY_SERIOUS)})"))
    elif p.i2 >= I2_SERIOUS:
        down.append(("inconsistency", 1, f"I² = {_pct(p.i2)} (≥ {_pct(I2_SERIOUS)})"))
    if p.scale == "proportion":
        wide = p.ci_high - p.ci_low > WIDE_PROPORTION
        width = f"CI spans {100 * (p.ci_high - p.ci_low):.0f} points"
    else:
        wide = p.ci_high > WIDE_MEDIAN_RATIO * p.ci_low
        width = f"CI upper/lower = {p.ci_high / p.ci_low:.1f}"
    small = p.patients < OPTIMAL_INFORMATION_SIZE
    why = [w for w, hit in ((width, wide), (f"{p.patients} patients (< {OPTIMAL_INFORMATION_SIZE})", small)) if hit]
    if why:
        down.append(("imprecision", len(why), " and ".join(why)))
    if p.k < MIN_K_SMALL_STUDY_TEST:
        notes.append(f"publication bias not assessable (k = {p.k} < {MIN_K_SMALL_STUDY_TEST})")
    elif math.isnan(p.small_study_p):
        notes.append("publication bias not tested")
    elif p.small_study_p < SMALL_STUDY_P:
        down.append(("publication bias", 1, f"Egger p = {p.small_study_p:.2f}"))
    else:
        notes.append(f"no small-study effect detected (Egger p = {p.small_study_p:.2f})")
    level = max(0, LEVELS.index(start) - sum(levels for _, levels, _ in down))
    return CertaintyRating(LEVELS[level], start, tuple(down), tuple(notes))


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
    egger = float("nan")
    if result.k >= MIN_K_SMALL_STUDY_TEST:
        egger = egger_test(counts["events"], counts["n"], transform=result.transform).pvalue
    patients = int(counts["n"].sum())
    profile = EvidenceProfile(result.k, patients, result.ci_low, result.ci_high, "proportion", result.i2,
                              low, non_trial, small_study_p=egger)
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
