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
    """Every other-histology cohort, and whether any of them entered an ATC pooling (it must not)."""

    cohorts: pd.DataFrame
    by_histology: dict[str, HistologyCohort]
    in_atc_pool: tuple[str, ...]


def _responses(rows: pd.DataFrame, level: float) -> dict[str, CohortResponse]:
    return {c.outcome: c for c in cohort_responses(rows, level)}


def other_histologies(studies: pd.DataFrame, level: float) -> OtherHistologies:
    """The other-histology cohorts by histology; ``ValueError`` when a histology has more than one cohort
    (the chapter describes one per histology)."""
    other = other_histology_cohorts(studies)
    atc = select_cohorts(studies, dedupe=False)
    found = {}
    for histology, rows in other.groupby("histology", sort=False):
        if len(rows) != 1:
            raise ValueError(f"the other-histology chapter describes one {histology} cohort; the data give "
                             f"{len(rows)} ({', '.join(rows['study_id'])}): update its text")
        row = rows.iloc[0]
        same = atc[atc["doi"].notna() & (atc["doi"] == row["doi"])] if pd.notna(row["doi"]) else atc.iloc[0:0]
        found[histology] = HistologyCohort(row, _responses(rows, level), same.iloc[0] if len(same) else None,
                                           _responses(same.iloc[:1], level))
    leak = tuple(sorted(set(other["study_id"]) & set(select_cohorts(studies)["study_id"])))
    return OtherHistologies(other, found, leak)
