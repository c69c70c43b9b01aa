"""The living mode: how often the searches are rerun, when the next is due, and what ends it.

A living systematic review is continually updated as new evidence appears (Elliott et al.
2014, 2017): its protocol states how often the searches are rerun and the conditions under
which it leaves living mode. Both are the review team's choice, set under
``releases.living`` in ``review.yml``::

    living:
      search_every_months: 3
      ends_when: >-
        ...

:func:`living_plan` reads them (an unknown key, a frequency that is not a whole number of
months from 1 to 24, or an empty ``ends_when`` is an error that names the key) and
:func:`next_search_due` adds the frequency to the date of the last search (the stamp's
:func:`living_review.provenance.build_stamp.last_search_date`), so the protocol chapter prints
when the next search is due and, against the build date, whether it is overdue.

References
----------
Elliott JH, et al. Living systematic reviews: an emerging opportunity to narrow the
evidence-practice gap. PLoS Med 2014;11:e1001603.
Elliott JH, et al. Living systematic review: 1. Introduction - the why, what, when, and how.
J Clin Epidemiol 2017;91:23-30.

Example
-------
>>> next_search_due("2026-12-01", 3)
'2027-03-01'
"""

from __future__ import annotations

import calendar
import datetime as dt
from dataclasses import dataclass
from pathlib import Path

import yaml

from living_review.core.paths import project_root
from living_review.settings import SettingsError

KEYS = ("search_every_months", "ends_when")


@dataclass(frozen=True)
class LivingPlan:
    """How the review stays living (``releases.living`` of ``review.yml``)."""

    search_every_months: int
    ends_when: str


def living_plan(path: Path | None = None) -> LivingPlan | None:
    """The plan, or None when ``review.yml`` sets none; ``SettingsError`` naming what is wrong."""
    path = Path(path) if path else project_root() / "review.yml"
    raw = ((yaml.safe_load(path.read_text(encoding="utf-8")) or {}).get("releases") or {}).get("living")
    if raw is None:
        return None
    where = "review.yml: releases.living"
    if not isinstance(raw, dict):
        raise SettingsError(f"{where}: expected a mapping with {', '.join(KEYS)}, got {raw!r}")
    problems = [f"{where}: unknown key {k!r}; known: {', '.join(KEYS)}" for k in raw if k not in KEYS]
    months = raw.get("search_every_months")
    if isinstance(months, bool) or not isinstance(months, int) or not 1 <= months <= 24:
        problems.append(f"{where}.search_every_months: {months!r} is not a whole number of months from 1 to 24")
    ends = " ".join(str(raw.get("ends_when") or "").split())
    if not ends:
        problems.append(f"{where}.ends_when: empty; state what ends the living mode")
    if problems:
        raise SettingsError("\n".join(problems))
    return LivingPlan(months, ends)


def next_search_due(last_search: str, months: int) -> str:
    """``last_search`` (YYYY-MM-DD) plus ``months`` calendar months, on the last day of a shorter month."""
    day = dt.date.fromisoformat(last_search)
    total = day.month - 1 + months
    year, month = day.year + total // 12, total % 12 + 1
    return dt.date(year, month, min(day.day, calendar.monthrange(year, month)[1])).isoformat()


def living_sentence(plan: LivingPlan, last_search: str, build_date: str) -> str:
    """The protocol's sentence on the update frequency and the next search, as of ``build_date``."""
    every = "every month" if plan.search_every_months == 1 else f"every {plan.search_every_months} months"
    try:
        due = next_search_due(last_search, plan.search_every_months)
    except ValueError:
        return (f"The searches are rerun {every}; no search date is recorded, so the first search of the "
                "update cycle is due now.")
    state = (f"; on the build date ({build_date}) it is overdue" if build_date > due else "")
    return f"The searches are rerun {every}: the last was on {last_search}, so the next is due by {due}{state}."
