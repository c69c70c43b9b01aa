"""Tests of the PubMed runner (living_review.search.runners.pubmed) against replayed E-utilities."""

from __future__ import annotations

import datetime as dt

import pytest

from living_review.search.http import SearchError
from living_review.search.runners import pubmed

START, END = dt.date(2023, 9, 3), dt.date(2025, 12, 31)


def test_esearch_then_efetch_pages(replay, saved, saver, fast_client, monkeypatch):
    monkeypatch.setenv("NCBI_API_KEY", "SECRET-KEY")
    replay.on("/pubmed/esearch.fcgi", replay.Reply.file("esearch-3.xml"))
    replay.on("/pubmed/efetch.fcgi", replay.Reply.file("efetch-1.medline"), replay.Reply.file("efetch-2.medline"))
    rows = pubmed.run(saved["pubmed"], START, END, fast_client(), saver)
    assert [r["pmid"] for r in rows] == ["90000001", "90000002", "90000003"]
    assert rows[0]["doi"] == "10.9999/test.2025.001" and rows[0]["authors"] == "Testa, Anna; Rossi, Bruno"
    assert rows[1]["doi"] == "10.9999/test.2025.002" and rows[0]["source"] == "PubMed"
    search = replay.calls("/pubmed/esearch.fcgi")[0]
    assert search["term"] == saved["pubmed"].query
    assert (search["mindate"], search["maxdate"], search["datetype"]) == ("2023/09/03", "2025/12/31", "edat")
    assert search["usehistory"] == "y" and search["api_key"] == "SECRET-KEY"
    fetches = replay.calls("/pubmed/efetch.fcgi")
    assert [(f["retstart"], f["retmax"]) for f in fetches] == [("0", "2"), ("2", "2")]
    assert {f["WebEnv"] for f in fetches} == {"MCID_test_webenv_0001"} and fetches[0]["rettype"] == "medline"
    # The key is sent but never saved.
    assert all("SECRET" not in e["url"] for e in saver.exchanges)
    assert [e["file"] for e in saver.exchanges] == ["esearch.xml", "efetch-001.medline", "efetch-002.medline"]


def test_rate_limit_interval_depends_on_the_key(monkeypatch):
    monkeypatch.delenv("NCBI_API_KEY", raising=False)
    assert pubmed.min_interval() == pytest.approx(1 / 3)
    monkeypatch.setenv("NCBI_API_KEY", "k")
    assert pubmed.min_interval() == pytest.approx(1 / 10)


def test_empty_result_fetches_nothing(replay, saved, saver, fast_client):
    replay.on("/pubmed/esearch.fcgi", replay.Reply.file("esearch-0.xml"))
    assert pubmed.run(saved["pubmed"], START, END, fast_client(), saver) == []
    assert replay.calls("/pubmed/efetch.fcgi") == []


@pytest.mark.parametrize("name, message", [
    ("esearch-malformed.xml", r"malformed XML from esearch"),
    ("esearch-error.xml", r"esearch returned an error: Invalid query: unbalanced parentheses"),
])
def test_bad_esearch(replay, saved, saver, fast_client, name, message):
    replay.on("/pubmed/esearch.fcgi", replay.Reply.file(name))
    with pytest.raises(SearchError, match=message):
        pubmed.run(saved["pubmed"], START, END, fast_client(), saver)


def test_malformed_medline_names_file_and_line(replay, saved, saver, fast_client):
    replay.on("/pubmed/esearch.fcgi", replay.Reply.file("esearch-3.xml"))
    replay.on("/pubmed/efetch.fcgi", replay.Reply.file("efetch-bad.medline"))
    with pytest.raises(SearchError, match=r"malformed MEDLINE: efetch-001\.medline:4:"):
        pubmed.run(saved["pubmed"], START, END, fast_client(), saver)


def test_short_page_is_an_error(replay, saved, saver, fast_client):
    replay.on("/pubmed/esearch.fcgi", replay.Reply.file("esearch-3.xml"))
    replay.on("/pubmed/efetch.fcgi", replay.Reply.file("efetch-2.medline"))
    with pytest.raises(SearchError, match=r"expected 2 records \(retstart 0 of 3\), got 1"):
        pubmed.run(saved["pubmed"], START, END, fast_client(), saver)
