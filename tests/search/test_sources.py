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
    ("x: 1\n", r"^s.yaml:1: no 'saved_searches: sources:' section"),
    ("saved_searches:\n  first_date: soon\n  sources: {}\n", r"^s.yaml:2: saved_searches.first_date 'soon' is not a real date"),
    ("saved_searches:\n  first_date: '2023-01-01'\n  sources:\n    scopus: {}\n",
     r"^s.yaml:4: saved_searches.sources.scopus: unknown source"),
    ("saved_searches:\n\tsources: {}\n", r"^s.yaml:2:1: a tab is used for indentation"),
    ("saved_searches: [\n", r"^s.yaml:1:17: YAML syntax error"),
    ("42\n", r"^s.yaml:1: the file holds 42, not a mapping"),
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
