"""Tables of the trials-versus-real-world chapter."""

from __future__ import annotations

import pandas as pd

from living_review.report import setting_tables as st


def test_a_median_whose_ci_level_was_assumed_says_so():
    assert st._status("pooled (CI level not reported; 95% assumed)") == "pooled (95% level assumed)"
    assert st._status("pooled (CI)") == "pooled" and st._status("no CI: not pooled") == "listed (no CI)"
    assert st._status("something else") == "something else"


def test_regression_terms_are_named_in_words():
    class Regs:
        def __init__(self, terms):
            self.terms = terms

        def table(self):
            return pd.DataFrame({"covariate": ["setting"] * len(self.terms), "studies": ["5/9"] * len(self.terms),
                                 "term": self.terms, "coefficient": ["x"] * len(self.terms), "p": ["0.1"] * len(self.terms),
                                 "R2": ["0%"] * len(self.terms)})

    t = st.regression_table({"ORR": Regs(["settingReal-world cohort"]), "DCR": Regs(["dose_mg_per_day"])})
    assert t["Term"].tolist() == ["real-world vs trial", "per mg/day"] and t["Outcome"].tolist() == ["ORR", "DCR"]
