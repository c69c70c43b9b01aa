"""Cell rules from datapackage.json: types, required fields, vocabularies, patterns, bounds, keys."""

from __future__ import annotations

import pytest

from living_review.validation import validate
from living_review.data.cells import convert_cell
from living_review.data.schema import Field


def _errors(folder):
    return [p for p in validate(folder) if p.severity == "error"]


@pytest.mark.parametrize(
    "column, text, fragment",
    [
        ("n_enrolled", "14.0", "is not a whole number"),           # integer
        ("pfs_median", "5,7", "is not a number"),                  # number, decimal comma
        ("in_previous_version", "yes", "is not a yes/no value"),   # boolean
        ("label", "", "required value is empty"),                  # required
        ("doi", "doi:10.1007/s12020-020-02425-y", "does not match the pattern"),  # pattern
        ("cr", "-1", "is negative"),                               # no negatives
        ("pfs_ci_level", "150", "above the maximum"),              # bound
    ],
)
def test_cell_rule_reports_file_line_column(data_copy, column, text, fragment):
    line = data_copy.set("studies.csv", "kim2021", column, text)
    problems = [p for p in _errors(data_copy.dir) if p.column == column]
    assert len(problems) == 1
    p = problems[0]
    assert (p.file, p.line) == ("data/studies.csv", line)
    assert fragment in p.message and "(" in p.message  # says how to fix


@pytest.mark.parametrize(
    "text, suggestion",
    [("Lenvatinib", "lenvatinib"), ("lenvatinb", "lenvatinib"), ("sorafenibe", "sorafenib")],
)
def test_vocabulary_near_miss_gets_close_match_hint(data_copy, text, suggestion):
    line = data_copy.set("studies.csv", "kim2021", "drug", text)
    (p,) = _errors(data_copy.dir)
    assert (p.line, p.column) == (line, "drug")
    assert p.message.endswith(f"did you mean {suggestion!r}?)")


def test_vocabulary_far_miss_lists_allowed_values_without_hint(data_copy):
    data_copy.set("studies.csv", "kim2021", "design", "xyz")
    (p,) = _errors(data_copy.dir)
    assert "use one of: prospective_trial, prospective_observational, retrospective_cohort, post_marketing_surveillance, randomised_trial)" in p.message


def test_duplicate_study_id_is_reported_at_second_line(data_copy):
    first = data_copy.line("studies.csv", "kim2021")
    second = data_copy.set("studies.csv", "sparano2021", "study_id", "kim2021")
    dup = [p for p in _errors(data_copy.dir) if "repeats line" in p.message]
    assert [(p.line, p.column) for p in dup] == [(second, "study_id")]
    assert f"repeats line {first}" in dup[0].message


def test_duplicate_discrepancy_id_is_reported(data_copy):
    data_copy.set("discrepancies.csv", "D02", "discrepancy_id", "D01", key="discrepancy_id")
    assert any("'D01' repeats line 2" in p.message for p in _errors(data_copy.dir))


def test_convert_cell_values():
    assert convert_cell("12", Field("n", "integer")) == (12, None)
    assert convert_cell("2.60", Field("x", "number")) == (2.6, None)
    assert convert_cell("true", Field("b", "boolean")) == (True, None)
    assert convert_cell("", Field("s", "string")) == (None, None)
    assert convert_cell("nan", Field("x", "number"))[0] is None
    assert convert_cell("inf", Field("x", "number"))[0] is None
    assert convert_cell("1e+16", Field("x", "number"))[0] is None
    assert convert_cell(".5", Field("x", "number"))[0] is None


@pytest.mark.parametrize("text,kind,message", [
    ("1" * 20, "integer", "too large for a whole number"),
    ("-" + "9" * 19, "integer", "too large for a whole number"),
    ("1" * 400, "number", "more than a number holds exactly"),
    ("1" * 16 + ".5", "number", "16 digits before the point"),
])
def test_numbers_beyond_what_the_tables_hold_are_refused(text, kind, message):
    value, problem = convert_cell(text, Field("n", kind))
    assert value is None and message in problem
    assert len(problem) < 200  # a 400-digit value is not repeated in full


def test_largest_accepted_numbers():
    assert convert_cell("9" * 18, Field("n", "integer"))[0] == int("9" * 18)
    assert convert_cell("9" * 15 + ".25", Field("n", "number"))[0] == float("9" * 15 + ".25")
