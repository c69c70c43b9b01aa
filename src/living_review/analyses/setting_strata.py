"""How much a headline rests on setting, on one cohort and on the denominator chosen.

* :func:`by_setting`: the all-cohort estimate beside prospective trials only and real-world
  cohorts only;
* :func:`most_influential`: the cohort whose omission moves the estimate most, with the
  leave-it-out estimate and I²;
* :func:`itt_cohorts` and :func:`itt_changes`: the response denominators replaced by the
  enrolled patients (an intention-to-treat reading of the single-arm studies);
* :func:`record_all`: the ledger records the summary of findings and the changelog use.

The same configured model is used throughout (:func:`living_review.analyses.primary_estimates.proportion`).
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from living_review.analyses import primary_estimates as pe
from living_review.analyses.selection import outcome_counts
from living_review.core.vocabularies import OUTCOMES

STRATA = {"all": "all cohorts", "trials_only": "prospective trials only", "real_world_only": "real-world cohorts only"}


def by_setting(cohorts: pd.DataFrame, outcome: str, meta) -> dict[str, pe.Estimate | None]:
    """``{"all", "trials_only", "real_world_only"}`` -> estimate of ``outcome`` ("ORR"/"DCR")."""
    return {"all": pe.proportion(cohorts, outcome, meta),
            "trials_only": pe.proportion(cohorts[cohorts["setting"] == "trial"], outcome, meta),
            "real_world_only": pe.proportion(cohorts[cohorts["setting"] == "real_world"], outcome, meta)}


@dataclass(frozen=True)
class Influence:
    """The cohort whose omission moves the pooled estimate most."""

    outcome: str
    study_id: str
    label: str
    events: int
    n: int
    with_it: pe.Estimate
    without: pe.Estimate

    @property
    def shift(self) -> float:
        return self.with_it.estimate - self.without.estimate

    def summary(self) -> str:
        return (f"{self.outcome}: {self.label} ({self.events}/{self.n}) moves {self.without.text()} (I² "
                f"{100 * self.without.i2:.0f}%) to {self.with_it.text()} (I² {100 * self.with_it.i2:.0f}%)")


def most_influential(cohorts: pd.DataFrame, outcome: str, meta) -> Influence | None:
    """Leave each cohort out in turn; the one with the largest absolute change (``None`` when k < 3)."""
    counts = outcome_counts(cohorts, outcome)
    if len(counts) < 3:
        return None
    full = pe.proportion(cohorts, outcome, meta)
    best = None
    for row in counts.itertuples():
        without = pe.proportion(cohorts[cohorts["study_id"] != row.study_id], outcome, meta)
        if best is None or abs(full.estimate - without.estimate) > abs(full.estimate - best[1].estimate):
            best = (row, without)
    row, without = best
    return Influence(outcome, row.study_id, row.label, int(row.events), int(row.n), full, without)


def itt_cohorts(cohorts: pd.DataFrame) -> pd.DataFrame:
    """``cohorts`` with the ORR and DCR denominators set to the enrolled patients (where stated)."""
    out = cohorts.copy()
    for col in ("orr_n", "dcr_n"):
        have = out[col].notna() & out["n_enrolled"].notna()
        out.loc[have, col] = out.loc[have, "n_enrolled"]
    return out


def itt_changes(cohorts: pd.DataFrame, outcome: str = "ORR") -> pd.DataFrame:
    """Cohorts whose ``outcome`` denominator is not the enrolled number: label, evaluable, enrolled."""
    col = f"{outcome.lower()}_n"
    diff = cohorts[cohorts[col].notna() & cohorts["n_enrolled"].notna() & (cohorts[col] != cohorts["n_enrolled"])]
    return pd.DataFrame({"Cohort": diff["label"].to_numpy(), "Evaluable": diff[col].astype(int).to_numpy(),
                         "Enrolled": diff["n_enrolled"].astype(int).to_numpy()})


def strata_table(results: dict[str, dict[str, pe.Estimate | None]]) -> pd.DataFrame:
    """Outcome x stratum display table (estimate with CI, k, patients, I²)."""
    rows = []
    for outcome, by in results.items():
        for key, e in by.items():
            rows.append({"Outcome": outcome, "Cohorts": STRATA[key],
                         "Estimate (95% CI)": "not estimable" if e is None else e.text(),
                         "k": "–" if e is None else str(e.k), "Patients": "–" if e is None else str(e.n),
                         "I²": "–" if e is None or pd.isna(e.i2) else f"{100 * e.i2:.0f}%"})
    return pd.DataFrame(rows)


def _put(key, e: pe.Estimate, chapter, params, root, extra=None):
    from living_review.provenance.ledger import record

    record(key, outcome=e.outcome, estimate=e.estimate, ci_low=e.ci_low, ci_high=e.ci_high, k=e.k, n=e.n,
           params={"method": e.method, **params}, inputs=list(e.inputs), chapter=chapter, root=root,
           extra={"i2": e.i2, **(extra or {})})
    return key


def record_all(cohorts: pd.DataFrame, meta, *, chapter: str, root=None) -> list[str]:
    """Ledger records: ``sof.<orr|dcr>.trials_only``, ``.real_world_only``, ``.without_<study_id>``
    (the most influential cohort left out) and ``sensitivity.<orr|dcr>.itt_enrolled``."""
    keys = []
    for outcome in ("ORR", "DCR"):
        low = outcome.lower()
        for stratum, e in by_setting(cohorts, outcome, meta).items():
            if stratum != "all" and e is not None:
                keys.append(_put(f"sof.{low}.{stratum}", e, chapter, {"cohorts": STRATA[stratum]}, root))
        inf = most_influential(cohorts, outcome, meta)
        if inf is not None:
            keys.append(_put(f"sof.{low}.without_{inf.study_id}", inf.without, chapter,
                             {"cohorts": f"all but {inf.label} (most influential)"}, root,
                             {"with_estimate": inf.with_it.estimate, "with_i2": inf.with_it.i2}))
        itt = pe.proportion(itt_cohorts(cohorts), outcome, meta)
        if itt is not None:
            keys.append(_put(f"sensitivity.{low}.itt_enrolled", itt, chapter, {"denominator": "enrolled"}, root))
    return keys


def by_setting_all(cohorts: pd.DataFrame, meta) -> dict[str, dict[str, pe.Estimate | None]]:
    """:func:`by_setting` of each response outcome."""
    return {o: by_setting(cohorts, o, meta) for o in OUTCOMES}


def influence_note(cohorts: pd.DataFrame, influence: Influence) -> str:
    """What the most influential cohort is: its design and where its response counts were read."""
    row = cohorts.set_index("study_id").loc[influence.study_id]
    read = "a secondary source" if row["source_level"] == "secondary" else "the " + row["source_level"].replace("_", " ")
    return f"{row['design'].replace('_', ' ')}, response counts read in {read}"


def strata_with_influence(by: dict, influence: Influence) -> pd.DataFrame:
    """:func:`strata_table`, and a last row: the ORR without the most influential cohort."""
    table = strata_table(by)
    w = influence.without
    table.loc[len(table)] = {"Outcome": "ORR", "Cohorts": f"all but {influence.label} (most influential)",
                             "Estimate (95% CI)": w.text(), "k": str(w.k), "Patients": str(w.n),
                             "I²": f"{100 * w.i2:.0f}%"}
    return table
