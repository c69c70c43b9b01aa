"""The previous version's side of an updated PRISMA 2020 flow diagram: the studies and reports it included, read from its file."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from living_review.core.encoding import read_frame


PREVIOUS_LABEL = "Already included in previous version"


@dataclass(frozen=True)
class PreviousVersion:
    """Aggregate flow of the previous version of the review, with its source.

    Attributes
    ----------
    records_identified, duplicates, records_screened, records_excluded, reports_assessed :
        counts of the previous version's own flow diagram.
    reports_excluded : dict
        full-text exclusion reason -> number of reports.
    studies_included, reports_included : int
        as stated by the previous version.
    study_ids : tuple of str
        study ids of its included studies (one ``included_study`` row each).
    source : str
        where the counts are printed.
    """

    records_identified: int
    duplicates: int
    records_screened: int
    records_excluded: int
    reports_assessed: int
    reports_excluded: dict[str, int]
    studies_included: int
    reports_included: int
    study_ids: tuple[str, ...]
    source: str

    def summary(self) -> str:
        return (f"Previous version: {self.records_identified} records, {self.duplicates} duplicates, "
                f"{self.records_screened} screened, {self.records_excluded} excluded, "
                f"{self.reports_assessed} full texts assessed, "
                f"{sum(self.reports_excluded.values())} excluded, {self.studies_included} studies "
                f"included ({self.source})")


def read_previous_version(path: str | Path) -> PreviousVersion:
    """Read ``previous_version.csv`` (columns item, reason, count, study_id, source) and check it.

    Notes
    -----
    Checks: identified - duplicates = screened; screened - excluded = assessed;
    assessed - sum(full-text exclusions) = reports included; number of ``included_study``
    rows = studies included. A failed check is a ``ValueError`` naming the counts.
    """
    path = Path(path)
    table = read_frame(path, path.name)
    need = {"item", "reason", "count", "study_id", "source"}
    if need - set(table.columns):
        raise ValueError(f"{path.name}: missing column(s) {sorted(need - set(table.columns))}")
    try:
        table["n"] = table["count"].astype(int)
    except ValueError:
        raise ValueError(f"{path.name}: column 'count' must hold whole numbers") from None

    def one(item: str) -> int:
        rows = table[table["item"] == item]
        if len(rows) != 1:
            raise ValueError(f"{path.name}: expected one '{item}' row, found {len(rows)}")
        return int(rows["n"].iloc[0])

    excluded = table[table["item"] == "reports_excluded"]
    prev = PreviousVersion(
        records_identified=one("records_identified"), duplicates=one("duplicates"),
        records_screened=one("records_screened"), records_excluded=one("records_excluded"),
        reports_assessed=one("reports_assessed"),
        reports_excluded=dict(zip(excluded["reason"], excluded["n"].astype(int))),
        studies_included=one("studies_included"), reports_included=one("reports_included"),
        study_ids=tuple(table.loc[table["item"] == "included_study", "study_id"]),
        source=str(table.loc[table["item"] == "records_identified", "source"].iloc[0]),
    )
    checks = [
        (prev.records_identified - prev.duplicates, prev.records_screened, "identified - duplicates", "screened"),
        (prev.records_screened - prev.records_excluded, prev.reports_assessed, "screened - excluded", "assessed"),
        (prev.reports_assessed - sum(prev.reports_excluded.values()), prev.reports_included,
         "assessed - full-text exclusions", "reports included"),
        (len(prev.study_ids), prev.studies_included, "included_study rows", "studies included"),
    ]
    for got, stated, left, right in checks:
        if got != stated:
            raise ValueError(f"{path.name}: {left} = {got} but {right} = {stated}; check the counts")
    return prev
