"""What guideline panels asked for, as far as the data carry it: rows beside the summary of findings.

* **Fatal bleeding** and **airway events** (perforation, fistula, pneumothorax, pneumomediastinum)
  as their own rows: the events and patients of each cohort that reports one, and how many cohorts
  report none. They are counted, not pooled: a cohort that reports no such event may not have
  looked for it, so pooling only the cohorts that report one would overstate the risk, and pooling
  the others as zeros would understate it.
* **Discontinuation for adverse events**: the cohorts that report it, with their counts.
* **Duration of response** and **quality of life**: no cohort's data in this version hold them (none
  was extracted); the rows say so rather than leaving them out.
* **BRAF status** per cohort, from ``data/biomarkers.csv`` (``not_reported`` where the sources
  read do not give it).
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from living_review.analyses.safety_report import FATAL_BAND, GRADE3_BANDS, is_aggregate

BLEEDING = ("haemorrhage", "hemorrhage", "haemoptysis", "hemoptysis", "bleeding")
AIRWAY = ("perforation", "fistula", "pneumothorax", "pneumomediastinum")
DISCONTINUATION = ("discontinuation",)
COLUMNS = ["Outcome", "Cohorts reporting it", "What they report", "Why not pooled"]
NOT_POOLED = "counted, not pooled: a cohort that reports no such event may not have looked for it"


@dataclass(frozen=True)
class HarmCount:
    """The cohorts of ``cohorts`` that report an event of one kind: (label, events, denominator, term, grade)."""

    outcome: str
    rows: tuple[tuple[str, int, int, str, str], ...]
    k_cohorts: int

    @property
    def k_reporting(self) -> int:
        return len({r[0] for r in self.rows})

    @property
    def events(self) -> int:
        return sum(r[1] for r in self.rows)

    def text(self) -> str:
        if not self.rows:
            return "none of the cohorts reports it"
        per = "; ".join(f"{label} {e}/{n} ({term.lower()}, grade {grade})" for label, e, n, term, grade in self.rows)
        return f"{self.events} event{'s' if self.events != 1 else ''}: {per}"


def _matching(adverse_events: pd.DataFrame, cohorts: pd.DataFrame, words, bands) -> pd.DataFrame:
    ae = adverse_events[adverse_events["study_id"].isin(cohorts["study_id"])
                        & adverse_events["grade_band"].isin(bands) & ~adverse_events["term"].map(is_aggregate)]
    hit = ae["term"].str.lower().str.contains("|".join(words))
    labels = dict(zip(cohorts["study_id"], cohorts["label"]))
    order = {sid: i for i, sid in enumerate(cohorts["study_id"])}
    out = ae[hit].assign(label=lambda d: d["study_id"].map(labels), order=lambda d: d["study_id"].map(order))
    return out.sort_values(["order", "term"])


def harm_count(adverse_events: pd.DataFrame, cohorts: pd.DataFrame, outcome: str, words, bands) -> HarmCount:
    """The events whose term contains one of ``words`` at one of the grade ``bands``, cohort by cohort."""
    m = _matching(adverse_events, cohorts, words, bands)
    rows = tuple((r.label, int(r.events), int(r.denominator), r.term, r.grade_band.replace(">=", "≥"))
                 for r in m.itertuples() if int(r.events) > 0)
    return HarmCount(outcome, rows, len(cohorts))


def discontinuation(adverse_events: pd.DataFrame, cohorts: pd.DataFrame) -> HarmCount:
    """The cohorts that report how many patients stopped treatment for adverse events (an "Any ..." row)."""
    ae = adverse_events[adverse_events["study_id"].isin(cohorts["study_id"])]
    hit = ae[ae["term"].str.lower().str.contains("|".join(DISCONTINUATION))]
    labels = dict(zip(cohorts["study_id"], cohorts["label"]))
    rows = tuple((labels[r.study_id], int(r.events), int(r.denominator), r.term, r.grade_band.replace(">=", "≥"))
                 for r in hit.itertuples())
    return HarmCount("Discontinuation for adverse events", rows, len(cohorts))


def panel_table(adverse_events: pd.DataFrame, cohorts: pd.DataFrame, left_out: pd.DataFrame | None = None
                ) -> pd.DataFrame:
    """One row per outcome the panels asked for, over ``cohorts`` (the primary analysis); what the
    overlapping cohorts ``left_out`` of it report is named where the primary cohorts report nothing."""
    bleeding = harm_count(adverse_events, cohorts, "Fatal bleeding", BLEEDING, (FATAL_BAND,))
    airway = harm_count(adverse_events, cohorts, "Airway events (perforation, fistula, pneumothorax, "
                        "pneumomediastinum), grade ≥3 or fatal", AIRWAY, (*GRADE3_BANDS, FATAL_BAND))
    stop = discontinuation(adverse_events, cohorts)
    rows = []
    for h in (bleeding, airway, stop):
        text = h.text()
        if not h.rows and left_out is not None and len(left_out):
            other = (discontinuation(adverse_events, left_out) if h is stop else None)
            if other is not None and other.rows:
                text += f" (an overlapping cohort left out of the primary analysis does: {other.text()})"
        rows.append({"Outcome": h.outcome, "Cohorts reporting it": f"{h.k_reporting} of {h.k_cohorts}",
                     "What they report": text, "Why not pooled": NOT_POOLED if h.rows else "nothing to pool"})
    k = len(cohorts)
    rows += [{"Outcome": name, "Cohorts reporting it": f"0 of {k}",
              "What they report": "not extracted for any cohort in this version's data",
              "Why not pooled": "nothing to pool"}
             for name in ("Duration of response", "Quality of life")]
    return pd.DataFrame(rows, columns=COLUMNS)


def biomarker_table(biomarkers: pd.DataFrame, cohorts: pd.DataFrame, marker: str = "BRAF V600E") -> pd.DataFrame:
    """Each cohort's status for ``marker`` as ``data/biomarkers.csv`` records it: Study, Status, Source."""
    b = biomarkers[biomarkers["marker"] == marker].set_index("study_id")
    rows = []
    for c in cohorts.itertuples():
        if c.study_id not in b.index:
            raise ValueError(f"biomarkers.csv: no {marker} row for study {c.study_id!r}; add one (status "
                             "not_reported when the sources read do not give it)")
        r = b.loc[c.study_id]
        status = ("not reported" if r["status"] == "not_reported" else
                  f"{int(r['n_positive'])} of {int(r['n_tested'])} tested positive")
        rows.append({"Study": c.label, f"{marker} status": status, "Source": r["source"]})
    return pd.DataFrame(rows, columns=["Study", f"{marker} status", "Source"])


def braf_reported(biomarkers: pd.DataFrame, cohorts: pd.DataFrame, marker: str = "BRAF V600E") -> int:
    """How many of ``cohorts`` report their patients' ``marker`` status."""
    b = biomarkers[(biomarkers["marker"] == marker) & biomarkers["study_id"].isin(cohorts["study_id"])]
    return int((b["status"] != "not_reported").sum())
