"""``living-review status``: what an update would change, in one screen.

When each saved search last ran, how many records await screening (and conflicts), which
included studies are not yet in ``data/studies.csv``, and whether the built book is stale
against the data (:mod:`living_review.search.status`).
"""

from __future__ import annotations

import argparse
import sys

from living_review.cli import describe_error


def register(subparsers) -> None:
    parser = subparsers.add_parser(
        "status", help="searches, screening queue, studies to extract, stale build",
        description="When each saved search last ran, how many records await screening (and which the PRISMA "
                    "diagram counts as awaiting), conflicts, included studies not yet in data/studies.csv, data "
                    "files git does not track, and whether the built book is stale against the data.")
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    from living_review.core.paths import build_dir, project_root
    from living_review.search.sources import reviewers_per_record
    from living_review.search.status import review_status

    try:
        root = project_root()
        required = reviewers_per_record(root / "data" / "search" / "search_strategy.yaml")
        status = review_status(root, build_dir(), required)
    except (ValueError, FileNotFoundError) as err:
        print(describe_error(err)[0], file=sys.stderr)
        return 1
    print(status.summary())
    return 0
