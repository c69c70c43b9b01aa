"""Signalling questions of RoB 2 and ROBINS-I, and the algorithms that turn their answers into a domain judgement.

``risk_of_bias.csv`` holds, beside each domain's judgement (item ``D1`` ...), one row per
signalling question answered (item ``D1.1`` ...; the answer in ``judgement``, the passage
it rests on in ``support``). The checks (:mod:`living_review.data.rob_signalling`) require
the recorded domain judgement to be the one :func:`domain_judgement` derives.

Answers: ``y`` yes, ``py`` probably yes, ``pn`` probably no, ``n`` no, ``ni`` no
information, ``na`` not applicable (a question the tool skips after an earlier answer).

RoB 2 (Sterne et al. 2019; Higgins et al. 2019, the full guidance's algorithms)
--------------------------------------------------------------------------------
Effect of assignment to intervention. For each domain, as in the guidance's flow charts:

* D1 randomisation: low if 1.2 (allocation concealed) is Y/PY, 1.1 (random sequence) is
  Y/PY/NI and 1.3 (baseline imbalance suggesting a problem) is N/PN/NI; high if 1.2 is N/PN,
  or 1.2 is NI and 1.3 is Y/PY, or 1.1 is N/PN with 1.2 Y/PY and 1.3 Y/PY; otherwise some
  concerns. (A statement that a trial is "randomised" and nothing more is answered NI.)
* D2 deviations (assignment): part 1 is low if 2.1 and 2.2 (participants, carers aware) are
  both N/PN, or 2.3 (deviations from the trial context) is N/PN; some concerns if 2.3 is NI,
  or 2.3 Y/PY with 2.4 (likely to affect the outcome) N/PN, or 2.4 Y/PY/NI with 2.5
  (balanced) Y/PY; high otherwise. Part 2 is low if 2.6 (appropriate analysis) is Y/PY; some
  concerns if 2.7 (substantial impact of the analysis) is N/PN; high otherwise. The domain
  is the worse part.
* D3 missing outcome data: low if 3.1 (nearly all data) is Y/PY, or 3.2 (no bias shown) is
  Y/PY, or 3.3 (missingness could depend on the true value) is N/PN; some concerns if 3.4
  (likely) is N/PN; high otherwise.
* D4 measurement: high if 4.1 (inappropriate method) or 4.2 (differs between groups) is
  Y/PY; with 4.2 N/PN: low if 4.3 (assessors aware) is N/PN or 4.4 (could be influenced) is
  N/PN, some concerns if 4.5 (likely influenced) is N/PN, high otherwise; with 4.2 NI: some
  concerns, unless 4.3, 4.4 and 4.5 are all Y/PY/NI (high).
* D5 selection of the reported result: high if 5.2 or 5.3 (selected from several
  measurements or analyses) is Y/PY; low if 5.1 (pre-specified plan) is Y/PY and 5.2 and 5.3
  are N/PN; some concerns otherwise.

ROBINS-I (Sterne et al. 2016), domain 1, confounding
----------------------------------------------------
ROBINS-I gives criteria rather than a flow chart; the review applies them as follows. Low
if 1.1 (potential for confounding) is N/PN; no information if 1.1 is NI. Otherwise, for an
analysis of baseline groups (1.2, follow-up split by intervention received, N/PN/NA): the
appropriate analysis controlling for all important confounding domains (1.4) decides:
N/PN ("at least one known important domain not controlled for") is *serious*, NI is *no
information*; with 1.4 Y/PY the domain is *moderate* when the domains were measured validly
(1.5 Y/PY) and no post-intervention variable was controlled for (1.6 N/PN), *serious*
otherwise. A time-varying analysis (1.2 Y/PY) is judged the same way on 1.7 (in place of
1.4) and 1.8 (in place of 1.5). *Critical* ("confounding inherently not controllable") is
not derived from answers: it is not reached. Domains D2 to D7 of ROBINS-I have no signalling
answers in this review; their judgements are recorded with their support only.

References
----------
Sterne JAC, Savović J, Page MJ, et al. RoB 2: a revised tool for assessing risk of bias in
randomised trials. BMJ 2019;366:l4898. Higgins JPT, Savović J, Page MJ, Sterne JAC, eds.
Revised Cochrane risk-of-bias tool for randomized trials (RoB 2), full guidance document,
22 August 2019. Sterne JAC, Hernán MA, Reeves BC, et al. ROBINS-I: a tool for assessing
risk of bias in non-randomised studies of interventions. BMJ 2016;355:i4919.

Example
-------
>>> domain_judgement("rob2", "D1", {"D1.1": "ni", "D1.2": "ni", "D1.3": "ni"})
'some_concerns'
>>> domain_judgement("robins_i", "D1", {"D1.1": "y", "D1.2": "n", "D1.4": "pn", "D1.5": "na", "D1.6": "na"})
'serious'
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Literal, get_args

Answer = Literal["y", "py", "pn", "n", "ni", "na"]
ANSWERS: tuple[str, ...] = get_args(Answer)
ANSWER_LABELS = {"y": "Yes", "py": "Probably yes", "pn": "Probably no", "n": "No", "ni": "No information",
                 "na": "Not applicable"}

#: (tool, domain) -> the domain's signalling questions, code -> short wording
QUESTIONS: dict[tuple[str, str], dict[str, str]] = {
    ("rob2", "D1"): {"D1.1": "Was the allocation sequence random?",
                     "D1.2": "Was the allocation sequence concealed until participants were enrolled and assigned?",
                     "D1.3": "Did baseline differences between groups suggest a problem with randomisation?"},
    ("rob2", "D2"): {"D2.1": "Were participants aware of their assigned intervention?",
                     "D2.2": "Were carers and people delivering the interventions aware of the assignment?",
                     "D2.3": "Were there deviations from the intended intervention that arose because of the "
                             "trial context?",
                     "D2.4": "Were these deviations likely to have affected the outcome?",
                     "D2.5": "Were these deviations balanced between groups?",
                     "D2.6": "Was an appropriate analysis used to estimate the effect of assignment?",
                     "D2.7": "Was there potential for a substantial impact of the failure to analyse participants "
                             "in the group to which they were randomised?"},
    ("rob2", "D3"): {"D3.1": "Were data for this outcome available for all, or nearly all, participants?",
                     "D3.2": "Is there evidence that the result was not biased by missing outcome data?",
                     "D3.3": "Could missingness in the outcome depend on its true value?",
                     "D3.4": "Is it likely that missingness in the outcome depended on its true value?"},
    ("rob2", "D4"): {"D4.1": "Was the method of measuring the outcome inappropriate?",
                     "D4.2": "Could measurement of the outcome have differed between groups?",
                     "D4.3": "Were outcome assessors aware of the intervention received?",
                     "D4.4": "Could assessment of the outcome have been influenced by that knowledge?",
                     "D4.5": "Is it likely that it was?"},
    ("rob2", "D5"): {"D5.1": "Was the analysis done to a pre-specified plan finalised before unblinded outcome "
                             "data were available?",
                     "D5.2": "Was the result selected from multiple eligible outcome measurements?",
                     "D5.3": "Was the result selected from multiple eligible analyses of the data?"},
    ("robins_i", "D1"): {"D1.1": "Is there potential for confounding of the effect of intervention?",
                         "D1.2": "Was the analysis based on splitting follow-up time by intervention received?",
                         "D1.3": "Were discontinuations or switches likely to be related to prognostic factors?",
                         "D1.4": "Did the analysis control for all the important confounding domains?",
                         "D1.5": "Were the confounding domains controlled for measured validly and reliably?",
                         "D1.6": "Did the analysis control for post-intervention variables affected by the "
                                 "intervention?",
                         "D1.7": "Did the analysis control for baseline and time-varying confounding?",
                         "D1.8": "Were those confounding domains measured validly and reliably?"},
}
#: questions that must be answered (not ``na``) for the algorithm to run, per domain
REQUIRED: dict[tuple[str, str], tuple[str, ...]] = {
    ("rob2", "D1"): ("D1.1", "D1.2", "D1.3"), ("rob2", "D2"): ("D2.1", "D2.2", "D2.6"),
    ("rob2", "D3"): ("D3.1",), ("rob2", "D4"): ("D4.1", "D4.2"), ("rob2", "D5"): ("D5.1", "D5.2", "D5.3"),
    ("robins_i", "D1"): ("D1.1",),
}

_YES, _NO = ("y", "py"), ("n", "pn")


def _rob2_d1(a: dict[str, str]) -> str:
    q1, q2, q3 = a["D1.1"], a["D1.2"], a["D1.3"]
    if q2 in _NO or (q2 == "ni" and q3 in _YES) or (q1 in _NO and q2 in _YES and q3 in _YES):
        return "high"
    if q2 in _YES and q3 in (*_NO, "ni") and q1 in (*_YES, "ni"):
        return "low"
    return "some_concerns"


def _rob2_d2(a: dict[str, str]) -> str:
    if a["D2.1"] in _NO and a["D2.2"] in _NO:
        part1 = "low"
    else:
        q3, q4, q5 = a.get("D2.3", "ni"), a.get("D2.4", "ni"), a.get("D2.5", "ni")
        if q3 in _NO:
            part1 = "low"
        elif q3 == "ni" or q4 in _NO or q5 in _YES:
            part1 = "some_concerns"
        else:
            part1 = "high"
    if a["D2.6"] in _YES:
        part2 = "low"
    elif a.get("D2.7", "ni") in _NO:
        part2 = "some_concerns"
    else:
        part2 = "high"
    return _worst("rob2", (part1, part2))


def _rob2_d3(a: dict[str, str]) -> str:
    if a["D3.1"] in _YES or a.get("D3.2") in _YES or a.get("D3.3") in _NO:
        return "low"
    return "some_concerns" if a.get("D3.4") in _NO else "high"


def _rob2_d4(a: dict[str, str]) -> str:
    if a["D4.1"] in _YES or a["D4.2"] in _YES:
        return "high"
    q3, q4, q5 = a.get("D4.3", "ni"), a.get("D4.4", "ni"), a.get("D4.5", "ni")
    if a["D4.2"] in _NO:
        if q3 in _NO or q4 in _NO:
            return "low"
        return "some_concerns" if q5 in _NO else "high"
    return "some_concerns" if (q3 in _NO or q4 in _NO or q5 in _NO) else "high"


def _rob2_d5(a: dict[str, str]) -> str:
    if a["D5.2"] in _YES or a["D5.3"] in _YES:
        return "high"
    if a["D5.1"] in _YES and a["D5.2"] in _NO and a["D5.3"] in _NO:
        return "low"
    return "some_concerns"


def _robins_d1(a: dict[str, str]) -> str:
    q1 = a["D1.1"]
    if q1 in _NO:
        return "low"
    if q1 == "ni":
        return "no_information"
    split = a.get("D1.2", "na") in _YES
    controlled, measured = (a.get("D1.7", "ni"), a.get("D1.8", "ni")) if split else (a.get("D1.4", "ni"),
                                                                                     a.get("D1.5", "ni"))
    if controlled in _NO:
        return "serious"
    if controlled == "ni":
        return "no_information"
    if measured in _YES and a.get("D1.6", "ni") in _NO:
        return "moderate"
    return "serious"


_ORDER = {"rob2": ("low", "some_concerns", "high")}


def _worst(tool: str, levels) -> str:
    order = _ORDER[tool]
    return max(levels, key=order.index)


ALGORITHMS: dict[tuple[str, str], Callable[[dict[str, str]], str]] = {
    ("rob2", "D1"): _rob2_d1, ("rob2", "D2"): _rob2_d2, ("rob2", "D3"): _rob2_d3, ("rob2", "D4"): _rob2_d4,
    ("rob2", "D5"): _rob2_d5, ("robins_i", "D1"): _robins_d1,
}


def is_signalling(item: str) -> bool:
    """Whether an item code of ``risk_of_bias.csv`` is a signalling question (``D1.2``) rather than a domain."""
    return "." in str(item)


def domain_of(item: str) -> str:
    """The domain a signalling question belongs to: ``D1.2`` -> ``D1``."""
    return str(item).split(".")[0]


def signalling_codes(tool: str) -> tuple[str, ...]:
    """Every signalling question code of ``tool`` (empty for a tool without them)."""
    return tuple(q for (t, _), qs in QUESTIONS.items() if t == tool for q in qs)


def domain_judgement(tool: str, domain: str, answers: dict[str, str]) -> str:
    """The domain judgement the tool's algorithm gives for ``answers`` (module docstring).

    Raises
    ------
    ValueError : no algorithm for (tool, domain), an answer outside :data:`ANSWERS`, a
        question of another domain, or a required question unanswered or ``na``.
    """
    if (tool, domain) not in ALGORITHMS:
        known = ", ".join(f"{t} {d}" for t, d in ALGORITHMS)
        raise ValueError(f"no signalling algorithm for {tool} {domain} (there is one for: {known})")
    questions = QUESTIONS[tool, domain]
    foreign = sorted(set(answers) - set(questions))
    if foreign:
        raise ValueError(f"{', '.join(foreign)} not a signalling question of {tool} {domain} "
                         f"(questions: {', '.join(questions)})")
    bad = {q: v for q, v in answers.items() if v not in ANSWERS}
    if bad:
        raise ValueError(f"answer(s) {bad} not allowed; choose one of {', '.join(ANSWERS)}")
    missing = [q for q in REQUIRED[tool, domain] if answers.get(q, "na") == "na"]
    if missing:
        raise ValueError(f"{tool} {domain} needs an answer (not na) to {', '.join(missing)}")
    return ALGORITHMS[tool, domain](answers)
