"""The screening queue: records from databases and registers that still need a decision.

At ``title_abstract``: every record of a database or register that is not a duplicate
(merge log) and has no resolved title/abstract decision. At ``full_text``: those included
at title/abstract without a resolved full-text decision. With a reviewer given, records
that reviewer already decided are left out, so that two reviewers screen independently.

Each queued record says why it was matched: the run that found it (source, date limits)
and the saved query's terms found in its title and abstract; register records add their
status, posted results and linked publications (see :mod:`living_review.search.runners.ctgov`).

The CSV round trip: :func:`export_queue` writes the queue with empty decision columns, a
reviewer fills them in a spreadsheet, :func:`import_decisions` reads them back checked.
"""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

import pandas as pd

from living_review.core.choices import check_choice
from living_review.search.decisions import DECISION_COLUMNS, check_decisions, check_reviewer
from living_review.search.records import source_kind
from living_review.search.screening import STAGES

EXPORT_COLUMNS = ("record_id", "stage", "title", "authors", "year", "journal", "doi", "pmid", "registry_ids",
                  "source", "why_matched", "abstract", "decision", "reason", "study_ids", "note", "how_to_fill")


def how_to_fill(stage: str) -> str:
    """What the decision columns of an exported queue take at ``stage`` (the export's last column)."""
    from living_review.search.screening import EXCLUSION_REASONS

    decisions = ("include or exclude" if stage == "title_abstract"
                 else "include, exclude, not_retrieved or previously_included")
    ids = ("study_ids: leave empty at title_abstract" if stage == "title_abstract" else
           "study_ids: required with include (and previously_included): the study_id(s) of data/studies.csv, "
           "';'-separated (add a new cohort with `living-review add-study RECORD_ID` first)")
    return (f"decision: {decisions} (empty: not yet decided); reason: required with exclude, one of "
            f"{', '.join(EXCLUSION_REASONS)}; {ids}; note: free text")
_FIELD_TAG = re.compile(r"\[[^\]]*\]")
_OPERATORS = {"and", "or", "not", "to"}


def query_terms(query: str) -> list[str]:
    """Search terms of a query: quoted phrases and bare words, without field tags, operators or dates.

    Example
    -------
    >>> query_terms('("anaplastic thyroid cancer"[tiab] OR lenvatinib[tiab]) AND trial')
    ['anaplastic thyroid cancer', 'lenvatinib', 'trial']
    """
    text = _FIELD_TAG.sub(" ", query or "")
    phrases = re.findall(r'"([^"]+)"', text)
    rest = re.sub(r'"[^"]+"', " ", text)
    # Field names (FIRST_PDATE, AREA[...]) are not search terms.
    words = [w for w in re.findall(r"[A-Za-z][A-Za-z0-9_-]+", rest)
             if w.lower() not in _OPERATORS and "_" not in w]
    seen, out = set(), []
    for term in [*phrases, *words]:
        key = term.lower()
        if key not in seen:
            seen.add(key)
            out.append(term.lower())
    return out


def why_matched(record, manifests: dict[str, dict]) -> str:
    """Why a record was found: its run and the query terms in its title and abstract."""
    origin = str(record.origin)
    match = re.match(r"runs/([^/]+)/([^/]+)/", origin)
    run = manifests.get(f"{match.group(1)}/{match.group(2)}") if match else None
    if run is None:
        return f"{record.source}, {origin}"
    text = f"{record.title} {record.abstract}".lower()
    found = [t for t in query_terms(run["query"]) if t in text]
    parts = [f"{run['source']} run {run['run_id']} ({run['date_field']} {run['start']} to {run['end']})",
             f"query terms in title/abstract: {', '.join(found) if found else 'none (matched on other fields)'}"]
    flags = origin.split("; ")[2:] if run["key"] == "ctgov" else []
    return "; ".join(parts + flags)


def screening_queue(records: pd.DataFrame, merge_log: pd.DataFrame, log: pd.DataFrame,
                    decisions: pd.DataFrame, manifests: dict[str, dict], *,
                    stage: str = "title_abstract", reviewer: str | None = None) -> pd.DataFrame:
    """Records awaiting a decision at ``stage`` (see the module docstring), in records-table order.

    Returns the record columns plus ``stage`` and ``why_matched``.
    """
    check_choice("stage", stage, STAGES)
    removed = set(merge_log["removed_id"]) if len(merge_log) else set()
    decided = {(r, s): d for r, s, d in zip(log["record_id"], log["stage"], log["decision"])}
    mine = set()
    if reviewer:
        who = check_reviewer(reviewer)
        mine = set(decisions.loc[(decisions["reviewer"] == who) & (decisions["stage"] == stage), "record_id"])
    keep = []
    for rec in records.itertuples(index=False):
        if source_kind(rec.source) not in ("database", "register") or rec.record_id in removed:
            continue
        if (rec.record_id, stage) in decided or rec.record_id in mine:
            continue
        if stage == "full_text" and decided.get((rec.record_id, "title_abstract")) != "include":
            continue
        keep.append({**rec._asdict(), "stage": stage, "why_matched": why_matched(rec, manifests)})
    return pd.DataFrame(keep, columns=[*records.columns, "stage", "why_matched"])


def manifests_by_run(manifests: list[dict]) -> dict[str, dict]:
    """Run manifests keyed ``"<key>/<run_id>"``, as :func:`why_matched` looks them up."""
    return {f"{m['key']}/{m['run_id']}": m for m in manifests}


def export_queue(queue: pd.DataFrame, path: str | Path) -> Path:
    """Write the queue as a CSV to screen in a spreadsheet (decision columns left empty).

    Its ``how_to_fill`` column says, on every row, which values ``decision``, ``reason``
    and ``study_ids`` take at the row's stage (:func:`how_to_fill`); the import ignores it.

    A queue ordered by :func:`~living_review.search.relevance.rank_records` keeps its order
    and its ``relevance_rank``, ``relevance_score`` and ``relevance_terms`` columns, last.
    """
    path = Path(path)
    ranked = [c for c in ("relevance_rank", "relevance_score", "relevance_terms") if c in queue.columns]
    out = queue.reindex(columns=[*EXPORT_COLUMNS, *ranked]).fillna("")
    out["how_to_fill"] = [how_to_fill(stage) for stage in out["stage"]]
    out.to_csv(path, index=False)
    return path


def import_decisions(path: str | Path, *, reviewer: str, date: str | None = None,
                     known: set[str] | None = None) -> pd.DataFrame:
    """Read a screened export back as decision rows of ``reviewer`` (rows left undecided are skipped).

    ``date`` (ISO) fills empty date cells; default today. Raises ``ValueError`` naming the
    file and line of the first bad row (a decision or reason outside the controlled lists,
    or, with ``known`` the record ids of the records table, a record that is not in it).
    """
    from living_review.core.encoding import read_frame_lines

    path = Path(path)
    who = check_reviewer(reviewer)
    day = date or dt.date.today().isoformat()
    table, lines = read_frame_lines(path, path.name)
    missing = [c for c in ("record_id", "stage", "decision", "reason") if c not in table.columns]
    if missing:
        raise ValueError(f"{path.name}:1: missing column(s) {missing} (export the queue with `screen --export` "
                         "and keep its header)")
    table = table.assign(line=lines)
    table = table[table["decision"].str.strip() != ""]
    rows = pd.DataFrame({
        "record_id": table["record_id"], "stage": table["stage"], "decision": table["decision"].str.strip(),
        "reason": table["reason"], "study_ids": table.get("study_ids", ""),
        "date": table["date"] if "date" in table else day, "note": table.get("note", ""),
        "reviewer": who, "role": "screen"}).fillna("")
    rows.loc[rows["date"].str.strip() == "", "date"] = day
    if known is not None:
        for line, record in zip(table["line"], rows["record_id"].str.strip()):
            if record not in known:
                raise ValueError(f"{path.name}:{line}: record_id: {record!r} is not a record of records.csv (keep "
                                 "the record ids of the exported queue)")
    return check_decisions(rows[list(DECISION_COLUMNS)], path.name, table["line"].tolist())
