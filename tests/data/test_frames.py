"""Tests for living_review.data.frames: typed columns and the derived columns of the loader."""

from __future__ import annotations

from living_review.data.evidence import _read_table
from living_review.data.frames import STUDY_TIMES, framed
from living_review.data.schema import read_schema
from tests.data.conftest import REAL_DATA


def test_typed_columns_in_schema_order_and_derived_columns_added():
    schema, _ = read_schema(REAL_DATA)
    rows, _ = _read_table(REAL_DATA, schema, "studies")
    studies = framed("studies", rows, schema)
    names = list(schema.resources["studies"].names)
    assert list(studies.columns[:len(names)]) == names
    assert {f"{v}_months" for v in STUDY_TIMES} | {"pub_year", "pub_month", "pub_order"} <= set(studies.columns)
    assert sorted(studies["pub_order"]) == list(range(1, len(studies) + 1))
    landmarks = framed("landmarks", _read_table(REAL_DATA, schema, "landmarks")[0], schema)
    assert "time_months" in landmarks and str(landmarks["time_months"].dtype) == "float64"
    events = framed("adverse_events", _read_table(REAL_DATA, schema, "adverse_events")[0], schema)
    assert list(events.columns) == list(schema.resources["adverse_events"].names)
    assert str(events["events"].dtype) == "Int64"
