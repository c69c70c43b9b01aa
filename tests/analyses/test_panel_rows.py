"""Tests for living_review.analyses.panel_rows: the outcomes guideline panels asked for, as the data hold them.

Expected counts are read off data/adverse_events.csv (grade 5 bleeding: Bible 2012 tumour haemorrhage
1/15, Sparano 2021 haemoptysis 2/23; airway: Kim 2021 tracheal perforation 1/14 and fatal pneumothorax
and pneumomediastinum 1/14, Sparano 2021 fatal pneumothorax 1/23; discontinuation: only Iwasaki 2018,
9/23, an overlapping cohort left out of the primary analysis) and data/biomarkers.csv.
"""

from __future__ import annotations

import pandas as pd
import pytest

from living_review.analyses import panel_rows as pr
from living_review.analyses import selection


@pytest.fixture(scope="module")
def cohorts(ev):
    return selection.select_cohorts(ev.studies)


def test_fatal_bleeding_and_airway_events_are_counted_cohort_by_cohort(ev, cohorts):
    bleed = pr.harm_count(ev.adverse_events, cohorts, "Fatal bleeding", pr.BLEEDING, ("5",))
    assert [(r[0], r[1], r[2]) for r in bleed.rows] == [("Bible 2012", 1, 15), ("Sparano 2021", 2, 23)]
    assert (bleed.events, bleed.k_reporting, bleed.k_cohorts) == (3, 2, len(cohorts))
    airway = pr.harm_count(ev.adverse_events, cohorts, "Airway", pr.AIRWAY, (">=3", "3-4", "5"))
    assert sorted((r[0], r[3]) for r in airway.rows) == [
        ("Kim 2021", "Pneumothorax and pneumomediastinum"), ("Kim 2021", "Tracheal perforation"),
        ("Sparano 2021", "Pneumothorax")]


def test_the_panel_table_says_what_is_missing(ev, cohorts):
    t = pr.panel_table(ev.adverse_events, cohorts, selection.overlap_dropped(ev.studies)).set_index("Outcome")
    assert t.loc["Fatal bleeding", "Cohorts reporting it"] == f"2 of {len(cohorts)}"
    assert t.loc["Fatal bleeding", "Why not pooled"] == pr.NOT_POOLED
    stop = t.loc["Discontinuation for adverse events", "What they report"]
    assert stop.startswith("none of the cohorts reports it") and "Iwasaki 2018 9/23" in stop
    for name in ("Duration of response", "Quality of life"):
        assert t.loc[name, "What they report"] == "not extracted for any cohort in this version's data"


def test_braf_status_is_a_row_per_cohort(ev, cohorts):
    t = pr.biomarker_table(ev.biomarkers, cohorts)
    assert len(t) == len(cohorts) and set(t["BRAF V600E status"]) == {"not reported"}
    assert t["Source"].str.len().gt(0).all()
    assert pr.braf_reported(ev.biomarkers, cohorts) == 0
    reported = ev.biomarkers.copy()
    reported.loc[reported["study_id"] == "wirth2021", ["status", "n_tested", "n_positive"]] = ["reported", 30, 12]
    t = pr.biomarker_table(reported, cohorts).set_index("Study")
    assert t.loc["Wirth 2021", "BRAF V600E status"] == "12 of 30 tested positive"
    with pytest.raises(ValueError, match="biomarkers.csv: no BRAF V600E row for study 'wirth2021'"):
        pr.biomarker_table(ev.biomarkers[ev.biomarkers["study_id"] != "wirth2021"], cohorts)


def test_every_study_has_a_braf_row(ev):
    assert set(ev.biomarkers["study_id"]) == set(ev.studies["study_id"])
    assert not ev.biomarkers.duplicated(["study_id", "marker"]).any()
    assert isinstance(ev.biomarkers, pd.DataFrame)
