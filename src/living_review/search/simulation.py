"""Simulated screening: how many records a reviewer reads to find every inclusion, by order.

As ASReview's simulation mode does, the recorded decisions are replayed. The records with a
label (:func:`~living_review.search.relevance.labels_from_log`) are screened in three orders:

``relevance``
    the seed set first: the first relevant and the first irrelevant record of the recorded
    order, read in that order. Then, after every decision, the model
    (:mod:`living_review.search.relevance`) is refitted on every record read so far and the
    unread record with the highest score is read next (ties by ``record_id``). The TF-IDF
    vocabulary is fitted once on all the records' texts, as a reviewer's tool sees the
    whole set it is given.
``recorded``
    the order of the records table.
``random``
    ``shuffles`` random permutations from ``numpy.random.default_rng(seed)``, averaged.

Notes
-----
For ``N`` records of which ``K`` are relevant, let ``n_r`` be the records read when
``ceil(r K)`` relevant ones have been found. Work saved over sampling (Cohen et al. 2006)::

    WSS@r = (N - n_r) / N - (1 - r)

so WSS@100% is the share of records never read. Under random order, the last relevant
record's position has expectation ``K (N + 1) / (K + 1)`` (the maximum of ``K`` positions
drawn without replacement from ``1..N``), printed beside the shuffles' mean as a check.

References
----------
Cohen AM, Hersh WR, Peterson K, Yen P-Y. Reducing workload in systematic review preparation
using automated citation classification. J Am Med Inform Assoc 2006;13:206-219.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from pathlib import Path
from typing import Sequence

import numpy as np
import pandas as pd

from living_review.search.relevance import (ALPHA, IRRELEVANT, RELEVANT, fit_naive_bayes, fit_tfidf,
                                            labels_from_log, record_text)


@dataclass(frozen=True)
class OrderResult:
    """One screening order replayed.

    Attributes
    ----------
    name : ``relevance``, ``recorded`` or ``random``.
    found : relevant records found after 1, 2, ..., N reads (for ``random``, the mean over shuffles).
    reads_95, reads_100 : records read to find 95% (``ceil(0.95 K)``) and all of the relevant ones
        (for ``random``, means over shuffles).
    """

    name: str
    found: tuple[float, ...]
    reads_95: float
    reads_100: float

    @property
    def wss_95(self) -> float:
        return (len(self.found) - self.reads_95) / len(self.found) - 0.05

    @property
    def wss_100(self) -> float:
        return (len(self.found) - self.reads_100) / len(self.found)


@dataclass(frozen=True)
class Simulation:
    """The three orders replayed on one set of labelled records (see the module docstring).

    Attributes
    ----------
    n_records, n_relevant : ``N`` and ``K``.
    seeds : record ids of the seed set (relevant, irrelevant).
    orders : the :class:`OrderResult` of ``relevance``, ``recorded`` and ``random``.
    shuffles, seed : the random orders' number and generator seed.
    random_expected : ``K (N + 1) / (K + 1)``.
    alpha : the model's smoothing.
    """

    n_records: int
    n_relevant: int
    seeds: tuple[str, str]
    orders: tuple[OrderResult, ...]
    shuffles: int
    seed: int
    random_expected: float
    alpha: float

    def order(self, name: str) -> OrderResult:
        return next(o for o in self.orders if o.name == name)

    def summary(self) -> str:
        head = (f"{self.n_records} records, {self.n_relevant} relevant ({' or '.join(RELEVANT)}); "
                f"seed set: {self.seeds[0]} (first relevant) and {self.seeds[1]} (first irrelevant) "
                f"of the recorded order")
        lines = [head, f"{'order':<46}{'reads to 95%':>14}{'reads to 100%':>15}{'WSS@95%':>10}{'WSS@100%':>10}"]
        names = {"relevance": f"relevance model (naive Bayes, alpha {self.alpha:g})", "recorded": "recorded order",
                 "random": f"random order (mean of {self.shuffles} shuffles, seed {self.seed})"}
        for o in self.orders:
            lines.append(f"{names[o.name]:<46}{o.reads_95:>14.1f}{o.reads_100:>15.1f}"
                         f"{o.wss_95:>10.1%}{o.wss_100:>10.1%}")
        lines.append(f"random order, expected reads to 100%: K(N+1)/(K+1) = {self.random_expected:.1f}")
        return "\n".join(lines)

    def curve(self) -> pd.DataFrame:
        """The recall curve: ``read`` (1..N) and the share of relevant records found under each order."""
        table = {"read": range(1, self.n_records + 1)}
        for o in self.orders:
            table[o.name] = [round(f / self.n_relevant, 6) for f in o.found]
        return pd.DataFrame(table)


def _reads(found: np.ndarray, k: int, recall: float) -> int:
    return int(np.argmax(found >= math.ceil(recall * k - 1e-9))) + 1


def _result(name: str, found: list[np.ndarray], k: int) -> OrderResult:
    return OrderResult(name=name, found=tuple(float(v) for v in np.mean(found, axis=0)),
                       reads_95=float(np.mean([_reads(f, k, 0.95) for f in found])),
                       reads_100=float(np.mean([_reads(f, k, 1.0) for f in found])))


def _relevance_order(ids: list[str], texts: list[str], y: np.ndarray, seeds: tuple[int, int],
                     alpha: float) -> list[int]:
    tfidf = fit_tfidf(texts)
    features = tfidf.transform(texts)
    read = sorted(seeds)
    unread = sorted(set(range(len(ids))) - set(read))
    while unread:
        train = sorted(read, key=lambda i: ids[i])  # the same fit as rank_records: rows by record_id
        model = fit_naive_bayes(features[train], y[train], tfidf, alpha)
        score = model.scores(features[unread])
        best = min(range(len(unread)), key=lambda j: (-score[j], ids[unread[j]]))
        read.append(unread.pop(best))
    return read


def simulate(ids: Sequence[str], texts: Sequence[str], labels: Sequence[int], *, shuffles: int = 100,
             seed: int = 1, alpha: float = ALPHA) -> Simulation:
    """Replay the screening of labelled records (in recorded order) under the three orders.

    ``labels`` are 1 (relevant) or 0; at least one of each. Raises ``ValueError`` otherwise,
    or when ``shuffles`` is not a positive whole number.
    """
    ids, texts, y = list(ids), list(texts), np.asarray(labels, dtype=int)
    if not (len(ids) == len(texts) == len(y)):
        raise ValueError(f"ids, texts and labels differ in length ({len(ids)}, {len(texts)}, {len(y)})")
    if len(set(ids)) != len(ids):
        raise ValueError("record ids must be unique")
    if set(y.tolist()) != {0, 1}:
        raise ValueError(f"the simulation needs at least one relevant and one irrelevant record; "
                         f"got {int((y == 1).sum())} relevant of {len(y)}")
    if not isinstance(shuffles, int) or shuffles < 1:
        raise ValueError(f"shuffles={shuffles!r} must be a whole number, 1 or more")
    n, k = len(ids), int(y.sum())
    seeds = (int(np.argmax(y == 1)), int(np.argmax(y == 0)))
    model = _relevance_order(ids, texts, y, seeds, alpha)
    rng = np.random.default_rng(seed)
    shuffled = [np.cumsum(y[rng.permutation(n)]) for _ in range(shuffles)]
    orders = (_result("relevance", [np.cumsum(y[model])], k), _result("recorded", [np.cumsum(y)], k),
              _result("random", shuffled, k))
    return Simulation(n_records=n, n_relevant=k, seeds=(ids[seeds[0]], ids[seeds[1]]), orders=orders, shuffles=shuffles, seed=seed, random_expected=k * (n + 1) / (k + 1),
                      alpha=alpha)


def simulate_folder(folder: str | Path, **options) -> Simulation:
    """:func:`simulate` on a search folder's ``records.csv`` and ``screening_log.csv``.

    Records removed as duplicates (``merge_log.csv``) and records without a decision are left
    out; the rest keep the order of ``records.csv``.
    """
    from living_review.search.dedupe import read_merge_log
    from living_review.search.records import read_records
    from living_review.search.screening import read_screening_log

    folder = Path(folder)
    records = read_records(folder / "records.csv")
    labels = labels_from_log(read_screening_log(folder / "screening_log.csv"))
    merge = folder / "merge_log.csv"
    removed = set(read_merge_log(merge)["removed_id"]) if merge.exists() else set()
    rows = [r for r in records.to_dict("records") if r["record_id"] in labels and r["record_id"] not in removed]
    if not rows:
        raise ValueError(f"{folder / 'screening_log.csv'}: no record has a decision "
                         f"({' or '.join(RELEVANT + IRRELEVANT)}) to replay")
    return simulate([r["record_id"] for r in rows], [record_text(r) for r in rows],
                    [labels[r["record_id"]] for r in rows], **options)
