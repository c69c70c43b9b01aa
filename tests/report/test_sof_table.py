"""The standard summary-of-findings table: symbols, footnote letters, plain-language statements."""

from dataclasses import dataclass

import pytest

from living_review.report import sof_table
from living_review.appraisal.certainty import CertaintyRating


@dataclass(frozen=True)
class Row:
    outcome: str
    key: str
    scale: str
    k: int
    patients: int
    estimate: float
    ci_low: float
    ci_high: float
    certainty: CertaintyRating


def _rating(level, *explanations):
    return CertaintyRating(level, "low", tuple(("x", 1, e) for e in explanations), (), tuple(explanations))


ORR = Row("ORR", "orr", "proportion", 10, 288, 0.131, 0.048, 0.24, _rating("very low", "RoB.", "Inconsistency."))
OS = Row("Median OS", "os_median", "median", 6, 118, 4.888, 3.347, 7.139, _rating("very low", "RoB.", "Wide."))
HTN = Row("Grade ≥3 hypertension", "ae_grade3.hypertension", "proportion", 4, 116, 0.172, 0.086, 0.277,
          _rating("low"))


def test_statements_follow_the_informative_statement_wording():
    # Non-comparative informative statements (the earlier "TKI monotherapy may result in ..." was causal
    # wording for a comparison that does not exist, and named a band the interval did not support)
    assert sof_table.statement(ORR) == ("The evidence is very uncertain about how many patients on TKI monotherapy "
                                        "have an objective response: about 13 in 100 patients (95% CI 5 to 24).")
    assert sof_table.statement(OS) == ("The evidence is very uncertain about the median overall survival on TKI "
                                       "monotherapy: about 4.9 months (95% CI 3.3 to 7.1 months).")
    assert sof_table.statement(HTN) == ("On TKI monotherapy, about 17 in 100 patients may have grade ≥3 hypertension "
                                        "(95% CI 9 to 28).")
    moderate = Row("DCR", "dcr", "proportion", 8, 168, 0.605, 0.45, 0.75, _rating("moderate"))
    # 45-75% runs from "about half" to "a majority": no word, only the numbers
    assert sof_table.statement(moderate) == ("On TKI monotherapy, about 60 in 100 patients probably have disease "
                                             "control (95% CI 45 to 75).")
    narrow = Row("DCR", "dcr", "proportion", 8, 168, 0.28, 0.21, 0.35, _rating("high"))
    assert sof_table.statement(narrow) == ("On TKI monotherapy, about 28 in 100 patients, a minority of patients, "
                                           "have disease control (95% CI 21 to 35).")
    low_median = Row("Median PFS", "pfs_median", "median", 6, 118, 3.0, 2.2, 4.3, _rating("low"))
    assert sof_table.statement(low_median) == ("The median progression-free survival on TKI monotherapy may be about "
                                               "3.0 months (95% CI 2.2 to 4.3 months).")


@dataclass(frozen=True)
class Pooled:
    level: float
    pi_low: float
    pi_high: float


def test_the_words_follow_the_prediction_interval():
    # a response rate of 13% (CI 5-24) whose prediction interval reaches 55% is not "a small minority"
    row = Row("ORR", "orr", "proportion", 10, 288, 0.131, 0.048, 0.24, _rating("low"))
    with_pi = type("WithPI", (), {})()
    for name, value in vars(row).items():
        setattr(with_pi, name, value)
    with_pi.result = Pooled(0.95, 0.0, 0.55)
    assert sof_table.statement(with_pi) == ("On TKI monotherapy, about 13 in 100 patients may have an objective "
                                            "response (95% CI 5 to 24; in a new cohort 0 to 55, the prediction "
                                            "interval).")
    assert sof_table.band(0.21, 0.35) == "a minority of patients" and sof_table.band(0.45, 0.75) is None


CAUSAL = ("result in", "results in", "improve", "reduce", "increase", "worsen", "cause", "leads to", "lead to",
          "effect of", "produces", "because of tki", "due to")


@pytest.mark.parametrize("rating", ["high", "moderate", "low", "very low"])
def test_no_non_comparative_statement_uses_causal_wording(rating):
    rows = [Row(o, k, sc, 5, 100, e, lo, hi, _rating(rating)) for o, k, sc, e, lo, hi in (
        ("ORR", "orr", "proportion", 0.13, 0.05, 0.24), ("DCR", "dcr", "proportion", 0.6, 0.45, 0.75),
        ("Median PFS", "pfs_median", "median", 3.0, 2.2, 4.3), ("Median OS", "os_median", "median", 4.9, 3.3, 7.1),
        ("Grade ≥3 hypertension", "ae_grade3.hypertension", "proportion", 0.17, 0.09, 0.28))]
    for r in rows:
        text = sof_table.statement(r).lower()
        assert not [w for w in CAUSAL if w in text], text


def test_no_statement_of_the_book_s_summary_uses_causal_wording():
    from living_review.data import load_evidence
    from living_review.analyses import summary_of_findings as sof
    from living_review.settings import load_settings

    rows = sof.build_summary(load_evidence(), load_settings())
    assert len(rows) >= 5
    for r in rows:
        text = sof_table.statement(r).lower()
        assert not [w for w in CAUSAL if w in text], text
        if r.scale == "proportion" and r.k > 1:
            assert "prediction interval" in text


@pytest.mark.parametrize(("p", "words"), [(0.0, "very few patients"), (0.049, "very few patients"),
                                          (0.05, "a small minority of patients"), (0.2, "a minority of patients"),
                                          (0.5, "about half of patients"), (0.8, "most patients"), (1.0, "most patients")])
def test_magnitude_bands(p, words):
    assert sof_table.magnitude(p) == words


def test_footnote_letters_are_shared_by_identical_reasons():
    notes = sof_table.footnotes([ORR, OS, HTN])
    assert notes.letters == (("a", "b"), ("a", "c"), ())
    assert notes.notes == (("a", "RoB."), ("b", "Inconsistency."), ("c", "Wide."))


def test_table_shape_and_pdf_source():
    table = sof_table.standard_table([ORR, OS], level=0.95)
    assert list(table.columns) == ["Outcome", "№ of participants (studies)", "Estimate (95% CI)", "Certainty",
                                   "What happens"]
    assert table.iloc[0].tolist()[:4] == ["ORR", "288 (10 cohorts)", "13.1% (4.8 to 24.0)",
                                          "⊕◯◯◯ Very low (a, b)"]
    assert table.iloc[1, 2] == "4.9 months (3.3 to 7.1)"
    source = sof_table.standard_source([ORR, OS], caption="Summary.", name="tbl-x", note="Start low.")
    assert source.startswith("```{tabularcolumns}") and ":name: tbl-x" in source
    assert source.rstrip().endswith("(c) Wide.") and "Start low." in source
    assert "{sup}" not in source  # a role in a cell is escaped and would reach readers as source text


def test_one_study_estimate_is_labelled_exact():
    # one study is not pooled: its interval is the exact one, and the table says so
    single = Row("ORR", "orr", "proportion", 1, 15, 0.0, 0.0, 0.218, _rating("very low"))
    table = sof_table.standard_table([single, HTN])
    assert table.iloc[0]["Estimate (95% CI)"] == "0.0% (0.0 to 21.8; one study, exact CI)"
    assert "one study" not in table.iloc[1]["Estimate (95% CI)"]
