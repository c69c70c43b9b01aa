"""Prioritised screening: a relevance model trained on the screening decisions recorded so far.

A record's text is its title, abstract and journal (square-bracketed notes of the records
table, such as ``[title not recorded in the extraction notes]``, are left out: they describe
how the row was written, not the report). The text becomes TF-IDF features, and a
multinomial naive Bayes model on those features, ASReview's default model, scores each
record by the log odds that it will be included. The queue is screened from the highest
score down; equal scores are broken by ``record_id``, so the order is the same on every run.

Labels (:func:`labels_from_log`): a record's decision at ``title_abstract`` when it has one,
otherwise its ``full_text`` decision (records of other methods have only that stage).
``include`` and ``previously_included`` count as relevant (1); ``exclude`` and
``not_retrieved`` as irrelevant (0). The model needs at least one of each; with fewer,
:func:`rank_records` keeps the recorded order and says so.

Notes
-----
TF-IDF, for ``N`` documents, a term ``t`` found in ``df_t`` of them and counted ``tf_dt``
times in document ``d`` (the smoothed idf, as in scikit-learn's default)::

    idf_t = ln((1 + N) / (1 + df_t)) + 1,   w_dt = tf_dt * idf_t,   x_dt = w_dt / ||w_d||_2

Multinomial naive Bayes with additive smoothing ``alpha`` over the ``V`` terms, for class
``c`` (1 relevant, 0 irrelevant) with ``n_c`` training records::

    theta_ct = (alpha + sum_{d in c} x_dt) / (alpha * V + sum_t sum_{d in c} x_dt)
    score_d  = ln(n_1 / n_0) + sum_t x_dt * (ln theta_1t - ln theta_0t)

The terms with the largest ``x_dt * (ln theta_1t - ln theta_0t)`` are why ``d`` ranks where it does.

References
----------
van de Schoot R, et al. An open source machine learning framework for efficient and
transparent systematic reviews. Nat Mach Intell 2021;3:125-133 (ASReview; naive Bayes on
TF-IDF as default model).
Manning CD, Raghavan P, Schuetze H. Introduction to Information Retrieval. 2008, ch. 6
(tf-idf) and 13.2 (multinomial naive Bayes).
"""

from __future__ import annotations

import math
import re
from collections import Counter
from dataclasses import dataclass
from typing import Iterable, Literal, Mapping, Sequence, get_args

import numpy as np
import pandas as pd
from scipy import sparse

from living_review.core.choices import check_choice
from living_review.search.normalise import fold_text

Order = Literal["recorded", "relevance"]
ORDERS: tuple[str, ...] = get_args(Order)
RELEVANT = ("include", "previously_included")
IRRELEVANT = ("exclude", "not_retrieved")
TEXT_FIELDS = ("title", "abstract", "journal", "keywords")
RANK_COLUMNS = ("relevance_rank", "relevance_score", "relevance_terms")
ALPHA = 1.0  # Laplace smoothing, the textbook default; not tuned on this review's decisions.

# Function words that carry no topic. Short on purpose: domain words ("study", "patients")
# stay, since the model may learn that they do not separate the classes.
STOP_WORDS = frozenset(
    "a an and are as at be been by for from has have in into is it its of on or than that the "
    "their these this those to was were which with".split())
_NOTE = re.compile(r"\[[^\]]*\]")


def tokens(text: str) -> list[str]:
    """Lower-case words of a text (folded as the de-duplication folds it, :func:`fold_text`):
    2+ characters, not only digits, no stop words.

    Example
    -------
    >>> tokens("Lenvatinib in anaplastic thyroid cancer (Phase II, 2021)")
    ['lenvatinib', 'anaplastic', 'thyroid', 'cancer', 'phase', 'ii']
    """
    return [w for w in fold_text(str(text or "")).split() if len(w) > 1 and not w.isdigit() and w not in STOP_WORDS]


def record_text(record: Mapping) -> str:
    """Title, abstract, journal (and keywords, if a table has them) without bracketed notes."""
    return " ".join(_NOTE.sub(" ", str(record.get(field) or "")) for field in TEXT_FIELDS)


@dataclass(frozen=True, eq=False)
class Tfidf:
    """TF-IDF weights of a fitted vocabulary (formula in the module Notes).

    Attributes
    ----------
    vocabulary : the terms, sorted.
    idf : ``idf_t`` of each term, aligned with ``vocabulary``.
    """

    vocabulary: tuple[str, ...]
    idf: np.ndarray

    def transform(self, texts: Iterable[str]) -> sparse.csr_matrix:
        """Rows of L2-normalised TF-IDF weights, one per text; terms outside the vocabulary are dropped."""
        index = {t: j for j, t in enumerate(self.vocabulary)}
        rows, cols, vals = [], [], []
        n = 0
        for i, text in enumerate(texts):
            n += 1
            counts = Counter(t for t in tokens(text) if t in index)
            js = sorted(index[t] for t in counts)
            w = np.array([counts[self.vocabulary[j]] * self.idf[j] for j in js], dtype=float)
            norm = math.sqrt(float(w @ w)) if len(w) else 1.0
            rows += [i] * len(js)
            cols += js
            vals += list(w / norm)
        return sparse.csr_matrix((vals, (rows, cols)), shape=(n, len(self.vocabulary)))


def fit_tfidf(texts: Sequence[str]) -> Tfidf:
    """Vocabulary and idf of a corpus (independent of the order of ``texts``)."""
    df: Counter = Counter()
    for text in texts:
        df.update(set(tokens(text)))
    vocabulary = tuple(sorted(df))
    n = len(texts)
    idf = np.array([math.log((1 + n) / (1 + df[t])) + 1 for t in vocabulary], dtype=float)
    return Tfidf(vocabulary=vocabulary, idf=idf)


@dataclass(frozen=True, eq=False)
class NaiveBayes:
    """A fitted multinomial naive Bayes relevance model (formula in the module Notes).

    Attributes
    ----------
    tfidf : the features it reads.
    log_ratio : ``ln theta_1t - ln theta_0t`` per term of ``tfidf.vocabulary``.
    log_prior : ``ln(n_1 / n_0)``.
    n_relevant, n_irrelevant : training records of each class.
    alpha : additive smoothing.
    seen : per term, whether it occurs in a training record.
    """

    tfidf: Tfidf
    log_ratio: np.ndarray
    log_prior: float
    n_relevant: int
    n_irrelevant: int
    alpha: float
    seen: np.ndarray

    def scores(self, features: sparse.csr_matrix) -> np.ndarray:
        """Log odds of relevance of each row of ``features``."""
        return self.log_prior + np.asarray(features @ self.log_ratio).ravel()

    def terms(self, row: sparse.csr_matrix, k: int = 3) -> str:
        """The ``k`` terms that raise this record's score most, e.g. ``"lenvatinib +0.41, atc +0.22"``.

        Only terms met in training are named: a term no decided record contains shifts the
        score towards the smaller class by the smoothing alone, which explains nothing.
        """
        row = sparse.csr_matrix(row)
        keep = self.seen[row.indices]
        push = row.data[keep] * self.log_ratio[row.indices[keep]]
        best = sorted(zip(-push, row.indices[keep]))[:k]
        return ", ".join(f"{self.tfidf.vocabulary[j]} {-p:+.2f}" for p, j in best if -p > 0)


def fit_naive_bayes(features: sparse.csr_matrix, labels: Sequence[int], tfidf: Tfidf,
                    alpha: float = ALPHA) -> NaiveBayes:
    """Fit the model on rows of ``features`` labelled 1 (relevant) or 0; both classes required."""
    y = np.asarray(labels, dtype=int)
    if set(np.unique(y)) - {0, 1}:
        raise ValueError(f"labels must be 0 or 1; got {sorted(set(y.tolist()))}")
    n1, n0 = int((y == 1).sum()), int((y == 0).sum())
    if n1 < 1 or n0 < 1:
        raise ValueError(f"the model needs at least one relevant and one irrelevant record; got {n1} and {n0}")
    if not alpha > 0:
        raise ValueError(f"alpha={alpha!r} must be positive")
    features = sparse.csr_matrix(features)
    sums = [np.asarray(features[y == c].sum(axis=0)).ravel() for c in (0, 1)]
    v = features.shape[1]
    log_theta = [np.log((alpha + s) / (alpha * v + s.sum())) for s in sums]
    return NaiveBayes(tfidf=tfidf, log_ratio=log_theta[1] - log_theta[0], log_prior=math.log(n1 / n0),
                      n_relevant=n1, n_irrelevant=n0, alpha=alpha, seen=(sums[0] + sums[1]) > 0)


def labels_from_log(log: pd.DataFrame) -> dict[str, int]:
    """``record_id -> 1/0`` from a screening log (rule in the module docstring)."""
    out: dict[str, int] = {}
    for stage in ("full_text", "title_abstract"):  # title/abstract, where present, wins
        for rid, st, decision in zip(log["record_id"], log["stage"], log["decision"]):
            if st == stage and decision in RELEVANT + IRRELEVANT:
                out[rid] = int(decision in RELEVANT)
    return out


def decision_labels(log: pd.DataFrame, decisions: pd.DataFrame | None = None,
                    reviewer: str | None = None) -> dict[str, int]:
    """Labels of the resolved log, plus ``reviewer``'s own title/abstract decisions not yet resolved.

    A reviewer's model learns from the decisions that reviewer has made (their last row per
    record counts), never from another reviewer's unresolved ones, so screening stays independent.
    """
    labels = labels_from_log(log)
    if decisions is not None and reviewer and len(decisions):
        mine = decisions[(decisions["reviewer"] == reviewer) & (decisions["role"] == "screen")
                         & (decisions["stage"] == "title_abstract")]
        own = {rid: int(d in RELEVANT) for rid, d in zip(mine["record_id"], mine["decision"])
               if d in RELEVANT + IRRELEVANT}
        labels = {**own, **labels}
    return labels


@dataclass(frozen=True)
class Ranking:
    """The order in which to screen a queue.

    Attributes
    ----------
    table : ``record_id`` plus :data:`RANK_COLUMNS` (rank from 1; score, the log odds of
        relevance, NaN and terms empty when no model was fitted), in screening order.
    order : the order asked for, one of :data:`ORDERS`.
    trained : whether a model ordered the queue.
    message : what ordered it, e.g. ``"relevance model (naive Bayes) trained on 3 relevant, 5 irrelevant"``.
    """

    table: pd.DataFrame
    order: str
    trained: bool
    message: str


def _recorded(ids: Sequence[str], order: str, message: str) -> Ranking:
    table = pd.DataFrame({"record_id": list(ids), "relevance_rank": range(1, len(ids) + 1),
                          "relevance_score": np.nan, "relevance_terms": ""})
    return Ranking(table=table, order=order, trained=False, message=message)


def rank_records(candidates: pd.DataFrame, known: pd.DataFrame, labels: Mapping[str, int], *,
                 order: str = "recorded", alpha: float = ALPHA) -> Ranking:
    """Order ``candidates`` (records to screen) for screening.

    Parameters
    ----------
    candidates : records to order (``record_id`` and the :data:`TEXT_FIELDS` present).
    known : every record of the review; those with a label train the model, and all of
        them, with the candidates, make the TF-IDF vocabulary.
    labels : ``record_id -> 1/0`` (:func:`labels_from_log`).
    order : ``"recorded"`` keeps the candidates' order; ``"relevance"`` sorts by score,
        highest first, ties by ``record_id``.
    """
    check_choice("order", order, ORDERS)
    ids = list(candidates["record_id"])
    if order == "recorded":
        return _recorded(ids, order, "recorded order")
    texts = {r["record_id"]: record_text(r) for r in known.to_dict("records")}
    texts.update({r["record_id"]: record_text(r) for r in candidates.to_dict("records")})
    train = sorted(rid for rid in texts if rid in labels)
    y = [labels[rid] for rid in train]
    n1, n0 = sum(y), len(y) - sum(y)
    if n1 < 1 or n0 < 1:
        return _recorded(ids, order, f"recorded order: the relevance model needs at least one relevant and one "
                                     f"irrelevant decision, and {n1} relevant and {n0} irrelevant are recorded")
    corpus = sorted(texts)
    tfidf = fit_tfidf([texts[rid] for rid in corpus])
    model = fit_naive_bayes(tfidf.transform([texts[rid] for rid in train]), y, tfidf, alpha)
    features = tfidf.transform([texts[rid] for rid in ids])
    score = model.scores(features)
    ranked = sorted(range(len(ids)), key=lambda i: (-score[i], ids[i]))
    table = pd.DataFrame({"record_id": [ids[i] for i in ranked], "relevance_rank": range(1, len(ids) + 1),
                          "relevance_score": [round(float(score[i]), 4) for i in ranked],
                          "relevance_terms": [model.terms(features[i]) for i in ranked]})
    return Ranking(table=table, order=order, trained=True,
                   message=f"relevance model (naive Bayes on TF-IDF) trained on {n1} relevant and {n0} irrelevant decisions")


def apply_ranking(queue: pd.DataFrame, ranking: Ranking) -> pd.DataFrame:
    """The queue's rows in the ranking's order, with the :data:`RANK_COLUMNS` added."""
    base = queue.drop(columns=[c for c in RANK_COLUMNS if c in queue.columns])
    table = ranking.table.astype({"record_id": object})  # an empty queue has no ids to type the column
    return table.merge(base.astype({"record_id": object}), on="record_id", how="left")[[*base.columns, *RANK_COLUMNS]]
