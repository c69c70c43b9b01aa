"""PRISMA 2020 flow-diagram counts for an updated review, computed from the record-level logs.

Names follow the data template of the PRISMA2020 R package (Haddaway et al. 2022):
``previous_studies``, ``database_results``, ``duplicates``, ``records_screened``,
``dbr_assessed``, ``other_sought_reports``, ``new_studies``, ``total_studies``... Three counts
extend it so that every record is accounted for: ``other_duplicates`` (duplicates among
records from other methods), ``other_previously_included`` (reports of studies already in
the previous version, found again by other methods) and ``other_results`` (their total).

The previous version enters only through its aggregate counts (:class:`PreviousVersion`),
checked for internal consistency; nothing here is typed by hand.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from pathlib import Path
from typing import Iterable

import pandas as pd

from living_review.search.dedupe import read_merge_log
from living_review.search.previous_version import PREVIOUS_LABEL, PreviousVersion, read_previous_version
from living_review.search.records import read_records
from living_review.search.screening import (
    EXCLUSION_REASONS, check_log, read_screening_log, split_ids, validate_screening,
)


@dataclass(frozen=True)
class PrismaCounts:
    """Every count of the PRISMA 2020 flow diagram for an updated review.

    Field names are those of the PRISMA2020 R package; ``*_specific_results`` and
    ``*_excluded`` are dicts (source or reason label -> n). See the module docstring for the
    three added counts. ``new_cohorts`` counts study ids (one study may have several).
    """

    previous_studies: int
    previous_reports: int
    database_results: int
    database_specific_results: dict[str, int]
    register_results: int
    register_specific_results: dict[str, int]
    website_results: int
    organisation_results: int
    citations_results: int
    other_results: int
    duplicates: int
    excluded_automatic: int
    excluded_other: int
    records_screened: int
    records_excluded: int
    dbr_sought_reports: int
    dbr_notretrieved_reports: int
    dbr_assessed: int
    dbr_excluded: dict[str, int]
    other_duplicates: int
    other_previously_included: int
    other_sought_reports: int
    other_notretrieved_reports: int
    other_assessed: int
    other_excluded: dict[str, int]
    new_studies: int
    new_reports: int
    new_cohorts: int
    total_studies: int
    total_reports: int
    previous_version: PreviousVersion
    records_awaiting_screening: int = 0
    reports_awaiting_assessment: int = 0
    awaiting_ids: tuple[str, ...] = ()

    def as_dict(self) -> dict:
        """JSON-ready dict of every count (the previous version nested under its name)."""
        return dataclasses.asdict(self)

    def summary(self) -> str:
        return (f"Previous version: {self.previous_studies} studies ({self.previous_reports} reports). "
                f"This update: {self.database_results + self.register_results} records from databases/"
                f"registers, {self.other_results} from other methods; {self.duplicates + self.other_duplicates} "
                f"duplicates; {self.records_screened} screened; {self.dbr_assessed + self.other_assessed} "
                f"reports assessed; {self.new_studies} new studies ({self.new_reports} reports). "
                f"Total: {self.total_studies} studies ({self.total_reports} reports)."
                + (f" Awaiting: {self.records_awaiting_screening} records not yet screened, "
                   f"{self.reports_awaiting_assessment} reports not yet assessed." if self.awaiting_ids else ""))


def _reasons(rows: pd.DataFrame) -> dict[str, int]:
    labels = [PREVIOUS_LABEL if r.status == "previously_included" else EXCLUSION_REASONS[r.reason]
              for r in rows.itertuples()]
    counts = pd.Series(labels, dtype=str).value_counts()
    return {k: int(v) for k, v in sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))}


def count_studies(study_id_cells: Iterable[str]) -> int:
    """Number of studies among included reports: reports sharing a study id are one study.

    Notes
    -----
    Connected components of the graph whose nodes are reports and whose edges join reports
    that link to a common study id; a report linking two cohorts (two arms) is one study.
    """
    parent: dict[str, str] = {}

    def find(x: str) -> str:
        while parent.setdefault(x, x) != x:
            x = parent[x]
        return x

    for k, cell in enumerate(study_id_cells):
        report = f"report:{k}"
        find(report)
        for sid in split_ids(cell):
            parent[find(f"study:{sid}")] = find(report)
    return len({find(x) for x in list(parent) if x.startswith("report:")})


def compute_prisma(records: pd.DataFrame, screening_log: pd.DataFrame, merge_log: pd.DataFrame,
                   previous: PreviousVersion, study_ids: Iterable[str], *, awaiting: bool = False) -> PrismaCounts:
    """Compute the PRISMA 2020 counts of an updated review from the logs.

    Parameters
    ----------
    records : the records table of the update (every record identified).
    screening_log : the screening log.
    merge_log : the deduplication merge log.
    previous : the previous version's counts (:func:`read_previous_version`).
    study_ids : valid study ids (the ``study_id`` column of the study data).
    awaiting : count the records not yet screened (a review mid-screening) as
        ``records_awaiting_screening`` and ``reports_awaiting_assessment``, listed in
        ``awaiting_ids``; without it an unscreened record is an error.

    Returns
    -------
    PrismaCounts

    Notes
    -----
    Databases and registers: screened = identified - duplicates - removed as already
    included in the previous version (``excluded_other``); sought = screened - excluded;
    assessed = sought - not retrieved. Other methods: sought = identified - duplicates -
    previously included. new_reports = included records; new_studies per
    :func:`count_studies`; total = previous + new. Each identity is asserted.

    Example
    -------
    >>> counts = compute_prisma(records, log, merge_log, previous, ids)  # doctest: +SKIP
    >>> counts.total_studies  # doctest: +SKIP
    """
    screening_log = check_log(screening_log)
    status = validate_screening(records, screening_log, merge_log, study_ids, previous.study_ids, awaiting=awaiting)
    t = status.table
    ta = dict(zip(screening_log["record_id"][screening_log["stage"] == "title_abstract"],
                  screening_log["decision"][screening_log["stage"] == "title_abstract"]))
    dbr = t[t["kind"].isin(["database", "register"])]
    other = t[~t["kind"].isin(["database", "register"])]
    live_dbr = dbr[dbr["status"] != "duplicate"]
    dbr_ta = live_dbr["record_id"].map(ta)
    at_ft = live_dbr[dbr_ta == "include"]
    live_other = other[other["status"] != "duplicate"]
    other_ft = live_other[live_other["status"] != "previously_included"]
    included = t[t["status"] == "included"]

    def per_source(rows: pd.DataFrame) -> dict[str, int]:
        return {k: int(v) for k, v in rows["source"].value_counts().sort_index().items()}

    def excluded(rows: pd.DataFrame) -> pd.DataFrame:
        return rows[rows["status"].isin(["excluded_full_text", "previously_included"])]

    counts = PrismaCounts(
        previous_studies=len(previous.study_ids), previous_reports=previous.reports_included,
        database_results=int((dbr["kind"] == "database").sum()),
        database_specific_results=per_source(dbr[dbr["kind"] == "database"]),
        register_results=int((dbr["kind"] == "register").sum()),
        register_specific_results=per_source(dbr[dbr["kind"] == "register"]),
        website_results=int((other["kind"] == "website").sum()),
        organisation_results=int((other["kind"] == "organisation").sum()),
        citations_results=int((other["kind"] == "citations").sum()),
        other_results=len(other),
        duplicates=int((dbr["status"] == "duplicate").sum()), excluded_automatic=0,
        excluded_other=int((dbr_ta == "previously_included").sum()),
        records_screened=int(dbr_ta.isin(["include", "exclude"]).sum()),
        records_excluded=int((dbr_ta == "exclude").sum()),
        dbr_sought_reports=len(at_ft),
        dbr_notretrieved_reports=int((at_ft["status"] == "not_retrieved").sum()),
        dbr_assessed=int((~at_ft["status"].isin(["not_retrieved", "awaiting_assessment"])).sum()),
        dbr_excluded=_reasons(excluded(at_ft)),
        other_duplicates=int((other["status"] == "duplicate").sum()),
        other_previously_included=int((live_other["status"] == "previously_included").sum()),
        other_sought_reports=len(other_ft),
        other_notretrieved_reports=int((other_ft["status"] == "not_retrieved").sum()),
        other_assessed=int((other_ft["status"] != "not_retrieved").sum()),
        other_excluded=_reasons(excluded(other_ft)),
        new_studies=count_studies(included["study_ids"]), new_reports=len(included),
        new_cohorts=len(status.included_study_ids()),
        total_studies=len(previous.study_ids) + count_studies(included["study_ids"]),
        total_reports=previous.reports_included + len(included),
        previous_version=previous,
        records_awaiting_screening=int((live_dbr["status"] == "awaiting_screening").sum()),
        reports_awaiting_assessment=int((at_ft["status"] == "awaiting_assessment").sum()),
        awaiting_ids=tuple(t.loc[t["status"].str.startswith("awaiting_"), "record_id"]),
    )
    _check_identities(counts)
    return counts


def _check_identities(c: PrismaCounts) -> None:
    identities = {
        "dbr identified": (c.database_results + c.register_results,
                           c.duplicates + c.excluded_automatic + c.excluded_other + c.records_screened
                           + c.records_awaiting_screening),
        "screened": (c.records_screened, c.records_excluded + c.dbr_sought_reports),
        "dbr assessed": (c.dbr_assessed + c.dbr_notretrieved_reports + c.reports_awaiting_assessment,
                         c.dbr_sought_reports),
        "other identified": (c.other_results, c.website_results + c.organisation_results + c.citations_results),
        "other sought": (c.other_sought_reports,
                         c.other_results - c.other_duplicates - c.other_previously_included),
        "reports": (c.new_reports, c.dbr_assessed - sum(c.dbr_excluded.values())
                    + c.other_assessed - sum(c.other_excluded.values())),
    }
    for name, (left, right) in identities.items():
        if left != right:  # pragma: no cover - would mean a counting bug
            raise AssertionError(f"PRISMA identity '{name}' fails: {left} != {right}")


def load_prisma(search_dir: str | Path, study_ids: Iterable[str], *, awaiting: bool = True) -> PrismaCounts:
    """Compute the counts from the files of a search folder (records.csv, screening_log.csv,
    merge_log.csv, previous_version.csv).

    A review mid-screening builds: records not yet screened are counted as awaiting
    screening (or assessment) and listed in ``awaiting_ids`` (``awaiting=False`` refuses them).
    """
    folder = Path(search_dir)
    merge_path = folder / "merge_log.csv"
    if not merge_path.exists():
        raise FileNotFoundError(f"{merge_path} not found; run `living-review search dedupe` first")
    return compute_prisma(read_records(folder / "records.csv"),
                          read_screening_log(folder / "screening_log.csv"),
                          read_merge_log(merge_path),
                          read_previous_version(folder / "previous_version.csv"), study_ids, awaiting=awaiting)
