"""Tests of living_review.search.run: raw responses kept, records imported, all or nothing."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import shutil
from pathlib import Path

import pandas as pd
import pytest

from living_review.search.http import SearchError
from living_review.search.run import last_search_end, run_manifests, run_search

DATA = Path(__file__).resolve().parents[2] / "data" / "search"
END = dt.date(2025, 12, 31)


@pytest.fixture
def search_dir(tmp_path):
    folder = tmp_path / "search"
    folder.mkdir()
    shutil.copy(DATA / "records.csv", folder / "records.csv")
    return folder


def snapshot(folder: Path) -> dict[str, bytes]:
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


def test_pubmed_run_end_to_end(replay, saved, search_dir, fast_client):
    replay.on("/pubmed/esearch.fcgi", replay.Reply.file("esearch-3.xml"))
    replay.on("/pubmed/efetch.fcgi", replay.Reply.file("efetch-1.medline"), replay.Reply.file("efetch-2.medline"))
    before = pd.read_csv(search_dir / "records.csv", dtype=str, keep_default_na=False)
    result = run_search(saved["pubmed"], search_dir, end=END, client=fast_client("PubMed"))
    assert (result.start, result.end, result.n_records, result.n_requests) == ("2023-09-03", "2025-12-31", 3, 3)
    folder = search_dir / "runs" / "pubmed" / "2025-12-31"
    assert result.folder == folder
    # Raw bodies byte for byte, with their checksums, URL and time sent in run.json.
    assert (folder / "efetch-002.medline").read_bytes() == (Path(__file__).parent / "replay" / "efetch-2.medline").read_bytes()
    manifest = json.loads((folder / "run.json").read_text())
    assert manifest["query"] == saved["pubmed"].query and manifest["date_field"] == "edat"
    assert [r["file"] for r in manifest["requests"]] == ["esearch.xml", "efetch-001.medline", "efetch-002.medline"]
    for req in manifest["requests"]:
        assert req["sha256"] == hashlib.sha256((folder / req["file"]).read_bytes()).hexdigest()
        assert req["sent_at"] and req["url"].startswith(replay.url)
    after = pd.read_csv(search_dir / "records.csv", dtype=str, keep_default_na=False)
    assert after.iloc[: len(before)].equals(before)
    new = after.iloc[len(before):]
    assert new.record_id.tolist() == [f"pubmed-2025-12-31-0000{k}" for k in (1, 2, 3)]
    assert set(new.source) == {"PubMed"} and set(new.search_date) == {"2025-12-31"}
    assert new.origin.iloc[0] == "runs/pubmed/2025-12-31/efetch-001.medline:2"
    assert manifest["record_ids"] == new.record_id.tolist()
    assert last_search_end(search_dir, "pubmed") == END


def test_next_run_starts_at_the_last_end_and_gets_its_own_folder(replay, saved, search_dir, fast_client):
    replay.on("/ctgov/studies", replay.Reply.file("ctgov-0.json"))
    first = run_search(saved["ctgov"], search_dir, start=dt.date(2025, 1, 1), end=END, client=fast_client())
    second = run_search(saved["ctgov"], search_dir, end=END, client=fast_client())
    assert (first.run_id, second.run_id) == ("2025-12-31", "2025-12-31-2")
    assert second.start == "2025-12-31"
    third = run_search(saved["ctgov"], search_dir, end=dt.date(2026, 2, 1), client=fast_client())
    assert third.start == "2025-12-31" and third.n_records == 0
    assert [m["run_id"] for m in run_manifests(search_dir, "ctgov")] == ["2025-12-31", "2025-12-31-2", "2026-02-01"]


def test_europepmc_and_ctgov_runs_import(replay, saved, search_dir, fast_client):
    replay.on("/europepmc/search", replay.Reply.file("europepmc-1.json"), replay.Reply.file("europepmc-2.json"))
    replay.on("/ctgov/studies", replay.Reply.file("ctgov-1.json"), replay.Reply.file("ctgov-2.json"))
    assert run_search(saved["europepmc"], search_dir, end=END, client=fast_client()).n_records == 3
    assert run_search(saved["ctgov"], search_dir, end=END, client=fast_client()).n_records == 3
    table = pd.read_csv(search_dir / "records.csv", dtype=str, keep_default_na=False)
    assert (table.source == "Europe PMC").sum() == 3 and (table.source == "ClinicalTrials.gov").sum() == 3
    assert table.loc[table.record_id == "ctgov-2025-12-31-00002", "origin"].item().endswith(
        "results posted, no linked publication")


@pytest.mark.parametrize("script", [
    {"/pubmed/esearch.fcgi": ["esearch-malformed.xml"]},
    {"/pubmed/esearch.fcgi": ["esearch-3.xml"], "/pubmed/efetch.fcgi": ["efetch-1.medline", 500]},
    {"/pubmed/esearch.fcgi": ["esearch-3.xml"], "/pubmed/efetch.fcgi": ["efetch-1.medline", "cut"]},
    {"/pubmed/esearch.fcgi": [429]},
])
def test_failures_leave_nothing_behind(replay, saved, search_dir, fast_client, script):
    for path, steps in script.items():
        replies = []
        for step in steps:
            if step == 500:
                replies.append(replay.Reply(b"server error", status=500))
            elif step == 429:
                replies.append(replay.Reply(b"", status=429, headers={"Retry-After": "1"}))
            elif step == "cut":
                replies.append(replay.Reply.file("efetch-2.medline", cut_at=40))
            else:
                replies.append(replay.Reply.file(step))
        replay.on(path, *replies)
    before = snapshot(search_dir)
    with pytest.raises(SearchError):
        run_search(saved["pubmed"], search_dir, end=END, client=fast_client("PubMed", retries=2))
    after = snapshot(search_dir)
    assert after == before
    assert not list((search_dir / "runs" / "pubmed").iterdir())


def test_dates_in_the_wrong_order(saved, search_dir):
    with pytest.raises(ValueError, match="start date 2026-01-05 is after end date 2026-01-01"):
        run_search(saved["ctgov"], search_dir, start=dt.date(2026, 1, 5), end=dt.date(2026, 1, 1))
