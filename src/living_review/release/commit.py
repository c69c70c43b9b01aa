"""The commit a release was built from, found in the checkout that verifies it.

A release names its commit twice: ``make release`` records it as ``commit`` in
``releases/<version>/summary.json`` and tags it ``v<version>``. A clone need not carry the
tag (``git clone --no-tags``, a CI checkout of one branch, a tag never pushed), so
:func:`release_commit` takes the commit from the summary, which is committed with the
release, and checks the tag against it only when the tag is there: a tag that names another
commit is an error, since it leaves open which commit was released. The commit must be in
the clone; a shallow clone, or one that lacks the release's history, gets an error that
says how to fetch it.

Releases made before either record was kept (0.1.0 and 1.0.0) are found as the parent of
the commit that added their ``summary.json``, and reported as *legacy*. That search reads
the history, so it needs a clone that is not shallow.

Every failure is a ``ValueError`` whose message says what is wrong and how to fix it.

Example
-------
>>> found = release_commit(project_root(), "1.1.0")  # doctest: +SKIP
>>> found.commit, found.source  # doctest: +SKIP
"""

from __future__ import annotations

import json
import re
import shutil
import subprocess
from dataclasses import dataclass
from pathlib import Path

from living_review.release.archive import CHECKSUM_FILE
from living_review.release.guard import tag_name, tagged_commit
from living_review.versions.summary import SUMMARY_FILE, release_dir

#: a full commit name: SHA-1 (40 hex digits) or SHA-256 (64)
FULL_COMMIT = re.compile(r"^(?:[0-9a-f]{40}|[0-9a-f]{64})$")
UNSHALLOW = "fetch the whole history with 'git fetch --unshallow' (or clone again without --depth), then run verify again"


@dataclass(frozen=True)
class ReleaseCommit:
    """The commit of a release, whether it is a legacy release, and what named it."""

    commit: str
    legacy: bool
    source: str

    def summary(self) -> str:
        return f"commit {self.commit} ({self.source})"


def _git(root: Path, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run(["git", *args], cwd=root, capture_output=True, text=True)


def check_checkout(root: Path) -> None:
    """``ValueError`` unless git is installed and ``root`` is the top of a git checkout."""
    if shutil.which("git") is None:
        raise ValueError("git is not installed: verify checks the release's commit out with git (install git)")
    top = _git(root, "rev-parse", "--show-toplevel")
    if top.returncode != 0:
        raise ValueError(f"{root.name}/ is not a git checkout, so it holds no commit to rebuild (a downloaded "
                         "archive has no history): clone the repository with git and run verify in the clone")
    if Path(top.stdout.strip()).resolve() != root.resolve():
        raise ValueError(f"the project folder {root.name}/ is not the top of its git checkout "
                         f"({Path(top.stdout.strip()).name}/): run verify in a clone of the project's own repository")


def is_shallow(root: Path) -> bool:
    """True in a shallow clone (``git clone --depth``), whose history is cut off."""
    result = _git(root, "rev-parse", "--is-shallow-repository")
    return result.returncode == 0 and result.stdout.strip() == "true"


def has_commit(root: Path, commit: str) -> bool:
    """True when the clone holds ``commit`` as a commit object."""
    return _git(root, "cat-file", "-e", f"{commit}^{{commit}}").returncode == 0


def recorded_commit(root: Path, version: str) -> str | None:
    """The ``commit`` recorded in ``releases/<version>/summary.json``; None when it records none."""
    folder = release_dir(version, root)
    summary_path = folder / SUMMARY_FILE
    if not (folder / CHECKSUM_FILE).is_file() or not summary_path.is_file():
        raise ValueError(f"releases/{version}/ holds no {SUMMARY_FILE} and {CHECKSUM_FILE}: "
                         f"{version} was never released here")
    where = f"releases/{version}/{SUMMARY_FILE}"
    try:
        summary = json.loads(summary_path.read_text(encoding="utf-8"))
    except json.JSONDecodeError as error:
        raise ValueError(f"{where}:{error.lineno}:{error.colno}: not valid JSON ({error.msg}); restore the "
                         f"published file with 'git checkout -- {where}'") from None
    recorded = summary.get("commit") if isinstance(summary, dict) else None
    if recorded is None:
        return None
    if not isinstance(recorded, str) or not FULL_COMMIT.match(recorded):
        raise ValueError(f"{where}: 'commit' is {recorded!r}, not a full commit name (40 or 64 hex digits); "
                         f"restore the published file with 'git checkout -- {where}'")
    return recorded


def _missing(root: Path, version: str, commit: str, named_by: str) -> ValueError:
    if is_shallow(root):
        how = f"this is a shallow clone: {UNSHALLOW}"
    else:
        how = (f"fetch it with 'git fetch origin {commit}' (or fetch every branch with 'git fetch --all'), "
               "then run verify again")
    return ValueError(f"commit {commit[:12]} of release {version} ({named_by}) is not in this clone; {how}")


def _legacy_commit(root: Path, version: str) -> ReleaseCommit:
    summary_path = f"releases/{version}/{SUMMARY_FILE}"
    if is_shallow(root):
        raise ValueError(f"release {version} records no commit and has no tag {tag_name(version)}, so its commit "
                         f"is found from the history, which a shallow clone cuts off: {UNSHALLOW}")
    added = _git(root, "log", "--diff-filter=A", "--format=%H", "--", summary_path)
    commits = added.stdout.split()
    if added.returncode != 0 or not commits:
        raise ValueError(f"no tag {tag_name(version)}, no commit in its summary, and no commit adds {summary_path} "
                         f"(commit {summary_path} to release it)")
    parent = _git(root, "rev-parse", "-q", "--verify", f"{commits[-1]}^{{commit}}^")
    if parent.returncode != 0 or not parent.stdout.strip():
        raise ValueError(f"the commit that adds {summary_path} ({commits[-1][:12]}) has no parent in this clone, "
                         f"so the commit release {version} was made from cannot be found; {UNSHALLOW}")
    return ReleaseCommit(parent.stdout.strip(), True, f"legacy: parent of {commits[-1][:12]}, which added its summary")


def release_commit(root: Path, version: str) -> ReleaseCommit:
    """The commit of release ``version`` in the checkout ``root``; ``ValueError`` saying how to fix it when it
    cannot be found, when the tag and the summary disagree, or when the commit is not in the clone."""
    root = Path(root)
    recorded = recorded_commit(root, version)
    check_checkout(root)
    tag = tag_name(version)
    tagged = tagged_commit(root, version)
    if recorded and tagged and recorded != tagged:
        raise ValueError(
            f"tag {tag} names commit {tagged[:12]}, but releases/{version}/{SUMMARY_FILE} records {recorded[:12]} "
            f"as the commit the release was built from, so it is not clear which commit was released. A released "
            f"version never moves: the tag here was moved or made by hand (see 'git show -s {tag}'). Fetch the "
            f"published tag with 'git fetch --force origin tag {tag}', or delete the local one with "
            f"'git tag -d {tag}' to verify the recorded commit")
    if recorded:
        source = (f"tag {tag} and releases/{version}/{SUMMARY_FILE} agree" if tagged else
                  f"recorded in releases/{version}/{SUMMARY_FILE}; no tag {tag} in this clone")
        if not has_commit(root, recorded):
            raise _missing(root, version, recorded, f"recorded in releases/{version}/{SUMMARY_FILE}")
        return ReleaseCommit(recorded, False, source)
    if tagged:
        return ReleaseCommit(tagged, False, f"tag {tag}; releases/{version}/{SUMMARY_FILE} records no commit")
    return _legacy_commit(root, version)
