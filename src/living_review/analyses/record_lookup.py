"""Finding a ledger record that still holds: one written by this build (or, in a rerun, by the book's build) from the current inputs, with the parameters asked for and the cohorts asked for."""

from __future__ import annotations

import os
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

from living_review.core.paths import BUILD_DIR_VARIABLE, project_root
from living_review.provenance.ledger import collect
from living_review.provenance.ledger_state import current_fingerprint

Origin = Literal["this build", "book build", "recomputed"]
"""Where a record was read from, or that it was recomputed."""


@dataclass(frozen=True)
class Lookup:
    """A record found for reuse (``origin`` says whose ledger), or ``None`` with the ``reason``."""

    record: dict | None
    origin: Origin | None
    reason: str
    where: Path | None = None


def in_rerun() -> bool:
    """True while a rerun redirects the ledger to its own folder (``LIVING_REVIEW_BUILD_DIR``)."""
    folder = os.environ.get(BUILD_DIR_VARIABLE)
    return bool(folder) and Path(folder).resolve() != (project_root() / "_build").resolve()


def _mismatch(rec: dict, params: dict, ids: Callable[[dict], bool], fingerprint: str) -> str:
    if rec.get("inputs_fingerprint") != fingerprint:
        return "its record was written from other data, code or configuration"
    other = {k: (rec["params"].get(k), v) for k, v in params.items() if rec["params"].get(k) != v}
    if other:
        return "its record was made with " + ", ".join(f"{k} {a} (here {b})" for k, (a, b) in sorted(other.items()))
    if not ids(rec):
        return "its record was made from other cohorts"
    return ""


def find(key: str, *, params: dict, ids: Callable[[dict], bool], root: Path | None = None,
         book_root: Path | None = None) -> Lookup:
    """Look up ``key`` in this page's ledger, then (in a rerun) in the book's.

    Parameters
    ----------
    params : the record's ``params`` must hold these values.
    ids : check of the record's cohorts (``True`` when they are the ones this page would pool).
    root : ledger of this page (default: the build folder, which a rerun redirects).
    book_root : project whose ``_build/ledger`` is the book's (default: the project root); it is
        read only in a rerun, or when ``root`` is given and differs from it.
    """
    book = Path(book_root or project_root())
    fingerprint = current_fingerprint(book)  # no dependency: the state of the records read holds its effect
    places: list[tuple[Path | None, Origin]] = [(root, "this build")]
    if (root is not None and Path(root) != book) or (root is None and in_rerun()):
        places.append((book, "book build"))
    reasons = []
    for where, origin in places:
        rec = collect(where, prefix=key).get(key)
        if rec is None:
            reasons.append(f"{'this run' if origin == 'this build' and len(places) > 1 else origin} has no record")
            continue
        why = _mismatch(rec, params, ids, fingerprint)
        if not why:
            return Lookup(rec, origin, "", where)
        reasons.append(f"in the {origin}, {why}")
    return Lookup(None, None, "; ".join(reasons))
