"""Checks of the signalling answers in ``risk_of_bias.csv`` and of the passages judgements rest on.

Rules (run by :func:`living_review.data.risk_of_bias.rob_rules`)
-----------------------------------------------------------------
* a signalling row (item ``D1.2``) names a question of its tool
  (:data:`living_review.appraisal.rob_algorithms.QUESTIONS`), answered with one of
  :data:`~living_review.appraisal.rob_algorithms.ANSWERS`, and an assessed outcome has the domain
  row it belongs to;
* every RoB 2 domain, and ROBINS-I's confounding domain, of each assessed outcome has its
  signalling answers, and the recorded domain judgement is the one the tool's algorithm
  derives from them (:func:`~living_review.appraisal.rob_algorithms.domain_judgement`);
* an answer other than *no information* or *not applicable*, and any judgement other than
  the tool's unjudged one that does not rest on a full text, quotes the passage it rests on
  (a quotation in its ``support``).
"""

from __future__ import annotations

import re
from typing import Any

from living_review.appraisal.rob_algorithms import (ALGORITHMS, ANSWERS, QUESTIONS, domain_judgement, domain_of,
                                               is_signalling, signalling_codes)
from living_review.core.problems import Problem

Row = tuple[int, dict[str, Any]]
#: a quotation: at least four characters between straight or curly quotes
_QUOTE = re.compile(r"(['\"‘“])[^'\"‘’“”]{4,}?['\"’”]")


def quotes_source(support: str | None) -> bool:
    """Whether ``support`` quotes a passage ('...' or "...", straight or curly)."""
    return bool(support) and bool(_QUOTE.search(str(support)))


def answer_problems(file: str, line: int, v: dict) -> list[Problem]:
    """What one signalling row breaks on its own (its question, answer and quotation)."""
    code, item, answer = v.get("tool"), v.get("item"), v.get("judgement")
    out = []
    if item not in signalling_codes(code):
        known = ", ".join(signalling_codes(code)) or "none"
        out.append(Problem(file, line, "item", f"{item!r} is not a signalling question of {code} (questions: "
                           f"{known})"))
    if answer is not None and answer not in ANSWERS:
        out.append(Problem(file, line, "judgement", f"{answer!r} is not a signalling answer (use one of: "
                           f"{', '.join(ANSWERS)})"))
    elif answer not in (None, "ni", "na") and not quotes_source(v.get("support")):
        out.append(Problem(file, line, "support", f"the answer {answer!r} quotes no passage (quote the source's "
                           "words it rests on, or answer ni)"))
    return out


def derived_problems(file: str, rows: list[Row]) -> list[Problem]:
    """Domains whose signalling answers are missing, or whose judgement is not the algorithm's."""
    domains: dict[tuple, tuple[int, str]] = {}
    answers: dict[tuple, dict[str, str]] = {}
    lines: dict[tuple, int] = {}
    for line, v in rows:
        code, item = v.get("tool"), v.get("item")
        if code is None or item is None or v.get("comparison_id") is None:
            continue
        key = (code, v.get("comparison_id"), v.get("outcome"))
        if is_signalling(item):
            answers.setdefault((*key, domain_of(item)), {})[item] = v.get("judgement")
            lines.setdefault((*key, domain_of(item)), line)
        else:
            domains[(*key, item)] = (line, v.get("judgement"))
    out = []
    for (code, cid, outcome, dom), given in answers.items():
        if (code, cid, outcome, dom) not in domains:
            out.append(Problem(file, lines[code, cid, outcome, dom], "item", f"signalling answers of {code} {dom} "
                               f"for {cid} {outcome} but no {dom} row (add the domain's judgement)"))
    for (code, cid, outcome, dom), (line, judged) in domains.items():
        if (code, dom) not in ALGORITHMS:
            continue
        given = answers.get((code, cid, outcome, dom))
        if not given:
            out.append(Problem(file, line, "item", f"{code} {dom} of {cid} {outcome} has no signalling answers (add "
                               f"one row per question {', '.join(QUESTIONS[code, dom])})"))
            continue
        if None in given.values():
            continue  # an empty answer is reported by the schema check
        try:
            derived = domain_judgement(code, dom, given)
        except ValueError as err:
            out.append(Problem(file, line, "judgement", f"{cid} {outcome}: {err}"))
            continue
        if derived != judged:
            shown = ", ".join(f"{q} {a}" for q, a in sorted(given.items()))
            out.append(Problem(file, line, "judgement", f"{judged!r}, but the {code} algorithm gives {derived!r} "
                               f"from the answers ({shown}); correct the judgement or the answers"))
    return out
