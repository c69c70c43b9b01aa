"""No command ends in a traceback: bad input gives FILE:LINE[:COLUMN]: message and a non-zero exit."""

from __future__ import annotations

import re
import shutil

import pytest

from living_review import cli
from living_review.cli import describe_error, main
from living_review.paths import project_root

LOCATED = re.compile(r"^\S+:\d+(:\d+)?: ", re.M)


@pytest.fixture
def data(tmp_path):
    target = tmp_path / "data"
    shutil.copytree(project_root() / "data", target)
    return target


def _replace(path, old, new):
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def _run(argv, capsys):
    status = main(argv)
    err = capsys.readouterr().err
    assert "Traceback" not in err
    return status, err


@pytest.mark.parametrize("file,old,new,where", [
    ("studies.csv", ",11,8,11,", ",11111111111111111111,8,11,", "data/studies.csv:2: n_enrolled:"),
    ("studies.csv", ",11,8,11,", ",1" + "1" * 399 + ",8,11,", "data/studies.csv:2: n_enrolled:"),
    ("datapackage.json", '"minimum": 0', '"minimum": "0"', "data/datapackage.json:"),
    ("datapackage.json", '"pattern": "^[a-z][a-z0-9_]*$"', '"pattern": "(["', "data/datapackage.json:35:"),
    ("datapackage.json", '"resources": [', '"resources": [[', "data/datapackage.json:"),
])
def test_validate_reports_bad_input_at_its_line(data, capsys, file, old, new, where):
    _replace(data / file, old, new)
    status, err = _run(["validate", str(data)], capsys)
    assert status == 1 and where in err


def test_search_import_of_a_wrong_case_ris_tag(tmp_path, capsys):
    export = tmp_path / "bad.ris"
    export.write_text("TY  - JOUR\nTi  - A title\nDB  - Embase\nER  - \n", encoding="utf-8")
    status, err = _run(["search", "import", str(export), "--search-date", "2025-01-01",
                        "--out", str(tmp_path / "records.csv")], capsys)
    assert status == 1 and "bad.ris:2: malformed RIS tag" in err


@pytest.mark.parametrize("text,where", [
    ("notebook: nb.md\nparameters: {a: [1\n", "grid.yaml:2:"),
    ("notebook: nb.md\nparameters:\n\ta: [1]\n", "grid.yaml:3:1: a tab"),
    ("42\n", "grid.yaml:1: the grid is 42"),
])
def test_sweep_with_an_unreadable_grid(tmp_path, capsys, text, where):
    grid = tmp_path / "grid.yaml"
    grid.write_text(text, encoding="utf-8")
    status, err = _run(["sweep", str(grid)], capsys)
    assert status != 0 and where in err


@pytest.mark.parametrize("option,name,value,message", [
    ("-p", "drug", "nosuchdrug", "'nosuchdrug' is not allowed (use one of: "),
    ("-s", "survival.landmarks_months", "[-3, 6]", "list of positive months"),
    ("-s", "survival.level", "5", "survival.level must lie strictly between 0 and 1"),
    ("-s", "meta_analysis.tau2_method", "XX", "choose one of DL, REML"),
])
def test_rerun_refuses_bad_parameters_before_running(tmp_path, capsys, option, name, value, message):
    template = project_root() / "notebooks" / "templates" / "drug_results.md"
    status, err = _run(["rerun", str(template), option, name, value, "--runs-dir", str(tmp_path)], capsys)
    assert status == 2 and message in err
    assert not list(tmp_path.iterdir())  # nothing ran


def test_an_unexpected_error_is_one_line_without_traceback(monkeypatch, capsys):
    def broken(args):
        raise ZeroDivisionError("division by zero")

    parser = cli.build_parser()
    monkeypatch.setattr(cli, "build_parser", lambda: parser)
    parser.set_defaults(func=broken)
    status, err = _run([], capsys)
    assert status == 3 and err.startswith("internal error: ZeroDivisionError: division by zero")
    monkeypatch.setenv(cli.TRACEBACK_VARIABLE, "1")
    assert main([]) == 3 and "Traceback" in capsys.readouterr().err


@pytest.mark.parametrize("error,start", [
    (FileNotFoundError(2, "No such file or directory", "x.csv"), "x.csv: No such file or directory"),
    (ValueError("x.csv:3: bad"), "error: x.csv:3: bad"),
    (KeyError("name_of_database"), "error: 'name_of_database'"),
])
def test_input_errors_exit_one(error, start):
    message, status = describe_error(error)
    assert status == 1 and message.startswith(start)


def test_yaml_and_json_errors_give_their_place():
    import json

    import yaml

    try:
        yaml.safe_load("a: [1\n")
    except yaml.YAMLError as error:
        message, status = describe_error(error)
    assert status == 1 and LOCATED.match(message)
    try:
        json.loads('{"a": }')
    except json.JSONDecodeError as error:
        message, status = describe_error(error)
    assert status == 1 and message.startswith("1:7: JSON syntax error")


@pytest.mark.parametrize("option,name,value,message", [
    ("-p", "outcomes", "[ORR", "outcomes: '[ORR' is not valid YAML"),
    ("-s", "survival.landmarks_months", "[3, 6", "value '[3, 6' is not valid YAML"),
])
def test_rerun_values_that_are_not_yaml(tmp_path, capsys, option, name, value, message):
    template = project_root() / "notebooks" / "templates" / "drug_results.md"
    status, err = _run(["rerun", str(template), option, name, value, "--runs-dir", str(tmp_path)], capsys)
    assert status == 2 and message in err
