"""The standard summary-of-findings table: symbols, footnote letters, plain-language statements."""

from dataclasses import dataclass

import pytest

from living_review.report import sof_table
from living_review.report.certainty import CertaintyRating


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
    assert sof_table.statement(ORR) == ("TKI monotherapy may result in objective response in a small minority of "
                                        "patients, but the evidence is very uncertain.")
    assert sof_table.statement(OS) == ("TKI monotherapy may result in a median overall survival of about 5 months, "
                                       "but the evidence is very uncertain.")
    assert sof_table.statement(HTN) == "TKI monotherapy may result in grade ≥3 hypertension in a small minority of patients."
    moderate = Row("DCR", "dcr", "proportion", 8, 168, 0.605, 0.45, 0.75, _rating("moderate"))
    assert sof_table.statement(moderate) == "TKI monotherapy probably results in disease control in a majority of patients."


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
                                          "⊕◯◯◯ Very low {sup}`a,b`"]
    assert table.iloc[1, 2] == "4.9 months (3.3 to 7.1)"
    source = sof_table.standard_source([ORR, OS], caption="Summary.", name="tbl-x", note="Start low.")
    assert source.startswith("```{tabularcolumns}") and ":name: tbl-x" in source
    assert source.rstrip().endswith("{sup}`c` Wide.") and "Start low." in source


def test_one_study_estimate_is_labelled_exact():
    # one study is not pooled: its interval is the exact one, and the table says so
    single = Row("ORR", "orr", "proportion", 1, 15, 0.0, 0.0, 0.218, _rating("very low"))
    table = sof_table.standard_table([single, HTN])
    assert table.iloc[0]["Estimate (95% CI)"] == "0.0% (0.0 to 21.8; one study, exact CI)"
    assert "one study" not in table.iloc[1]["Estimate (95% CI)"]
