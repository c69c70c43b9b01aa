"""Every source code (``S-n`` seed, ``P-n`` page) cited anywhere in the data is listed in ``sources.csv``.

The locator columns of the main tables are checked by :func:`living_review.data.links.source_codes`;
this check covers every text cell of every CSV file under the data folder (notes, the search
records' ``origin``, the screening log), so that no file cites a copy that cannot be looked up.
"""

from __future__ import annotations

import re
from pathlib import Path

from living_review.core.encoding import dict_rows
from living_review.core.problems import Problem

_CODE = re.compile(r"\b([SP]-[0-9]+)\b")
SOURCES_FILE = "sources.csv"


def known_codes(data_dir: Path) -> set[str]:
    """The codes of ``sources.csv`` (empty when the file is missing)."""
    path = data_dir / SOURCES_FILE
    if not path.exists():
        return set()
    try:
        return {row.get("code", "") for _, row in dict_rows(path)}
    except ValueError:  # reported by the file-level checks
        return set()


def unknown_citations(data_dir: str | Path, only: tuple[str, ...] | None = None) -> list[Problem]:
    """``FILE:LINE: column: cites source P-n, which is not in sources.csv`` for every such cell.

    Parameters
    ----------
    data_dir : the data folder; every ``*.csv`` below it except ``sources.csv`` is read.
    only : the files to check instead (paths relative to ``data_dir``), for the tables of
        one chapter's evidence.
    """
    folder = Path(data_dir)
    known = known_codes(folder)
    out: list[Problem] = []
    paths = sorted(folder.rglob("*.csv")) if only is None else [folder / name for name in only]
    for path in paths:
        if path.name == SOURCES_FILE and path.parent == folder:
            continue
        shown = f"{folder.name}/{path.relative_to(folder).as_posix()}"
        try:
            rows = dict_rows(path, shown)
        except ValueError:
            continue  # unreadable files are reported by the file-level checks
        for line, row in rows:
            for column, text in row.items():
                if not isinstance(text, str):
                    continue
                for code in _CODE.findall(text):
                    if code not in known:
                        out.append(Problem(shown, line, column or "-", f"cites source {code}, which is not in "
                                           f"{SOURCES_FILE} (add the source or correct the code)"))
    return out
