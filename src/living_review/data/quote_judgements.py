"""Judgements checked against quotes: a risk-of-bias support that calls a quoted fact unreported.

A support of ``risk_of_bias.csv`` that says a topic (randomisation, blinding, masking,
concealment, consecutive inclusion, consent, ethics) is "not reported", "not stated" or the
like, while a quote of ``quotes.csv`` for the same study, and the same source when the row
names one, contains the topic's word, is flagged as a warning at the support's line: a rule
cannot tell "blinding of the assessors is not described" from "the trial was double-blind",
so a person reads both. The rule reads whatever the appraisal table holds.

Example
-------
>>> q = [(2, {"study_id": "x", "source": "P-1", "quote": "a randomised trial"})]
>>> r = [(5, {"study_id": "x", "item": "D1", "source": "P-1", "support": "Randomisation is not reported."})]
>>> [p.line for p in judgement_rules("quotes.csv", q, "risk_of_bias.csv", r)]
[5]
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

from living_review.core.problems import Problem

Row = tuple[int, dict[str, Any]]
#: "not reported" in a risk-of-bias support, and the words a quote may hold for its topic
_NEGATION = re.compile(r"\b(not (?:reported|stated|described|given|mentioned|shown)|no information|"
                       r"does not (?:say|state|report|describe))\b", re.I)
TOPICS: dict[str, str] = {"random": "randomi", "blind": "blind", "mask": "mask", "conceal": "conceal",
                          "consecutive": "consecutive", "consent": "consent", "ethic": "ethic"}


def judgement_rules(f_quotes: str, quotes: list[Row], f_rob: str, rob: list[Row]) -> list[Problem]:
    """Risk-of-bias supports saying "not reported" of what a quote of the same study holds (warnings)."""
    return list(_judgement_warnings(f_quotes, quotes, f_rob, rob))


def _clip(text: str, n: int) -> str:
    return text if len(text) <= n else text[: n - 3] + "..."


def _around(text: str, stem: str, n: int = 60) -> str:
    """The words of ``text`` around the first ``stem``."""
    at = text.lower().find(stem)
    start, end = max(0, at - n), min(len(text), at + len(stem) + n)
    return ("..." if start else "") + text[start:end] + ("..." if end < len(text) else "")


def _judgement_warnings(fq: str, quotes: list[Row], fr: str, rob: list[Row]) -> Iterator[Problem]:
    for line, r in rob:
        support = r.get("support") or ""
        for sentence in re.split(r"(?<=[.;])\s+", support):
            if not _NEGATION.search(sentence):
                continue
            codes = set(re.findall(r"[SP]-\d+", r.get("source") or ""))
            for topic, stem in TOPICS.items():
                if topic not in sentence.lower():
                    continue
                for qline, q in quotes:
                    if q["study_id"] == r.get("study_id") and stem in (q.get("quote") or "").lower() and \
                            (not codes or q.get("source") in codes):
                        yield Problem(fr, line, "support", f"{r.get('study_id')} {r.get('item')}: the support says "
                                      f"'{_clip(sentence, 100)}', but {fq}:{qline} ({q['source']}) quotes "
                                      f"'{_around(q.get('quote') or '', stem)}', which contains '{stem}' (a person "
                                      "checks the judgement against the quote)", "warning")
                        break
