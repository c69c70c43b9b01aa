"""The help of the search and screening commands is complete: every option explained, every
command described, the environment of `search run` named."""

from __future__ import annotations

import argparse

import pytest

from living_review.cli import build_parser, main

COMMANDS = ("search", "screen", "status", "prisma", "add-study")


def _walk(parser, name):
    yield name, parser
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            for sub, child in action.choices.items():
                yield from _walk(child, f"{name} {sub}")


def test_every_option_of_the_search_commands_has_help():
    top = build_parser()
    (subparsers,) = [a for a in top._actions if isinstance(a, argparse._SubParsersAction)]
    for command in COMMANDS:
        for name, parser in _walk(subparsers.choices[command], command):
            assert parser.description, f"{name} has no description"
            for action in parser._actions:
                if not isinstance(action, (argparse._HelpAction, argparse._SubParsersAction)):
                    assert action.help, f"{name} {action.option_strings or action.dest} has no help"


def test_top_level_and_search_run_help(capsys):
    with pytest.raises(SystemExit):
        main(["--help"])
    assert "search run" in capsys.readouterr().out
    with pytest.raises(SystemExit):
        main(["search", "run", "--help"])
    out = capsys.readouterr().out
    for word in ("NCBI_API_KEY", "NCBI_EMAIL", "LIVING_REVIEW_PUBMED_URL", "LIVING_REVIEW_EUROPEPMC_URL",
                 "LIVING_REVIEW_CTGOV_URL", "first_date, 2023-09-03", "--accept-phrase-not-found"):
        assert word in out


def test_no_help_screen_prints_restructuredtext_and_every_option_is_explained():
    top = build_parser()
    (subparsers,) = [a for a in top._actions if isinstance(a, argparse._SubParsersAction)]
    for command, sub in subparsers.choices.items():
        for name, parser in _walk(sub, command):
            text = parser.format_help()
            for markup in ("``", ":mod:", ":func:", ":class:"):
                assert markup not in text, f"'{name} --help' prints {markup!r}"
            assert parser.description, f"{name} has no description"
            for action in parser._actions:
                if not isinstance(action, (argparse._HelpAction, argparse._SubParsersAction)):
                    assert action.help, f"{name} {action.option_strings or action.dest} has no help"


def test_plain_help_text_removes_roles_and_literals():
    from living_review.core.markup import plain

    assert plain("``a b``: see :func:`~x.y` and :mod:`z`") == "a b: see x.y and z"
    assert plain(None) == ""
