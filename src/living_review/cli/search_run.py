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

from living_review.cli import describe_error


def register(subparsers) -> None:
    """Nothing at the top level: ``search run`` is a sub-command of ``search``."""


def _date(text: str) -> dt.date:
    from living_review.core.dates import build_date

    try:
        day = dt.date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a real date YYYY-MM-DD (check day and month)") from None
    if day > build_date():
        raise argparse.ArgumentTypeError(f"{text} is after today, {build_date().isoformat()} (a search cannot cover "
                                         "days to come; omit it for today)")
    return day


def _first_date() -> str:
    try:
        from living_review.core.paths import data_dir
        from living_review.search.sources import load_saved_searches

        searches = load_saved_searches(data_dir() / "search" / "search_strategy.yaml")
        return sorted({s.first_date for s in searches.values()})[0]
    except Exception:  # the help must print even where the project cannot be read
        return ""


def _description() -> str:
    from living_review.search.sources import SOURCE_KEYS, url_variable

    first = _first_date()
    return "\n".join([
        "Rerun each saved search of data/search/search_strategy.yaml and append what it",
        "finds to data/search/records.csv.",
        "",
        "Dates: a source's run starts at the end date of its last run (the run.json files",
        "of data/search/runs/<source>/: commit them), so that no day is missed; its first",
        "run starts at saved_searches.first_date" + (f", {first}." if first else "."),
        "Every raw response and run.json (the requests as sent) go to",
        "data/search/runs/<source>/<date>/; a run that fails writes nothing.",
        "",
        "Environment variables:",
        f"  {'NCBI_API_KEY':<28} PubMed: 10 requests a second instead of 3 (never saved)",
        f"  {'NCBI_EMAIL':<28} PubMed: sent as email, with tool=living-review, as NCBI asks",
        *[f"  {url_variable(k):<28} base URL of {k} (default: base_url in the strategy file)"
          for k in SOURCE_KEYS],
        "",
        "Next: living-review search dedupe, then living-review screen.",
    ])


def add_run_parser(sub) -> None:
    from living_review.search.sources import SOURCE_KEYS

    run = sub.add_parser("run", help="rerun the saved searches (PubMed, Europe PMC, ClinicalTrials.gov)",
                         description=_description(), formatter_class=argparse.RawDescriptionHelpFormatter)
    run.add_argument("sources", nargs="*", metavar="SOURCE",
                     help=f"sources to run, of {', '.join(SOURCE_KEYS)} (default: all saved searches)")
    run.add_argument("--from", dest="start", type=_date, help="first date (default: the last search date)")
    run.add_argument("--to", dest="end", type=_date, help="last date (default: today)")
    run.add_argument("--accept-phrase-not-found", action="store_true",
                     help="run on although PubMed reports a query term it does not know (PhraseNotFound); "
                          "without it that is an error, since it is most often a typo in the saved query")
    run.set_defaults(func=run_saved_searches)


def run_saved_searches(args: argparse.Namespace) -> int:
    from living_review.core.paths import data_dir
    from living_review.search.http import SearchError
    from living_review.search.run import run_search
    from living_review.search.sources import load_saved_searches

    search_dir = data_dir() / "search"
    try:
        searches = load_saved_searches(search_dir / "search_strategy.yaml")
    except (ValueError, FileNotFoundError) as err:
        print(describe_error(err)[0], file=sys.stderr)
        return 1
    from living_review.search.sources import SOURCE_KEYS

    keys = args.sources or list(searches)
    strange = [k for k in keys if k not in SOURCE_KEYS]
    if strange:
        print(f"error: unknown source {', '.join(map(repr, strange))} (use one of: {', '.join(SOURCE_KEYS)})",
              file=sys.stderr)
        return 2
    unknown = [k for k in keys if k not in searches]
    if unknown:
        print(f"{search_dir / 'search_strategy.yaml'}: no saved search for {', '.join(unknown)} (add one, or run "
              f"one of: {', '.join(searches)})", file=sys.stderr)
        return 1
    failed = 0
    for key in keys:
        try:
            result = run_search(searches[key], search_dir, start=args.start, end=args.end,
                                accept_phrase_not_found=args.accept_phrase_not_found)
        except (SearchError, ValueError) as err:
            print(describe_error(err)[0], file=sys.stderr)
            failed += 1
            continue
        print(result.summary())
    if not failed:
        print("next: living-review search dedupe, then living-review screen")
    return 1 if failed else 0
