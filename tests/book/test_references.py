"""Every included study is cited with its authors, and with its DOI where the data give one."""

from __future__ import annotations

import re

import pytest

from living_review.data import load_evidence
from living_review.core.paths import project_root

ENTRY = re.compile(r"@\w+\{([^,\s]+),(.*?)\n\}", re.S)


def _field(body: str, name: str) -> str | None:
    found = re.search(rf"^\s*{name}\s*=\s*\{{(.*)\}},?\s*$", body, re.M)
    return found.group(1).strip() if found else None


@pytest.fixture(scope="module")
def entries() -> dict[str, str]:
    text = (project_root() / "book" / "references.bib").read_text(encoding="utf-8")
    return {key: body for key, body in ENTRY.findall(text)}


def test_every_included_study_has_an_entry_with_authors(entries):
    studies = load_evidence().studies
    missing = [s for s in studies["study_id"] if s not in entries]
    assert missing == []
    # an entry names its authors, or says in the author field that none were shown
    no_authors = [s for s in studies["study_id"] if not _field(entries[s], "author")]
    assert no_authors == []


def test_the_doi_of_each_study_is_the_one_of_the_data(entries):
    studies = load_evidence().studies
    wrong = []
    for row in studies.itertuples():
        doi = row.doi if isinstance(row.doi, str) and row.doi.strip() else None
        if doi and (_field(entries[row.study_id], "doi") or "").lower() != doi.lower():
            wrong.append((row.study_id, doi, _field(entries[row.study_id], "doi")))
    assert wrong == []
