"""The cohorts of other histologies (MTC, DTC, PDTC): each on its own, never pooled with ATC.

The other-histology chapter describes one cohort per histology and, where the same publication
reports an ATC cohort too, that cohort beside it; :func:`other_histologies` finds them in the
data, so that the chapter names no cohort.
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from living_review.analyses.selection import CohortResponse, cohort_responses, other_histology_cohorts, select_cohorts


@dataclass(frozen=True)
class HistologyCohort:
    """One other-histology cohort, its response counts, and the ATC cohort of its publication (if any)."""

    cohort: pd.Series
    responses: dict[str, CohortResponse]
    atc_sibling: pd.Series | None
    atc_responses: dict[str, CohortResponse]


@dataclass(frozen=True)
class OtherHistologies:
    """Every other-histology cohort, and whether any of them entered an ATC pooling (it must not).

    ``by_histology`` holds each histology with exactly one cohort; ``with_atc_arm`` the cohorts
    whose publication also reports an ATC cohort (the same DOI).
    """

    cohorts: pd.DataFrame
    by_histology: dict[str, HistologyCohort]
    with_atc_arm: tuple[HistologyCohort, ...]
    in_atc_pool: tuple[str, ...]

    def only(self, histology: str) -> HistologyCohort:
        """The one cohort of ``histology``; ``ValueError`` when there is none or more than one (the chapter's
        text describes one)."""
        if histology not in self.by_histology:
            ids = self.cohorts.loc[self.cohorts["histology"] == histology, "study_id"]
            raise ValueError(f"the other-histology chapter describes one {histology} cohort; the data give "
                             f"{len(ids)} ({', '.join(ids) or 'none'}): update its text")
        return self.by_histology[histology]

    def one_with_atc_arm(self) -> HistologyCohort:
        """The one cohort whose publication reports an ATC arm too; ``ValueError`` otherwise."""
        if len(self.with_atc_arm) != 1:
            ids = [h.cohort["study_id"] for h in self.with_atc_arm]
            raise ValueError(f"the other-histology chapter describes one study with an ATC arm beside another "
                             f"histology; the data give {len(ids)} ({', '.join(ids) or 'none'}): update its text")
        return self.with_atc_arm[0]


def _responses(rows: pd.DataFrame, level: float) -> dict[str, CohortResponse]:
    return {c.outcome: c for c in cohort_responses(rows, level)}


def _described(row: pd.Series, atc: pd.DataFrame, level: float) -> HistologyCohort:
    same = atc[atc["doi"].notna() & (atc["doi"] == row["doi"])] if pd.notna(row["doi"]) else atc.iloc[0:0]
    return HistologyCohort(row, _responses(row.to_frame().T, level), same.iloc[0] if len(same) else None,
                           _responses(same.iloc[:1], level))


def other_histologies(studies: pd.DataFrame, level: float) -> OtherHistologies:
    """The other-histology cohorts: by histology (where it has one cohort), and those beside an ATC arm."""
    other = other_histology_cohorts(studies)
    atc = select_cohorts(studies, dedupe=False)
    every = [_described(row, atc, level) for _, row in other.iterrows()]
    counts = other["histology"].value_counts()
    by_histology = {h.cohort["histology"]: h for h in every if counts[h.cohort["histology"]] == 1}
    leak = tuple(sorted(set(other["study_id"]) & set(select_cohorts(studies)["study_id"])))
    return OtherHistologies(other, by_histology, tuple(h for h in every if h.atc_sibling is not None), leak)
