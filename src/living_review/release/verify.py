"""Rebuild a released version from its commit and check every published checksum.

A citation names a version; :func:`verify` checks that what was published under it is
what the code and data of its commit produce:

1. :func:`~living_review.release.commit.release_commit` finds the commit: the ``commit``
   recorded in ``summary.json``, checked against the git tag ``v<version>`` that
   ``make release`` makes when the clone has the tag (a clone need not carry tags).
   Releases made before either was kept (0.1.0 and 1.0.0) are found as the parent of the
   commit that added their ``summary.json``, and reported as *legacy*: they were made
   before releases were reproducible, so their checksums are not expected to match; what
   counts for them is whether the estimates do.
2. :func:`rebuild` checks the commit out in a temporary git worktree and builds it as
   ``make release`` does (``make clean``, then ``make html`` and ``make pdf`` with
   ``SOURCE_DATE_EPOCH`` from the commit, then ``living-review release``). The
   environment is made fresh from the commit's ``requirements.txt`` unless every pin is
   what the running environment has installed (:func:`living_review.release.pins.same_pins`); then the running
   environment is used as it is, with the commit's own package first on ``PYTHONPATH``
   and nothing installed into it.
3. :func:`compare` checks the rebuilt files against ``releases/<version>/SHA256SUMS`` of
   the current checkout: one :class:`FileCheck` per file, and for ``summary.json`` the
   first field that differs (:func:`first_difference`).
4. :func:`assess` says what a reader can conclude, as one of three :data:`EXIT_CODES`:
   ``identical`` (every checksum matches; exit 0); ``within tolerance`` (every published
   number equal within :mod:`~living_review.release.tolerance`, the bytes differing only in
   the files it names: from the release's ``MANIFEST.tsv``, or from its archive when that is
   in the release folder; exit 3), with the difference between the release's numerical
   environment (:mod:`~living_review.release.environment`) and the rebuild's that explains
   it and the settings under which to expect bit for bit; or ``numbers differ`` (exit 1).
   A release that recorded no environment or manifest (those before 1.3.0) is said to.

Example
-------
>>> report = verify("1.1.0")  # doctest: +SKIP
>>> print(report.summary()); report.ok  # doctest: +SKIP
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from living_review.release import environment as numenv
from living_review.release.archive import CHECKSUM_FILE, sha256_file
from living_review.release.commit import release_commit
from living_review.release.outcome import (IDENTICAL, NUMBERS_DIFFER, EXIT_CODES, WITHIN_TOLERANCE,  # noqa: F401
                                           Assessment, assess)
from living_review.release.pins import same_pins
from living_review.versions.summary import SUMMARY_FILE, release_dir

#: environment variables of this machine that must not reach the rebuild
DROPPED_VARIABLES = ("LIVING_REVIEW_ROOT", "LIVING_REVIEW_BUILD_DIR", "PYTHONPATH", "VIRTUAL_ENV",
                     "SOURCE_DATE_EPOCH", "FORCE_SOURCE_DATE")
#: a release build computes on one BLAS thread, so that no sum depends on thread scheduling (as make release)
SINGLE_THREAD = {name: "1" for name in numenv.THREAD_VARIABLES}
@dataclass(frozen=True)
class FileCheck:
    """One published file: its checksum as published and as rebuilt, and what differs."""

    name: str
    published: str
    rebuilt: str | None
    difference: str = ""

    @property
    def ok(self) -> bool:
        return self.rebuilt == self.published

    def summary(self) -> str:
        if self.ok:
            return f"[pass] {self.name}: {self.published}"
        got = "not rebuilt" if self.rebuilt is None else f"rebuilt {self.rebuilt}"
        detail = f"; first difference: {self.difference}" if self.difference else ""
        return f"[FAIL] {self.name}: published {self.published}, {got}{detail}"


@dataclass(frozen=True)
class VerifyReport:
    """The outcome of :func:`verify`."""

    version: str
    commit: str
    legacy: bool
    checks: tuple[FileCheck, ...]
    estimates_agree: bool | None
    assessment: Assessment | None = None

    @property
    def ok(self) -> bool:
        return bool(self.checks) and all(c.ok for c in self.checks)

    @property
    def outcome(self) -> str:
        if self.ok:
            return IDENTICAL
        return self.assessment.outcome if self.assessment is not None else NUMBERS_DIFFER

    @property
    def exit_status(self) -> int:
        return EXIT_CODES[self.outcome]

    def summary(self) -> str:
        lines = [f"release {self.version}, commit {self.commit}"]
        lines += [c.summary() for c in self.checks]
        if self.estimates_agree is not None and (self.legacy or self.assessment is None):
            lines.append("estimates: " + ("the rebuilt estimates equal the published ones (inputs fingerprints aside)"
                                          if self.estimates_agree else "the rebuilt estimates DIFFER from the published ones"))
        if self.assessment is not None:
            lines += self.assessment.lines(self.version)
        if self.legacy:
            lines.append(f"{self.version} was released before releases were reproducible (no tag, no recorded commit): "
                         "its checksums are not expected to match; see the README")
        verdict = {IDENTICAL: "PASS (identical, bit for bit)",
                   WITHIN_TOLERANCE: "PASS WITHIN TOLERANCE (the same numbers; other bytes in the files named)",
                   NUMBERS_DIFFER: "FAIL"}[self.outcome]
        lines.append(f"verify {self.version}: {verdict}")
        return "\n".join(lines)


def _git(root: Path, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run(["git", *args], cwd=root, capture_output=True, text=True)


def first_difference(published: Any, rebuilt: Any, where: str = "") -> str | None:
    """The first field (in sorted key order) where two JSON values differ, with both values; None if equal."""
    if isinstance(published, dict) and isinstance(rebuilt, dict):
        for key in sorted(set(published) | set(rebuilt)):
            name = f"{where}.{key}" if where else str(key)
            if key not in rebuilt:
                return f"{name}: published, missing from the rebuild"
            if key not in published:
                return f"{name}: in the rebuild, not published"
            found = first_difference(published[key], rebuilt[key], name)
            if found:
                return found
        return None
    if isinstance(published, list) and isinstance(rebuilt, list):
        for i, (a, b) in enumerate(zip(published, rebuilt)):
            found = first_difference(a, b, f"{where}[{i}]")
            if found:
                return found
        if len(published) != len(rebuilt):
            return f"{where}: {len(published)} item(s) published, {len(rebuilt)} rebuilt"
        return None
    if published != rebuilt or type(published) is not type(rebuilt):
        return f"{where or '(whole file)'}: published {published!r}, rebuilt {rebuilt!r}"
    return None


def _without_fingerprints(value: Any) -> Any:
    if isinstance(value, dict):
        return {k: _without_fingerprints(v) for k, v in value.items() if k != "inputs_fingerprint"}
    if isinstance(value, list):
        return [_without_fingerprints(v) for v in value]
    return value


def compare(published: Path, rebuilt: Path) -> tuple[tuple[FileCheck, ...], bool | None]:
    """Check the files of ``rebuilt`` against ``published/SHA256SUMS``; also whether the estimates agree."""
    checks = []
    for line in (published / CHECKSUM_FILE).read_text(encoding="utf-8").splitlines():
        digest, name = line.split("  ", 1)
        target = rebuilt / name
        actual = sha256_file(target) if target.is_file() else None
        difference = ""
        if name == SUMMARY_FILE and actual is not None and actual != digest:
            difference = first_difference(json.loads((published / name).read_text(encoding="utf-8")),
                                          json.loads(target.read_text(encoding="utf-8"))) or "the same fields, other bytes"
        checks.append(FileCheck(name, digest, actual, difference))
    agree = None
    if (published / SUMMARY_FILE).is_file() and (rebuilt / SUMMARY_FILE).is_file():
        estimates = [_without_fingerprints(json.loads((f / SUMMARY_FILE).read_text(encoding="utf-8")).get("estimates"))
                     for f in (published, rebuilt)]
        agree = estimates[0] == estimates[1]
    return tuple(checks), agree


def rebuild_environment(rebuilt: Path, workdir: Path) -> dict | None:
    """The rebuild's numerical environment: recorded by its own release step, or taken after it."""
    for path in (rebuilt / numenv.ENVIRONMENT_FILE, workdir / numenv.ENVIRONMENT_FILE):
        if path.is_file():
            return json.loads(path.read_text(encoding="utf-8"))
    return _environment_of(Path(sys.executable), {k: v for k, v in os.environ.items() if k not in DROPPED_VARIABLES})


def _environment_of(python: Path, env: dict) -> dict | None:
    """The record taken by ``python`` in ``env`` (this package's module, whatever the commit holds)."""
    if not python.exists():
        return None
    package = Path(numenv.__file__).resolve().parents[2]
    env = {**env, **SINGLE_THREAD, "PYTHONPATH": str(package)}
    result = subprocess.run([str(python), "-m", "living_review.release.environment"], env=env,
                            capture_output=True, text=True)
    try:
        return json.loads(result.stdout) if result.returncode == 0 else None
    except json.JSONDecodeError:
        return None


def _release_flags(published: Path) -> list[str]:
    """The ``living-review release`` options that made the published files (scope, summary only)."""
    summary = json.loads((published / SUMMARY_FILE).read_text(encoding="utf-8"))
    names = [line.split("  ", 1)[1] for line in (published / CHECKSUM_FILE).read_text(encoding="utf-8").splitlines()]
    flags = []
    scope = (summary.get("scope") or {}).get("name")
    if scope:
        flags += ["--scope", scope]
    if not any(n.endswith(".tar.gz") for n in names):
        flags.append("--summary-only")
    return flags


def _run(command: list[str], cwd: Path, env: dict, log: Path, say: Callable[[str], None]) -> None:
    say(f"$ {' '.join(command)}")
    with log.open("a", encoding="utf-8") as handle:
        handle.write(f"$ {' '.join(command)}\n")
        handle.flush()
        result = subprocess.run(command, cwd=cwd, env=env, stdout=handle, stderr=subprocess.STDOUT)
    if result.returncode != 0:
        tail = "\n".join(log.read_text(encoding="utf-8", errors="replace").splitlines()[-25:])
        raise RuntimeError(f"'{' '.join(command)}' failed (exit {result.returncode}); end of {log.name}:\n{tail}")


def rebuild(root: Path, version: str, commit: str, workdir: Path, *, reuse: bool | None = None,
            say: Callable[[str], None] = print) -> Path:
    """Build release ``version`` from ``commit`` in ``workdir/tree``; return the folder of the rebuilt files."""
    tree = workdir / "tree"
    added = _git(root, "worktree", "add", "--detach", str(tree), commit)
    if added.returncode != 0:
        raise RuntimeError(f"cannot check out {commit[:12]} into a worktree: {added.stderr.strip()}")
    requirements = _git(root, "show", f"{commit}:requirements.txt").stdout
    reuse = same_pins(requirements) if reuse is None else reuse
    epoch = _git(root, "log", "-1", "--format=%ct", commit).stdout.strip()
    env = {k: v for k, v in os.environ.items() if k not in DROPPED_VARIABLES}
    env.update(LIVING_REVIEW_ROOT=str(tree), TZ="UTC", LC_ALL="C.UTF-8", **SINGLE_THREAD)
    make = ["make", "-C", str(tree)]
    if reuse:
        venv = Path(sys.prefix)
        say(f"the pins of {commit[:12]} are those installed here: building with {venv} as it is")
        # INSTALL=no (and -o for a Makefile older than it): never remake the environment's
        # install stamp, so nothing is installed into the environment this command runs in
        make += [f"VENV={venv}", "INSTALL=no", "-o", str(venv / ".installed")]
        env["PYTHONPATH"] = str(tree / "src")
    else:
        venv = tree / ".venv"
        say(f"the pins of {commit[:12]} differ from this environment: installing them into a fresh {venv.name}")
        _run(["make", "-C", str(tree), "venv"], tree, env, workdir / "build.log", say)
    log = workdir / "build.log"
    release_env = {**env, "SOURCE_DATE_EPOCH": epoch, "FORCE_SOURCE_DATE": "1"}
    _run([*make, "clean"], tree, env, log, say)
    _run([*make, "html"], tree, release_env, log, say)
    _run([*make, "pdf"], tree, release_env, log, say)
    published = release_dir(version, root)
    command = [str(venv / "bin" / "living-review"), "release", *_release_flags(published)]
    has_skip = _git(root, "grep", "-q", "--", "--skip-tests", commit, "--", "src/living_review/cli/release.py")
    if has_skip.returncode == 0:
        command.append("--skip-tests")  # the release passed its tests when it was made
    _run(command, tree, release_env, log, say)
    record = _environment_of(venv / "bin" / "python", release_env)
    if record is not None:
        (workdir / numenv.ENVIRONMENT_FILE).write_text(numenv.to_json(record), encoding="utf-8")
    return release_dir(version, tree)


def remove_worktree(root: Path, workdir: Path) -> None:
    _git(root, "worktree", "remove", "--force", str(workdir / "tree"))
    _git(root, "worktree", "prune")


def verify(version: str, root: Path, *, workdir: Path | None = None, reuse: bool | None = None,
           keep: bool = False, say: Callable[[str], None] = print) -> VerifyReport:
    """Rebuild ``version`` from its commit and compare every published checksum."""
    root = Path(root)
    found = release_commit(root, version)
    commit, legacy = found.commit, found.legacy
    say(f"release {version}: {found.summary()}")
    changed = _git(root, "status", "--porcelain", "--", f"releases/{version}").stdout.strip()
    if changed:
        say(f"note: releases/{version}/ differs from what this checkout's commit holds; the checksums are "
            f"checked as they are in the working tree ('git status releases/{version}' shows how)")
    own = workdir is None
    workdir = Path(tempfile.mkdtemp(prefix=f"verify-{version}-")) if own else Path(workdir)
    try:
        rebuilt = rebuild(root, version, commit, workdir, reuse=reuse, say=say)
        checks, agree = compare(release_dir(version, root), rebuilt)
        assessment = assess(release_dir(version, root), rebuilt, version, checks, legacy=legacy,
                            rebuilt_environment=rebuild_environment(rebuilt, workdir))
    finally:
        if not keep:
            remove_worktree(root, workdir)
            if own:
                shutil.rmtree(workdir, ignore_errors=True)
    return VerifyReport(version, commit, legacy, checks, agree, assessment)
