"""Rules across files: referential integrity, overlap groups, previous version, AE denominators."""

from __future__ import annotations

from living_review.validation import validate


def _errors(folder):
    return [p for p in validate(folder) if p.severity == "error"]


def test_adverse_event_names_unknown_study_with_hint(data_copy):
    path = data_copy.path("adverse_events.csv")
    path.write_text(path.read_text(encoding="utf-8").replace("\nsparano2021,Haemoptysis", "\nsparano2012,Haemoptysis"),
                    encoding="utf-8")
    (p,) = _errors(data_copy.dir)
    assert p.file == "data/adverse_events.csv" and p.column == "study_id"
    assert "'sparano2012' is not a study_id" in p.message and "did you mean 'sparano2021'?" in p.message


def test_landmark_discrepancy_and_previous_version_rows_must_name_a_study(data_copy):
    data_copy.set("landmarks.csv", "atlep2022", "study_id", "atlep2023")
    data_copy.set("discrepancies.csv", "D21", "study_id", "ito2017", key="discrepancy_id")
    data_copy.set("discrepancies.csv", "D11", "related_study_id", "atlep", key="discrepancy_id")
    files = sorted({(p.file, p.column) for p in _errors(data_copy.dir) if "is not a study_id" in p.message})
    assert files == [("data/discrepancies.csv", "related_study_id"), ("data/discrepancies.csv", "study_id"),
                     ("data/landmarks.csv", "study_id")]


def test_declared_overlap_needs_overlap_group(data_copy):
    line = data_copy.set("studies.csv", "koyama2018", "overlap_group", "")
    data_copy.set("studies.csv", "koyama2018", "overlap_keep", "")
    (p,) = _errors(data_copy.dir)
    assert (p.file, p.line, p.column) == ("data/studies.csv", line, "overlap_group")
    assert "'koyama2018' shares patients with 'pms_japan2020'" in p.message


def test_overlapping_cohorts_must_share_one_group(data_copy):
    data_copy.set("studies.csv", "dierks2021", "overlap_group", "JP-LEN-RW")
    msgs = [p.message for p in _errors(data_copy.dir)]
    assert any("'atlep2022' is in 'DE-LEN-PEMBRO' but shares patients with 'dierks2021'" in m for m in msgs)


def test_overlap_group_needs_exactly_one_kept_cohort(data_copy):
    data_copy.set("studies.csv", "koyama2018", "overlap_keep", "true")
    (p,) = _errors(data_copy.dir)
    assert p.column == "overlap_keep" and "has 2 cohorts with overlap_keep = true" in p.message


def test_overlap_discrepancy_needs_second_cohort(data_copy):
    line = data_copy.set("discrepancies.csv", "D09", "related_study_id", "", key="discrepancy_id")
    (p,) = _errors(data_copy.dir)
    assert (p.file, p.line, p.column) == ("data/discrepancies.csv", line, "related_study_id")


def test_previous_version_rows_need_flag(data_copy):
    data_copy.set("studies.csv", "wirth2021", "in_previous_version", "false")
    errs = [p for p in _errors(data_copy.dir) if p.file == "data/previous_version_inputs.csv"]
    assert len(errs) == 2 and all("in_previous_version = false" in p.message for p in errs)


def test_flagged_study_needs_previous_version_inputs(data_copy):
    line = data_copy.set("studies.csv", "kim2021", "in_previous_version", "true")
    (p,) = _errors(data_copy.dir)
    assert (p.line, p.column) == (line, "in_previous_version") and "no DCR, ORR input" in p.message


def test_adverse_event_denominator_matches_safety_set(data_copy):
    data_copy.set("studies.csv", "higashiyama2022", "n_safety", "42")
    errs = [p for p in _errors(data_copy.dir) if p.file == "data/adverse_events.csv"]
    assert len(errs) == 6 and all("differs from n_safety = 42" in p.message for p in errs)


def test_notes_must_reference_existing_discrepancy(data_copy):
    line = data_copy.set("studies.csv", "kim2021", "notes", "see D99")
    (p,) = _errors(data_copy.dir)
    assert (p.line, p.column) == (line, "notes") and "D99" in p.message


def test_cited_source_code_must_be_listed(data_copy):
    line = data_copy.set("studies.csv", "iwasaki2023", "src_response", "Iwasaki 2023 abstract (P-99)")
    (p,) = _errors(data_copy.dir)
    assert (p.file, p.line, p.column) == ("data/studies.csv", line, "src_response")
    assert "cites source P-99, which is not in sources.csv" in p.message


def test_every_cited_code_resolves_in_real_data():
    from tests.data.conftest import REAL_DATA

    assert not [p for p in validate(REAL_DATA) if "sources.csv" in p.message]
