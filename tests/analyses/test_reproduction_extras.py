"""What the reproduction of Cao 2024 needs beyond the reanalysis: corrections, records, printed rates."""

from __future__ import annotations

from types import SimpleNamespace

import pytest

from living_review.analyses import reproduction_extras as extras
from living_review.analyses.reproduction import corrections


def test_the_dcr_corrections_are_the_counts_that_differ_from_cao(ev):
    found = corrections(ev, "DCR")
    changed, removed = extras.one_changed_one_removed(ev, "DCR")
    assert set(found) == {changed, removed}
    # D01: Tahara 2017's DCR printed 16/17 by Cao; D02: Bible 2012's 0/15 left out (discrepancies.csv)
    assert (changed.study_id, changed.printed) == ("tahara2017", "16/17") and changed.current is not None
    assert (removed.study_id, removed.printed, removed.current) == ("bible2012", "0/15", None)
    assert corrections(ev, "ORR") == ()


def test_other_corrections_stop_the_chapter(ev):
    inputs = ev.previous_version_inputs.copy()
    inputs.loc[inputs["outcome"] == "DCR", "events"] += 1
    with pytest.raises(ValueError, match="one corrected and one removed DCR count"):
        extras.one_changed_one_removed(SimpleNamespace(previous_version_inputs=inputs, studies=ev.studies), "DCR")


def test_the_printed_survival_rates_are_cao2024_table_2(ev):
    table = extras.printed_survival_rates(ev.previous_version_results)
    assert table["Month"].tolist() == [3, 6, 9, 12, 15, 18, 21, 24]
    assert table["OS (%)"].iloc[0] == "62.46" and table["PFS (%)"].iloc[-1] == "8.15"  # Cao 2024 Table 2
    assert set(table["Recomputed"]) == {"not computed"}


def test_the_previous_trials_os_is_on_record(ev, settings, own_ledger):
    pooled, key = extras.previous_trials_os(ev, settings, chapter="test")
    assert key == "cao2024.os.log_medians_previous_trials" and own_ledger.keys() == [key]
    assert own_ledger.get(key)["estimate"] == pooled.estimate
