"""Risk of bias: the JBI checklist's overall rule, and the checks of ``risk_of_bias.csv`` for every tool.

``risk_of_bias.csv`` holds three tools, named in its ``tool`` column: the JBI checklist for
case series for every cohort (below), RoB 2 for every randomised comparison and ROBINS-I
for every non-randomised one (their domains, vocabularies and overall rule are in
:mod:`living_review.appraisal.rob_tools`). The functions here that predate the comparative tools
(:func:`overall`, :func:`overall_table`, the constants) read the JBI rows only.

The JBI tool
------------
Every cohort of ``studies.csv`` is assessed with the JBI critical appraisal checklist for
case series (Munn et al. 2020), ten items answered *yes*, *no*, *unclear* or *not
applicable*. ``risk_of_bias.csv`` holds one row per cohort and item with the support and
a source locator. A judgement other than *unclear* needs a full text: where only an
abstract or a record was read, an item is judged only where that source answers it, with
the passage quoted in ``support``; otherwise it is *unclear* and marked as not read (the
review never judges a study's methods from another review's summary of them).

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
* every JBI item appears exactly once for every cohort of ``studies.csv`` (a missing item
  is reported at the cohort's line of ``studies.csv``; a cohort that enters a pooled
  analysis is named as such), and no row names an unknown cohort;
* each row's item and judgement belong to its tool (the file's vocabularies are the union
  of the three tools');
* JBI rows leave ``comparison_id`` and ``outcome`` empty; RoB 2 and ROBINS-I rows fill
  both: a comparison of ``comparisons.csv``, of the row's cohort, whose allocation the
  tool is for (randomised: ``rob2``; non-randomised: ``robins_i``), and an endpoint that
  the comparison reports;
* every comparison of ``comparisons.csv`` is assessed, with every domain of its tool for
  each outcome assessed (reported at the comparison's first line of ``comparisons.csv``);
* a judgement other than *unclear* (JBI) or *no information* (RoB 2, ROBINS-I) that does
  not rest on a full text quotes the passage of the abstract or record it rests on (the
  ``basis`` column says what was read, so that the book can tell *unclear because not
  reported* from *unclear because not read*);
* signalling answers (RoB 2, ROBINS-I confounding) and the domain judgement they give:
  :mod:`living_review.data.rob_signalling`;
* no (tool, cohort, comparison, outcome, item) appears twice.

Vocabularies and required cells come from ``datapackage.json``.

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

from living_review.appraisal.rob_algorithms import is_signalling
from living_review.appraisal.rob_tools import TOOL_FOR_ALLOCATION, TOOLS, comparative_overall, get_tool
from living_review.core.choices import check_choice
from living_review.core.problems import Problem
from living_review.data.rob_signalling import answer_problems, derived_problems, quotes_source

Row = tuple[int, dict[str, Any]]
JBI = "jbi_case_series"
TOOL = TOOLS[JBI].name
ITEMS: dict[str, str] = TOOLS[JBI].item_labels
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


def _row_problems(file: str, line: int, v: dict, cohorts: dict, comps: dict) -> list[Problem]:
    """What one row breaks on its own or against ``studies.csv`` and ``comparisons.csv``."""
    out: list[Problem] = []
    code, sid, cid, item = v.get("tool"), v.get("study_id"), v.get("comparison_id"), v.get("item")
    if code is None:
        return out
    tool = get_tool(code)
    if item is not None and is_signalling(item):
        out += answer_problems(file, line, v)
    elif item is not None and item not in tool.item_codes:
        out.append(Problem(file, line, "item", f"{item!r} is not an item of {tool.short} (use one of: "
                           f"{', '.join(tool.item_codes)})"))
    judgement, basis = v.get("judgement"), v.get("basis")
    if item is not None and is_signalling(item):
        pass  # the answer is checked with the question
    elif judgement is not None and judgement not in tool.judgements:
        out.append(Problem(file, line, "judgement", f"{judgement!r} is not a {tool.short} judgement (use one of: "
                           f"{', '.join(tool.judgements)})"))
    elif judgement not in (None, tool.unjudged) and basis == "secondary":
        out.append(Problem(file, line, "judgement", f"{judgement!r} rests on another review's summary: the "
                           f"review judges a study from its own report only (write {tool.unjudged})"))
    elif (judgement not in (None, tool.unjudged) and basis not in (None, "full_text")
          and not quotes_source(v.get("support"))):
        out.append(Problem(file, line, "support", f"{judgement!r} rests on {basis!r} and quotes no passage: a "
                           f"judgement from less than a full text quotes the words it rests on (quote them, or "
                           f"write {tool.unjudged})"))
    if sid is not None and sid not in cohorts:
        out.append(Problem(file, line, "study_id", f"{sid!r} is not a study_id of studies.csv (correct the id "
                           "or add the cohort)"))
    if tool.allocation is None:
        for col in ("comparison_id", "outcome"):
            if v.get(col) is not None:
                out.append(Problem(file, line, col, f"a {tool.short} row assesses a cohort, not a comparison "
                                   f"(empty {col}, or use the tool for the comparison's design)"))
        return out
    for col in ("comparison_id", "outcome"):
        if v.get(col) is None:
            out.append(Problem(file, line, col, f"a {tool.short} row needs its {col} (fill it in)"))
    if cid is None:
        return out
    if cid not in comps:
        out.append(Problem(file, line, "comparison_id", f"{cid!r} is not a comparison_id of comparisons.csv "
                           "(correct the id or add the comparison)"))
        return out
    ref, endpoints = comps[cid]
    if sid is not None and sid != ref.get("study_id"):
        out.append(Problem(file, line, "study_id", f"comparison {cid!r} is of {ref.get('study_id')!r}, not "
                           f"{sid!r} (use the comparison's study_id)"))
    allocation = ref.get("allocation")
    if allocation in TOOL_FOR_ALLOCATION and TOOL_FOR_ALLOCATION[allocation] != code:
        out.append(Problem(file, line, "tool", f"comparison {cid!r} is {allocation}: assess it with "
                           f"{TOOL_FOR_ALLOCATION[allocation]}, not {code}"))
    outcome = v.get("outcome")
    if outcome is not None and outcome not in endpoints:
        out.append(Problem(file, line, "outcome", f"comparison {cid!r} reports no {outcome} (it reports "
                           f"{', '.join(sorted(e for e in endpoints if e))}; correct the outcome)"))
    return out


def _unkeyed_duplicates(file: str, rows: list[Row]) -> list[Problem]:
    # The schema's key check skips keys with an empty cell, which every JBI row has
    # (comparison_id, outcome), so those rows are checked here with empty as a value.
    cols = ("tool", "study_id", "comparison_id", "outcome", "item")
    seen: dict[tuple, int] = {}
    out = []
    for line, v in rows:
        k = tuple(v.get(c) for c in cols)
        if None not in (k[0], k[1], k[4]) and None in k:
            if k in seen:
                shown = ", ".join("" if x is None else str(x) for x in k)
                out.append(Problem(file, line, "+".join(cols), f"{shown!r} repeats line {seen[k]} (each key must "
                                   "be unique; merge or rename the rows)"))
            else:
                seen[k] = line
    return out


def rob_rules(file: str, rows: list[Row], studies_file: str, studies: list[Row],
              comparisons_file: str = "comparisons.csv", comparisons: list[Row] = ()) -> list[Problem]:
    """Every check of the module docstring over ``risk_of_bias.csv``, against studies and comparisons."""
    cohorts = {v.get("study_id"): (line, v) for line, v in studies if v.get("study_id")}
    comps: dict[str, tuple[dict, set]] = {}
    first_line: dict[str, int] = {}
    for line, v in comparisons:
        cid = v.get("comparison_id")
        if cid is not None:
            first_line.setdefault(cid, line)
            comps.setdefault(cid, (v, set()))[1].add(v.get("endpoint"))
    out: list[Problem] = _unkeyed_duplicates(file, rows) + derived_problems(file, rows)
    seen: dict[str, set[str]] = {}
    assessed: dict[str, dict[str, set[str]]] = {}
    for line, v in rows:
        out += _row_problems(file, line, v, cohorts, comps)
        sid, item, code = v.get("study_id"), v.get("item"), v.get("tool")
        if code == JBI and sid is not None and item is not None:
            seen.setdefault(sid, set()).add(item)
        cid, outcome = v.get("comparison_id"), v.get("outcome")
        if code in TOOLS and code != JBI and cid in comps and outcome is not None and item is not None:
            if TOOL_FOR_ALLOCATION.get(comps[cid][0].get("allocation")) == code:
                assessed.setdefault(cid, {}).setdefault(outcome, set()).add(item)
    for sid, (line, v) in cohorts.items():
        missing = [q for q in ITEMS if q not in seen.get(sid, set())]
        if missing:
            pooled = " (it enters a pooled analysis)" if v.get("pooling_role") in POOLED_ROLES else ""
            out.append(Problem(studies_file, line, "study_id",
                               f"cohort {sid!r}{pooled} has no risk-of-bias judgement for {', '.join(missing)} "
                               f"(add one row per item to {file})"))
    for cid, (ref, _) in comps.items():
        code = TOOL_FOR_ALLOCATION.get(ref.get("allocation"))
        if code is None:
            continue
        tool = TOOLS[code]
        if cid not in assessed:
            out.append(Problem(comparisons_file, first_line[cid], "comparison_id",
                               f"{ref.get('allocation')} comparison {cid!r} has no {tool.short} assessment (add "
                               f"one row per domain {', '.join(tool.item_codes)} to {file}, tool {code}, with "
                               "the outcome assessed)"))
            continue
        for outcome, items in sorted(assessed[cid].items()):
            missing = [d for d in tool.item_codes if d not in items]
            if missing:
                out.append(Problem(comparisons_file, first_line[cid], "comparison_id",
                                   f"comparison {cid!r} has no {tool.short} judgement of {outcome} for "
                                   f"{', '.join(missing)} (add one row per domain to {file})"))
    return out


def jbi_rows(frame: pd.DataFrame) -> pd.DataFrame:
    """The JBI rows of a loaded ``risk_of_bias`` table (all of it if it has no ``tool`` column)."""
    return frame if "tool" not in frame.columns else frame[frame["tool"] == JBI]


def domain_rows(frame: pd.DataFrame) -> pd.DataFrame:
    """The rows of a loaded ``risk_of_bias`` table that judge an item or domain (no signalling answers)."""
    return frame[~frame["item"].map(is_signalling).astype(bool)]


def signalling_rows(frame: pd.DataFrame) -> pd.DataFrame:
    """The signalling answers of a loaded ``risk_of_bias`` table (items ``D1.1`` ...)."""
    return frame[frame["item"].map(is_signalling).astype(bool)]


def overall_table(frame: pd.DataFrame) -> pd.DataFrame:
    """Overall JBI judgement per cohort of a loaded ``risk_of_bias`` table: ``study_id``, ``overall``."""
    by = jbi_rows(frame).pivot(index="study_id", columns="item", values="judgement")
    return pd.DataFrame({"study_id": by.index, "overall": [overall(r.dropna().to_dict()) for _, r in by.iterrows()]})


def comparative_overall_table(frame: pd.DataFrame, tool: str) -> pd.DataFrame:
    """Overall judgement per assessed comparison and outcome of one comparative tool.

    Columns ``comparison_id``, ``study_id``, ``outcome``, ``overall``, in the order of the
    file. ``tool`` is ``"rob2"`` or ``"robins_i"`` (a ``ValueError`` otherwise).
    """
    check_choice("tool", tool, [t for t in TOOLS if t != JBI])
    rows = domain_rows(frame[frame["tool"] == tool])
    out = []
    for (cid, sid, outcome), group in rows.groupby(["comparison_id", "study_id", "outcome"], sort=False):
        judged = dict(zip(group["item"], group["judgement"]))
        out.append({"comparison_id": cid, "study_id": sid, "outcome": outcome,
                    "overall": comparative_overall(tool, judged)})
    return pd.DataFrame(out, columns=["comparison_id", "study_id", "outcome", "overall"])
