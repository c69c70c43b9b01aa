"""Checks of ``previous_certainty.csv``: the certainty an outcome had in a published release.

Each row's rating must be the one its start level and downgrades give (GRADE's four levels,
never below *very low*), so that a mistyped row cannot misstate what a release printed.
"""

from __future__ import annotations

from typing import Any

from living_review.core.problems import Problem

Row = tuple[int, dict[str, Any]]
LEVELS = ("very low", "low", "moderate", "high")


def parse_downgrades(text: str) -> tuple[str, dict[str, int]]:
    """'start low; risk of bias 1; inconsistency 2' -> ('low', {'risk of bias': 1, 'inconsistency': 2})."""
    parts = [p.strip() for p in str(text).split(";")]
    start = parts[0].removeprefix("start ").strip()
    domains: dict[str, int] = {}
    for p in parts[1:]:
        name, _, levels = p.rpartition(" ")
        domains[name] = domains.get(name, 0) + int(levels)
    return start, domains


def rating_of(text: str) -> str:
    """The rating a start level and downgrades give."""
    start, domains = parse_downgrades(text)
    return LEVELS[max(0, LEVELS.index(start) - sum(domains.values()))]


def previous_certainty_rules(file: str, rows: list[Row]) -> list[Problem]:
    """Every row's certainty agrees with its downgrades."""
    out = []
    for line, v in rows:
        text, given = v.get("downgrades"), v.get("certainty")
        if text is None or given is None:
            continue
        try:
            derived = rating_of(text)
        except (ValueError, IndexError):
            continue  # the schema's pattern reports a malformed cell
        if derived != given:
            out.append(Problem(file, line, "certainty", f"{given!r}, but {text!r} gives {derived!r} (correct the "
                               "certainty or the downgrades as the release printed them)"))
    return out
