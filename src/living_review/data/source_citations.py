"""Every source code (``S-n`` seed, ``P-n`` page) cited anywhere in the data is listed in ``sources.csv``.

The locator columns of the main tables are checked by :func:`living_review.data.links.source_codes`;
this check covers every text cell of every CSV file under the data folder (notes, the search
records' ``origin``, the screening log), so that no file cites a copy that cannot be looked up.
"""

from __future__ import annotations

import csv
import re
from pathlib import Path

from living_review.data.problems import Problem

_CODE = re.compile(r"\b([SP]-[0-9]+)\b")
SOURCES_FILE = "sources.csv"


def known_codes(data_dir: Path) -> set[str]:
    """The codes of ``sources.csv`` (empty when the file is missing)."""
    path = data_dir / SOURCES_FILE
    if not path.exists():
        return set()
    with path.open(newline="", encoding="utf-8") as handle:
        return {row.get("code", "") for row in csv.DictReader(handle)}


def unknown_citations(data_dir: str | Path) -> list[Problem]:
    """``FILE:LINE: column: cites source P-n, which is not in sources.csv`` for every such cell.

    Parameters
    ----------
    data_dir : the data folder; every ``*.csv`` below it except ``sources.csv`` is read.
    """
    folder = Path(data_dir)
    known = known_codes(folder)
    out: list[Problem] = []
    for path in sorted(folder.rglob("*.csv")):
        if path.name == SOURCES_FILE and path.parent == folder:
            continue
        shown = f"{folder.name}/{path.relative_to(folder).as_posix()}"
        try:
            with path.open(newline="", encoding="utf-8") as handle:
                rows = list(csv.DictReader(handle))
        except (UnicodeDecodeError, csv.Error):
            continue  # unreadable files are reported by the file-level checks
        for line, row in enumerate(rows, start=2):
            for column, text in row.items():
                if not isinstance(text, str):
                    continue
                for code in _CODE.findall(text):
                    if code not in known:
                        out.append(Problem(shown, line, column or "-", f"cites source {code}, which is not in "
                                           f"{SOURCES_FILE} (add the source or correct the code)"))
    return out
