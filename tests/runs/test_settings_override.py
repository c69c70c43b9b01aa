"""Settings changed for one rerun: applied, checked like review.yml, every problem listed."""

from __future__ import annotations

import yaml
import pytest

from living_review.core.paths import project_root
from living_review.settings import SettingsError, load_settings
from living_review.runs.settings_override import override_text

REVIEW = project_root() / "review.yml"


def test_changes_only_the_named_values(tmp_path):
    text = override_text(REVIEW, {"meta_analysis.hakn": "true", "meta_analysis.transform": "PLOGIT",
                                  "survival.landmarks_months": "[6, 12]"})
    path = tmp_path / "review.yml"
    path.write_text(text)
    changed, original = load_settings(path), load_settings(REVIEW)
    assert (changed.meta_analysis.hakn, changed.meta_analysis.transform) == (True, "PLOGIT")
    assert changed.survival.landmarks_months == (6.0, 12.0)
    assert changed.meta_analysis.tau2_method == original.meta_analysis.tau2_method
    assert yaml.safe_load(text)["releases"] == yaml.safe_load(REVIEW.read_text())["releases"]


def test_values_outside_the_closed_sets_are_refused():
    with pytest.raises(SettingsError, match="'XYZ' is not allowed; choose one of DL, REML"):
        override_text(REVIEW, {"meta_analysis.tau2_method": "XYZ"})
    with pytest.raises(SettingsError, match="unknown key"):
        override_text(REVIEW, {"meta_analysis.colour": "blue"})


def test_keys_must_name_an_analysis_section_every_problem_listed():
    with pytest.raises(SettingsError) as caught:
        override_text(REVIEW, {"transform": "PFT", "review.title": "x"})
    message = str(caught.value)
    assert "setting 'transform': write it as SECTION.KEY" in message
    assert "setting 'review.title': only meta_analysis, survival can be changed" in message


def test_load_settings_reads_the_file_a_rerun_names(tmp_path, monkeypatch):
    path = tmp_path / "review.yml"
    path.write_text(override_text(REVIEW, {"meta_analysis.level": "0.9"}))
    monkeypatch.setenv("LIVING_REVIEW_SETTINGS", str(path))
    assert load_settings().meta_analysis.level == 0.9
    assert load_settings(REVIEW).meta_analysis.level == 0.95  # an explicit path still wins
