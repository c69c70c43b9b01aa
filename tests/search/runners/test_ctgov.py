"""Tests of the ClinicalTrials.gov runner (living_review.search.runners.ctgov) against replayed API v2."""

from __future__ import annotations

import datetime as dt

import pytest

from living_review.search.http import SearchError
from living_review.search.runners import ctgov

START, END = dt.date(2023, 9, 3), dt.date(2025, 12, 31)


def test_page_token_paging_and_results_without_publication(replay, saved, saver, fast_client):
    replay.on("/ctgov/studies", replay.Reply.file("ctgov-1.json"), replay.Reply.file("ctgov-2.json"))
    rows = ctgov.run(saved["ctgov"], START, END, fast_client(), saver)
    assert [r["origin"].split("; ")[1] for r in rows] == ["NCT90000001", "NCT90000002", "NCT90000003"]
    assert rows[0]["title"] == "An Invented Phase II Study of Lenvatinib in Anaplastic Thyroid Cancer"
    assert rows[1]["title"] == "Sorafenib Plus Radiotherapy in ATC (invented)" and rows[1]["year"] == "2019"
    assert "linked publications PMID 90000001" in rows[0]["origin"]
    assert ctgov.RESULTS_NO_PUBLICATION not in rows[0]["origin"]
    assert rows[1]["origin"].endswith(ctgov.RESULTS_NO_PUBLICATION)
    assert ctgov.RESULTS_NO_PUBLICATION not in rows[2]["origin"] and "no results posted" in rows[2]["origin"]
    first, second = replay.calls("/ctgov/studies")
    assert first["query.term"] == saved["ctgov"].query and first["countTotal"] == "true"
    assert first["filter.advanced"] == "AREA[LastUpdatePostDate]RANGE[2023-09-03,2025-12-31]"
    assert second["pageToken"] == "ZVNj7o2Elu8o3lpoWsSV7MY5nPQl" and first["format"] == "json"


def test_empty(replay, saved, saver, fast_client):
    replay.on("/ctgov/studies", replay.Reply.file("ctgov-0.json"))
    assert ctgov.run(saved["ctgov"], START, END, fast_client(), saver) == []


def test_study_without_nct_id(replay, saved, saver, fast_client):
    replay.on("/ctgov/studies", replay.Reply('{"totalCount": 1, "studies": [{"protocolSection": {}}]}'))
    with pytest.raises(SearchError, match=r"studies-001.json:1: a study without nctId"):
        ctgov.run(saved["ctgov"], START, END, fast_client(), saver)
