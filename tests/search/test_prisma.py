"""Tests of the PRISMA 2020 counts (living_review.search.prisma).

Expected counts in the synthetic scenario are worked out by hand from the listed records,
one comment per count; the committed update is checked against the record list of the
fixed study identifiers and the Cao 2024 Results section 3 (seed S-3).
"""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd
import pytest

from living_review.search.dedupe import MERGE_LOG_COLUMNS
from living_review.search.prisma import compute_prisma, count_studies, load_prisma
from living_review.search.previous_version import PREVIOUS_LABEL, PreviousVersion, read_previous_version
from living_review.search.records import make_records
from living_review.search.screening import SCREENING_COLUMNS

DATA = Path(__file__).resolve().parents[2] / "data"
STUDIES = {"kim2021", "sparano2021", "ito2017_atc", "ito2017_mtc", "tahara2017", "wirth2021"}
PREVIOUS = PreviousVersion(records_identified=10, duplicates=2, records_screened=8, records_excluded=5,
                           reports_assessed=3, reports_excluded={"Case reports": 1}, studies_included=2,
                           reports_included=2, study_ids=("tahara2017", "wirth2021"), source="test")


def scenario():
    sources = {**{f"p{i}": "PubMed" for i in range(1, 7)}, **{f"e{i}": "Embase" for i in range(1, 4)},
               "r1": "ClinicalTrials.gov", "h1": "hand search", "h2": "hand search", "h3": "hand search",
               "c1": "citation tracking", "c2": "citation tracking", "c3": "citation tracking"}
    records = make_records([{"record_id": k, "source": v, "search_date": "2025-06-01", "title": f"T {k}"}
                            for k, v in sources.items()])
    merge = pd.DataFrame([("e1", "p1", "p1", "doi", 100, ""), ("h3", "h1", "h1", "title", 98, ""),
                          ("c2", "p2", "p2", "pmid", 100, "")], columns=list(MERGE_LOG_COLUMNS))
    rows = [("p1", "title_abstract", "include"), ("p1", "full_text", "include", "", "kim2021"),
            ("p2", "title_abstract", "include"), ("p2", "full_text", "exclude", "fewer_than_5_atc"),
            ("p3", "title_abstract", "exclude", "case_report"), ("p4", "title_abstract", "exclude", "basic_research"),
            ("p5", "title_abstract", "previously_included", "", "tahara2017"),
            ("p6", "title_abstract", "include"), ("p6", "full_text", "not_retrieved"),
            ("e2", "title_abstract", "exclude", "case_report"),
            ("e3", "title_abstract", "include"), ("e3", "full_text", "previously_included", "", "wirth2021"),
            ("r1", "title_abstract", "include"), ("r1", "full_text", "include", "", "ito2017_atc;ito2017_mtc"),
            ("h1", "full_text", "include", "", "sparano2021"), ("h2", "full_text", "exclude", "secondary_analysis"),
            ("c1", "full_text", "previously_included", "", "tahara2017"), ("c3", "full_text", "include", "", "kim2021")]
    log = pd.DataFrame([dict(zip(("record_id", "stage", "decision", "reason", "study_ids"), r),
                             date="2025-06-02", note="") for r in rows], columns=list(SCREENING_COLUMNS)).fillna("")
    return records, log, merge


def test_counts_of_every_box():
    c = compute_prisma(*scenario(), PREVIOUS, STUDIES)
    assert (c.previous_studies, c.previous_reports) == (2, 2)                 # tahara2017, wirth2021
    assert c.database_results == 9                                            # p1-p6, e1-e3
    assert c.database_specific_results == {"Embase": 3, "PubMed": 6}
    assert (c.register_results, c.register_specific_results) == (1, {"ClinicalTrials.gov": 1})
    assert (c.website_results, c.organisation_results, c.citations_results, c.other_results) == (3, 0, 3, 6)
    assert c.duplicates == 1                                                  # e1
    assert c.excluded_other == 1                                              # p5, already in previous version
    assert c.records_screened == 8                                            # 10 - 1 - 1
    assert c.records_excluded == 3                                            # p3, p4, e2
    assert (c.dbr_sought_reports, c.dbr_notretrieved_reports, c.dbr_assessed) == (5, 1, 4)  # p1 p2 p6 e3 r1; p6
    assert c.dbr_excluded == {"Fewer than 5 ATC patients": 1, PREVIOUS_LABEL: 1}           # p2; e3
    assert (c.other_duplicates, c.other_previously_included) == (2, 1)       # h3, c2; c1
    assert (c.other_sought_reports, c.other_notretrieved_reports, c.other_assessed) == (3, 0, 3)  # h1 h2 c3
    assert c.other_excluded == {"Secondary analysis (review or meta-analysis)": 1}          # h2
    assert c.new_reports == 4                                                 # p1, r1, h1, c3
    assert c.new_studies == 3                                                 # {p1, c3} share kim2021; r1; h1
    assert c.new_cohorts == 4                                                 # kim2021, ito x2, sparano2021
    assert (c.total_studies, c.total_reports) == (5, 6)
    json.dumps(c.as_dict())  # JSON-serialisable
    assert "Total: 5 studies (6 reports)" in c.summary()


def test_count_studies_groups_reports_by_shared_study():
    assert count_studies(["a", "b;c", "c", "d;a"]) == 2      # {a, d;a} and {b;c, c}
    assert count_studies([]) == 0


def test_screening_errors_propagate():
    records, log, merge = scenario()
    with pytest.raises(ValueError, match="has no full_text row"):
        compute_prisma(records, log[log.record_id != "h1"], merge, PREVIOUS, STUDIES)


def test_previous_version_of_cao_2024():
    prev = read_previous_version(DATA / "search" / "previous_version.csv")
    # Cao 2024, Results section 3 (seed S-3).
    assert (prev.records_identified, prev.duplicates, prev.records_screened, prev.records_excluded,
            prev.reports_assessed, prev.studies_included) == (1171, 391, 780, 589, 191, 6)
    assert prev.reports_excluded == {"Basic research": 95, "Reviews/letters": 42, "Meeting abstracts": 18,
                                     "Retrospective studies": 17, "Case reports": 10, "Guideline": 1,
                                     "Registered trial": 1, "Non-English": 1}
    assert prev.study_ids == ("ha2010", "bible2012", "savvides2013", "tahara2017", "wirth2021", "higashiyama2022")
    assert prev.source.startswith("Cao 2024, Results section 3")


@pytest.mark.parametrize("item,value,message", [
    ("duplicates", "390", "identified - duplicates = 781 but screened = 780"),
    ("records_excluded", "590", "screened - excluded = 190 but assessed = 191"),
    ("studies_included", "7", "included_study rows = 6 but studies included = 7"),
    ("reports_assessed", "x", "whole numbers"),
])
def test_previous_version_inconsistency_is_reported(tmp_path, item, value, message):
    table = pd.read_csv(DATA / "search" / "previous_version.csv", dtype=str, keep_default_na=False)
    table.loc[table["item"] == item, "count"] = value
    table.to_csv(tmp_path / "pv.csv", index=False)
    with pytest.raises(ValueError, match=message):
        read_previous_version(tmp_path / "pv.csv")


@pytest.mark.skipif(not (DATA / "studies.csv").exists(), reason="study data not present")
def test_committed_update_counts():
    """Expected values follow from the fixed study identifiers: 61 records (5 seeds and 12 other
    hand-searched reports of 2026-11-21, 35 hand-searched records of 2026-12-01; 9 references of
    Cao 2024), 6 of them reports of Cao's trials, 2 not retrieved (Yamazaki, Pisa), 38 excluded at
    full text, 15 included reports of 13 studies (Ito 2017 gives the ATC and MTC cohorts; NRG/RTOG
    0912 has three reports: the paper, its ESMO abstract and its registry record); with Mikoshiba
    2025 and Matsuo 2025 included by the eligibility rules (D30), 36 excluded and 17 reports of 15
    studies."""
    ids = pd.read_csv(DATA / "studies.csv", dtype=str)["study_id"]
    c = load_prisma(DATA / "search", ids)
    assert (c.website_results, c.citations_results, c.database_results) == (52, 9, 0)
    assert (c.other_previously_included, c.other_sought_reports, c.other_assessed) == (6, 55, 53)
    assert c.other_notretrieved_reports == 2
    assert sum(c.other_excluded.values()) == 36
    assert c.other_excluded["Fewer than 5 ATC patients"] == 3                # THYSU, Iniguez-Ariza, rs-1050126
    assert c.other_excluded["Secondary analysis (review or meta-analysis)"] == 7  # Huang, Kuang, 5 reviews
    assert c.other_excluded["Antiangiogenic TKI not confirmed (agents not named)"] == 1  # Iyer 2018
    assert (c.new_reports, c.new_studies, c.new_cohorts) == (17, 15, 16)
    assert (c.previous_studies, c.total_studies, c.total_reports) == (6, 21, 23)


def test_missing_merge_log_says_what_to_run(tmp_path):
    with pytest.raises(FileNotFoundError, match="search dedupe"):
        load_prisma(tmp_path, STUDIES)
