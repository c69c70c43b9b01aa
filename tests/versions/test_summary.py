"""The release summary: complete, deterministic and free of machine paths."""

from __future__ import annotations

import json

import pytest

from living_review._version import __version__
from living_review.core.fingerprint import data_fingerprint
from living_review.provenance import ledger
from living_review.versions.summary import build_summary, read_summary, study_list, write_summary


def test_holds_version_fingerprint_parameters_estimates_and_studies(project):
    data = json.loads(write_summary(project).read_text())
    assert data["version"] == __version__
    assert data["data_fingerprint"] == data_fingerprint(project)
    assert data["parameters"]["meta_analysis"]["transform"] == "PFT"  # review.yml says PFT
    assert data["parameters"]["drug_chapters"]["outcomes"] == ["ORR", "DCR"]
    assert list(data["estimates"]) == ["orr.all"]
    assert data["estimates"]["orr.all"]["inputs"][0] == {"study_id": "tahara2017", "events": 4, "n": 17}
    assert data["studies"] == [
        {"study_id": "ito2017", "in_previous_version": False},
        {"study_id": "tahara2017", "in_previous_version": True},
        {"study_id": "wirth2021", "in_previous_version": True},
    ]


def test_written_under_releases_version(project):
    assert write_summary(project, "9.9.9") == project / "releases" / "9.9.9" / "summary.json"


def test_two_writes_are_byte_identical_and_sorted(project):
    first = write_summary(project).read_bytes()
    second = write_summary(project).read_bytes()
    assert first == second
    text = first.decode()
    assert text.endswith("}\n")
    assert text == json.dumps(json.loads(text), sort_keys=True, indent=2, ensure_ascii=False) + "\n"
    assert str(project) not in text


def test_a_changed_count_makes_the_ledger_stale_until_recomputed(project):
    before = build_summary(project).data_fingerprint
    path = project / "data" / "studies.csv"
    path.write_text(path.read_text().replace("2021", "2022"))
    with pytest.raises(ValueError, match="not recomputed .*: orr.all. Rebuild"):
        build_summary(project)
    record = json.loads((project / "_build" / "ledger" / "orr.all.json").read_text())
    record.pop("key"), record.pop("inputs_fingerprint")
    ledger.record("orr.all", root=project, **record)  # what the chapter does when it re-executes
    assert build_summary(project).data_fingerprint != before


def test_read_back_equals_built(project):
    assert read_summary(write_summary(project)) == build_summary(project)


def test_without_flag_column_the_flag_is_null(project):
    (project / "data" / "studies.csv").write_text("study_id\nb\na\n")
    assert study_list(project) == (
        {"study_id": "a", "in_previous_version": None}, {"study_id": "b", "in_previous_version": None})


def test_bad_flag_and_duplicate_ids_are_named(project):
    (project / "data" / "studies.csv").write_text("study_id,in_previous_version\na,maybe\n")
    with pytest.raises(ValueError, match="study 'a', column 'in_previous_version'"):
        study_list(project)
    (project / "data" / "studies.csv").write_text("study_id\na\na\n")
    with pytest.raises(ValueError, match="appear more than once"):
        study_list(project)


def test_previous_release_is_the_newest_older_one(project):
    from living_review.versions.summary import previous_summary, release_versions

    for version in ("0.10.0", "0.2.0", "1.0.0rc1"):
        write_summary(project, version)
    (project / "releases" / "notes").mkdir()
    assert release_versions(project) == ["0.2.0", "0.10.0", "1.0.0rc1"]  # PEP 440, not text, order
    assert previous_summary("1.0.0", project) == project / "releases" / "1.0.0rc1" / "summary.json"
    assert previous_summary("0.10.0", project) == project / "releases" / "0.2.0" / "summary.json"
    assert previous_summary("0.2.0", project) is None
