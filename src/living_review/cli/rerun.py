"""``living-review rerun`` and ``living-review sweep``: chapters with other parameters.

``rerun NOTEBOOK -p NAME VALUE ... -s SECTION.KEY VALUE ...`` runs one jupytext notebook
with the given parameters, checked against its ``parameters`` cell, and with analysis
settings of ``review.yml`` changed for this run only; ``sweep GRID.yaml`` runs a grid of them in
parallel and writes one results table. See :mod:`living_review.runs.rerun` and
:mod:`living_review.runs.sweep` for the conventions.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from living_review.core.paths import project_root

# The engines (papermill, jupytext, pandas) are imported when a command runs, so that
# every other sub-command of the discovered CLI starts fast.


def _display(path: Path) -> str:
    try:
        return path.resolve().relative_to(project_root()).as_posix()
    except (ValueError, FileNotFoundError):
        return str(path)


def _not_a_chapter(path: Path) -> str | None:
    """Why ``path`` cannot be rerun alone, or ``None``: a rerun runs one chapter (``notebooks/``) in a
    folder of its own, and the pages of ``book/`` (the changelog compares the whole book's ledger
    with the releases) are built from every chapter's records."""
    try:
        rel = path.resolve().relative_to(project_root())
    except ValueError:
        return None  # a notebook outside the project: a chapter of someone's own
    if rel.parts and rel.parts[0] == "book":
        return (f"{rel.as_posix()}: not a chapter: this page is built from the records of every chapter, and a rerun "
                "runs one chapter alone; rerun the chapters you need (notebooks/...) or rebuild the book (make html)")
    return None


def _blame_option(message: str, settings: dict) -> str:
    """A refused value given with ``-s`` is blamed on the option, not on ``review.yml``."""
    prefix = "review.yml: "
    named = next((n for n in settings if message.startswith(f"{prefix}{n}")), None)
    if named is None:
        return message
    value = str(settings[named])
    value = value if len(value) <= 40 else f"{value[:20]}...({len(value)} characters)"
    return f"-s {named} {value}: {message[len(prefix):]} (the value given for this run)"


def rerun(args: argparse.Namespace) -> int:
    from living_review.runs.notebook_parameters import ParameterError
    from living_review.runs.rerun import run_notebook

    from living_review.settings import SettingsError

    given, settings = {}, {}
    for kind, pairs, into in (("parameter", args.parameters, given), ("setting", args.settings, settings)):
        for name, value in pairs or []:
            if name in into:
                print(f"{kind} {name!r} given twice", file=sys.stderr)
                return 2
            into[name] = value
    if not Path(args.notebook).is_file():
        print(f"{args.notebook}: no such notebook (check the path)", file=sys.stderr)
        return 2
    refused = _not_a_chapter(Path(args.notebook))
    if refused:
        print(refused, file=sys.stderr)
        return 2
    try:
        result = run_notebook(Path(args.notebook), given, runs_dir=args.runs_dir, settings=settings)
    except SettingsError as error:
        print(_blame_option(str(error), settings), file=sys.stderr)
        return 2
    except (ParameterError, FileNotFoundError) as error:
        print(error, file=sys.stderr)
        return 2
    print(result.summary())
    for path in (result.notebook, result.html, result.folder / "run.json"):
        if path is not None and path.exists():
            print(f"wrote {_display(path)}")
    return 0 if result.status == "ok" else 1


def sweep(args: argparse.Namespace) -> int:
    from living_review.runs.sweep import run_sweep

    try:
        result = run_sweep(Path(args.grid), max_workers=args.workers, runs_dir=args.runs_dir)
    except (ValueError, FileNotFoundError) as error:
        print(error, file=sys.stderr)
        return 2
    print(result.summary())
    print(f"wrote {_display(result.csv)}")
    return 0 if result.failed.empty else 1


def register(subparsers) -> None:
    one = subparsers.add_parser(
        "rerun", help="run a chapter with other parameters into runs/<time>-<hash>/",
        description="Run a jupytext notebook with parameters checked against its 'parameters' cell; "
                    "write the executed notebook, an HTML export and run.json under runs/.",
    )
    one.add_argument("notebook", help="the jupytext notebook (.md)")
    one.add_argument("-p", "--parameter", dest="parameters", nargs=2, action="append", metavar=("NAME", "VALUE"),
                     help="a parameter and its value (YAML: true, 0.9, [ORR, DCR]); repeat for more")
    one.add_argument("-s", "--setting", dest="settings", nargs=2, action="append", metavar=("SECTION.KEY", "VALUE"),
                     help="change a review.yml analysis setting for this run, for any chapter "
                          "(e.g. -s meta_analysis.hakn true); repeat for more")
    one.add_argument("--runs-dir", type=Path, default=None, help="where run folders go (default: runs/)")
    one.set_defaults(func=rerun)

    grid = subparsers.add_parser(
        "sweep", help="run a parameter grid in parallel and collect one results table",
        description="Run every combination of GRID.yaml ('notebook:' and 'parameters: {name: [values]}') "
                    "in parallel; a failed run is reported and the others go on.",
    )
    grid.add_argument("grid", help="the grid file (YAML)")
    grid.add_argument("--workers", type=int, default=2, help="processes running at once (default 2)")
    grid.add_argument("--runs-dir", type=Path, default=None, help="where run folders and the table go (default: runs/)")
    grid.set_defaults(func=sweep)
