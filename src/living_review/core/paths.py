"""Where things are: every path the package and the chapters use comes from here.

Chapters execute with their own folder as working directory, so nothing may rely on a
relative path. The project root is found from the environment variable
``LIVING_REVIEW_ROOT`` when set (tests build copies of the project elsewhere), otherwise
by walking up from the current directory, then from this file, to the folder that holds
``_toc.yml`` and ``data/``.
"""

from __future__ import annotations

import os
from pathlib import Path

ROOT_MARKERS = ("_toc.yml", "data")


def _is_root(folder: Path) -> bool:
    return all((folder / marker).exists() for marker in ROOT_MARKERS)


def project_root() -> Path:
    """Return the project root folder, or raise ``FileNotFoundError`` saying how to set it."""
    env = os.environ.get("LIVING_REVIEW_ROOT")
    if env:
        root = Path(env).resolve()
        if not _is_root(root):
            raise FileNotFoundError(
                f"LIVING_REVIEW_ROOT={env} does not hold {' and '.join(ROOT_MARKERS)}"
            )
        return root
    for start in (Path.cwd(), Path(__file__).resolve()):
        for folder in (start, *start.parents):
            if _is_root(folder):
                return folder
    raise FileNotFoundError(
        "cannot find the project root (a folder with _toc.yml and data/); "
        "run from inside the project or set LIVING_REVIEW_ROOT"
    )


def data_dir() -> Path:
    """The evidence data folder, ``<root>/data``."""
    return project_root() / "data"


BUILD_DIR_VARIABLE = "LIVING_REVIEW_BUILD_DIR"


def build_dir() -> Path:
    """The folder chapters write their outputs to (ledger, figures): ``<root>/_build``.

    ``LIVING_REVIEW_BUILD_DIR`` overrides it: a parameterised rerun
    (:mod:`living_review.runs.rerun`) sets it to its run folder, so that a rerun never
    overwrites the book's published estimates or figures.
    """
    env = os.environ.get(BUILD_DIR_VARIABLE)
    return Path(env).resolve() if env else project_root() / "_build"
