"""Generated bibliography entries: only what the data hold, never over a hand-written entry."""

from __future__ import annotations

import shutil

import pandas as pd
import pybtex.database
import pytest

from living_review.data.bibliography import hand_written_keys, project_entries, study_entries, write_generated_bib
from living_review.core.paths import project_root

STUDY = {"study_id": "smith2025", "first_author": "Smith AB", "year": "2025", "journal": "Thyroid",
         "citation": "Thyroid 2025;35(2):100-8", "doi": "10.1089/thy.2025.0001", "pmid": "39999999",
         "registry_id": "NCT01234567"}
RECORD = {"record_id": "rec-smith2025", "title": "Lenvatinib in anaplastic thyroid cancer",
          "authors": "Smith AB; Jones C", "doi": "10.1089/THY.2025.0001", "pmid": ""}
LOG = {"record_id": "rec-smith2025", "decision": "include", "study_ids": "smith2025"}


def _one(study=None, records=(), log=(), existing=()):
    entries, impossible = study_entries(pd.DataFrame([{**STUDY, **(study or {})}]), pd.DataFrame(list(records)),
                                        pd.DataFrame(list(log)), set(existing))
    return entries, impossible


def _parsed(text):
    return next(iter(pybtex.database.parse_string(text, "bibtex").entries.values()))


def test_entry_from_the_study_and_its_search_record():
    entries, impossible = _one(records=[RECORD], log=[LOG])
    entry = _parsed(entries["smith2025"])
    assert impossible == {} and entry.type == "article"
    assert [str(p) for p in entry.persons["author"]] == ["Smith, AB", "Jones, C", "others"]
    assert dict(entry.fields) == {"title": RECORD["title"], "journal": "Thyroid", "year": "2025", "volume": "35",
                                  "number": "2", "pages": "100-8", "doi": STUDY["doi"], "pmid": STUDY["pmid"],
                                  "note": "Trial registration NCT01234567"}


def test_record_found_by_doi_without_a_screening_log():
    entries, _ = _one(records=[RECORD])
    assert _parsed(entries["smith2025"]).fields["title"] == RECORD["title"]


@pytest.mark.parametrize("title", ["[title not recorded in the extraction notes] Smith AB, lenvatinib",
                                   "Lenvatinib in anaplastic thyroid cancer: a..."])
def test_a_described_or_cut_title_is_never_used(title):
    entries, _ = _one(records=[{**RECORD, "title": title}], log=[LOG])
    entry = _parsed(entries["smith2025"])
    assert entry.type == "misc" and "title" not in entry.fields
    assert entry.fields["howpublished"] == STUDY["citation"]


def test_without_a_record_the_first_author_stands_with_others():
    entry = _parsed(_one()[0]["smith2025"])
    assert [str(p) for p in entry.persons["author"]] == ["Smith, AB", "others"]
    assert "title" not in entry.fields and "volume" not in entry.fields  # nothing read from a free-text citation


def test_a_hand_written_entry_is_never_generated():
    assert _one(existing={"smith2025"}) == ({}, {})


@pytest.mark.parametrize("study,why", [
    ({"first_author": "not shown in sources read"}, "is not a name 'Surname Initials'"),
    ({"citation": "J {Clin 2025"}, "howpublished hold(s) a brace or backslash"),
    ({"first_author": "Smith\\AB"}, "is not a name"),
])
def test_what_cannot_be_generated_says_why(study, why):
    entries, impossible = _one(study)
    assert entries == {} and why in impossible["smith2025"]


def test_hostile_text_stays_literal_text():
    entries, _ = _one({"journal": "<script>alert(1)</script> & 50% $x$ #_~^"}, [RECORD], [LOG])
    assert _parsed(entries["smith2025"]).fields["journal"] == "<script>alert(1)</script> & 50% $x$ #_~^"


def test_the_project_has_no_study_without_its_hand_written_entry():
    entries, impossible = project_entries(project_root())
    assert (entries, impossible) == ({}, {})


def test_a_study_added_to_the_data_only_gets_an_entry(tmp_path):
    root = tmp_path / "project"
    shutil.copytree(project_root() / "data", root / "data")
    shutil.copytree(project_root() / "book", root / "book", ignore=shutil.ignore_patterns("_build"))
    bib = root / "book" / "references.bib"
    bib.write_text(bib.read_text(encoding="utf-8").replace("@article{kim2021,", "@article{kim2021_old,"),
                   encoding="utf-8")
    target = write_generated_bib(root, root / "_build" / "bibliography" / "studies.bib")
    entries = pybtex.database.parse_file(target).entries
    assert list(entries) == ["kim2021"]
    assert entries["kim2021"].fields["doi"] == "10.1007/s12020-020-02425-y"
    assert "kim2021" not in hand_written_keys(bib)
    before = target.stat().st_mtime_ns
    write_generated_bib(root, target)
    assert target.stat().st_mtime_ns == before  # unchanged content is not rewritten
