"""Tests for living_review.data.source_citations: every cited source code is in sources.csv."""

from __future__ import annotations

from living_review.validation import validate
from living_review.data.source_citations import unknown_citations


def test_project_data_cite_only_known_sources():
    assert unknown_citations(_data()) == []


def test_a_code_missing_from_sources_is_reported_with_file_line_column(data_copy):
    sources = data_copy.path("sources.csv")
    sources.write_text("\n".join(l for l in sources.read_text().splitlines() if not l.startswith("P-31,")) + "\n")
    problems = unknown_citations(data_copy.dir)
    where = {(p.file, p.column) for p in problems}
    assert ("data/search/records.csv", "origin") in where
    assert ("data/studies.csv", "src_response") in where
    assert all("P-31" in p.message and "(add the source" in p.message for p in problems)
    assert any("P-31" in str(p) for p in validate(data_copy.dir))


def _data():
    from living_review.core.paths import data_dir

    return data_dir()


def test_only_the_files_named_are_checked(data_copy):
    sources = data_copy.path("sources.csv")
    sources.write_text("\n".join(l for l in sources.read_text().splitlines() if not l.startswith("P-31,")) + "\n")
    every = unknown_citations(data_copy.dir)
    studies = unknown_citations(data_copy.dir, only=("studies.csv",))
    assert studies and {p.file for p in studies} == {"data/studies.csv"}
    assert set(studies) == {p for p in every if p.file == "data/studies.csv"}
