"""The living view: each outcome pooled cumulatively in the order the cohorts were published, with its table and ledger records."""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from living_review.analyses.selection import outcome_counts, select_cohorts
from living_review.core.choices import check_choice
from living_review.core.vocabularies import OUTCOMES, Outcome
from living_review.meta import SequentialResult, cumulative
from living_review.settings.adapter import inverse_variance_options


def living_view(studies: pd.DataFrame, meta_settings, outcome: Outcome = "ORR") -> SequentialResult:
    """Cumulative meta-analysis of ``outcome`` over the ATC monotherapy cohorts, by publication date.

    Parameters
    ----------
    studies : ``Evidence.studies``.
    meta_settings : ``load_settings().meta_analysis`` (transform, tau² method, HK, level).
    outcome : "ORR" or "DCR".

    Returns
    -------
    SequentialResult : row j pools the j earliest cohorts (``date`` is ``pub_date``).

    Notes
    -----
    Cohorts are those of :func:`living_review.analyses.selection.select_cohorts` (ATC
    monotherapy, one member per overlap group), in ``pub_order``; ties of ``pub_date`` keep
    that order. The GLMM is not used here: cumulative fits are inverse-variance fits.
    """
    check_choice("outcome", outcome, OUTCOMES)
    cohorts = select_cohorts(studies)
    counts = outcome_counts(cohorts, outcome)
    dates = cohorts.set_index("study_id").loc[counts["study_id"], "pub_date"].astype(str).tolist()
    return cumulative(counts["events"], counts["n"], dates, studies=counts["label"].tolist(),
                      **inverse_variance_options(meta_settings))


def living_table(result: SequentialResult) -> pd.DataFrame:
    """The cumulative analysis as a table: Added (study, date), k, Estimate [CI], τ², I²."""
    f = result.frame
    return pd.DataFrame({
        "Added": [f"{r.label} ({r.date})" for r in f.itertuples(index=False)],
        "k": f["k"].astype(int).to_numpy(),
        "Estimate [CI]": [f"{r.estimate:.2f} [{r.ci_low:.2f}; {r.ci_high:.2f}]" for r in f.itertuples(index=False)],
        "τ²": ["–" if pd.isna(t) else f"{t:.4f}" for t in f["tau2"]],  # k = 1: no τ²
        "I²": ["–" if pd.isna(i) else f"{100 * i:.0f}%" for i in f["i2"]],
    })


def record_living_view(result: SequentialResult, studies: pd.DataFrame, meta_settings, outcome: Outcome = "ORR",
                       *, key: str | None = None, root: Path | None = None) -> Path:
    """Record the last fit of the living view (all cohorts) in the ledger and return the file.

    The key defaults to ``"changelog.<outcome>.atc_monotherapy_cumulative"``; inputs are the
    cohorts' counts (:func:`living_review.analyses.selection.ledger_inputs`).
    """
    from living_review.provenance.ledger import record
    from living_review.analyses.selection import ledger_inputs

    last = result.frame.iloc[-1]
    inputs = ledger_inputs(select_cohorts(studies), outcome)
    m = meta_settings
    extra = {"tau2": float(last["tau2"]), "i2": None if pd.isna(last["i2"]) else float(last["i2"])}
    return record(key or f"changelog.{outcome.lower()}.atc_monotherapy_cumulative", outcome=outcome,
                  estimate=float(last["estimate"]), ci_low=float(last["ci_low"]), ci_high=float(last["ci_high"]),
                  k=int(last["k"]), n=int(sum(i["n"] for i in inputs)),
                  params={"transform": m.transform, "tau2_method": m.tau2_method, "hakn": m.hakn, "level": m.level,
                          "model": "inverse", "analysis": "cumulative by publication date"},
                  inputs=inputs, extra=extra, chapter="changelog", root=root)
