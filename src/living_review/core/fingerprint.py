"""Content fingerprints: what a build or a release was made from.

A fingerprint is the SHA-256 of every file's path (relative, POSIX form) and bytes, in
sorted path order. It does not depend on modification times, on where the project lies,
or on the order the file system lists files, so the same content always gives the same
fingerprint and any changed byte gives another one.

The project's fingerprints (:func:`data_fingerprint`, :func:`build_inputs_fingerprint`)
cover only the files git tracks (``git ls-files``), with their bytes as they are in the
working tree: an edit counts at once, a new file counts once it is added (``git add``),
and what is not part of the repository (an ``*.egg-info`` folder written by
``pip install -e``, a scratch file, a cache) never counts. So the same commit gives the
same fingerprint on any machine.

Outside a git checkout (a copy of the project, an unpacked archive) they fall back to an
explicit rule: every file under those folders except build and install artefacts
(:data:`ARTEFACT_PARTS`, :data:`ARTEFACT_SUFFIXES`, hidden files). For a copy that holds
only the repository's files this gives the same fingerprint as the checkout; a copy with
stray files gives another, which is why a release is made from a checkout only (the
release guard needs git). ``strict=True`` refuses the fallback with :class:`NotAGitCheckout`.
:func:`tree_fingerprint` hashes every file under some folders with the same rule, for
folders that are not part of a repository.

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
import shutil
import subprocess
from collections.abc import Iterable
from pathlib import Path

#: folders and suffixes of build and install artefacts, never part of a fingerprint
ARTEFACT_PARTS = {"__pycache__", ".ipynb_checkpoints", ".pytest_cache", ".hypothesis", "build", "dist"}
ARTEFACT_SUFFIXES = {".pyc", ".pyo", ".egg-info", ".dist-info"}
#: what a chapter's output depends on besides its own source (relative to the project root)
BUILD_INPUTS = ("data", "src", "review.yml", "notebooks/templates")


class NotAGitCheckout(RuntimeError):
    """The project is not a git checkout, so the files it holds cannot be told from the others."""


def _kept(path: Path) -> bool:
    return not (ARTEFACT_PARTS & set(path.parts)) and path.suffix not in ARTEFACT_SUFFIXES \
        and not any(part.endswith((".egg-info", ".dist-info")) or part.startswith(".") for part in path.parts)


def _files(paths: Iterable[Path], root: Path) -> list[Path]:
    found: list[Path] = []
    for path in paths:
        if path.is_file():
            found.append(path)
        elif path.is_dir():
            found.extend(p for p in path.rglob("*") if p.is_file())
    return [p for p in found if _kept(p.relative_to(root))]


def _digest(files: Iterable[Path], root: Path) -> str:
    digest = hashlib.sha256()
    for path in sorted(files, key=lambda p: p.relative_to(root).as_posix()):
        name = path.relative_to(root).as_posix().encode()
        content = path.read_bytes()
        digest.update(len(name).to_bytes(8, "big") + name)
        digest.update(len(content).to_bytes(8, "big") + content)
    return digest.hexdigest()


def tree_fingerprint(paths: Iterable[Path], root: Path) -> str:
    """SHA-256 hex digest of every file under ``paths`` (tracked or not), named relative to ``root``.

    Parameters
    ----------
    paths : files or folders to cover; missing ones are skipped.
    root : the folder that file names are taken relative to.
    """
    return _digest(_files(paths, root), root)


def tracked_files(root: Path, paths: Iterable[str | Path]) -> list[Path]:
    """The files under ``paths`` (relative to ``root``) that git tracks and that exist.

    Raises :class:`NotAGitCheckout` when git is missing or ``root`` is not in a checkout.
    """
    root = Path(root)
    if shutil.which("git") is None:
        raise NotAGitCheckout(
            "git is not installed: fingerprints cover the files the repository tracks (git ls-files); install git"
        )
    if not root.is_dir():
        raise NotAGitCheckout(f"{root} is not a folder, so not a git checkout")
    relative = [Path(p).relative_to(root).as_posix() if Path(p).is_absolute() else Path(p).as_posix() for p in paths]
    result = subprocess.run(["git", "ls-files", "-z", "--cached", "--", *relative], cwd=root,
                            capture_output=True)
    if result.returncode != 0:
        raise NotAGitCheckout(
            f"{root} is not a git checkout: fingerprints cover the files the repository tracks "
            "(git ls-files), so build from a clone of the repository (a copy without .git can be made "
            "one with 'git init && git add -A')"
        )
    names = sorted({n for n in result.stdout.decode("utf-8").split("\0") if n})
    return [root / n for n in names if (root / n).is_file() and _kept(Path(n))]


def published_files(root: Path, paths: Iterable[str | Path]) -> list[Path]:
    """The files a fingerprint covers and a release publishes: those git tracks under ``paths``
    in a checkout, otherwise every file under them but build and install artefacts."""
    root = Path(root).resolve()
    try:
        return tracked_files(root, paths)
    except NotAGitCheckout:
        return _files((root / p for p in paths), root)


def tracked_fingerprint(paths: Iterable[str | Path], root: Path, *, strict: bool = False) -> str:
    """SHA-256 hex digest of the tracked files under ``paths`` (relative to ``root``), as in the working tree.

    Outside a git checkout: every file under ``paths`` but artefacts, or, with
    ``strict=True``, :class:`NotAGitCheckout`.
    """
    root = Path(root).resolve()
    try:
        files = tracked_files(root, paths)
    except NotAGitCheckout:
        if strict:
            raise
        files = _files((root / p for p in paths), root)
    return _digest(files, root)


def data_fingerprint(root: Path, *, strict: bool = False) -> str:
    """Fingerprint of the evidence data, ``<root>/data`` (tracked files): what every page and release cites."""
    return tracked_fingerprint(["data"], root, strict=strict)


def build_inputs_fingerprint(root: Path, *, strict: bool = False) -> str:
    """Fingerprint of everything a chapter's output depends on besides its own source.

    Covers the tracked files of the data, the engine's code, the analysis configuration
    and the chapter templates (:data:`BUILD_INPUTS`); a change in any of them must
    re-execute the chapters.
    """
    return tracked_fingerprint(BUILD_INPUTS, root, strict=strict)


def release_summaries_fingerprint(root: Path) -> str:
    """Fingerprint of the release summaries, ``releases/*/summary.json``.

    The changelog page is computed from them, so a new release must re-execute it; they are
    kept out of :func:`build_inputs_fingerprint` because writing a release must not make
    the estimates it records look stale. A summary counts before it is committed, since
    ``make release`` writes it and the changelog compares with it in the same build.
    """
    return tree_fingerprint(sorted((Path(root) / "releases").glob("*/summary.json")), root)
