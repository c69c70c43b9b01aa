"""Setting the version changes _version.py, CITATION.cff and .zenodo.json together."""

from __future__ import annotations

import json
import shutil

import pytest

from living_review.versions.citation import load_citation
from living_review.core.paths import project_root
from living_review.release.bump import VERSION_FILE, current_version, set_version


@pytest.fixture
def root(tmp_path):
    (tmp_path / VERSION_FILE).parent.mkdir(parents=True)
    shutil.copy(project_root() / VERSION_FILE, tmp_path / VERSION_FILE)
    shutil.copy(project_root() / "CITATION.cff", tmp_path / "CITATION.cff")
    return tmp_path


def test_sets_the_version_in_all_three_files(root):
    before = current_version(root)
    change = set_version("99.0.0", date="2030-01-31", root=root)
    assert (change.previous, change.current) == (before, "99.0.0")
    assert current_version(root) == "99.0.0"
    citation = load_citation(root)
    assert (citation.version, citation.date_released) == ("99.0.0", "2030-01-31")
    zenodo = json.loads((root / ".zenodo.json").read_text())
    assert (zenodo["version"], zenodo["publication_date"]) == ("99.0.0", "2030-01-31")


@pytest.mark.parametrize("version, message", [
    ("one", "not a PEP 440 version"),
    ("0.0.1", "is not newer than the current"),
])
def test_refuses_bad_versions_and_writes_nothing(root, version, message):
    before = (root / VERSION_FILE).read_text(), (root / "CITATION.cff").read_text()
    with pytest.raises(ValueError, match=message):
        set_version(version, date="2030-01-31", root=root)
    assert ((root / VERSION_FILE).read_text(), (root / "CITATION.cff").read_text()) == before
    assert not (root / ".zenodo.json").exists()


def test_refuses_a_malformed_date(root):
    with pytest.raises(ValueError, match="not YYYY-MM-DD"):
        set_version("99.0.0", date="31/01/2030", root=root)
