"""Corrections: the discrepancy records a changelog entry lists for a release.

Corrections come from ``data/discrepancies.csv``. Its columns belong to the data package;
this module only needs a study column (``study_id``, else ``study``). Every row whose
study is in the current release is a correction, described by its other non-empty
columns (shortened to its id, ``field``, ``value_used``, ``reason`` and ``status`` when it
has ``field`` and ``value_used``). When the file has a version column (``version``, ``since_version`` or
``release``), only rows of the current release are kept: a development version such as
``1.1.0.dev0`` counts as the release it leads to (``1.1.0``).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pandas as pd

STUDY_COLUMNS = ("study_id", "study")
VERSION_COLUMNS = ("version", "since_version", "release")


@dataclass(frozen=True)
class Correction:
    """One discrepancy record for a study in the current release."""

    study_id: str
    details: tuple[tuple[str, str], ...]

    def summary(self) -> str:
        d = dict(self.details)
        if "field" in d and "value_used" in d:
            label = next((d[k] for k in ("discrepancy_id", "id") if k in d), "")
            parts = [f"{self.study_id}{f' ({label})' if label else ''}, {d['field']}: value used {d['value_used']}"]
            parts += [f"{k}: {d[k]}" for k in ("reason", "status") if k in d]
            return "; ".join(parts)
        return f"{self.study_id}: " + "; ".join(f"{k}: {v}" for k, v in self.details)


def read_corrections(path: Path, current_studies: set[str], version: str | None = None) -> tuple[Correction, ...]:
    """Discrepancy rows for studies in ``current_studies`` (see the module notes); () without a file."""
    path = Path(path)
    if not path.is_file():
        return ()
    table = pd.read_csv(path, dtype=str, keep_default_na=False)
    study_column = next((c for c in STUDY_COLUMNS if c in table.columns), None)
    if study_column is None:
        raise ValueError(
            f"{path.name}: no study column (looked for {', '.join(STUDY_COLUMNS)}; found {', '.join(table.columns)}); "
            "each discrepancy must name its study"
        )
    version_column = next((c for c in VERSION_COLUMNS if c in table.columns), None)
    if version_column is not None and version is not None:
        table = table[[_release_of(v) == _release_of(version) for v in table[version_column]]]
    corrections = []
    for _, row in table.iterrows():
        study = row[study_column].strip()
        if study not in current_studies:
            continue
        details = tuple((c, str(row[c]).strip()) for c in table.columns
                        if c not in (study_column, version_column) and str(row[c]).strip())
        corrections.append(Correction(study, details))
    return tuple(sorted(corrections, key=lambda c: (c.study_id, c.details)))


def _release_of(version: str) -> str:
    """The release a version belongs to: ``1.1.0.dev0`` and ``v1.1.0`` both belong to ``1.1.0``."""
    from packaging.version import InvalidVersion, Version

    text = str(version).strip().removeprefix("v")
    try:
        return Version(text).base_version
    except InvalidVersion:
        return text
