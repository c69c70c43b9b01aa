"""Certainty across versions: each outcome's rating in the previous release beside the current one, and why it moved.

The previous ratings are those a published release printed (``previous_certainty.csv``,
checked by :mod:`living_review.data.certainty_history`). What changed is computed from the
two sets of downgrades, domain by domain; the reason given for a domain that moved is the
current rating's own reason for it (the rule and the numbers it was applied to), or, for a
domain no longer rated down, that the current rule is not met.

Example
-------
>>> change("start low; imprecision 2", CertaintyRating("low", "high", (("imprecision", 2, "CI crosses 10%"),)))
'start low → high (a non-comparative estimate is rated as certainty in the estimate, Iorio et al. 2015); imprecision unchanged (−2)'
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from living_review.appraisal.certainty import CertaintyRating
from living_review.data.certainty_history import parse_downgrades

COLUMNS = ("Outcome", "Previous release", "Certainty then", "Certainty now", "What changed and why")
_START_REASON = {"high": "a non-comparative estimate is rated as certainty in the estimate, Iorio et al. 2015"}


@dataclass(frozen=True)
class Rated:
    """One current row: its key (as in ``previous_certainty.csv``), its label and its rating."""

    key: str
    label: str
    certainty: CertaintyRating


def change(previous: str, now: CertaintyRating) -> str:
    """What moved between a release's downgrades (``previous_certainty.csv`` text) and ``now``."""
    start, before = parse_downgrades(previous)
    after: dict[str, int] = {}
    why: dict[str, str] = {}
    for domain, levels, reason in now.downgrades:
        after[domain] = after.get(domain, 0) + levels
        why[domain] = f"{why[domain]}; {reason}" if domain in why else reason
    parts = []
    if start != now.start:
        reason = _START_REASON.get(now.start, "")
        parts.append(f"start {start} → {now.start}" + (f" ({reason})" if reason else ""))
    for domain in dict.fromkeys([*before, *after]):
        b, a = before.get(domain, 0), after.get(domain, 0)
        if a == b:
            parts.append(f"{domain} unchanged (−{a})")
        elif a:
            first = why[domain].split(". ")[0].rstrip(".")
            parts.append(f"{domain} {f'−{b}' if b else 'not rated down'} → −{a}: {first}")
        else:
            parts.append(f"{domain} −{b} → not rated down (the current rule is not met)")
    return "; ".join(parts) if parts else "no change"


def history_table(rated: list[Rated], previous: pd.DataFrame) -> pd.DataFrame:
    """One row per current outcome: the latest release's rating that names it, the current one, and the change.

    An outcome no release rated shows "not rated" and "new in this version".
    """
    out = []
    for r in rated:
        hit = previous[previous["outcome"] == r.key] if "outcome" in previous.columns else previous
        if hit.empty:
            out.append({"Outcome": r.label, "Previous release": "—", "Certainty then": "not rated",
                        "Certainty now": r.certainty.rating, "What changed and why": "new in this version"})
            continue
        last = hit.iloc[-1]
        moved = change(last["downgrades"], r.certainty)
        head = "unchanged rating" if last["certainty"] == r.certainty.rating else "rating changed"
        out.append({"Outcome": r.label, "Previous release": str(last["version"]), "Certainty then": last["certainty"],
                    "Certainty now": r.certainty.rating, "What changed and why": f"{head}: {moved}"})
    return pd.DataFrame(out, columns=list(COLUMNS))


def comparative_key(comparison_id: str, endpoint: str, band) -> str:
    """The ``previous_certainty.csv`` key of a comparative row: ``rtog0912.treatment_related_ae.3-4``."""
    return f"{comparison_id}.{endpoint}" + (f".{band}" if isinstance(band, str) and band else "")


def rated_rows(evidence, sof_rows, comparative_rows) -> list[Rated]:
    """The summary-of-findings rows (single-arm, then comparative) with their keys and labels.

    ``comparative_rows`` are those of :func:`living_review.report.comparative_sof.build_rows`,
    one per line of ``comparative_certainty.csv`` in its order.
    """
    out = [Rated(r.key, r.outcome, r.certainty) for r in sof_rows]
    judged = evidence.comparative_certainty
    if len(judged) != len(comparative_rows):
        raise ValueError(f"{len(comparative_rows)} comparative rows for {len(judged)} lines of "
                         "comparative_certainty.csv (build the rows from the same evidence)")
    for (_, j), r in zip(judged.iterrows(), comparative_rows):
        out.append(Rated(comparative_key(j["comparison_id"], j["endpoint"], j["grade_band"]),
                         f"{r.outcome}: {r.intervention} v {r.comparator}", r.certainty))
    return out
