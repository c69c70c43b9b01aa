"""The comparative summary of findings: rows from the judgements file, wording by certainty."""

from __future__ import annotations

from dataclasses import replace

import pytest

from living_review.data import load_evidence
from living_review.report import comparative_sof as csof
from living_review.appraisal.certainty import CertaintyRating

ROB = {("rtog0912", "OS"): "no_information", ("rtog0912", "treatment_related_ae"): "no_information",
       ("iwasaki2020_palliative", "OS"): "no_information", ("iwasaki2023_paclitaxel", "OS"): "no_information"}


@pytest.fixture(scope="module")
def rows():
    return csof.build_rows(load_evidence(), ROB)


def test_one_row_per_judgement(rows):
    ev = load_evidence()
    assert [(r.comparison_id, r.outcome) for r in rows][:3] == [
        ("rtog0912", "Overall survival"), ("rtog0912", "Treatment-related adverse events, highest grade 3-4"),
        ("rtog0912", "Treatment-related death (grade 5)")]
    assert len(rows) == len(ev.comparative_certainty)
    os = rows[0]
    # GRADE's absolute effect: 0.29^0.86 = 34.5% (the appraisal issue's worked example); the printed 37.1% beside it
    assert (os.patients, os.relative, os.measure, os.comparator_value, os.tki_value) == (
        71, "HR 0.86 (95% CI 0.52 to 1.43; p = 0.28 one-sided as pre-specified, above the trial's threshold of 0.1379: not significant)", "Alive at 1 year",
        "29.0%", "34.5% (by the hazard ratio; 37.1% as printed)")
    assert os.difference == "+5.5 (−12.0 to +23.5) points, from the hazard ratio"
    assert os.sensitivity == "+8.1 (−13.4 to +28.5) points, difference of the two printed rates (Newcombe)"
    assert os.certainty.start == "high" and os.certainty.rating == "very low"
    iw = [r for r in rows if r.comparison_id == "iwasaki2020_palliative"][0]
    assert (iw.patients, iw.comparator, iw.measure, iw.tki_value, iw.difference) == (
        32, "palliative therapy", "Median", "4.2 months", "p = 0.00298, no interval reported")
    assert iw.certainty.start == "low"


def test_missing_risk_of_bias_is_an_error():
    with pytest.raises(ValueError, match="has no risk-of-bias judgement of treatment_related_ae"):
        csof.build_rows(load_evidence(), {("rtog0912", "OS"): "low"})


def test_rows_from_the_assessment_in_the_data():
    from living_review.report.comparative_risk_of_bias import overall_by_outcome

    ev = load_evidence()
    rob = overall_by_outcome(ev)
    # judged from the signalling answers (RoB 2 some concerns; ROBINS-I confounding serious): still one
    # level down for risk of bias, so the ratings stay very low
    assert set(rob) == set(ROB) and rob == {("rtog0912", "OS"): "some_concerns",
                                            ("rtog0912", "treatment_related_ae"): "some_concerns",
                                            ("iwasaki2020_palliative", "OS"): "serious",
                                            ("iwasaki2023_paclitaxel", "OS"): "serious"}
    assert [r.certainty.rating for r in csof.build_rows(ev, rob)] == ["very low"] * 5


def _as(row, rating, direction):
    return replace(row, certainty=CertaintyRating(rating, "high", ()), direction=direction)


@pytest.mark.parametrize("rating, direction, text", [
    ("very low", 0, "The evidence is very uncertain about the effect of pazopanib added to weekly paclitaxel and "
                    "IMRT on overall survival."),
    ("low", 0, "Pazopanib added to weekly paclitaxel and IMRT may "
               "result in little to no difference in overall survival."),
    ("moderate", 1, "Pazopanib added to weekly paclitaxel and IMRT "
                    "probably improves overall survival."),
    ("moderate", 0, "Pazopanib added to weekly paclitaxel and IMRT "
                    "probably results in little to no difference in overall survival."),
    ("low", 1, "Pazopanib added to weekly paclitaxel and IMRT may "
               "improve overall survival."),
    ("high", -1, "Pazopanib added to weekly paclitaxel and IMRT "
                 "worsens overall survival."),
])
def test_statement_by_certainty(rows, rating, direction, text):
    assert csof.statement(_as(rows[0], rating, direction)) == text


def test_statement_for_harms(rows):
    assert csof.statement(_as(rows[1], "high", -1)).endswith(" increases treatment-related adverse events, "
                                                              "highest grade 3-4.")


def test_table_and_footnotes(rows):
    t = csof.table(rows)
    # the binomial difference of the printed rates is kept, as a labelled sensitivity column
    assert list(t.columns) == ["Outcome and comparison", "№ of participants (studies)", "Effect", "Certainty",
                               "What happens", csof.SENSITIVITY]
    assert t.iloc[0]["Effect"] == ("HR 0.86 (95% CI 0.52 to 1.43; p = 0.28 one-sided as pre-specified, above the trial's threshold of 0.1379: not significant). "
                                   "Alive at 1 year: 29.0% with the comparator, 34.5% (by the hazard ratio; 37.1% as "
                                   "printed) with the TKI; difference +5.5 (−12.0 to +23.5) points, from the hazard "
                                   "ratio (95% CI).")
    assert t.iloc[0][csof.SENSITIVITY] == "+8.1 (−13.4 to +28.5) points, difference of the two printed rates (Newcombe)"
    assert t.iloc[1][csof.SENSITIVITY] == "—"
    assert t.iloc[3]["Effect"] == ("Median: 2.0 months with the comparator, 4.2 months with the TKI; p = 0.00298, no "
                                   "interval reported.")
    assert t.iloc[1]["Effect"].startswith("28/34 (82.4%) with the comparator, 31/36 (86.1%) with the TKI; difference")
    assert t.iloc[0]["Certainty"].startswith("⊕◯◯◯ Very low (a, ")
    src = csof.source(rows, caption="c", name="tbl-x")
    assert "(a) Downgraded one level for risk of bias: its risk of bias could not be assessed with RoB 2" in src


def test_footnotes_quoting_the_data_are_escaped(rows):
    hostile = [replace(rows[0], certainty=replace(rows[0].certainty, explanations=(
        "Downgraded one level for indirectness: <script>alert(1)</script> *x*.",)))]
    src = csof.source(hostile, caption="c", name="tbl-x")
    assert "<script>" not in src and "(a) Downgraded one level for indirectness:" in src


def test_drug_chapters_name_their_comparisons():
    ev = load_evidence()
    text = csof.drug_comparisons_text(ev, "pazopanib")
    assert text.startswith("1 comparison: Sherman 2023 (NRG/RTOG 0912), randomised: pazopanib added to weekly "
                           "paclitaxel and IMRT v placebo + weekly paclitaxel + IMRT")
    assert csof.drug_comparisons_text(ev, "lenvatinib").startswith("2 comparisons: Iwasaki 2020")
    assert csof.drug_comparisons_text(ev, "imatinib") == "none"
