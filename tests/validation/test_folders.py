"""validate covers all of data/: digitised curves, search logs, strategy dates, the bibliography."""

from __future__ import annotations

import datetime as dt
import shutil

import pytest

from living_review.validation import validate
from living_review.core.dates import build_date, date_problem
from living_review.core.paths import project_root
from tests.data.conftest import read_rows, write_rows

INDEX_ROW = {"curve_file": "wirth2021_OS_lenvatinib.csv", "at_risk_file": "", "study_id": "wirth2021",
             "endpoint": "OS", "arm": "lenvatinib", "figure": "2B", "page": "5", "source": "PMID 1",
             "time_unit": "months", "survival_scale": "", "n_patients": "20", "total_events": "",
             "digitised_by": "AB", "digitised_on": "2026-11-22", "software": "WebPlotDigitizer 4.6", "notes": ""}


def _errors(folder):
    return [p for p in validate(folder) if p.severity == "error"]


def _index(data_copy, **changes):
    path = data_copy.path("km/index.csv")
    header = read_rows(path)[0]
    row = {**INDEX_ROW, **changes}
    write_rows(path, [header, [row[c] for c in header]])
    return path


def test_a_good_curve_passes(data_copy):
    _index(data_copy)
    data_copy.path("km/wirth2021_OS_lenvatinib.csv").write_text("0,1.0\n2,0.8\n4,0.5\n")
    assert _errors(data_copy.dir) == []


@pytest.mark.parametrize("changes,column,message", [
    ({}, "curve_file", "file 'wirth2021_OS_lenvatinib.csv' is not in data/km/"),
    ({"study_id": "nobody2020"}, "study_id", "'nobody2020' is not a study_id of studies.csv"),
    ({"digitised_on": "2023-02-30"}, "digitised_on", "'2023-02-30' is not a real date"),
    ({"digitised_on": "2999-01-01"}, "digitised_on", "is after the build date"),
    ({"endpoint": "DFS"}, "endpoint", "'DFS' is not allowed"),
    ({"n_patients": "", "at_risk_file": ""}, "n_patients", "give at_risk_file"),
    ({"software": ""}, "software", "required value is empty"),
])
def test_curve_index_problems_are_found_at_their_line(data_copy, changes, column, message):
    _index(data_copy, **changes)
    if not changes.get("study_id") and changes:
        data_copy.path("km/wirth2021_OS_lenvatinib.csv").write_text("0,1.0\n2,0.8\n")
    found = [p for p in _errors(data_copy.dir) if p.column == column]
    assert found and (found[0].file, found[0].line) == ("data/km/index.csv", 2) and message in found[0].message


def test_a_broken_curve_file_is_reported_at_its_own_line(data_copy):
    _index(data_copy)
    data_copy.path("km/wirth2021_OS_lenvatinib.csv").write_text("0,1.0\n2;0,8\n")
    (p,) = _errors(data_copy.dir)
    assert (p.file, p.line) == ("data/km/wirth2021_OS_lenvatinib.csv", 2)


def test_unknown_study_in_the_screening_log_is_reported_at_its_line(data_copy):
    path = data_copy.path("search/screening_log.csv")
    rows = read_rows(path)
    column = rows[0].index("study_ids")
    line = next(i for i, r in enumerate(rows[1:], start=2) if r[column])
    rows[line - 1][column] = "nobody2020"
    write_rows(path, rows)
    problems = _errors(data_copy.dir)
    assert [(p.file, p.line, p.column) for p in problems] == [("data/search/screening_log.csv", line, "study_ids")]
    assert "'nobody2020' not a study_id of studies.csv" in problems[0].message


def test_future_search_date_is_an_error(data_copy):
    path = data_copy.path("search/records.csv")
    rows = read_rows(path)
    rows[3][rows[0].index("search_date")] = "2999-01-01"
    write_rows(path, rows)
    (p,) = _errors(data_copy.dir)
    assert (p.file, p.line, p.column) == ("data/search/records.csv", 4, "search_date")


def test_strategy_dates_and_syntax(data_copy):
    path = data_copy.path("search/search_strategy.yaml")
    text = path.read_text(encoding="utf-8")
    path.write_text(text.replace('search_date: "2026-11-21"', 'search_date: "2026-11-31"', 1), encoding="utf-8")
    (p,) = _errors(data_copy.dir)
    assert p.file == "data/search/search_strategy.yaml" and p.column == "search_date" and "not a real date" in p.message
    assert p.line == text[: text.index('search_date: "2026-11-21"')].count("\n") + 1
    path.write_text(text + "\n  bad: [\n", encoding="utf-8")
    (p,) = _errors(data_copy.dir)
    assert p.file == "data/search/search_strategy.yaml" and "YAML syntax error" in p.message and p.line > 1


def _without_entry(tmp_path, study_id):
    shutil.copytree(project_root() / "data", tmp_path / "data")
    (tmp_path / "book").mkdir()
    bib = (project_root() / "book" / "references.bib").read_text(encoding="utf-8")
    (tmp_path / "book" / "references.bib").write_text(bib.replace(f"@article{{{study_id},", f"@article{{{study_id}x,"))
    return next(i for i, r in enumerate(read_rows(tmp_path / "data" / "studies.csv"), 1) if r[0] == study_id)


def test_a_study_without_bibliography_entry_is_generated_not_reported(tmp_path):
    _without_entry(tmp_path, "kim2021")
    assert not _errors(tmp_path / "data")


def test_a_study_whose_entry_cannot_be_generated_is_reported_at_its_line(tmp_path):
    line = _without_entry(tmp_path, "pms_japan2020")  # no author in the data, none in its search record
    (p,) = _errors(tmp_path / "data")
    assert (p.file, p.line, p.column) == ("data/studies.csv", line, "study_id")
    assert p.message.startswith("no entry for 'pms_japan2020' in book/references.bib, and none can be generated: "
                                "first_author 'not shown in sources read' is not a name")


def test_the_project_bibliography_has_every_study():
    assert not [p for p in validate() if "references.bib" in p.message]


def test_build_date_follows_source_date_epoch(monkeypatch):
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "0")
    assert build_date() == dt.date(1970, 1, 1)
    monkeypatch.delenv("SOURCE_DATE_EPOCH")
    assert build_date() == dt.date.today()
    assert date_problem("2020-01-01", "x", today=dt.date(2019, 12, 31)).startswith("2020-01-01 is after")
    assert date_problem("2020-01-01", "x", today=dt.date(2020, 1, 1)) is None


@pytest.mark.parametrize("name,text,where", [
    ("search_strategy.yaml", "42\n", ("data/search/search_strategy.yaml", 1, "the file holds 42, not a mapping")),
    ("search_strategy.yaml", "saved_searches:\n\tsources: {}\n",
     ("data/search/search_strategy.yaml", 2, "column 1: a tab is used for indentation")),
    ("search_strategy.yaml", "saved_searches:\n  first_date: '2023-01-01'\n  sources:\n    scopus: {}\n",
     ("data/search/search_strategy.yaml", 4, "saved_searches.sources.scopus: unknown source")),
    ("merge_log.csv", 'removed_id,kept_id\n"x,y\n', ("data/search/merge_log.csv", 2, "a quote opened on this line")),
    ("screening_decisions.csv", "record_id,stage,decision,reason,study_ids,date,note,reviewer,role\n"
     "rec-kim2021,title_abstract,include,,,2026-01-01,,ab1,screen\n",
     ("data/search/screening_decisions.csv", 2, "reviewer: reviewer 'ab1' must be")),
    ("screening_decisions.csv", "record_id,stage\n\xe9\n".encode("latin-1"),
     ("data/search/screening_decisions.csv", 2, "file is not UTF-8")),
])
def test_every_file_of_the_search_folder_is_located(data_copy, name, text, where):
    path = data_copy.path(f"search/{name}")
    path.write_bytes(text if isinstance(text, bytes) else text.encode("utf-8"))
    (p,) = _errors(data_copy.dir)
    assert (p.file, p.line) == where[:2] and where[2] in p.message, p
