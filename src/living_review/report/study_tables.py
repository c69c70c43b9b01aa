"""Cohort tables and sentences: characteristics, response counts, the overlap and source notes.

What is shown is computed by :mod:`living_review.analyses.selection`; this module only says it.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from living_review.analyses.selection import cohort_responses
from living_review.core.choices import check_choice
from living_review.core.vocabularies import OUTCOMES, Outcome
from living_review.meta import MetaPropResult

_DESIGN = {"prospective_trial": "prospective trial", "retrospective_cohort": "retrospective cohort",
           "prospective_observational": "prospective observational study",
           "post_marketing_surveillance": "post-marketing surveillance"}
_LINE = {"first_line": "first line", "pretreated": "pretreated", "mixed": "mixed lines", "not_reported": "not reported"}


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


def survival_statements(cohorts: pd.DataFrame) -> pd.DataFrame:
    """What each cohort's survival source says (``src_survival``), for cohorts without pooled medians."""
    return pd.DataFrame({"Study": cohorts["label"].to_numpy(), "Histology": cohorts["histology"].to_numpy(),
                         "Survival as stated in the source": cohorts["src_survival"].to_numpy()})


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


def response_forest(result: MetaPropResult | None, outcome: Outcome, *, subject: str):
    """Forest plot of a pooled response rate, or ``None`` when no cohort reports it (nothing to plot).

    ``subject`` names the cohorts (e.g. "pazopanib in ATC"); the chapter's text says why a
    plot is missing (:func:`outcome_sentence`).
    """
    check_choice("outcome", outcome, OUTCOMES)
    if result is None:
        return None
    from living_review.meta.forest import forest

    label = {"ORR": "Objective response rate", "DCR": "Disease control rate"}[outcome]
    return forest(result, xlabel=label)


def outcome_sentence(result: MetaPropResult | None, outcome: Outcome, *, subject: str) -> str:
    """One sentence that reports a pooled response rate for k = 0, k = 1 and k ≥ 2 alike."""
    check_choice("outcome", outcome, OUTCOMES)
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
    """Prose (MyST) on the recorded conflicts (``discrepancies.csv``) over the ``outcome`` counts of ``cohorts``.

    Each conflict reads as the value this review uses against what each source gives, with
    the source codes linked to the sources page, and whether it is resolved.
    """
    from living_review.report.sources import link_codes, myst_text

    check_choice("outcome", outcome, OUTCOMES)
    labels = dict(zip(cohorts["study_id"], cohorts["label"]))
    hits = discrepancies[discrepancies["study_id"].isin(list(labels))
                         & discrepancies["field"].eq(f"{outcome.lower()}_events")]
    if hits.empty:
        return f"No recorded conflict between sources affects these {outcome} counts."

    def text(value) -> str:
        return link_codes(myst_text(str(value)))

    def reading(source, value) -> str | None:
        if not isinstance(source, str) or not source.strip():
            return None
        return f"{text(source)}: {text(value)}."

    parts = []
    for d in hits.itertuples():
        readings = " ".join(r for r in (reading(d.source_a, d.value_a), reading(d.source_b, d.value_b)) if r)
        status = text(d.status)
        used = text(d.value_used)
        # "missing (study not in DCR pooling)": no value is used
        used = "no value" + used[len("missing"):] if used.startswith("missing") else used
        # a named sensitivity analysis is computed on this update's estimates
        where = ("" if str(d.sensitivity).lower().startswith("none") else
                 ", computed on this update's estimates in the sensitivity analyses chapter")
        parts.append(f"{myst_text(labels[d.study_id])}: this review uses {used}. {readings} "
                     f"{status[:1].upper() + status[1:]}; sensitivity analysis: {text(d.sensitivity)}{where}.")
    return "Sources disagree on these counts. " + " ".join(parts)


def with_placeholder(frame: pd.DataFrame, text: str) -> pd.DataFrame:
    """``frame``, or one row saying ``text`` (other cells "–") when it is empty, so a table never vanishes."""
    if not frame.empty:
        return frame
    return pd.DataFrame([[text] + ["–"] * (len(frame.columns) - 1)], columns=frame.columns)
