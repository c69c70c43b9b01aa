"""Captions and alt text of the forest plots: what each shows, and "pooled" only when it was.

A caption that says "with the random-effects estimate" under a plot of one cohort, or alt
text that is a file path, tells a reader something untrue or nothing. These functions write
both from the result that was drawn.
"""

from __future__ import annotations

from living_review.core.choices import check_choice
from living_review.core.vocabularies import OUTCOMES, Outcome
from living_review.meta import MetaPropResult

_OUTCOME_WORDS = {"ORR": "Objective response rate (complete or partial response)",
                  "DCR": "Disease control rate (complete or partial response or stable disease)"}


def response_caption(result: MetaPropResult, outcome: Outcome, *, cohorts: str) -> str:
    """Caption of ``living_review.report.study_tables.response_forest``; "pooled" only when two or more cohorts were pooled.

    ``cohorts`` says which cohorts (MyST, e.g. "of the cohorts in {numref}`tbl-x`").
    """
    check_choice("outcome", outcome, OUTCOMES)
    if result.k == 1:
        return (f"{_OUTCOME_WORDS[outcome]} of the one cohort {cohorts} that reports it, with its exact "
                "interval; with one cohort nothing is pooled.")
    # the forest draws a prediction interval from k = 3 (as R meta)
    drawn = "its prediction interval and " if result.k > 2 else ""
    return (f"{_OUTCOME_WORDS[outcome]} of the {result.k} cohorts {cohorts} that report it, with the "
            f"random-effects estimate (diamond), {drawn}the heterogeneity statistics.")


def response_alt(result: MetaPropResult, outcome: Outcome, *, subject: str) -> str:
    """Alt text of ``living_review.report.study_tables.response_forest``: what the plot shows, in words."""
    check_choice("outcome", outcome, OUTCOMES)
    what = {"ORR": "objective response rate", "DCR": "disease control rate"}[outcome]
    if result.k == 1:
        return f"Forest plot of the {what} of the one cohort of {subject} that reports it, with its interval."
    return (f"Forest plot of the {what} of {result.k} cohorts of {subject}, one row per cohort with its "
            f"interval, and the pooled estimate of {100 * result.estimate:.0f}% as a diamond.")


def drug_forest_caption(result: MetaPropResult, outcome: Outcome) -> str:
    """Caption of the by-drug forest of ``selection.pool_by_drug``: "pooled" only where cohorts were pooled."""
    check_choice("outcome", outcome, OUTCOMES)
    pooled = [name for name, sub in result.subgroups.items() if sub.k > 1]
    alone = [name for name, sub in result.subgroups.items() if sub.k == 1]
    text = (f"{_OUTCOME_WORDS[outcome]} of the {result.k} ATC monotherapy cohorts, by drug, with the "
            "random-effects estimate over all cohorts (diamond), its prediction interval and the test for "
            "differences between drugs.")
    if pooled:
        text += f" Drugs pooled on their own: {', '.join(pooled)}."
    if alone:
        text += f" With one cohort, not pooled: {', '.join(alone)}."
    return text


def drug_forest_alt(result: MetaPropResult, outcome: Outcome) -> str:
    """Alt text of the by-drug forest: what the plot shows, in words."""
    check_choice("outcome", outcome, OUTCOMES)
    what = {"ORR": "objective response rate", "DCR": "disease control rate"}[outcome]
    return (f"Forest plot of the {what} of {result.k} cohorts grouped by drug "
            f"({', '.join(result.subgroups)}), one row per cohort with its interval, and the estimate over all "
            f"cohorts of {100 * result.estimate:.0f}% as a diamond.")
