"""The dated log of protocol amendments (PRISMA 2020 item 24c), and the ones each version made.

The protocol chapter is generated at build time, so it changes between versions without a
trace in its own text. ``data/protocol_amendments.csv`` keeps one row per amendment:

* ``amendment_id``: ``PA-<n>``, unique;
* ``date``: the day it was made (YYYY-MM-DD);
* ``version``: the first version that carries it (a released or the next version);
* ``section``: the part of the protocol it changes (eligibility, analysis, ...);
* ``amendment``: what changed; ``reason``: why; ``effect``: the studies or estimates it
  changed; ``source``: where the effect can be checked.

:func:`read_amendments` checks every row and reports each problem as
``FILE:LINE: column: what is wrong``; the changelog shows the amendments of each version
in its entry (:func:`for_version`) and the protocol chapter the whole log.

Example
-------
>>> [a.amendment_id for a in for_version(read_amendments(), "1.1.0")]  # doctest: +SKIP
['PA-1', 'PA-2']
"""

from __future__ import annotations

import csv
import re
from dataclasses import dataclass
from pathlib import Path

from packaging.version import InvalidVersion, Version

from living_review.core.paths import project_root
from living_review.core.words import count

AMENDMENTS_FILE = Path("data") / "protocol_amendments.csv"
COLUMNS = ("amendment_id", "date", "version", "section", "amendment", "reason", "effect", "source")
ID = re.compile(r"^PA-[1-9][0-9]*$")
DATE = re.compile(r"^\d{4}-(0[1-9]|1[0-2])-(0[1-9]|[12]\d|3[01])$")


@dataclass(frozen=True)
class Amendment:
    """One amendment of the protocol."""

    amendment_id: str
    date: str
    version: str
    section: str
    amendment: str
    reason: str
    effect: str
    source: str

    def markdown(self) -> str:
        from living_review.core.markup import md

        return (f"{md(self.amendment_id)} ({md(self.date)}, {md(self.section)}): {md(self.amendment)} "
                f"*Reason:* {md(self.reason)} *Changed:* {md(self.effect)}")


def read_amendments(root: Path | None = None) -> tuple[Amendment, ...]:
    """Every amendment in file order; ``ValueError`` listing every problem (an absent file gives ``()``)."""
    path = Path(root or project_root()) / AMENDMENTS_FILE
    if not path.is_file():
        return ()
    shown = AMENDMENTS_FILE.as_posix()
    with path.open(encoding="utf-8", newline="") as handle:
        rows = list(csv.reader(handle))
    if not rows or tuple(rows[0]) != COLUMNS:
        raise ValueError(f"{shown}:1: header: expected the columns {', '.join(COLUMNS)}")
    problems, found, seen = [], [], set()
    for line, row in enumerate(rows[1:], start=2):
        if len(row) != len(COLUMNS):
            problems.append(f"{shown}:{line}: {count(len(row), 'value')} for {len(COLUMNS)} columns; quote a value "
                            "that holds a comma")
            continue
        values = dict(zip(COLUMNS, (v.strip() for v in row)))
        for column in COLUMNS:
            if not values[column]:
                problems.append(f"{shown}:{line}: {column}: empty; every amendment states it")
        if values["amendment_id"] and not ID.match(values["amendment_id"]):
            problems.append(f"{shown}:{line}: amendment_id: {values['amendment_id']!r} is not PA-<number>")
        if values["amendment_id"] in seen:
            problems.append(f"{shown}:{line}: amendment_id: {values['amendment_id']} appears twice")
        seen.add(values["amendment_id"])
        if values["date"] and not DATE.match(values["date"]):
            problems.append(f"{shown}:{line}: date: {values['date']!r} is not a date written YYYY-MM-DD")
        try:
            Version(values["version"])
        except InvalidVersion:
            problems.append(f"{shown}:{line}: version: {values['version']!r} is not a version such as 1.1.0")
        found.append(Amendment(**values))
    if problems:
        raise ValueError("\n".join(problems))
    return tuple(found)


def for_version(amendments: tuple[Amendment, ...], version: str) -> tuple[Amendment, ...]:
    """The amendments that ``version`` made (its release, or its development before the release)."""
    target = Version(version).base_version
    return tuple(a for a in amendments if Version(a.version).base_version == target)
