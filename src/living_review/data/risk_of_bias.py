"""Risk of bias per cohort: the tool (JBI checklist for case series), its overall rule and its checks.

The tool
--------
Every cohort of ``studies.csv`` is assessed with the JBI critical appraisal checklist for
case series (Munn et al. 2020), ten items answered *yes*, *no*, *unclear* or *not
applicable*. ``risk_of_bias.csv`` holds one row per cohort and item with the support and
a source locator. A judgement other than *unclear* needs a full text: where only an
abstract or another review was read, the item is *unclear* (the review never judges a
study's methods from a summary of them).

Overall judgement (the review's stated rule; the checklist has none)
--------------------------------------------------------------------
Items Q6, Q7 and Q9 ask whether demographics, clinical information and the site are
*reported*; they are shown but do not drive the overall judgement. Over the other seven
items (:data:`BIAS_ITEMS`):

* **high** if any is *no*;
* **low** if every one is *yes* or *not applicable*;
* **unclear** otherwise.

Checks (:func:`rob_rules`, run by ``validate`` and ``load_evidence``)
--------------------------------------------------------------------
* every item appears exactly once for every cohort of ``studies.csv`` (a missing item is
  reported at the cohort's line of ``studies.csv``; a cohort that enters a pooled
  analysis is named as such), and no row names an unknown cohort;
* a judgement other than *unclear* has ``basis = full_text``.

Vocabularies, required cells and the (cohort, item) key come from ``datapackage.json``.

References
----------
Munn Z, Barker TH, Moola S, et al. Methodological quality of case series studies: an
introduction to the JBI critical appraisal tool. JBI Evid Synth 2020;18(10):2127-33.

Example
-------
>>> overall({"Q1": "yes", "Q2": "yes", "Q3": "yes", "Q4": "unclear", "Q5": "yes", "Q6": "no",
...          "Q7": "yes", "Q8": "yes", "Q9": "yes", "Q10": "yes"})
'unclear'
"""

from __future__ import annotations

from typing import Any, Literal, get_args

import pandas as pd

from living_review.data.problems import Problem

Row = tuple[int, dict[str, Any]]
TOOL = "JBI critical appraisal checklist for case series"
ITEMS: dict[str, str] = {
    "Q1": "Clear inclusion criteria",
    "Q2": "Condition measured reliably",
    "Q3": "Valid identification of the condition",
    "Q4": "Consecutive inclusion",
    "Q5": "Complete inclusion",
    "Q6": "Demographics reported",
    "Q7": "Clinical information reported",
    "Q8": "Outcomes reported",
    "Q9": "Site reported",
    "Q10": "Appropriate statistics",
}
REPORTING_ITEMS = ("Q6", "Q7", "Q9")
BIAS_ITEMS = tuple(q for q in ITEMS if q not in REPORTING_ITEMS)
Judgement = Literal["yes", "no", "unclear", "not_applicable"]
JUDGEMENTS: tuple[str, ...] = get_args(Judgement)
Overall = Literal["low", "unclear", "high"]
OVERALL: tuple[str, ...] = get_args(Overall)
#: pooling roles whose cohorts enter a pooled analysis
POOLED_ROLES = ("atc_monotherapy", "atc_combination")


def overall(judgements: dict[str, str]) -> Overall:
    """Overall risk of bias of one cohort from its item judgements (rule in the module docstring).

    Parameters
    ----------
    judgements : item code -> judgement, for every item of :data:`ITEMS`.

    Raises
    ------
    ValueError : an item is missing or a judgement is not in :data:`JUDGEMENTS`.
    """
    missing = [q for q in ITEMS if q not in judgements]
    if missing:
        raise ValueError(f"no judgement for item(s) {', '.join(missing)}; every item of {', '.join(ITEMS)} is needed")
    bad = {q: j for q, j in judgements.items() if j not in JUDGEMENTS}
    if bad:
        raise ValueError(f"judgement(s) {bad} not allowed; choose one of {', '.join(JUDGEMENTS)}")
    core = [judgements[q] for q in BIAS_ITEMS]
    if "no" in core:
        return "high"
    if all(j in ("yes", "not_applicable") for j in core):
        return "low"
    return "unclear"


def rob_rules(file: str, rows: list[Row], studies_file: str, studies: list[Row]) -> list[Problem]:
    """Completeness and basis checks of ``risk_of_bias.csv`` against ``studies.csv``."""
    out: list[Problem] = []
    cohorts = {v.get("study_id"): (line, v) for line, v in studies if v.get("study_id")}
    seen: dict[str, set[str]] = {}
    for line, v in rows:
        sid, item = v.get("study_id"), v.get("item")
        if sid is not None and sid not in cohorts:
            out.append(Problem(file, line, "study_id", f"{sid!r} is not a study_id of studies.csv (correct the id "
                               "or add the cohort)"))
        if sid is not None and item is not None:
            seen.setdefault(sid, set()).add(item)
        judgement, basis = v.get("judgement"), v.get("basis")
        if judgement not in (None, "unclear") and basis not in (None, "full_text"):
            out.append(Problem(file, line, "judgement", f"{judgement!r} rests on {basis!r}: only a full text "
                               "supports a judgement (write unclear and say what was read in support)"))
    for sid, (line, v) in cohorts.items():
        missing = [q for q in ITEMS if q not in seen.get(sid, set())]
        if missing:
            pooled = " (it enters a pooled analysis)" if v.get("pooling_role") in POOLED_ROLES else ""
            out.append(Problem(studies_file, line, "study_id",
                               f"cohort {sid!r}{pooled} has no risk-of-bias judgement for {', '.join(missing)} "
                               f"(add one row per item to {file})"))
    return out


def overall_table(frame: pd.DataFrame) -> pd.DataFrame:
    """Overall judgement per cohort of a loaded ``risk_of_bias`` table: ``study_id``, ``overall``."""
    by = frame.pivot(index="study_id", columns="item", values="judgement")
    return pd.DataFrame({"study_id": by.index, "overall": [overall(r.dropna().to_dict()) for _, r in by.iterrows()]})
