"""The release guard: no release from uncommitted changes, invalid data or failing tests.

A release must be rebuildable from its commit, so :func:`check_release` runs, in order:

1. ``git status --porcelain`` in the project root: any uncommitted or untracked file
   (outside ``.gitignore``) refuses the release and is listed;
2. the version: ``CITATION.cff`` must carry :data:`living_review.__version__` and a
   requested release version must equal it (the version lives in ``_version.py`` only);
3. ``living-review validate data`` through the installed console script: the data must
   validate;
4. ``python -m pytest -m "not slow" -q -n auto --dist loadscope``: the fast test suite must
   pass (on every core, as ``make test-fast`` runs it). ``run_tests=False``
   (``--skip-tests``) exists only so that the guard's own tests do not run the suite
   inside itself, and for ``living-review verify``, which rebuilds a release that passed
   them; a release made that way says so;
5. the tag: ``v<version>`` must not name another commit than the one checked out (a
   released version names one commit, for good).

Every check runs even after one fails, so one attempt lists every reason to refuse.

Example
-------
>>> report = check_release()  # doctest: +SKIP
>>> report.ok, report.summary()  # doctest: +SKIP
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import yaml

from living_review._version import __version__
from living_review.core.paths import project_root

MAX_LISTED = 20


class ReleaseRefused(RuntimeError):
    """The release cannot be made; the message says every reason."""


@dataclass(frozen=True)
class Check:
    """One guard check: its name, whether it passed, and what was found."""

    name: str
    ok: bool
    detail: str

    def summary(self) -> str:
        return f"[{'ok' if self.ok else 'REFUSED'}] {self.name}: {self.detail}"


@dataclass(frozen=True)
class GuardReport:
    """The outcome of every guard check."""

    checks: tuple[Check, ...]

    @property
    def ok(self) -> bool:
        return all(c.ok for c in self.checks)

    def summary(self) -> str:
        head = "release allowed" if self.ok else "release refused"
        return "\n".join([head, *(c.summary() for c in self.checks)])

    def raise_if_refused(self) -> None:
        if not self.ok:
            raise ReleaseRefused(self.summary())


def _tail(text: str, lines: int = 15) -> str:
    return "\n".join(text.strip().splitlines()[-lines:])


def check_clean_tree(root: Path) -> Check:
    if shutil.which("git") is None:
        return Check("committed", False, "git is not installed, so the release commit cannot be checked")
    result = subprocess.run(["git", "status", "--porcelain"], cwd=root, capture_output=True, text=True)
    if result.returncode != 0:
        return Check("committed", False, f"'git status' failed: {_tail(result.stderr, 3)}")
    changed = [line for line in result.stdout.splitlines() if line.strip()]
    if not changed:
        return Check("committed", True, "no uncommitted changes")
    listed = "; ".join(line.strip() for line in changed[:MAX_LISTED])
    more = f" and {len(changed) - MAX_LISTED} more" if len(changed) > MAX_LISTED else ""
    return Check(
        "committed", False,
        f"{len(changed)} uncommitted change(s): {listed}{more}. Commit them (or add them to .gitignore) "
        "so that the release can be rebuilt from its commit",
    )


def check_version(root: Path, version: str | None) -> Check:
    cff = root / "CITATION.cff"
    if not cff.is_file():
        return Check("version", False, "CITATION.cff is missing")
    cited = str((yaml.safe_load(cff.read_text(encoding="utf-8")) or {}).get("version"))
    problems = []
    if cited != __version__:
        problems.append(f"CITATION.cff says {cited!r} but src/living_review/_version.py says {__version__!r}")
    if version is not None and version != __version__:
        problems.append(
            f"the requested version {version!r} is not the package version {__version__!r}; "
            "change src/living_review/_version.py (and CITATION.cff) instead"
        )
    if problems:
        return Check("version", False, "; ".join(problems))
    return Check("version", True, f"{__version__} in _version.py and CITATION.cff")


def _console_script() -> str | None:
    beside = Path(sys.executable).with_name("living-review")
    return str(beside) if beside.is_file() else shutil.which("living-review")


def _environment(root: Path) -> dict:
    return {**os.environ, "LIVING_REVIEW_ROOT": str(root)}


def check_data(root: Path) -> Check:
    script = _console_script()
    if script is None:
        return Check("data", False, "the 'living-review' command is not installed; run 'make venv'")
    result = subprocess.run([script, "validate", "data"], cwd=root, env=_environment(root),
                            capture_output=True, text=True)
    if result.returncode != 0:
        return Check("data", False, f"'living-review validate data' failed:\n{_tail(result.stdout + result.stderr)}")
    return Check("data", True, "'living-review validate data' passed")


def check_tests(root: Path, run_tests: bool = True) -> Check:
    if not run_tests:
        return Check("tests", True, "NOT RUN (--skip-tests); only the guard's own tests may skip them")
    result = subprocess.run([sys.executable, "-m", "pytest", "-m", "not slow", "-q", "-n", "auto",
                             "--dist", "loadscope"], cwd=root,
                            env=_environment(root), capture_output=True, text=True)
    if result.returncode != 0:
        return Check("tests", False, f"the test suite failed (exit {result.returncode}):\n{_tail(result.stdout)}")
    return Check("tests", True, _tail(result.stdout, 1))


def tag_name(version: str) -> str:
    """The git tag of a release: ``v<version>``."""
    return f"v{version}"


def tagged_commit(root: Path, version: str) -> str | None:
    """The commit that tag ``v<version>`` names, or None when there is no such tag."""
    result = subprocess.run(["git", "rev-parse", "-q", "--verify", f"refs/tags/{tag_name(version)}^{{commit}}"],
                            cwd=root, capture_output=True, text=True)
    return result.stdout.strip() if result.returncode == 0 and result.stdout.strip() else None


def check_tag(root: Path, version: str) -> Check:
    if shutil.which("git") is None:
        return Check("tag", False, "git is not installed, so the release cannot be tagged")
    head = subprocess.run(["git", "rev-parse", "-q", "--verify", "HEAD"], cwd=root, capture_output=True, text=True)
    if head.returncode != 0:
        return Check("tag", False, "no commit is checked out, so there is nothing to tag")
    tagged = tagged_commit(root, version)
    if tagged and tagged != head.stdout.strip():
        return Check("tag", False, f"tag {tag_name(version)} already names commit {tagged[:12]}, not the one checked "
                                   f"out ({head.stdout.strip()[:12]}); a released version never moves: bump the version")
    return Check("tag", True, f"{tag_name(version)} {'names this commit' if tagged else 'is free'}")


def tag_release(root: Path, version: str) -> str:
    """Tag the checked-out commit ``v<version>`` (a lightweight tag) and return the commit."""
    check = check_tag(root, version)
    if not check.ok:
        raise ReleaseRefused(check.summary())
    if not tagged_commit(root, version):
        subprocess.run(["git", "tag", tag_name(version), "HEAD"], cwd=root, check=True, capture_output=True)
    return str(tagged_commit(root, version))


def check_release(root: Path | None = None, *, version: str | None = None, run_tests: bool = True) -> GuardReport:
    """Run every release check in ``root`` and return their outcomes (never raises for a failure)."""
    root = Path(root or project_root())
    return GuardReport((
        check_clean_tree(root),
        check_version(root, version),
        check_data(root),
        check_tests(root, run_tests),
        check_tag(root, version or __version__),
    ))
