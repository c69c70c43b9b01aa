"""Tests of living_review.search.queue: who is queued, why matched, the CSV round trip."""

from __future__ import annotations

import pandas as pd
import pytest

from living_review.search.decisions import empty_decisions
from living_review.search.queue import export_queue, import_decisions, query_terms, screening_queue
from living_review.search.records import make_records

RECORDS = make_records([
    {"record_id": "hand-1", "source": "hand search", "search_date": "2026-01-01", "title": "Hand found"},
    {"record_id": "pubmed-R-00001", "source": "PubMed", "search_date": "2026-01-01",
     "title": "Lenvatinib in anaplastic thyroid cancer", "origin": "runs/pubmed/R/efetch-001.medline:2"},
    {"record_id": "pubmed-R-00002", "source": "PubMed", "search_date": "2026-01-01", "title": "Something else",
     "origin": "runs/pubmed/R/efetch-001.medline:9"},
    {"record_id": "ctgov-R-00001", "source": "ClinicalTrials.gov", "search_date": "2026-01-01",
     "title": "Sorafenib trial", "origin": "runs/ctgov/R/studies-001.json:1; NCT90000002; status TERMINATED; "
                                           "results posted; no linked publication; results posted, no linked publication"},
    {"record_id": "dup", "source": "Europe PMC", "search_date": "2026-01-01", "title": "Lenvatinib in ATC"},
])
RUNS = {"pubmed/R": {"key": "pubmed", "source": "PubMed", "run_id": "R", "date_field": "edat", "start": "2025-01-01",
                     "end": "2026-01-01", "query": '"anaplastic thyroid cancer"[tiab] AND (lenvatinib[tiab] OR sorafenib[tiab])'},
        "ctgov/R": {"key": "ctgov", "source": "ClinicalTrials.gov", "run_id": "R", "date_field": "LastUpdatePostDate",
                    "start": "2025-01-01", "end": "2026-01-01", "query": "anaplastic thyroid AND sorafenib"}}
MERGE = pd.DataFrame({"removed_id": ["dup"]})
LOG = pd.DataFrame([{"record_id": "pubmed-R-00002", "stage": "title_abstract", "decision": "include"}])


def test_queue_at_each_stage():
    queue = screening_queue(RECORDS, MERGE, LOG, empty_decisions(), RUNS)
    assert queue.record_id.tolist() == ["pubmed-R-00001", "ctgov-R-00001"]  # not hand search, duplicate, decided
    assert queue.why_matched.iloc[0] == ("PubMed run R (edat 2025-01-01 to 2026-01-01); query terms in "
                                         "title/abstract: anaplastic thyroid cancer, lenvatinib")
    assert queue.why_matched.iloc[1].endswith("results posted, no linked publication")
    assert screening_queue(RECORDS, MERGE, LOG, empty_decisions(), RUNS, stage="full_text").record_id.tolist() == [
        "pubmed-R-00002"]


def test_a_reviewer_does_not_see_own_decisions():
    mine = pd.DataFrame([{"record_id": "pubmed-R-00001", "stage": "title_abstract", "reviewer": "AB"}])
    assert screening_queue(RECORDS, MERGE, LOG, mine, RUNS, reviewer="ab").record_id.tolist() == ["ctgov-R-00001"]
    assert len(screening_queue(RECORDS, MERGE, LOG, mine, RUNS, reviewer="CD")) == 2


def test_query_terms():
    assert query_terms('("Thyroid Carcinoma, Anaplastic"[Mesh] OR sorafenib[tiab]) AND FIRST_PDATE:[2020 TO 2021]') == [
        "thyroid carcinoma, anaplastic", "sorafenib"]


def test_csv_round_trip(tmp_path):
    path = export_queue(screening_queue(RECORDS, MERGE, LOG, empty_decisions(), RUNS), tmp_path / "q.csv")
    sheet = pd.read_csv(path, dtype=str, keep_default_na=False)
    assert list(sheet.columns[:3]) == ["record_id", "stage", "title"] and set(sheet.decision) == {""}
    sheet.loc[0, ["decision", "reason"]] = "exclude", "case_report"
    sheet.to_csv(path, index=False)
    got = import_decisions(path, reviewer="ab", date="2026-02-01")
    assert got[["record_id", "decision", "reason", "reviewer", "role", "date"]].values.tolist() == [
        ["pubmed-R-00001", "exclude", "case_report", "AB", "screen", "2026-02-01"]]
    sheet.loc[1, ["decision", "reason"]] = "exclude", "dull"
    sheet.to_csv(path, index=False)
    with pytest.raises(ValueError, match=r"q.csv, line 3 \(ctgov-R-00001\): exclusion reason 'dull'"):
        import_decisions(path, reviewer="AB")
