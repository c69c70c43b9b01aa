"""``living-review search``: import search exports into the records table and deduplicate it.

``living-review search import FILE... --search-date YYYY-MM-DD [--source NAME] [--out CSV]``
    appends the records of each export to the records table (``data/search/records.csv``).
``living-review search dedupe [--records CSV] [--merge-log CSV] [--threshold 95]``
    writes the merge log; the records table itself keeps every record.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from living_review.cli import describe_error
from living_review.search.importers import FORMATS


def _search_dir() -> Path:
    from living_review.core.paths import data_dir

    return data_dir() / "search"


def register(subparsers) -> None:
    parser = subparsers.add_parser(
        "search", help="run the saved searches, import search exports, deduplicate records",
        description="The search steps of an update: `search run` reruns the saved searches (PubMed, Europe PMC, "
                    "ClinicalTrials.gov) from their last run; `search import` adds a database export (RIS, "
                    "MEDLINE/nbib, Rayyan or ASReview CSV); `search dedupe` writes the merge log. Then: "
                    "living-review screen.")
    sub = parser.add_subparsers(dest="search_command", metavar="ACTION")
    imp = sub.add_parser("import", help="add RIS, MEDLINE/nbib or Rayyan/ASReview CSV exports to the records table",
                         description="Append the records of database exports to data/search/records.csv (existing "
                                     "lines are kept byte for byte). Each file is recorded by its content in "
                                     "data/search/imports.json, so that an export imported before (or a renamed copy "
                                     "of it) is refused. Commit records.csv and imports.json.")
    imp.add_argument("files", nargs="+", type=Path, metavar="FILE", help="export files (.ris, .nbib/.medline, .csv)")
    imp.add_argument("--search-date", required=True, help="ISO date the search was run (YYYY-MM-DD)")
    imp.add_argument("--source", help="database name (required for CSV; default: RIS DB tag, PubMed for MEDLINE)")
    imp.add_argument("--format", default="auto", choices=FORMATS, dest="fmt",
                     help="format of every file (default auto: by suffix, else by the first line)")
    imp.add_argument("--out", type=Path, help="records table to append to (default data/search/records.csv)")
    imp.add_argument("--replace", action="store_true", help="overwrite the table instead of appending")
    imp.set_defaults(func=run_import)
    ded = sub.add_parser("dedupe", help="find duplicates and write the merge log",
                         description="Find duplicate records (same DOI, PMID or, between register records, registry "
                                     "id; else the same title by fuzzy match within year and first author) and write "
                                     "the merge log; the records table keeps every record.")
    ded.add_argument("--records", type=Path, help="records table (default data/search/records.csv)")
    ded.add_argument("--merge-log", type=Path, help="merge log to write (default data/search/merge_log.csv)")
    ded.add_argument("--threshold", type=float, default=95.0, help="title similarity 0-100 (default 95)")
    ded.add_argument("--workers", type=int, default=1, help="threads for the fuzzy title match (default 1)")
    ded.set_defaults(func=run_dedupe)
    from living_review.cli.search_run import add_run_parser

    add_run_parser(sub)
    parser.set_defaults(func=lambda args: (parser.print_help(), 2)[1])


def run_import(args: argparse.Namespace) -> int:
    from living_review.search.importers import import_files
    from living_review.search.records import append_records, read_records, write_records

    from living_review.search.import_log import LOG_NAME, check_not_imported, log_imports
    from living_review.core.words import count

    out = args.out or _search_dir() / "records.csv"
    ledger = out.with_name(LOG_NAME)
    try:
        for path in args.files:
            if not Path(path).is_file():
                raise FileNotFoundError(f"{path}: no such file (check the path)")
        if not args.replace:
            check_not_imported(args.files, ledger)
        new = import_files(args.files, search_date=args.search_date, source=args.source, fmt=args.fmt)
        if out.exists() and not args.replace:
            append_records(new, out)  # existing lines are kept byte for byte
            total = len(read_records(out))
        else:
            total = len(write_records(new, out) and new)
            ledger.unlink(missing_ok=True)
        log_imports(args.files, new, ledger, search_date=args.search_date)
    except (ValueError, FileNotFoundError) as err:
        print(describe_error(err)[0], file=sys.stderr)
        return 1
    print(f"{out}: {count(len(new), 'record')} added, {total} in all; {ledger.name} records the "
          f"{'file' if len(args.files) == 1 else 'files'} by content")
    return 0


def run_dedupe(args: argparse.Namespace) -> int:
    from living_review.search.dedupe import dedupe
    from living_review.search.records import read_records

    records = args.records or _search_dir() / "records.csv"
    target = args.merge_log or records.with_name("merge_log.csv")
    try:
        from living_review.search.decisions import screened_ids

        result = dedupe(read_records(records), threshold=args.threshold, workers=args.workers,
                        keep_first=screened_ids(records.parent))
    except (ValueError, FileNotFoundError) as err:
        print(describe_error(err)[0], file=sys.stderr)
        return 1
    result.merge_log.to_csv(target, index=False)
    print(result.summary())
    print(f"merge log: {target}")
    return 0
