"""Tests of living_review.search.simulation on synthetic logs whose answer is known by construction,
and of ``living-review screen --simulate`` / ``--order relevance`` on a copy of the project."""

from __future__ import annotations

import io
import math
import shutil
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from living_review.cli import main
from living_review.search.simulation import simulate, simulate_folder

ROOT = Path(__file__).resolve().parents[2]
RELEVANT_TEXT = "lenvatinib anaplastic thyroid cancer"
IRRELEVANT_TEXT = "mouse xenograft breast tumour"


def synthetic(labels):
    ids = [f"r{k:02d}" for k in range(len(labels))]
    return ids, [RELEVANT_TEXT if y else IRRELEVANT_TEXT for y in labels], labels


def test_counts_known_by_construction():
    # N = 10, K = 3 relevant at recorded positions 2, 6 and 10.
    labels = [0, 1, 0, 0, 0, 1, 0, 0, 0, 1]
    result = simulate(*synthetic(labels), shuffles=20, seed=3)
    assert (result.n_records, result.n_relevant, result.seeds) == (10, 3, ("r01", "r00"))
    # Seeds r00 (irrelevant) and r01 (relevant) are read first; the model, trained on them, then
    # reads the two unread relevant records, whose text is the relevant seed's: 4 reads in all.
    model = result.order("relevance")
    assert model.found[:5] == (0, 1, 2, 3, 3) and model.reads_100 == 4
    assert model.reads_95 == 4  # ceil(0.95 * 3) = 3 relevant
    assert model.wss_100 == pytest.approx((10 - 4) / 10) and model.wss_95 == pytest.approx(0.6 - 0.05)
    recorded = result.order("recorded")
    assert recorded.found == (0, 1, 1, 1, 1, 2, 2, 2, 2, 3) and recorded.reads_100 == 10 and recorded.wss_100 == 0
    assert result.random_expected == pytest.approx(3 * 11 / 4)
    curve = result.curve()
    assert curve.read.tolist() == list(range(1, 11)) and curve.iloc[-1, 1:].tolist() == [1.0, 1.0, 1.0]
    assert curve.relevance.tolist()[:4] == pytest.approx([0, 1 / 3, 2 / 3, 1])


def test_random_order_mean_is_near_its_expectation():
    # With N = 5 and K = 1 the relevant record's position is uniform on 1..5: mean 3, SD sqrt(2).
    # 2000 seeded shuffles: the mean must be within 4 standard errors (4 * sqrt(2/2000) = 0.13).
    result = simulate(*synthetic([0, 0, 1, 0, 0]), shuffles=2000, seed=7)
    rnd = result.order("random")
    assert result.random_expected == 3
    assert abs(rnd.reads_100 - 3) < 4 * math.sqrt(2 / 2000)
    assert rnd.found[-1] == 1 and rnd.found[0] == pytest.approx(1 / 5, abs=4 * math.sqrt(0.16 / 2000))


def test_simulation_is_deterministic_and_checks_its_input():
    args = synthetic([1, 0, 0, 1, 0, 1, 0, 0])
    assert simulate(*args, shuffles=5) == simulate(*args, shuffles=5)
    with pytest.raises(ValueError, match="at least one relevant and one irrelevant"):
        simulate(*synthetic([1, 1, 1]))
    with pytest.raises(ValueError, match="shuffles=0 must be a whole number"):
        simulate(*args, shuffles=0)
    with pytest.raises(ValueError, match="record ids must be unique"):
        simulate(["a", "a"], ["x", "y"], [1, 0])


@pytest.fixture
def project(tmp_path, monkeypatch):
    root = tmp_path / "project"
    shutil.copytree(ROOT / "data", root / "data")
    shutil.copy(ROOT / "_toc.yml", root / "_toc.yml")
    monkeypatch.setenv("LIVING_REVIEW_ROOT", str(root))
    return root / "data" / "search"


def test_simulate_command_prints_the_folder_figures(project, capsys, tmp_path):
    expected = simulate_folder(project, shuffles=10, seed=2)
    assert main(["screen", "--simulate", "--shuffles", "10", "--seed", "2", "--curve", str(tmp_path / "c.csv")]) == 0
    out = capsys.readouterr().out
    assert expected.summary() in out
    assert "random order (mean of 10 shuffles, seed 2)" in out
    curve = pd.read_csv(tmp_path / "c.csv")
    assert list(curve.columns) == ["read", "relevance", "recorded", "random"] and len(curve) == expected.n_records


def test_screen_by_relevance_exports_ranks_and_refits_at_the_prompt(project, capsys, tmp_path, monkeypatch):
    records = pd.read_csv(project / "records.csv", dtype=str, keep_default_na=False)
    new = pd.DataFrame([
        {"record_id": "pubmed-T-00001", "title": "Zebrafish model of goitre"},
        {"record_id": "pubmed-T-00002", "title": "Lenvatinib in anaplastic thyroid cancer: a multicentre cohort"},
        {"record_id": "pubmed-T-00003", "title": "Case report: zebrafish goitre"}]).assign(
        source="PubMed", search_date="2026-01-01", origin="test")
    pd.concat([records, new]).fillna("").to_csv(project / "records.csv", index=False)
    sheet = tmp_path / "q.csv"
    assert main(["screen", "--reviewer", "AB", "--order", "relevance", "--export", str(sheet)]) == 0
    from living_review.search.relevance import labels_from_log

    labels = labels_from_log(pd.read_csv(project / "screening_log.csv", dtype=str, keep_default_na=False))
    n1 = sum(labels.values())
    assert (f"in relevance model (naive Bayes on TF-IDF) trained on {n1} relevant and {len(labels) - n1} irrelevant"
            in capsys.readouterr().out)
    table = pd.read_csv(sheet, dtype=str, keep_default_na=False)
    assert table.record_id.iloc[0] == "pubmed-T-00002" and table.relevance_rank.tolist() == ["1", "2", "3"]
    assert list(table.columns[-3:]) == ["relevance_rank", "relevance_score", "relevance_terms"]
    assert "anaplastic" in table.relevance_terms.iloc[0]
    assert main(["screen", "--reviewer", "AB", "--export", str(sheet)]) == 0  # recorded order: no rank columns
    assert pd.read_csv(sheet).record_id.tolist() == ["pubmed-T-00001", "pubmed-T-00002", "pubmed-T-00003"]
    assert "relevance_rank" not in pd.read_csv(sheet).columns
    # At the prompt: the top record first, then (after the model is refitted) the rest.
    monkeypatch.setattr("sys.stdin", io.StringIO("i\ne\ncase_report\nq\n"))
    assert main(["screen", "--reviewer", "AB", "--order", "relevance", "--date", "2026-01-05"]) == 0
    out = capsys.readouterr().out
    assert "order: relevance model" in out and "refitted after each decision" in out
    assert out.index("pubmed-T-00002") < out.index("--- 2/3")
    assert "Relevance: score " in out and "raised by" in out and "zebrafish +" not in out  # unseen in training
    decisions = pd.read_csv(project / "screening_decisions.csv", dtype=str, keep_default_na=False)
    assert decisions.record_id.tolist()[0] == "pubmed-T-00002" and len(decisions) == 2


def test_simulate_folder_leaves_out_duplicates_and_undecided_records(tmp_path):
    from living_review.search.records import make_records

    rows = [("db-1", RELEVANT_TEXT, "include"), ("db-2", IRRELEVANT_TEXT, "exclude"), ("db-4", IRRELEVANT_TEXT, "exclude"),
            ("db-5", RELEVANT_TEXT, ""), ("db-6", RELEVANT_TEXT, "include"), ("db-3", RELEVANT_TEXT, "include")]
    make_records([{"record_id": r, "source": "PubMed", "search_date": "2026-01-01", "title": t} for r, t, _ in rows]
                 ).to_csv(tmp_path / "records.csv", index=False)
    pd.DataFrame([{"record_id": r, "stage": "title_abstract", "decision": d, "reason": "" if d == "include" else
                   "not_atc", "study_ids": "", "date": "2026-01-02", "note": ""} for r, _, d in rows if d]
                 ).to_csv(tmp_path / "screening_log.csv", index=False)
    pd.DataFrame([{"removed_id": "db-6", "kept_id": "db-1", "matched_id": "db-1", "rule": "doi", "score": "",
                   "reason": ""}]).to_csv(tmp_path / "merge_log.csv", index=False)
    result = simulate_folder(tmp_path, shuffles=3)
    # db-5 has no decision and db-6 is a duplicate: N = 4, K = 2, recorded order db-1, db-2, db-4, db-3.
    # The model reads the seeds db-1 and db-2, then db-3 (the relevant text): 3 reads; the recorded order 4.
    assert (result.n_records, result.n_relevant, result.seeds) == (4, 2, ("db-1", "db-2"))
    assert result.order("relevance").found == (1, 1, 2, 2) and result.order("relevance").reads_100 == 3
    assert result.order("recorded").found == (1, 1, 1, 2) and result.order("recorded").reads_100 == 4
