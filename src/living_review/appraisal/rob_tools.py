"""The three risk-of-bias tools of ``risk_of_bias.csv``: their items, vocabularies and overall rules.

Which tool assesses what
------------------------
* ``jbi_case_series``: the JBI critical appraisal checklist for case series (Munn et al.
  2020), for every cohort of ``studies.csv`` (items Q1 to Q10, judged *yes*, *no*,
  *unclear* or *not applicable*; its overall rule is in :mod:`living_review.data.risk_of_bias`).
* ``rob2``: RoB 2 (Sterne et al. 2019), for every randomised comparison of
  ``comparisons.csv``, per outcome: D1 randomisation process, D2 deviations from intended
  interventions (the effect of assignment), D3 missing outcome data, D4 measurement of the
  outcome, D5 selection of the reported result; judged *low*, *some concerns*, *high* or
  *no information*.
* ``robins_i``: ROBINS-I (Sterne et al. 2016), for every non-randomised comparison, per
  outcome: D1 confounding, D2 selection of participants, D3 classification of
  interventions, D4 deviations from intended interventions, D5 missing data, D6 measurement
  of outcomes, D7 selection of the reported result; judged *low*, *moderate*, *serious*,
  *critical* or *no information*.

Overall judgement of RoB 2 and ROBINS-I (:func:`comparative_overall`)
---------------------------------------------------------------------
The worst domain, in the order low < some concerns < high (RoB 2) and low < moderate <
serious < critical (ROBINS-I), with one exception: when a domain is *no information* and
no domain is at the levels that settle the result anyway (*high* for RoB 2; *serious* or
*critical* for ROBINS-I), the overall judgement is *no information*. For ROBINS-I this is
the tool's own definition ("no clear indication that the study is at serious or critical
risk of bias and there is a lack of information in one or more key domains"). RoB 2 has no
overall *no information*; using it there is this review's convention, so that a result
whose domains could not be judged is not shown as at low risk or with some concerns. The
RoB 2 option of rating *high* for several domains with some concerns is not used: the
overall judgement is mechanical.

A judgement other than *unclear* (JBI) or *no information* rests on a full text, or on an
abstract or record whose words it quotes, for every tool (checked in
:func:`living_review.data.risk_of_bias.rob_rules`). RoB 2 domains, and ROBINS-I's
confounding domain, are judged from their signalling answers by the algorithms of
:mod:`living_review.appraisal.rob_algorithms`; so a RoB 2 domain is never *no information*
(the tool's algorithms map missing information to *some concerns* or *high*).

References
----------
Munn Z, Barker TH, Moola S, et al. Methodological quality of case series studies: an
introduction to the JBI critical appraisal tool. JBI Evid Synth 2020;18(10):2127-33.
Sterne JAC, Savović J, Page MJ, et al. RoB 2: a revised tool for assessing risk of bias in
randomised trials. BMJ 2019;366:l4898.
Sterne JAC, Hernán MA, Reeves BC, et al. ROBINS-I: a tool for assessing risk of bias in
non-randomised studies of interventions. BMJ 2016;355:i4919.

Example
-------
>>> comparative_overall("robins_i", {"D1": "serious", "D2": "no_information", "D3": "low", "D4": "low",
...                                  "D5": "low", "D6": "low", "D7": "moderate"})
'serious'
>>> comparative_overall("rob2", {"D1": "low", "D2": "some_concerns", "D3": "no_information", "D4": "low",
...                              "D5": "low"})
'no_information'
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal, get_args

from living_review.core.choices import check_choice

ToolCode = Literal["jbi_case_series", "rob2", "robins_i"]
TOOL_CODES: tuple[str, ...] = get_args(ToolCode)
ComparativeTool = Literal["rob2", "robins_i"]
COMPARATIVE_TOOLS: tuple[str, ...] = get_args(ComparativeTool)
NO_INFORMATION = "no_information"


@dataclass(frozen=True)
class Tool:
    """One risk-of-bias tool as ``risk_of_bias.csv`` uses it.

    ``items`` maps item or domain code -> short label; ``judgements`` are the answers allowed
    per item, ``overall_levels`` those of the overall judgement, both from least to most
    concern (*no information* and JBI's *unclear*/*not applicable* placed as drawn);
    ``unjudged`` is the answer that needs no full text; ``allocation`` is the allocation of
    the comparisons the tool assesses (``None``: cohorts of ``studies.csv``).
    """

    code: str
    name: str
    short: str
    items: tuple[tuple[str, str], ...]
    judgements: tuple[str, ...]
    overall_levels: tuple[str, ...]
    unjudged: str
    allocation: str | None

    @property
    def item_codes(self) -> tuple[str, ...]:
        return tuple(code for code, _ in self.items)

    @property
    def item_labels(self) -> dict[str, str]:
        return dict(self.items)

    @property
    def key(self) -> str:
        """The column naming what one assessment is of: a cohort or a comparison."""
        return "study_id" if self.allocation is None else "comparison_id"


TOOLS: dict[str, Tool] = {
    "jbi_case_series": Tool(
        "jbi_case_series", "JBI critical appraisal checklist for case series", "JBI",
        (("Q1", "Clear inclusion criteria"), ("Q2", "Condition measured reliably"),
         ("Q3", "Valid identification of the condition"), ("Q4", "Consecutive inclusion"),
         ("Q5", "Complete inclusion"), ("Q6", "Demographics reported"), ("Q7", "Clinical information reported"),
         ("Q8", "Outcomes reported"), ("Q9", "Site reported"), ("Q10", "Appropriate statistics")),
        ("yes", "not_applicable", "unclear", "no"), ("low", "unclear", "high"), "unclear", None),
    "rob2": Tool(
        "rob2", "RoB 2 (revised Cochrane risk-of-bias tool for randomised trials)", "RoB 2",
        (("D1", "Randomisation process"), ("D2", "Deviations from intended interventions"),
         ("D3", "Missing outcome data"), ("D4", "Measurement of the outcome"),
         ("D5", "Selection of the reported result")),
        ("low", "some_concerns", "high", NO_INFORMATION), ("low", "some_concerns", "high", NO_INFORMATION),
        NO_INFORMATION, "randomised"),
    "robins_i": Tool(
        "robins_i", "ROBINS-I (risk of bias in non-randomised studies of interventions)", "ROBINS-I",
        (("D1", "Confounding"), ("D2", "Selection of participants"), ("D3", "Classification of interventions"),
         ("D4", "Deviations from intended interventions"), ("D5", "Missing data"),
         ("D6", "Measurement of outcomes"), ("D7", "Selection of the reported result")),
        ("low", "moderate", "serious", "critical", NO_INFORMATION),
        ("low", "moderate", "serious", "critical", NO_INFORMATION), NO_INFORMATION, "non_randomised"),
}
#: the tool for each allocation of ``comparisons.csv``
TOOL_FOR_ALLOCATION = {t.allocation: code for code, t in TOOLS.items() if t.allocation is not None}
#: levels at which the overall judgement is settled whatever the domains without information
_DECISIVE = {"rob2": ("high",), "robins_i": ("serious", "critical")}
#: order of concern (no information left out: it is handled by the rule's exception)
_SEVERITY = {"rob2": ("low", "some_concerns", "high"), "robins_i": ("low", "moderate", "serious", "critical")}

LEVEL_LABELS = {"yes": "Yes", "no": "No", "unclear": "Unclear", "not_applicable": "Not applicable",
                "low": "Low", "high": "High", "some_concerns": "Some concerns", "moderate": "Moderate",
                "serious": "Serious", "critical": "Critical", NO_INFORMATION: "No information"}


def get_tool(code: str) -> Tool:
    """The :class:`Tool` of ``code``; a ``ValueError`` names the codes allowed."""
    check_choice("tool", code, TOOLS)
    return TOOLS[code]


def comparative_overall(tool: ComparativeTool, judgements: dict[str, str]) -> str:
    """Overall risk of bias of one result from its domain judgements (rule in the module docstring).

    Parameters
    ----------
    tool : ``"rob2"`` or ``"robins_i"``.
    judgements : domain code -> judgement, for every domain of the tool.

    Raises
    ------
    ValueError : unknown tool, a domain missing or unknown, or a judgement outside the tool's
        vocabulary.
    """
    check_choice("tool", tool, COMPARATIVE_TOOLS)
    t = TOOLS[tool]
    missing = [d for d in t.item_codes if d not in judgements]
    if missing:
        raise ValueError(f"no {t.short} judgement for domain(s) {', '.join(missing)}; every domain of "
                         f"{', '.join(t.item_codes)} is needed")
    unknown = sorted(set(judgements) - set(t.item_codes))
    if unknown:
        raise ValueError(f"{', '.join(unknown)} not a domain of {t.short} (domains: {', '.join(t.item_codes)})")
    bad = {d: j for d, j in judgements.items() if j not in t.judgements}
    if bad:
        raise ValueError(f"judgement(s) {bad} not allowed in {t.short}; choose one of {', '.join(t.judgements)}")
    values = set(judgements.values())
    judged = [j for j in _SEVERITY[tool] if j in values]
    worst = judged[-1] if judged else None
    if NO_INFORMATION in values and worst not in _DECISIVE[tool]:
        return NO_INFORMATION
    return worst
