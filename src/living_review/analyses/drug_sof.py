"""A summary of findings for one drug, built by the same function as the overall one.

:func:`drug_rows` calls :func:`living_review.analyses.summary_of_findings.build_summary` on one drug's
ATC monotherapy cohorts (overlap resolved), with the survival chapter's pooled medians of that drug
(:func:`living_review.analyses.survival_source.read_medians`), so its rows are rated by the same rules
and printed by :func:`living_review.report.sof_table.standard_source` in the same standard form:
response, disease control, survival (medians and reported landmark rates) and serious harms (the
most-reported grade ≥3 adverse events). A drug gets its table when at least :data:`MIN_COHORTS` of
its cohorts enter the primary analysis (:func:`drugs_with_table`); fewer leave most rows to one
cohort, which the drug chapter already shows.
"""

from __future__ import annotations

import pandas as pd

from living_review.analyses import selection
from living_review.analyses import summary_of_findings as sof
from living_review.analyses import survival_source

MIN_COHORTS = 3


def drugs_with_table(cohorts: pd.DataFrame, drugs) -> list[str]:
    """The drugs of ``drugs`` (in that order) with at least :data:`MIN_COHORTS` cohorts in ``cohorts``."""
    counts = cohorts["drug"].value_counts()
    return [d for d in drugs if int(counts.get(d, 0)) >= MIN_COHORTS]


def drug_rows(evidence, settings, drug: str, *, n_terms: int = 3) -> tuple[sof.SofRow, ...]:
    """The summary-of-findings rows of ``drug``'s ATC monotherapy cohorts (see the module notes)."""
    cohorts = selection.select_cohorts(evidence.studies, drug=drug)
    if cohorts.empty:
        raise ValueError(f"drug={drug!r} has no ATC monotherapy cohort; choose one of "
                         f"{', '.join(sorted(selection.select_cohorts(evidence.studies)['drug'].unique()))}")
    medians = {ep: survival_source.read_medians(cohorts, ep, settings, drug=drug) for ep in ("PFS", "OS")}
    return sof.build_summary(evidence, settings, cohorts=cohorts, medians=medians, n_terms=n_terms)


def caption(drug: str, n_cohorts: int) -> str:
    """The table's caption, naming the drug and its cohorts."""
    return (f"Summary of findings: {drug} monotherapy in advanced ATC ({n_cohorts} cohorts; single-arm evidence, no "
            "comparator). Certainty: ⊕⊕⊕⊕ high, ⊕⊕⊕◯ moderate, ⊕⊕◯◯ low, ⊕◯◯◯ very low.")
