"""Deduplicate a records table: exact DOI/PMID matches, then fuzzy bibliographic matches.

Nothing is dropped silently: every record that is not kept appears in the merge log with
the record it was matched to, the rule that matched them, the score and why the kept
record was preferred. ``len(kept) + len(merge_log) == len(records)`` always holds.
"""

from __future__ import annotations

import re
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path
from typing import Iterable

import numpy as np
import pandas as pd
from rapidfuzz import fuzz, process

from living_review.core.encoding import read_frame
from living_review.search.normalise import first_author_key, title_key
from living_review.search.records import source_kind, validate_records

MERGE_LOG_COLUMNS = ("removed_id", "kept_id", "matched_id", "rule", "score", "reason")

# Notices about an article share most of its title but are different records.
_NOTICE = re.compile(r"\b(erratum|errata|corrigendum|correction|retraction|retracted|"
                     r"expression of concern|reply|response to|comment on|commentary on)\b")
# "Part II", "part 2", "second part"... distinguish the parts of a multi-part paper.
_PART = re.compile(r"\b(?:part|pt)\s+([ivx]+|\d+|one|two|three|four)\b")


@dataclass(frozen=True)
class DedupeResult:
    """Outcome of :func:`dedupe`.

    Attributes
    ----------
    records : pandas.DataFrame
        The kept records, one per duplicate cluster, in input order.
    merge_log : pandas.DataFrame
        One row per removed record; columns :data:`MERGE_LOG_COLUMNS`. ``matched_id`` is the
        record it was found identical to (which may itself have been removed, for chains),
        ``kept_id`` the record that represents its cluster.
    n_input : int
        Number of records given.
    threshold : float
        Title similarity (0-100) used for fuzzy matches.
    """

    records: pd.DataFrame
    merge_log: pd.DataFrame
    n_input: int
    threshold: float
    rule_counts: dict[str, int] = field(default_factory=dict)

    def summary(self) -> str:
        rules = ", ".join(f"{k} {v}" for k, v in sorted(self.rule_counts.items())) or "none"
        from living_review.core.words import count

        return (f"{count(self.n_input, 'record')} -> {len(self.records)} kept, {count(len(self.merge_log), 'duplicate')} "
                f"removed (by rule: {rules}); fuzzy title threshold {self.threshold:g}")


class _UnionFind:
    def __init__(self, n: int):
        self.parent = list(range(n))

    def find(self, i: int) -> int:
        while self.parent[i] != i:
            self.parent[i] = self.parent[self.parent[i]]
            i = self.parent[i]
        return i

    def union(self, i: int, j: int) -> bool:
        ri, rj = self.find(i), self.find(j)
        if ri == rj:
            return False
        self.parent[max(ri, rj)] = min(ri, rj)
        return True


def notice_type(title: str) -> str:
    """Kind of notice a title announces (``"erratum"``, ``"retraction"``...), ``""`` for an article."""
    found = _NOTICE.search(title_key(title))
    if not found:
        return ""
    word = found.group(1)
    return {"errata": "erratum", "corrigendum": "erratum", "correction": "erratum",
            "retracted": "retraction"}.get(word, word)


def part_marker(title: str) -> str:
    """Part number of a multi-part paper, normalised to arabic digits (``"Part II"`` -> ``"2"``)."""
    found = _PART.search(title_key(title))
    if not found:
        return ""
    roman = {"i": 1, "ii": 2, "iii": 3, "iv": 4, "v": 5, "vi": 6, "vii": 7, "viii": 8, "ix": 9, "x": 10}
    words = {"one": 1, "two": 2, "three": 3, "four": 4}
    token = found.group(1)
    return str(roman.get(token) or words.get(token) or int(token))


def dedupe(records: pd.DataFrame, *, threshold: float = 95.0, min_prefix_chars: int = 40,
           workers: int = 1, keep_first: Iterable[str] = ()) -> DedupeResult:
    """Find and merge duplicate records.

    Parameters
    ----------
    records : pandas.DataFrame
        A records table (see :mod:`living_review.search.records`).
    threshold : float
        Minimum ``rapidfuzz.fuzz.ratio`` (0-100) between normalised titles for a fuzzy match.
    min_prefix_chars : int
        A normalised title at least this long that is a prefix of another counts as the same
        title truncated by an export (characters).
    workers : int
        Threads for ``rapidfuzz.process.cdist`` in large blocks.
    keep_first : iterable of str
        Record ids to keep in preference to any duplicate of theirs: the records already
        screened, so that a later run's copy of a screened record is the one removed.

    Returns
    -------
    DedupeResult

    Notes
    -----
    1. Exact: records sharing a normalised DOI or PMID are duplicates, and so are register
       records (:func:`~living_review.search.records.source_kind` ``register``) sharing a
       registry id (``registry_ids``: the NCT number...), whatever their titles.
    2. Fuzzy, within blocks (same year and first-author surname; same year and first four
       title words), a pair is a duplicate when all hold: same year; same notice type
       (erratum, retraction, reply... or none); same part number ("Part II"); same
       first-author surname when both are known (ratio >= 90, for transliterations); and
       normalised titles with ratio >= ``threshold`` and the same numbers in the same
       order, or one title a prefix of the other of at least ``min_prefix_chars`` characters. Titles are folded (case, punctuation,
       diacritics) by :func:`~living_review.search.normalise.title_key`.
    Duplicates form clusters by transitivity (union-find). The kept record of a cluster is
    the one in ``keep_first``, then the most complete (DOI, PMID, abstract, authors, year,
    longest title), then the first.
    ``fuzz.ratio`` is the normalised Indel similarity 100 * (1 - d / (len(a) + len(b))).

    References
    ----------
    Bramer WM, Giustini D, de Jonge GB, Holland L, Bekhuis T. De-duplication of database
    search results for systematic reviews in EndNote. J Med Libr Assoc 2016;104(3):240-3.

    Example
    -------
    >>> result = dedupe(records)  # doctest: +SKIP
    >>> print(result.summary())  # doctest: +SKIP
    """
    if not 0 < threshold <= 100:
        raise ValueError(f"threshold={threshold} must be in (0, 100]")
    table = validate_records(records, "records")
    n = len(table)
    tkeys = [title_key(t) for t in table["title"]]
    akeys = [first_author_key(a) for a in table["authors"]]
    years = table["year"].tolist()
    notices = [notice_type(t) for t in table["title"]]
    parts = [part_marker(t) for t in table["title"]]
    numbers = [re.findall(r"\d+", k) for k in tkeys]
    uf = _UnionFind(n)
    edges: list[tuple[int, int, str, float]] = []

    for col in ("doi", "pmid"):
        first_seen: dict[str, int] = {}
        for i, value in enumerate(table[col]):
            if not value:
                continue
            if value in first_seen:
                j = first_seen[value]
                if uf.union(i, j):
                    edges.append((j, i, col, 100.0))
            else:
                first_seen[value] = i

    # A trial register's record found again (a later run, another register) shares its
    # registry id. Only register records are merged so: a paper naming the trial is
    # another report of it, not a duplicate record.
    first_trial: dict[str, int] = {}
    for i, (value, source) in enumerate(zip(table["registry_ids"], table["source"])):
        if source_kind(source) != "register":
            continue
        for rid in (v.strip() for v in value.split(";") if v.strip()):
            if rid in first_trial:
                if uf.union(i, first_trial[rid]):
                    edges.append((first_trial[rid], i, "registry_id", 100.0))
            else:
                first_trial[rid] = i

    def compatible(i: int, j: int) -> bool:
        if years[i] != years[j] or notices[i] != notices[j] or parts[i] != parts[j]:
            return False
        if akeys[i] and akeys[j] and akeys[i] != akeys[j]:
            return fuzz.ratio(akeys[i], akeys[j]) >= 90
        return True

    def consider(i: int, j: int, rule: str, score: float) -> None:
        # Titles that differ only in a number ("cohort 2", "phase 3") are different papers.
        if rule == "title" and numbers[i] != numbers[j]:
            return
        if uf.find(i) != uf.find(j) and compatible(i, j) and uf.union(i, j):
            edges.append((min(i, j), max(i, j), rule, round(score, 1)))

    blocks: dict[tuple, list[int]] = defaultdict(list)
    for i in range(n):
        if akeys[i]:
            blocks[("a", years[i], akeys[i])].append(i)
        blocks[("t", years[i], " ".join(tkeys[i].split()[:4]))].append(i)
    for members in blocks.values():
        if len(members) < 2:
            continue
        _fuzzy_block(members, tkeys, threshold, workers, consider)
        _prefix_block(members, tkeys, min_prefix_chars, consider)

    return _merge(table, uf, edges, threshold, frozenset(keep_first))


def _fuzzy_block(members, tkeys, threshold, workers, consider) -> None:
    if len(members) <= 40:
        for a, i in enumerate(members):
            for j in members[a + 1:]:
                score = fuzz.ratio(tkeys[i], tkeys[j], score_cutoff=threshold)
                if score:
                    consider(i, j, "title", score)
        return
    titles = [tkeys[i] for i in members]
    scores = process.cdist(titles, titles, scorer=fuzz.ratio, score_cutoff=threshold,
                           dtype=np.uint8, workers=workers)
    rows, cols = np.nonzero(np.triu(scores, k=1))
    for a, b in zip(rows.tolist(), cols.tolist()):
        consider(members[a], members[b], "title", float(scores[a, b]))


def _prefix_block(members, tkeys, min_chars, consider) -> None:
    # In sorted order every title that starts with s follows s directly.
    ordered = sorted(members, key=lambda i: tkeys[i])
    for pos, i in enumerate(ordered):
        short = tkeys[i]
        if len(short) < min_chars:
            continue
        for j in ordered[pos + 1:]:
            if not tkeys[j].startswith(short):
                break
            if len(tkeys[j]) > len(short):
                consider(i, j, "title_prefix", 100.0 * len(short) / len(tkeys[j]))


def _completeness(row) -> tuple:
    return (bool(row.doi), bool(row.pmid), bool(row.abstract), bool(row.authors),
            bool(row.year), len(row.title))


def _merge(table: pd.DataFrame, uf: _UnionFind, edges, threshold: float,
           keep_first: frozenset = frozenset()) -> DedupeResult:
    clusters: dict[int, list[int]] = defaultdict(list)
    for i in range(len(table)):
        clusters[uf.find(i)].append(i)
    adjacency: dict[int, list[tuple[int, str, float]]] = defaultdict(list)
    for i, j, rule, score in edges:
        adjacency[i].append((j, rule, score))
        adjacency[j].append((i, rule, score))
    rows = list(table.itertuples(index=False))
    ids = table["record_id"].tolist()
    keep, log = [], []
    for members in clusters.values():
        if len(members) == 1:
            keep.append(members[0])
            continue
        best = max(members, key=lambda i: (ids[i] in keep_first, _completeness(rows[i]), -i))
        keep.append(best)
        have = [name for name, flag in zip(("DOI", "PMID", "abstract", "authors", "year"),
                                           _completeness(rows[best])) if flag]
        why = "already screened; " if ids[best] in keep_first else ""
        reason = (f"kept {ids[best]}: {why}most complete of {len(members)} records "
                  f"(has {', '.join(have) or 'title only'}; longest title; then first listed)")
        seen, queue = {best}, [best]
        while queue:  # walk the match edges outward from the kept record
            i = queue.pop(0)
            for j, rule, score in adjacency[i]:
                if j not in seen:
                    seen.add(j)
                    queue.append(j)
                    log.append((ids[j], ids[best], ids[i], rule, score, reason))
    kept = table.iloc[sorted(keep)].reset_index(drop=True)
    merge_log = pd.DataFrame(log, columns=list(MERGE_LOG_COLUMNS))
    assert len(kept) + len(merge_log) == len(table), "a record was lost in merging"
    counts = merge_log["rule"].value_counts().to_dict() if len(merge_log) else {}
    return DedupeResult(records=kept, merge_log=merge_log, n_input=len(table),
                        threshold=threshold, rule_counts={k: int(v) for k, v in counts.items()})


def read_merge_log(path) -> pd.DataFrame:
    """Read a merge log CSV and check its columns."""
    log = read_frame(path, Path(path).name)
    missing = [c for c in MERGE_LOG_COLUMNS if c not in log.columns]
    if missing:
        raise ValueError(f"{path}: merge log lacks column(s) {missing}; expected {list(MERGE_LOG_COLUMNS)}")
    return log
