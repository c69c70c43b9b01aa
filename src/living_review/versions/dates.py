"""When each version was released, and which is the latest: for the changelog and the citation page.

A release's date is the day (UTC) of the commit that added ``releases/<version>/summary.json``
(the "Release <version>" commit), read from git. Outside a git checkout, in a shallow clone
(where that commit may be cut off), or for a summary not committed yet, the date is unknown
(None) and never guessed.

A version is a release when it is not a development or pre-release version (PEP 440:
``1.3.0.dev0`` is not) and it has a committed summary.

Example
-------
>>> release_date("1.0.0")  # doctest: +SKIP
'2026-11-22'
>>> latest_release()  # doctest: +SKIP
('1.2.0', '2026-12-01')
"""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

from packaging.version import InvalidVersion, Version

from living_review.core.paths import project_root
from living_review.versions.summary import RELEASES_DIR, SUMMARY_FILE, release_versions


def release_date(version: str, root: Path | None = None) -> str | None:
    """``YYYY-MM-DD`` (UTC) of the commit that added the release's summary, or None when git cannot tell."""
    root = Path(root or project_root())
    try:
        shallow = subprocess.run(["git", "rev-parse", "--is-shallow-repository"], cwd=root, capture_output=True,
                                 text=True)
        if shallow.stdout.strip() == "true":
            return None  # the commit that added the summary may be cut off: its date would be the cut's
        result = subprocess.run(
            ["git", "log", "--diff-filter=A", "--date=format-local:%Y-%m-%d", "--format=%cd", "--",
             f"{RELEASES_DIR}/{version}/{SUMMARY_FILE}"],
            cwd=root, capture_output=True, text=True, env={**os.environ, "TZ": "UTC"})
    except OSError:
        return None
    dates = result.stdout.split()
    return dates[-1] if result.returncode == 0 and dates else None  # the first addition


def is_release_version(version: str) -> bool:
    """False for a development or pre-release version (``1.3.0.dev0``, ``2.0.0rc1``)."""
    try:
        parsed = Version(version)
    except InvalidVersion:
        return False
    return not (parsed.is_devrelease or parsed.is_prerelease)


def latest_release(root: Path | None = None) -> tuple[str, str | None] | None:
    """``(version, date)`` of the newest committed release, or None when there is none."""
    root = Path(root or project_root())
    versions = [v for v in release_versions(root) if is_release_version(v)]
    if not versions:
        return None
    return versions[-1], release_date(versions[-1], root)
