"""The screening log: one row per record per stage, and the check that every record is accounted for.

Columns of the log (CSV):

``record_id``   a record of the records table;
``stage``       ``title_abstract`` or ``full_text`` (see :data:`STAGES`);
``decision``    ``include``, ``exclude``, ``not_retrieved`` (full text only) or
                ``previously_included`` (a report of a study already included in the previous
                version of the review: counted, not assessed again);
``reason``      an exclusion reason code from :data:`EXCLUSION_REASONS` (only for ``exclude``);
``study_ids``   ``;``-separated study ids for ``include`` at full text and for
                ``previously_included``; one report may give several cohorts;
``date``        ISO date of the decision; ``note`` free text.

Records found by databases or registers pass both stages. Records found by other methods
(hand search, citation tracking) have only a ``full_text`` row, because the PRISMA 2020
flow diagram has no title/abstract screening box for them (Page et al. 2021, Fig. 1).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path
from typing import Iterable, Literal, get_args

import pandas as pd

from living_review.core.choices import check_choice
from living_review.core.encoding import read_frame_lines
from living_review.search.records import source_kind

Stage = Literal["title_abstract", "full_text"]
Decision = Literal["include", "exclude", "not_retrieved", "previously_included"]
FinalStatus = Literal["duplicate", "previously_included", "excluded_title_abstract",
                      "not_retrieved", "excluded_full_text", "included"]
STAGES: tuple[str, ...] = get_args(Stage)
DECISIONS: tuple[str, ...] = get_args(Decision)
FINAL_STATUSES: tuple[str, ...] = get_args(FinalStatus)
SCREENING_COLUMNS = ("record_id", "stage", "decision", "reason", "study_ids", "date", "note")

# Controlled list of exclusion reasons: code -> label printed in the flow diagram. The codes
# follow the update's eligibility criteria (population, intervention, design, publication,
# outcomes) and the report-level reasons met in practice.
EXCLUSION_REASONS: dict[str, str] = {
    "not_atc": "Not advanced anaplastic thyroid cancer",
    "not_antiangiogenic_tki": "Not an antiangiogenic TKI",
    "tki_not_confirmed": "Antiangiogenic TKI not confirmed (agents not named)",
    "no_tki_specific_data": "No outcomes of the TKI-treated ATC patients",
    "fewer_than_5_atc": "Fewer than 5 ATC patients",
    "case_report": "Case report",
    "basic_research": "Basic research (in vitro or animal)",
    "review_or_letter": "Review, letter or comment",
    "secondary_analysis": "Secondary analysis (review or meta-analysis)",
    "previous_version": "Previous version of this review",
    "no_eligible_outcome": "No ORR, DCR, PFS, OS or grade >=3 AE for ATC",
    "insufficient_atc_data": "Insufficient ATC-specific data",
    "duplicate_cohort": "Duplicate or overlapping cohort",
    "identifier_unverifiable": "No verifiable identifier (DOI, PMID, registry)",
    "no_bibliographic_record": "Source not identifiable (no bibliographic record)",
}


@dataclass(frozen=True)
class ScreeningStatus:
    """Final status of every record (result of :func:`validate_screening`).

    Attributes
    ----------
    table : pandas.DataFrame
        One row per record: ``record_id``, ``source``, ``kind`` (PRISMA column, see
        :func:`~living_review.search.records.source_kind`), ``status`` (one of
        :data:`FINAL_STATUSES`), ``reason`` (exclusion code or ``""``), ``study_ids``.
    """

    table: pd.DataFrame

    def counts(self) -> dict[str, int]:
        """Number of records per final status (every status present, zeros included)."""
        found = self.table["status"].value_counts()
        return {status: int(found.get(status, 0)) for status in FINAL_STATUSES}

    def included_study_ids(self) -> set[str]:
        """Study ids linked from records included in this update."""
        rows = self.table[self.table["status"] == "included"]
        return {s for ids in rows["study_ids"] for s in split_ids(ids)}

    def summary(self) -> str:
        parts = ", ".join(f"{k} {v}" for k, v in self.counts().items() if v)
        return f"{len(self.table)} records: {parts}"


def split_ids(value: str) -> list[str]:
    """Split a ``;``-separated study-id cell into ids (blanks dropped)."""
    return [s.strip() for s in str(value or "").split(";") if s.strip()]


def read_screening_log(path: str | Path) -> pd.DataFrame:
    """Read a screening log CSV, check columns and closed sets, and return it.

    Raises ``ValueError`` naming the file, physical line and column of the first problem.
    """
    path = Path(path)
    log, lines = read_frame_lines(path, path.name)
    return check_log(log, path.name, lines)


def check_log(log: pd.DataFrame, where: str = "screening log", lines: list[int] | None = None) -> pd.DataFrame:
    """Check one screening log row by row (closed sets, reasons, dates, study ids present).

    ``ValueError`` says ``FILE:LINE: column: what is wrong (how to fix; record ID)``, with
    ``lines`` the physical line of each row (default: one line per row after the header).
    """
    missing = [c for c in SCREENING_COLUMNS if c not in log.columns]
    if missing:
        raise ValueError(f"{where}:1: missing column(s) {missing} (add them; expected {list(SCREENING_COLUMNS)})")
    log = log.loc[:, list(SCREENING_COLUMNS)].fillna("").astype(str).apply(lambda c: c.str.strip())
    for k, row in enumerate(log.itertuples(index=False)):
        line = lines[k] if lines and k < len(lines) else k + 2

        def fail(column: str, what: str, fix: str) -> None:
            raise ValueError(f"{where}:{line}: {column}: {what} ({fix}; record {row.record_id or 'without id'})")

        if row.stage not in STAGES:
            fail("stage", f"{row.stage!r} is not allowed", f"use one of: {', '.join(STAGES)}")
        if row.decision not in DECISIONS:
            fail("decision", f"{row.decision!r} is not allowed", f"use one of: {', '.join(DECISIONS)}")
        if row.decision == "exclude" and row.reason not in EXCLUSION_REASONS:
            fail("reason", f"exclusion reason {row.reason!r} is not in the controlled list",
                 f"use one of: {', '.join(sorted(EXCLUSION_REASONS))}")
        if row.decision != "exclude" and row.reason:
            fail("reason", f"a reason is given for decision {row.decision!r}",
                 "only 'exclude' takes a reason; use the note column")
        if row.decision == "not_retrieved" and row.stage != "full_text":
            fail("decision", "'not_retrieved' applies only to the full_text stage", "correct the stage or decision")
        needs_ids = row.decision == "previously_included" or (
            row.decision == "include" and row.stage == "full_text")
        if needs_ids != bool(split_ids(row.study_ids)):
            fail("study_ids", f"study_ids must be given exactly for full-text inclusions and previously included "
                 f"reports (found {row.study_ids!r})", "add or remove the study ids")
        try:
            dt.date.fromisoformat(row.date)
        except ValueError:
            fail("date", f"{row.date!r} is not a real date YYYY-MM-DD", "check day and month")
    dup = log[log.duplicated(["record_id", "stage"], keep=False)]
    if not dup.empty:
        first = int(dup.index[1])
        line = lines[first] if lines and first < len(lines) else first + 2
        raise ValueError(f"{where}:{line}: record_id: more than one row for (record, stage): "
                         f"{sorted(set(zip(dup.record_id, dup.stage)))} (keep one row per record and stage)")
    return log.reset_index(drop=True)


def validate_screening(records: pd.DataFrame, log: pd.DataFrame, merge_log: pd.DataFrame,
                       study_ids: Iterable[str],
                       previous_study_ids: Iterable[str] = (), *, awaiting: bool = False) -> ScreeningStatus:
    """Check that every record reaches a final status and every inclusion links to a study.

    Parameters
    ----------
    records : pandas.DataFrame
        The records table (all records identified, duplicates included).
    log : pandas.DataFrame
        The screening log (checked with :func:`check_log`).
    merge_log : pandas.DataFrame
        The deduplication merge log; its ``removed_id`` records are duplicates and must not
        be screened.
    study_ids : iterable of str
        Valid study ids (the ``study_id`` column of the study data).
    previous_study_ids : iterable of str
        Study ids included in the previous version; ``previously_included`` rows must link
        to these, and included rows must not (they would be counted twice).
    awaiting : bool
        Allow a review mid-screening: a database or register record without a
        title/abstract decision gets the status ``awaiting_screening``, one included at
        title/abstract without a full-text decision ``awaiting_assessment`` (counted as such
        in the PRISMA counts); without it either is an error.

    Returns
    -------
    ScreeningStatus

    Notes
    -----
    Paths allowed per record (anything else is an error naming the record):
    duplicate (no rows); databases/registers: title_abstract exclude |
    previously_included, or include then full_text include | exclude | not_retrieved |
    previously_included; other methods: one full_text row.

    Example
    -------
    >>> status = validate_screening(records, log, merge_log, {"kim2021"})  # doctest: +SKIP
    """
    log = check_log(log)
    valid, previous = set(study_ids), set(previous_study_ids)
    if not valid:
        raise ValueError("no valid study ids given; pass the study_id column of the study data")
    known = set(records["record_id"])
    unknown = sorted(set(log["record_id"]) - known)
    if unknown:
        raise ValueError(f"screening log names record(s) not in the records table: {unknown}")
    removed = set(merge_log["removed_id"]) if len(merge_log) else set()
    rows = {(r.record_id, r.stage): r for r in log.itertuples(index=False)}
    out = []
    for rec in records.itertuples(index=False):
        rid, kind = rec.record_id, source_kind(rec.source)
        ta, ft = rows.get((rid, "title_abstract")), rows.get((rid, "full_text"))
        if rid in removed:
            if ta or ft:
                raise ValueError(f"record {rid} was removed as a duplicate but has screening rows")
            out.append((rid, rec.source, kind, "duplicate", "", ""))
            continue
        if kind in ("database", "register"):
            if ta is None and awaiting:
                out.append((rid, rec.source, kind, "awaiting_screening", "", ""))
                continue
            if ta is None:
                raise ValueError(f"record {rid} ({rec.source}) has no title_abstract row; every "
                                 "record from a database or register must be screened")
            if ta.decision == "not_retrieved":  # pragma: no cover - check_log forbids it
                raise ValueError(f"record {rid}: not_retrieved at title_abstract")
            if ta.decision != "include":
                if ft is not None:
                    raise ValueError(f"record {rid}: decided {ta.decision!r} at title_abstract "
                                     "but also has a full_text row")
                final = ta
            else:
                if ft is None and awaiting:
                    out.append((rid, rec.source, kind, "awaiting_assessment", "", ""))
                    continue
                if ft is None:
                    raise ValueError(f"record {rid} passed title_abstract but has no full_text "
                                     "row; record the full-text decision")
                final = ft
        else:
            if ta is not None:
                raise ValueError(f"record {rid} ({rec.source}) has a title_abstract row; records "
                                 "from other methods enter at full_text (PRISMA 2020)")
            if ft is None:
                raise ValueError(f"record {rid} ({rec.source}) has no full_text row")
            final = ft
        status = {"previously_included": "previously_included", "not_retrieved": "not_retrieved",
                  "include": "included"}.get(final.decision)
        if status is None:
            status = "excluded_" + final.stage
        ids = split_ids(final.study_ids)
        bad = sorted(set(ids) - valid)
        if bad:
            raise ValueError(f"record {rid}: study_id(s) {bad} are not in the study data; valid "
                             f"ids are {sorted(valid)}")
        if status == "previously_included" and set(ids) - previous:
            raise ValueError(f"record {rid}: {sorted(set(ids) - previous)} are not studies of "
                             "the previous version; use 'include'")
        if status == "included" and set(ids) & previous:
            raise ValueError(f"record {rid}: {sorted(set(ids) & previous)} were included in the "
                             "previous version; use 'previously_included'")
        out.append((rid, rec.source, kind, status, final.reason, ";".join(ids)))
    table = pd.DataFrame(out, columns=["record_id", "source", "kind", "status", "reason", "study_ids"])
    return ScreeningStatus(table=table)


def exclusion_table(records: pd.DataFrame, log: pd.DataFrame, stage: Stage = "full_text") -> pd.DataFrame:
    """Reports excluded at one stage, with their reason, for the book's table of exclusions.

    Parameters
    ----------
    records : the records table.
    log : the screening log.
    stage : ``"full_text"`` (default) or ``"title_abstract"``.

    Returns
    -------
    pandas.DataFrame
        Columns ``record_id``, ``authors``, ``year``, ``title``, ``source``, ``reason``
        (label from :data:`EXCLUSION_REASONS`), ``reason_code``, ``note``; sorted by reason
        then record id.

    Example
    -------
    >>> exclusion_table(records, log).reason.value_counts()  # doctest: +SKIP
    """
    check_choice("stage", stage, STAGES)
    log = check_log(log)
    rows = log[(log["stage"] == stage) & (log["decision"] == "exclude")]
    table = rows.merge(records[["record_id", "authors", "year", "title", "source"]], on="record_id", how="left")
    table["reason_code"] = table["reason"]
    table["reason"] = table["reason_code"].map(EXCLUSION_REASONS)
    columns = ["record_id", "authors", "year", "title", "source", "reason", "reason_code", "note"]
    return table[columns].sort_values(["reason", "record_id"]).reset_index(drop=True)
