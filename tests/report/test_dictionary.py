"""Data dictionary rendered from the data package (expected rows written from the schema by hand)."""

import json

import pytest

from living_review.core.paths import data_dir
from living_review.report.dictionary import (derived_table, dictionary_source, format_constraints, latex_columns,
                                             load_dictionary, resource_dictionary)

RESOURCE = {
    "name": "toy", "path": "toy.csv", "description": "A toy table.",
    "schema": {"primaryKey": ["id"], "fields": [
        {"name": "id", "type": "string", "description": "Key.", "constraints": {"required": True, "unique": True}},
        {"name": "rate", "type": "number", "unit": "percent", "description": "A rate.",
         "constraints": {"minimum": 0, "maximum": 100}},
        {"name": "time", "type": "number", "unit": "time_unit", "description": "A time."},
        {"name": "time_unit", "type": "string", "description": "Unit.", "constraints": {"enum": ["days", "months"]}},
        {"name": "flag", "type": "boolean", "trueValues": ["true"], "falseValues": ["false"], "description": "A flag."},
    ]},
    "x-derived-fields": {"time_months": "time in months"},
}


@pytest.mark.parametrize(("constraints", "text"), [
    (None, "–"),
    ({"required": True, "minimum": 0, "maximum": 100}, "required; 0–100"),
    ({"minimum": 0.5}, "≥ 0.5"),
    ({"maximum": 3}, "≤ 3"),
    ({"enum": ["a", "b"]}, "one of: a, b"),
    ({"pattern": "^[a-z]+$", "unique": True}, "unique; pattern `^[a-z]+$`"),
])
def test_constraints_in_words(constraints, text):
    assert format_constraints(constraints) == text


def test_unrendered_constraint_is_an_error_not_a_silent_omission():
    with pytest.raises(ValueError, match="maxLength"):
        format_constraints({"maxLength": 5})


def test_resource_rows_follow_the_schema():
    d = resource_dictionary(RESOURCE)
    assert d.primary_key == ("id",)
    assert d.fields["Field"].tolist() == ["id", "rate", "time", "time_unit", "flag"]
    assert d.fields["Unit"].tolist() == ["–", "percent", "as in `time_unit`", "–", "–"]
    assert d.fields["Constraints"].tolist()[:2] == ["required; unique", "0–100"]
    assert d.fields["Type"].iloc[4] == "boolean (true | false)"
    assert derived_table(d).to_dict("records") == [{"Field": "time_months", "Description": "time in months"}]
    assert "5 fields (key id), 1 derived" in d.summary()


def test_resource_without_schema_is_named():
    with pytest.raises(ValueError, match="'toy'.*'schema'"):
        resource_dictionary({"name": "toy", "path": "toy.csv"})


def test_project_dictionary_covers_every_field_of_every_resource():
    package = json.loads((data_dir() / "datapackage.json").read_text(encoding="utf-8"))
    dictionaries = load_dictionary()
    assert [d.name for d in dictionaries] == [r["name"] for r in package["resources"]]
    for d, r in zip(dictionaries, package["resources"]):
        assert len(d.fields) == len(r["schema"]["fields"])
        assert not (d.fields["Description"] == "–").any(), f"{d.name}: a field has no description"


def test_empty_package_is_an_error(tmp_path):
    path = tmp_path / "datapackage.json"
    path.write_text('{"resources": []}')
    with pytest.raises(ValueError, match="no 'resources'"):
        load_dictionary(path)


def test_latex_columns_directive():
    assert latex_columns((0.25, 0.7)) == "```{tabularcolumns} |\\Y{0.25}|\\Y{0.7}|\n```\n\n"
    with pytest.raises(ValueError, match="sum to at most 1"):
        latex_columns((0.6, 0.6))


def test_dictionary_source_has_widths_caption_and_name():
    d = resource_dictionary(RESOURCE)
    source = dictionary_source(d, name="tbl-dict-toy")
    assert source.startswith("```{tabularcolumns} |\\Y{0.2}|")
    assert ":::{table} Fields of `toy.csv`: A toy table. Key: id.\n:name: tbl-dict-toy" in source
    derived = dictionary_source(d, name="tbl-dict-toy-derived", derived=True)
    assert "| time_months | time in months |" in derived
