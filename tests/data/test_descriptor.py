"""The data package descriptor is checked against the spec, at the line of the bad property."""

from __future__ import annotations

import pytest

from living_review.data import DataValidationError, load_evidence
from living_review.validation import validate
from living_review.data.descriptor import check_descriptor


def _line(text: str, needle: str) -> int:
    return text[: text.index(needle)].count("\n") + 1


@pytest.mark.parametrize("old,new,column,message", [
    ('"minimum": 0', '"minimum": "0"', "dose_mg_per_day", "not a number"),
    ('"pattern": "^[a-z][a-z0-9_]*$"', '"pattern": "^[a-z"', "study_id", "not a valid regular expression"),
    ('"required": true', '"required": "yes"', "study_id", "not true or false"),
    ('"type": "integer"', '"type": "date"', "year", "not supported"),
    ('"constraints": {', '"constraints": {"minLenght": 1, ', "study_id", "unknown constraint 'minLenght'"),
    ('"enum": [', '"enum": [], "x": [', "identifier_status", "not a non-empty array"),
])
def test_bad_constraint_is_reported_at_its_line(data_copy, old, new, column, message):
    pkg = data_copy.path("datapackage.json")
    text = pkg.read_text(encoding="utf-8").replace(old, new, 1)
    pkg.write_text(text, encoding="utf-8")
    problems = validate(data_copy.dir)  # no exception: a list of problems
    first = problems[0]
    assert (first.file, first.column) == ("data/datapackage.json", column) and message in first.message
    assert first.line == _line(text, new)
    with pytest.raises(DataValidationError):
        load_evidence(data_copy.dir)


def test_json_syntax_error_gives_line_and_column(data_copy):
    pkg = data_copy.path("datapackage.json")
    pkg.write_text(pkg.read_text(encoding="utf-8").replace('"resources": [', '"resources": [,', 1), encoding="utf-8")
    (p,) = validate(data_copy.dir)
    assert p.line > 1 and "at column" in p.message


def test_structure_of_the_package():
    text = ('{"resources": [{"name": "A b", "path": "../x.csv", "schema": {"fields": [\n'
            '  {"name": "n", "type": "integer", "constraints": {"minimum": 5, "maximum": 1}},\n'
            '  {"name": "n", "type": "string", "trueValues": ["y"]}], "primaryKey": "m"}}]}')
    messages = [f"{p.line}: {p.message}" for p in check_descriptor(text, "p.json")]
    assert any("resource name 'A b'" in m for m in messages)
    assert any("path '../x.csv'" in m for m in messages)
    assert any(m.startswith("2: maximum 1 is below minimum 5") for m in messages)
    assert any(m.startswith("3: field 'n' appears twice") for m in messages)
    assert any("trueValues on a string field" in m for m in messages)
    assert any("primaryKey 'm'" in m for m in messages)
    assert check_descriptor('{"resources": []}', "p.json")[0].message.startswith("the package has no")


def test_the_project_package_is_clean(data_copy):
    assert check_descriptor(data_copy.path("datapackage.json").read_text(encoding="utf-8"), "x") == []
