"""No command ends in a traceback: bad input gives FILE:LINE[:COLUMN]: message and a non-zero exit."""

from __future__ import annotations

import re
import shutil

import pytest

from living_review import cli
from living_review.cli import describe_error, main
from living_review.core.paths import project_root

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
    (ValueError("x.csv:3: bad"), "x.csv:3: bad"),  # already located: shown as it is
    (ValueError("bad, somewhere"), "error: bad, somewhere"),
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


# Every valid form a spreadsheet saves a data file in, accepted by every command that reads it.
def _utf16_le(text):
    return b"\xff\xfe" + text.encode("utf-16-le")


def _utf16_be(text):
    return b"\xfe\xff" + text.encode("utf-16-be")


def _shuffled(text):
    import csv
    import io

    rows = list(csv.reader(io.StringIO(text)))
    out = io.StringIO()
    csv.writer(out, lineterminator="\n").writerows([list(reversed(r)) for r in rows])
    return out.getvalue().encode("utf-8")


VARIANTS = {
    "bom": lambda text: b"\xef\xbb\xbf" + text.encode("utf-8"),
    "crlf": lambda text: text.replace("\n", "\r\n").encode("utf-8"),
    "cr-only": lambda text: text.replace("\n", "\r").encode("utf-8"),
    "utf-16-le": _utf16_le,
    "utf-16-be": _utf16_be,
    "utf-16-le-crlf": lambda text: _utf16_le(text.replace("\n", "\r\n")),
    "shuffled": _shuffled,
}


def _save_as(path, variant):
    path.write_bytes(VARIANTS[variant](path.read_text(encoding="utf-8")))


@pytest.mark.parametrize("variant", sorted(VARIANTS))
def test_validate_accepts_every_valid_variant(data, capsys, variant):
    for name in ("studies.csv", "search/records.csv", "search/screening_log.csv", "km/index.csv"):
        _save_as(data / name, variant)
    status, err = _run(["validate", str(data)], capsys)
    assert status == 0, err


@pytest.mark.parametrize("variant", sorted(set(VARIANTS) - {"shuffled"}))
def test_validate_and_prisma_accept_every_csv_of_data_in_a_variant(data, capsys, monkeypatch, variant):
    for path in sorted(data.rglob("*.csv")):
        _save_as(path, variant)
    status, err = _run(["validate", str(data)], capsys)
    assert status == 0, err
    shutil.copy(project_root() / "_toc.yml", data.parent / "_toc.yml")
    monkeypatch.setenv("LIVING_REVIEW_ROOT", str(data.parent))
    status, err = _run(["prisma", "--json"], capsys)
    assert status == 0, err


@pytest.mark.parametrize("variant", sorted(VARIANTS))
def test_search_import_appends_to_a_table_saved_in_any_valid_variant(data, tmp_path, capsys, variant):
    from living_review.search.records import read_records

    records = data / "search" / "records.csv"
    before = read_records(records)
    _save_as(records, variant)
    saved = records.read_bytes()
    export = tmp_path / "new.ris"
    export.write_text("TY  - JOUR\nTI  - A new title\nDB  - Embase\nER  - \n", encoding="utf-8")
    status, err = _run(["search", "import", str(export), "--search-date", "2025-01-01", "--out", str(records)],
                       capsys)
    assert status == 0, err
    assert records.read_bytes().startswith(saved)  # appended, in the file's own encoding
    after = read_records(records)
    assert after.iloc[:-1].equals(before) and after["title"].iloc[-1] == "A new title"


@pytest.mark.parametrize("variant", sorted(VARIANTS))
def test_search_dedupe_reads_any_valid_variant(data, capsys, variant):
    records = data / "search" / "records.csv"
    status, _ = _run(["search", "dedupe", "--records", str(records), "--merge-log", str(data / "clean.csv")], capsys)
    assert status == 0
    for name in ("records.csv", "screening_log.csv"):
        _save_as(data / "search" / name, variant)
    status, err = _run(["search", "dedupe", "--records", str(records), "--merge-log", str(data / "variant.csv")],
                       capsys)
    assert status == 0, err
    assert (data / "variant.csv").read_bytes() == (data / "clean.csv").read_bytes()


@pytest.mark.parametrize("damage,where", [
    (lambda raw: raw.decode("utf-8").encode("utf-16-le"), "records.csv:1: -: file looks like UTF-16 without a "
     "byte-order mark"),
    (lambda raw: raw.replace(b"Kim M", b"Kim \xe9", 1), "records.csv:2: -: file is not UTF-8: byte 0xe9"),
])
def test_undecodable_records_are_located_by_every_command(data, capsys, damage, where):
    records = data / "search" / "records.csv"
    records.write_bytes(damage(records.read_bytes()))
    for argv in (["validate", str(data)], ["search", "dedupe", "--records", str(records)]):
        status, err = _run(argv, capsys)
        assert status == 1 and where in err, (argv, err)


# The commands of the update cycle (search run, screen, status) on bad input.
@pytest.fixture
def project(tmp_path, monkeypatch):
    root = tmp_path / "project"
    shutil.copytree(project_root() / "data", root / "data")
    shutil.copy(project_root() / "_toc.yml", root / "_toc.yml")
    monkeypatch.setenv("LIVING_REVIEW_ROOT", str(root))
    return root


def _export(tmp_path, body, header="record_id,stage,decision,reason,study_ids,note"):
    path = tmp_path / "q.csv"
    path.write_text(f"{header}\n{body}", encoding="utf-8")
    return path


@pytest.mark.parametrize("body,where", [
    ("rec-kim2021,title_abstract,maybe,,,\n", "q.csv:2: decision: 'maybe' is not allowed (use one of: include"),
    ("rec-kim2021,title_abstract,exclude,dull,,\n", "q.csv:2: reason: exclusion reason 'dull'"),
    ('rec-kim2021,title_abstract,include,,,"two\nlines"\nrec-ha2010,title_abstract,maybe,,,\n',
     "q.csv:4: decision: 'maybe'"),  # the record after a two-line note starts on line 4
    ('"rec-kim2021,title_abstract,include,,,\n', "q.csv:2: a quote opened on this line is never closed"),
    ("rec-nosuch,title_abstract,include,,,\n", "q.csv:2: record_id: 'rec-nosuch' is not a record of records.csv"),
])
def test_screen_import_of_a_bad_export_is_located(project, tmp_path, capsys, body, where):
    decisions = project / "data" / "search" / "screening_decisions.csv"
    status, err = _run(["screen", "--reviewer", "AB", "--import", str(_export(tmp_path, body))], capsys)
    assert status == 1 and err.startswith(where), err
    assert not decisions.exists()  # nothing recorded


def test_screen_import_without_a_column_names_the_header(project, tmp_path, capsys):
    path = _export(tmp_path, "rec-kim2021,title_abstract,include\n", header="record_id,stage,decision")
    status, err = _run(["screen", "--reviewer", "AB", "--import", str(path)], capsys)
    assert status == 1 and err.startswith("q.csv:1: missing column(s) ['reason']")


def test_screen_import_of_a_utf16_tab_separated_export(project, tmp_path, capsys):
    path = tmp_path / "q.txt"
    text = "record_id\tstage\tdecision\treason\nrec-kim2021\ttitle_abstract\tinclude\t\n"
    path.write_bytes(b"\xff\xfe" + text.replace("\n", "\r\n").encode("utf-16-le"))
    status, err = _run(["screen", "--reviewer", "AB", "--import", str(path)], capsys)
    assert status == 0, err
    assert "rec-kim2021,title_abstract,include" in (project / "data" / "search" / "screening_decisions.csv").read_text()


@pytest.mark.parametrize("argv,start", [
    (["--date", "2025-02-30"], "error: --date '2025-02-30' is not a real date YYYY-MM-DD (check day and month)"),
    (["--date", "2999-01-01"], "error: --date 2999-01-01 is after today"),
    (["--import", "/nonexistent-folder/q.csv"], "error: --import /nonexistent-folder/q.csv: the folder"),
    (["--import", "missing.csv"], "error: --import missing.csv: no such file"),
    (["--reviewer", "A1"], "error: reviewer 'A1' must be the reviewer's initials"),
])
def test_screen_refuses_bad_options(project, capsys, argv, start):
    status, err = _run(["screen", "--reviewer", "AB", *argv], capsys)
    assert status == 1 and err.startswith(start), err


def test_a_malformed_decisions_file_is_located_by_screen_and_status(project, capsys):
    decisions = project / "data" / "search" / "screening_decisions.csv"
    decisions.write_text("record_id,stage,decision,reason,study_ids,date,note,reviewer,role\n"
                         "rec-kim2021,title_abstract,include,,,2026-01-01,,ab1,screen\n", encoding="utf-8")
    for argv in (["screen", "--conflicts"], ["status"]):
        status, err = _run(argv, capsys)
        assert status == 1 and err.startswith("screening_decisions.csv:2: reviewer: reviewer 'ab1'"), (argv, err)


def test_search_run_refuses_an_unknown_source_before_any_request(project, capsys):
    status, err = _run(["search", "run", "nosuch"], capsys)
    assert status == 2 and err.startswith("error: unknown source 'nosuch' (use one of: pubmed, europepmc, ctgov)")


@pytest.mark.parametrize("argv,message", [
    (["--from", "2025-02-30"], "argument --from: '2025-02-30' is not a real date YYYY-MM-DD (check day and month)"),
    (["--to", "2999-01-01"], "argument --to: 2999-01-01 is after today"),
])
def test_search_run_refuses_bad_dates_before_any_request(project, capsys, argv, message):
    with pytest.raises(SystemExit) as info:
        main(["search", "run", *argv])
    err = capsys.readouterr().err
    assert info.value.code == 2 and message in err and "Traceback" not in err


@pytest.mark.parametrize("text,start", [
    ("saved_searches:\n\tsources: {}\n", "search_strategy.yaml:2:1: a tab is used for indentation"),
    ("saved_searches: {sources: [\n", "search_strategy.yaml:1:27: YAML syntax error"),
    ("42\n", "search_strategy.yaml:1: the file holds 42, not a mapping"),
])
def test_a_broken_strategy_file_is_located_by_search_run_and_status(project, capsys, text, start):
    (project / "data" / "search" / "search_strategy.yaml").write_text(text, encoding="utf-8")
    for argv in (["search", "run"], ["status"]):
        status, err = _run(argv, capsys)
        assert status == 1 and err.startswith(start), (argv, err)


def test_rerun_blames_a_refused_setting_on_its_option_not_on_review_yml(tmp_path, capsys):
    template = project_root() / "notebooks" / "templates" / "drug_results.md"
    status, err = _run(["rerun", str(template), "-s", "survival.level", "5", "--runs-dir", str(tmp_path)], capsys)
    assert status == 2 and err.startswith("-s survival.level 5: survival.level must lie strictly between 0 and 1")
    assert not list(tmp_path.iterdir())


@pytest.mark.parametrize("option,name", [("-p", "level"), ("-s", "survival.level")])
def test_a_400_digit_number_is_refused_without_traceback(tmp_path, capsys, option, name):
    template = project_root() / "notebooks" / "templates" / "drug_results.md"
    status, err = _run(["rerun", str(template), option, name, "9" * 400, "--runs-dir", str(tmp_path)], capsys)
    assert status == 2 and "a whole number of 400 digits is too large for a number" in err


def test_sweep_grid_with_a_400_digit_number(tmp_path, capsys):
    shutil.copy(project_root() / "notebooks" / "templates" / "drug_results.md", tmp_path / "nb.md")
    grid = tmp_path / "grid.yaml"
    grid.write_text(f"notebook: nb.md\nparameters:\n  level: [{'9' * 400}]\n", encoding="utf-8")
    status, err = _run(["sweep", str(grid), "--runs-dir", str(tmp_path / "runs")], capsys)
    assert status == 2 and err.startswith("grid.yaml:3: parameters.level = ") and "400 digits" in err


def test_rerun_of_a_missing_notebook(capsys):
    status, err = _run(["rerun", "notebooks/nosuch.md"], capsys)
    assert status == 2 and err.startswith("notebooks/nosuch.md: no such notebook (check the path)")


@pytest.mark.parametrize("raw,where", [
    ("title,authors\nA title,Kim M\n".encode("utf-16-le"), "x.csv:1: file looks like UTF-16 without a byte-order mark"),
    (b"title,authors\nA\x00 title,Kim M\n", "x.csv:2: control character U+0000 in the file"),
])
def test_search_import_of_an_undecodable_export(tmp_path, capsys, raw, where):
    export = tmp_path / "x.csv"
    export.write_bytes(raw)
    status, err = _run(["search", "import", str(export), "--search-date", "2025-01-01", "--source", "WoS",
                        "--out", str(tmp_path / "records.csv")], capsys)
    assert status == 1 and err.startswith(where), err
