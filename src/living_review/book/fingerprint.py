"""Content fingerprints of folders: what a build or a release was made from.

A fingerprint is the SHA-256 of every file's path (relative, POSIX form) and bytes, in
sorted path order. It does not depend on modification times, on where the project lies,
or on the order the file system lists files, so the same content always gives the same
fingerprint and any changed byte gives another one.

Example
-------
>>> from pathlib import Path
>>> import tempfile
>>> with tempfile.TemporaryDirectory() as d:
...     _ = (Path(d) / "a.csv").write_text("x\\n1\\n")
...     tree_fingerprint([Path(d)], root=Path(d))[:12]
'fde3573502f8'
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable
from pathlib import Path

IGNORED_PARTS = {"__pycache__", ".ipynb_checkpoints", ".pytest_cache", ".hypothesis"}
IGNORED_SUFFIXES = {".pyc", ".pyo"}


def _files(paths: Iterable[Path]) -> list[Path]:
    found: list[Path] = []
    for path in paths:
        if path.is_file():
            found.append(path)
        elif path.is_dir():
            found.extend(p for p in path.rglob("*") if p.is_file())
    return [
        p
        for p in found
        if not (IGNORED_PARTS & set(p.parts)) and p.suffix not in IGNORED_SUFFIXES
        and not p.name.startswith(".")
    ]


def tree_fingerprint(paths: Iterable[Path], root: Path) -> str:
    """SHA-256 hex digest of the files under ``paths``, named relative to ``root``.

    Parameters
    ----------
    paths : files or folders to cover; missing ones are skipped.
    root : the folder that file names are taken relative to.
    """
    digest = hashlib.sha256()
    for path in sorted(_files(paths), key=lambda p: p.relative_to(root).as_posix()):
        name = path.relative_to(root).as_posix().encode()
        content = path.read_bytes()
        digest.update(len(name).to_bytes(8, "big") + name)
        digest.update(len(content).to_bytes(8, "big") + content)
    return digest.hexdigest()


def data_fingerprint(root: Path) -> str:
    """Fingerprint of the evidence data, ``<root>/data``: what every page and release cites."""
    return tree_fingerprint([root / "data"], root)


def build_inputs_fingerprint(root: Path) -> str:
    """Fingerprint of everything a chapter's output depends on besides its own source.

    Covers the data, the engine's code, the analysis configuration and the chapter
    templates; a change in any of them must re-execute the chapters.
    """
    inputs = [root / "data", root / "src", root / "review.yml", root / "notebooks" / "templates"]
    return tree_fingerprint(inputs, root)


def release_summaries_fingerprint(root: Path) -> str:
    """Fingerprint of the committed release summaries, ``releases/*/summary.json``.

    The changelog page is computed from them, so a new release must re-execute it; they are
    kept out of :func:`build_inputs_fingerprint` because writing a release must not make
    the estimates it records look stale.
    """
    return tree_fingerprint(sorted((root / "releases").glob("*/summary.json")), root)
