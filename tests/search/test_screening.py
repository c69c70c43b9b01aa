"""Tests of the screening log and its validation (living_review.search.screening)."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from living_review.search.dedupe import MERGE_LOG_COLUMNS, dedupe
from living_review.search.records import make_records, read_records
from living_review.search.normalise import normalise_doi, normalise_pmid
from living_review.search.screening import (
    EXCLUSION_REASONS, FINAL_STATUSES, SCREENING_COLUMNS, check_log, exclusion_table,
    read_screening_log, split_ids, validate_screening,
)

DATA = Path(__file__).resolve().parents[2] / "data"
STUDIES = {"kim2021", "tahara2017", "ito2017_atc", "ito2017_mtc"}
PREVIOUS = {"tahara2017"}
EMPTY_MERGE = pd.DataFrame(columns=list(MERGE_LOG_COLUMNS))


def records(*specs):
    return make_records([{"record_id": rid, "source": src, "search_date": "2025-06-01", "title": f"T {rid}"}
                         for rid, src in specs])


def log(*rows):
    out = [dict(zip(("record_id", "stage", "decision", "reason", "study_ids"), r), date="2025-06-02", note="")
           for r in rows]
    return pd.DataFrame(out, columns=list(SCREENING_COLUMNS)).fillna("")


def test_every_path_reaches_its_final_status():
    recs = records(("d1", "PubMed"), ("d2", "PubMed"), ("d3", "Embase"), ("d4", "Embase"),
                   ("d5", "PubMed"), ("o1", "hand search"), ("o2", "citation tracking"), ("d6", "PubMed"))
    screening = log(
        ("d1", "title_abstract", "exclude", "case_report"),
        ("d2", "title_abstract", "include"), ("d2", "full_text", "include", "", "kim2021"),
        ("d3", "title_abstract", "include"), ("d3", "full_text", "exclude", "fewer_than_5_atc"),
        ("d4", "title_abstract", "include"), ("d4", "full_text", "not_retrieved"),
        ("d5", "title_abstract", "previously_included", "", "tahara2017"),
        ("o1", "full_text", "include", "", "ito2017_atc; ito2017_mtc"),
        ("o2", "full_text", "exclude", "secondary_analysis"),
    )
    merge = pd.DataFrame([("d6", "d2", "d2", "doi", 100, "kept d2")], columns=list(MERGE_LOG_COLUMNS))
    status = validate_screening(recs, screening, merge, STUDIES, PREVIOUS)
    got = dict(zip(status.table.record_id, status.table.status))
    assert got == {"d1": "excluded_title_abstract", "d2": "included", "d3": "excluded_full_text",
                   "d4": "not_retrieved", "d5": "previously_included", "o1": "included",
                   "o2": "excluded_full_text", "d6": "duplicate"}
    assert set(status.counts()) == set(FINAL_STATUSES) and sum(status.counts().values()) == 8
    assert status.included_study_ids() == {"kim2021", "ito2017_atc", "ito2017_mtc"}
    assert status.summary().startswith("8 records:")


@pytest.mark.parametrize("rows,message", [
    ([("d1", "title_abstract", "maybe")], "decision: 'maybe' is not allowed"),
    ([("d1", "abstract", "include")], "stage: 'abstract' is not allowed"),
    ([("d1", "title_abstract", "exclude", "too small")], "not in the controlled list"),
    ([("d1", "title_abstract", "include", "case_report")], "only 'exclude' takes a reason"),
    ([("d1", "title_abstract", "not_retrieved")], "only to the full_text stage"),
    ([("d1", "full_text", "include")], "study_ids must be given"),
    ([("d1", "title_abstract", "exclude", "case_report"), ("d1", "title_abstract", "include")], "more than one row"),
])
def test_log_rows_checked(rows, message):
    with pytest.raises(ValueError, match=message):
        check_log(log(*rows))


def test_bad_date_names_line():
    bad = log(("d1", "title_abstract", "include"))
    bad.loc[0, "date"] = "2 June"
    with pytest.raises(ValueError, match=r":2: date: '2 June' is not a real date YYYY-MM-DD \(check day and month; record d1\)"):
        check_log(bad)


@pytest.mark.parametrize("rows,message", [
    ([], "has no title_abstract row"),
    ([("d1", "title_abstract", "include")], "has no full_text row"),
    ([("d1", "title_abstract", "exclude", "case_report"), ("d1", "full_text", "include", "", "kim2021")],
     "also has a full_text row"),
    ([("d1", "title_abstract", "include"), ("d1", "full_text", "include", "", "nosuch2020")],
     r"\['nosuch2020'\] are not in the study data"),
    ([("d1", "title_abstract", "include"), ("d1", "full_text", "include", "", "tahara2017")],
     "were included in the previous version"),
    ([("d1", "title_abstract", "previously_included", "", "kim2021")], "not studies of the previous version"),
    ([("x9", "title_abstract", "include")], "not in the records table"),
])
def test_database_record_paths(rows, message):
    with pytest.raises(ValueError, match=message):
        validate_screening(records(("d1", "PubMed")), log(*rows), EMPTY_MERGE, STUDIES, PREVIOUS)


def test_other_method_records_enter_at_full_text():
    recs = records(("o1", "hand search"))
    with pytest.raises(ValueError, match="enter at full_text"):
        validate_screening(recs, log(("o1", "title_abstract", "include"), ("o1", "full_text", "include", "", "kim2021")),
                           EMPTY_MERGE, STUDIES)
    with pytest.raises(ValueError, match="no full_text row"):
        validate_screening(recs, log(), EMPTY_MERGE, STUDIES)


def test_duplicates_are_not_screened_and_study_ids_required():
    recs = records(("d1", "PubMed"))
    merge = pd.DataFrame([("d1", "d0", "d0", "doi", 100, "")], columns=list(MERGE_LOG_COLUMNS))
    with pytest.raises(ValueError, match="removed as a duplicate but has screening rows"):
        validate_screening(recs, log(("d1", "title_abstract", "exclude", "case_report")), merge, STUDIES)
    with pytest.raises(ValueError, match="no valid study ids"):
        validate_screening(recs, log(), merge, set())


def test_reason_list_is_closed_and_labelled():
    assert all(code.islower() and label for code, label in EXCLUSION_REASONS.items())


@pytest.mark.skipif(not (DATA / "studies.csv").exists(), reason="study data not present")
def test_update_data_validates_against_study_data():
    """The committed update: every record accounted for, every inclusion links to studies.csv."""
    recs = read_records(DATA / "search" / "records.csv")
    screening = read_screening_log(DATA / "search" / "screening_log.csv")
    study_ids = set(pd.read_csv(DATA / "studies.csv", dtype=str)["study_id"])
    previous = pd.read_csv(DATA / "search" / "previous_version.csv", dtype=str, keep_default_na=False)
    previous_ids = set(previous.loc[previous["item"] == "included_study", "study_id"])
    status = validate_screening(recs, screening, dedupe(recs).merge_log, study_ids, previous_ids)
    # No database was searched in this update: every record came from hand search or
    # citation tracking (data/search/README.md).
    assert set(recs.source) == {"hand search", "citation tracking"}
    # Every included cohort of the study data is linked from exactly the update or the
    # previous version (study identifiers fixed for the project).
    linked = status.included_study_ids() | previous_ids
    assert linked == study_ids


def test_exclusion_table_lists_reasons():
    recs = records(("o1", "hand search"), ("o2", "citation tracking"), ("o3", "hand search"))
    screening = log(("o1", "full_text", "exclude", "secondary_analysis"), ("o2", "full_text", "exclude", "case_report"),
                    ("o3", "full_text", "include", "", "kim2021"))
    table = exclusion_table(recs, screening)
    assert table.record_id.tolist() == ["o2", "o1"]  # sorted by reason label: "Case report" < "Secondary ..."
    assert table.reason.tolist() == [EXCLUSION_REASONS["case_report"], EXCLUSION_REASONS["secondary_analysis"]]
    assert exclusion_table(recs, screening, "title_abstract").empty
    with pytest.raises(ValueError, match="stage="):
        exclusion_table(recs, screening, "abstract")


@pytest.mark.skipif(not (DATA / "studies.csv").exists(), reason="study data not present")
def test_linked_records_carry_the_identifiers_of_their_studies():
    """A record linked to a study has no DOI or PMID other than the study's, and each linked study
    has a record with its DOI and PMID (a study may have further reports, such as a meeting
    abstract or a registry record, without the paper's identifiers)."""
    recs = read_records(DATA / "search" / "records.csv").set_index("record_id")
    studies = pd.read_csv(DATA / "studies.csv", dtype=str, keep_default_na=False).set_index("study_id")
    screening = read_screening_log(DATA / "search" / "screening_log.csv")
    carried = {}
    for row in screening.itertuples():
        for sid in split_ids(row.study_ids):
            want = (normalise_doi(studies.loc[sid, "doi"]), normalise_pmid(studies.loc[sid, "pmid"]))
            got = (recs.loc[row.record_id, "doi"], recs.loc[row.record_id, "pmid"])
            assert all(g in ("", w) for g, w in zip(got, want)), (sid, row.record_id)
            carried[sid] = carried.get(sid, False) or got == want
    assert carried and all(carried.values()), [s for s, ok in carried.items() if not ok]
