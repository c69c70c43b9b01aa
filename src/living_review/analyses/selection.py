"""Which cohorts an analysis uses, and their outcome counts: one rule for every chapter.

The drug chapters, the summary of findings, the sensitivity analyses and the other-histology
chapter select cohorts with one rule (:func:`select_cohorts`, the overlap rule included), so
that a pooled ORR means the same set of patients wherever it is printed; their counts come
from :func:`outcome_counts` and their ledger inputs from :func:`ledger_inputs`.
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from living_review.core.choices import check_choice
from living_review.core.vocabularies import HISTOLOGIES, OUTCOMES, Histology, Outcome
from living_review.meta import MetaPropResult, metaprop
from living_review.meta.effects import clopper_pearson
from living_review.settings.adapter import metaprop_options


def kept_members(cohorts: pd.DataFrame) -> pd.Series:
    """The overlap rule: a cohort enters pooling unless it belongs to an overlap group of which it is
    not the ``overlap_keep`` member (cohorts of one group may share patients; one represents it)."""
    return (cohorts["overlap_group"].isna() | cohorts["overlap_keep"].astype("boolean").fillna(False)).astype(bool)


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
    check_choice("histology", histology, HISTOLOGIES)
    if histology == "ATC":
        keep = studies["pooling_role"] == "atc_monotherapy"
    else:
        keep = (studies["pooling_role"] == "other_histology") & (studies["histology"] == histology)
    if drug is not None:
        keep &= studies["drug"] == drug
    if dedupe:
        keep &= kept_members(studies)
    return studies[keep.astype(bool)].sort_values("pub_order")


def other_histology_cohorts(studies: pd.DataFrame) -> pd.DataFrame:
    """Every cohort with ``pooling_role == "other_histology"`` (MTC, DTC, PDTC), in publication order."""
    return studies[studies["pooling_role"] == "other_histology"].sort_values(["histology", "pub_order"])


def overlap_dropped(studies: pd.DataFrame, *, drug: str | None = None, histology: Histology = "ATC") -> pd.DataFrame:
    """Cohorts left out of pooling because another member of their overlap group is kept."""
    all_rows = select_cohorts(studies, drug=drug, histology=histology, dedupe=False)
    kept = set(select_cohorts(studies, drug=drug, histology=histology)["study_id"])
    return all_rows[~all_rows["study_id"].isin(kept)]


def outcome_counts(cohorts: pd.DataFrame, outcome: Outcome) -> pd.DataFrame:
    """Events and denominators of ``outcome`` for the cohorts that report it.

    Returns a frame with ``study_id``, ``label``, ``events`` and ``n``; a cohort with an
    empty count (not reported, never zero) is left out.
    """
    check_choice("outcome", outcome, OUTCOMES)
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
    return metaprop(counts["events"], counts["n"], studies=counts["label"].tolist(), **metaprop_options(meta_settings))


def pool_by_drug(cohorts: pd.DataFrame, outcome: Outcome, meta_settings) -> MetaPropResult | None:
    """:func:`pool_outcome` with one subgroup per drug (each with its own τ²), for the summary's forests.

    The overall estimate is the one of :func:`pool_outcome` on the same cohorts; a drug with
    one cohort shows that cohort alone (no subgroup diamond). ``None`` when no cohort reports it.
    """
    counts = outcome_counts(cohorts, outcome)
    if counts.empty:
        return None
    drugs = cohorts.set_index("study_id")["drug"].str.capitalize()
    return metaprop(counts["events"], counts["n"], studies=counts["label"].tolist(),
                    subgroups=[drugs[s] for s in counts["study_id"]], **metaprop_options(meta_settings))


def ledger_inputs(cohorts: pd.DataFrame, outcome: Outcome) -> list[dict]:
    """Per-study inputs of a pooled ``outcome`` for :func:`living_review.provenance.ledger.record_result`."""
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


def record_if_pooled(key: str, result, *, outcome: str, inputs: list[dict], chapter: str,
                     params: dict | None = None):
    """Record ``result`` in the ledger under ``key``; do nothing (return ``None``) when there is no result."""
    if result is None:
        return None
    from living_review.provenance.ledger import record_result

    return record_result(key, result, outcome=outcome, inputs=inputs, params=params, chapter=chapter)


def pool_outcomes(cohorts: pd.DataFrame, outcomes, meta_settings, *, by_drug: bool = False
                  ) -> dict[str, MetaPropResult | None]:
    """:func:`pool_outcome` (or, ``by_drug``, :func:`pool_by_drug`) of each of ``outcomes``."""
    pool = pool_by_drug if by_drug else pool_outcome
    return {o: pool(cohorts, o, meta_settings) for o in outcomes}


def record_outcomes(prefix: str, pooled: dict, cohorts: pd.DataFrame, *, chapter: str) -> list:
    """Put each pooled outcome on record as ``<prefix>.<outcome>``; an outcome with no result is not."""
    return [record_if_pooled(f"{prefix}.{o.lower()}", r, outcome=o, chapter=chapter, inputs=ledger_inputs(cohorts, o))
            for o, r in pooled.items()]
