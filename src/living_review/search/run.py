"""One run of a saved search: fetch every page, keep the raw responses, import the records.

A run of source ``KEY`` ending on date ``D`` writes ``data/search/runs/KEY/D/`` (``D-2``...
when that date was already run):

- every response body byte for byte, named by the request (``esearch.xml``,
  ``efetch-001.medline``, ``search-001.json``, ``studies-001.json``...);
- ``run.json``: the saved query, the date limits, and for every request the URL sent
  (API key masked), the UTC time it was sent, the status, the attempts it took, the size
  and SHA-256 of the body, and the record ids imported.

The records are appended to ``records.csv`` with ids ``KEY-RUN-00001``..., the run's end
date as ``search_date`` and an ``origin`` naming the raw file and the position in it.

All or nothing: the run is written to a hidden folder and the records table to a
temporary file; only when every page was fetched and parsed are they moved into place
(``os.replace``). Any failure removes both and leaves the data as it was.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import os
import shutil
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from living_review.search.http import Client, Response, SearchError
from living_review.search.records import make_records, read_records
from living_review.search.runners import RUNNERS
from living_review.search.runners import pubmed as pubmed_runner
from living_review.search.sources import SavedSearch

RUNS = "runs"
# Seconds between requests: NCBI's documented limit; for the other two APIs, which publish
# no hard limit for this use, a polite spacing.
DEFAULT_INTERVAL = {"europepmc": 0.2, "ctgov": 1.2}


@dataclass
class Recorder:
    """Writes each response body into the run folder and logs the exchange."""

    folder: Path
    exchanges: list[dict] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    accept_phrase_not_found: bool = False

    def warn(self, message: str) -> None:
        """Keep a message of the API (NCBI's ``OutputMessage``...) for ``run.json`` and the user."""
        self.warnings.append(message)

    def save(self, name: str, response: Response) -> Path:
        path = self.folder / name
        path.write_bytes(response.body)
        self.exchanges.append({"file": name, "url": response.url, "sent_at": response.sent_at,
                               "status": response.status, "attempts": response.attempts,
                               "content_type": response.content_type, "bytes": len(response.body),
                               "sha256": hashlib.sha256(response.body).hexdigest()})
        return path


@dataclass(frozen=True)
class RunResult:
    """What a run did: source, dates, folder, records imported, requests made."""

    key: str
    source: str
    run_id: str
    folder: Path
    start: str
    end: str
    n_records: int
    n_requests: int
    warnings: tuple[str, ...] = ()

    def summary(self) -> str:
        from living_review.core.words import count

        lines = [f"{self.source}: {count(self.n_records, 'record')} from {self.start} to {self.end} "
                 f"({count(self.n_requests, 'request')}); raw responses in {self.folder}"]
        return "\n".join(lines + [f"  warning: {w}" for w in self.warnings])


def run_manifests(search_dir: Path, key: str | None = None) -> list[dict]:
    """Every ``run.json`` under ``search_dir/runs`` (of one source when ``key`` is given), oldest first."""
    pattern = f"{key}/*/run.json" if key else "*/*/run.json"
    found = []
    for path in sorted((Path(search_dir) / RUNS).glob(pattern)):
        try:
            found.append(json.loads(path.read_text(encoding="utf-8")))
        except json.JSONDecodeError as err:
            raise ValueError(f"{path}: not valid JSON ({err}); restore it from version control") from None
    return sorted(found, key=lambda m: (m["end"], m["run_id"]))


def last_search_end(search_dir: Path, key: str) -> dt.date | None:
    """End date of the latest run of a source, ``None`` when it was never run."""
    runs = run_manifests(search_dir, key)
    return dt.date.fromisoformat(runs[-1]["end"]) if runs else None


def _run_id(parent: Path, end: dt.date) -> str:
    run_id, k = end.isoformat(), 1
    while (parent / run_id).exists():
        k += 1
        run_id = f"{end.isoformat()}-{k}"
    return run_id


def _stage_append(table: Path, new: pd.DataFrame, staged: Path) -> None:
    """Write the records table with ``new`` appended to ``staged``; earlier rows keep their bytes."""
    from living_review.search.records import append_records

    if table.exists():
        shutil.copyfile(table, staged)
        append_records(new, staged)  # the file's own columns, encoding and line ending
    else:
        staged.write_bytes(new.to_csv(index=False, lineterminator="\n").encode("utf-8"))


def default_client(search: SavedSearch) -> Client:
    interval = pubmed_runner.min_interval() if search.key == "pubmed" else DEFAULT_INTERVAL[search.key]
    return Client(source=search.name, min_interval=interval)


def run_search(search: SavedSearch, search_dir: str | Path, *, start: dt.date | None = None,
               end: dt.date | None = None, client: Client | None = None,
               today: dt.date | None = None, accept_phrase_not_found: bool = False) -> RunResult:
    """Run one saved search and import its records (see the module docstring).

    Parameters
    ----------
    search : the saved search (:func:`~living_review.search.sources.load_saved_searches`).
    search_dir : the folder with ``records.csv`` (``data/search``).
    start : first date included; default the end date of the source's last run (so that no
        day is missed: records found twice are removed by ``search dedupe``), else the
        saved search's ``first_date``.
    end : last date included; default ``today``.
    client : the HTTP client (default rate-limited for the source).
    accept_phrase_not_found : run on although PubMed reports a query term it does not know
        (``PhraseNotFound``); the run then records it as a warning.

    Raises
    ------
    SearchError
        The API could not be used (network, HTTP error, malformed or truncated response);
        nothing was written.
    ValueError
        Dates in the wrong order, or records that do not validate; nothing was written.
    """
    search_dir = Path(search_dir)
    end = end or today or dt.datetime.now(dt.UTC).date()
    start = start or last_search_end(search_dir, search.key) or dt.date.fromisoformat(search.first_date)
    if start > end:
        raise ValueError(f"{search.name}: start date {start} is after end date {end}; give --from before --to")
    parent = search_dir / RUNS / search.key
    parent.mkdir(parents=True, exist_ok=True)
    run_id = _run_id(parent, end)
    partial = parent / f".{run_id}.partial"
    shutil.rmtree(partial, ignore_errors=True)
    partial.mkdir()
    table = search_dir / "records.csv"
    staged = table.with_name(".records.csv.partial")
    final = parent / run_id
    try:
        recorder = Recorder(partial, accept_phrase_not_found=accept_phrase_not_found)
        started = dt.datetime.now(dt.UTC).replace(microsecond=0).isoformat()
        rows = RUNNERS[search.key](search, start, end, client or default_client(search), recorder)
        where = f"{RUNS}/{search.key}/{run_id}"
        for k, row in enumerate(rows, start=1):
            row.update(record_id=f"{search.key}-{run_id}-{k:05d}", search_date=end.isoformat(),
                       source=search.name, origin=f"{where}/{row['origin']}")
        new = make_records(rows, f"{where} ({search.name})")
        old = read_records(table) if table.exists() else make_records([], table.name)
        make_records(pd.concat([old, new]).to_dict("records"), table.name)  # ids stay unique
        manifest = {"key": search.key, "source": search.name, "run_id": run_id, "api": search.api,
                    "base_url": search.base_url, "query": search.query, "date_field": search.date_field,
                    "start": start.isoformat(), "end": end.isoformat(), "started_at": started,
                    "finished_at": dt.datetime.now(dt.UTC).replace(microsecond=0).isoformat(),
                    "n_records": len(new), "record_ids": new["record_id"].tolist(),
                    "warnings": recorder.warnings, "requests": recorder.exchanges}
        (partial / "run.json").write_text(json.dumps(manifest, indent=2, ensure_ascii=False) + "\n",
                                          encoding="utf-8")
        _stage_append(table, new, staged)
        os.replace(partial, final)
        try:
            os.replace(staged, table)
        except OSError:
            shutil.rmtree(final, ignore_errors=True)
            raise
    except BaseException:
        shutil.rmtree(partial, ignore_errors=True)
        staged.unlink(missing_ok=True)
        raise
    return RunResult(key=search.key, source=search.name, run_id=run_id, folder=final,
                     start=start.isoformat(), end=end.isoformat(), n_records=len(new),
                     n_requests=len(recorder.exchanges), warnings=tuple(recorder.warnings))


__all__ = ["RunResult", "SearchError", "last_search_end", "run_manifests", "run_search"]
