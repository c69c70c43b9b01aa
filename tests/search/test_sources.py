"""Tests of living_review.search.sources: the saved searches of the strategy file."""

from __future__ import annotations

from pathlib import Path

import pytest

from living_review.search.sources import load_saved_searches, reviewers_per_record, saved_search_table

STRATEGY = Path(__file__).resolve().parents[2] / "data" / "search" / "search_strategy.yaml"


def test_project_strategy_has_the_three_sources():
    searches = load_saved_searches(STRATEGY)
    assert list(searches) == ["pubmed", "europepmc", "ctgov"]
    assert searches["pubmed"].base_url == "https://eutils.ncbi.nlm.nih.gov/entrez/eutils/"
    assert searches["pubmed"].query.startswith('("Thyroid Carcinoma, Anaplastic"[Mesh]')
    assert reviewers_per_record(STRATEGY) == 2
    table = saved_search_table(searches)
    assert table.Source.tolist() == ["PubMed", "Europe PMC", "ClinicalTrials.gov"]
    assert table.Query.tolist() == [s.query for s in searches.values()]


def test_base_url_from_the_environment(monkeypatch):
    monkeypatch.setenv("LIVING_REVIEW_CTGOV_URL", "http://127.0.0.1:1/ctgov/")
    assert load_saved_searches(STRATEGY)["ctgov"].base_url == "http://127.0.0.1:1/ctgov/"


@pytest.mark.parametrize("text, message", [
    ("x: 1\n", r"no 'saved_searches: sources:' section"),
    ("saved_searches:\n  first_date: soon\n  sources: {}\n", r"first_date 'soon' is not an ISO date"),
    ("saved_searches:\n  first_date: '2023-01-01'\n  sources:\n    scopus: {}\n", r"sources.scopus: unknown source"),
    ("saved_searches:\n  first_date: '2023-01-01'\n  sources:\n    pubmed: {name: P, api: a, base_url: u, "
     "date_field: ppdt, query: q}\n", r"date_field 'ppdt' not allowed; choose one of \['edat', 'pdat', 'mdat'\]"),
    ("saved_searches:\n  first_date: '2023-01-01'\n  sources:\n    ctgov: {name: C, api: a, base_url: u, "
     "date_field: LastUpdatePostDate, query: ''}\n", r"sources.ctgov: 'query' is missing or empty"),
])
def test_bad_strategy(tmp_path, text, message):
    path = tmp_path / "s.yaml"
    path.write_text(text)
    with pytest.raises(ValueError, match=message):
        load_saved_searches(path)
