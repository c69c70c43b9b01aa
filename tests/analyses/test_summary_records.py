"""The summary of findings on record: every estimate the page prints has its ledger key."""

from __future__ import annotations

from living_review.analyses import selection
from living_review.analyses import summary_of_findings as sof
from living_review.analyses import summary_records as records


def test_every_row_and_low_risk_row_is_on_record(ev, settings, own_ledger):
    rows = sof.build_summary(ev, settings)
    low = sof.low_risk_rows(ev, settings, rows)
    records.record_summary(rows, low, chapter="test")
    expected = {f"sof.{r.key}.atc_monotherapy" for r in rows} | {f"sof.{x.key}.low_risk_of_bias" for x in low
                                                                 if x.row is not None}
    assert set(own_ledger.keys()) == expected
    first = rows[0]
    assert own_ledger.get(f"sof.{first.key}.atc_monotherapy")["estimate"] == first.result.estimate


def test_each_drug_table_is_on_record_under_its_drug(ev, settings, own_ledger):
    cohorts = selection.select_cohorts(ev.studies)
    tables = records.drug_tables(ev, settings, cohorts)
    records.record_drug_tables(tables, chapter="test")
    assert set(own_ledger.keys()) == {f"sof.{r.key}.drug_{d}" for d, rows in tables.items() for r in rows}


def test_the_median_sensitivity_texts_name_each_endpoint(ev, settings):
    from living_review.analyses import survival_source as ss

    cohorts = selection.select_cohorts(ev.studies)
    texts = records.median_sensitivity_texts(cohorts, ss.read_all_medians(cohorts, settings), settings.survival.level)
    assert set(texts) == {"sof_pfs_left_out", "sof_pfs_mm", "sof_os_left_out", "sof_os_mm"}
    assert "weighted by patients" in texts["sof_os_mm"]
