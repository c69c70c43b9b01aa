"""Tests of living_review.search.relevance: TF-IDF by hand, naive Bayes by hand, ranking, fallback."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest

from living_review.search.decisions import empty_decisions
from living_review.search.relevance import (apply_ranking, decision_labels, fit_naive_bayes, fit_tfidf,
                                            labels_from_log, rank_records, record_text, tokens)


def test_tokens_and_record_text():
    assert tokens("Lenvatinib in anaplastic thyroid cancer (Phase II, 2021)") == [
        "lenvatinib", "anaplastic", "thyroid", "cancer", "phase", "ii"]
    assert tokens("Sorafénib/pembrolizumab") == ["sorafenib", "pembrolizumab"]
    # Bracketed notes of the records table describe the row, not the report.
    text = record_text({"title": "[title not recorded in the addendum] lenvatinib in ATC", "journal": "Thyroid"})
    assert tokens(text) == ["lenvatinib", "atc", "thyroid"]


def test_tfidf_of_three_documents_by_hand(tol):
    # N = 3 documents; df: cancer 2, lenvatinib 1, mouse 1, thyroid 2.
    #   idf_t = ln((1 + N) / (1 + df_t)) + 1:  df 1 -> 1 + ln 2 = 1.6931471806,  df 2 -> 1 + ln(4/3) = 1.2876820725
    # doc 1 "lenvatinib thyroid": w = (lenvatinib 1.6931471806, thyroid 1.2876820725),
    #   ||w|| = sqrt(1.6931471806^2 + 1.2876820725^2) = 2.1271747683 -> x = (0.7959605416, 0.6053485081)
    # doc 2 "thyroid thyroid cancer": w = (cancer 1.2876820725, thyroid 2 * 1.2876820725),
    #   ||w|| = 1.2876820725 * sqrt(5) -> x = (1/sqrt 5, 2/sqrt 5) = (0.4472135955, 0.8944271910)
    # doc 3 "cancer mouse": as doc 1 with cancer for thyroid -> x = (cancer 0.6053485081, mouse 0.7959605416)
    docs = ["lenvatinib thyroid", "thyroid thyroid cancer", "cancer mouse"]
    model = fit_tfidf(docs)
    assert model.vocabulary == ("cancer", "lenvatinib", "mouse", "thyroid")
    np.testing.assert_allclose(model.idf, [1.2876820725, 1.6931471806, 1.6931471806, 1.2876820725],
                               atol=tol["hand_10dp"], rtol=0)
    expected = [[0, 0.7959605416, 0, 0.6053485081],
                [0.4472135955, 0, 0, 0.8944271910],
                [0.6053485081, 0, 0.7959605416, 0]]
    np.testing.assert_allclose(model.transform(docs).toarray(), expected, atol=tol["hand_10dp"], rtol=0)
    # Same model whatever the order of the corpus; unknown words are dropped.
    assert fit_tfidf(docs[::-1]).vocabulary == model.vocabulary
    np.testing.assert_array_equal(fit_tfidf(docs[::-1]).idf, model.idf)
    assert model.transform(["unknown words only"]).nnz == 0


def test_naive_bayes_by_hand(tol):
    # Two documents, one term each, equal idf, so x = 1 on its own term; V = 2, alpha = 1.
    #   relevant ("alpha"):    theta_1 = ((1 + 1) / (2 + 1), (1 + 0) / (2 + 1)) = (2/3, 1/3)
    #   irrelevant ("beta"):   theta_0 = (1/3, 2/3)
    #   log_ratio = (ln 2, -ln 2); log_prior = ln(1/1) = 0
    # "alpha" scores ln 2 = 0.6931471806; "alpha beta" (x = 1/sqrt 2 each) scores 0.
    tfidf = fit_tfidf(["alpha", "beta"])
    model = fit_naive_bayes(tfidf.transform(["alpha", "beta"]), [1, 0], tfidf, alpha=1.0)
    np.testing.assert_allclose(model.log_ratio, [0.6931471806, -0.6931471806], atol=tol["hand_10dp"], rtol=0)
    assert model.log_prior == 0
    np.testing.assert_allclose(model.scores(tfidf.transform(["alpha", "alpha beta", "beta"])),
                               [0.6931471806, 0, -0.6931471806], atol=tol["hand_10dp"], rtol=0)
    assert model.terms(tfidf.transform(["alpha beta"])[0]) == "alpha +0.49"  # ln 2 / sqrt 2 = 0.490
    with pytest.raises(ValueError, match="at least one relevant and one irrelevant"):
        fit_naive_bayes(tfidf.transform(["alpha", "beta"]), [1, 1], tfidf)


KNOWN = pd.DataFrame([
    {"record_id": "k1", "title": "Lenvatinib in anaplastic thyroid cancer: a phase II trial", "journal": "Thyroid"},
    {"record_id": "k2", "title": "Sorafenib for anaplastic thyroid carcinoma", "journal": "Thyroid"},
    {"record_id": "k3", "title": "A mouse model of breast cancer", "journal": "Cancer Res"},
    {"record_id": "k4", "title": "Case report: goitre surgery in pregnancy", "journal": "BMJ Case Rep"},
])
LABELS = {"k1": 1, "k2": 1, "k3": 0, "k4": 0}
QUEUE = pd.DataFrame([
    {"record_id": "q1", "title": "Breast cancer in mice treated with a new compound", "journal": "Cancer Res"},
    {"record_id": "q2", "title": "Goitre in pregnancy: a case report", "journal": "BMJ Case Rep"},
    {"record_id": "q3", "title": "Lenvatinib for anaplastic thyroid cancer, a cohort", "journal": "Thyroid"},
])


def test_model_ranks_the_obviously_relevant_record_first():
    ranking = rank_records(QUEUE, KNOWN, LABELS, order="relevance")
    assert ranking.trained and "2 relevant and 2 irrelevant" in ranking.message
    table = ranking.table
    assert table.record_id.iloc[0] == "q3" and table.relevance_rank.tolist() == [1, 2, 3]
    assert table.relevance_score.iloc[0] > 0 > table.relevance_score.iloc[-1]
    terms = table.relevance_terms.iloc[0]
    assert {"anaplastic", "thyroid", "lenvatinib"} & {t.split()[0] for t in terms.split(", ")}
    ordered = apply_ranking(QUEUE, ranking)
    assert ordered.record_id.tolist() == table.record_id.tolist()
    assert list(ordered.columns) == [*QUEUE.columns, "relevance_rank", "relevance_score", "relevance_terms"]


def test_ranking_is_deterministic_and_ties_go_by_record_id():
    first = rank_records(QUEUE, KNOWN, LABELS, order="relevance").table
    again = rank_records(QUEUE.iloc[::-1], KNOWN.iloc[::-1], dict(reversed(LABELS.items())), order="relevance").table
    pd.testing.assert_frame_equal(first, again)
    twins = pd.DataFrame([{"record_id": "z", "title": "anaplastic thyroid"},
                          {"record_id": "a", "title": "anaplastic thyroid"}])
    assert rank_records(twins, KNOWN, LABELS, order="relevance").table.record_id.tolist() == ["a", "z"]


def test_fallback_to_the_recorded_order_with_too_few_decisions():
    ranking = rank_records(QUEUE, KNOWN, {"k1": 1, "k2": 1}, order="relevance")
    assert not ranking.trained and ranking.table.record_id.tolist() == ["q1", "q2", "q3"]
    assert ranking.message.startswith("recorded order: the relevance model needs at least one relevant")
    assert "2 relevant and 0 irrelevant" in ranking.message
    assert ranking.table.relevance_score.isna().all()
    assert rank_records(QUEUE, KNOWN, LABELS).message == "recorded order"
    with pytest.raises(ValueError, match=r"order='best' is not allowed; choose one of recorded, relevance"):
        rank_records(QUEUE, KNOWN, LABELS, order="best")


def test_labels_from_the_log_and_a_reviewers_own_decisions():
    log = pd.DataFrame([
        {"record_id": "a", "stage": "title_abstract", "decision": "include"},
        {"record_id": "a", "stage": "full_text", "decision": "exclude"},  # title/abstract wins
        {"record_id": "b", "stage": "full_text", "decision": "previously_included"},
        {"record_id": "c", "stage": "full_text", "decision": "not_retrieved"},
        {"record_id": "d", "stage": "title_abstract", "decision": "exclude"}])
    assert labels_from_log(log) == {"a": 1, "b": 1, "c": 0, "d": 0}
    mine = pd.concat([empty_decisions(), pd.DataFrame([
        {"record_id": "e", "stage": "title_abstract", "decision": "exclude", "reviewer": "AB", "role": "screen"},
        {"record_id": "e", "stage": "title_abstract", "decision": "include", "reviewer": "AB", "role": "screen"},
        {"record_id": "f", "stage": "title_abstract", "decision": "include", "reviewer": "CD", "role": "screen"},
        {"record_id": "d", "stage": "title_abstract", "decision": "include", "reviewer": "AB", "role": "screen"}])])
    # AB's last decision on e counts; CD's unresolved decision does not; the resolved log wins on d.
    assert decision_labels(log, mine, "AB") == {"a": 1, "b": 1, "c": 0, "d": 0, "e": 1}
    assert decision_labels(log, mine, None) == labels_from_log(log)
