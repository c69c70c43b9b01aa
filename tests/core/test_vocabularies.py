"""The shared vocabularies are the data package's enums, value for value and in order."""

from __future__ import annotations

import json

import pytest

from living_review.core import vocabularies
from living_review.core.paths import data_dir


def _enums() -> dict[tuple[str, str], list[str]]:
    package = json.loads((data_dir() / "datapackage.json").read_text(encoding="utf-8"))
    return {(r["name"], f["name"]): f["constraints"]["enum"]
            for r in package["resources"] for f in r["schema"]["fields"] if "enum" in f.get("constraints", {})}


@pytest.mark.parametrize("name", sorted(vocabularies.SCHEMA_FIELDS))
def test_each_vocabulary_is_its_schema_enum(name):
    enums = _enums()
    for where in vocabularies.SCHEMA_FIELDS[name]:
        assert list(getattr(vocabularies, name)) == enums[where], f"{name} differs from {'.'.join(where)}"


def test_no_module_declares_its_own_outcome_endpoint_or_histology_literal():
    from pathlib import Path
    import re

    import living_review

    root = Path(living_review.__file__).parent
    own = re.compile(r"^(Outcome|Endpoint|Histology|OUTCOMES|ENDPOINTS|HISTOLOGIES)\s*[:=]", re.M)
    found = [p.relative_to(root).as_posix() for p in root.rglob("*.py")
             if p.name != "vocabularies.py" and own.search(p.read_text(encoding="utf-8"))]
    assert found == []
