"""Risk of bias of the between-arm comparisons (RoB 2, ROBINS-I), and the figures of any tool, for the book.

The tools, their domains and the overall rule are in :mod:`living_review.appraisal.rob_tools`;
the rows are those of ``risk_of_bias.csv`` whose ``tool`` is ``rob2`` (randomised
comparisons of ``comparisons.csv``) or ``robins_i`` (non-randomised ones), one per
comparison, outcome and domain. Nothing here changes the JBI assessment of the cohorts
(:func:`living_review.analyses.risk_of_bias.assessment`), which the GRADE rows of the pooled
estimates read.

Example
-------
>>> overall_by_comparison(load_evidence())                         # doctest: +SKIP
{'rtog0912': 'no_information', 'iwasaki2020_palliative': 'no_information', ...}
>>> comparative_rob_table(load_evidence(), "rob2").columns.tolist()  # doctest: +SKIP
['Comparison', 'Domain', 'Judgement', 'Support', 'Source']
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

import pandas as pd
from matplotlib.figure import Figure

from living_review.analyses.risk_of_bias import Assessment, assessment
from living_review.appraisal.rob_tools import COMPARATIVE_TOOLS, LEVEL_LABELS, TOOL_CODES, get_tool
from living_review.core.choices import check_choice
from living_review.core.vocabularies import COMPARATIVE_OUTCOMES, ComparativeOutcome
from living_review.data import risk_of_bias as data_rob
from living_review.report import risk_of_bias_plots as plots

TABLE_COLUMNS = ("Comparison", "Domain", "Judgement", "Support", "Source")
OVERALL_COLUMNS = ("Comparison", "Allocation", "Tool", "Outcome", "What was read", "Overall risk of bias")
_ALLOCATION = {"randomised": "randomised", "non_randomised": "non-randomised"}
_RULE = {"rob2": "worst domain (low < some concerns < high), each domain judged from its signalling answers by the "
                 "RoB 2 algorithm (the tool's option to rate several domains with some concerns as high is not used)",
         "robins_i": "worst domain (low < moderate < serious < critical); no information where a domain has no "
                     "information and none is serious or critical (ROBINS-I's definition)"}


def _check(tool: str, outcome: str, *, comparative: bool = True) -> None:
    allowed = COMPARATIVE_TOOLS if comparative else TOOL_CODES
    check_choice("tool", tool, allowed)
    check_choice("outcome", outcome, COMPARATIVE_OUTCOMES)


def tool_assessment(evidence, tool: str, *, outcome: ComparativeOutcome = "OS") -> Assessment:
    """The assessment of one tool: JBI per cohort (``outcome`` unused), RoB 2 or ROBINS-I per comparison."""
    _check(tool, outcome, comparative=False)
    if tool == data_rob.JBI:
        return assessment(evidence)
    rows = evidence.risk_of_bias
    rows = data_rob.domain_rows(rows[(rows["tool"] == tool) & (rows["outcome"] == outcome)])
    overall = data_rob.comparative_overall_table(rows, tool).set_index("comparison_id")["overall"].to_dict()
    return Assessment(rows, overall, tool)


def _label(study_label: str, drug: str, comparator: str) -> str:
    # a study label may end with the arm ("..., pazopanib arm"); the comparison names both arms
    head = re.sub(r", [^,]* arm$", "", study_label)
    return f"{head}: {drug} v {comparator.split(' (')[0]}"


def comparison_rows(evidence, tool: str, *, outcome: ComparativeOutcome = "OS") -> pd.DataFrame:
    """The comparisons ``tool`` assessed for ``outcome``, in the order of ``comparisons.csv``.

    Columns ``comparison_id``, ``study_id``, ``label`` (study, drug v comparator),
    ``allocation``, ``n`` (patients compared: the two arms' ``n`` for the outcome, the TKI
    arm's from ``studies.csv`` when ``comparisons.csv`` has no experimental row; 0 if neither
    arm's is known).
    """
    _check(tool, outcome)
    a = tool_assessment(evidence, tool, outcome=outcome)
    studies = evidence.studies.set_index("study_id")
    comp = evidence.comparisons
    out = []
    for cid, group in comp.groupby("comparison_id", sort=False):
        if cid not in a.overall:
            continue
        first = group.iloc[0]
        mine = group[group["endpoint"] == outcome]
        n_exp = mine.loc[mine["arm"] == "experimental", "n"].max()
        if pd.isna(n_exp):
            n_exp = studies.loc[first.study_id, "n_enrolled"]
        n_comp = mine.loc[mine["arm"] == "comparator", "n"].max()
        n = sum(int(x) for x in (n_exp, n_comp) if pd.notna(x))
        out.append({"comparison_id": cid, "study_id": first.study_id,
                    "label": _label(studies.loc[first.study_id, "label"], studies.loc[first.study_id, "drug"],
                                    first.comparator),
                    "allocation": first.allocation, "n": n})
    return pd.DataFrame(out, columns=["comparison_id", "study_id", "label", "allocation", "n"])


def overall_by_comparison(evidence, *, outcome: ComparativeOutcome = "OS") -> dict[str, str]:
    """comparison_id -> overall judgement of ``outcome`` (RoB 2 or ROBINS-I, by the comparison's allocation)."""
    _check("rob2", outcome)
    out: dict[str, str] = {}
    for tool in COMPARATIVE_TOOLS:
        out.update(tool_assessment(evidence, tool, outcome=outcome).overall)
    order = list(dict.fromkeys(evidence.comparisons["comparison_id"]))
    return {cid: out[cid] for cid in order if cid in out}


def assessed_outcomes(evidence, tool: str | None = None) -> tuple[str, ...]:
    """The comparative outcomes ``risk_of_bias.csv`` assesses (with ``tool``, or any tool), in vocabulary order."""
    assessed = evidence.risk_of_bias
    if tool is not None:
        assessed = assessed[assessed["tool"] == tool]
    return tuple(o for o in COMPARATIVE_OUTCOMES if (assessed["outcome"] == o).any())


def overall_by_outcome(evidence) -> dict[tuple[str, str], str]:
    """(comparison_id, outcome) -> overall judgement, for every outcome assessed."""
    outcomes = assessed_outcomes(evidence)
    return {(cid, o): j for o in outcomes for cid, j in overall_by_comparison(evidence, outcome=o).items()}


def comparative_rob_table(evidence, tool: str, *, outcome: ComparativeOutcome = "OS") -> pd.DataFrame:
    """Display table of one tool: per comparison, each domain's judgement with its support and source, then the overall.

    Columns :data:`TABLE_COLUMNS`; the overall row's support states the rule.
    """
    _check(tool, outcome)
    t = get_tool(tool)
    a = tool_assessment(evidence, tool, outcome=outcome)
    rows = []
    for r in comparison_rows(evidence, tool, outcome=outcome).itertuples(index=False):
        mine = a.items[a.items["comparison_id"] == r.comparison_id].set_index("item")
        head = f"{r.label} ({outcome})"
        for code, name in t.items:
            rows.append({"Comparison": head, "Domain": f"{code} {name.lower()}",
                         "Judgement": LEVEL_LABELS[mine.loc[code, "judgement"]],
                         "Support": mine.loc[code, "support"], "Source": mine.loc[code, "source"]})
        rows.append({"Comparison": head, "Domain": "Overall", "Judgement": LEVEL_LABELS[a.overall[r.comparison_id]],
                     "Support": f"Overall rule: {_RULE[tool]}", "Source": "–"})
    return pd.DataFrame(rows, columns=list(TABLE_COLUMNS))


SIGNALLING_COLUMNS = ("Comparison", "Question", "Answer", "Support", "Source")


def signalling_table(evidence, tool: str, *, outcome: ComparativeOutcome = "OS") -> pd.DataFrame:
    """Display table of the signalling answers of one tool for ``outcome``: per comparison, each
    question answered (code and wording), the answer, the passage it rests on and where.

    Columns :data:`SIGNALLING_COLUMNS`, in the order of ``risk_of_bias.csv``.
    """
    from living_review.appraisal.rob_algorithms import ANSWER_LABELS, QUESTIONS, domain_of

    _check(tool, outcome)
    rows = evidence.risk_of_bias
    rows = data_rob.signalling_rows(rows[(rows["tool"] == tool) & (rows["outcome"] == outcome)])
    labels = comparison_rows(evidence, tool, outcome=outcome).set_index("comparison_id")["label"].to_dict()
    out = [{"Comparison": f"{labels.get(r.comparison_id, r.comparison_id)} ({outcome})",
            "Question": f"{r.item} {QUESTIONS[tool, domain_of(r.item)][r.item]}",
            "Answer": ANSWER_LABELS[r.judgement], "Support": r.support, "Source": r.source}
           for r in rows.itertuples(index=False)]
    return pd.DataFrame(out, columns=list(SIGNALLING_COLUMNS))


def comparative_overall_frame(evidence, *, outcome: ComparativeOutcome = "OS") -> pd.DataFrame:
    """Display table: one row per assessed comparison, with its tool, what was read and the overall judgement."""
    _check("rob2", outcome)
    rows = []
    for tool in COMPARATIVE_TOOLS:
        a = tool_assessment(evidence, tool, outcome=outcome)
        basis = a.items.groupby("comparison_id")["basis"].agg(lambda b: ", ".join(sorted(set(b))).replace("_", " "))
        for r in comparison_rows(evidence, tool, outcome=outcome).itertuples(index=False):
            rows.append({"Comparison": r.label, "Allocation": _ALLOCATION[r.allocation], "Tool": get_tool(tool).short,
                         "Outcome": outcome, "What was read": basis[r.comparison_id],
                         "Overall risk of bias": LEVEL_LABELS[a.overall[r.comparison_id]]})
    return pd.DataFrame(rows, columns=list(OVERALL_COLUMNS))


@dataclass(frozen=True)
class ToolFigures:
    """The two figures of one tool with their captions and alternative texts (for ``figures.figure_markdown``)."""

    tool: str
    traffic_light: Figure = field(repr=False)
    summary: Figure = field(repr=False)
    traffic_light_caption: str
    summary_caption: str
    traffic_light_alt: str
    summary_alt: str


def tool_figures(evidence, tool: str, *, outcome: ComparativeOutcome = "OS") -> ToolFigures:
    """Traffic-light and weighted summary figures of one tool, with captions and alt texts.

    JBI: every cohort (combinations, ATC monotherapy, other histologies, each by publication),
    weighted by patients enrolled. RoB 2, ROBINS-I: every comparison assessed for
    ``outcome``, weighted by patients compared (:func:`comparison_rows`).
    """
    _check(tool, outcome, comparative=False)
    t = get_tool(tool)
    a = tool_assessment(evidence, tool, outcome=outcome)
    if tool == data_rob.JBI:
        rows = evidence.studies.sort_values(["pooling_role", "pub_order"])
        weights, what, unit = rows["n_enrolled"].fillna(0), "patients enrolled", "cohort"
        scope = "every included cohort"
    else:
        rows = comparison_rows(evidence, tool, outcome=outcome)
        weights, what, unit = rows["n"], "patients compared", "comparison"
        scope = f"every {_ALLOCATION[t.allocation]} comparison, outcome {outcome}"
    marks = plots.TOOL_MARKS[tool]
    key = ", ".join(f"{marks[j]} {LEVEL_LABELS[j].lower()}" for j in plots.order(tool))
    if tool == data_rob.JBI:
        key += "; overall L low, ? unclear, H high (Q6, Q7 and Q9 do not enter the overall judgement)"
    items = ", ".join(f"{code} {name.lower()}" for code, name in t.items)
    rule = f" Overall: {_RULE[tool]}." if tool in _RULE else ""
    return ToolFigures(
        tool=tool,
        traffic_light=plots.traffic_light(a, rows),
        summary=plots.summary_plot(a, rows, weights, weight_label=what),
        traffic_light_caption=f"Risk of bias of {scope} ({t.short}): {items}. Symbols: {key}.{rule}",
        summary_caption=(f"Risk of bias by {'item' if tool == data_rob.JBI else 'domain'} ({t.short}), weighted by "
                         f"{what}: for each and for the overall judgement, the share of the {what} that come from "
                         f"a {unit} with each judgement. Symbols as in the traffic-light plot."),
        traffic_light_alt=plots.traffic_light_alt(a, rows),
        summary_alt=plots.summary_alt(a, rows, weights, weight_label=what),
    )


_OUTCOME_WORDS = {"treatment_related_ae": "treatment-related adverse events"}


def by_outcome(table, evidence, tool: str) -> pd.DataFrame:
    """``table(evidence, tool, outcome=o)`` for each outcome ``tool`` assesses, one after the other."""
    return pd.concat([table(evidence, tool, outcome=o) for o in assessed_outcomes(evidence, tool)], ignore_index=True)


def overall_table(evidence) -> pd.DataFrame:
    """:func:`comparative_overall_frame` for each outcome assessed, its outcome named in words."""
    frame = pd.concat([comparative_overall_frame(evidence, outcome=o) for o in assessed_outcomes(evidence)],
                      ignore_index=True)
    frame["Outcome"] = frame["Outcome"].replace(_OUTCOME_WORDS)
    return frame


def figures_by_tool(evidence, tools: tuple[str, ...] = COMPARATIVE_TOOLS) -> dict[str, ToolFigures]:
    """:func:`tool_figures` of each comparative tool."""
    return {tool: tool_figures(evidence, tool) for tool in tools}
