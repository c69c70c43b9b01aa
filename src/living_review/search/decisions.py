"""Reviewers' screening decisions, their conflicts, and the resolved decisions the PRISMA counts use.

``data/search/screening_decisions.csv`` keeps every decision of every reviewer, one row
each, never overwritten (a reviewer who changes a decision adds a row; the last one
counts). Columns: those of the screening log (:data:`~living_review.search.screening.SCREENING_COLUMNS`)
plus ``reviewer`` (initials, 2 to 4 capital letters) and ``role``: ``screen`` for an
independent decision, ``resolve`` for the decision that settles a conflict.

A (record, stage) is *resolved* when a ``resolve`` row exists (the last one counts) or when
``required`` reviewers decided it independently and agree on decision, reason and study
ids; it is in *conflict* when they disagree and no ``resolve`` row settles it, and
*pending* while fewer reviewers than required have decided it. Only resolved decisions
enter ``screening_log.csv``, which the PRISMA counts read
(:func:`~living_review.search.prisma.compute_prisma`).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from typing import Literal, get_args

import pandas as pd

from living_review.core.encoding import read_frame, read_frame_lines
from living_review.search.screening import SCREENING_COLUMNS, check_log

Role = Literal["screen", "resolve"]
ROLES: tuple[str, ...] = get_args(Role)
DECISION_COLUMNS = (*SCREENING_COLUMNS, "reviewer", "role")
DECISIONS_FILE = "screening_decisions.csv"
_INITIALS = re.compile(r"^[A-Z]{2,4}$")


def check_reviewer(initials: str) -> str:
    """Reviewer initials, upper-cased; ``ValueError`` unless 2 to 4 letters."""
    value = str(initials or "").strip().upper()
    if not _INITIALS.match(value):
        raise ValueError(f"reviewer {initials!r} must be the reviewer's initials, 2 to 4 letters (e.g. AB)")
    return value


def empty_decisions() -> pd.DataFrame:
    return pd.DataFrame(columns=list(DECISION_COLUMNS), dtype=str)


def check_decisions(table: pd.DataFrame, where: str = DECISIONS_FILE, lines: list[int] | None = None) -> pd.DataFrame:
    """Check every row (closed sets of the screening log, initials, role); ``ValueError`` says ``FILE:LINE: column:``.

    ``lines`` gives the physical line of each row (default: one line per row after the header).
    """
    missing = [c for c in DECISION_COLUMNS if c not in table.columns]
    if missing:
        raise ValueError(f"{where}:1: missing column(s) {missing} (add them; expected {list(DECISION_COLUMNS)})")
    table = table.loc[:, list(DECISION_COLUMNS)].fillna("").astype(str).apply(lambda c: c.str.strip())
    for k, row in enumerate(table.itertuples(index=False)):
        line = lines[k] if lines and k < len(lines) else k + 2
        at = f"{where}:{line}"
        try:
            check_reviewer(row.reviewer)
        except ValueError as err:
            raise ValueError(f"{at}: reviewer: {err} (record {row.record_id})") from None
        if row.role not in ROLES:
            raise ValueError(f"{at}: role: {row.role!r} is not allowed (use one of: {', '.join(ROLES)}; "
                             f"record {row.record_id})")
        # One row at a time through the screening log's own checks, so the rules are one.
        single = pd.DataFrame([row._asdict()])[list(SCREENING_COLUMNS)]
        check_log(single, where, [line])
    return table.reset_index(drop=True)


def read_decisions(path: str | Path) -> pd.DataFrame:
    """Read and check the decisions file; an absent file is an empty table."""
    path = Path(path)
    if not path.exists():
        return empty_decisions()
    table, lines = read_frame_lines(path, path.name)
    return check_decisions(table, path.name, lines)


def append_decisions(path: str | Path, rows: pd.DataFrame) -> pd.DataFrame:
    """Check ``rows`` and append them to the decisions file (created with a header when absent)."""
    path = Path(path)
    rows = check_decisions(rows, path.name)
    table = pd.concat([read_decisions(path), rows], ignore_index=True)
    tmp = path.with_name(f".{path.name}.partial")
    table.to_csv(tmp, index=False)
    tmp.replace(path)
    return table


@dataclass(frozen=True)
class Resolution:
    """Decisions per (record, stage) after applying the rule of the module docstring.

    Attributes
    ----------
    resolved : screening-log rows (:data:`SCREENING_COLUMNS`) of the resolved decisions.
    conflicts : ``record_id``, ``stage``, ``decisions`` (``"AB: include; CD: exclude (case_report)"``).
    pending : ``record_id``, ``stage``, ``reviewers`` (who decided so far).
    required : reviewers needed per record.
    """

    resolved: pd.DataFrame
    conflicts: pd.DataFrame
    pending: pd.DataFrame
    required: int

    def summary(self) -> str:
        return (f"{len(self.resolved)} resolved, {len(self.conflicts)} in conflict, "
                f"{len(self.pending)} awaiting another reviewer ({self.required} required)")


def _verdict(row) -> tuple[str, str, str]:
    return (row.decision, row.reason, ";".join(sorted(s for s in row.study_ids.split(";") if s.strip())))


def _describe(row) -> str:
    extra = f" ({row.reason})" if row.reason else (f" [{row.study_ids}]" if row.study_ids else "")
    return f"{row.reviewer}: {row.decision}{extra}"


def resolve(decisions: pd.DataFrame, required: int = 2) -> Resolution:
    """Resolve the decisions (see the module docstring); ``required`` is 1 or more."""
    if not isinstance(required, int) or required < 1:
        raise ValueError(f"required={required!r} must be a whole number of reviewers, 1 or more")
    table = check_decisions(decisions)
    last = table.drop_duplicates(["record_id", "stage", "reviewer", "role"], keep="last")
    resolved, conflicts, pending = [], [], []
    for (rid, stage), group in last.groupby(["record_id", "stage"], sort=False):
        settle = group[group["role"] == "resolve"]
        votes = group[group["role"] == "screen"]
        if len(settle):
            row = settle.iloc[-1]
            who = ", ".join(votes["reviewer"]) or "no independent reviewer"
            resolved.append({**{c: row[c] for c in SCREENING_COLUMNS},
                             "note": _note(row["note"], f"conflict of {who} resolved by {row['reviewer']}")})
        elif len(votes) < required:
            pending.append({"record_id": rid, "stage": stage, "reviewers": ", ".join(votes["reviewer"])})
        elif len({_verdict(r) for r in votes.itertuples()}) == 1:
            row = votes.iloc[-1]
            dates = sorted(votes["date"])
            resolved.append({**{c: row[c] for c in SCREENING_COLUMNS}, "date": dates[-1],
                             "note": _note("; ".join(n for n in votes["note"] if n),
                                           f"agreed by {' and '.join(votes['reviewer'])}")})
        else:
            conflicts.append({"record_id": rid, "stage": stage,
                              "decisions": "; ".join(_describe(r) for r in votes.itertuples())})
    return Resolution(resolved=pd.DataFrame(resolved, columns=list(SCREENING_COLUMNS)),
                      conflicts=pd.DataFrame(conflicts, columns=["record_id", "stage", "decisions"]),
                      pending=pd.DataFrame(pending, columns=["record_id", "stage", "reviewers"]),
                      required=required)


def _note(own: str, how: str) -> str:
    return f"{how}; {own}" if own else how


def merge_into_log(log: pd.DataFrame, resolution: Resolution) -> pd.DataFrame:
    """The screening log with the resolved decisions written in (one row per record and stage).

    Rows of the log for a (record, stage) that is resolved are replaced; rows for one in
    conflict or pending are removed, since only resolved decisions count; other rows (the
    decisions recorded without reviewers, such as the hand-search records) are kept as they are.
    """
    log = check_log(log) if len(log) else pd.DataFrame(columns=list(SCREENING_COLUMNS), dtype=str)
    touched = pd.concat([resolution.resolved[["record_id", "stage"]],
                         resolution.conflicts[["record_id", "stage"]],
                         resolution.pending[["record_id", "stage"]]])
    keys = set(zip(touched["record_id"], touched["stage"]))
    keep = log[[(r, s) not in keys for r, s in zip(log["record_id"], log["stage"])]]
    return check_log(pd.concat([keep, resolution.resolved], ignore_index=True))


def screened_ids(search_dir: str | Path) -> set[str]:
    """Ids of the records with a decision in ``screening_log.csv`` or the decisions file of a folder."""
    folder = Path(search_dir)
    ids: set[str] = set()
    log = folder / "screening_log.csv"
    if log.exists():
        ids |= set(read_frame(log, log.name)["record_id"])
    return ids | set(read_decisions(folder / DECISIONS_FILE)["record_id"])
