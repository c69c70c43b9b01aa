"""Files of ``data/`` that git does not track: the build reads them, the data fingerprint does not.

The data fingerprint (:func:`living_review.core.fingerprint.data_fingerprint`) covers the
files git tracks, so a file that ``screen`` or ``search run`` writes counts for the build
only once it is added. :func:`untracked_data` lists those not yet added (and not ignored),
for ``status``, ``screen`` and ``validate`` to say so.
"""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path


def untracked_data(root: str | Path, under: str = "data") -> list[str]:
    """Paths (relative to ``root``, ``/``-separated) under ``under`` that git neither tracks nor ignores.

    ``[]`` outside a git checkout or without git: there the fingerprint covers every file.
    """
    root = Path(root)
    if shutil.which("git") is None or not (root / under).is_dir():
        return []
    try:
        inside = subprocess.run(["git", "rev-parse", "--show-toplevel"], cwd=root, capture_output=True, text=True,
                                check=False)
        if inside.returncode != 0 or Path(inside.stdout.strip()).resolve() != root.resolve():
            return []
        found = subprocess.run(["git", "ls-files", "-z", "--others", "--exclude-standard", "--", under], cwd=root,
                               capture_output=True, check=True)
    except (OSError, subprocess.CalledProcessError):
        return []
    return sorted(p for p in found.stdout.decode("utf-8", "replace").split("\0") if p and not Path(p).name.startswith("."))


def untracked_message(paths: list[str]) -> str:
    """One line that names the files and says what to do."""
    return (f"not tracked by git: {', '.join(paths)}; the book reads {'it' if len(paths) == 1 else 'them'} but the "
            f"data fingerprint covers only tracked files: run `git add {' '.join(paths)}` and commit")
