"""``living-review search run``: rerun the saved searches and import what they find.

``living-review search run [SOURCE...] [--from YYYY-MM-DD] [--to YYYY-MM-DD]`` runs the
saved search of each source named (default: every source of ``search_strategy.yaml``),
from the source's last search date (or ``--from``) to today (or ``--to``). The parser is
added under ``search`` by :mod:`living_review.cli.search`.
"""

from __future__ import annotations

import argparse
import datetime as dt
import sys


def register(subparsers) -> None:
    """Nothing at the top level: ``search run`` is a sub-command of ``search``."""


def _date(text: str) -> dt.date:
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not an ISO date YYYY-MM-DD") from None


def add_run_parser(sub) -> None:
    from living_review.search.sources import SOURCE_KEYS

    run = sub.add_parser("run", help="rerun the saved searches (PubMed, Europe PMC, ClinicalTrials.gov)")
    run.add_argument("sources", nargs="*", choices=[[], *SOURCE_KEYS], metavar="SOURCE",
                     help=f"sources to run, of {', '.join(SOURCE_KEYS)} (default: all saved searches)")
    run.add_argument("--from", dest="start", type=_date, help="first date (default: the last search date)")
    run.add_argument("--to", dest="end", type=_date, help="last date (default: today)")
    run.set_defaults(func=run_saved_searches)


def run_saved_searches(args: argparse.Namespace) -> int:
    from living_review.paths import data_dir
    from living_review.search.http import SearchError
    from living_review.search.run import run_search
    from living_review.search.sources import load_saved_searches

    search_dir = data_dir() / "search"
    try:
        searches = load_saved_searches(search_dir / "search_strategy.yaml")
    except (ValueError, FileNotFoundError) as err:
        print(f"error: {err}", file=sys.stderr)
        return 1
    keys = args.sources or list(searches)
    unknown = [k for k in keys if k not in searches]
    if unknown:
        print(f"error: no saved search for {unknown} in search_strategy.yaml; saved: {list(searches)}",
              file=sys.stderr)
        return 1
    failed = 0
    for key in keys:
        try:
            result = run_search(searches[key], search_dir, start=args.start, end=args.end)
        except (SearchError, ValueError) as err:
            print(f"error: {err}", file=sys.stderr)
            failed += 1
            continue
        print(result.summary())
    if not failed:
        print("next: living-review search dedupe, then living-review screen")
    return 1 if failed else 0
