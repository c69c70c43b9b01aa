"""``living-review add-study RECORD_ID [STUDY_ID]``: skeleton rows of a new cohort from its screening record.

Writes ``STUDY_ID.studies.csv`` and ``STUDY_ID.eligibility_assessments.csv`` (header and one
row each) into ``--out-dir`` and lists every required field left to fill; the rows are then
completed from the report and appended to ``data/studies.csv`` and
``data/search/eligibility_assessments.csv`` (:mod:`living_review.search.add_study`).
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from living_review.cli import describe_error


def register(subparsers) -> None:
    parser = subparsers.add_parser(
        "add-study", help="skeleton rows of a new cohort (studies.csv, eligibility) from its screening record",
        description="Write the skeleton rows a new cohort needs, filled from its screening record (first author, "
                    "year, journal, citation, DOI, PMID, registry id, record id), every other required field "
                    "marked FILL with what it takes. Complete them from the report, then append each row to "
                    "data/studies.csv and data/search/eligibility_assessments.csv (no FILL may remain: "
                    "a free-text field would pass validation with it).")
    parser.add_argument("record_id", metavar="RECORD_ID", help="the record included at full text (records.csv)")
    parser.add_argument("study_id", nargs="?", metavar="STUDY_ID",
                        help="the new study id (default: the study id recorded with its full-text inclusion)")
    parser.add_argument("--out-dir", type=Path, default=Path("."), help="folder for the two skeleton files "
                        "(default: the current folder)")
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    from living_review.core.paths import data_dir
    from living_review.search.add_study import skeleton_rows

    try:
        if not args.out_dir.is_dir():
            raise ValueError(f"--out-dir {args.out_dir}: no such folder (create it, or give another)")
        skeleton = skeleton_rows(data_dir(), args.record_id, args.study_id)
    except (ValueError, FileNotFoundError) as err:
        print(describe_error(err)[0], file=sys.stderr)
        return 1
    for table, row in (("studies", skeleton.studies), ("eligibility_assessments", skeleton.eligibility)):
        path = args.out_dir / f"{skeleton.study_id}.{table}.csv"
        path.write_text(skeleton.csv_text(row), encoding="utf-8")
        print(f"{path}: skeleton row for data/{'search/' if table.startswith('elig') else ''}{table}.csv")
    print(skeleton.summary())
    return 0
