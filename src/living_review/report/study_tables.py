"""Which cohorts a chapter analyses, their characteristics, and their pooled response rates.

The drug chapters, the summary of findings and the other-histology chapter select cohorts
with one rule (:func:`select_cohorts`), so that a pooled ORR means the same set of
patients wherever it is printed.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal, get_args

import numpy as np
import pandas as pd

from living_review.meta import MetaPropResult, metaprop
from living_review.meta.effects import clopper_pearson

Outcome = Literal["ORR", "DCR"]
OUTCOMES: tuple[str, ...] = get_args(Outcome)
Histology = Literal["ATC", "MTC", "DTC", "PDTC"]
HISTOLOGIES: tuple[str, ...] = get_args(Histology)

_DESIGN = {"prospective_trial": "prospective trial", "retrospective_cohort": "retrospective cohort",
           "prospective_observational": "prospective observational study",
           "post_marketing_surveillance": "post-marketing surveillance"}
_LINE = {"first_line": "first line", "pretreated": "pretreated", "mixed": "mixed lines", "not_reported": "not reported"}


def _check(value, allowed, name):
    if value not in allowed:
        raise ValueError(f"{name}={value!r} is not allowed; choose one of {', '.join(allowed)}")


def select_cohorts(studies: pd.DataFrame, *, drug: str | None = None, histology: Histology = "ATC",
                   dedupe: bool = True) -> pd.DataFrame:
    """Cohorts of one histology (and drug) that enter an analysis, in publication order.

    Parameters
    ----------
    studies : ``Evidence.studies``.
    drug : keep only this drug (``None``: every drug).
    histology : "ATC" selects ``pooling_role == "atc_monotherapy"`` (mixed ATC counts as ATC;
        combinations are pooled elsewhere); "MTC", "DTC" or "PDTC" select the
        ``other_histology`` cohorts of that histology.
    dedupe : drop cohorts of an overlap group that are not its ``overlap_keep`` member.

    Returns
    -------
    DataFrame : the selected rows of ``studies`` sorted by ``pub_order``.

    Example
    -------
    >>> select_cohorts(load_evidence().studies, drug="sorafenib").study_id.tolist()  # doctest: +SKIP
    ['savvides2013', 'ito2017_atc']
    """
    _check(histology, HISTOLOGIES, "histology")
    if histology == "ATC":
        keep = studies["pooling_role"] == "atc_monotherapy"
    else:
        keep = (studies["pooling_role"] == "other_histology") & (studies["histology"] == histology)
    if drug is not None:
        keep &= studies["drug"] == drug
    if dedupe:
        keep &= studies["overlap_group"].isna() | studies["overlap_keep"].fillna(False).astype(bool)
    return studies[keep.astype(bool)].sort_values("pub_order")


def other_histology_cohorts(studies: pd.DataFrame) -> pd.DataFrame:
    """Every cohort with ``pooling_role == "other_histology"`` (MTC, DTC, PDTC), in publication order."""
    return studies[studies["pooling_role"] == "other_histology"].sort_values(["histology", "pub_order"])


def survival_statements(cohorts: pd.DataFrame) -> pd.DataFrame:
    """What each cohort's survival source says (``src_survival``), for cohorts without pooled medians."""
    return pd.DataFrame({"Study": cohorts["label"].to_numpy(), "Histology": cohorts["histology"].to_numpy(),
                         "Survival as stated in the source": cohorts["src_survival"].to_numpy()})


def overlap_dropped(studies: pd.DataFrame, *, drug: str | None = None, histology: Histology = "ATC") -> pd.DataFrame:
    """Cohorts left out of pooling because another member of their overlap group is kept."""
    all_rows = select_cohorts(studies, drug=drug, histology=histology, dedupe=False)
    kept = set(select_cohorts(studies, drug=drug, histology=histology)["study_id"])
    return all_rows[~all_rows["study_id"].isin(kept)]


def overlap_text(dropped: pd.DataFrame) -> str:
    """Prose on the cohorts :func:`overlap_dropped` returned."""
    if dropped.empty:
        return "no cohort here shares patients with a kept cohort"
    return "left out of pooling as overlapping with a kept cohort: " + ", ".join(dropped["label"])


def source_level_text(cohorts: pd.DataFrame) -> str:
    """'5 abstract, 1 full text': how many cohorts had their outcomes read at each source level."""
    counts = cohorts["source_level"].value_counts()
    return ", ".join(f"{n} {level.replace('_', ' ')}" for level, n in counts.items()) or "none"


def _n_text(row) -> str:
    parts = [f"{row.n_enrolled}"]
    if pd.notna(row.n_evaluable_response) and row.n_evaluable_response != row.n_enrolled:
        parts.append(f"{row.n_evaluable_response} eval.")
    if pd.notna(row.n_safety) and row.n_safety not in (row.n_enrolled, row.n_evaluable_response):
        parts.append(f"{row.n_safety} safety")
    return "; ".join(parts)


def characteristics_table(cohorts: pd.DataFrame) -> pd.DataFrame:
    """Study characteristics, one row per cohort, six columns that fit a PDF page.

    Columns: Study, Design, N (enrolled; evaluable and safety sets when they
    differ), Dose, Line (with the pretreatment as reported), Source (what was read for the
    outcome values: full text, abstract or secondary).
    """
    rows = []
    for r in cohorts.itertuples(index=False):
        design = _DESIGN.get(r.design, r.design.replace("_", " "))
        if r.phase not in (None, "not_applicable", "not_reported") and pd.notna(r.phase):
            design += f", phase {r.phase}"
        if r.publication_type == "meeting_abstract":
            design += " (meeting abstract)"
        dose = r.dose_schedule if pd.notna(r.dose_schedule) else "not reported"
        line = _LINE.get(r.line_of_therapy, r.line_of_therapy)
        stated = pd.notna(r.pretreatment) and not str(r.pretreatment).startswith("not reported")
        if stated:
            # "not reported: <details>" reads as a contradiction; the details are the answer
            line = r.pretreatment if r.line_of_therapy == "not_reported" else f"{line}: {r.pretreatment}"
        # the setting (trial or real-world) follows from the design, so it is not repeated
        rows.append({"Study": r.label, "Design": design, "N": _n_text(r),
                     "Dose": dose, "Line": line, "Source": r.source_level.replace("_", " ")})
    return pd.DataFrame(rows, columns=["Study", "Design", "N", "Dose", "Line", "Source"])


def outcome_counts(cohorts: pd.DataFrame, outcome: Outcome) -> pd.DataFrame:
    """Events and denominators of ``outcome`` for the cohorts that report it.

    Returns a frame with ``study_id``, ``label``, ``events`` and ``n``; a cohort with an
    empty count (not reported, never zero) is left out.
    """
    _check(outcome, OUTCOMES, "outcome")
    col = outcome.lower()
    have = cohorts[cohorts[f"{col}_events"].notna() & cohorts[f"{col}_n"].notna()]
    return pd.DataFrame({"study_id": have["study_id"].to_numpy(), "label": have["label"].to_numpy(),
                         "events": have[f"{col}_events"].astype(int).to_numpy(),
                         "n": have[f"{col}_n"].astype(int).to_numpy()})


def pool_outcome(cohorts: pd.DataFrame, outcome: Outcome, meta_settings) -> MetaPropResult | None:
    """Pool ``outcome`` over ``cohorts`` with the configured method; ``None`` when no cohort reports it.

    Parameters
    ----------
    cohorts : rows of ``Evidence.studies`` (see :func:`select_cohorts`).
    outcome : "ORR" or "DCR".
    meta_settings : ``load_settings().meta_analysis`` (transform, tau² method, model, HK, level).

    Notes
    -----
    A single cohort (k = 1) is "pooled" as metaprop does: its own transformed value ± z·SE,
    back-transformed; tau² is 0 and I² undefined (see :func:`living_review.meta.metaprop`).
    """
    counts = outcome_counts(cohorts, outcome)
    if counts.empty:
        return None
    m = meta_settings
    transform = "PLOGIT" if m.model == "glmm" else m.transform
    return metaprop(counts["events"], counts["n"], studies=counts["label"].tolist(), transform=transform,
                    tau2_method=m.tau2_method, model=m.model, hakn=m.hakn, level=m.level)


def ledger_inputs(cohorts: pd.DataFrame, outcome: Outcome) -> list[dict]:
    """Per-study inputs of a pooled ``outcome`` for :func:`living_review.book.ledger.record_result`."""
    counts = outcome_counts(cohorts, outcome)
    return [{"study_id": r.study_id, "events": int(r.events), "n": int(r.n)} for r in counts.itertuples()]


@dataclass(frozen=True)
class CohortResponse:
    """Response counts of one cohort with exact (Clopper-Pearson) CIs (fractions)."""

    study_id: str
    label: str
    outcome: str
    events: int
    n: int
    proportion: float
    ci_low: float
    ci_high: float
    level: float = 0.95

    def summary(self) -> str:
        return (f"{self.label}: {self.outcome} {self.events}/{self.n} = {self.proportion:.2f} "
                f"[{self.ci_low:.2f}; {self.ci_high:.2f}]")

    def text(self) -> str:
        """'2/8 (25.0%; 95% CI 3.2–65.1%)' for prose."""
        return (f"{self.events}/{self.n} ({100 * self.proportion:.1f}%; {100 * self.level:g}% CI "
                f"{100 * self.ci_low:.1f}–{100 * self.ci_high:.1f}%)")


def cohort_responses(cohorts: pd.DataFrame, level: float = 0.95) -> list[CohortResponse]:
    """ORR and DCR of each cohort on its own, with exact CIs at ``level`` (no pooling)."""
    out = []
    for outcome in OUTCOMES:
        counts = outcome_counts(cohorts, outcome)
        if counts.empty:
            continue
        lo, hi = clopper_pearson(counts["events"], counts["n"], level)
        for r, a, b in zip(counts.itertuples(), lo, hi):
            out.append(CohortResponse(r.study_id, r.label, outcome, int(r.events), int(r.n),
                                      r.events / r.n, float(a), float(b), level))
    return out


def response_table(cohorts: pd.DataFrame, level: float = 0.95) -> pd.DataFrame:
    """One row per cohort: histology, N, and ORR and DCR as ``events/n, % (CI)`` (– when not reported)."""
    found = {(c.study_id, c.outcome): c for c in cohort_responses(cohorts, level)}
    rows = []
    for r in cohorts.itertuples(index=False):
        row = {"Study": r.label, "Histology": r.histology, "N": int(r.n_enrolled)}
        for outcome in OUTCOMES:
            c = found.get((r.study_id, outcome))
            row[outcome] = (f"{c.events}/{c.n}, {100 * c.proportion:.1f}% "
                            f"({100 * c.ci_low:.1f}–{100 * c.ci_high:.1f}%)" if c else np.nan)
        rows.append(row)
    return pd.DataFrame(rows, columns=["Study", "Histology", "N", *OUTCOMES])


def notice_figure(message: str, *, width: float = 6.5):
    """A small figure that states why a planned plot has nothing to show (keeps figure numbering stable)."""
    from matplotlib.figure import Figure

    fig = Figure(figsize=(width, 0.9))
    ax = fig.add_axes((0, 0, 1, 1))
    ax.set_axis_off()
    ax.text(0.5, 0.5, message, ha="center", va="center", wrap=True, fontsize=9.5, style="italic")
    return fig


def response_forest(result: MetaPropResult | None, outcome: Outcome, *, subject: str):
    """Forest plot of a pooled response rate, or a notice figure when no cohort reports it.

    ``subject`` names the cohorts in the notice (e.g. "pazopanib in ATC").
    """
    _check(outcome, OUTCOMES, "outcome")
    if result is None:
        return notice_figure(f"No cohort of {subject} reports the {outcome} in the sources read: nothing to plot.")
    from living_review.meta.forest import forest

    label = {"ORR": "Objective response rate", "DCR": "Disease control rate"}[outcome]
    return forest(result, xlabel=label)


def outcome_sentence(result: MetaPropResult | None, outcome: Outcome, *, subject: str) -> str:
    """One sentence that reports a pooled response rate for k = 0, k = 1 and k ≥ 2 alike."""
    _check(outcome, OUTCOMES, "outcome")
    if result is None:
        return f"No cohort of {subject} reports the {outcome} in the sources read, so nothing is pooled."
    lvl = f"{100 * result.level:g}% CI"
    est = f"{100 * result.estimate:.1f}% ({lvl} {100 * result.ci_low:.1f}–{100 * result.ci_high:.1f}%)"
    table = result.studies
    if result.k == 1:
        row = table.iloc[0]
        exact = (f"{100 * result.estimate:.1f}% ({lvl}, exact, {100 * result.ci_low:.1f}–"
                 f"{100 * result.ci_high:.1f}%)")
        return (f"One cohort ({row['study']}, {int(row['events'])}/{int(row['n'])}) reports the {outcome}: "
                f"{exact}; one study is not a meta-analysis, so nothing is pooled and there is no τ² or I².")
    if result.model == "glmm" and result.glmm is not None and not result.glmm.converged:
        return (f"{result.k} cohorts report the {outcome}, but the logistic mixed model did not converge, "
                "so no pooled estimate is given.")
    pi = ""
    if result.k >= 3 and not np.isnan(result.pi_low):
        pi = f"; prediction interval {100 * result.pi_low:.1f}–{100 * result.pi_high:.1f}%"
    return (f"{result.k} cohorts ({int(table['n'].sum())} patients) report the {outcome}; the random-effects "
            f"estimate is {est}, I² = {100 * result.i2:.0f}%, τ² = {result.tau2:.4f}{pi}.")


def discrepancy_note(discrepancies: pd.DataFrame, cohorts: pd.DataFrame, outcome: Outcome) -> str:
    """Prose on the recorded conflicts (``discrepancies.csv``) over the ``outcome`` counts of ``cohorts``."""
    _check(outcome, OUTCOMES, "outcome")
    labels = dict(zip(cohorts["study_id"], cohorts["label"]))
    hits = discrepancies[discrepancies["study_id"].isin(list(labels))
                         & discrepancies["field"].eq(f"{outcome.lower()}_events")]
    if hits.empty:
        return f"No recorded conflict between sources affects these {outcome} counts."
    parts = [f"{d.discrepancy_id} ({labels[d.study_id]}): value used {d.value_used}, against {d.value_a} in "
             f"{d.source_a} ({d.status}; sensitivity analysis: {d.sensitivity}"
             + ("" if str(d.sensitivity).lower().startswith("none") else
                ", computed on this update's estimates in the sensitivity analyses chapter") + ")"
             for d in hits.itertuples()]
    return "Recorded conflicts: " + "; ".join(parts) + "."


def record_if_pooled(key: str, result, *, outcome: str, inputs: list[dict], chapter: str,
                     params: dict | None = None):
    """Record ``result`` in the ledger under ``key``; do nothing (return ``None``) when there is no result."""
    if result is None:
        return None
    from living_review.book.ledger import record_result

    return record_result(key, result, outcome=outcome, inputs=inputs, params=params, chapter=chapter)


def with_placeholder(frame: pd.DataFrame, text: str) -> pd.DataFrame:
    """``frame``, or one row saying ``text`` (other cells "–") when it is empty, so a table never vanishes."""
    if not frame.empty:
        return frame
    return pd.DataFrame([[text] + ["–"] * (len(frame.columns) - 1)], columns=frame.columns)
