"""The ``living-review`` command line.

Each sub-command lives in its own module of this package and exposes
``register(subparsers)``, which adds its parser and sets ``func`` to the function that
runs it and returns the exit code. Modules are discovered, so adding a command never
touches this file.

No command ever ends in a Python traceback: :func:`main` turns every exception that
escapes a command into one message on standard error and a non-zero exit status
(1 for bad input, 3 for an internal error; 130 when interrupted). Bad input (a
``ValueError``, a file that cannot be read or decoded, YAML or JSON syntax) is shown as
``FILE:LINE[:COLUMN]: what is wrong`` where the error knows its place. Set
``LIVING_REVIEW_TRACEBACK=1`` to see the traceback of an internal error.
"""

from __future__ import annotations

import argparse
import json
import os
import pkgutil
import re
import sys
import traceback
from importlib import import_module

from living_review._version import __version__


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="living-review",
        description="Tools for the living systematic review: validate data, search and PRISMA, reruns.",
        epilog="An update: living-review search run (or search import FILE), search dedupe, screen, status, "
               "prisma, then make validate and make book. `living-review COMMAND --help` says more.",
    )
    parser.add_argument("--version", action="version", version=f"%(prog)s {__version__}")
    subparsers = parser.add_subparsers(dest="command", metavar="COMMAND")
    for info in sorted(pkgutil.iter_modules(__path__), key=lambda m: m.name):
        module = import_module(f"{__name__}.{info.name}")
        module.register(subparsers)
    return parser


TRACEBACK_VARIABLE = "LIVING_REVIEW_TRACEBACK"
_LOCATED = re.compile(r"^[^\s:]+:\d+(:\d+)?: ")


def describe_error(error: BaseException) -> tuple[str, int]:
    """(message, exit status) for an exception that escaped a command."""
    import yaml

    from living_review.core.problems import DataValidationError

    from living_review.search.http import SearchError

    if isinstance(error, SearchError):  # an API that failed: its own message, and what to do
        return f"error: {error.message}\n  what to do: {error.advice}", 1
    if isinstance(error, DataValidationError):
        lines = [str(p) for p in error.problems]
        n_err = sum(p.severity == "error" for p in error.problems)
        return "\n".join(lines + [f"FAILED: {n_err} error(s), {len(lines) - n_err} warning(s)"]), 1
    if isinstance(error, yaml.MarkedYAMLError) and error.problem_mark is not None:
        mark = error.problem_mark
        name = mark.name if mark.name and not mark.name.startswith("<") else "<yaml>"
        return (f"{name}:{mark.line + 1}:{mark.column + 1}: YAML syntax error: {error.problem} "
                "(check the indentation, colons and brackets)"), 1
    if isinstance(error, json.JSONDecodeError):
        return f"{error.lineno}:{error.colno}: JSON syntax error: {error.msg} (fix the JSON syntax there)", 1
    if isinstance(error, UnicodeDecodeError):
        return (f"a file is not UTF-8: byte 0x{error.object[error.start]:02x} at offset {error.start} "
                "cannot be decoded (re-save it as UTF-8)"), 1
    if isinstance(error, OSError) and error.filename:
        return f"{error.filename}: {error.strerror or error} (check the path)", 1
    if isinstance(error, (ValueError, OSError, LookupError)):
        text = str(error)
        # a message that already starts with its place (FILE:LINE:) is shown as it is
        return (text if _LOCATED.match(text) else f"error: {text}"), 1
    return (f"internal error: {type(error).__name__}: {error} (this is a bug, not your input; "
            f"set {TRACEBACK_VARIABLE}=1 to see where it happened and report it)"), 3


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    if not getattr(args, "func", None):
        parser.print_help()
        return 2
    try:
        return int(args.func(args) or 0)
    except KeyboardInterrupt:
        print("interrupted", file=sys.stderr)
        return 130
    except Exception as error:  # the one place where no traceback may pass
        if os.environ.get(TRACEBACK_VARIABLE):
            traceback.print_exc()
        message, status = describe_error(error)
        print(message, file=sys.stderr)
        return status


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
