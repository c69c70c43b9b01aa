"""Which export files were imported, recognised by their content: ``data/search/imports.json``.

One entry per imported file: its name, the SHA-256 of its bytes, the search date, the day
it was imported, the source and the record ids it gave. An export whose bytes were already
imported (the same file, or a renamed copy) is refused with the date it was imported, so
that it cannot inflate the PRISMA counts of records identified and of duplicates.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from pathlib import Path

from living_review.core.words import count

LOG_NAME = "imports.json"


def file_sha256(path: str | Path) -> str:
    return hashlib.sha256(Path(path).read_bytes()).hexdigest()


def read_import_log(path: str | Path) -> list[dict]:
    """The entries of an import log, ``[]`` when there is none; bad JSON is a ``ValueError`` at its line."""
    path = Path(path)
    if not path.is_file():
        return []
    try:
        entries = json.loads(path.read_text(encoding="utf-8"))
    except json.JSONDecodeError as err:
        raise ValueError(f"{path.name}:{err.lineno}:{err.colno}: not valid JSON ({err.msg}); restore it from "
                         "version control") from None
    if not isinstance(entries, list):
        raise ValueError(f"{path.name}:1: expected a list of imports; restore it from version control")
    return entries


def check_not_imported(paths, log_path: str | Path) -> None:
    """``ValueError`` naming the first file whose content was imported before, and when."""
    known = {e.get("sha256"): e for e in read_import_log(log_path)}
    seen: dict[str, str] = {}
    for path in map(Path, paths):
        digest = file_sha256(path)
        entry = known.get(digest)
        if entry:
            same = "" if entry.get("file") == path.name else f" as {entry.get('file')}"
            raise ValueError(f"{path.name}: already imported on {entry.get('imported_on')}{same} (same content, "
                             f"SHA-256 {digest[:12]}; its {count(len(entry.get('record_ids', [])), 'record')} are in the "
                             "records table); nothing was added: importing it again would count its records twice "
                             "and use their record ids more than once")
        if digest in seen:
            raise ValueError(f"{path.name}: the same content as {seen[digest]}, given twice; nothing was added")
        seen[digest] = path.name


def log_imports(paths, frame, log_path: str | Path, *, search_date: str, today: dt.date | None = None) -> None:
    """Append one entry per file of an import just written (``frame``'s origin names the file)."""
    log_path = Path(log_path)
    entries = read_import_log(log_path)
    day = (today or dt.date.today()).isoformat()
    for path in map(Path, paths):
        ids = frame.loc[frame["origin"].str.startswith(f"{path.name}:"), "record_id"].tolist()
        sources = sorted(set(frame.loc[frame["record_id"].isin(ids), "source"]))
        entries.append({"file": path.name, "sha256": file_sha256(path), "search_date": search_date,
                        "imported_on": day, "source": "; ".join(sources), "record_ids": ids})
    log_path.write_text(json.dumps(entries, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
