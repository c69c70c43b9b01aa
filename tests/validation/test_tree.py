"""The whole data folder is validated in one pass: the tables and the engines' folders."""

from __future__ import annotations

from living_review.data import load_evidence
from living_review.data.evidence import validate as validate_tables
from living_review.validation import load_validated, validate


def test_the_tables_alone_miss_what_the_engines_folders_hold(data_copy):
    from tests.data.conftest import read_rows, write_rows

    records = data_copy.path("search/records.csv")
    rows = read_rows(records)
    rows[1][rows[0].index("search_date")] = "2999-01-01"
    write_rows(records, rows)
    everything = [p for p in validate(data_copy.dir) if p.severity == "error"]
    assert any(p.file.endswith("search/records.csv") and "2999-01-01" in p.message for p in everything)
    assert not any(p.file.endswith("search/records.csv") for p in validate_tables(data_copy.dir))


def test_load_validated_is_every_table_at_once(data_copy):
    ev = load_validated(data_copy.dir)
    assert len(ev.studies) == len(load_evidence(data_copy.dir).studies)
