"""Reading digitised Kaplan-Meier curves (WebPlotDigitizer CSV exports) and their provenance.

``data/km/index.csv`` lists one curve per row (one study, endpoint and arm) with where it was
read from (figure, page, source) and how (software, date, by whom); ``data/km/README.md`` is the
data dictionary. Times are converted to months here (1 month = 365.25 / 12 days), so that every
curve enters the reconstruction in the review's unit.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal

import numpy as np
import pandas as pd

from living_review.core.choices import check_choice
from living_review.core.encoding import read_frame, read_table_text
from living_review.core.paths import data_dir
from living_review.core.vocabularies import ENDPOINTS
from living_review.survival.guyot import reconstruct_ipd

TimeUnit = Literal["months", "weeks", "days", "years"]
TO_MONTHS = {"months": 1.0, "weeks": 7 * 12 / 365.25, "days": 12 / 365.25, "years": 12.0}

INDEX_COLUMNS = ("curve_file", "at_risk_file", "study_id", "endpoint", "arm", "figure", "page", "source",
                 "time_unit", "survival_scale", "n_patients", "total_events", "digitised_by", "digitised_on",
                 "software", "notes")
REQUIRED_PROVENANCE = ("curve_file", "study_id", "endpoint", "arm", "figure", "page", "source", "time_unit",
                       "digitised_by", "digitised_on", "software")


def _relative(path: Path) -> str:
    try:
        return str(path.resolve().relative_to(data_dir().parent.resolve()))
    except (ValueError, FileNotFoundError):
        return path.name


def read_wpd_csv(path: str | Path, *, time_unit: TimeUnit = "months", dataset: str | None = None) -> pd.DataFrame:
    """Read one curve exported from WebPlotDigitizer as CSV.

    Parameters
    ----------
    path : str or Path
        A WebPlotDigitizer export: either "X,Y" rows without a header (export of one dataset),
        or the "all datasets" layout whose first line names each dataset above its X and Y
        columns and whose second line reads ``X,Y,X,Y,...``.
    time_unit : {"months", "weeks", "days", "years"}
        Unit of the x axis of the figure; times are returned in months.
    dataset : str, optional
        Dataset (curve) to take from an "all datasets" export; required when it holds several.

    Returns
    -------
    pandas.DataFrame
        Columns ``time`` (months) and ``survival`` (as digitised, proportion or percent), indexed by
        the line number in the file; ``attrs["source"]`` holds the file path, so that
        :func:`reconstruct_ipd` names the file and line in its errors.

    Example
    -------
    >>> import tempfile, os
    >>> p = os.path.join(tempfile.mkdtemp(), "curve.csv")
    >>> _ = open(p, "w").write("0,100\\n2.1,80.5\\n")
    >>> read_wpd_csv(p)["survival"].tolist()
    [100.0, 80.5]
    """
    check_choice("time_unit", time_unit, TO_MONTHS)
    path = Path(path)
    src = _relative(path)
    lines = read_table_text(path, src).splitlines()
    if not any(line.strip() for line in lines):
        raise ValueError(f"{src}: the file is empty; export the digitised dataset from WebPlotDigitizer as CSV")
    first = [c.strip() for c in lines[0].split(",")]
    header_rows = 0
    columns = (0, 1)
    if len(lines) > 1 and [c.strip().upper() for c in lines[1].split(",")][:2] == ["X", "Y"]:
        header_rows = 2
        names = [first[i] for i in range(0, len(first), 2)]
        if dataset is None and len([n for n in names if n]) > 1:
            raise ValueError(f"{src}: holds datasets {names}; pass dataset= to choose one")
        pick = names.index(dataset) if dataset is not None else 0
        if dataset is not None and dataset not in names:
            raise ValueError(f"{src}: no dataset {dataset!r}; the file holds {names}")
        columns = (2 * pick, 2 * pick + 1)
    rows, line_no = [], []
    for no, line in enumerate(lines[header_rows:], start=header_rows + 1):
        cells = [c.strip() for c in line.split(",")]
        if len(cells) <= columns[1] or not cells[columns[0]]:
            continue  # WebPlotDigitizer pads shorter datasets with empty cells
        try:
            rows.append((float(cells[columns[0]]), float(cells[columns[1]])))
        except ValueError:
            raise ValueError(f"{src} row {no}: {line!r} is not a pair of numbers; export with '.' as decimal "
                             "separator and ',' between columns") from None
        line_no.append(no)
    out = pd.DataFrame(rows, columns=["time", "survival"], index=pd.Index(line_no, name="line"))
    out["time"] = out["time"] * TO_MONTHS[time_unit]
    out.attrs["source"] = src
    return out


def read_at_risk_csv(path: str | Path, *, time_unit: TimeUnit = "months") -> pd.DataFrame:
    """Read a numbers-at-risk table typed from a figure: header ``time,n_risk``; times converted to months."""
    path = Path(path)
    table = read_frame(path, _relative(path), dtype=None, keep_default_na=True)
    table.index = pd.Index(range(2, len(table) + 2), name="line")
    if "time" in table.columns:
        table["time"] = table["time"] * TO_MONTHS[time_unit]
    table.attrs["source"] = _relative(path)
    return table


@dataclass(frozen=True)
class DigitisedCurve:
    """One digitised curve with its numbers at risk and provenance."""

    study_id: str
    endpoint: str
    arm: str
    curve: pd.DataFrame
    at_risk: pd.DataFrame | int
    total_events: int | None
    provenance: dict = field(default_factory=dict)

    def reconstruct(self) -> pd.DataFrame:
        """Reconstructed patients (Guyot et al. 2012) with columns study_id, endpoint, arm, time, event."""
        ipd = reconstruct_ipd(self.curve, self.at_risk, self.total_events, scale=self.provenance["survival_scale"])
        return ipd.assign(study_id=self.study_id, endpoint=self.endpoint, arm=self.arm)

    def summary(self) -> str:
        p = self.provenance
        return (f"{self.study_id} {self.endpoint} ({self.arm}): {len(self.curve)} points from {p['source']}, "
                f"figure {p['figure']}, page {p['page']}; digitised by {p['digitised_by']} on {p['digitised_on']}")


def read_index(km_dir: Path | None = None) -> pd.DataFrame:
    """Read and check ``index.csv`` in ``km_dir`` (default ``data/km``); an empty index is valid."""
    km_dir = Path(km_dir) if km_dir is not None else data_dir() / "km"
    path = km_dir / "index.csv"
    index = read_frame(path, _relative(path))
    src = _relative(path)
    missing = [c for c in INDEX_COLUMNS if c not in index.columns]
    if missing:
        raise ValueError(f"{src}: missing column(s) {missing}; see data/km/README.md")
    for i, row in index.iterrows():
        where = f"{src} row {i + 2}"
        empty = [c for c in REQUIRED_PROVENANCE if not row[c].strip()]
        if empty:
            raise ValueError(f"{where}: provenance field(s) {empty} are empty; every curve needs them")
        if row["endpoint"] not in ENDPOINTS:
            raise ValueError(f"{where}: endpoint {row['endpoint']!r}; choose one of {', '.join(ENDPOINTS)}")
        if row["time_unit"] not in TO_MONTHS:
            raise ValueError(f"{where}: time_unit {row['time_unit']!r}; choose one of {', '.join(TO_MONTHS)}")
        if not row["at_risk_file"] and not row["n_patients"]:
            raise ValueError(f"{where}: give at_risk_file or, when the figure has no table, n_patients")
    return index


def load_digitised_curves(km_dir: Path | None = None) -> list[DigitisedCurve]:
    """Every curve listed in ``data/km/index.csv``, read with its at-risk table and provenance."""
    km_dir = Path(km_dir) if km_dir is not None else data_dir() / "km"
    out = []
    for _, row in read_index(km_dir).iterrows():
        unit = row["time_unit"]
        curve = read_wpd_csv(km_dir / row["curve_file"], time_unit=unit)
        at_risk = (read_at_risk_csv(km_dir / row["at_risk_file"], time_unit=unit) if row["at_risk_file"]
                   else int(row["n_patients"]))
        events = int(row["total_events"]) if row["total_events"] else None
        prov = {k: row[k] for k in INDEX_COLUMNS}
        prov["survival_scale"] = row["survival_scale"] or "auto"
        out.append(DigitisedCurve(row["study_id"], row["endpoint"], row["arm"], curve, at_risk, events, prov))
    return out


def missing_curves(needed: pd.DataFrame, curves: list[DigitisedCurve]) -> pd.DataFrame:
    """Which (study_id, endpoint) pairs in ``needed`` have no digitised curve: the curves still to digitise."""
    have = {(c.study_id, c.endpoint) for c in curves}
    mask = np.array([(s, e) not in have for s, e in zip(needed["study_id"], needed["endpoint"])], dtype=bool)
    return needed.loc[mask].reset_index(drop=True)
