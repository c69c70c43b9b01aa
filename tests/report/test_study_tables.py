"""Cohort tables and sentences: characteristics, response counts, overlap and conflict notes, forests."""


import pandas as pd
import pytest
from tests.data.conftest import cohort_rows

from living_review.analyses import selection
from living_review.data import load_evidence
from living_review.report import study_tables as st
from living_review.settings import MetaAnalysisSettings


@pytest.fixture(scope="module")
def studies():
    return load_evidence().studies


def test_characteristics_show_sets_dose_line_and_source(studies):
    table = st.characteristics_table(cohort_rows(studies, ["higashiyama2022", "kim2021", "iwasaki2018"]))
    assert table.columns.tolist() == ["Study", "Design", "N", "Dose", "Line", "Source"]
    hope = table.set_index("Study").loc["Higashiyama 2022 (HOPE)"]
    # 52 enrolled, 42 efficacy set, 50 safety set (data/studies.csv, HOPE abstract P-12)
    assert hope["N"] == "52; 42 eval.; 50 safety"
    assert hope["Design"] == "prospective trial, phase 2"
    kim = table.set_index("Study").loc["Kim 2021"]
    assert kim["Line"] == "mixed lines: neoadjuvant use in 8/14" and kim["Dose"] == "median dose 13 mg daily"
    assert table.set_index("Study").loc["Iwasaki 2018", "Line"].startswith("10 started lenvatinib")


def test_sentences_cover_k0_k1_and_k2(studies):
    settings = MetaAnalysisSettings()
    assert st.outcome_sentence(None, "DCR", subject="pazopanib in ATC") == (
        "No cohort of pazopanib in ATC reports the DCR in the sources read, so nothing is pooled.")
    one = st.outcome_sentence(selection.pool_outcome(cohort_rows(studies, ["ha2010"]), "ORR", settings), "ORR", subject="x")
    # Ha 2010: ORR 2/8 (data/studies.csv)
    # the exact interval of 2/8 (binom.test: 0.03185 0.65086), labelled, and nothing pooled
    assert one.startswith("One cohort (Ha 2010, 2/8) reports the ORR: 25.0% (95% CI, exact, 3.2–65.1%)")
    assert "nothing is pooled" in one
    two = selection.pool_outcome(cohort_rows(studies, ["savvides2013", "ito2017_atc"]), "DCR", settings)
    text = st.outcome_sentence(two, "DCR", subject="x")
    assert text.startswith("2 cohorts (30 patients) report the DCR; the random-effects estimate is "
                           f"{100 * two.estimate:.1f}% (95% CI ")
    assert "prediction interval" not in text  # not drawn for k < 3


def test_conflict_notes_overlap_text_and_placeholders(studies):
    ev = load_evidence()
    note = st.discrepancy_note(ev.discrepancies, cohort_rows(studies, ["tahara2017"]), "DCR")
    # data/discrepancies.csv D01: Tahara DCR 12/17 used against Cao's 16/17
    assert note.startswith("Sources disagree on these counts. Tahara 2017: this review uses 12/17. "
                           "Cao 2024 Fig. 3 (source {term}`S-3`), secondary: 16/17 (94%). ")
    assert "(source {term}`P-8`): 71%, i.e. about 12/17. Unresolved; sensitivity analysis: re-pool with 16/17" in note
    assert "D01" not in note and "seed" not in note
    # data/discrepancies.csv D02: Bible 2012's DCR is not used
    bible = st.discrepancy_note(ev.discrepancies, cohort_rows(studies, ["bible2012"]), "DCR")
    assert "Bible 2012: this review uses no value (study not in DCR pooling). " in bible
    assert st.discrepancy_note(ev.discrepancies, cohort_rows(studies, ["tahara2017"]), "ORR").startswith("No recorded")
    assert st.overlap_text(studies.iloc[0:0]) == "no cohort here shares patients with a kept cohort"
    assert st.overlap_text(cohort_rows(studies, ["koyama2018"])).endswith(": Koyama 2018")
    parts = st.source_level_text(cohort_rows(studies, ["ha2010", "bible2012", "pitoia2014"])).split(", ")
    assert sorted(parts) == ["1 abstract", "1 full text", "1 secondary"]
    empty = pd.DataFrame(columns=["A", "B"])
    assert st.with_placeholder(empty, "none").values.tolist() == [["none", "–"]]
    assert selection.record_if_pooled("drug.x.orr", None, outcome="ORR", inputs=[], chapter="x") is None


def test_figures_are_forests_or_nothing(studies):
    import matplotlib

    matplotlib.use("Agg")
    # nothing to plot is not a figure: the chapter's sentence says why
    assert st.response_forest(None, "DCR", subject="pazopanib in ATC") is None
    result = selection.pool_outcome(cohort_rows(studies, ["ha2010"]), "ORR", MetaAnalysisSettings())
    fig = st.response_forest(result, "ORR", subject="x")
    assert fig.axes[0].get_xlabel() == "Objective response rate"
