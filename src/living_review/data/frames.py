"""Typed tables from validated rows: one pandas column per schema field, and the derived columns.

Times are normalised to months here and nowhere else (:mod:`living_review.data.units`):
the studies get ``<endpoint>_<part>_months``, ``pub_year``, ``pub_month`` and ``pub_order``,
the landmarks ``time_months``.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from living_review.data.schema import Resource, Schema
from living_review.data.units import to_months

Row = tuple[int, dict[str, Any]]
_DTYPE = {"integer": "Int64", "number": "float64", "boolean": "boolean", "string": "object"}
STUDY_TIMES = {f"{ep}_{part}": f"{ep}_unit" for ep in ("pfs", "os") for part in ("median", "ci_lower", "ci_upper")}


def _frame(rows: list[Row], res: Resource) -> pd.DataFrame:
    data = {f.name: pd.Series([v.get(f.name) for _, v in rows], dtype=_DTYPE[f.type]) for f in res.fields}
    return pd.DataFrame(data, columns=list(res.names))


def _in_months(frame: pd.DataFrame, value: str, unit: str) -> pd.Series:
    # The only place where reported times become months.
    return pd.Series([to_months(None if pd.isna(v) else float(v), u) for v, u in zip(frame[value], frame[unit])],
                     index=frame.index, dtype="float64")


def _studies(frame: pd.DataFrame) -> pd.DataFrame:
    out = frame.copy()
    for value, unit in STUDY_TIMES.items():
        out[f"{value}_months"] = _in_months(out, value, unit)
    out["pub_year"] = pd.array([int(d[:4]) for d in out["pub_date"]], dtype="Int64")
    out["pub_month"] = pd.array([int(d[5:7]) if len(d) > 4 else None for d in out["pub_date"]], dtype="Int64")
    order = sorted(range(len(out)), key=lambda i: (out["pub_date"].iat[i], out["study_id"].iat[i]))
    rank = np.empty(len(out), dtype=int)
    rank[order] = np.arange(1, len(out) + 1)
    out["pub_order"] = pd.array(rank, dtype="Int64")
    return out


def framed(name: str, rows: list[Row], schema: Schema) -> pd.DataFrame:
    """The typed table ``name`` of ``rows``, with its derived columns."""
    frame = _frame(rows, schema.resources[name])
    if name == "studies":
        return _studies(frame)
    if name == "landmarks":
        frame["time_months"] = _in_months(frame, "time", "time_unit")
    return frame
