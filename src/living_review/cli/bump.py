"""``living-review bump VERSION``: set the version in ``_version.py``, ``CITATION.cff`` and ``.zenodo.json``."""

from __future__ import annotations

import argparse
import datetime as dt
import sys

from living_review.core.markup import plain


def run(args: argparse.Namespace) -> int:
    from living_review.release.bump import set_version

    try:
        change = set_version(args.new_version, date=args.date or dt.date.today().isoformat())
    except ValueError as error:
        print(f"bump refused: {error}", file=sys.stderr)
        return 1
    print(change.summary())
    print("wrote src/living_review/_version.py, CITATION.cff, .zenodo.json; commit them before 'make release'")
    return 0


def register(subparsers) -> None:
    parser = subparsers.add_parser("bump", help="set the review's version everywhere it is written",
                                   description=plain(__doc__))
    parser.add_argument("new_version", metavar="VERSION", help="PEP 440 version newer than the current one")
    parser.add_argument("--date", metavar="YYYY-MM-DD", default=None,
                        help="date-released for CITATION.cff (default: today)")
    parser.set_defaults(func=run)
