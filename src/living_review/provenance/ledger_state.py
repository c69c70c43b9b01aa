"""What a chapter that reads ledger records depends on: their state, noted when it reads them.

A chapter that reads some records (the drug chapters read the survival chapter's pooled
medians and curves) depends on what they hold and on whether each was current, for a
record that is not is recomputed by the reader (:mod:`living_review.analyses.survival_source`).
Their *state* (:func:`state`) is a digest of exactly that: every record's content but its
``inputs_fingerprint``, and whether that fingerprint is the current one. It leaves out the
fingerprint itself, which every data change alters (a build confirms the records of a
chapter that did not need re-executing), so that a reader is re-executed only when a record
it read changed, not at every data change.

The state is taken when the records are read, in the reader's kernel (:func:`note_read`),
so a record written by a chapter running beside it after it read is seen as a change:
the build compares the noted state with the state after every writer has run
(:mod:`living_review.book.execution`) and executes the reader again when they differ.
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

from living_review.core.fingerprint import build_inputs_fingerprint
from living_review.core.paths import project_root
from living_review.provenance import reads


def state(records: dict[str, dict], current: str) -> str:
    """Digest of ``records`` (``{key: record}``) as a reader sees them, given the current inputs fingerprint."""
    digest = hashlib.sha256()
    for key in sorted(records):
        record = records[key]
        content = {k: v for k, v in record.items() if k != "inputs_fingerprint"}
        seen = [key, content, record.get("inputs_fingerprint") == current]
        digest.update(json.dumps(seen, sort_keys=True, allow_nan=True).encode("utf-8") + b"\n")
    return digest.hexdigest()


_KNOWN: dict[Path, str] = {}


def current_fingerprint(root: Path | None = None) -> str:
    """The inputs fingerprint now, read as bookkeeping (no dependency: the state holds its effect).

    In a recorded run (a chapter executed by the build) it is computed once per project: the
    build writes nothing but its output while chapters run, so the inputs cannot change, and a
    chapter that records hundreds of estimates would otherwise hash them for each.
    """
    where = Path(root or project_root()).resolve()
    if reads.recording() and where in _KNOWN:
        return _KNOWN[where]
    with reads.paused():
        value = build_inputs_fingerprint(where)
    if reads.recording():
        _KNOWN[where] = value
    return value


def note_read(prefix: str, records: dict[str, dict], root: Path | None = None) -> None:
    """In a recorded run, note that the records under ``prefix`` (of the project ``root``) were
    read, and their state."""
    if reads.recording():
        reads.note("ledger-read", f"{prefix} {state(records, current_fingerprint(root))}")
