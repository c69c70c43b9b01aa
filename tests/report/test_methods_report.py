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
    assert table.loc[("meta_analysis", "tau2_method"), "Meaning"] == (
        "between-study variance τ² by Paule-Mandel (PM) (one of DL, REML, ML, PM, SJ, HE, EB, HS, HSk, GENQ or PMM)")
    assert table.loc[("meta_analysis", "transform"), "Meaning"].endswith("(one of PFT, PLOGIT, PAS, PRAW or PLN)")
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


def test_every_option_of_the_engine_has_a_name_and_is_listed():
    from living_review.meta.options import MODELS, TAU2_METHODS, TRANSFORMS
    from living_review.report.methods_report import MODEL_NAMES, TAU2_NAMES, TRANSFORM_NAMES, allowed_text

    assert set(TRANSFORM_NAMES) == set(TRANSFORMS) and set(TAU2_NAMES) == set(TAU2_METHODS)
    assert set(MODEL_NAMES) == set(MODELS)
    assert allowed_text(("a",)) == "one of a" and allowed_text(("a", "b", "c")) == "one of a, b or c"


@pytest.mark.parametrize("transform, method", [("PLN", "HS"), ("PFT", "HSk"), ("PLOGIT", "GENQ"), ("PAS", "PMM")])
def test_new_options_are_rendered(tmp_path, transform, method):
    path = tmp_path / "review.yml"
    path.write_text(CONFIG.replace("PLOGIT", transform).replace("tau2_method: PM", f"tau2_method: {method}"))
    table = settings_table(load_settings(path)).set_index(["Section", "Key"])
    assert table.loc[("meta_analysis", "transform"), "Value"] == transform
    assert f"({method}) (one of DL" in table.loc[("meta_analysis", "tau2_method"), "Meaning"]


def test_method_text(settings):
    text = method_text(settings)
    assert text["ci"].startswith("Hartung-Knapp")
    assert text["level"] == "90%"
    assert text["landmarks"] == "6 and 12 months"
    assert text["transform"] == "logit (PLOGIT)"
    assert text["transforms"].endswith("untransformed proportion (PRAW) and log (PLN)")
    assert text["tau2_methods"].startswith("DerSimonian-Laird (DL), restricted maximum likelihood (REML), ")
    assert (text["n_transforms"], text["n_tau2_methods"]) == ("5", "11")


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
