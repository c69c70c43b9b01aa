"""What an update would change, in one screen: searches, screening, studies to extract, build.

- when each saved search last ran (from ``runs/<source>/*/run.json``);
- how many records await screening (title/abstract, full text), are in conflict or wait for
  a second reviewer;
- which study ids linked by included reports are not yet in ``data/studies.csv``;
- whether the built book is stale: the data fingerprint printed in the footer of
  ``_build/html/index.html`` (:mod:`living_review.book.sphinx_extension`) against the
  fingerprint of ``data/`` now (:func:`living_review.core.fingerprint.data_fingerprint`).
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from living_review.core.encoding import read_frame
from living_review.core.fingerprint import data_fingerprint
from living_review.core.words import count
from living_review.search.decisions import DECISIONS_FILE, read_decisions, resolve
from living_review.search.dedupe import read_merge_log
from living_review.search.queue import manifests_by_run, screening_queue
from living_review.search.records import read_records
from living_review.search.run import run_manifests
from living_review.search.screening import read_screening_log, split_ids
from living_review.search.sources import load_saved_searches
from living_review.search.tracking import untracked_data, untracked_message

_FOOTER = re.compile(r"data fingerprint\s*<code>([0-9a-f]{6,64})</code>")


@dataclass(frozen=True)
class ReviewStatus:
    """The state of the living loop (see the module docstring)."""

    last_searched: dict[str, str]
    awaiting_title_abstract: int
    awaiting_full_text: int
    conflicts: int
    pending_second_review: int
    studies_to_extract: tuple[str, ...]
    build_fingerprint: str
    data_fingerprint: str
    awaiting_ids: tuple[str, ...] = ()
    untracked: tuple[str, ...] = ()
    reminders: tuple[str, ...] = ()

    @property
    def build_state(self) -> str:
        if not self.build_fingerprint:
            return "no build found (run make book)"
        if self.data_fingerprint.startswith(self.build_fingerprint):
            return f"up to date with the data ({self.build_fingerprint})"
        return (f"STALE: built from data {self.build_fingerprint}, data now "
                f"{self.data_fingerprint[:len(self.build_fingerprint)]} (run make book)")

    def summary(self) -> str:
        lines = ["Searches (last run):"]
        lines += [f"  {name}: {when}" for name, when in self.last_searched.items()]
        lines += ["Screening:",
                  f"  awaiting title/abstract screening: {self.awaiting_title_abstract}",
                  f"  awaiting full-text screening: {self.awaiting_full_text}",
                  f"  conflicts to resolve: {self.conflicts}",
                  f"  awaiting a second reviewer: {self.pending_second_review}",
                  f"Included studies not yet in data/studies.csv: {len(self.studies_to_extract)}"
                  + (f" ({', '.join(self.studies_to_extract)})" if self.studies_to_extract else ""),
                  f"Book: {self.build_state}"]
        if self.awaiting_ids:
            lines.append(f"The PRISMA counts show {count(len(self.awaiting_ids), 'record')} as awaiting screening "
                         f"(screen them to complete the flow diagram): {', '.join(self.awaiting_ids)}")
        if self.untracked:
            lines.append(f"Blocks a consistent build: {untracked_message(list(self.untracked))}")
        lines += [f"Reminder: {r}" for r in self.reminders]
        return "\n".join(lines)


_REDIRECT = re.compile(r"""http-equiv=["']?refresh["']?\s+content=["']?\d+;\s*url=([^"'>\s]+)""", re.I)


def build_fingerprint(build_dir: Path) -> str:
    """The (short) data fingerprint the last build printed, ``""`` when there is no build.

    ``_build/html/index.html`` may only redirect (``<meta http-equiv="Refresh" ...
    url=book/index.html>``): the redirects are followed to the page with the footer.
    """
    html = Path(build_dir) / "html"
    page = html / "index.html"
    for _ in range(5):
        if not page.is_file():
            return ""
        text = page.read_text(encoding="utf-8", errors="replace")
        found = _FOOTER.search(text)
        if found:
            return found.group(1)
        target = _REDIRECT.search(text)
        if not target:
            return ""
        page = (page.parent / target.group(1).split("#")[0]).resolve()
        if html.resolve() not in page.parents:
            return ""
    return ""


def review_status(root: Path, build_dir: Path | None = None, required: int = 2) -> ReviewStatus:
    """Compute the :class:`ReviewStatus` of the project at ``root``."""
    root = Path(root)
    search_dir = root / "data" / "search"
    searches = load_saved_searches(search_dir / "search_strategy.yaml")
    manifests = run_manifests(search_dir)
    last = {}
    for key, search in searches.items():
        runs = [m for m in manifests if m["key"] == key]
        last[search.name] = (f"{runs[-1]['end']} (run {runs[-1]['run_id']}, {count(runs[-1]['n_records'], 'record')})"
                             if runs else f"never (the first run starts at {search.first_date})")
    records = read_records(search_dir / "records.csv")
    merge_path = search_dir / "merge_log.csv"
    merge = read_merge_log(merge_path) if merge_path.exists() else pd.DataFrame(columns=["removed_id"])
    log = read_screening_log(search_dir / "screening_log.csv")
    decisions = read_decisions(search_dir / DECISIONS_FILE)
    resolution = resolve(decisions, required)
    by_run = manifests_by_run(manifests)
    queues = {stage: screening_queue(records, merge, log, decisions, by_run, stage=stage)
              for stage in ("title_abstract", "full_text")}
    queued = {stage: len(q) for stage, q in queues.items()}
    decided = set(zip(log["record_id"], log["stage"]))
    awaiting = tuple(r for stage, q in queues.items() for r in q["record_id"] if (r, stage) not in decided)
    reminders = []
    if "pubmed" in searches and not os.environ.get("NCBI_EMAIL"):
        reminders.append("NCBI_EMAIL is not set: NCBI asks every E-utilities request to carry an email address "
                         "with the tool name (export NCBI_EMAIL=you@example.org before `living-review search run`)")
    known = set(read_frame(root / "data" / "studies.csv", "data/studies.csv")["study_id"])
    included = log[(log["stage"] == "full_text") & (log["decision"] == "include")]
    missing = sorted({s for cell in included["study_ids"] for s in split_ids(cell)} - known)
    return ReviewStatus(
        last_searched=last, awaiting_title_abstract=queued["title_abstract"],
        awaiting_full_text=queued["full_text"], conflicts=len(resolution.conflicts),
        pending_second_review=len(resolution.pending), studies_to_extract=tuple(missing),
        build_fingerprint=build_fingerprint(build_dir or root / "_build"),
        data_fingerprint=data_fingerprint(root), awaiting_ids=awaiting,
        untracked=tuple(untracked_data(root)), reminders=tuple(reminders))
