"""The validator points at the right line: a quote that runs on, an empty study table, and
digitised curves whose values or at-risk times cannot be right."""

from __future__ import annotations

from living_review.validation import validate
from living_review.core.csvfile import read_csv


def _errors(folder):
    return [p for p in validate(folder) if p.severity == "error"]


def test_a_quote_running_into_a_later_quoted_cell_is_reported_where_it_opens(tmp_path):
    path = tmp_path / "t.csv"
    # line 3 opens a quote that is never closed on it; the parser stops at line 4
    path.write_text('a,b\n1,2\n3,"4\n5,"6"\n7,8\n')
    table, problems = read_csv(path, ("a", "b"), "t.csv")
    assert table is None and [(p.line, p.column) for p in problems] == [(3, "-")]
    assert "runs on to line 4" in problems[0].message


def test_an_unclosed_quote_in_the_studies_is_reported_at_its_row(data_copy):
    path = data_copy.path("studies.csv")
    lines = path.read_text().split("\n")
    line = data_copy.line("studies.csv", "kim2021")
    lines[line - 1] = lines[line - 1].replace(",Kim 2021,", ',"Kim 2021,', 1)
    path.write_text("\n".join(lines))
    found = [p for p in _errors(data_copy.dir) if p.file == "data/studies.csv"]
    assert [(p.line, p.column) for p in found] == [(line, "-")], found
    assert "quote" in found[0].message  # closed by the next quoted cell of the row, so found on it


def test_a_studies_table_with_only_its_header_is_an_empty_table(data_copy):
    path = data_copy.path("studies.csv")
    path.write_text(path.read_text().split("\n")[0] + "\n")
    found = _errors(data_copy.dir)
    assert [(p.file, p.line) for p in found] == [("data/studies.csv", 1)], found[:5]
    assert "the table is empty" in found[0].message


def _curve(data_copy, points: str, at_risk: str, scale: str = "proportion"):
    km = data_copy.path("km")
    (km / "kim2021_OS_lenvatinib.csv").write_text(points)
    (km / "kim2021_OS_lenvatinib_atrisk.csv").write_text(at_risk)
    with (km / "index.csv").open("a") as f:
        f.write("kim2021_OS_lenvatinib.csv,kim2021_OS_lenvatinib_atrisk.csv,kim2021,OS,lenvatinib,Fig. 2,3,"
                f"Kim 2021 Fig. 2 (seed S-0),months,{scale},14,,AB,2026-12-01,WebPlotDigitizer 4.6,\n")
    return [p for p in _errors(data_copy.dir) if p.file.startswith("data/km/")]


def test_a_survival_reading_above_one_is_reported_at_its_line(data_copy):
    found = _curve(data_copy, "0,1.0\n1.5,1.0\n1.5,1.2\n3,0.5\n", "time,n_risk\n0,14\n3,5\n")
    assert [(p.file, p.line, p.column) for p in found] == [("data/km/kim2021_OS_lenvatinib.csv", 3, "survival")]
    assert "1.2 is outside 0 to 1.01" in found[0].message


def test_a_percent_curve_reads_up_to_101(data_copy):
    assert _curve(data_copy, "0,100\n1.5,100.5\n1.5,80\n3,50\n", "time,n_risk\n0,14\n3,5\n", "percent") == []


def test_at_risk_times_going_backwards_are_reported_at_their_line(data_copy):
    found = _curve(data_copy, "0,1.0\n1.5,1.0\n1.5,0.8\n", "time,n_risk\n0,14\n6,8\n3,5\n")
    assert [(p.file, p.line, p.column) for p in found] == [("data/km/kim2021_OS_lenvatinib_atrisk.csv", 4, "time")]
