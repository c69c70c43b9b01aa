"""Execute the chapters that need it, in parallel, before Sphinx reads them.

A chapter is executed again only when something it used changed since it was last
executed: its own source, the package code (the tracked files of ``src/``), or a file it
read (data, ``review.yml``, release summaries; recorded at run time by
:mod:`living_review.provenance.reads`, so a read nobody declared still counts). A chapter that
read the ledger (the changelog) is a *consumer*: it runs after every other chapter, and
again whenever the ledger it read has changed. A chapter that read only the records under
some key prefixes (a drug chapter, the survival chapter's records) runs after the others
too once that is known, and again only when those records changed in content or in being
current (:mod:`living_review.provenance.ledger_state`); on its first run it runs beside the
others, and again only if the records it read changed after it read them. What a chapter used is kept in its
manifest, ``_build/.execution/<docname>.json``; a chapter without one is executed.
Anything a chapter wrote into ``_build`` (figures, ledger records) must still be there.

Chapters are executed with nbclient, each in a kernel of its own, on ``LIVING_REVIEW_JOBS``
processes at once (default: every core); the kernels are forked from one interpreter that
has imported the heavy third-party modules once (:mod:`living_review.book.warm_pool`). The executed notebook goes
into the jupyter-cache that myst-nb reads in ``cache`` mode, so Sphinx renders it without
executing it again. :mod:`living_review.book.sphinx_extension` calls :func:`plan` and
:func:`run` before Sphinx reads the pages.

A chapter found fresh has its ledger records confirmed (:func:`living_review.provenance.ledger.confirm`).
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import re
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor, as_completed
from dataclasses import dataclass
from pathlib import Path

import nbformat

from living_review.book import forked_kernels, warm_pool
from living_review.book.warm_pool import WarmPool
from living_review.core.fingerprint import tracked_fingerprint
from living_review.provenance import ledger, ledger_state
from living_review.provenance.reads import Reads, read_log

MANIFEST_DIR = Path("_build") / ".execution"
ANSI = re.compile(r"\x1b\[[0-9;]*m")
JOBS_VARIABLE = "LIVING_REVIEW_JOBS"


@dataclass(frozen=True)
class Chapter:
    """One page that is a notebook: its Sphinx name, its source file and the notebook as myst-nb reads it."""

    docname: str
    source: Path
    notebook: nbformat.NotebookNode
    consumer: bool = False


@dataclass(frozen=True)
class Executed:
    docname: str
    notebook: nbformat.NotebookNode
    reads: Reads
    seconds: float


class ChapterFailed(RuntimeError):
    """A chapter raised while it was executed; the message holds its error."""

    def __init__(self, message: str, chapter: Chapter | None = None, read_ledger: bool = False):
        super().__init__(message)
        self.chapter = chapter
        self.read_ledger = read_ledger


def jobs() -> int:
    raw = os.environ.get(JOBS_VARIABLE, "").strip()
    if raw:
        if not raw.isdigit() or int(raw) < 1:
            raise ValueError(f"{JOBS_VARIABLE}={raw!r}: give a whole number of processes, 1 or more")
        return int(raw)
    return max(1, os.cpu_count() or 1)


def digest(path: Path) -> str:
    """SHA-256 of a file's bytes, or ``"missing"``."""
    return hashlib.sha256(path.read_bytes()).hexdigest() if path.is_file() else "missing"


def code_fingerprint(root: Path) -> str:
    return tracked_fingerprint(["src"], root)


def producer_keys(root: Path) -> set[str]:
    """Ledger keys written by chapters that read no ledger (from their manifests)."""
    keys: set[str] = set()
    for path in (root / MANIFEST_DIR).rglob("*.json") if (root / MANIFEST_DIR).is_dir() else ():
        manifest = json.loads(path.read_text(encoding="utf-8"))
        if not manifest.get("read_ledger"):
            keys.update(manifest.get("ledger_written", []))
    return keys


def ledger_fingerprint(root: Path) -> str:
    """State of the records that chapters reading no whole ledger wrote: what a reader of the
    whole ledger depends on (:func:`living_review.provenance.ledger_state.state`; a reader that runs
    after another reader re-executes when that one does)."""
    folder = ledger.ledger_dir(root)
    records = {}
    for key in producer_keys(root):
        path = folder / f"{key}.json"
        records[key] = json.loads(path.read_text(encoding="utf-8")) if path.is_file() else {"missing": True}
    return ledger_state.state(records, ledger_state.current_fingerprint(root))


def changed_ledger_read(root: Path, seen: list | tuple) -> str | None:
    """The first key prefix among ``seen`` (``(prefix, state)`` pairs, as noted when a chapter read
    them) whose records are no longer in that state, or None."""
    current = ledger_state.current_fingerprint(root) if seen else ""
    for prefix, known in sorted(tuple(pair) for pair in seen):
        if ledger_state.state(ledger.collect(root, prefix=prefix), current) != known:
            return prefix
    return None


def manifest_path(root: Path, docname: str) -> Path:
    return root / MANIFEST_DIR / f"{docname}.json"


def why_stale(root: Path, chapter: Chapter, code: str) -> str | None:
    """Why ``chapter`` must be executed, or None when nothing it used has changed."""
    path = manifest_path(root, chapter.docname)
    if not path.is_file():
        return "not executed before"
    manifest = json.loads(path.read_text(encoding="utf-8"))
    if manifest.get("source") != digest(chapter.source):
        return "its source changed"
    if manifest.get("code") != code:
        return "the package code changed"
    for name, known in sorted(manifest.get("files", {}).items()):
        if digest(root / name) != known:
            return f"{name} changed"
    for name in manifest.get("wrote", []):
        if not (root / name).is_file():
            return f"{name} is missing"
    if manifest.get("read_ledger") and manifest.get("ledger") != ledger_fingerprint(root):
        return "the ledger it reads changed"
    changed = changed_ledger_read(root, manifest.get("ledger_reads", []))
    if changed:
        return f"the ledger records {changed} it read changed"
    missing = ledger.confirm(manifest.get("ledger_written", []), root)
    if missing:
        return f"its ledger record {missing[0]} is missing"
    return None


def write_manifest(root: Path, chapter: Chapter, done: Executed, code: str, ledger_now: str) -> Path:
    path = manifest_path(root, chapter.docname)
    path.parent.mkdir(parents=True, exist_ok=True)
    payload = {
        "source": digest(chapter.source), "code": code,
        "files": {name: digest(root / name) for name in done.reads.files},
        "wrote": list(done.reads.wrote), "ledger_written": list(done.reads.ledger_written),
        "read_ledger": done.reads.read_ledger, "ledger": ledger_now,
        "ledger_reads": [list(pair) for pair in done.reads.ledger_reads],
    }
    path.write_text(json.dumps(payload, indent=2, sort_keys=True) + "\n", encoding="utf-8")
    return path


def is_consumer(root: Path, docname: str, declared: list[str]) -> bool:
    """A chapter runs after the others when declared so, or when it read the ledger, or records
    under a key prefix, last time."""
    if docname in declared:
        return True
    path = manifest_path(root, docname)
    if not path.is_file():
        return False
    manifest = json.loads(path.read_text(encoding="utf-8"))
    return bool(manifest.get("read_ledger") or manifest.get("ledger_reads"))


def _manifest(root: Path, docname: str) -> dict:
    path = manifest_path(root, docname)
    return json.loads(path.read_text(encoding="utf-8")) if path.is_file() else {}


def reads_records_only(root: Path, docname: str) -> bool:
    """Whether ``docname`` read records under some key prefixes, and not the whole ledger, last time."""
    manifest = _manifest(root, docname)
    return bool(manifest.get("ledger_reads")) and not manifest.get("read_ledger")


def waits_for(root: Path, docname: str, writers: set[str]) -> bool:
    """Whether a chapter among ``writers`` (about to be executed) wrote, last time, a record under
    a key prefix that ``docname`` read: then ``docname`` runs after it."""
    prefixes = {prefix for prefix, _ in _manifest(root, docname).get("ledger_reads", [])}
    for writer in writers - {docname}:
        for key in _manifest(root, writer).get("ledger_written", []):
            if any(key == p or key.startswith(p + ".") for p in prefixes):
                return True
    return False


def read_too_early(root: Path, docname: str) -> bool:
    """After the chapters beside it ran: whether ``docname``, just executed, read the whole
    ledger (it may have missed records written since), or records under a key prefix that are
    no longer in the state it read them in."""
    path = manifest_path(root, docname)
    if not path.is_file():
        return False
    manifest = json.loads(path.read_text(encoding="utf-8"))
    return bool(manifest.get("read_ledger")) or changed_ledger_read(root, manifest.get("ledger_reads", [])) is not None


def _execute_one(chapter: Chapter, root: Path, timeout: int, folder: Path, pool: WarmPool | None = None) -> Executed:
    stem = chapter.docname.replace("/", "__")
    given, done, log = folder / f"{stem}.in.ipynb", folder / f"{stem}.out.ipynb", folder / f"{stem}.reads"
    nbformat.write(chapter.notebook, given)
    started = time.perf_counter()
    argv = [str(given), str(done), str(log), str(chapter.source.parent), str(root), str(timeout)]
    if pool is not None:
        errors = folder / f"{stem}.stderr"
        returncode = pool.run(argv, errors)
        stderr = errors.read_text(encoding="utf-8", errors="replace") if errors.is_file() else ""
    else:
        result = subprocess.run([sys.executable, "-m", "living_review.book.execution", *argv],
                                capture_output=True, text=True)
        returncode, stderr = result.returncode, result.stderr
    if returncode != 0:
        lines = [line for line in ANSI.sub("", stderr).splitlines() if not line.startswith("[IPKernelApp]")]
        error = "\n".join(lines)[-6000:]
        read_ledger = log.is_file() and (read_log(log).read_ledger or bool(read_log(log).ledger_reads))
        raise ChapterFailed(f"{chapter.docname} ({chapter.source.name}) raised:\n{error}", chapter, read_ledger)
    return Executed(chapter.docname, nbformat.read(done, as_version=4), read_log(log), time.perf_counter() - started)


def run(chapters: list[Chapter], root: Path, *, timeout: int, store: Callable[[Chapter, Executed], None],
        say: Callable[[str], None] = print, deferred: list[Chapter] | None = None,
        pool: WarmPool | None = None) -> list[Executed]:
    """Execute ``chapters``: the others in parallel first, then the consumers; ``store`` each as it ends.

    A chapter that raises stops the run with :class:`ChapterFailed`, except, when a list
    ``deferred`` is given, one that had read the ledger: it may have read it before another
    chapter running beside it wrote what it needs, so it is put into ``deferred`` to run again.
    Chapters run in ``pool``, or in a pool started for this call (:mod:`living_review.book.warm_pool`).
    """
    root = Path(root)
    code = code_fingerprint(root)
    executed: list[Executed] = []
    total = len(chapters)
    with tempfile.TemporaryDirectory(prefix="living-review-execute-") as tmp, \
            contextlib.ExitStack() as stack:
        if pool is None and warm_pool.enabled():
            pool = stack.enter_context(WarmPool(Path(tmp) / "pool"))
        for phase in ([c for c in chapters if not c.consumer], [c for c in chapters if c.consumer]):
            if not phase:
                continue
            with ThreadPoolExecutor(max_workers=min(jobs(), len(phase))) as threads:
                futures = {threads.submit(_execute_one, c, root, timeout, Path(tmp), pool): c for c in phase}
                for future in as_completed(futures):
                    chapter = futures[future]
                    try:
                        done = future.result()
                    except ChapterFailed as error:  # a chapter that raised stops the build here,
                        if deferred is None or not error.read_ledger:
                            raise
                        deferred.append(chapter)  # unless it may have read the ledger too early
                        say(f"{chapter.docname} raised after reading the ledger: run again after the others")
                        continue
                    store(chapter, done)
                    # the ledger as this chapter left it (a consumer may record estimates too)
                    write_manifest(root, chapter, done, code, ledger_fingerprint(root))
                    executed.append(done)
                    say(f"[{len(executed)}/{total}] Executed notebook in {done.seconds:.2f} seconds: "
                        f"{chapter.docname} ({total - len(executed)} left)")
    return executed


def _main(argv: list[str]) -> int:
    """``python -m living_review.book.execution IN OUT READS CWD ROOT TIMEOUT``: execute one notebook."""
    return forked_kernels.execute_notebook(*argv)


if __name__ == "__main__":  # pragma: no cover
    sys.exit(_main(sys.argv[1:]))
