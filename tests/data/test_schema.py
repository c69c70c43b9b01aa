"""The data dictionary: datapackage.json is the single source of the checks."""

from __future__ import annotations

import json

from living_review.validation import validate
from living_review.data.schema import RESOURCE_NAMES, read_schema
from tests.data.conftest import REAL_DATA, read_rows


def test_every_column_of_every_file_is_documented():
    schema, problems = read_schema(REAL_DATA)
    assert problems == []
    for name in RESOURCE_NAMES:
        res = schema.resources[name]
        header = read_rows(REAL_DATA / res.path)[0]
        assert list(res.names) == header
        assert all(f.description for f in res.fields), name


def test_checks_follow_the_package_not_the_code(data_copy):
    # Adding a drug to the vocabulary in datapackage.json is enough to make it valid.
    data_copy.set("studies.csv", "kim2021", "drug", "fruquintinib")
    assert any(p.column == "drug" for p in validate(data_copy.dir))
    pkg_path = data_copy.path("datapackage.json")
    pkg = json.loads(pkg_path.read_text(encoding="utf-8"))
    studies = next(r for r in pkg["resources"] if r["name"] == "studies")
    drug = next(f for f in studies["schema"]["fields"] if f["name"] == "drug")
    drug["constraints"]["enum"].append("fruquintinib")
    pkg_path.write_text(json.dumps(pkg), encoding="utf-8")
    assert not any(p.column == "drug" for p in validate(data_copy.dir))


def test_missing_or_broken_package_is_reported(data_copy):
    pkg = data_copy.path("datapackage.json")
    pkg.write_text("{ not json", encoding="utf-8")
    (p,) = validate(data_copy.dir)
    assert p.file == "data/datapackage.json" and "not valid UTF-8 JSON" in p.message
    pkg.unlink()
    (p,) = validate(data_copy.dir)
    assert "data package missing" in p.message


def test_resource_missing_from_package_is_reported(data_copy):
    pkg_path = data_copy.path("datapackage.json")
    pkg = json.loads(pkg_path.read_text(encoding="utf-8"))
    pkg["resources"] = [r for r in pkg["resources"] if r["name"] != "landmarks"]
    pkg_path.write_text(json.dumps(pkg), encoding="utf-8")
    (p,) = validate(data_copy.dir)
    assert "resource 'landmarks' is not described" in p.message
