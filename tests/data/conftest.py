"""Fixtures for the evidence-data tests: a copy of the real data and a way to corrupt one cell.

Broken fixtures are built by copying the project's ``data/`` into ``tmp_path`` and
changing a single cell, so each test shows exactly which defect a rule catches.
"""

from __future__ import annotations

import csv
from pathlib import Path


from living_review.core.paths import project_root

REAL_DATA = project_root() / "data"


def read_rows(path: Path) -> list[list[str]]:
    with path.open(encoding="utf-8", newline="") as f:
        return list(csv.reader(f))


def write_rows(path: Path, rows: list[list[str]]) -> None:
    # Same dialect as the committed files: minimal quoting, LF line endings.
    with path.open("w", encoding="utf-8", newline="") as f:
        csv.writer(f, lineterminator="\n").writerows(rows)


def line_of(path: Path, column: str, value: str, key: str = "study_id") -> int:
    """Physical line (header = 1) of the row whose ``key`` column equals ``value``."""
    rows = read_rows(path)
    idx = rows[0].index(key)
    for i, row in enumerate(rows[1:], start=2):
        if row[idx] == value:
            return i
    raise LookupError(f"{value!r} not in {path.name}")


def set_cell(path: Path, line: int, column: str, text: str) -> None:
    """Replace the cell at physical ``line`` (files here have one line per record)."""
    rows = read_rows(path)
    rows[line - 1][rows[0].index(column)] = text
    write_rows(path, rows)


def get_cell(path: Path, line: int, column: str) -> str:
    rows = read_rows(path)
    return rows[line - 1][rows[0].index(column)]


class DataCopy:
    """A writable copy of the project's data folder with functions that edit single cells."""

    def __init__(self, folder: Path):
        self.dir = folder

    def path(self, name: str) -> Path:
        return self.dir / name

    def line(self, file: str, study_id: str, key: str = "study_id") -> int:
        return line_of(self.path(file), key, study_id, key)

    def set(self, file: str, study_id: str, column: str, text: str, key: str = "study_id") -> int:
        line = self.line(file, study_id, key)
        set_cell(self.path(file), line, column, text)
        return line

    def get(self, file: str, study_id: str, column: str, key: str = "study_id") -> str:
        return get_cell(self.path(file), self.line(file, study_id, key), column)


def cohort_rows(studies, ids, **changes):
    """Real rows of ``ids`` with some cells changed: {column: {study_id: value}}."""
    frame = studies[studies["study_id"].isin(ids)].copy()
    for column, values in changes.items():
        for sid, value in values.items():
            frame.loc[frame["study_id"] == sid, column] = value
    return frame
