"""``living-review validate [DATA_DIR]``: check the evidence data before anything is built.

Exit status 0 with a one-line OK summary (counts and fingerprint) when the data are valid, and,
on standard error, how many extracted values stand on a quote, on a declared derivation, or
on nothing yet (``data/quotes.csv``);
exit status 1 with every problem, one per line as ``FILE:LINE: column: what is wrong (how
to fix)``, when any error is found. Warnings are listed in both cases.

Example
-------
$ living-review validate data
OK data: 18 studies, 5 landmarks, 33 adverse events, 22 discrepancies, 12 previous-version inputs, 31 sources; 4 warning(s); fingerprint 15b0...
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

import pandas as pd

from living_review.data import DataValidationError
from living_review.data.quotes import quote_counts
from living_review.validation import load_validated


def run(args: argparse.Namespace) -> int:
    """Validate ``args.data_dir`` (default: the project's data folder); return the exit code."""
    try:
        evidence = load_validated(args.data_dir)
    except DataValidationError as exc:
        for problem in exc.problems:
            print(problem, file=sys.stderr)
        n_err = sum(p.severity == "error" for p in exc.problems)
        print(f"FAILED: {n_err} error(s), {len(exc.problems) - n_err} warning(s)", file=sys.stderr)
        return 1
    except FileNotFoundError as exc:
        print(f"FAILED: {exc}", file=sys.stderr)
        return 1
    for problem in evidence.warnings:
        print(problem, file=sys.stderr)
    if evidence.data_dir:  # the pages' fingerprint covers tracked files only: the two must agree
        from living_review.search.tracking import untracked_data, untracked_message

        untracked = untracked_data(Path(evidence.data_dir).parent, Path(evidence.data_dir).name)
        if untracked:
            print(f"FAILED: {untracked_message(untracked)}", file=sys.stderr)
            return 1
    print(quote_summary(evidence), file=sys.stderr)
    folder = evidence.data_dir.name if evidence.data_dir else "data"
    print(
        f"OK {folder}: {len(evidence.studies)} studies, {len(evidence.landmarks)} landmarks, "
        f"{len(evidence.adverse_events)} adverse events, {len(evidence.discrepancies)} discrepancies, "
        f"{len(evidence.previous_version_inputs)} previous-version inputs, {len(evidence.sources)} sources; "
        f"{len(evidence.warnings)} warning(s); "
        f"fingerprint {evidence.fingerprint}"
    )
    return 0


def quote_summary(evidence) -> str:
    """How many extracted values stand on a quote, on a derivation, or on nothing yet."""
    def rows(frame):
        return [(i + 2, {k: (None if pd.api.types.is_scalar(v) and pd.isna(v) else v) for k, v in r.items()})
                for i, r in enumerate(frame.to_dict("records"))]
    return "quotes: " + quote_counts(rows(evidence.quotes), rows(evidence.studies)).line()


def register(subparsers) -> None:
    """Add the ``validate`` sub-command."""
    parser = subparsers.add_parser(
        "validate",
        help="check the evidence data (types, vocabularies, counts, survival, identity, encoding)",
        description="Validate the evidence data against data/datapackage.json and list every problem.",
    )
    parser.add_argument("data_dir", nargs="?", type=Path, default=None, metavar="DATA_DIR",
                        help="data folder (default: <project root>/data)")
    parser.set_defaults(func=run)
