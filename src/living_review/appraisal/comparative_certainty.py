"""Certainty of a between-arm comparison: the GRADE rating of one comparative outcome.

The single-arm ratings (:mod:`living_review.appraisal.certainty`) describe what happens on a TKI;
these describe what a TKI changes against a comparator. They are never mixed.

Rating rules (applied by :func:`rate_comparison`, stated in the summary chapter)
-------------------------------------------------------------------------------
1. **Start.** A randomised comparison starts at *high*; a non-randomised one (groups as
   treated) at *low*.
2. **Risk of bias**, from the comparison's overall judgement with the tool for its design
   (:mod:`living_review.data.risk_of_bias`): RoB 2 *some concerns* −1, *high* −2; ROBINS-I
   *serious* −1, *critical* −2 (*moderate* is already priced into the low start); *no
   information* with either tool −1, because the risk of bias could not be assessed.
3. **Inconsistency.** One study: not assessable (stated, not downgraded).
4. **Indirectness**, judged by the review for each comparison and outcome against its
   question (population, intervention, comparator, outcome) and recorded with its reason in
   ``comparative_certainty.csv``: 0, −1 or −2.
5. **Imprecision.** The interval *includes no effect* (a ratio of 1, a difference of 0), or
   no interval is reported; the comparison is *small* below 300 patients (the optimal
   information size rule of thumb). Either: −1; both: −2.
6. **Publication bias.** One study: not assessable (stated, not downgraded).
7. The rating never falls below *very low*; no upgrading is applied.

References
----------
Guyatt GH et al. GRADE guidelines 4-8, J Clin Epidemiol 2011;64:407-15 (risk of bias),
1283-93 (imprecision), 1303-10 (indirectness). Schünemann HJ et al. GRADE guidelines 18:
how ROBINS-I and other tools to assess risk of bias in nonrandomized studies should be used.
J Clin Epidemiol 2019;111:105-14.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal, get_args

from living_review.appraisal.certainty import LEVELS, OPTIMAL_INFORMATION_SIZE, CertaintyRating
from living_review.core.choices import check_choice

Allocation = Literal["randomised", "non_randomised"]
ALLOCATIONS: tuple[str, ...] = get_args(Allocation)
#: downgrade for each overall judgement, per tool (tool names as in risk_of_bias.csv)
ROB_DOWNGRADE: dict[str, dict[str, int]] = {
    "rob2": {"low": 0, "some_concerns": 1, "high": 2, "no_information": 1},
    "robins_i": {"low": 0, "moderate": 0, "serious": 1, "critical": 2, "no_information": 1},
}
TOOL_FOR: dict[str, str] = {"randomised": "rob2", "non_randomised": "robins_i"}
TOOL_NAMES = {"rob2": "RoB 2", "robins_i": "ROBINS-I"}
_LEVEL_WORDS = {1: "one level", 2: "two levels"}


@dataclass(frozen=True)
class ComparativeProfile:
    """What the rating looks at for one comparative outcome.

    Parameters
    ----------
    allocation : "randomised" or "non_randomised".
    studies, patients : studies and patients in the comparison (both arms).
    rob_overall : the overall risk-of-bias judgement with the design's tool
        (:data:`TOOL_FOR`), as written in ``risk_of_bias.csv``.
    indirectness, indirectness_reason : the review's judgement (0, 1 or 2) and why.
    includes_null : the interval includes no effect; None when no interval is reported.
    """

    allocation: Allocation
    studies: int
    patients: int
    rob_overall: str
    indirectness: int
    indirectness_reason: str
    includes_null: bool | None


def rate_comparison(p: ComparativeProfile) -> CertaintyRating:
    """Rate one comparative outcome with the module's rules.

    Example
    -------
    >>> rate_comparison(ComparativeProfile("randomised", 1, 71, "no_information", 1, "other setting", True)).rating
    'very low'
    """
    check_choice("allocation", p.allocation, ALLOCATIONS)
    tool = TOOL_FOR[p.allocation]
    if p.rob_overall not in ROB_DOWNGRADE[tool]:
        raise ValueError(f"{TOOL_NAMES[tool]} overall judgement {p.rob_overall!r} is not one of "
                         f"{', '.join(ROB_DOWNGRADE[tool])}")
    if p.indirectness not in (0, 1, 2):
        raise ValueError(f"indirectness={p.indirectness!r}: give 0, 1 or 2 levels")
    if p.studies < 1 or p.patients < 1:
        raise ValueError(f"a rating needs at least one study and patient (studies={p.studies}, patients={p.patients})")
    start = "high" if p.allocation == "randomised" else "low"
    down: list[tuple[str, int, str]] = []
    plain: list[str] = []
    notes: list[str] = []
    judged = p.rob_overall.replace("_", " ")
    levels = ROB_DOWNGRADE[tool][p.rob_overall]
    if levels:
        if p.rob_overall == "no_information":
            why = f"{TOOL_NAMES[tool]}: no information (not assessable from the sources read)"
            say = (f"its risk of bias could not be assessed with {TOOL_NAMES[tool]}, because the sources read do not "
                   "report what the tool's domains ask")
        else:
            why = f"{TOOL_NAMES[tool]} overall: {judged}"
            say = f"the comparison is at {judged} risk of bias ({TOOL_NAMES[tool]})"
        down.append(("risk of bias", levels, why))
        plain.append(say)
    else:
        notes.append(f"risk of bias not serious ({TOOL_NAMES[tool]} overall: {judged})")
    if p.studies < 2:
        notes.append("inconsistency not assessable (one study)")
    if p.indirectness:
        down.append(("indirectness", p.indirectness, p.indirectness_reason))
        plain.append(p.indirectness_reason.rstrip(".").replace("The ", "the ", 1))
    else:
        notes.append("indirectness not serious")
    hits = []
    if p.includes_null is None:
        hits.append(("no interval reported", "no confidence interval is reported"))
    elif p.includes_null:
        hits.append(("the interval includes no effect", "the confidence interval includes no effect"))
    if p.patients < OPTIMAL_INFORMATION_SIZE:
        hits.append((f"{p.patients} patients (< {OPTIMAL_INFORMATION_SIZE})",
                     f"the comparison rests on {p.patients} patients, fewer than {OPTIMAL_INFORMATION_SIZE}"))
    if hits:
        down.append(("imprecision", len(hits), " and ".join(w for w, _ in hits)))
        plain.append(" and ".join(s for _, s in hits))
    if p.studies < 2:
        notes.append("publication bias not assessable (one study)")
    level = max(0, LEVELS.index(start) - sum(n for _, n, _ in down))
    explanations = tuple(f"Downgraded {_LEVEL_WORDS[n]} for {d}: {s}." for (d, n, _), s in zip(down, plain))
    design = "randomised" if start == "high" else "non-randomised comparison"
    return CertaintyRating(LEVELS[level], start, tuple(down), tuple(notes), explanations, design=design)
