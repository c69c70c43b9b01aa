"""Methods chapter helpers: settings rendered from review.yml, search strategy from its YAML."""

import pandas as pd
import pytest

from living_review.report.methods_report import (discrepancy_counts, load_search_strategy, method_text,
                                                 prediction_rule, previous_search_table, settings_table,
                                                 update_search_table)
from living_review.settings import load_settings

CONFIG = """
meta_analysis: {transform: PLOGIT, tau2_method: PM, model: inverse, hakn: true, level: 0.9, prediction_interval: false}
survival: {level: 0.95, landmarks_months: [6, 12]}
drug_chapters: {histology: ATC, outcomes: [ORR], drugs: [lenvatinib]}
"""


@pytest.fixture
def settings(tmp_path):
    path = tmp_path / "review.yml"
    path.write_text(CONFIG)
    return load_settings(path)


def test_settings_table_shows_what_is_configured(settings):
    table = settings_table(settings).set_index(["Section", "Key"])
    assert table.loc[("meta_analysis", "transform"), "Value"] == "PLOGIT"
    assert table.loc[("meta_analysis", "tau2_method"), "Meaning"] == "between-study variance τ² by Paule-Mandel (PM)"
    assert table.loc[("meta_analysis", "hakn"), "Value"] == "true"
    assert table.loc[("meta_analysis", "level"), "Value"] == "0.9"
    assert table.loc[("meta_analysis", "prediction_interval"), "Meaning"] == "prediction interval: not computed"
    assert table.loc[("survival", "landmarks_months"), "Value"] == "6, 12"


def test_settings_source_covers_every_configured_key(settings):
    from living_review.report.methods_report import settings_source
    source = settings_source(settings, caption="Settings", name="tbl-settings")
    assert source.startswith("```{tabularcolumns}")
    for section in ("meta_analysis", "survival", "drug_chapters"):
        for key in getattr(settings, section).__dataclass_fields__:
            if key != "template":  # the template path is build machinery, not an analysis parameter
                assert f"| {section} | {key} |" in source


def test_method_text(settings):
    text = method_text(settings)
    assert text["ci"].startswith("Hartung-Knapp")
    assert text["level"] == "90%"
    assert text["landmarks"] == "6 and 12 months"
    assert text["transform"] == "logit (PLOGIT)"


def test_prediction_rule_is_the_engine_default():
    # metaprop(prediction="t(k-1)") is the documented default (meta >= 8)
    assert prediction_rule() == "t(k-1)"
    assert "k − 1" in method_text(load_settings())["prediction"] or not load_settings().meta_analysis.prediction_interval


def test_search_strategy_of_the_project():
    strategy = load_search_strategy()
    prev = previous_search_table(strategy)
    assert prev["Database"].tolist() == ["PubMed", "Web of Science", "Embase", "Cochrane CENTRAL"]
    assert set(prev["Searched"]) == {"2023-09-03"}  # Cao 2024 section 2.1
    upd = update_search_table(strategy)
    assert upd["Source"].tolist() == ["hand search", "hand search", "citation tracking"]  # 2026-11-21, 2026-12-01
    assert upd["Searched"].tolist()[:2] == ["2026-11-21", "2026-12-01"]
    assert "Terms:" in upd.loc[0, "What was searched"]


def test_search_strategy_missing_section(tmp_path):
    path = tmp_path / "s.yaml"
    path.write_text("previous_version: {citation: x, search_date: '2020-01-01', concepts: [], databases: []}\n")
    with pytest.raises(ValueError, match="this_update"):
        load_search_strategy(path)


def test_discrepancy_counts():
    frame = pd.DataFrame({"study_id": ["a", "a", "b"], "status": ["resolved", "unresolved", "unresolved"]})
    assert discrepancy_counts(frame) == {"total": 3, "studies": 2, "status_resolved": 1, "status_unresolved": 2}
    with pytest.raises(ValueError, match="status"):
        discrepancy_counts(frame.drop(columns="status"))


def test_concept_blocks_of_the_previous_version():
    from living_review.report.methods_report import concept_table
    table = concept_table(load_search_strategy())
    # Cao 2024 section 2.1 prints three concept blocks
    assert table["Block"].tolist() == [1, 2, 3]
    assert table.loc[0, "Terms"] == "anaplastic thyroid cancer or anaplastic thyroid carcinoma"
