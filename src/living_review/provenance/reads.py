"""What a chapter read and wrote while it ran: the record its re-execution is decided on.

A chapter re-executes only when something it used changed, so what it used is recorded
at run time, never declared by hand: a file a chapter reads without saying so is still on
record. :func:`start` (run in the chapter's kernel before its first cell, by
:mod:`living_review.book.execution`) installs an audit hook (:pep:`578`) that notes every
file opened under the project root, and the ledger notes which estimates a chapter
recorded and whether it read other chapters' records (:func:`note`). Each event is one
line of a log file, written as it happens:

* ``read <path>``: a file opened for reading (path relative to the project root);
* ``wrote <path>``: a file opened for writing;
* ``ledger-write <key>``: an estimate recorded (:func:`living_review.provenance.ledger.record`);
* ``ledger-read``: the ledger read (:func:`living_review.provenance.ledger.collect`);
* ``ledger-read <prefix> <state>``: the records under a key prefix read, and their state
  (:mod:`living_review.provenance.ledger_state`).

Outside a recorded run every function here does nothing.

Example
-------
>>> start("_build/.execution/chapter.reads", ".")  # doctest: +SKIP
>>> read_log("_build/.execution/chapter.reads")  # doctest: +SKIP
Reads(files=('data/studies.csv', 'review.yml'), wrote=('_build/figures/x.svg',), ...)
"""

from __future__ import annotations

import os
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

_STATE: dict = {}
#: folders whose files are never dependencies: build output is checked as output, git's
#: own files are not content, the package code is fingerprinted as a whole
NOT_DEPENDENCIES = ("_build/", ".git/", "src/", ".jupyter_cache/")


@dataclass(frozen=True)
class Reads:
    """What one run of a chapter read and wrote (paths relative to the project root)."""

    files: tuple[str, ...]
    wrote: tuple[str, ...]
    ledger_written: tuple[str, ...]
    read_ledger: bool
    #: (prefix, state) of each read of the records under a key prefix
    ledger_reads: tuple[tuple[str, str], ...] = ()


def _write(line: str) -> None:
    with paused(), open(_STATE["log"], "a", encoding="utf-8") as handle:
        handle.write(line + "\n")


def _writes(mode, flags) -> bool:
    if isinstance(mode, str):
        return any(c in mode for c in "wax+")
    return isinstance(flags, int) and bool(flags & (os.O_WRONLY | os.O_RDWR | os.O_APPEND | os.O_CREAT))


def _hook(event: str, args: tuple) -> None:
    if event != "open" or _STATE.get("busy") or not args or isinstance(args[0], int):
        return
    kind = "wrote" if _writes(args[1] if len(args) > 1 else None, args[2] if len(args) > 2 else None) else "read"
    _opened(args[0], kind)


def _opened(given, kind: str) -> None:
    try:
        path = Path(os.fsdecode(given))
        path = (path if path.is_absolute() else Path.cwd() / path).resolve()
        name = path.relative_to(_STATE["root"]).as_posix()
    except (ValueError, OSError, TypeError):
        return  # outside the project, or not a path
    if (kind, name) in _STATE["seen"]:
        return
    _STATE["seen"].add((kind, name))
    _write(f"{kind} {name}")


def wrote(path: str | Path) -> None:
    """Note ``path`` as written, in a recorded run: for a file put in place by renaming another."""
    if "log" in _STATE and not _STATE.get("busy"):
        _opened(path, "wrote")


def start(log: str | Path, root: str | Path) -> None:
    """Record, into ``log``, every file this process opens under ``root`` from now on."""
    _STATE.update(log=str(Path(log).resolve()), root=Path(root).resolve(), seen=set(), busy=False)
    Path(_STATE["log"]).write_text("", encoding="utf-8")
    sys.addaudithook(_hook)


@contextmanager
def paused() -> Iterator[None]:
    """Record no read inside this block: for bookkeeping that reads files but is no dependency
    (the ledger's inputs fingerprint, which a build brings up to date without re-executing)."""
    before = _STATE.get("busy", False)
    _STATE["busy"] = True
    try:
        yield
    finally:
        _STATE["busy"] = before


def recording() -> bool:
    """True in a recorded run (after :func:`start`)."""
    return "log" in _STATE


def note(event: str, detail: str = "") -> None:
    """Add one event (``ledger-write KEY``, ``ledger-read``) to the log of a recorded run."""
    if "log" in _STATE and (event, detail) not in _STATE["seen"]:
        _STATE["seen"].add((event, detail))
        _write(f"{event} {detail}".strip())


def read_log(log: str | Path) -> Reads:
    """Read a log written by :func:`start` and :func:`note`."""
    files, wrote, written, read_ledger, keyed = set(), set(), set(), False, set()
    for line in Path(log).read_text(encoding="utf-8").splitlines():
        kind, _, detail = line.partition(" ")
        if kind == "read" and not detail.startswith(NOT_DEPENDENCIES):
            files.add(detail)
        elif kind == "wrote" and detail.startswith("_build/"):
            wrote.add(detail)
        elif kind == "ledger-write":
            written.add(detail)
        elif kind == "ledger-read" and detail:
            prefix, _, seen = detail.partition(" ")
            keyed.add((prefix, seen))
        elif kind == "ledger-read":
            read_ledger = True
    return Reads(tuple(sorted(files - wrote)), tuple(sorted(wrote)), tuple(sorted(written)), read_ledger,
                 tuple(sorted(keyed)))
